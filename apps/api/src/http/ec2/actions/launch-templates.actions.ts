import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { LaunchTemplateData, TEMPLATE_TO_RUN_INSTANCES } from '../../../application/launch-templates/launch-template-data';
import { LaunchTemplateRef } from '../../../application/launch-templates/launch-templates.commands';
import { LaunchTemplatesService, LaunchTemplateVersionView } from '../../../application/launch-templates/launch-templates.service';
import { tagsOf } from '../../../application/tags/row-tags';
import { LaunchTemplateEntity } from '../../../persistence/entities';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { filterMatcher } from '../ec2-filters';
import { pageOf } from '../ec2-pages';
import { QueryParams } from '../ec2-params';
import { InstanceTypeLookup, launchTemplateContentOf } from './instances.actions';
import { tagSet, tagSpecs } from './networking.actions';
import { ec2Time } from '../ec2-xml';


/** MaxResults of DescribeLaunchTemplates and DescribeLaunchTemplateVersions: 1 to 200 (EC2 API Reference). */
const PAGE = { min: 1, max: 200 };

/**
 * RequestLaunchTemplateData's members that RunInstances has too (most under the same name; `RamDiskId`
 * is RunInstances' `RamdiskId`): checked by RunInstances' own parser, which refuses those Nimbus does
 * not simulate (IAM, kernels, Spot, accelerators, …) as it refuses them in a launch.
 */
const SHARED_MEMBERS = new Set([
  'ImageId', 'InstanceType', 'KeyName', 'SecurityGroupId', 'SecurityGroup', 'UserData', 'BlockDeviceMapping', 'NetworkInterface', 'Placement', 'TagSpecification',
  'CreditSpecification', 'EbsOptimized', 'DisableApiTermination', 'DisableApiStop', 'InstanceInitiatedShutdownBehavior', 'MetadataOptions', 'Monitoring',
  'CpuOptions', 'MaintenanceOptions', 'PrivateDnsNameOptions', 'CapacityReservationSpecification', 'HibernationOptions', 'EnclaveOptions',
  'KernelId', 'RamDiskId', 'IamInstanceProfile', 'ElasticGpuSpecification', 'ElasticInferenceAccelerator', 'InstanceMarketOptions', 'LicenseSpecification',
  'Operator', 'NetworkPerformanceOptions',
]);
/** Members only templates have: attribute-based instance type selection (for fleets and Auto Scaling) and secondary interfaces. */
const TEMPLATE_ONLY_MEMBERS: Readonly<Record<string, string>> = {
  InstanceRequirements: 'attribute-based instance type selection (LaunchTemplateData.InstanceRequirements)',
  SecondaryInterface: 'secondary interfaces (LaunchTemplateData.SecondaryInterface)',
};

/**
 * `LaunchTemplateData.*`, checked as a launch would check it, kept as given (template names); its
 * content for the application's checks.
 */
function templateDataOf(p: Ec2Params, typeOf: InstanceTypeLookup) {
  const entries = p.struct('LaunchTemplateData')?.entries() ?? [];
  const asRun = new Map<string, string>();
  for (const [k, v] of entries) {
    const top = k.split('.', 1)[0];
    if (TEMPLATE_ONLY_MEMBERS[top]) throw unsupported(TEMPLATE_ONLY_MEMBERS[top]);
    if (!SHARED_MEMBERS.has(top)) throw new ApiError('UnknownParameter', `The parameter LaunchTemplateData.${top.slice(0, 64)} is not recognized.`);
    asRun.set((TEMPLATE_TO_RUN_INSTANCES[top] ?? top) + k.slice(top.length), v);
  }
  const content = launchTemplateContentOf(new QueryParams(asRun), typeOf);
  const data: LaunchTemplateData = Object.fromEntries(entries);
  return { data, content };
}

function refOf(p: Ec2Params): LaunchTemplateRef {
  return { ...(p.string('LaunchTemplateId') ? { id: p.string('LaunchTemplateId') } : {}), ...(p.string('LaunchTemplateName') ? { name: p.string('LaunchTemplateName') } : {}) };
}

/** EC2 shows the principal that made the template: the account's root (`arn:aws:iam::<account>:root`), the one principal Nimbus has. */
const createdBy = (accountId: string) => `arn:aws:iam::${accountId}:root`;

function templateXml(t: LaunchTemplateEntity, accountId: string) {
  const tags = tagsOf(t);
  return {
    launchTemplateId: t.id, launchTemplateName: t.name, createTime: ec2Time(t.createdAt), createdBy: createdBy(accountId),
    defaultVersionNumber: t.defaultVersion, latestVersionNumber: t.latestVersion, tagSet: Object.keys(tags).length > 0 ? tagSet(tags) : undefined,
  };
}

