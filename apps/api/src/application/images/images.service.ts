import { Injectable } from '@nestjs/common';
import {
  ARCHITECTURES, architectureOf, defaultLifecycleSeconds, Image, imageBlockDevices, IMAGES, isRootDeviceName, PROVISIONED_IOPS_TYPES, resolveVolume, ROOT_DEVICE_NAMES, rootDeviceOf,
  VOLUME_TYPES, VolumeType,
} from '@nimbus/hypervisor';
import { instanceBillingIdentity } from '@nimbus/metering';
import { rebootVm } from '@nimbus/simulation';
import { ApiError, idempotentMismatch, unauthorized } from '../common/api-errors';
import { resourceId, tokenId } from '../common/ids';
import { ImageEntity, SnapshotEntity, TenantEntity } from '../../persistence/entities';
import { CatalogRepository, imageOf } from '../../persistence/catalog.repository';
import { InstancesRepository } from '../../persistence/instances.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { requireInstance } from '../instances/require-instance';
import { validateTags } from '../instances/tags';
import { rowTaggedType, tagsOf } from '../tags/row-tags';
import { smallerThanSnapshot, VolumesService } from '../volumes/volumes.service';
import { isDeviceOf } from '../volumes/devices';
import { TagsService } from '../tags/tags.service';
import { CopyImageCommand, CreateImageCommand, DescribeImagesQuery, ImageIdCommand, ModifyImageCommand, RegisterImageCommand } from './images.commands';
import { AMAZON_OWNER_ID, BUILT_IN_IMAGES_CREATED_MS, ImageBlockDevice, ImageView, platformDetailsOf } from './image-view';
import { newSnapshotRow, requireCompletedSnapshot, storeNewSnapshots } from './snapshot-rules';
import { checkImageId, imageNotFound, launchableImage } from './launchable-image';
import { awsManagedEbsKeyArn, encryptionKeyOf, NO_ENCRYPTION_BY_DEFAULT } from '../volumes/ebs-encryption';

export { checkImageId, imageNotFound, launchableImage };

/** An image registers this long after its last snapshot completes (Nimbus's figure; EC2 publishes none). */
export const IMAGE_REGISTRATION_MS = 10_000;
/** EC2's platformDetails of an image without a billing code: metering's identity of license-included Linux. */
const LINUX_UNIX = instanceBillingIdentity('linux', 'license-included').platformDetails;
const IMAGE_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;

/**
 * Images (EC2's DescribeImages, CreateImage, DeregisterImage; GET/POST/DELETE /v1/images): the
 * built-in catalog's and the operator's (public, owned by `amazon`), and each tenant's own
 * (private: another tenant's image is InvalidAMIID.NotFound, exactly as a missing one). A tenant's
 * image is pending until its snapshots complete and it registers (simulated time), then
 * available; deregistered, it is gone for new launches but stays known to the instances it made.
 */
@Injectable()
export class ImagesService {
  constructor(
    private readonly engine: EngineService,
    private readonly repo: CatalogRepository,
    private readonly instances: InstancesRepository,
    private readonly volumes: VolumesService,
    tags: TagsService,
  ) {
    // CreateTags / DeleteTags / DescribeTags on the tenant's own images.
    tags.register(rowTaggedType(engine, {
      resourceType: 'image',
      idPrefix: 'ami',
      row: (tx, tenant, id) => this.ownImage(tx, tenant, id),
      setTags: (tx, id, t) => this.repo.setImageTags(tx, id, t),
      rows: async (tenant) => (await this.repo.visibleImages(tenant.id)).filter((r) => r.tenantId === tenant.id),
    }));
  }

