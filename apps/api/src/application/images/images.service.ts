import { Injectable } from '@nestjs/common';
import { architectureOf, Image, imageBlockDevices, IMAGES, isRootDeviceName, PROVISIONED_IOPS_TYPES, rootDeviceOf, VolumeType } from '@nimbus/hypervisor';
import { rebootVm } from '@nimbus/simulation';
import { ApiError, unauthorized } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ImageEntity, SnapshotEntity, TenantEntity, VolumeEntity } from '../../persistence/entities';
import { CatalogRepository, imageOf } from '../../persistence/catalog.repository';
import { InstancesRepository } from '../../persistence/instances.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { requireInstance } from '../instances/require-instance';
import { validateTags } from '../instances/tags';
import { rowTaggedType, tagsOf } from '../tags/row-tags';
import { VolumesService } from '../volumes/volumes.service';
import { TagsService } from '../tags/tags.service';
import { CreateImageCommand, DescribeImagesQuery, ImageIdCommand } from './images.commands';
import { AMAZON_OWNER_ID, BUILT_IN_IMAGES_CREATED_MS, ImageBlockDevice, ImageView } from './image-view';
import { newSnapshotRow, storeNewSnapshots } from './snapshot-rules';
import { checkImageId, imageNotFound, launchableImage } from './launchable-image';

export { checkImageId, imageNotFound, launchableImage };

/** An image registers this long after its last snapshot completes (Nimbus's figure; EC2 publishes none). */
export const IMAGE_REGISTRATION_MS = 10_000;
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
    if (typeof cmd.name !== 'string' || !IMAGE_NAME.test(cmd.name))
      throw new ApiError('InvalidAMIName.Malformed', "AMI names must be 3 to 128 characters of letters, digits, ( ) [ ] space . / - ' @ _");
    if (cmd.description !== undefined && cmd.description.length > 255) throw new ApiError('InvalidParameterValue', 'description must be at most 255 characters');
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const snapshotTags = validateTags({ ...(cmd.snapshotTags ?? {}) });
    return this.engine.command(async (tx, e) => {
      const row = await requireInstance(this.instances, tx, tenant.id, cmd.instanceId, e.now);
      if (row.state !== 'running' && row.state !== 'stopped')
        throw new ApiError('IncorrectInstanceState', `The instance '${row.id}' is not in a state from which it can be imaged (${row.state})`);
      if (await this.repo.ownImageNamed(tx, tenant.id, cmd.name)) throw new ApiError('InvalidAMIName.Duplicate', `AMI name ${cmd.name} is already in use by an image you own`);
      const source = e.world.catalog.image(row.imageId);
      if (!source) throw new ApiError('InvalidAMIID.Unavailable', `The image '${row.imageId}' the instance was launched from is not known`);
      // A consistent image: the instance reboots (unless NoReboot), as CreateImage does on EC2.
      if (!cmd.noReboot && row.state === 'running') rebootVm(e.world, tenant.id, row.id);
      const imageId = resourceId('ami');
      const attached = (await this.volumes.attachedTo(tx, [row.id])).get(row.id) ?? [];
      const snapshots: SnapshotEntity[] = attached.map((v) => newSnapshotRow({
        tenantId: tenant.id, volumeId: v.id, volumeSizeGiB: v.sizeGiB, description: `Created by CreateImage(${row.id}) for ${imageId}`, imageId, tags: snapshotTags,
      }, e.now));
      const availableAt = Math.max(e.now, ...snapshots.map((s) => s.completedAt)) + IMAGE_REGISTRATION_MS;
      const blockDevices: ImageBlockDevice[] = attached.map((v, i) => ({
        deviceName: v.device ?? `/dev/xvd${String.fromCharCode(97 + i)}`, snapshotId: snapshots[i].id, volumeSizeGiB: v.sizeGiB, volumeType: v.volumeType as VolumeType,
        ...provisionedOf(v), deleteOnTermination: v.deleteOnTermination,
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
        blockDevices: JSON.stringify(blockDevices), tags: JSON.stringify(tags), state: 'available', createdAt: e.now, availableAt, deregisteredAt: null,
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

  /** The tenant's own image, not deregistered (read in `tx`, or the committed state without one); another tenant's is NotFound, as a missing one. */
  private async ownImage(tx: Tx | undefined, tenant: TenantEntity, imageId: string): Promise<ImageEntity> {
    checkImageId(imageId);
    const row = await this.repo.imageRow(tx, imageId);
    if (!row || row.tenantId !== tenant.id || row.state === 'deregistered') throw imageNotFound(imageId);
    return row;
  }
}

/** A volume's provisioned IOPS (gp3, io1, io2) and throughput (gp3): what a launch from its snapshot needs to be the same volume. */
function provisionedOf(v: VolumeEntity): Pick<ImageBlockDevice, 'iops' | 'throughputMiBps'> {
  if (v.volumeType === 'gp3') return { iops: v.iops, throughputMiBps: v.throughputMiBps };
  return PROVISIONED_IOPS_TYPES.includes(v.volumeType as VolumeType) ? { iops: v.iops } : {};
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
  };
}