const listOf = <T>(list: readonly T[]) => (list.length > 0 ? items(list) : undefined);
/** A structure's fields as EC2 answers them (`Enabled` → `enabled`), present only when the data has the structure. */
function structXml(s: Ec2Params | undefined, fields: Readonly<Record<string, 'string' | 'int' | 'bool'>>) {
  if (!s) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([name, type]) => [`${name[0].toLowerCase()}${name.slice(1)}`, type === 'int' ? s.int(name) : type === 'bool' ? s.bool(name) : s.string(name)]));
}

/** The data as EC2's ResponseLaunchTemplateData (its element names: `securityGroupIdSet`, `blockDeviceMappingSet`, `networkInterfaceSet` with its `groupSet` of `groupId`s, `tagSpecificationSet`, …). */
function launchTemplateDataXml(data: LaunchTemplateData) {
  const d = new QueryParams(new Map(Object.entries(data)));
  return {
    ebsOptimized: d.bool('EbsOptimized'),
    blockDeviceMappingSet: listOf(d.structs('BlockDeviceMapping').map((m) => ({
      deviceName: m.string('DeviceName'),
      ebs: structXml(m.struct('Ebs'), { Encrypted: 'bool', DeleteOnTermination: 'bool', Iops: 'int', KmsKeyId: 'string', SnapshotId: 'string', VolumeSize: 'int', VolumeType: 'string', Throughput: 'int' }),
    }))),
    networkInterfaceSet: listOf(d.structs('NetworkInterface').map((n) => ({
      ...structXml(n, { AssociatePublicIpAddress: 'bool', DeleteOnTermination: 'bool', Description: 'string', DeviceIndex: 'int' }),
      groupSet: n.list('SecurityGroupId').length > 0 ? { groupId: n.list('SecurityGroupId') } : undefined,
      networkInterfaceId: n.string('NetworkInterfaceId'),
      privateIpAddress: n.string('PrivateIpAddress'),
      privateIpAddressesSet: listOf(n.structs('PrivateIpAddresses').map((a) => structXml(a, { Primary: 'bool', PrivateIpAddress: 'string' }))),
      secondaryPrivateIpAddressCount: n.int('SecondaryPrivateIpAddressCount'),
      subnetId: n.string('SubnetId'),
    }))),
    imageId: d.string('ImageId'),
    instanceType: d.string('InstanceType'),
    keyName: d.string('KeyName'),
    monitoring: structXml(d.struct('Monitoring'), { Enabled: 'bool' }),
    placement: structXml(d.struct('Placement'), { AvailabilityZone: 'string', GroupName: 'string', HostId: 'string', Tenancy: 'string', PartitionNumber: 'int' }),
    disableApiTermination: d.bool('DisableApiTermination'),
    instanceInitiatedShutdownBehavior: d.string('InstanceInitiatedShutdownBehavior'),
    userData: d.string('UserData'),
    tagSpecificationSet: listOf(d.structs('TagSpecification').map((s) => ({
      resourceType: s.string('ResourceType'), tagSet: items(s.structs('Tag').map((t) => ({ key: t.string('Key'), value: t.string('Value') ?? '' }))),
    }))),
    securityGroupIdSet: listOf(d.list('SecurityGroupId')),
    securityGroupSet: listOf(d.list('SecurityGroup')),
    creditSpecification: structXml(d.struct('CreditSpecification'), { CpuCredits: 'string' }),
    cpuOptions: structXml(d.struct('CpuOptions'), { CoreCount: 'int', ThreadsPerCore: 'int', AmdSevSnp: 'string' }),
    capacityReservationSpecification: structXml(d.struct('CapacityReservationSpecification'), { CapacityReservationPreference: 'string' }),
    hibernationOptions: structXml(d.struct('HibernationOptions'), { Configured: 'bool' }),
    metadataOptions: structXml(d.struct('MetadataOptions'), { HttpTokens: 'string', HttpPutResponseHopLimit: 'int', HttpEndpoint: 'string', HttpProtocolIpv6: 'string', InstanceMetadataTags: 'string' }),
    enclaveOptions: structXml(d.struct('EnclaveOptions'), { Enabled: 'bool' }),
    privateDnsNameOptions: structXml(d.struct('PrivateDnsNameOptions'), { HostnameType: 'string', EnableResourceNameDnsARecord: 'bool', EnableResourceNameDnsAAAARecord: 'bool' }),
    maintenanceOptions: structXml(d.struct('MaintenanceOptions'), { AutoRecovery: 'string' }),
    disableApiStop: d.bool('DisableApiStop'),
  };
}

function versionXml(v: LaunchTemplateVersionView, accountId: string) {
  return {
    launchTemplateId: v.template.id, launchTemplateName: v.template.name, versionNumber: v.version.versionNumber, versionDescription: v.version.description ?? undefined,
    createTime: ec2Time(v.version.createdAt), createdBy: createdBy(accountId), defaultVersion: v.version.versionNumber === v.template.defaultVersion,
    launchTemplateData: launchTemplateDataXml(v.data),
  };
}

