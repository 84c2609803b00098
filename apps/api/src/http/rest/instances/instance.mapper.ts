import { INSTANCE_STATE_CODES, InstanceStateName, StateTransition } from '@nimbus/hypervisor';
import { InstanceDescription, InstancePage, QuotaUsage, Reservation } from '../../../application/instances/instance-description';
import { ListInstancesQuery, RunInstancesCommand } from '../../../application/instances/instances.commands';
import { PasswordData } from '../../../application/instances/password-data';
import { mapInstanceVolume } from '../volumes/volume.mapper';
import { mapInstanceNetwork, toLaunchNetwork } from '../networking/network.mapper';
import { ListInstancesQueryDto, RunInstancesDto } from './instance.dto';

const STATE_REASONS: Record<string, string> = {
  'Client.UserInitiatedShutdown': 'User initiated shutdown',
  'Server.InsufficientInstanceCapacity': 'Insufficient capacity',
};

export const stateOf = (name: string) => ({ name, code: INSTANCE_STATE_CODES[name as InstanceStateName] });

/**
 * The request as the command: every field the caller gave, and nothing more (a repeated client
 * token is matched against this content).
 */
export function toRunInstancesCommand(dto: RunInstancesDto): RunInstancesCommand {
  return {
    imageId: dto.imageId, instanceType: dto.instanceType, minCount: dto.minCount, maxCount: dto.maxCount,
    availabilityZone: dto.availabilityZone, tenancy: dto.tenancy, hostId: dto.hostId,
    placementGroup: dto.placementGroup, partitionNumber: dto.partitionNumber, licenseConfigurationId: dto.licenseConfigurationId,
    cpu: dto.cpu && { reservation: dto.cpu.reservation, limit: dto.cpu.limit, weight: dto.cpu.weight },
    creditSpecification: dto.creditSpecification,
    volumes: dto.volumes?.map((v) => ({
      sizeGiB: v.sizeGiB, type: v.type, iops: v.iops, throughputMiBps: v.throughputMiBps, ...(v.snapshotId !== undefined ? { snapshotId: v.snapshotId } : {}),
      ...(v.encrypted !== undefined ? { encrypted: v.encrypted } : {}), ...(v.kmsKeyId !== undefined ? { kmsKeyId: v.kmsKeyId } : {}),
    })),
    maintenanceOptions: dto.maintenanceOptions && { autoRecovery: dto.maintenanceOptions.autoRecovery },
    tags: dto.tags,
    network: toLaunchNetwork(dto),
    clientToken: dto.clientToken,
  };
}

export function toListInstancesQuery(q: ListInstancesQueryDto, tags: [string, string][]): ListInstancesQuery {
  return { state: q.state, instanceType: q.instanceType, availabilityZone: q.availabilityZone, tags, maxResults: q.maxResults, nextToken: q.nextToken };
}

export function mapInstance(d: InstanceDescription) {
  const i = d.row;
  const volumes = d.volumes.map(mapInstanceVolume);
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
    ...(d.placementGroupName !== undefined ? { placementGroup: d.placementGroupName } : {}),
    ...(i.partitionNumber !== null && i.partitionNumber !== undefined ? { partitionNumber: i.partitionNumber } : {}),
    ...(i.tenancy === 'host' && i.dedicatedHostId ? { hostId: i.dedicatedHostId } : {}),
    ...(i.licenseConfigurationId ? { licenseConfigurationId: i.licenseConfigurationId } : {}),
    cpu: { reservation: i.cpuReservationMillicores / 1000, limit: i.cpuLimitMillicores / 1000, weight: i.cpuWeight },
    ...(i.creditSpecification ? { creditSpecification: i.creditSpecification } : {}),
    maintenanceOptions: { autoRecovery: i.autoRecovery },
    // Attributes the EC2 protocol sets (RunInstances, ModifyInstanceAttribute).
    disableApiTermination: i.disableApiTermination,
    disableApiStop: i.disableApiStop,
    instanceInitiatedShutdownBehavior: i.shutdownBehavior,
    ebsOptimized: i.ebsOptimized,
    // EC2's instance status check (DescribeInstanceStatus): impaired while its host or driver domain is down.
    statusCheck: i.status,
    volumes,
    ...mapInstanceNetwork(d.network),
    tags: d.tags,
  };
}

export function mapReservation(r: Reservation) {
  return { reservationId: r.reservationId, instances: r.instances.map(mapInstance) };
}

export function mapInstancePage(p: InstancePage) {
  return { instances: p.instances.map(mapInstance), ...(p.nextToken !== undefined ? { nextToken: p.nextToken } : {}) };
}

/** CreateTags: the instance's tags after the change. */
export function mapTags(tags: Readonly<Record<string, string>>) {
  return { tags };
}

/** GetPasswordData: as EC2 answers it, the time in ISO 8601. */
export function mapPasswordData(instanceId: string, p: PasswordData) {
  return { instanceId, passwordData: p.passwordData, timestamp: new Date(p.timestamp).toISOString() };
}

export function mapTransition(t: StateTransition) {
  return { instanceId: t.vmId, previousState: stateOf(t.previous), currentState: stateOf(t.current) };
}

export function mapQuotas(q: QuotaUsage) {
  return { onDemandVcpus: { limit: q.onDemandVcpus.limit, used: q.onDemandVcpus.used }, provisionedIops: { limit: q.provisionedIops.limit, used: q.provisionedIops.used } };
}