  /** Images the tenant may see: public ones and its own, selected as DescribeImages asks. */
  async describe(tenant: TenantEntity, q: DescribeImagesQuery = {}): Promise<ImageView[]> {
    for (const id of q.imageIds ?? []) checkImageId(id);
    const now = this.engine.now;
    const rows = await this.repo.visibleImages(tenant.id);
    const all = [...IMAGES.map(builtInView), ...rows.map((r) => rowView(r, tenant, now))];
    const ids = q.imageIds ?? [];
    if (ids.length > 0) {
      const missing = ids.filter((id) => !all.some((v) => v.image.imageId === id));
      if (missing.length > 0) throw imageNotFound(missing.join(', '));
    }
    const owners = q.owners ?? [];
    const executableBy = q.executableBy ?? [];
    return all.filter(
      (v) =>
        (ids.length === 0 || ids.includes(v.image.imageId)) &&
        (owners.length === 0 || owners.some((o) => ownerMatches(o, v, tenant))) &&
        (executableBy.length === 0 || executableBy.some((e) => executableMatches(e, v, tenant))),
    );
  }

  async get(tenant: TenantEntity, q: ImageIdCommand): Promise<ImageView> {
    return (await this.describe(tenant, { imageIds: [q.imageId] }))[0];
  }

  /**
   * The image a tenant's launch may use: known, not deregistered, public or its own, and available
   * (a pending one is InvalidAMIID.Unavailable, as EC2 answers).
   */
  launchable(tenantId: string, imageId: string): Image {
    return launchableImage(this.engine, tenantId, imageId);
  }

  /** CreateImage: a snapshot of each attached volume, a private image of the instance's platform and architecture. */
  create(tenant: TenantEntity, cmd: CreateImageCommand): Promise<ImageView> {
    checkNameAndDescription(cmd);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const snapshotTags = validateTags({ ...(cmd.snapshotTags ?? {}) });
    return this.engine.command(async (tx, e) => {
      const row = await requireInstance(this.instances, tx, tenant.id, cmd.instanceId, e.now);
      if (row.state !== 'running' && row.state !== 'stopped')
        throw new ApiError('IncorrectInstanceState', `The instance '${row.id}' is not in a state from which it can be imaged (${row.state})`);
      await this.requireFreeName(tx, tenant, cmd.name);
      const source = e.world.catalog.image(row.imageId);
      if (!source) throw new ApiError('InvalidAMIID.Unavailable', `The image '${row.imageId}' the instance was launched from is not known`);
      // A consistent image: the instance reboots (unless NoReboot), as CreateImage does on EC2.
      if (!cmd.noReboot && row.state === 'running') rebootVm(e.world, tenant.id, row.id);
      const imageId = resourceId('ami');
      const attached = (await this.volumes.attachedTo(tx, [row.id])).get(row.id) ?? [];
      const snapshots: SnapshotEntity[] = attached.map((v) => newSnapshotRow({
        tenantId: tenant.id, volumeId: v.id, volumeSizeGiB: v.sizeGiB, description: `Created by CreateImage(${row.id}) for ${imageId}`, imageId, tags: snapshotTags,
        kmsKeyId: v.kmsKeyId,
      }, e.now));
      const availableAt = Math.max(e.now, ...snapshots.map((s) => s.completedAt)) + IMAGE_REGISTRATION_MS;
      const blockDevices: ImageBlockDevice[] = attached.map((v, i) => ({
        deviceName: v.device ?? `/dev/xvd${String.fromCharCode(97 + i)}`, snapshotId: snapshots[i].id, volumeSizeGiB: v.sizeGiB, volumeType: v.volumeType as VolumeType,
        ...provisionedOf(v.volumeType as VolumeType, v), deleteOnTermination: v.deleteOnTermination, ...encryptedWith(v.kmsKeyId),
      }));
      const image: Image = {
        imageId, name: cmd.name, platform: source.platform, architecture: architectureOf(source), licenseModel: source.licenseModel,
        ...(source.byolProduct ? { byolProduct: source.byolProduct } : {}),
        bootSeconds: source.bootSeconds, shutdownSeconds: source.shutdownSeconds, ownerTenantId: tenant.id, availableFromMs: availableAt,
        // Its root device is the instance's (a launch from it attaches its root volume there).
        ...(isRootDeviceName(row.rootDeviceName) ? { rootDeviceName: row.rootDeviceName } : {}),
      };
      const entity: ImageEntity = {
        id: imageId, tenantId: tenant.id, name: cmd.name, description: cmd.description ?? null, body: JSON.stringify(image), sourceInstanceId: row.id,
        blockDevices: JSON.stringify(blockDevices), tags: JSON.stringify(tags), state: 'available', createdAt: e.now, availableAt, deregisteredAt: null, sourceImageId: null,
      };
      await storeNewSnapshots(this.repo, e, tx, snapshots);
      await this.repo.insertImage(tx, entity);
      // The catalog's image is the row's, its mapping from block_devices: its launches get these volumes (VolumesService.resolveLaunchVolumes).
      e.world.catalog.addImage(imageOf(entity));
      return rowView(entity, tenant, e.now);
    });
  }

