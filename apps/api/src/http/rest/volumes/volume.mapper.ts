import { resolveVolume, VolumeSpec, VolumeType } from '@nimbus/hypervisor';
import { VolumeEntity } from '../../../persistence/entities';

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

/** An attached volume as the instance lists it. */
export function mapInstanceVolume(v: VolumeEntity) {
  return { volumeId: v.id, device: v.device!, deleteOnTermination: v.deleteOnTermination };
}
export type InstanceVolumeView = ReturnType<typeof mapInstanceVolume>;

/** The data plane's spec of a stored volume (for restoring the data plane after a restart). */
export function volumeSpecOf(v: VolumeEntity): VolumeSpec {
  const type = v.volumeType as VolumeType;
  return resolveVolume({
    type,
    sizeGiB: v.sizeGiB,
    iops: type === 'gp2' ? undefined : v.iops,
    throughputMiBps: type === 'gp3' ? v.throughputMiBps : undefined,
  });
}
