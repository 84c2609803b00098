import { VolumeEntity } from '../../../persistence/entities';
import { VolumeDetail, VolumeModification, VolumePage } from '../../../application/volumes/volumes.service';

const iso = (ms: number) => new Date(ms).toISOString();

/** EC2's Volume, camelCase. An attached volume has one attachment; an available one none. */
export function mapVolume(v: VolumeEntity) {
  return {
    volumeId: v.id,
    volumeType: v.volumeType,
    sizeGiB: v.sizeGiB,
    iops: v.iops,
    throughputMiBps: v.throughputMiBps,
    availabilityZone: v.availabilityZone,
    state: v.state,
    createTime: iso(v.createdAt),
    attachments: v.state === 'in-use' && v.instanceId
      ? [{ instanceId: v.instanceId, device: v.device, state: 'attached', attachTime: iso(v.attachTime!), deleteOnTermination: v.deleteOnTermination }]
      : [],
    ...(v.snapshotId ? { snapshotId: v.snapshotId } : {}),
    encrypted: v.kmsKeyId !== null,
    ...(v.kmsKeyId !== null ? { kmsKeyId: v.kmsKeyId } : {}),
  };
}

export function mapVolumePage(p: VolumePage) {
  return { volumes: p.volumes.map(mapVolume), ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
}

/** A volume with what its IO gets right now (gp2's burst balance only for gp2). */
export function mapVolumeDetail({ volume, performance: io }: VolumeDetail) {
  return {
    ...mapVolume(volume),
    performance: {
      iopsDemanded: io.iopsDemanded, iopsDelivered: io.iopsDelivered, iopsThrottled: io.iopsThrottled, throughputMiBps: io.throughputMiBps,
      ...(io.burstBalancePercent !== null ? { burstBalancePercent: io.burstBalancePercent } : {}),
    },
  };
}

/** EC2's VolumeAttachment, as AttachVolume and DetachVolume answer it. */
export function mapAttachment(v: VolumeEntity, state: 'attached' | 'detached') {
  return {
    volumeId: v.id,
    instanceId: v.instanceId,
    device: v.device,
    state,
    attachTime: iso(v.attachTime!),
    deleteOnTermination: v.deleteOnTermination,
  };
}

/** An attached volume as the instance lists it (VolumesService.attachedTo and createForInstances give the rows). */
export function mapInstanceVolume(v: VolumeEntity) {
  return { volumeId: v.id, device: v.device!, deleteOnTermination: v.deleteOnTermination };
}
export type InstanceVolumeView = ReturnType<typeof mapInstanceVolume>;

/** EC2's VolumeModification, camelCase. */
export function mapVolumeModification(m: VolumeModification) {
  return {
    volumeId: m.volumeId, state: m.state, progress: m.progress, startTime: iso(m.startMs),
    ...(m.endMs !== null ? { endTime: iso(m.endMs) } : {}),
    original: { ...m.original }, target: { ...m.target },
  };
}
