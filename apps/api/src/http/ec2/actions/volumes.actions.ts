import { Injectable } from '@nestjs/common';
import { VolumeType } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { volumeStatusOf } from '../../../application/volumes/volume-status';
import { kmsKeyArn } from '../../../application/volumes/ebs-encryption';
import { VolumeModification, VolumesService } from '../../../application/volumes/volumes.service';
import { TenantEntity, VolumeEntity } from '../../../persistence/entities';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { unsupported } from '../ec2-errors';
import { Ec2ActionSource } from '../ec2-action-source';
import { filterMatcher } from '../ec2-filters';
import { pageOf, refuseMaxResultsWithIds } from '../ec2-pages';
import { zoneIdOf } from '../availability-zones';
import { tagSet, tagSpecs } from './networking.actions';
import { ec2Time } from '../ec2-xml';


function attachmentXml(v: VolumeEntity, status: string) {
  return { volumeId: v.id, instanceId: v.instanceId ?? undefined, device: v.device ?? undefined, status, attachTime: v.attachTime !== null ? ec2Time(v.attachTime) : undefined, deleteOnTermination: v.deleteOnTermination };
}

/** A volume's attachment as DescribeVolumes shows it (and its `attachment.*` filters read it): while in use, attached. */
function attachmentOf(v: VolumeEntity) {
  return v.state === 'in-use' && v.instanceId ? attachmentXml(v, 'attached') : undefined;
}

type Tags = Readonly<Record<string, string>>;

/** EC2's Volume item (CreateVolume answers the same fields at the top level). */
function volumeXml(v: VolumeEntity, tags: Tags) {
  const attachment = attachmentOf(v);
  return {
    volumeId: v.id, size: v.sizeGiB, snapshotId: v.snapshotId ?? '', availabilityZone: v.availabilityZone, availabilityZoneId: zoneIdOf(v.availabilityZone),
    status: v.state, createTime: ec2Time(v.createdAt),
    attachmentSet: items(attachment ? [attachment] : []),
    // Throughput is a gp3 volume's setting, and EC2 shows it for gp3 only (the API reference: "valid only for gp3 volumes").
    volumeType: v.volumeType, iops: v.iops, throughput: v.volumeType === 'gp3' ? v.throughputMiBps : undefined,
    encrypted: v.kmsKeyId !== null, kmsKeyId: v.kmsKeyId ?? undefined, multiAttachEnabled: false,
    tagSet: tagSet(tags),
  };
}

/** Whether a modification's volume has Multi-Attach, before and after: never (Nimbus refuses Multi-Attach); shown and filtered as this. */
const multiAttachEnabled = (_m: VolumeModification) => false;

/** EC2's VolumeModification. */
function modificationXml(m: VolumeModification) {
  return {
    volumeId: m.volumeId, modificationState: m.state,
    targetSize: m.target.sizeGiB, targetIops: m.target.iops, targetVolumeType: m.target.type, targetThroughput: m.target.throughputMiBps, targetMultiAttachEnabled: multiAttachEnabled(m),
    originalSize: m.original.sizeGiB, originalIops: m.original.iops, originalVolumeType: m.original.type, originalThroughput: m.original.throughputMiBps, originalMultiAttachEnabled: multiAttachEnabled(m),
    progress: m.progress, startTime: ec2Time(m.startMs), endTime: m.endMs !== null ? ec2Time(m.endMs) : undefined,
  };
}

/** EC2's `Encrypted` and `KmsKeyId` of a request, as given (the rule is the application's: ebs-encryption.ts). */
export function encryptionAsked(p: Ec2Params): { encrypted?: boolean; kmsKeyId?: string } {
  const encrypted = p.bool('Encrypted');
  const kmsKeyId = p.string('KmsKeyId');
  return { ...(encrypted !== undefined ? { encrypted } : {}), ...(kmsKeyId !== undefined ? { kmsKeyId } : {}) };
}

/** EC2's VolumeStatusItem: the volume's checks (application/volumes/volume-status.ts); no actions or events, as Nimbus schedules none. */
function volumeStatusXml(v: VolumeEntity) {
  const { status, details } = volumeStatusOf(v.volumeType as VolumeType);
  return {
    volumeId: v.id, availabilityZone: v.availabilityZone, availabilityZoneId: zoneIdOf(v.availabilityZone),
    volumeStatus: { status, details: items(details) }, actionsSet: items([]), eventsSet: items([]),
  };
}

/** The attributes DescribeVolumeAttribute takes, the API reference's VolumeAttributeName. */
const VOLUME_ATTRIBUTES = ['autoEnableIO', 'productCodes'] as const;

