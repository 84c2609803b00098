import { Injectable } from '@nestjs/common';
import { NetworkingService } from '../../../application/networking/networking.service';
import { cpuOptionsOf, findInstanceType, INSTANCE_STATE_CODES, InstanceStateName, InstanceType, isWindowsPlatform, StateTransition } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { InstanceDescription } from '../../../application/instances/instance-description';
import { InstanceAttributeChange, RunInstancesCommand } from '../../../application/instances/instances.commands';
import { ebsBlockDeviceMappings } from './block-device-mappings';
import { LaunchContent } from '../../../application/launch-templates/launch-templates.commands';
import { launchParameters } from '../../../application/launch-templates/launch-template-data';
import { LaunchTemplatesService } from '../../../application/launch-templates/launch-templates.service';
import { QueryParams } from '../ec2-params';
import { InstancesService } from '../../../application/instances/instances.service';
import { MetadataOptionsChange } from '../../../application/instances/metadata-options';
import { CheckStatus, reachabilityOf } from '../../../application/instances/status-checks';
import { VolumesService } from '../../../application/volumes/volumes.service';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { DeleteOnTerminationChange } from '../../../application/volumes/volumes.commands';
import { LaunchNetworkInterface, LaunchNetworkRequest } from '../../../application/networking/instance-networking';
import { TenantEntity } from '../../../persistence/entities';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { eachWithOutcome, unsupported } from '../ec2-errors';
import { refuseMaxResultsWithIds } from '../ec2-pages';
import { filterMatcher, FilterField } from '../ec2-filters';
import { zoneIdOf } from '../availability-zones';
import {
  ATTACHED_INTERFACE_STATUS, architectureOf, FIXED_SETTINGS, billingIdentityOf, blockDeviceMappingsOf, currentBootModeXml, INSTANCE_HYPERVISOR, instanceXml, interfaceAssociationOf,
  metadataOptionsXml, reservationsXml, stateReasonOf, stateXml,
  instanceEnaSupport,
} from './instance.xml';
import { privateIpSpecs } from './networking.actions';
import { ec2Time } from '../ec2-xml';

const combination = (message: string) => new ApiError('InvalidParameterCombination', message);


/**
 * DescribeInstances' filters, each reading what DescribeInstances shows of the instance (instance.xml.ts's
 * functions; network fields from the networking feature). A Spot Instance's `instanceLifecycle` (`spot`)
 * and `spotInstanceRequestId` match theirs. What EC2 gives only to instances Nimbus has
 * none of — Scheduled ones, ones launched on the
 * tenant's behalf by a service (`requesterId`), Marketplace AMIs' product codes — is absent from every
 * Nimbus instance, as from an On-Demand instance its owner launched: those filters match none.
 */
function instanceFilters(ownerId: string): Record<string, FilterField<InstanceDescription>> {
  const interfaces = (d: InstanceDescription) => d.network?.interfaces ?? [];
  const none = () => undefined;
  return {
    'instance-id': (d) => d.row.id,
    'instance-state-name': (d) => d.row.state,
    'instance-state-code': (d) => String(INSTANCE_STATE_CODES[d.row.state as InstanceStateName]),
    'instance-type': (d) => d.row.instanceType,
    'availability-zone': (d) => d.row.availabilityZone,
    'image-id': (d) => d.row.imageId,
    'tag-key': (d) => Object.keys(d.tags),
    'tag-value': (d) => Object.values(d.tags),
    'vpc-id': (d) => d.network?.vpcId,
    'subnet-id': (d) => d.network?.subnetId,
    'private-dns-name': (d) => d.network?.privateDnsName,
    'private-ip-address': (d) => d.network?.privateIpAddress,
    'dns-name': (d) => d.network?.publicDnsName,
    'ip-address': (d) => d.network?.publicIpAddress,
    architecture: (d) => architectureOf(d),
    'owner-id': () => ownerId,
    'reservation-id': (d) => d.row.reservationId,
    'client-token': (d) => d.clientToken,
    'reason-code': (d) => stateReasonOf(d)?.code,
    'state-reason-code': (d) => stateReasonOf(d)?.code,
    'state-reason-message': (d) => stateReasonOf(d)?.message,
    'key-name': (d) => d.network?.keyName,
    'instance.group-id': (d) => d.network?.groups.map((g) => g.groupId),
    'instance.group-name': (d) => d.network?.groups.map((g) => g.groupName),
    'network-interface.network-interface-id': (d) => interfaces(d).map((i) => i.networkInterfaceId),
    'network-interface.subnet-id': (d) => interfaces(d).map((i) => i.subnetId),
    'network-interface.vpc-id': (d) => interfaces(d).map((i) => i.vpcId),
    'network-interface.status': (d) => interfaces(d).map(() => ATTACHED_INTERFACE_STATUS),
    'network-interface.mac-address': (d) => interfaces(d).map((i) => i.macAddress),
    'network-interface.source-dest-check': (d) => interfaces(d).map((i) => String(i.sourceDestCheck)),
    'network-interface.group-id': (d) => interfaces(d).flatMap((i) => i.groups.map((g) => g.groupId)),
    'network-interface.group-name': (d) => interfaces(d).flatMap((i) => i.groups.map((g) => g.groupName)),
    'network-interface.private-dns-name': (d) => interfaces(d).map((i) => i.privateDnsName),
    'network-interface.addresses.private-ip-address': (d) => interfaces(d).flatMap((i) => [i.privateIpAddress, ...i.secondaryPrivateIpAddresses]),
    'network-interface.private-ip-address': (d) => interfaces(d).flatMap((i) => [i.privateIpAddress, ...i.secondaryPrivateIpAddresses]),
    'network-interface.attachment.attachment-id': (d) => interfaces(d).map((i) => i.attachmentId),
    'network-interface.attachment.device-index': (d) => interfaces(d).map((i) => String(i.deviceIndex)),
    'network-interface.attachment.status': (d) => interfaces(d).map((i) => i.status),
    'network-interface.attachment.delete-on-termination': (d) => interfaces(d).map((i) => String(i.deleteOnTermination)),
    // The interface's association is its primary address's public address; `addresses.` any address's.
    'network-interface.association.public-ip': (d) => interfaces(d).flatMap((i) => interfaceAssociationOf(i, ownerId)?.publicIp ?? []),
    'network-interface.association.public-dns-name': (d) => interfaces(d).flatMap((i) => interfaceAssociationOf(i, ownerId)?.publicDnsName ?? []),
    'network-interface.association.ip-owner-id': (d) => interfaces(d).flatMap((i) => interfaceAssociationOf(i, ownerId)?.ipOwnerId ?? []),
    'network-interface.addresses.association.public-ip': (d) => interfaces(d).flatMap((i) => i.publicIps.map((p) => p.publicIp)),
    'source-dest-check': (d) => (d.network ? String(d.network.sourceDestCheck) : undefined),
    'placement-group-name': (d) => d.placementGroupName,
    'placement-partition-number': (d) => (d.row.partitionNumber !== null ? String(d.row.partitionNumber) : undefined),
    tenancy: (d) => d.row.tenancy,
    'host-id': (d) => d.row.dedicatedHostId ?? undefined,
    'launch-index': (d) => String(d.row.launchIndex),
    'launch-time': (d) => ec2Time(d.row.launchTime),
    'platform-details': (d) => billingIdentityOf(d).platformDetails,
    'usage-operation': (d) => billingIdentityOf(d).usageOperation,
    platform: (d) => (isWindowsPlatform(d.row.platform) ? 'windows' : undefined),
    'root-device-type': () => 'ebs',
    'root-device-name': (d) => d.row.rootDeviceName,
    'virtualization-type': () => 'hvm',
    hypervisor: () => INSTANCE_HYPERVISOR,
    'monitoring-state': (d) => d.monitoring,
    'current-instance-boot-mode': (d) => currentBootModeXml(d),
    'block-device-mapping.volume-id': (d) => blockDeviceMappingsOf(d).map((m) => m.ebs.volumeId),
    'block-device-mapping.device-name': (d) => blockDeviceMappingsOf(d).flatMap((m) => m.deviceName ?? []),
    'block-device-mapping.status': (d) => blockDeviceMappingsOf(d).map((m) => m.ebs.status),
    'block-device-mapping.attach-time': (d) => blockDeviceMappingsOf(d).flatMap((m) => m.ebs.attachTime ?? []),
    'block-device-mapping.delete-on-termination': (d) => blockDeviceMappingsOf(d).map((m) => String(m.ebs.deleteOnTermination)),
    'ebs-optimized': (d) => String(d.row.ebsOptimized),
    'metadata-options.state': (d) => metadataOptionsXml(d).state,
    'metadata-options.http-tokens': (d) => metadataOptionsXml(d).httpTokens,
    'metadata-options.http-put-response-hop-limit': (d) => String(metadataOptionsXml(d).httpPutResponseHopLimit),
    'metadata-options.http-endpoint': (d) => metadataOptionsXml(d).httpEndpoint,
    'metadata-options.http-protocol-ipv6': (d) => metadataOptionsXml(d).httpProtocolIpv6,
    'metadata-options.instance-metadata-tags': (d) => metadataOptionsXml(d).instanceMetadataTags,
    'instance-lifecycle': (d) => (d.row.spotInstanceRequestId !== null ? 'spot' : undefined),
    'spot-instance-request-id': (d) => d.row.spotInstanceRequestId ?? undefined,
    'requester-id': none,
    'product-code': none,
    'product-code.type': none,
  };
}

