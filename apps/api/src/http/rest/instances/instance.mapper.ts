import { INSTANCE_STATE_CODES, InstanceStateName, StateTransition } from '@nimbus/hypervisor';
import { InstanceEntity, VolumeEntity } from '../../../persistence/entities';
import { mapInstanceVolume } from '../volumes/volume.mapper';

const STATE_REASONS: Record<string, string> = {
  'Client.UserInitiatedShutdown': 'User initiated shutdown',
  'Server.InsufficientInstanceCapacity': 'Insufficient capacity',
};

export const stateOf = (name: string) => ({ name, code: INSTANCE_STATE_CODES[name as InstanceStateName] });

/** Names of the placement groups instances are in, by group id (see placementGroupNames). */
export type GroupNames = ReadonlyMap<string, string>;

export function mapInstance(i: InstanceEntity, tags: Record<string, string>, volumes: VolumeEntity[] = [], groups: GroupNames = new Map()) {
  return {
    instanceId: i.id,
    reservationId: i.reservationId,
    imageId: i.imageId,
    instanceType: i.instanceType,
    state: stateOf(i.state),
    ...(i.stateReason ? { stateReason: { code: i.stateReason, message: STATE_REASONS[i.stateReason] ?? i.stateReason } } : {}),
    availabilityZone: i.availabilityZone,
    launchTime: new Date(i.launchTime).toISOString(),
    platform: i.platform,
    tenancy: i.tenancy,
    ...(i.placementGroupId && groups.has(i.placementGroupId) ? { placementGroup: groups.get(i.placementGroupId) } : {}),
    ...(i.partitionNumber !== null && i.partitionNumber !== undefined ? { partitionNumber: i.partitionNumber } : {}),
    ...(i.tenancy === 'host' && i.dedicatedHostId ? { hostId: i.dedicatedHostId } : {}),
    ...(i.licenseConfigurationId ? { licenseConfigurationId: i.licenseConfigurationId } : {}),
    cpu: { reservation: i.cpuReservationMillicores / 1000, limit: i.cpuLimitMillicores / 1000, weight: i.cpuWeight },
    ...(i.creditSpecification ? { creditSpecification: i.creditSpecification } : {}),
    maintenanceOptions: { autoRecovery: i.autoRecovery },
    // EC2's instance status check (DescribeInstanceStatus): impaired while its host or driver domain is down.
    statusCheck: i.status,
    volumes: volumes.map(mapInstanceVolume),
    tags,
  };
}

export function mapTransition(t: StateTransition) {
  return { instanceId: t.vmId, previousState: stateOf(t.previous), currentState: stateOf(t.current) };
}
