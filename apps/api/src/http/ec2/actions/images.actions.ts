import { Injectable } from '@nestjs/common';
import { isWindowsPlatform, REGION } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { ImageView, platformDetailsOf } from '../../../application/images/image-view';
import { ImagesService } from '../../../application/images/images.service';
import { SnapshotsService, SnapshotView } from '../../../application/images/snapshots.service';
import { CopyImageCommand, CopySnapshotCommand, RegisterImageCommand } from '../../../application/images/images.commands';
import { ebsBlockDeviceMappings } from './block-device-mappings';
import { encryptionAsked } from './volumes.actions';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { unsupported } from '../ec2-errors';
import { Ec2ActionSource } from '../ec2-action-source';
import { filterMatcher } from '../ec2-filters';
import { ec2TimeMs } from '../ec2-xml';
import { tagSet, tagSpecifications } from './networking.actions';


/** EC2's `MaxResults` (5–1000) and `NextToken` over items sorted by id: the token is the last id of the previous page. */
function page<T>(p: Ec2Params, all: readonly T[], idOf: (x: T) => string): { page: T[]; nextToken?: string } {
  const max = p.int('MaxResults', { min: 5, max: 1000 });
  const token = p.string('NextToken');
  let after: string | undefined;
  if (token !== undefined) {
    after = Buffer.from(token, 'base64url').toString('utf8');
    if (!/^(ami|snap)-[0-9a-f]{8,17}$/.test(after)) throw new ApiError('InvalidPaginationToken', `The pagination token '${token.slice(0, 64)}' is invalid`);
  }
  const sorted = [...all].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((x) => idOf(x) > after!);
  if (max === undefined || rest.length <= max) return { page: rest };
  const out = rest.slice(0, max);
  return { page: out, nextToken: Buffer.from(idOf(out[out.length - 1]), 'utf8').toString('base64url') };
}

/** EC2's `imageLocation` of an EBS-backed image (its owner's alias or id, and its name), which the `manifest-location` filter reads. */
const imageLocation = (v: ImageView) => `${v.ownerAlias ?? v.ownerId}/${v.name}`;

function imageItem(v: ImageView) {
  const { details, usageOperation } = platformDetailsOf(v.image);
  return {
    imageId: v.image.imageId,
    imageLocation: imageLocation(v),
    imageState: v.state,
    imageOwnerId: v.ownerId,
    creationDate: ec2TimeMs(v.creationMs),
    isPublic: v.isPublic,
    architecture: v.architecture,
    imageType: 'machine',
    platform: isWindowsPlatform(v.platform) ? 'windows' : undefined,
    platformDetails: details,
    usageOperation,
    imageOwnerAlias: v.ownerAlias,
    name: v.name,
    description: v.description,
    rootDeviceType: 'ebs',
    rootDeviceName: v.rootDeviceName,
    blockDeviceMapping: items(v.blockDevices.map((b) => ({
      deviceName: b.deviceName,
      ebs: {
        snapshotId: b.snapshotId, volumeSize: b.volumeSizeGiB, deleteOnTermination: b.deleteOnTermination, volumeType: b.volumeType, iops: b.iops, throughput: b.throughputMiBps,
        kmsKeyId: b.kmsKeyId, encrypted: b.kmsKeyId !== undefined,
      },
    }))),
    virtualizationType: 'hvm',
    imdsSupport: v.image.imdsSupport,
    // What RegisterImage recorded (unset on the other images, as EC2 leaves them out).
    bootMode: v.image.bootMode,
    tpmSupport: v.image.tpmSupport,
    sriovNetSupport: v.image.sriovNetSupport,
    // The instance a CreateImage image was made from (EC2 shows it on those images only).
    sourceInstanceId: v.sourceInstanceId,
    // The image a CopyImage copy was made from, in the one region Nimbus simulates (EC2 shows both on copies only).
    sourceImageId: v.sourceImageId,
    sourceImageRegion: v.sourceImageId !== undefined ? REGION : undefined,
    hypervisor: 'xen',
    enaSupport: v.image.enaSupport ?? true,
    tagSet: tagSet(v.tags),
  };
}

/** The attributes DescribeImageAttribute takes, the API reference's ImageAttributeName. */
const IMAGE_ATTRIBUTES = [
  'description', 'kernel', 'ramdisk', 'launchPermission', 'productCodes', 'blockDeviceMapping', 'sriovNetSupport', 'bootMode', 'tpmSupport', 'uefiData',
  'lastLaunchedTime', 'imdsSupport', 'deregistrationProtection',
] as const;
type ImageAttributeName = (typeof IMAGE_ATTRIBUTES)[number];