  /** DeregisterImage: only the owner; its snapshots stay (DeleteSnapshot them after). */
  deregister(tenant: TenantEntity, cmd: ImageIdCommand): Promise<void> {
    checkImageId(cmd.imageId);
    return this.engine.command(async (tx, e) => {
      const row = await this.repo.imageRow(tx, cmd.imageId);
      if (row && row.tenantId === tenant.id) {
        if (row.state === 'deregistered') throw new ApiError('InvalidAMIID.Unavailable', `The image '${cmd.imageId}' is already deregistered`);
        await this.repo.deregisterImage(tx, row.id, e.now);
        e.world.catalog.retireImage(row.id);
        return;
      }
      // A public image is not the tenant's to deregister; another tenant's is as missing.
      const publicImage = (row && row.tenantId === null && row.state !== 'deregistered') || (!row && IMAGES.some((i) => i.imageId === cmd.imageId));
      if (publicImage) throw unauthorized(`You do not own the image '${cmd.imageId}'`);
      throw imageNotFound(cmd.imageId);
    });
  }

  /**
   * RegisterImage from the tenant's EBS snapshots: a private HVM image whose root device is mapped
   * to a snapshot, the others data volumes. Its platform is Linux/UNIX, whatever the snapshot holds:
   * EC2 keeps an AMI's billing code only through CreateImage and CopyImage ("Creating an AMI from an
   * EBS snapshot does not maintain this billing code", the reference's RegisterImage), and a
   * registered image is billed as its launches are (platformDetailsOf). Pending for
   * IMAGE_REGISTRATION_MS, then available, as a CreateImage image after its snapshots.
   */
  register(tenant: TenantEntity, cmd: RegisterImageCommand): Promise<ImageView> {
    const features = registeredFeatures(cmd);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    return this.engine.command(async (tx, e) => {
      const imageId = resourceId('ami');
      const blockDevices = await this.registeredBlockDevices(tx, tenant, cmd, features.rootDeviceName!, e.now);
      const availableAt = e.now + IMAGE_REGISTRATION_MS;
      const image: Image = {
        imageId, name: cmd.name, platform: 'linux', licenseModel: 'license-included', ...defaultLifecycleSeconds('linux'), ...features,
        ownerTenantId: tenant.id, availableFromMs: availableAt,
      };
      // The launch rule checks it as a launch of it would (a bootable root, each volume valid): an image no launch could use is not registered.
      this.volumes.resolveLaunchVolumes({ blockDeviceMappings: [] }, { ...image, blockDevices });
      const entity: ImageEntity = {
        id: imageId, tenantId: tenant.id, name: cmd.name, description: cmd.description ?? null, body: JSON.stringify(image), sourceInstanceId: null, sourceImageId: null,
        blockDevices: JSON.stringify(blockDevices), tags: JSON.stringify(tags), state: 'available', createdAt: e.now, availableAt, deregisteredAt: null,
      };
      await this.repo.insertImage(tx, entity);
      e.world.catalog.addImage(imageOf(entity));
      return rowView(entity, tenant, e.now);
    });
  }

  /** RegisterImage's dry run: its checks on the committed state, registering nothing. */
  async checkRegister(tenant: TenantEntity, cmd: RegisterImageCommand): Promise<void> {
    const features = registeredFeatures(cmd);
    validateTags({ ...(cmd.tags ?? {}) });
    await this.registeredBlockDevices(undefined, tenant, cmd, features.rootDeviceName!, this.engine.now);
  }