/**
 * DescribeLaunchTemplateVersions' filters (EC2 API Reference), each reading the version's data as
 * DescribeLaunchTemplateVersions shows it. The members Nimbus refuses in a template (IAM instance
 * profiles, kernels, RAM disks, licence configurations, host resource groups, network cards) are in
 * no version: their filters match none.
 */
function versionFilters() {
  const dataOf = (v: LaunchTemplateVersionView) => new QueryParams(new Map(Object.entries(v.data)));
  const none = () => undefined;
  const bool = (value: boolean | undefined) => (value === undefined ? undefined : String(value));
  return {
    'create-time': (v: LaunchTemplateVersionView) => ec2Time(v.version.createdAt),
    'ebs-optimized': (v: LaunchTemplateVersionView) => bool(dataOf(v).bool('EbsOptimized')),
    'http-endpoint': (v: LaunchTemplateVersionView) => dataOf(v).string('MetadataOptions.HttpEndpoint'),
    'http-tokens': (v: LaunchTemplateVersionView) => dataOf(v).string('MetadataOptions.HttpTokens'),
    'image-id': (v: LaunchTemplateVersionView) => dataOf(v).string('ImageId'),
    'instance-type': (v: LaunchTemplateVersionView) => dataOf(v).string('InstanceType'),
    'is-default-version': (v: LaunchTemplateVersionView) => String(v.version.versionNumber === v.template.defaultVersion),
    'iam-instance-profile': none, 'kernel-id': none, 'ram-disk-id': none, 'license-configuration-arn': none, 'host-resource-group-arn': none, 'network-card-index': none,
  };
}