/** The DescribeImages field each value attribute reads (`kernel` is the image's `kernelId`, …); `uefiData` is no field of DescribeImages' Image. */
const ATTRIBUTE_FIELDS: Readonly<Partial<Record<ImageAttributeName, string>>> = {
  description: 'description', kernel: 'kernelId', ramdisk: 'ramdiskId', sriovNetSupport: 'sriovNetSupport', bootMode: 'bootMode', tpmSupport: 'tpmSupport',
  lastLaunchedTime: 'lastLaunchedTime', imdsSupport: 'imdsSupport', deregistrationProtection: 'deregistrationProtection',
};

/**
 * DescribeImageAttribute's answer for one attribute of an image the caller sees: what DescribeImages
 * shows of it (imageItem), never derived again. A value EC2's Image has no field for here is unset,
 * answered as EC2 answers one (the empty element, `<kernel/>`). `launchPermission` only to the image's
 * owner (EC2 answers another account `AuthFailure`, "Not authorized for image:…"): the tenant's own
 * images are shared with no one, so none. `blockDeviceMapping` is the reference's deprecated
 * attribute: EC2 answers `AuthFailure` and points to DescribeImages.
 */
function imageAttributeXml(v: ImageView, attribute: ImageAttributeName, ctx: Ec2Context): Record<string, unknown> {
  const shown: Readonly<Record<string, unknown>> = imageItem(v);
  const id = v.image.imageId;
  if (attribute === 'blockDeviceMapping') throw new ApiError('AuthFailure', 'Unauthorized attempt to access restricted resource: the blockDeviceMapping attribute is deprecated; describe the image (DescribeImages) instead');
  if (attribute === 'launchPermission') {
    if (v.ownerTenantId !== ctx.tenant.id) throw new ApiError('AuthFailure', `Not authorized for image:${id}`);
    return { imageId: id, launchPermission: items(v.isPublic ? [{ group: 'all' }] : []) };
  }
  if (attribute === 'productCodes') return { imageId: id, productCodes: shown.productCodes ?? items([]) };
  const field = ATTRIBUTE_FIELDS[attribute];
  const value = field !== undefined ? shown[field] : undefined;
  return { imageId: id, [attribute]: value === undefined ? {} : { value } };
}

/**
 * EC2's transferType, "only for snapshot copies": a CopySnapshot copy is `standard` (Nimbus
 * refuses time-based copies, CompletionDurationMinutes); a snapshot that is no copy has none.
 */
const transferTypeOf = (v: SnapshotView) => (v.row.sourceSnapshotId !== null ? 'standard' : undefined);

function snapshotItem(v: SnapshotView) {
  const r = v.row;
  return {
    // A copy's volume is EC2's arbitrary vol-ffffffff ("Snapshots created by the CopySnapshot action have an arbitrary volume ID").
    snapshotId: r.id, volumeId: r.volumeId ?? 'vol-ffffffff', status: v.status, startTime: ec2TimeMs(r.startedAt), progress: `${v.progressPercent}%`, ownerId: v.ownerId,
    volumeSize: r.volumeSizeGiB, description: r.description ?? '', encrypted: r.kmsKeyId !== null, kmsKeyId: r.kmsKeyId ?? undefined, storageTier: 'standard', transferType: transferTypeOf(v), tagSet: tagSet(v.tags),
  };
}

/** The attributes DescribeSnapshotAttribute takes, the API reference's SnapshotAttributeName. */
const SNAPSHOT_ATTRIBUTES = ['productCodes', 'createVolumePermission'] as const;

/** `Attribute` of the snapshot attribute actions: one of `allowed` (of the reference's names); another is InvalidParameterValue. */
function snapshotAttribute(p: Ec2Params, allowed: readonly string[] = SNAPSHOT_ATTRIBUTES): string {
  const attribute = p.required('Attribute');
  if (!allowed.includes(attribute)) {
    throw invalidParameter(`Value (${attribute.slice(0, 40)}) for parameter attribute is invalid. ${allowed.length === 1 ? `Only ${allowed[0]} can be changed` : `Unknown attribute: ${allowed.join(', ')}`}`);
  }
  return attribute;
}

/**
 * ModifySnapshotAttribute's change to createVolumePermission and ModifyImageAttribute's to
 * launchPermission: `<Permission>.Add.N` / `.Remove.N` (`UserId`, `Group`, and for images
 * `OrganizationArn`, `OrganizationalUnitArn`), or `OperationType` with `UserId.N` / `UserGroup.N`
 * (/ `OrganizationArn.N` / `OrganizationalUnitArn.N`). Account ids are 12 digits
 * (`InvalidUserID.Malformed` otherwise), the one group `all`. Whether it adds (shares) or removes.
 */