/** ModifyVolumeAttribute's `AutoEnableIO.Value`, the one attribute it changes. */
function autoEnableIO(p: Ec2Params): boolean {
  const value = p.bool('AutoEnableIO.Value');
  if (value === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter AutoEnableIO.Value');
  return value;
}

/** DescribeVolumeStatus' largest page, as DescribeVolumes' (a larger MaxResults answers this many). */
const MAX_VOLUME_STATUS_PAGE = 1000;

/** DescribeVolumes' largest page (a larger MaxResults answers this many). */
const MAX_VOLUMES_PAGE = 500;

/** EnableEbsEncryptionByDefault's and the others' answers: the account's setting, the default key's ARN. */
const encryptionByDefaultXml = (byDefault: boolean) => ({ ebsEncryptionByDefault: byDefault });

/** EBS volumes: CreateVolume, DescribeVolumes, DescribeVolumeStatus, Describe/ModifyVolumeAttribute, DeleteVolume, AttachVolume, DetachVolume, ModifyVolume, DescribeVolumesModifications (VolumesService). */

@Injectable()
export class VolumesEc2Actions implements Ec2ActionSource {
  constructor(private readonly volumes: VolumesService) {}

  private async all(tenant: TenantEntity): Promise<VolumeEntity[]> {
    const out: VolumeEntity[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.volumes.list(tenant, { ...(nextToken ? { nextToken } : {}) });
      out.push(...page.volumes);
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  /** The tenant's volumes named (each must be the caller's: another tenant's is NotFound, as a missing one), or all of them. */
  private async named(tenant: TenantEntity, ids: readonly string[]): Promise<VolumeEntity[]> {
    if (ids.length === 0) return this.all(tenant);
    return Promise.all([...new Set(ids)].map(async (volumeId) => (await this.volumes.get(tenant, { volumeId })).volume));
  }

  /** DescribeVolumeAttribute's answer: the attribute of the tenant's volume. */
  private async volumeAttribute(ctx: Ec2Context, p: Ec2Params): Promise<Record<string, unknown>> {
    const volumeId = p.required('VolumeId');
    const attribute = p.required('Attribute');
    if (!(VOLUME_ATTRIBUTES as readonly string[]).includes(attribute)) {
      throw invalidParameter(`Value (${attribute.slice(0, 40)}) for parameter attribute is invalid. Unknown attribute: ${VOLUME_ATTRIBUTES.join(', ')}`);
    }
    const { volume } = await this.volumes.get(ctx.tenant, { volumeId });
    // Nimbus's volumes carry no product codes (no Marketplace).
    return attribute === 'autoEnableIO' ? { volumeId, autoEnableIO: { value: volume.autoEnableIO } } : { volumeId, productCodes: items([]) };
  }

  readonly actions: Ec2Actions = {
    CreateVolume: {
      operation: 'CreateVolume',
      params: ['AvailabilityZone', 'Size', 'VolumeType', 'Iops', 'Throughput', 'ClientToken', 'SnapshotId', 'Encrypted', 'KmsKeyId', 'MultiAttachEnabled', 'TagSpecification'],
      handler: async (ctx, p) => {
        if (p.bool('MultiAttachEnabled') === true) throw unsupported('Multi-Attach');
        const tags = tagSpecs(p, 'volume');
        const size = p.int('Size', { min: 1 });
        const snapshotId = p.string('SnapshotId') || undefined;
        if (size === undefined && snapshotId === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter Size or SnapshotId');
        const v = await this.volumes.create(ctx.tenant, {
          availabilityZone: p.required('AvailabilityZone'), sizeGiB: size, snapshotId, type: (p.string('VolumeType') ?? 'gp2') as VolumeType,
          iops: p.int('Iops'), throughputMiBps: p.int('Throughput'), ...(p.string('ClientToken') ? { clientToken: p.string('ClientToken') } : {}),
          ...(Object.keys(tags).length > 0 ? { tags } : {}), ...encryptionAsked(p),
        });
        const { attachmentSet: _a, ...fields } = volumeXml(v, (await this.volumes.tagsOf([v.id])).get(v.id) ?? {});
        return fields;
      },
    },
    DescribeVolumes: {
      operation: 'DescribeVolumes',
      params: ['VolumeId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        // 5 or more; a value above 500 answers 500 a page, as EC2 does: the AWS CLI sends MaxResults=1000
        // with every `aws ec2 describe-volumes` that names no volume (its paginator's default page size).
        const asked = p.int('MaxResults', { min: 5 });
        const maxResults = asked === undefined ? undefined : Math.min(asked, MAX_VOLUMES_PAGE);
        refuseMaxResultsWithIds(p, 'VolumeId');
        const list = await this.named(ctx.tenant, p.list('VolumeId'));
        const tags = await this.volumes.tagsOf(list.map((v) => v.id));
        const tagsOf = (v: VolumeEntity): Tags => tags.get(v.id) ?? {};
        const match = filterMatcher(p.filters(), {
          'tag-key': (v: VolumeEntity) => Object.keys(tagsOf(v)), 'tag-value': (v) => Object.values(tagsOf(v)),
          'volume-id': (v) => v.id, status: (v) => v.state, 'availability-zone': (v) => v.availabilityZone, 'volume-type': (v) => v.volumeType,
          'availability-zone-id': (v) => zoneIdOf(v.availabilityZone),
          size: (v) => String(v.sizeGiB), 'create-time': (v) => ec2Time(v.createdAt), encrypted: (v) => String(v.kmsKeyId !== null), 'multi-attach-enabled': () => 'false',
          // Made from no snapshot (shown as an empty snapshotId): nothing to match, not even `*`.
          'snapshot-id': (v) => v.snapshotId ?? undefined,
          // Fast snapshot restore is not simulated: no volume was created with it.
          'fast-restored': () => 'false',
          'attachment.instance-id': (v) => attachmentOf(v)?.instanceId, 'attachment.device': (v) => attachmentOf(v)?.device,
          'attachment.status': (v) => attachmentOf(v)?.status, 'attachment.attach-time': (v) => attachmentOf(v)?.attachTime,
          'attachment.delete-on-termination': (v) => attachmentOf(v)?.deleteOnTermination,
        }, tagsOf);
        const { page, nextToken } = pageOf(list.filter(match), maxResults ?? 1000, p.string('NextToken') || undefined);
        return { volumeSet: items(page.map((v) => volumeXml(v, tagsOf(v)))), nextToken };
      },
    },
    DeleteVolume: {
      operation: 'DeleteVolume',
      params: ['VolumeId'],
      handler: async (ctx, p) => {
        await this.volumes.delete(ctx.tenant, { volumeId: p.required('VolumeId') });
        return { return: true };
      },
    },
    AttachVolume: {
      operation: 'AttachVolume',
      params: ['VolumeId', 'InstanceId', 'Device'],
      handler: async (ctx, p) => {
        const v = await this.volumes.attach(ctx.tenant, { volumeId: p.required('VolumeId'), instanceId: p.required('InstanceId'), device: p.required('Device') });
        return attachmentXml(v, 'attaching');
      },
    },
    DetachVolume: {
      operation: 'DetachVolume',
      params: ['VolumeId', 'InstanceId', 'Device', 'Force'],
      handler: async (ctx, p) => {
        p.bool('Force');
        const volumeId = p.required('VolumeId');
        const instanceId = p.string('InstanceId');
        if (instanceId !== undefined) {
          const { volume } = await this.volumes.get(ctx.tenant, { volumeId });
          if (volume.instanceId !== instanceId) throw new ApiError('IncorrectState', `Volume '${volumeId}' is not attached to instance '${instanceId}'.`);
        }
        const v = await this.volumes.detach(ctx.tenant, { volumeId });
        return attachmentXml(v, 'detaching');
      },
    },
    ModifyVolume: {
      operation: 'ModifyVolume',
      params: ['VolumeId', 'Size', 'VolumeType', 'Iops', 'Throughput', 'MultiAttachEnabled'],
      handler: async (ctx, p) => {
        if (p.bool('MultiAttachEnabled') === true) throw unsupported('Multi-Attach');
        const m = await this.volumes.modify(ctx.tenant, {
          volumeId: p.required('VolumeId'), sizeGiB: p.int('Size', { min: 1 }), type: p.string('VolumeType') as VolumeType | undefined,
          iops: p.int('Iops', { min: 0 }), throughputMiBps: p.int('Throughput', { min: 0 }),
        });
        return { volumeModification: modificationXml(m) };
      },
    },
    DescribeVolumeStatus: {
      operation: 'DescribeVolumeStatus',
      params: ['VolumeId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        // 5 to 1,000 a page ("if MaxResults is given a value larger than 1,000, only 1,000 results are returned", the reference).
        const asked = p.int('MaxResults', { min: 5 });
        const maxResults = Math.min(asked ?? MAX_VOLUME_STATUS_PAGE, MAX_VOLUME_STATUS_PAGE);
        const statusOf = (v: VolumeEntity) => volumeStatusOf(v.volumeType as VolumeType);
        const match = filterMatcher(p.filters(), {
          'availability-zone': (v: VolumeEntity) => v.availabilityZone,
          'volume-status.status': (v) => statusOf(v).status,
          'volume-status.details-name': (v) => statusOf(v).details.map((d) => d.name),
          'volume-status.details-status': (v) => statusOf(v).details.map((d) => d.status),
          // Nimbus schedules no volume events and so proposes no actions: these match none.
          'action.code': () => undefined, 'action.description': () => undefined, 'action.event-id': () => undefined,
          'event.description': () => undefined, 'event.event-id': () => undefined, 'event.event-type': () => undefined,
          'event.not-after': () => undefined, 'event.not-before': () => undefined,
        });
        const list = (await this.named(ctx.tenant, p.list('VolumeId'))).filter(match);
        const { page, nextToken } = pageOf(list, maxResults, p.string('NextToken') || undefined);
        return { volumeStatusSet: items(page.map(volumeStatusXml)), nextToken };
      },
    },
    DescribeVolumeAttribute: {
      operation: 'DescribeVolumeAttribute',
      params: ['VolumeId', 'Attribute'],
      dryRun: async (ctx, p) => void (await this.volumeAttribute(ctx, p)),
      handler: (ctx, p) => this.volumeAttribute(ctx, p),
    },
    ModifyVolumeAttribute: {
      operation: 'ModifyVolumeAttribute',
      params: ['VolumeId', 'AutoEnableIO'],
      dryRun: async (ctx, p) => void (autoEnableIO(p), await this.volumes.require(ctx.tenant, p.required('VolumeId'))),
      handler: async (ctx, p) => {
        await this.volumes.setAutoEnableIO(ctx.tenant, p.required('VolumeId'), autoEnableIO(p));
        return { return: true };
      },
    },
    // Amazon EBS encryption by default, per account (VolumesService; ebs-encryption.ts).
    GetEbsEncryptionByDefault: {
      operation: 'GetEbsEncryptionByDefault',
      params: [],
      handler: async (ctx) => encryptionByDefaultXml((await this.volumes.encryptionDefaults(ctx.tenant.id)).byDefault),
    },
    EnableEbsEncryptionByDefault: {
      operation: 'EnableEbsEncryptionByDefault',
      params: [],
      handler: async (ctx) => encryptionByDefaultXml((await this.volumes.setEncryptionByDefault(ctx.tenant, true)).byDefault),
    },
    DisableEbsEncryptionByDefault: {
      operation: 'DisableEbsEncryptionByDefault',
      params: [],
      handler: async (ctx) => encryptionByDefaultXml((await this.volumes.setEncryptionByDefault(ctx.tenant, false)).byDefault),
    },
    GetEbsDefaultKmsKeyId: {
      operation: 'GetEbsDefaultKmsKeyId',
      params: [],
      handler: async (ctx) => ({ kmsKeyId: await this.volumes.defaultKmsKeyArn(ctx.tenant) }),
    },
    ModifyEbsDefaultKmsKeyId: {
      operation: 'ModifyEbsDefaultKmsKeyId',
      params: ['KmsKeyId'],
      dryRun: async (ctx, p) => void kmsKeyArn(p.required('KmsKeyId'), ctx.tenant.accountId),
      handler: async (ctx, p) => ({ kmsKeyId: await this.volumes.setDefaultKmsKey(ctx.tenant, p.required('KmsKeyId')) }),
    },
    ResetEbsDefaultKmsKeyId: {
      operation: 'ResetEbsDefaultKmsKeyId',
      params: [],
      handler: async (ctx) => ({ kmsKeyId: await this.volumes.setDefaultKmsKey(ctx.tenant, undefined) }),
    },
    DescribeVolumesModifications: {
      operation: 'DescribeVolumesModifications',
      params: ['VolumeId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const ids = [...new Set(p.list('VolumeId'))];
        const maxResults = p.int('MaxResults', { min: 5, max: 500 });
        const match = filterMatcher(p.filters(), {
          'volume-id': (m: VolumeModification) => m.volumeId, 'modification-state': (m) => m.state, 'start-time': (m) => ec2Time(m.startMs),
          'original-size': (m) => String(m.original.sizeGiB), 'original-iops': (m) => String(m.original.iops), 'original-volume-type': (m) => m.original.type,
          'target-size': (m) => String(m.target.sizeGiB), 'target-iops': (m) => String(m.target.iops), 'target-volume-type': (m) => m.target.type,
          // The API reference spells these two in camel case (and lists no hyphenated form).
          originalMultiAttachEnabled: multiAttachEnabled, targetMultiAttachEnabled: multiAttachEnabled,
        });
        const list = await this.volumes.modifications(ctx.tenant, ids.length > 0 ? ids : undefined);
        const missing = ids.find((id) => !list.some((m) => m.volumeId === id));
        if (missing) throw new ApiError('InvalidVolumeModification.NotFound', `Modification for volume '${missing}' does not exist.`);
        const { page, nextToken } = pageOf(list.filter(match), maxResults ?? 500, p.string('NextToken') || undefined);
        return { volumeModificationSet: items(page.map(modificationXml)), nextToken };
      },
    },
  };
}