/** EC2's launch templates (LaunchTemplatesService); RunInstances' `LaunchTemplate` is the instances feature's. */
@Injectable()
export class LaunchTemplatesEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly templates: LaunchTemplatesService,
    private readonly catalog: CatalogService,
  ) {}

  private readonly typeOf: InstanceTypeLookup = (name) => this.catalog.instanceType(name)?.type;

  private createCommand(p: Ec2Params) {
    if (p.has('Operator')) throw unsupported('launch templates managed by a service provider (Operator)');
    const { data, content } = templateDataOf(p, this.typeOf);
    return {
      name: p.required('LaunchTemplateName'), data, content, tags: tagSpecs(p, 'launch-template'),
      ...(p.string('VersionDescription') !== undefined ? { description: p.string('VersionDescription') } : {}),
      ...(p.string('ClientToken') ? { clientToken: p.string('ClientToken') } : {}),
    };
  }

  private versionCommand(p: Ec2Params) {
    p.bool('ResolveAlias'); // No image id is a Systems Manager parameter here: there is no alias to resolve.
    const { data, content } = templateDataOf(p, this.typeOf);
    return {
      template: refOf(p), data, content,
      ...(p.string('SourceVersion') ? { sourceVersion: p.string('SourceVersion') } : {}),
      ...(p.string('VersionDescription') !== undefined ? { description: p.string('VersionDescription') } : {}),
      ...(p.string('ClientToken') ? { clientToken: p.string('ClientToken') } : {}),
    };
  }

  private readonly requireTemplate = async (ctx: Ec2Context, p: Ec2Params) => void (await this.templates.require(undefined, ctx.tenant.id, refOf(p)));

  readonly actions: Ec2Actions = {
    CreateLaunchTemplate: {
      operation: 'CreateLaunchTemplate',
      params: ['LaunchTemplateName', 'VersionDescription', 'LaunchTemplateData', 'TagSpecification', 'ClientToken', 'Operator'],
      dryRun: async (ctx, p) => void (await this.templates.checkCreate(ctx.tenant, this.createCommand(p))),
      handler: async (ctx, p) => {
        const v = await this.templates.create(ctx.tenant, this.createCommand(p));
        return { launchTemplate: templateXml(v.template, ctx.accountId) };
      },
    },
    CreateLaunchTemplateVersion: {
      operation: 'CreateLaunchTemplateVersion',
      params: ['LaunchTemplateId', 'LaunchTemplateName', 'SourceVersion', 'VersionDescription', 'LaunchTemplateData', 'ClientToken', 'ResolveAlias'],
      dryRun: async (ctx, p) => {
        this.versionCommand(p);
        await this.requireTemplate(ctx, p);
      },
      handler: async (ctx, p) => {
        const v = await this.templates.createVersion(ctx.tenant, this.versionCommand(p));
        return { launchTemplateVersion: versionXml(v, ctx.accountId) };
      },
    },
    DescribeLaunchTemplates: {
      operation: 'DescribeLaunchTemplates',
      params: ['LaunchTemplateId', 'LaunchTemplateName', 'Filter', 'MaxResults', 'NextToken', 'IncludeManagedResources'],
      handler: async (ctx, p) => {
        p.bool('IncludeManagedResources'); // No template here is managed by a service.
        const maxResults = p.int('MaxResults', PAGE) ?? PAGE.max;
        const match = filterMatcher(p.filters(), {
          'create-time': (t: LaunchTemplateEntity) => ec2Time(t.createdAt),
          'launch-template-name': (t) => t.name,
          'tag-key': (t) => Object.keys(tagsOf(t)),
        }, tagsOf);
        const list = (await this.templates.list(ctx.tenant, { ids: p.list('LaunchTemplateId'), names: p.list('LaunchTemplateName') })).map((v) => v.template).filter(match);
        const { page, nextToken } = pageOf(list, maxResults, p.string('NextToken') || undefined);
        return { launchTemplates: items(page.map((t) => templateXml(t, ctx.accountId))), nextToken };
      },
    },
    DescribeLaunchTemplateVersions: {
      operation: 'DescribeLaunchTemplateVersions',
      params: ['LaunchTemplateId', 'LaunchTemplateName', 'LaunchTemplateVersion', 'MinVersion', 'MaxVersion', 'Filter', 'MaxResults', 'NextToken', 'ResolveAlias', 'IncludeManagedResources'],
      handler: async (ctx, p) => {
        p.bool('ResolveAlias');
        p.bool('IncludeManagedResources');
        const maxResults = p.int('MaxResults', PAGE) ?? PAGE.max;
        if (p.filters().some((f) => f.name === 'http-protocol-ipv4')) throw unsupported("the filter 'http-protocol-ipv4' (the metadata service's IPv4 endpoint is not a launch template setting here)");
        const match = filterMatcher(p.filters(), versionFilters());
        const ref = refOf(p);
        const versions = await this.templates.versions(ctx.tenant, {
          ...(ref.id !== undefined || ref.name !== undefined ? { template: ref } : {}),
          versions: p.list('LaunchTemplateVersion'),
          minVersion: p.int('MinVersion', { min: 1 }), maxVersion: p.int('MaxVersion', { min: 1 }),
        });
        const { page, nextToken } = pageOf(versions.filter(match), maxResults, p.string('NextToken') || undefined);
        return { launchTemplateVersionSet: items(page.map((v) => versionXml(v, ctx.accountId))), nextToken };
      },
    },
    ModifyLaunchTemplate: {
      operation: 'ModifyLaunchTemplate',
      // SetDefaultVersion is the only change; repeating it changes nothing more, so the ClientToken's promise holds without a record.
      params: ['LaunchTemplateId', 'LaunchTemplateName', 'SetDefaultVersion', 'ClientToken'],
      dryRun: this.requireTemplate,
      handler: async (ctx, p) => {
        const t = await this.templates.setDefaultVersion(ctx.tenant, refOf(p), p.string('SetDefaultVersion') || undefined);
        return { launchTemplate: templateXml(t, ctx.accountId) };
      },
    },
    DeleteLaunchTemplate: {
      operation: 'DeleteLaunchTemplate',
      params: ['LaunchTemplateId', 'LaunchTemplateName'],
      dryRun: this.requireTemplate,
      handler: async (ctx, p) => ({ launchTemplate: templateXml(await this.templates.delete(ctx.tenant, refOf(p)), ctx.accountId) }),
    },
    DeleteLaunchTemplateVersions: {
      operation: 'DeleteLaunchTemplateVersions',
      params: ['LaunchTemplateId', 'LaunchTemplateName', 'LaunchTemplateVersion'],
      dryRun: this.requireTemplate,
      handler: async (ctx, p) => {
        const asked = p.list('LaunchTemplateVersion');
        if (asked.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchTemplateVersion');
        if (asked.length > 200) throw invalidParameter('At most 200 launch template versions per request: DeleteLaunchTemplate deletes a template with all its versions.');
        const numbers = asked.map((v) => {
          if (!/^\d{1,15}$/.test(v.trim())) throw invalidParameter(`Value (${v.slice(0, 32)}) for parameter LaunchTemplateVersion is invalid. It must be a version number.`);
          return Number(v.trim());
        });
        const { template, deleted, failed } = await this.templates.deleteVersions(ctx.tenant, refOf(p), numbers);
        const named = { launchTemplateId: template.id, launchTemplateName: template.name };
        return {
          successfullyDeletedLaunchTemplateVersionSet: items(deleted.map((versionNumber) => ({ ...named, versionNumber }))),
          unsuccessfullyDeletedLaunchTemplateVersionSet: items(failed.map((f) => ({ ...named, versionNumber: f.versionNumber, responseError: { code: f.code, message: f.message } }))),
        };
      },
    },
  };
}