/** The metadata options a request names (RunInstances' `MetadataOptions` structure, ModifyInstanceMetadataOptions' parameters); checked by the application. */
function metadataOptionsChange(p: Ec2Params): MetadataOptionsChange {
  const change: Record<string, unknown> = {
    httpTokens: p.string('HttpTokens'), httpPutResponseHopLimit: p.int('HttpPutResponseHopLimit'), httpEndpoint: p.string('HttpEndpoint'),
    httpProtocolIpv6: p.string('HttpProtocolIpv6'), instanceMetadataTags: p.string('InstanceMetadataTags'),
  };
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as MetadataOptionsChange;
}

/** `MaxResults`/`NextToken` as EC2 takes them for a Describe, refused beside ids (InvalidParameterCombination). */
function paging(p: Ec2Params, idParam: string, range: { min: number; max: number }) {
  const maxResults = p.int('MaxResults', range);
  const nextToken = p.string('NextToken');
  refuseMaxResultsWithIds(p, idParam);
  return { maxResults, nextToken: nextToken === '' ? undefined : nextToken };
}

function instanceIds(p: Ec2Params): string[] {
  const ids = p.list('InstanceId');
  if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter InstanceId');
  return ids;
}

/**
 * RunInstances' parameters for what Nimbus does not simulate (IAM, Spot, IPv6, kernels and
 * ramdisks, accelerators, licence specifications, …). They are EC2's, so they are declared, not
 * UnknownParameter ("not recognized"), and a request naming one is refused with
 * UnsupportedOperation naming it, never launched without it; so is a launch template holding one.
 */
const RUN_NOT_SIMULATED = [
  'IamInstanceProfile', 'ElasticGpuSpecification', 'ElasticInferenceAccelerator', 'LicenseSpecification',
  'KernelId', 'RamdiskId', 'Ipv6Address', 'Ipv6AddressCount', 'EnablePrimaryIpv6', 'NetworkPerformanceOptions', 'Operator', 'AdditionalInfo',
];

/**
 * RunInstances' settings Nimbus has one value of, each what DescribeInstances shows of every
 * instance (the type's own cores and threads; no capacity reservation targeted; hibernation and
 * Nitro Enclaves off; IP-based host names): written out with that value, as infrastructure-as-code
 * tools write every argument, they ask for nothing and are accepted; any other value, or another
 * field beside them, is UnsupportedOperation naming it.
 */
const RUN_ONE_VALUE = ['CpuOptions', 'CapacityReservationSpecification', 'HibernationOptions', 'EnclaveOptions', 'PrivateDnsNameOptions'];

const NOT_SIMULATED = new Set(RUN_NOT_SIMULATED);

/** How the adapter finds a type by name: the world's catalog (CatalogService), an operator's custom types too. */
export type InstanceTypeLookup = (name: string) => InstanceType | undefined;

/**
 * Each one-value setting's fields and their one value (CpuOptions': the type's own cores and
 * threads, the type as the catalog has it; a type it does not have is refused by the launch, so
 * its CpuOptions are not looked at here).
 */
function oneValues(name: string, type: InstanceType | undefined): Readonly<Record<string, string>> | undefined {
  switch (name) {
    case 'CpuOptions': {
      if (!type) return undefined;
      const cpu = cpuOptionsOf(type);
      return { CoreCount: String(cpu.coreCount), ThreadsPerCore: String(cpu.threadsPerCore), AmdSevSnp: 'disabled' };
    }
    default: {
      // The others: what DescribeInstances shows (FIXED_SETTINGS), as the request names them.
      const shown = FIXED_SETTINGS[`${name[0].toLowerCase()}${name.slice(1)}` as keyof typeof FIXED_SETTINGS];
      return Object.fromEntries(Object.entries(shown).map(([k, v]) => [`${k[0].toUpperCase()}${k.slice(1)}`, String(v)]));
    }
  }
}

