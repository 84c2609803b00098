import { VOLUME_TYPES, VolumeType } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { LaunchBlockDeviceMapping } from '../../../application/instances/instances.commands';
import { Ec2Params } from '../ec2-action';
import { unsupported } from '../ec2-errors';
import { encryptionAsked } from './volumes.actions';

/**
 * EC2's `BlockDeviceMapping.N` of EBS volumes (RunInstances, RegisterImage): each its DeviceName
 * and Ebs (SnapshotId, VolumeSize, VolumeType, Iops, Throughput, DeleteOnTermination), as given:
 * and its encryption (Encrypted, KmsKeyId: the application's rule, ebs-encryption.ts), as given:
 * what a mapping omits is filled by the action's rule, not here. Instance store (VirtualName),
 * NoDevice and Outposts are not simulated and are refused, never ignored.
 */
export function ebsBlockDeviceMappings(p: Ec2Params): LaunchBlockDeviceMapping[] {
  const mappings: LaunchBlockDeviceMapping[] = [];
  for (const m of p.structs('BlockDeviceMapping')) {
    if (m.has('NoDevice') || m.has('VirtualName')) throw unsupported('BlockDeviceMapping.NoDevice and VirtualName (instance store)');
    const device = m.string('DeviceName');
    if (!device) throw new ApiError('MissingParameter', 'The request must contain the parameter BlockDeviceMapping.N.DeviceName');
    const ebs = m.struct('Ebs');
    if (!ebs) throw new ApiError('MissingParameter', 'The request must contain the parameter BlockDeviceMapping.N.Ebs');
    if (ebs.has('OutpostArn')) throw unsupported('BlockDeviceMapping.Ebs.OutpostArn (Nimbus has no Outposts)');
    const type = ebs.string('VolumeType') as VolumeType | undefined;
    if (type !== undefined && !VOLUME_TYPES.includes(type)) throw invalidParameter(`Value (${type}) for parameter BlockDeviceMapping.Ebs.VolumeType is invalid.`);
    const sizeGiB = ebs.int('VolumeSize', { min: 1 });
    const snapshotId = ebs.string('SnapshotId') || undefined;
    const deleteOnTermination = ebs.bool('DeleteOnTermination');
    mappings.push({
      device, ...(sizeGiB !== undefined ? { sizeGiB } : {}), ...(snapshotId !== undefined ? { snapshotId } : {}), ...(type !== undefined ? { type } : {}),
      iops: ebs.int('Iops'), throughputMiBps: ebs.int('Throughput'), ...(deleteOnTermination !== undefined ? { deleteOnTermination } : {}), ...encryptionAsked(ebs),
    });
  }
  return mappings;
}