  /**
   * CopyImage within the region: a private image of the tenant's from one it may launch (its own,
   * or a public one), with a copy of each of its snapshots made through the one snapshot path
   * (`storeNewSnapshots`: billed from now), pending until they complete and it registers. Its
   * platform and license, hence its billing, are its source's. A public image with a billing code
   * other than Linux/UNIX (Windows, Red Hat, SUSE, Ubuntu Pro) cannot be copied, as EC2 refuses a
   * shared AMI with a billing product code. The same client token with the same request answers the
   * first copy; with another, IdempotentParameterMismatch.
   */
  copy(tenant: TenantEntity, cmd: CopyImageCommand): Promise<ImageView> {
    checkNameAndDescription(cmd);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const snapshotTags = validateTags({ ...(cmd.snapshotTags ?? {}) });
    encryptionKeyOf(cmd, null, NO_ENCRYPTION_BY_DEFAULT, tenant.accountId);
    return this.engine.command(async (tx, e) => {
      const imageId = cmd.clientToken === undefined ? resourceId('ami') : tokenId('ami', `CopyImage\0${tenant.id}\0${cmd.clientToken}`);
      if (cmd.clientToken !== undefined) {
        const previous = await this.repo.imageRow(tx, imageId);
        if (previous && previous.tenantId === tenant.id) {
          if (previous.sourceImageId !== cmd.sourceImageId || previous.name !== cmd.name || previous.description !== (cmd.description ?? null))
            throw idempotentMismatch(cmd.clientToken);
          return rowView(previous, tenant, e.now);
        }
      }
      const source = await this.copySource(tx, tenant, cmd);
      const sourceRow = await this.repo.imageRow(tx, source.imageId);
      const sourceDevices = imageBlockDevices(source);
      const defaults = await this.volumes.encryptionDefaults(tenant.id, tx);
      const snapshots: SnapshotEntity[] = [];
      for (const b of sourceDevices) {
        // The tenant's snapshot's own size and key; the public images' root snapshots are Amazon's, of the mapping's size, unencrypted.
        const own = source.ownerTenantId !== undefined ? await this.repo.snapshotRow(tx, b.snapshotId) : null;
        snapshots.push(newSnapshotRow({
          tenantId: tenant.id, volumeId: null, volumeSizeGiB: own?.volumeSizeGiB ?? b.volumeSizeGiB, imageId, sourceSnapshotId: b.snapshotId, tags: snapshotTags,
          description: `Copied for DestinationAmi ${imageId} from SourceAmi ${source.imageId} for SourceSnapshot ${b.snapshotId}`,
          // Each snapshot copied as CopySnapshot copies one (the User Guide's outcomes; `Encrypted` and `KmsKeyId` apply to every one).
          kmsKeyId: encryptionKeyOf(cmd, own?.kmsKeyId ?? null, defaults, tenant.accountId),
        }, e.now));
      }
      const blockDevices: ImageBlockDevice[] = sourceDevices.map(({ kmsKeyId: _source, ...b }, i) => ({ ...b, snapshotId: snapshots[i].id, ...encryptedWith(snapshots[i].kmsKeyId) }));
      const availableAt = Math.max(e.now, ...snapshots.map((x) => x.completedAt)) + IMAGE_REGISTRATION_MS;
      const { publisher: _publisher, description: _description, rootVolume: _rootVolume, blockDevices: _devices, ...kept } = source;
      const image: Image = { ...kept, imageId, name: cmd.name, rootDeviceName: rootDeviceOf(source), ownerTenantId: tenant.id, availableFromMs: availableAt };
      // CopyImageTags: the source's user-defined tags (the tenant's own image's; the public images have none), then those asked.
      const copiedTags = cmd.copyImageTags && sourceRow?.tenantId === tenant.id ? tagsOf(sourceRow) : {};
      const entity: ImageEntity = {
        id: imageId, tenantId: tenant.id, name: cmd.name, description: cmd.description ?? null, body: JSON.stringify(image), sourceInstanceId: null, sourceImageId: source.imageId,
        blockDevices: JSON.stringify(blockDevices), tags: JSON.stringify({ ...copiedTags, ...tags }), state: 'available', createdAt: e.now, availableAt, deregisteredAt: null,
      };
      await storeNewSnapshots(this.repo, e, tx, snapshots);
      await this.repo.insertImage(tx, entity);
      e.world.catalog.addImage(imageOf(entity));
      return rowView(entity, tenant, e.now);
    });
  }