/** The request's top-level names, read once: a launch naming none of these (nearly every one) costs one pass over them. */
function refuseWhatIsNotSimulated(p: Ec2Params, instanceType: string | undefined, typeOf: InstanceTypeLookup): void {
  for (const name of p.fields()) {
    if (NOT_SIMULATED.has(name)) throw unsupported(`the parameter ${name}`);
    if (!RUN_ONE_VALUE.includes(name)) continue;
    const only = oneValues(name, name === 'CpuOptions' && instanceType !== undefined ? typeOf(instanceType) : undefined);
    if (!only) continue;
    const refused = (what: string) => unsupported(`${what} (${instanceType !== undefined ? `for ${instanceType}, ` : ''}only ${Object.entries(only).map(([k, v]) => `${k}=${v}`).join(', ')})`);
    const s = p.struct(name);
    if (!s) throw refused(`${name}=${(p.string(name) ?? '').slice(0, 40)}`); // a value where EC2 has a structure
    for (const field of s.fields()) {
      const value = s.string(field);
      const allowed = only[field];
      if (allowed === undefined || value?.trim().toLowerCase() !== allowed.toLowerCase()) throw refused(`${name}.${field}${value !== undefined ? `=${value.slice(0, 40)}` : ''}`);
    }
  }
}

/** RunInstances' parameters as the application's command: what the caller asked, nothing added (a repeated ClientToken is matched on it). */
export function toRunInstancesCommand(p: Ec2Params, typeOf: InstanceTypeLookup): RunInstancesCommand {
  const imageId = p.required('ImageId');
  const instanceType = p.string('InstanceType') ?? (findInstanceType('m1.small') ? 'm1.small' : p.required('InstanceType'));
  refuseWhatIsNotSimulated(p, instanceType, typeOf);
  const minCount = p.int('MinCount', { min: 1 }) ?? p.required('MinCount') as never;
  const maxCount = p.int('MaxCount', { min: 1 }) ?? p.required('MaxCount') as never;
  if (maxCount < minCount) throw invalidParameter(`Value (${maxCount}) for parameter MaxCount is invalid. It must be at least MinCount (${minCount}).`);
  return {
    imageId, instanceType, minCount, maxCount, ...launchSettingsOf(p),
    ...(p.string('ClientToken') ? { clientToken: p.string('ClientToken') } : {}),
  };
}

/**
 * RequestSpotInstances' LaunchSpecification (RequestSpotLaunchSpecification: RunInstances' names for
 * the image, type, key pair, groups, subnet, placement, block devices, user data, monitoring,
 * network interfaces) read by the same functions as a launch: one instance, no client token.
 */
export function toSpotLaunchCommand(spec: Ec2Params, typeOf: InstanceTypeLookup): RunInstancesCommand {
  const imageId = spec.required('ImageId');
  const instanceType = spec.required('InstanceType');
  refuseWhatIsNotSimulated(spec, instanceType, typeOf);
  for (const field of ['AddressingType', 'InstanceMarketOptions', 'TagSpecification']) if (spec.has(field)) throw unsupported(`the parameter LaunchSpecification.${field}`);
  return { imageId, instanceType, minCount: 1, maxCount: 1, ...launchSettingsOf(spec) };
}

/**
 * A launch template's data (RunInstances' names: launch-template-data.ts) read as RunInstances reads
 * a launch, by the same functions: every member Nimbus refuses in a launch refused here, every
 * value checked as a launch checks it. Its content, for the application's own checks.
 */
export function launchTemplateContentOf(data: Ec2Params, typeOf: InstanceTypeLookup): LaunchContent {
  refuseWhatIsNotSimulated(data, data.string('InstanceType'), typeOf);
  const { tags, volumeTags, userData, metadataOptions } = launchSettingsOf(data);
  return { tags, volumeTags, userData, metadataOptions };
}

/** What a launch asks besides its image, type and counts (and client token): RunInstances' other parameters, as a launch template's data holds them too. */
function launchSettingsOf(p: Ec2Params): Omit<RunInstancesCommand, 'imageId' | 'instanceType' | 'minCount' | 'maxCount' | 'clientToken'> {
  const placement = p.struct('Placement');
  let availabilityZone: string | undefined;
  let tenancy: RunInstancesCommand['tenancy'];
  let placementGroup: string | undefined;
  let hostId: string | undefined;
  let partitionNumber: number | undefined;
  if (placement) {
    for (const unknown of ['Affinity', 'HostResourceGroupArn', 'SpreadDomain', 'AvailabilityZoneId', 'GroupId'])
      if (placement.has(unknown)) throw unsupported(`Placement.${unknown}`);
    availabilityZone = placement.string('AvailabilityZone') || undefined;
    placementGroup = placement.string('GroupName') || undefined;
    hostId = placement.string('HostId') || undefined;
    partitionNumber = placement.int('PartitionNumber', { min: 1 });
    const t = placement.string('Tenancy');
    if (t !== undefined && t !== 'default' && t !== 'dedicated' && t !== 'host') throw invalidParameter(`Value (${t}) for parameter Placement.Tenancy is invalid. It must be default, dedicated or host.`);
    tenancy = t as RunInstancesCommand['tenancy'];
  }

  const tags: Record<string, string> = {};
  const volumeTags: Record<string, string> = {};
  const interfaceTags: Record<string, string> = {};
  const requestTags: Record<string, string> = {};
  for (const spec of p.structs('TagSpecification')) {
    const resourceType = spec.required('ResourceType');
    const into = resourceType === 'instance' ? tags : resourceType === 'volume' ? volumeTags : resourceType === 'network-interface' ? interfaceTags
      : resourceType === 'spot-instances-request' ? requestTags : undefined;
    if (!into) throw unsupported(`tagging a '${resourceType}' at launch (TagSpecification.ResourceType: 'instance', 'volume', 'network-interface' or 'spot-instances-request')`);
    for (const t of spec.structs('Tag')) into[t.required('Key')] = t.string('Value') ?? '';
  }

  // Each mapping at its DeviceName, none too: EC2's rule, the image's root volume and changes to it
  // or data volumes beside it, is the application's (VolumesService.resolveLaunchVolumes).
  const blockDeviceMappings = ebsBlockDeviceMappings(p);

  const credits = p.struct('CreditSpecification')?.required('CpuCredits');
  if (credits !== undefined && credits !== 'standard' && credits !== 'unlimited') throw invalidParameter(`Value (${credits}) for parameter CreditSpecification.CpuCredits is invalid. It must be standard or unlimited.`);
  const shutdown = p.string('InstanceInitiatedShutdownBehavior');
  if (shutdown !== undefined && shutdown !== 'stop' && shutdown !== 'terminate') throw invalidParameter(`Value (${shutdown}) for parameter InstanceInitiatedShutdownBehavior is invalid. It must be stop or terminate.`);
  const monitoring = p.struct('Monitoring')?.bool('Enabled');
  const autoRecovery = p.struct('MaintenanceOptions')?.string('AutoRecovery');
  if (autoRecovery !== undefined && autoRecovery !== 'default' && autoRecovery !== 'disabled') throw invalidParameter(`Value (${autoRecovery}) for parameter MaintenanceOptions.AutoRecovery is invalid.`);

  const metadata = p.struct('MetadataOptions');
  const metadataOptions = metadata ? metadataOptionsChange(metadata) : undefined;

  const asked = toNetworkRequest(p);
  const network = Object.keys(interfaceTags).length > 0 ? { ...asked, interfaceTags } : asked;
  const market = spotMarketOf(p, tenancy, hostId);
  // EC2 tags a Spot launch's requests with `spot-instances-request` specifications; without Spot there are none to tag.
  if (Object.keys(requestTags).length > 0 && !market) throw new ApiError('InvalidParameterValue', "TagSpecification.ResourceType 'spot-instances-request' needs InstanceMarketOptions with MarketType=spot.");
  const spot = market && Object.keys(requestTags).length > 0 ? { ...market, tags: requestTags } : market;
  return {
    ...(spot !== undefined ? { spot } : {}),
    ...(availabilityZone !== undefined ? { availabilityZone } : {}),
    ...(tenancy !== undefined ? { tenancy } : {}),
    ...(hostId !== undefined ? { hostId } : {}),
    ...(placementGroup !== undefined ? { placementGroup } : {}),
    ...(partitionNumber !== undefined ? { partitionNumber } : {}),
    ...(credits !== undefined ? { creditSpecification: credits } : {}),
    blockDeviceMappings,
    ...(autoRecovery !== undefined ? { maintenanceOptions: { autoRecovery } } : {}),
    ...(metadataOptions !== undefined ? { metadataOptions } : {}),
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    ...(Object.keys(volumeTags).length > 0 ? { volumeTags } : {}),
    ...(p.string('UserData') ? { userData: p.string('UserData') } : {}),
    ...(p.bool('DisableApiTermination') !== undefined ? { disableApiTermination: p.bool('DisableApiTermination') } : {}),
    ...(p.bool('DisableApiStop') !== undefined ? { disableApiStop: p.bool('DisableApiStop') } : {}),
    ...(monitoring !== undefined ? { monitoring } : {}),
    ...(shutdown !== undefined ? { instanceInitiatedShutdownBehavior: shutdown } : {}),
    ...(p.bool('EbsOptimized') !== undefined ? { ebsOptimized: p.bool('EbsOptimized') } : {}),
    ...(network ? { network } : {}),
  };
}