function permissionChange(
  p: Ec2Params, permission: 'CreateVolumePermission' | 'LaunchPermission', organizations = false,
): { add: boolean; remove: boolean; publicly: boolean; withAccounts: boolean } {
  const modifications = p.struct(permission);
  const added = modifications?.structs('Add') ?? [];
  const removed = modifications?.structs('Remove') ?? [];
  const userIds = [...[...added, ...removed].map((e) => e.string('UserId')), ...p.list('UserId')].filter((u): u is string => u !== undefined);
  const groups = [...[...added, ...removed].map((e) => e.string('Group')), ...p.list('UserGroup')].filter((g): g is string => g !== undefined);
  for (const u of userIds) if (!/^\d{12}$/.test(u)) throw new ApiError('InvalidUserID.Malformed', `Invalid user id: '${u.slice(0, 64)}'`);
  for (const g of groups) if (g !== 'all') throw invalidParameter(`Value (${g.slice(0, 40)}) for parameter group is invalid. Only 'all' is a group`);
  const operation = p.string('OperationType');
  if (operation !== undefined && operation !== 'add' && operation !== 'remove') throw invalidParameter(`Value (${operation.slice(0, 40)}) for parameter operationType is invalid. It must be 'add' or 'remove'`);
  const listNames = ['UserId', 'UserGroup', ...(organizations ? ['OrganizationArn', 'OrganizationalUnitArn'] : [])];
  const listed = listNames.some((n) => p.list(n).length > 0);
  if (listed && operation === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter OperationType');
  const add = added.length > 0 || (listed && operation === 'add');
  const remove = removed.length > 0 || (listed && operation === 'remove');
  if (!add && !remove) throw new ApiError('MissingParameter', `The request must contain the parameter ${permission}, or OperationType with UserId or UserGroup`);
  const attribute = permission[0].toLowerCase() + permission.slice(1);
  if (add && remove) throw new ApiError('InvalidParameterCombination', `A request may add to or remove from ${attribute}, not both`);
  // Who an addition shares with: everyone (the group `all`), or accounts (and, for images, organizations).
  const withAccounts = userIds.length > 0 || (organizations && ['OrganizationArn', 'OrganizationalUnitArn'].some((n) => p.list(n).length > 0))
    || [...added, ...removed].some((e) => e.has('OrganizationArn') || e.has('OrganizationalUnitArn'));
  return { add, remove, publicly: groups.length > 0, withAccounts };
}

/**
 * A copy within the region Nimbus simulates (CopySnapshot, CopyImage): `SourceRegion` us-east-1, and
 * any `DestinationRegion` too; another is not simulated (UnsupportedOperation).
 */
function requireSameRegion(p: Ec2Params, what: string): void {
  const sourceRegion = p.required('SourceRegion');
  if (sourceRegion !== REGION) throw unsupported(`copying ${what} from another region (SourceRegion ${sourceRegion.slice(0, 40)}): Nimbus simulates ${REGION} alone`);
  const destinationRegion = p.string('DestinationRegion');
  if (destinationRegion !== undefined && destinationRegion !== REGION) throw unsupported(`copying ${what} to another region (DestinationRegion ${destinationRegion.slice(0, 40)}): Nimbus simulates ${REGION} alone`);
}


/** The attributes ModifyImageAttribute changes, the reference's `Attribute` values. */
const MODIFIABLE_IMAGE_ATTRIBUTES = ['description', 'imdsSupport', 'launchPermission', 'productCodes'] as const;

/**
 * ModifyImageAttribute's request: one attribute at a time (EC2: `Attribute`, or one of
 * `Description`, `ImdsSupport`, `LaunchPermission`), with its value (`Value`, or the parameter's
 * `.Value`). Product codes are not simulated (the reference marks ProductCode "not supported").
 */
function imageModification(p: Ec2Params): { imageId: string; description?: string; imdsSupport?: string; launchPermission?: { add: boolean; publicly: boolean; withAccounts: boolean } } {
  const imageId = p.required('ImageId');
  const attribute = p.string('Attribute');
  if (attribute !== undefined && !(MODIFIABLE_IMAGE_ATTRIBUTES as readonly string[]).includes(attribute))
    throw invalidParameter(`Value (${attribute.slice(0, 40)}) for parameter attribute is invalid. It must be one of: ${MODIFIABLE_IMAGE_ATTRIBUTES.join(', ')}`);
  if (attribute === 'productCodes' || p.has('ProductCode')) throw unsupported('product codes (ProductCode): Nimbus\'s images have none');
  const permissionAsked = p.has('LaunchPermission') || p.has('OperationType') || ['UserId', 'UserGroup', 'OrganizationArn', 'OrganizationalUnitArn'].some((n) => p.has(n));
  const asked = [
    p.has('Description') || attribute === 'description' ? 'description' : undefined,
    p.has('ImdsSupport') || attribute === 'imdsSupport' ? 'imdsSupport' : undefined,
    permissionAsked || attribute === 'launchPermission' ? 'launchPermission' : undefined,
  ].filter((a): a is string => a !== undefined);
  if (asked.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter Attribute, Description, ImdsSupport or LaunchPermission');
  if (asked.length > 1) throw new ApiError('InvalidParameterCombination', `Only one attribute can be modified at a time (asked: ${asked.join(', ')})`);
  const valueOf = (name: string) => p.struct(name)?.string('Value') ?? p.string('Value');
  if (asked[0] === 'description') return { imageId, description: valueOf('Description') ?? '' };
  if (asked[0] === 'imdsSupport') {
    const imdsSupport = valueOf('ImdsSupport');
    if (imdsSupport === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter ImdsSupport.Value');
    return { imageId, imdsSupport };
  }
  return { imageId, launchPermission: permissionChange(p, 'LaunchPermission', true) };
}

/**
 * RegisterImage's command. What Nimbus does not simulate is refused, never ignored: instance-store
 * images (ImageLocation), billing product codes (BillingProduct: an account must be authorized by
 * AWS for them), paravirtual images (KernelId, RamdiskId, VirtualizationType paravirtual, which is
 * EC2's default when none is given), UEFI variable stores (UefiData), and block devices without a
 * snapshot (empty volumes: an image's volumes are its snapshots here).
 */
function registerCommand(p: Ec2Params): RegisterImageCommand {
  if (p.has('ImageLocation')) throw unsupported('instance store-backed images (ImageLocation): Nimbus\'s images are EBS-backed, registered from snapshots');
  if (p.has('BillingProduct')) throw unsupported('billing product codes (BillingProduct): a registered image is billed as Linux/UNIX');
  if (p.has('KernelId') || p.has('RamdiskId')) throw unsupported('kernels and RAM disks (KernelId, RamdiskId): Nimbus\'s images are HVM');
  if (p.has('UefiData')) throw unsupported('UEFI variable stores (UefiData)');
  const virtualization = p.string('VirtualizationType');
  if (virtualization === undefined || virtualization === 'paravirtual')
    throw unsupported(`paravirtual images (VirtualizationType ${virtualization ?? 'omitted, whose default is paravirtual'}): pass VirtualizationType=hvm`);
  if (virtualization !== 'hvm') throw invalidParameter(`Value (${virtualization.slice(0, 40)}) for parameter virtualizationType is invalid. It must be hvm or paravirtual`);
  const rootDeviceName = p.string('RootDeviceName');
  const blockDevices = ebsBlockDeviceMappings(p);
  if (blockDevices.some((b) => b.encrypted !== undefined || b.kmsKeyId !== undefined))
    throw unsupported('BlockDeviceMapping.Ebs.Encrypted and KmsKeyId on RegisterImage: an image\'s volume is encrypted as its snapshot is (CopySnapshot to encrypt one)');
  for (const b of blockDevices)
    if (b.snapshotId === undefined && b.device !== rootDeviceName) throw unsupported(`an image volume without a snapshot (BlockDeviceMapping ${b.device.slice(0, 40)}): map each device to a snapshot`);
  return {
    name: p.required('Name'), description: p.string('Description'), architecture: p.string('Architecture'), rootDeviceName, blockDevices,
    enaSupport: p.bool('EnaSupport'), sriovNetSupport: p.string('SriovNetSupport'), bootMode: p.string('BootMode'), imdsSupport: p.string('ImdsSupport'),
    tpmSupport: p.string('TpmSupport'), tags: tagSpecifications(p, ['image']).image ?? {},
  };
}

/** CopyImage's command, within the region (its snapshots encrypted as asked: the application's rule); Outposts, Local Zones and time-based copies are not simulated. */
function copyImageCommand(p: Ec2Params): CopyImageCommand {
  requireSameRegion(p, 'an image');
  if (p.has('DestinationOutpostArn') || p.has('DestinationAvailabilityZone') || p.has('DestinationAvailabilityZoneId'))
    throw unsupported('DestinationOutpostArn, DestinationAvailabilityZone or DestinationAvailabilityZoneId: Nimbus has no Outposts or Local Zones');
  if (p.has('SnapshotCopyCompletionDurationMinutes')) throw unsupported('time-based AMI copies (SnapshotCopyCompletionDurationMinutes)');
  const tags = tagSpecifications(p, ['image', 'snapshot']);
  return {
    sourceImageId: p.required('SourceImageId'), name: p.required('Name'), description: p.string('Description'), clientToken: p.string('ClientToken'),
    copyImageTags: p.bool('CopyImageTags'), tags: tags.image ?? {}, snapshotTags: tags.snapshot ?? {}, ...encryptionAsked(p),
  };
}

/** Images and snapshots (issue 15): DescribeImages, CreateImage, RegisterImage, CopyImage, the image attributes, DeregisterImage, Create/Copy/Describe/DeleteSnapshot(s), the snapshot attributes. */
@Injectable()
export class ImagesEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly images: ImagesService,
    private readonly snapshots: SnapshotsService,
  ) {}

  /** One attribute of an image the tenant sees (its own and public ones, as DescribeImages): another tenant's private image is NotFound, as a missing one. */
  private async imageAttribute(ctx: Ec2Context, p: Ec2Params): Promise<Record<string, unknown>> {
    const imageId = p.required('ImageId');
    const attribute = p.required('Attribute');
    if (!(IMAGE_ATTRIBUTES as readonly string[]).includes(attribute)) {
      throw invalidParameter(`Value (${attribute.slice(0, 40)}) for parameter attribute is invalid. Unknown attribute: ${IMAGE_ATTRIBUTES.join(', ')}`);
    }
    const v = await this.images.get(ctx.tenant, { imageId });
    return imageAttributeXml(v, attribute as ImageAttributeName, ctx);
  }

  /**
   * CopySnapshot's command (encrypted as asked: the application's rule); a source in another
   * region, or what Nimbus does not simulate (Outposts, time-based copies), is refused.
   * `PresignedUrl` (with `DestinationRegion`, the region it is sent to) is what the SDKs and the
   * CLI sign for every copy; the reference requires it for cross-Region copies of encrypted
   * sources: within the one region Nimbus simulates it grants nothing the request's own signature
   * does not, and is taken and not read.
   */
  private copyCommand(p: Ec2Params): CopySnapshotCommand {
    requireSameRegion(p, 'a snapshot');
    p.string('PresignedUrl');
    if (p.has('DestinationOutpostArn') || p.has('DestinationAvailabilityZone')) throw unsupported('DestinationOutpostArn or DestinationAvailabilityZone: Nimbus has no Outposts or Local Zones');
    if (p.has('CompletionDurationMinutes')) throw unsupported('time-based snapshot copies (CompletionDurationMinutes)');
    return { sourceSnapshotId: p.required('SourceSnapshotId'), description: p.string('Description'), tags: tagSpecifications(p, ['snapshot']).snapshot ?? {}, ...encryptionAsked(p) };
  }

  /** DescribeSnapshotAttribute's answer: the attribute of the tenant's snapshot (another tenant's is NotFound, as a missing one); product codes none. */
  private async snapshotAttribute(ctx: Ec2Context, p: Ec2Params): Promise<Record<string, unknown>> {
    const snapshotId = p.required('SnapshotId');
    const attribute = snapshotAttribute(p);
    const permissions = await this.snapshots.createVolumePermissions(ctx.tenant, snapshotId);
    return attribute === 'createVolumePermission' ? { snapshotId, createVolumePermission: items(permissions) } : { snapshotId, productCodes: items([]) };
  }

  /**
   * ModifySnapshotAttribute's checks: the tenant's snapshot, a well-formed change, and no
   * sharing. Sharing a snapshot (adding an account or `all`) would make it visible to other
   * tenants in DescribeSnapshots, CreateVolume, RunInstances and CopySnapshot, whose rules keep a
   * snapshot to its tenant: it is refused; removing from the (empty) list changes nothing.
   */
  private async checkSnapshotModification(ctx: Ec2Context, p: Ec2Params): Promise<void> {
    const snapshotId = p.required('SnapshotId');
    if (p.string('Attribute') !== undefined) snapshotAttribute(p, ['createVolumePermission']);
    const { add, publicly, withAccounts } = permissionChange(p, 'CreateVolumePermission');
    await this.snapshots.createVolumePermissions(ctx.tenant, snapshotId);
    // EC2's refusals for an encrypted snapshot first (the application's rule), then Nimbus's: it shares none.
    if (add) await this.snapshots.checkSharing(ctx.tenant, snapshotId, { publicly, withAccounts });
    if (add) throw unsupported("sharing snapshots with other accounts or making them public (createVolumePermission add): a tenant's snapshots are its own");
  }

  /** ResetSnapshotAttribute's checks: the tenant's snapshot, and the one attribute that resets. Its list is empty already (createVolumePermissions): resetting it leaves it so. */
  private async checkSnapshotReset(ctx: Ec2Context, p: Ec2Params): Promise<void> {
    snapshotAttribute(p, ['createVolumePermission']);
    await this.snapshots.createVolumePermissions(ctx.tenant, p.required('SnapshotId'));
  }

  /**
   * ModifyImageAttribute's checks and change: the tenant's own image (a public one is AuthFailure,
   * another tenant's NotFound), a well-formed change, and no sharing. Sharing an image (adding an
   * account, an organization or `all`) would make it visible and launchable to other tenants in
   * DescribeImages, RunInstances and CopyImage, whose rules keep an image to its tenant: refused, as
   * ModifySnapshotAttribute refuses sharing a snapshot; removing from the (empty) list changes nothing.
   */
  private async modifyImage(ctx: Ec2Context, p: Ec2Params, dryRun: boolean): Promise<void> {
    const change = imageModification(p);
    if (change.launchPermission) {
      await this.images.launchPermissions(ctx.tenant, change.imageId);
      const { add, publicly, withAccounts } = change.launchPermission;
      if (add) await this.images.checkSharing(ctx.tenant, change.imageId, { publicly, withAccounts });
      if (change.launchPermission.add) throw unsupported("sharing images with other accounts or making them public (launchPermission add): a tenant's images are its own");
      return;
    }
    const cmd = { imageId: change.imageId, description: change.description, imdsSupport: change.imdsSupport };
    if (dryRun) await this.images.checkModify(ctx.tenant, cmd);
    else await this.images.modify(ctx.tenant, cmd);
  }

  /** ResetImageAttribute's checks: the tenant's own image, and the one attribute that resets. Its launch permissions are none already: resetting leaves them so. */
  private async resetImage(ctx: Ec2Context, p: Ec2Params): Promise<void> {
    snapshotAttribute(p, ['launchPermission']);
    await this.images.launchPermissions(ctx.tenant, p.required('ImageId'));
  }

  readonly actions: Ec2Actions = {
    DescribeImages: {
      operation: 'DescribeImages',
      params: ['ImageId', 'Owner', 'ExecutableBy', 'Filter', 'MaxResults', 'NextToken', 'IncludeDeprecated', 'IncludeDisabled'],
      handler: async (ctx, p) => {
        p.bool('IncludeDeprecated');
        p.bool('IncludeDisabled');
        const imageIds = p.list('ImageId');
        const owners = p.list('Owner');
        for (const o of owners)
          if (!['self', 'amazon', 'aws-marketplace', 'aws-backup-vault'].includes(o) && !/^\d{12}$/.test(o))
            throw new ApiError('InvalidUserID.Malformed', `Invalid user id: '${o.slice(0, 64)}'`);
        const executableBy = p.list('ExecutableBy');
        const match = filterMatcher(p.filters(), {
          architecture: (v: ImageView) => v.architecture,
          'block-device-mapping.snapshot-id': (v) => v.blockDevices.map((b) => b.snapshotId),
          'block-device-mapping.volume-size': (v) => v.blockDevices.map((b) => String(b.volumeSizeGiB)),
          'block-device-mapping.volume-type': (v) => v.blockDevices.map((b) => b.volumeType),
          'block-device-mapping.device-name': (v) => v.blockDevices.map((b) => b.deviceName),
          'block-device-mapping.delete-on-termination': (v) => v.blockDevices.map((b) => String(b.deleteOnTermination)),
          'block-device-mapping.encrypted': (v) => v.blockDevices.map((b) => String(b.kmsKeyId !== undefined)),
          'creation-date': (v) => ec2TimeMs(v.creationMs),
          description: (v) => v.description,
          'ena-support': (v) => String(v.image.enaSupport ?? true),
          'boot-mode': (v) => v.image.bootMode,
          'sriov-net-support': (v) => v.image.sriovNetSupport,
          'source-image-id': (v) => v.sourceImageId,
          hypervisor: () => 'xen',
          'image-id': (v) => v.image.imageId,
          'image-type': () => 'machine',
          'is-public': (v) => String(v.isPublic),
          'manifest-location': (v) => imageLocation(v),
          name: (v) => v.name,
          'owner-alias': (v) => v.ownerAlias,
          'owner-id': (v) => v.ownerId,
          platform: (v) => (isWindowsPlatform(v.platform) ? 'windows' : undefined),
          'platform-details': (v) => platformDetailsOf(v.image).details,
          'usage-operation': (v) => platformDetailsOf(v.image).usageOperation,
          'root-device-name': (v) => v.rootDeviceName,
          'root-device-type': () => 'ebs',
          state: (v) => v.state,
          'virtualization-type': () => 'hvm',
          // HVM images with no kernel, RAM disk or product code, and no state reason: EC2's filters on them match none of Nimbus's images.
          'source-instance-id': (v) => v.sourceInstanceId,
          'kernel-id': () => undefined,
          'ramdisk-id': () => undefined,
          'product-code': () => undefined,
          'product-code.type': () => undefined,
          'state-reason-code': () => undefined,
          'state-reason-message': () => undefined,
          'tag-key': (v) => Object.keys(v.tags),
          'tag-value': (v) => Object.values(v.tags),
        }, (v) => v.tags);
        const found = (await this.images.describe(ctx.tenant, { imageIds, owners, executableBy })).filter(match);
        const { page: shown, nextToken } = page(p, found, (v) => v.image.imageId);
        return { imagesSet: items(shown.map(imageItem)), nextToken };
      },
    },
    DescribeImageAttribute: {
      operation: 'DescribeImageAttribute',
      params: ['ImageId', 'Attribute'],
      dryRun: async (ctx, p) => void (await this.imageAttribute(ctx, p)),
      handler: (ctx, p) => this.imageAttribute(ctx, p),
    },
    CreateImage: {
      operation: 'CreateImage',
      params: ['InstanceId', 'Name', 'Description', 'NoReboot', 'TagSpecification', 'BlockDeviceMapping'],
      handler: async (ctx, p) => {
        if (p.has('BlockDeviceMapping')) throw unsupported('BlockDeviceMapping on CreateImage: the image has a snapshot of each attached volume');
        const tags = tagSpecifications(p, ['image', 'snapshot']);
        const image = await this.images.create(ctx.tenant, {
          instanceId: p.required('InstanceId'), name: p.required('Name'), description: p.string('Description'), noReboot: p.bool('NoReboot'),
          tags: tags.image ?? {}, snapshotTags: tags.snapshot ?? {},
        });
        return { imageId: image.image.imageId };
      },
    },
    DeregisterImage: {
      operation: 'DeregisterImage',
      params: ['ImageId', 'DeleteAssociatedSnapshots'],
      handler: async (ctx, p) => {
        if (p.bool('DeleteAssociatedSnapshots')) throw unsupported('DeleteAssociatedSnapshots: delete the snapshots with DeleteSnapshot');
        await this.images.deregister(ctx.tenant, { imageId: p.required('ImageId') });
        return { return: true };
      },
    },
    RegisterImage: {
      operation: 'RegisterImage',
      params: [
        'Name', 'Description', 'Architecture', 'RootDeviceName', 'BlockDeviceMapping', 'VirtualizationType', 'EnaSupport', 'SriovNetSupport', 'BootMode', 'ImdsSupport',
        'TpmSupport', 'TagSpecification', 'ImageLocation', 'BillingProduct', 'KernelId', 'RamdiskId', 'UefiData',
      ],
      dryRun: (ctx, p) => this.images.checkRegister(ctx.tenant, registerCommand(p)),
      handler: async (ctx, p) => ({ imageId: (await this.images.register(ctx.tenant, registerCommand(p))).image.imageId }),
    },
    CopyImage: {
      operation: 'CopyImage',
      params: [
        'SourceImageId', 'SourceRegion', 'Name', 'Description', 'ClientToken', 'Encrypted', 'KmsKeyId', 'CopyImageTags', 'TagSpecification', 'DestinationOutpostArn',
        'DestinationAvailabilityZone', 'DestinationAvailabilityZoneId', 'SnapshotCopyCompletionDurationMinutes', 'DestinationRegion',
      ],
      dryRun: (ctx, p) => this.images.checkCopy(ctx.tenant, copyImageCommand(p)),
      handler: async (ctx, p) => ({ imageId: (await this.images.copy(ctx.tenant, copyImageCommand(p))).image.imageId }),
    },
    ModifyImageAttribute: {
      operation: 'ModifyImageAttribute',
      params: [
        'ImageId', 'Attribute', 'Value', 'Description', 'ImdsSupport', 'LaunchPermission', 'OperationType', 'UserId', 'UserGroup', 'OrganizationArn',
        'OrganizationalUnitArn', 'ProductCode',
      ],
      dryRun: (ctx, p) => this.modifyImage(ctx, p, true),
      handler: async (ctx, p) => {
        await this.modifyImage(ctx, p, false);
        return { return: true };
      },
    },
    ResetImageAttribute: {
      operation: 'ResetImageAttribute',
      params: ['ImageId', 'Attribute'],
      dryRun: (ctx, p) => this.resetImage(ctx, p),
      handler: async (ctx, p) => {
        await this.resetImage(ctx, p);
        return { return: true };
      },
    },
    CreateSnapshot: {
      operation: 'CreateSnapshot',
      params: ['VolumeId', 'Description', 'TagSpecification', 'OutpostArn', 'Location'],
      handler: async (ctx, p) => {
        if (p.has('OutpostArn') || p.has('Location')) throw unsupported('OutpostArn or Location: Nimbus has no Outposts or Local Zones');
        const tags = tagSpecifications(p, ['snapshot']);
        const v = await this.snapshots.create(ctx.tenant, { volumeId: p.required('VolumeId'), description: p.string('Description'), tags: tags.snapshot ?? {} });
        return snapshotItem(v);
      },
    },
    DescribeSnapshots: {
      operation: 'DescribeSnapshots',
      params: ['SnapshotId', 'OwnerId', 'Owner', 'RestorableBy', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const owners = [...p.list('OwnerId'), ...p.list('Owner')];
        for (const o of owners)
          if (!['self', 'amazon'].includes(o) && !/^\d{12}$/.test(o)) throw new ApiError('InvalidUserID.Malformed', `Invalid user id: '${o.slice(0, 64)}'`);
        const restorableBy = p.list('RestorableBy');
        const match = filterMatcher(p.filters(), {
          description: (v: SnapshotView) => v.row.description ?? '',
          encrypted: (v) => String(v.row.kmsKeyId !== null),
          'owner-id': (v) => v.ownerId,
          progress: (v) => `${v.progressPercent}%`,
          'snapshot-id': (v) => v.row.id,
          'start-time': (v) => ec2TimeMs(v.row.startedAt),
          status: (v) => v.status,
          'volume-id': (v) => v.row.volumeId ?? undefined,
          'volume-size': (v) => String(v.row.volumeSizeGiB),
          'storage-tier': () => 'standard',
          // A tenant's snapshots have no owner alias (Amazon's list names only amazon): it matches none.
          'owner-alias': () => undefined,
          // A copy's (standard); a snapshot that is no copy has none and matches no value.
          'transfer-type': transferTypeOf,
          'tag-key': (v) => Object.keys(v.tags),
          'tag-value': (v) => Object.values(v.tags),
        }, (v) => v.tags);
        // Restorable by: `self` (and the caller's own account id) selects the snapshots it owns; `all` selects public
        // snapshots only, of which Nimbus has none (a tenant's are private: ModifySnapshotAttribute shares none).
        const mine = restorableBy.length === 0 || restorableBy.some((r) => r === 'self' || r === ctx.accountId);
        const found = mine ? (await this.snapshots.describe(ctx.tenant, { snapshotIds: p.list('SnapshotId'), owners })).filter(match) : [];
        const { page: shown, nextToken } = page(p, found, (v) => v.row.id);
        return { snapshotSet: items(shown.map(snapshotItem)), nextToken };
      },
    },
    CopySnapshot: {
      operation: 'CopySnapshot',
      params: [
        'SourceRegion', 'SourceSnapshotId', 'Description', 'TagSpecification', 'DestinationRegion', 'Encrypted', 'KmsKeyId', 'PresignedUrl', 'DestinationOutpostArn',
        'DestinationAvailabilityZone', 'CompletionDurationMinutes',
      ],
      dryRun: (ctx, p) => this.snapshots.checkCopy(ctx.tenant, this.copyCommand(p)),
      handler: async (ctx, p) => {
        const v = await this.snapshots.copy(ctx.tenant, this.copyCommand(p));
        return { snapshotId: v.row.id, tagSet: tagSet(v.tags) };
      },
    },
    DescribeSnapshotAttribute: {
      operation: 'DescribeSnapshotAttribute',
      params: ['SnapshotId', 'Attribute'],
      dryRun: async (ctx, p) => void (await this.snapshotAttribute(ctx, p)),
      handler: (ctx, p) => this.snapshotAttribute(ctx, p),
    },
    ModifySnapshotAttribute: {
      operation: 'ModifySnapshotAttribute',
      params: ['SnapshotId', 'Attribute', 'CreateVolumePermission', 'UserGroup', 'OperationType', 'UserId'],
      dryRun: (ctx, p) => this.checkSnapshotModification(ctx, p),
      handler: async (ctx, p) => {
        await this.checkSnapshotModification(ctx, p);
        return { return: true };
      },
    },
    ResetSnapshotAttribute: {
      operation: 'ResetSnapshotAttribute',
      params: ['SnapshotId', 'Attribute'],
      dryRun: (ctx, p) => this.checkSnapshotReset(ctx, p),
      handler: async (ctx, p) => {
        await this.checkSnapshotReset(ctx, p);
        return { return: true };
      },
    },
    DeleteSnapshot: {
      operation: 'DeleteSnapshot',
      params: ['SnapshotId'],
      handler: async (ctx, p) => {
        await this.snapshots.delete(ctx.tenant, p.required('SnapshotId'));
        return { return: true };
      },
    },
  };
}