  /** CopyImage's dry run: its checks on the committed state, copying nothing. */
  async checkCopy(tenant: TenantEntity, cmd: CopyImageCommand): Promise<void> {
    checkNameAndDescription(cmd);
    encryptionKeyOf(cmd, null, NO_ENCRYPTION_BY_DEFAULT, tenant.accountId);
    validateTags({ ...(cmd.tags ?? {}) });
    validateTags({ ...(cmd.snapshotTags ?? {}) });
    await this.copySource(undefined, tenant, cmd);
  }

  /**
   * ModifyImageAttribute on the tenant's own image: its description, and `imdsSupport` v2.0 (its
   * launches then require IMDSv2; EC2 cannot unset it either). A public image is not the tenant's
   * to change (EC2's AuthFailure), another tenant's is a missing one.
   */
  modify(tenant: TenantEntity, cmd: ModifyImageCommand): Promise<ImageView> {
    checkDescription(cmd.description);
    const imdsSupport = oneOf(cmd.imdsSupport, ['v2.0'] as const, 'imdsSupport');
    return this.engine.command(async (tx, e) => {
      const row = await this.requireOwnImage(tx, tenant, cmd.imageId);
      const change: { description?: string; body?: string } = {};
      if (cmd.description !== undefined) change.description = cmd.description;
      if (imdsSupport !== undefined) {
        const image: Image = { ...(JSON.parse(row.body) as Image), imdsSupport };
        change.body = JSON.stringify(image);
        e.world.catalog.replaceImage(imageOf({ ...row, body: change.body }));
      }
      if (Object.keys(change).length > 0) await this.repo.updateImage(tx, row.id, change);
      return rowView({ ...row, ...change }, tenant, e.now);
    });
  }

  /** ModifyImageAttribute's dry run: its checks on the committed state, changing nothing. */
  async checkModify(tenant: TenantEntity, cmd: ModifyImageCommand): Promise<void> {
    checkDescription(cmd.description);
    oneOf(cmd.imdsSupport, ['v2.0'] as const, 'imdsSupport');
    await this.requireOwnImage(undefined, tenant, cmd.imageId);
  }

  /**
   * The accounts besides its owner that may launch the tenant's image (EC2's launchPermission):
   * none. Nimbus's images are private to their tenant (ModifyImageAttribute refuses sharing), so
   * the list is empty, and removing from it or resetting it (ResetImageAttribute) leaves it so. A
   * public image's is not the caller's to read or change (AuthFailure), another tenant's is missing.
   */
  async launchPermissions(tenant: TenantEntity, imageId: string): Promise<readonly { readonly userId?: string; readonly group?: 'all' }[]> {
    await this.requireOwnImage(undefined, tenant, imageId);
    return [];
  }

  /**
   * What EC2 refuses when the tenant's image would be shared (ModifyImageAttribute's launchPermission
   * add), for its snapshots' encryption: made public with an encrypted snapshot (EC2's
   * UnsupportedOperation, "Encrypted snapshots can't be shared publicly"), shared with accounts with a
   * snapshot encrypted with the AWS managed key (EC2's InvalidParameter, "Snapshots encrypted with the
   * AWS Managed CMK can't be shared").
   */
  async checkSharing(tenant: TenantEntity, imageId: string, share: { readonly publicly: boolean; readonly withAccounts: boolean }): Promise<void> {
    const row = await this.requireOwnImage(undefined, tenant, imageId);
    const keys = (JSON.parse(row.blockDevices) as ImageBlockDevice[]).map((b) => b.kmsKeyId).filter((k): k is string => k !== undefined);
    if (share.publicly && keys.length > 0) throw new ApiError('UnsupportedOperation', "Encrypted snapshots can't be shared publicly. Specify another snapshot.");
    if (share.withAccounts && keys.includes(awsManagedEbsKeyArn(tenant.accountId)))
      throw new ApiError('InvalidParameter', "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot.");
  }

