import { DomainError, Host, InvalidParameterValue, NotFound, PreCopyPlan } from '@nimbus/hypervisor';
import { fitsOnHost, ratiosFor } from '@nimbus/scheduler';
import { World } from '../world/world';

/** Operators' commands on the fleet (docs/model.md §3.7-§3.9): faults, repairs, drains, power, migrations. */

export const hostNotFound = (hostId: string) => new NotFound('InvalidHostID.NotFound', `The host ID '${hostId}' does not exist`);

export function requireHost(world: World, hostId: string): Host {
  const host = world.fleet.host(hostId);
  if (!host) throw hostNotFound(hostId);
  return host;
}

/** A host fails whole (its VMs impaired; auto-recovery after detection), or only its driver domain (IO down). */
export function failHost(world: World, hostId: string, component: 'host' | 'driver-domain'): void {
  requireHost(world, hostId);
  if (component === 'driver-domain') world.dataPlane.failDriverDomain(hostId);
  else world.dataPlane.failHost(hostId);
}

/** Repairs whatever failed: the driver domain, then the host. */
export function repairHost(world: World, hostId: string): void {
  const host = requireHost(world, hostId);
  if (host.driverDomain === 'failed') world.dataPlane.repairDriverDomain(hostId);
  world.dataPlane.repairHost(hostId);
}

/** Maintenance: live-migrates the host's VMs away, one at a time, and leaves it drained. */
export function drainHost(world: World, hostId: string): void {
  const host = requireHost(world, hostId);
  if (host.state === 'failed' || host.state === 'off') throw new DomainError('IncorrectHostState', `The host '${hostId}' is ${host.state}: repair it before draining it.`);
  // A host consolidation is emptying becomes the operator's: it stays drained, not switched off.
  if (host.state !== 'draining' || world.maintenance.purposeOf(hostId) !== 'maintenance') world.maintenance.drain(hostId);
}

/** Switches an empty available host off (it draws nothing and takes no instances until switched on). */
export function powerOffHost(world: World, hostId: string): void {
  requireHost(world, hostId);
  world.rebalancer.powerOff(hostId, 'operator');
}

/** Switches an off host on: available at once. */
export function powerOnHost(world: World, hostId: string): void {
  const host = requireHost(world, hostId);
  if (host.state === 'failed' || host.state === 'draining')
    throw new DomainError('IncorrectHostState', `The host '${hostId}' is ${host.state}, not off: repair it to return it to service.`);
  world.rebalancer.powerOn(hostId, 'operator');
}

export interface MigrationStarted {
  readonly sourceHostId: string | null;
  readonly plan: PreCopyPlan;
}

/**
 * An operator's live migration to a chosen host, through the one migration executor. The target
 * must be in the VM's zone, run its family, admit it under its tenancy, Dedicated Host and group
 * rules, and have room by the placement's capacity rule (it holds the VM's resources from the start).
 */
export function migrateVm(world: World, vmId: string, targetHostId: string): MigrationStarted {
  const vm = world.fleet.vm(vmId);
  if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
  const target = requireHost(world, targetHostId);
  if (world.dataPlane.isMigrating(vmId)) throw new DomainError('IncorrectInstanceState', `The instance '${vmId}' is already migrating.`);
  const current = vm.hostId ? world.fleet.host(vm.hostId) : undefined;
  if (current && current.availabilityZone !== target.availabilityZone)
    throw new InvalidParameterValue(`host '${targetHostId}' is in ${target.availabilityZone}; live migration stays in the instance's zone (${current.availabilityZone})`);
  if (!target.type.families.includes(vm.instanceType.family))
    throw new InvalidParameterValue(`host '${targetHostId}' (${target.type.name}) cannot run ${vm.instanceType.family} instances`);
  const refusal = target === current ? null : world.scheduler.refusalForMove(vmId, targetHostId);
  if (refusal) throw new InvalidParameterValue(`instance '${vmId}' may not move to host '${targetHostId}': ${refusal}`);
  const ratios = ratiosFor(world.scheduler.config, target.availabilityZone, target.type.name);
  const need = { reservationMillicores: vm.cpu.reservationMillicores, limitMillicores: vm.cpu.limitMillicores, memoryMiB: target.memoryFootprintMiB(vm.instanceType.memoryMiB) };
  if (target !== current && !fitsOnHost(target, ratios, target.allocation, need))
    throw new InvalidParameterValue(`host '${targetHostId}' has no room for instance '${vmId}' (${vm.instanceType.name})`);
  const plan = world.rebalancer.executor.startNow({ vmId, reason: 'operator', targetHostId });
  if (!plan) throw new DomainError('MigrationNotConverging', `The instance '${vmId}' dirties memory faster than the migration link and auto-converge is off.`);
  return { sourceHostId: current?.id ?? null, plan };
}
