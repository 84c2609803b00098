import { DomainError, VolumeDefinition } from '@nimbus/hypervisor';
import { HostOwner, PlacementGroupDefinition } from '@nimbus/scheduler';
import { World } from '../world/world';

/** The world's side of tenants' resources (docs/model.md §3.3, §4): volumes, placement groups, Dedicated Hosts. */

/** A new volume, available in its zone (its gp2 bucket full). */
export function createVolume(world: World, def: VolumeDefinition): void {
  world.dataPlane.addVolume(def);
}

/**
 * Attaches a volume to a VM that can take it: pending, running, stopping or stopped (as EC2). The
 * fleet knows the VM's current state; it forgets terminated VMs.
 */
export function attachVolume(world: World, volumeId: string, vmId: string): void {
  const state = world.fleet.vm(vmId)?.state ?? 'terminated';
  if (state === 'shutting-down' || state === 'terminated')
    throw new DomainError('IncorrectInstanceState', `The instance '${vmId}' is in state '${state}': volumes can be attached only to pending, running, stopping or stopped instances.`);
  world.dataPlane.attachVolume(volumeId, vmId);
}

/** Detaches a volume: its VM's workload drops the IO it did on it. */
export function detachVolume(world: World, volumeId: string): void {
  world.dataPlane.detachVolume(volumeId);
}

export function deleteVolume(world: World, volumeId: string): void {
  world.dataPlane.removeVolume(volumeId);
}

export function definePlacementGroup(world: World, group: PlacementGroupDefinition): void {
  world.scheduler.defineGroup(group);
}

export function deletePlacementGroup(world: World, groupId: string): void {
  world.scheduler.removeGroup(groupId);
}

/** A Dedicated Host allocated to a tenant (AllocateHosts); `null` releases it (ReleaseHosts). */
export function setDedicatedHostOwner(world: World, hostId: string, owner: HostOwner | null): void {
  world.scheduler.setHostOwner(hostId, owner);
}