  /** The tenant's own image for a change of its attributes: a public one is EC2's AuthFailure for a non-owner, another tenant's (or a deregistered one) NotFound. */
  private async requireOwnImage(tx: Tx | undefined, tenant: TenantEntity, imageId: string): Promise<ImageEntity> {
    checkImageId(imageId);
    const row = await this.repo.imageRow(tx, imageId);
    if (row && row.tenantId === tenant.id && row.state !== 'deregistered') return row;
    const publicImage = (row && row.tenantId === null && row.state !== 'deregistered') || (!row && IMAGES.some((i) => i.imageId === imageId));
    if (publicImage) throw new ApiError('AuthFailure', `Not authorized for image:${imageId}`);
    throw imageNotFound(imageId);
  }

  /** An image CopyImage may copy: one the tenant may launch (launchableImage's rule), and not a public one with a billing code. */
  private async copySource(tx: Tx | undefined, tenant: TenantEntity, cmd: CopyImageCommand): Promise<Image> {
    checkImageId(cmd.sourceImageId);
    await this.requireFreeName(tx, tenant, cmd.name);
    const source = launchableImage(this.engine, tenant.id, cmd.sourceImageId);
    const { details } = platformDetailsOf(source);
    if (source.ownerTenantId === undefined && details !== LINUX_UNIX)
      throw new ApiError('InvalidRequest', `You can't copy ${source.imageId}: it is a shared AMI with a billing product code (${details}). Launch an instance from it and create an image of the instance (CreateImage) instead`);
    return source;
  }

