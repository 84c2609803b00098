import { PlacementStrategy } from '@nimbus/scheduler';
import { AllocateHostsCommand, CreatePlacementGroupCommand } from '../../../application/placement/placement.commands';
import { DedicatedHostView } from '../../../application/placement/dedicated-hosts.service';
import { PlacementGroupEntity } from '../../../persistence/entities';
import { AllocateHostsDto, CreatePlacementGroupDto } from './placement.dto';

export const toCreatePlacementGroupCommand = (dto: CreatePlacementGroupDto): CreatePlacementGroupCommand => ({
  groupName: dto.groupName, strategy: dto.strategy as PlacementStrategy, ...(dto.partitionCount !== undefined ? { partitionCount: dto.partitionCount } : {}),
});

export const toAllocateHostsCommand = (dto: AllocateHostsDto): AllocateHostsCommand => ({
  ...(dto.instanceType !== undefined ? { instanceType: dto.instanceType } : {}),
  ...(dto.instanceFamily !== undefined ? { instanceFamily: dto.instanceFamily } : {}),
  availabilityZone: dto.availabilityZone, quantity: dto.quantity, autoPlacement: dto.autoPlacement === 'on',
});

/** API.md's placement group. */
export function mapPlacementGroup(g: PlacementGroupEntity) {
  return {
    groupName: g.name,
    groupId: g.id,
    strategy: g.strategy,
    ...(g.partitionCount !== null ? { partitionCount: g.partitionCount } : {}),
    state: 'available',
    createdAt: new Date(g.createdAt).toISOString(),
  };
}

/** EC2's DescribeHosts fields; the host type itself stays an operator's detail. */
export function mapDedicatedHost(v: DedicatedHostView) {
  const r = v.allocation;
  return {
    hostId: r.hostId,
    availabilityZone: v.availabilityZone,
    // EC2's host states: a failed host is under assessment until repaired.
    state: v.failed ? 'under-assessment' : 'available',
    autoPlacement: r.autoPlacement ? 'on' : 'off',
    hostProperties: {
      ...(r.instanceType ? { instanceType: r.instanceType } : { instanceFamily: r.instanceFamily }),
      sockets: v.sockets,
      cores: v.cores,
      totalVCpus: v.totalVCpus,
      memoryMiB: v.memoryMiB,
    },
    availableCapacity: { availableVCpus: v.availableVCpus },
    instances: v.instances,
    allocationTime: new Date(r.allocatedAt).toISOString(),
  };
}