/** EC2's smallest maximum price: "it must be more than USD $0.001" (SpotMarketOptions, API Reference). */
const MIN_SPOT_MAX_PRICE = 0.001;

/**
 * `InstanceMarketOptions` (EC2's InstanceMarketOptionsRequest): `MarketType=spot` with
 * `SpotOptions` — `MaxPrice` (more than $0.001; absent: the On-Demand price), `SpotInstanceType`
 * `one-time` or `persistent` (here with `stop` only, as the API Reference says),
 * `InstanceInterruptionBehavior` `terminate` or `stop`, `ValidUntil` (spotOptionsOf: EC2's combinations). Hibernation, Spot blocks (`BlockDurationMinutes`), Capacity
 * Blocks (`MarketType=capacity-block`), and Spot on dedicated tenancy or a Dedicated Host are
 * refused as not supported.
 */
function spotMarketOf(p: Ec2Params, tenancy: RunInstancesCommand['tenancy'], hostId: string | undefined): RunInstancesCommand['spot'] {
  const market = p.struct('InstanceMarketOptions');
  if (!market) return undefined;
  for (const field of market.fields()) if (field !== 'MarketType' && field !== 'SpotOptions') throw unsupported(`the parameter InstanceMarketOptions.${field.slice(0, 40)}`);
  const type = market.string('MarketType');
  if (type === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter InstanceMarketOptions.MarketType');
  if (type === 'capacity-block') throw unsupported('Capacity Blocks (InstanceMarketOptions.MarketType=capacity-block)');
  if (type !== 'spot') throw invalidParameter(`Value (${type.slice(0, 40)}) for parameter InstanceMarketOptions.MarketType is invalid. It must be spot or capacity-block.`);
  if (tenancy === 'host' || hostId !== undefined) throw unsupported('Spot Instances on a Dedicated Host');
  if (tenancy === 'dedicated') throw unsupported('Dedicated Spot Instances (Placement.Tenancy=dedicated with InstanceMarketOptions)');
  const options = market.struct('SpotOptions');
  let maxPrice: string | undefined;
  let behavior: string | undefined;
  let requestType: 'one-time' | 'persistent' | undefined;
  let validUntil: number | undefined;
  for (const field of options?.fields() ?? []) {
    const value = options!.string(field) ?? '';
    switch (field) {
      case 'MaxPrice':
        maxPrice = spotPriceParam(value, 'MaxPrice');
        break;
      case 'SpotInstanceType':
        requestType = spotRequestTypeParam(value, 'SpotInstanceType');
        break;
      case 'InstanceInterruptionBehavior':
        behavior = interruptionBehaviorParam(value);
        break;
      case 'ValidUntil':
        validUntil = ec2TimeParam(value, 'ValidUntil');
        break;
      case 'BlockDurationMinutes':
        throw unsupported('Spot blocks (SpotOptions.BlockDurationMinutes)');
      default:
        throw unsupported(`the parameter InstanceMarketOptions.SpotOptions.${field.slice(0, 40)}`);
    }
  }
  return spotOptionsOf({ maxPrice, type: requestType, behavior, validUntil, runInstances: true });
}

/** A maximum price (EC2's MaxPrice, SpotPrice): a decimal of more than $0.001, in EC2's words otherwise. */
export function spotPriceParam(value: string, name: string): string {
  if (!/^\d{1,10}(\.\d{1,10})?$/.test(value) || Number(value) <= MIN_SPOT_MAX_PRICE)
    throw invalidParameter(`Value (${value.slice(0, 40)}) for parameter ${name} is invalid. It must be more than USD $0.001.`);
  return value;
}

/** A Spot request's type: one-time or persistent. */
export function spotRequestTypeParam(value: string, name: string): 'one-time' | 'persistent' {
  if (value !== 'one-time' && value !== 'persistent') throw invalidParameter(`Value (${value.slice(0, 40)}) for parameter ${name} is invalid. It must be one-time or persistent.`);
  return value;
}

/** InstanceInterruptionBehavior: hibernate, stop or terminate. */
export function interruptionBehaviorParam(value: string): string {
  if (value !== 'terminate' && value !== 'stop' && value !== 'hibernate')
    throw invalidParameter(`Value (${value.slice(0, 40)}) for parameter InstanceInterruptionBehavior is invalid. It must be hibernate, stop or terminate.`);
  return value;
}

/** An ISO 8601 time (EC2's DateTime), as ms: InvalidParameterValue otherwise. */
export function ec2TimeParam(value: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw invalidParameter(`Value (${value.slice(0, 40)}) for parameter ${name} is invalid.`);
  return ms;
}

/**
 * A Spot request's options as EC2 combines them (RunInstances' SpotOptions, RequestSpotInstances):
 * `stop` and `hibernate` and a ValidUntil go only with a persistent request — with a one-time one,
 * EC2's InvalidParameterCombination in its words. Hibernation is not simulated (UnsupportedOperation).
 */
export function spotOptionsOf(o: { maxPrice?: string; type?: 'one-time' | 'persistent'; behavior?: string; validUntil?: number; validUntilAllowed?: boolean; runInstances?: boolean }): NonNullable<RunInstancesCommand['spot']> {
  const type = o.type ?? 'one-time';
  if (type === 'one-time' && (o.behavior === 'stop' || o.behavior === 'hibernate'))
    throw combination(`The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to '${o.behavior}'.`);
  if (type === 'one-time' && o.validUntil !== undefined && !o.validUntilAllowed) throw combination(`The parameter validUntil cannot be specified when the SpotRequestType is set to 'one-time'.`);
  if (o.behavior === 'hibernate') throw unsupported('hibernating Spot Instances (InstanceInterruptionBehavior=hibernate)');
  // "For RunInstances, persistent Spot Instance requests are only supported when the instance interruption behavior is either hibernate or stop" (SpotMarketOptions, API Reference).
  if (o.runInstances && type === 'persistent' && o.behavior !== 'stop')
    throw combination(`For RunInstances, persistent Spot Instance requests are only supported when the instance interruption behavior is either hibernate or stop, not '${o.behavior ?? 'terminate'}'.`);
  return {
    ...(o.maxPrice !== undefined ? { maxPrice: o.maxPrice } : {}),
    ...(o.type !== undefined ? { type: o.type } : {}),
    ...(o.behavior !== undefined ? { interruptionBehavior: o.behavior as 'terminate' | 'stop' } : {}),
    ...(o.validUntil !== undefined && type === 'persistent' ? { validUntil: o.validUntil } : {}),
  };
}

/** SubnetId, SecurityGroupId.N, SecurityGroup.N, PrivateIpAddress, NetworkInterface.N.*, KeyName: the networking feature's request. */
function toNetworkRequest(p: Ec2Params): LaunchNetworkRequest | undefined {
  const interfaces: LaunchNetworkInterface[] = p.structs('NetworkInterface').map((n) => {
    const addresses = privateIpSpecs(n);
    const secondaryCount = n.int('SecondaryPrivateIpAddressCount');
    return {
      deviceIndex: n.int('DeviceIndex', { min: 0 }) ?? (n.required('DeviceIndex') as never),
      ...(n.string('NetworkInterfaceId') ? { networkInterfaceId: n.string('NetworkInterfaceId') } : {}),
      ...(n.string('SubnetId') ? { subnetId: n.string('SubnetId') } : {}),
      ...(n.list('SecurityGroupId').length > 0 ? { groupIds: n.list('SecurityGroupId') } : {}),
      ...(addresses.primary ? { privateIpAddress: addresses.primary } : {}),
      ...(addresses.secondaries.length > 0 ? { secondaryPrivateIpAddresses: addresses.secondaries } : {}),
      ...(secondaryCount !== undefined ? { secondaryPrivateIpAddressCount: secondaryCount } : {}),
      ...(n.bool('AssociatePublicIpAddress') !== undefined ? { associatePublicIpAddress: n.bool('AssociatePublicIpAddress') } : {}),
      ...(n.bool('DeleteOnTermination') !== undefined ? { deleteOnTermination: n.bool('DeleteOnTermination') } : {}),
      ...(n.string('Description') !== undefined ? { description: n.string('Description') } : {}),
    };
  });
  const request: LaunchNetworkRequest = {
    ...(p.string('SubnetId') ? { subnetId: p.string('SubnetId') } : {}),
    ...(p.list('SecurityGroupId').length > 0 ? { securityGroupIds: p.list('SecurityGroupId') } : {}),
    ...(p.list('SecurityGroup').length > 0 ? { securityGroupNames: p.list('SecurityGroup') } : {}),
    ...(p.string('PrivateIpAddress') ? { privateIpAddress: p.string('PrivateIpAddress') } : {}),
    ...(interfaces.length > 0 ? { networkInterfaces: interfaces } : {}),
    ...(p.string('KeyName') ? { keyName: p.string('KeyName') } : {}),
  };
  if (interfaces.length > 0 && (request.subnetId || request.securityGroupIds || request.privateIpAddress))
    throw combination('Network interfaces and an instance-level subnet, security groups or private IP address cannot be specified on the same request');
  return Object.keys(request).length > 0 ? request : undefined;
}

function transitionsXml(list: readonly StateTransition[]) {
  return items(list.map((t) => ({ instanceId: t.vmId, currentState: stateXml(t.current), previousState: stateXml(t.previous) })));
}

/** The attribute names DescribeInstanceAttribute and ModifyInstanceAttribute take. */
const ATTRIBUTES = ['instanceType', 'kernel', 'ramdisk', 'userData', 'disableApiTermination', 'instanceInitiatedShutdownBehavior', 'rootDeviceName', 'blockDeviceMapping',
  'productCodes', 'sourceDestCheck', 'groupSet', 'ebsOptimized', 'sriovNetSupport', 'enaSupport', 'enclaveOptions', 'disableApiStop'];

/**
 * The launch a launch template version makes with a request's own parameters over it (RunInstances
 * with `LaunchTemplate`; CreateFleet's overrides): the version named by `spec` (id or name;
 * `Version`, `$Default` unless given), each parameter the request does not give taken from it
 * (launchParameters: EC2's rule), and the merged parameters read as any launch. The instance
 * carries the template's id and version (its `aws:ec2launchtemplate:*` tags).
 */
export async function launchFromTemplate(
  launchTemplates: LaunchTemplatesService, typeOf: InstanceTypeLookup, tenant: TenantEntity, spec: Ec2Params, request: Record<string, string>,
): Promise<RunInstancesCommand> {
  const ref = { ...(spec.string('LaunchTemplateId') ? { id: spec.string('LaunchTemplateId') } : {}), ...(spec.string('LaunchTemplateName') ? { name: spec.string('LaunchTemplateName') } : {}) };
  const { template, version, data } = await launchTemplates.launchVersion(tenant, ref, spec.string('Version') || undefined);
  const merged = new QueryParams(new Map(Object.entries(launchParameters(data, request))));
  return { ...toRunInstancesCommand(merged, typeOf), launchTemplate: { id: template.id, version: version.versionNumber } };
}

/** The instance surface: RunInstances, DescribeInstances, Start/Stop/Reboot/Terminate, status, attributes, credits, console output. */
@Injectable()
export class InstancesEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly instances: InstancesService,
    private readonly networking: NetworkingService,
    private readonly volumes: VolumesService,
    private readonly catalog: CatalogService,
    private readonly launchTemplates: LaunchTemplatesService,
  ) {}

  private readonly typeOf: InstanceTypeLookup = (name) => this.catalog.instanceType(name)?.type;

  /**
   * RunInstances' command. With `LaunchTemplate`, the version it names (`$Default` unless
   * `Version`) supplies each parameter the request does not give (launchParameters: EC2's rule),
   * and the merged parameters take the path of any launch: the same parser, the same application
   * checks. The instance carries the template's id and version (its `aws:ec2launchtemplate:*` tags).
   */
  private async runCommand(ctx: Ec2Context, p: Ec2Params): Promise<RunInstancesCommand> {
    const spec = p.struct('LaunchTemplate');
    if (!spec) return toRunInstancesCommand(p, this.typeOf);
    for (const field of spec.fields())
      if (!['LaunchTemplateId', 'LaunchTemplateName', 'Version'].includes(field)) throw new ApiError('UnknownParameter', `The parameter LaunchTemplate.${field.slice(0, 64)} is not recognized by RunInstances.`);
    const request = Object.fromEntries(p.entries().filter(([k]) => k.split('.', 1)[0] !== 'LaunchTemplate'));
    return launchFromTemplate(this.launchTemplates, this.typeOf, ctx.tenant, spec, request);
  }

  /** Every id must name a visible instance of the tenant before any of them is acted on (EC2 acts on all or none of a malformed or missing list). */
  private async requireAll(tenant: TenantEntity, ids: readonly string[]): Promise<void> {
    await this.instances.list(tenant, { instanceIds: ids, tags: [] });
  }

  /**
   * A state change of every instance named, in one application call: it checks every id (missing,
   * another tenant's, malformed) inside its command before it changes any (all or none;
   * TerminateInstances' own rule for protection).
   */
  private async transitions(ctx: Ec2Context, p: Ec2Params, act: (tenant: TenantEntity, ids: readonly string[]) => Promise<StateTransition[]>): Promise<StateTransition[]> {
    return act(ctx.tenant, instanceIds(p));
  }

  private readonly dryRunIds = async (ctx: Ec2Context, p: Ec2Params) => this.requireAll(ctx.tenant, instanceIds(p));

  readonly actions: Ec2Actions = {
    RunInstances: {
      operation: 'RunInstances',
      params: ['ImageId', 'InstanceType', 'MinCount', 'MaxCount', 'ClientToken', 'TagSpecification', 'Placement', 'BlockDeviceMapping', 'CreditSpecification',
        'UserData', 'KeyName', 'SecurityGroupId', 'SecurityGroup', 'SubnetId', 'PrivateIpAddress', 'NetworkInterface', 'EbsOptimized',
        'InstanceInitiatedShutdownBehavior', 'DisableApiTermination', 'DisableApiStop', 'Monitoring', 'MaintenanceOptions', 'MetadataOptions', 'LaunchTemplate',
        ...RUN_ONE_VALUE, ...RUN_NOT_SIMULATED, 'InstanceMarketOptions'],
      dryRun: async (ctx, p) => this.instances.checkRun(ctx.tenant, await this.runCommand(ctx, p)),
      handler: async (ctx, p) => {
        const r = await this.instances.run(ctx.tenant, await this.runCommand(ctx, p));
        return { reservationId: r.reservationId, ownerId: ctx.accountId, groupSet: items([]), instancesSet: items(r.instances.map((d) => instanceXml(d, ctx.accountId))) };
      },
    },
    DescribeInstances: {
      operation: 'DescribeInstances',
      params: ['InstanceId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const ids = p.list('InstanceId');
        const { maxResults, nextToken } = paging(p, 'InstanceId', { min: 5, max: 1000 });
        const filters = p.filters();
        const matches = filters.length > 0 ? filterMatcher(filters, instanceFilters(ctx.accountId), (d) => d.tags) : undefined;
        const page = await this.instances.list(ctx.tenant, { ...(ids.length > 0 ? { instanceIds: ids } : {}), ...(matches ? { matches } : {}), tags: [], maxResults, nextToken });
        return { reservationSet: reservationsXml(page.instances, ctx.accountId), nextToken: page.nextToken };
      },
    },
    StartInstances: {
      operation: 'StartInstances',
      params: ['InstanceId', 'AdditionalInfo'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => ({ instancesSet: transitionsXml(await this.transitions(ctx, p, (t, ids) => this.instances.startAll(t, ids))) }),
    },
    StopInstances: {
      operation: 'StopInstances',
      params: ['InstanceId', 'Force', 'Hibernate'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => {
        p.bool('Force');
        if (p.bool('Hibernate') === true) throw unsupported('hibernation (Hibernate=true)');
        return { instancesSet: transitionsXml(await this.transitions(ctx, p, (t, ids) => this.instances.stopAll(t, ids))) };
      },
    },
    RebootInstances: {
      operation: 'RebootInstances',
      params: ['InstanceId'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => {
        await this.transitions(ctx, p, (t, ids) => this.instances.rebootAll(t, ids));
        return { return: true };
      },
    },
    TerminateInstances: {
      operation: 'TerminateInstances',
      params: ['InstanceId'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => ({ instancesSet: transitionsXml(await this.transitions(ctx, p, (t, ids) => this.instances.terminateAll(t, ids))) }),
    },
    // Detailed monitoring: every instance named or none (InvalidInstanceID.*, a terminated one: IncorrectInstanceState).
    MonitorInstances: {
      operation: 'MonitorInstances',
      params: ['InstanceId'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => ({ instancesSet: monitoringXml(await this.instances.setMonitoring(ctx.tenant, instanceIds(p), true)) }),
    },
    UnmonitorInstances: {
      operation: 'UnmonitorInstances',
      params: ['InstanceId'],
      dryRun: this.dryRunIds,
      handler: async (ctx, p) => ({ instancesSet: monitoringXml(await this.instances.setMonitoring(ctx.tenant, instanceIds(p), false)) }),
    },
    DescribeInstanceStatus: {
      operation: 'DescribeInstanceStatus',
      params: ['InstanceId', 'Filter', 'MaxResults', 'NextToken', 'IncludeAllInstances'],
      handler: async (ctx, p) => {
        const ids = p.list('InstanceId');
        const { maxResults, nextToken } = paging(p, 'InstanceId', { min: 5, max: 1000 });
        const all = p.bool('IncludeAllInstances') === true;
        const checks = (d: InstanceDescription) => this.instances.statusChecks(d);
        // Nimbus schedules no events (reboots, retirements, maintenance): no instance has one to match.
        const noEvent = () => undefined;
        const byFilter = filterMatcher(p.filters(), {
          'availability-zone': (d: InstanceDescription) => d.row.availabilityZone,
          'availability-zone-id': (d) => zoneIdOf(d.row.availabilityZone),
          'event.code': noEvent, 'event.description': noEvent, 'event.instance-event-id': noEvent,
          'event.not-after': noEvent, 'event.not-before': noEvent, 'event.not-before-deadline': noEvent,
          'instance-state-name': (d) => d.row.state,
          'instance-state-code': (d) => String(INSTANCE_STATE_CODES[d.row.state as InstanceStateName]),
          'instance-status.status': (d) => checks(d).instance,
          'instance-status.reachability': (d) => reachabilityOf(checks(d).instance),
          'system-status.status': (d) => checks(d).system,
          'system-status.reachability': (d) => reachabilityOf(checks(d).system),
        });
        const matches = (d: InstanceDescription) => (all || d.row.state === 'running') && byFilter(d);
        const page = await this.instances.list(ctx.tenant, { ...(ids.length > 0 ? { instanceIds: ids } : {}), matches, tags: [], maxResults, nextToken });
        const since = await this.instances.impairedSince(page.instances);
        const summary = (status: CheckStatus, id: string) => ({
          status,
          details: items(status === 'not-applicable' ? [] : [{
            name: 'reachability', status: reachabilityOf(status), impairedSince: status === 'impaired' && since.has(id) ? ec2Time(since.get(id)!) : undefined,
          }]),
        });
        return {
          instanceStatusSet: items(page.instances.map((d) => {
            const c = checks(d);
            return {
              instanceId: d.row.id,
              availabilityZone: d.row.availabilityZone,
              availabilityZoneId: zoneIdOf(d.row.availabilityZone),
              instanceState: stateXml(d.row.state),
              systemStatus: summary(c.system, d.row.id),
              instanceStatus: summary(c.instance, d.row.id),
            };
          })),
          nextToken: page.nextToken,
        };
      },
    },
    DescribeInstanceAttribute: {
      operation: 'DescribeInstanceAttribute',
      params: ['InstanceId', 'Attribute'],
      handler: async (ctx, p) => {
        const id = p.required('InstanceId');
        const attribute = p.required('Attribute');
        if (!ATTRIBUTES.includes(attribute)) throw invalidParameter(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
        const [d] = (await this.instances.list(ctx.tenant, { instanceIds: [id], tags: [] })).instances;
        const value = (v: unknown) => ({ value: v });
        const i = d.row;
        const answers: Record<string, unknown> = {
          instanceType: value(i.instanceType),
          kernel: {},
          ramdisk: {},
          userData: i.userData ? value(i.userData) : {},
          disableApiTermination: value(i.disableApiTermination),
          instanceInitiatedShutdownBehavior: value(i.shutdownBehavior),
          rootDeviceName: value(i.rootDeviceName),
          blockDeviceMapping: items(blockDeviceMappingsOf(d)),
          productCodes: items([]),
          sourceDestCheck: value(d.network?.sourceDestCheck ?? true),
          groupSet: items((d.network?.groups ?? []).map((g) => ({ groupId: g.groupId }))),
          ebsOptimized: value(i.ebsOptimized),
          sriovNetSupport: {},
          enaSupport: value(instanceEnaSupport(d)),
          enclaveOptions: { enabled: false },
          disableApiStop: value(i.disableApiStop),
        };
        return { instanceId: id, [attribute]: answers[attribute] };
      },
    },
    ModifyInstanceAttribute: {
      operation: 'ModifyInstanceAttribute',
      params: ['InstanceId', 'Attribute', 'Value', 'InstanceType', 'UserData', 'DisableApiTermination', 'InstanceInitiatedShutdownBehavior', 'EbsOptimized',
        'SourceDestCheck', 'GroupId', 'BlockDeviceMapping', 'Kernel', 'Ramdisk', 'SriovNetSupport', 'EnaSupport', 'DisableApiStop'],
      dryRun: async (ctx, p) => this.requireAll(ctx.tenant, [p.required('InstanceId')]),
      handler: async (ctx, p) => {
        const instanceId = p.required('InstanceId');
        const changes = modifications(p);
        if (changes.length !== 1) throw combination('ModifyInstanceAttribute changes exactly one attribute per request');
        const change = changes[0];
        if (change.attribute === 'blockDeviceMapping') {
          await this.volumes.setDeleteOnTermination(ctx.tenant, instanceId, change.mappings);
          return { return: true };
        }
        // The instance's primary network interface holds these (the networking feature's rules).
        if (change.attribute === 'sourceDestCheck') {
          await this.networking.setSourceDestCheck(ctx.tenant, instanceId, change.check);
          return { return: true };
        }
        if (change.attribute === 'groupSet') {
          await this.networking.setInstanceGroups(ctx.tenant, instanceId, change.groupIds);
          return { return: true };
        }
        await this.instances.modifyAttribute(ctx.tenant, { instanceId, change });
        return { return: true };
      },
    },
    ResetInstanceAttribute: {
      operation: 'ResetInstanceAttribute',
      params: ['InstanceId', 'Attribute'],
      dryRun: async (ctx, p) => this.requireAll(ctx.tenant, [p.required('InstanceId')]),
      handler: async (ctx, p) => {
        const instanceId = p.required('InstanceId');
        const attribute = p.required('Attribute');
        // The modify's own methods, with the attribute's default: the check on (true); the image's kernel and ramdisk (none here).
        if (attribute === 'sourceDestCheck') await this.networking.setSourceDestCheck(ctx.tenant, instanceId, true);
        else if (attribute === 'kernel' || attribute === 'ramdisk') await this.instances.modifyAttribute(ctx.tenant, { instanceId, change: { attribute, value: null } });
        else {
          const known = ATTRIBUTES.includes(attribute) ? 'Only kernel, ramdisk and sourceDestCheck can be reset (ModifyInstanceAttribute changes the others).' : 'Unknown attribute.';
          throw invalidParameter(`Value (${attribute.slice(0, 64)}) for parameter attribute is invalid. ${known}`);
        }
        return { return: true };
      },
    },
    DescribeInstanceCreditSpecifications: {
      operation: 'DescribeInstanceCreditSpecifications',
      params: ['InstanceId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const ids = p.list('InstanceId');
        const { maxResults, nextToken } = paging(p, 'InstanceId', { min: 5, max: 1000 });
        const byFilter = filterMatcher(p.filters(), { 'instance-id': (d: InstanceDescription) => d.row.id });
        // EC2's reference: without ids, the burstable instances with the `unlimited` credit option; with ids, each
        // instance named, one that is not burstable answering `standard`. The type as the world's catalog has it.
        const burstable = (d: InstanceDescription) => d.type?.baselinePerVcpu !== undefined;
        const listed = ids.length > 0 ? () => true : (d: InstanceDescription) => burstable(d) && d.row.creditSpecification === 'unlimited';
        const page = await this.instances.list(ctx.tenant, {
          ...(ids.length > 0 ? { instanceIds: ids } : {}), matches: (d) => d.row.state !== 'terminated' && listed(d) && byFilter(d), tags: [], maxResults, nextToken,
        });
        return {
          instanceCreditSpecificationSet: items(page.instances.map((d) => ({ instanceId: d.row.id, cpuCredits: (burstable(d) ? d.row.creditSpecification : null) ?? 'standard' }))),
          nextToken: page.nextToken,
        };
      },
    },
    ModifyInstanceCreditSpecification: {
      operation: 'ModifyInstanceCreditSpecification',
      params: ['InstanceCreditSpecification', 'ClientToken'],
      handler: async (ctx, p) => {
        const specs = p.structs('InstanceCreditSpecification');
        if (specs.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter InstanceCreditSpecification');
        const asked = specs.map((s) => {
          const cpuCredits = s.required('CpuCredits');
          if (cpuCredits !== 'standard' && cpuCredits !== 'unlimited') throw invalidParameter(`Value (${cpuCredits}) for parameter CpuCredits is invalid. It must be standard or unlimited.`);
          return { instanceId: s.required('InstanceId'), cpuCredits: cpuCredits as 'standard' | 'unlimited' };
        });
        const { ok, failed } = await eachWithOutcome(asked, (cmd) => this.instances.setCreditSpecification(ctx.tenant, cmd));
        return {
          successfulInstanceCreditSpecificationSet: items(ok.map((c) => ({ instanceId: c.instanceId }))),
          unsuccessfulInstanceCreditSpecificationSet: items(failed.map((f) => ({ instanceId: f.item.instanceId, error: { code: f.code, message: f.message } }))),
        };
      },
    },
    ModifyInstanceMetadataOptions: {
      operation: 'ModifyInstanceMetadataOptions',
      params: ['InstanceId', 'HttpTokens', 'HttpPutResponseHopLimit', 'HttpEndpoint', 'HttpProtocolIpv6', 'InstanceMetadataTags'],
      dryRun: async (ctx, p) => this.requireAll(ctx.tenant, [p.required('InstanceId')]),
      handler: async (ctx, p) => {
        const instanceId = p.required('InstanceId');
        const options = await this.instances.modifyMetadataOptions(ctx.tenant, instanceId, metadataOptionsChange(p));
        // EC2 answers the change as pending; DescribeInstances shows it applied (here at once).
        return { instanceId, instanceMetadataOptions: { state: 'pending', ...options } };
      },
    },
    GetConsoleOutput: {
      operation: 'GetConsoleOutput',
      params: ['InstanceId', 'Latest'],
      handler: async (ctx, p) => {
        const instanceId = p.required('InstanceId');
        p.bool('Latest');
        const out = await this.instances.consoleOutput(ctx.tenant, { instanceId });
        return { instanceId, timestamp: ec2Time(out.timestamp), output: Buffer.from(out.output, 'utf8').toString('base64') };
      },
    },
    GetPasswordData: {
      operation: 'GetPasswordData',
      params: ['InstanceId'],
      dryRun: async (ctx, p) => this.requireAll(ctx.tenant, [p.required('InstanceId')]),
      handler: async (ctx, p) => {
        const instanceId = p.required('InstanceId');
        const out = await this.instances.passwordData(ctx.tenant, { instanceId });
        // `passwordData` always, '' while there is none: the SDKs' waiters read its length.
        return { instanceId, timestamp: ec2Time(out.timestamp), passwordData: out.passwordData };
      },
    },
  };
}

/** MonitorInstances' / UnmonitorInstances' instancesSet (EC2's InstanceMonitoring items). */
function monitoringXml(list: readonly { readonly instanceId: string; readonly state: string }[]) {
  return items(list.map((m) => ({ instanceId: m.instanceId, monitoring: { state: m.state } })));
}

type Modification =
  | InstanceAttributeChange
  | { readonly attribute: 'sourceDestCheck'; readonly check: boolean }
  | { readonly attribute: 'groupSet'; readonly groupIds: readonly string[] }
  | { readonly attribute: 'blockDeviceMapping'; readonly mappings: readonly DeleteOnTerminationChange[] };

/** What a ModifyInstanceAttribute asks: `Attribute`+`Value`, or one `<Attribute>.Value` structure. */
function modifications(p: Ec2Params): Modification[] {
  const out: Modification[] = [];
  const bool = (name: string, v: string | undefined): boolean => {
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw invalidParameter(`Value (${v ?? ''}) for parameter ${name} is invalid. It must be true or false.`);
  };
  const add = (attribute: string, raw: string | undefined) => {
    switch (attribute) {
      case 'instanceType':
        out.push({ attribute, value: raw ?? '' });
        break;
      case 'userData':
        out.push({ attribute, value: raw ?? '' });
        break;
      case 'disableApiTermination':
      case 'disableApiStop':
      case 'ebsOptimized':
        out.push({ attribute, value: bool(attribute, raw) });
        break;
      case 'instanceInitiatedShutdownBehavior':
        if (raw !== 'stop' && raw !== 'terminate') throw invalidParameter(`Value (${raw ?? ''}) for parameter instanceInitiatedShutdownBehavior is invalid. It must be stop or terminate.`);
        out.push({ attribute, value: raw });
        break;
      case 'sourceDestCheck':
        out.push({ attribute, check: bool(attribute, raw) });
        break;
      case 'groupSet':
        out.push({ attribute, groupIds: raw !== undefined ? [raw] : p.list('GroupId') });
        break;
      case 'blockDeviceMapping':
        out.push({
          attribute,
          mappings: p.structs('BlockDeviceMapping').map((m) => {
            if (m.has('NoDevice') || m.has('VirtualName')) throw unsupported('BlockDeviceMapping.NoDevice and VirtualName (instance store)');
            const ebs = m.struct('Ebs');
            const deleteOnTermination = ebs?.bool('DeleteOnTermination');
            if (deleteOnTermination === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter BlockDeviceMapping.N.Ebs.DeleteOnTermination');
            const volumeId = ebs!.string('VolumeId');
            return { device: m.required('DeviceName'), deleteOnTermination, ...(volumeId ? { volumeId } : {}) };
          }),
        });
        break;
      default:
        throw unsupported(`modifying the instance attribute '${attribute}'`);
    }
  };
  const attribute = p.string('Attribute');
  if (attribute !== undefined) add(attribute, p.string('Value'));
  const structured: Record<string, string> = {
    InstanceType: 'instanceType', UserData: 'userData', DisableApiTermination: 'disableApiTermination', InstanceInitiatedShutdownBehavior: 'instanceInitiatedShutdownBehavior',
    EbsOptimized: 'ebsOptimized', SourceDestCheck: 'sourceDestCheck', Kernel: 'kernel', Ramdisk: 'ramdisk', SriovNetSupport: 'sriovNetSupport', EnaSupport: 'enaSupport', DisableApiStop: 'disableApiStop',
  };
  for (const [param, name] of Object.entries(structured)) {
    const s = p.struct(param);
    if (s) add(name, s.string('Value'));
  }
  if (p.list('GroupId').length > 0) add('groupSet', undefined);
  if (p.structs('BlockDeviceMapping').length > 0) add('blockDeviceMapping', undefined);
  return out;
}