  /** InvalidAMIName.Duplicate: the tenant already owns an image (not deregistered) of that name. */
  private async requireFreeName(tx: Tx | undefined, tenant: TenantEntity, name: string): Promise<void> {
    if (await this.repo.ownImageNamed(tx, tenant.id, name)) throw new ApiError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by an image you own`);
  }

  /**
   * RegisterImage's name, free among the tenant's images, and its mapping as the image's block devices: each at a device of the root's (the root
   * device, or a data device name), at most once, from the tenant's completed snapshot (another
   * tenant's is a missing one), no smaller than it; type gp2 unless given, DeleteOnTermination true
   * unless given; the root device mapped.
   */
  private async registeredBlockDevices(tx: Tx | undefined, tenant: TenantEntity, cmd: RegisterImageCommand, root: string, now: number): Promise<ImageBlockDevice[]> {
    await this.requireFreeName(tx, tenant, cmd.name);
    const out: ImageBlockDevice[] = [];
    for (const m of cmd.blockDevices) {
      if (!isDeviceOf(m.device, root)) throw new ApiError('InvalidBlockDeviceMapping', `Invalid device name ${m.device}`);
      if (out.some((b) => b.deviceName === m.device)) throw new ApiError('InvalidBlockDeviceMapping', `The device '${m.device.replace(/^\/dev\//, '')}' is used in more than one block-device mapping`);
      if (m.snapshotId === undefined) throw new ApiError('MissingParameter', `The request must contain the parameter BlockDeviceMapping.N.Ebs.SnapshotId (the snapshot of ${m.device})`);
      const snapshot = await requireCompletedSnapshot(this.repo, tx, tenant.id, m.snapshotId, now);
      const sizeGiB = m.sizeGiB ?? snapshot.volumeSizeGiB;
      if (sizeGiB < snapshot.volumeSizeGiB) throw smallerThanSnapshot(sizeGiB, snapshot.id, snapshot.volumeSizeGiB);
      const spec = resolveVolume({ type: oneOf(m.type, VOLUME_TYPES, 'BlockDeviceMapping.Ebs.VolumeType') ?? 'gp2', sizeGiB, iops: m.iops, throughputMiBps: m.throughputMiBps });
      out.push({
        deviceName: m.device, snapshotId: snapshot.id, volumeSizeGiB: sizeGiB, volumeType: spec.type, ...provisionedOf(spec.type, spec), deleteOnTermination: m.deleteOnTermination ?? true,
        ...encryptedWith(snapshot.kmsKeyId),
      });
    }
    if (!out.some((b) => b.deviceName === root))
      throw new ApiError('InvalidBlockDeviceMapping', `The root device ${root} must be mapped to a snapshot (a BlockDeviceMapping with DeviceName ${root} and Ebs.SnapshotId)`);
    return out;
  }

  /** The tenant's own image, not deregistered (read in `tx`, or the committed state without one); another tenant's is NotFound, as a missing one. */
  private async ownImage(tx: Tx | undefined, tenant: TenantEntity, imageId: string): Promise<ImageEntity> {
    checkImageId(imageId);
    const row = await this.repo.imageRow(tx, imageId);
    if (!row || row.tenantId !== tenant.id || row.state === 'deregistered') throw imageNotFound(imageId);
    return row;
  }
}

/** An image block device's key: its snapshot's, when it is encrypted. */
const encryptedWith = (kmsKeyId: string | null): Pick<ImageBlockDevice, 'kmsKeyId'> => (kmsKeyId !== null ? { kmsKeyId } : {});

/** A volume's provisioned IOPS (gp3, io1, io2) and throughput (gp3): what a launch from its snapshot needs to be the same volume. */
function provisionedOf(type: VolumeType, v: { readonly iops: number; readonly throughputMiBps: number }): Pick<ImageBlockDevice, 'iops' | 'throughputMiBps'> {
  if (type === 'gp3') return { iops: v.iops, throughputMiBps: v.throughputMiBps };
  return PROVISIONED_IOPS_TYPES.includes(type) ? { iops: v.iops } : {};
}

/** EC2's AMI name rule (3 to 128 of its characters: InvalidAMIName.Malformed) and description (at most 255 characters). */
function checkNameAndDescription(cmd: { readonly name: string; readonly description?: string }): void {
  if (typeof cmd.name !== 'string' || !IMAGE_NAME.test(cmd.name))
    throw new ApiError('InvalidAMIName.Malformed', "AMI names must be 3 to 128 characters of letters, digits, ( ) [ ] space . / - ' @ _");
  checkDescription(cmd.description);
}

function checkDescription(description: string | undefined): void {
  if (description !== undefined && description.length > 255) throw new ApiError('InvalidParameterValue', 'description must be at most 255 characters');
}

/** A value of one of EC2's enumerations, or InvalidParameterValue naming the parameter and the values it takes. */
function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], parameter: string): T | undefined {
  if (value !== undefined && !(allowed as readonly string[]).includes(value))
    throw new ApiError('InvalidParameterValue', `Value (${value.slice(0, 40)}) for parameter ${parameter} is invalid. It must be one of: ${allowed.join(', ')}`);
  return value as T | undefined;
}

/** RegisterImage's image features (EC2's values; Nimbus's images are HVM): checked before anything is looked up. */
function registeredFeatures(cmd: RegisterImageCommand): Pick<Image, 'architecture' | 'rootDeviceName' | 'bootMode' | 'tpmSupport' | 'sriovNetSupport' | 'enaSupport' | 'imdsSupport'> {
  checkNameAndDescription(cmd);
  // EC2's default architecture for an EBS-backed image (the API reference's RegisterImage: "For Amazon EBS-backed AMIs, i386").
  const architecture = oneOf(cmd.architecture, ARCHITECTURES, 'architecture') ?? 'i386';
  if (cmd.rootDeviceName === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter RootDeviceName');
  if (!isRootDeviceName(cmd.rootDeviceName))
    throw new ApiError('InvalidParameterValue', `Value (${cmd.rootDeviceName.slice(0, 40)}) for parameter rootDeviceName is invalid. Nimbus's root devices are ${ROOT_DEVICE_NAMES.join(' and ')}`);
  const bootMode = oneOf(cmd.bootMode, ['legacy-bios', 'uefi', 'uefi-preferred'] as const, 'bootMode');
  const tpmSupport = oneOf(cmd.tpmSupport, ['v2.0'] as const, 'tpmSupport');
  if (tpmSupport !== undefined && bootMode !== 'uefi') throw new ApiError('InvalidParameterCombination', 'NitroTPM (TpmSupport v2.0) requires the uefi boot mode (BootMode uefi)');
  const sriovNetSupport = oneOf(cmd.sriovNetSupport, ['simple'] as const, 'sriovNetSupport');
  const imdsSupport = oneOf(cmd.imdsSupport, ['v2.0'] as const, 'imdsSupport');
  if (cmd.blockDevices.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter BlockDeviceMapping (the root device mapped to a snapshot)');
  return {
    architecture, rootDeviceName: cmd.rootDeviceName, ...(bootMode ? { bootMode } : {}), ...(tpmSupport ? { tpmSupport } : {}), ...(sriovNetSupport ? { sriovNetSupport } : {}),
    ...(cmd.enaSupport !== undefined ? { enaSupport: cmd.enaSupport } : {}), ...(imdsSupport ? { imdsSupport } : {}),
  };
}

/**
 * DescribeImages' `ExecutableBy`, as EC2's reference has it: `all` the public images; `self` (or
 * the caller's own account id) the images it owns or that are shared with it, not the public ones;
 * another account id the caller's images shared with that account. Nimbus shares no image, so
 * `self` is the tenant's own images and another account's id none.
 */
function executableMatches(user: string, v: ImageView, tenant: TenantEntity): boolean {
  if (user === 'all') return v.isPublic;
  if (user === 'self' || user === tenant.accountId) return v.ownerTenantId === tenant.id;
  return false;
}

function ownerMatches(owner: string, v: ImageView, tenant: TenantEntity): boolean {
  if (owner === 'self') return v.ownerTenantId === tenant.id;
  if (owner === 'amazon') return v.ownerAlias === 'amazon';
  return v.ownerId === owner;
}

/** The owner EC2 shows for a public image: its publisher's account and alias, or Amazon's (alias `amazon`). */
function publicOwner(image: Image): Pick<ImageView, 'ownerId' | 'ownerAlias'> {
  if (!image.publisher) return { ownerId: AMAZON_OWNER_ID, ownerAlias: 'amazon' };
  return { ownerId: image.publisher.accountId, ...(image.publisher.alias ? { ownerAlias: image.publisher.alias } : {}) };
}

function builtInView(image: Image): ImageView {
  return {
    image, name: image.name, ...(image.description !== undefined ? { description: image.description } : {}), platform: image.platform,
    architecture: architectureOf(image), licenseModel: image.licenseModel, ...publicOwner(image), isPublic: true, state: 'available', creationMs: BUILT_IN_IMAGES_CREATED_MS, rootDeviceName: rootDeviceOf(image), blockDevices: imageBlockDevices(image), tags: {},
  };
}

/** A stored image as the tenant sees it (an operator's is public and Amazon's; its own carries its account id). */
export function rowView(row: ImageEntity, tenant: TenantEntity | undefined, now: number): ImageView {
  const image = JSON.parse(row.body) as Image;
  const own = row.tenantId !== null;
  const blockDevices = JSON.parse(row.blockDevices) as ImageBlockDevice[];
  return {
    image, name: row.name, ...(row.description !== null ? { description: row.description } : {}), platform: image.platform, architecture: architectureOf(image),
    licenseModel: image.licenseModel, ...(own ? { ownerId: tenant?.accountId ?? '', ownerTenantId: row.tenantId! } : publicOwner(image)),
    isPublic: !own, state: now < row.availableAt ? 'pending' : 'available', creationMs: row.createdAt, rootDeviceName: rootDeviceOf({ ...image, blockDevices }),
    blockDevices: imageBlockDevices({ ...image, blockDevices }), tags: tagsOf(row), ...(row.sourceInstanceId ? { sourceInstanceId: row.sourceInstanceId } : {}),
    ...(row.sourceImageId ? { sourceImageId: row.sourceImageId } : {}),
  };
}

