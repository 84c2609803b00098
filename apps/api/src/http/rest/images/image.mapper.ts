import { capabilitiesOf, InstanceType } from '@nimbus/hypervisor';
import { ImageView } from '../../../application/images/image-view';
import { SnapshotView } from '../../../application/images/snapshots.service';

const iso = (ms: number) => new Date(ms).toISOString();

/** An image (GET /v1/images, /v1/admin/images): the catalog's fields, then who owns it, its state and its snapshots. */
export function mapImage(v: ImageView) {
  const i = v.image;
  return {
    imageId: i.imageId,
    name: v.name,
    ...(v.description !== undefined ? { description: v.description } : {}),
    platform: i.platform,
    architecture: v.architecture,
    licenseModel: i.licenseModel,
    ...(i.byolProduct ? { byolProduct: i.byolProduct } : {}),
    bootSeconds: i.bootSeconds,
    shutdownSeconds: i.shutdownSeconds,
    ownerId: v.ownerId,
    ...(v.ownerAlias ? { ownerAlias: v.ownerAlias } : {}),
    public: v.isPublic,
    state: v.state,
    creationDate: iso(v.creationMs),
    rootDeviceName: v.rootDeviceName,
    blockDevices: v.blockDevices,
    tags: v.tags,
    ...(v.sourceInstanceId ? { sourceInstanceId: v.sourceInstanceId } : {}),
  };
}

export function mapSnapshot(v: SnapshotView) {
  const r = v.row;
  return {
    snapshotId: r.id,
    ...(r.volumeId ? { volumeId: r.volumeId } : {}),
    volumeSizeGiB: r.volumeSizeGiB,
    ...(r.description !== null ? { description: r.description } : {}),
    state: v.status,
    progress: `${v.progressPercent}%`,
    startTime: iso(r.startedAt),
    ownerId: v.ownerId,
    ...(r.imageId ? { imageId: r.imageId } : {}),
    tags: v.tags,
  };
}

/** A custom instance type (GET /v1/admin/instance-types). */
export function mapCustomInstanceType(t: InstanceType) {
  return {
    name: t.name,
    family: t.family,
    vcpus: t.vcpus,
    memoryMiB: t.memoryMiB,
    ...(t.baselinePerVcpu !== undefined ? { baselinePerVcpu: t.baselinePerVcpu } : {}),
    architectures: t.architectures ?? ['x86_64'],
    network: t.network,
    ebs: t.ebs,
    hourlyPrices: { linux: t.onDemandLinuxHourlyUsd, ...(t.onDemandWindowsHourlyUsd !== undefined ? { windows: t.onDemandWindowsHourlyUsd } : {}) },
    capabilities: capabilitiesOf(t),
  };
}
