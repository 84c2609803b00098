import { IncorrectInstanceState, InstanceStateName, InstanceType, InvalidParameterValue, NotFound, StateTransition, validateWorkload, Vm, Workload } from '@nimbus/hypervisor';
import {
  admitLicenseChange, InsufficientCapacityOnHost, InsufficientInstanceCapacity, InvalidParameterCombination, LicensedInstance, LicenseLimit, VcpuLimitExceeded, checkVcpuQuota, validateLaunch,
} from '@nimbus/scheduler';
import { World } from '../world/world';

/** The VM, which must be the tenant's: another tenant's VM is exactly as missing as a VM that never was. */
export function requireVm(world: World, tenantId: string, vmId: string): Vm {
  const vm = world.fleet.vm(vmId);
  if (!vm || vm.tenantId !== tenantId) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
  return vm;
}

const refuseIfTerminated = (vmId: string, state: InstanceStateName, operation: string) => {
  if (state === 'terminated') throw new IncorrectInstanceState(vmId, state, operation);
};

/**
 * StartInstances: a stopped VM is placed anew (its zone, tenancy and group kept; its Dedicated
 * Host, if it had one, kept too: host affinity), within the tenant's vCPU quota.
 */
export function startVm(world: World, tenantId: string, vmId: string, opts: { availabilityZone: string; dedicatedHostId?: string; vcpuQuota?: number }): StateTransition {
  const vm = requireVm(world, tenantId, vmId);
  refuseIfTerminated(vmId, vm.state, 'started');
  if (!world.fleet.needsPlacementToStart(vmId)) return world.fleet.start(vmId);
  if (opts.vcpuQuota !== undefined) {
    try {
      checkVcpuQuota({ limit: opts.vcpuQuota, used: world.fleet.vcpusInUse(tenantId), vcpusPerInstance: vm.instanceType.vcpus, minCount: 1, maxCount: 1 });
    } catch (err) {
      if (err instanceof VcpuLimitExceeded) world.reportRefusal({ time: world.now, tenantId, instanceType: vm.instanceType.name, availabilityZone: opts.availabilityZone, count: 1, code: err.code, reasons: ['quota'] });
      throw err;
    }
  }
  const decision = world.scheduler.placeVm(vmId, opts.availabilityZone, opts.dedicatedHostId);
  if (!decision.ok) {
    const err = vm.tenancy === 'host'
      ? new InsufficientCapacityOnHost(vm.instanceType.name, decision.refusals, opts.dedicatedHostId)
      : new InsufficientInstanceCapacity(vm.instanceType.name, decision.refusals, opts.availabilityZone);
    world.reportRefusal({ time: world.now, tenantId, instanceType: vm.instanceType.name, availabilityZone: opts.availabilityZone, count: 1, code: err.code, reasons: [...new Set(decision.refusals.flatMap((r) => r.reasons))] });
    throw err;
  }
  return world.fleet.start(vmId, decision.hostIds[0]);
}

export function stopVm(world: World, tenantId: string, vmId: string): StateTransition {
  refuseIfTerminated(vmId, requireVm(world, tenantId, vmId).state, 'stopped');
  return world.fleet.stop(vmId);
}

export function rebootVm(world: World, tenantId: string, vmId: string): StateTransition {
  refuseIfTerminated(vmId, requireVm(world, tenantId, vmId).state, 'rebooted');
  return world.fleet.reboot(vmId);
}

export function terminateVm(world: World, tenantId: string, vmId: string): StateTransition {
  requireVm(world, tenantId, vmId);
  return world.fleet.terminate(vmId);
}

/**
 * ModifyInstanceAttribute `instanceType`: a stopped VM becomes the new type (its default CPU
 * parameters; the data plane follows). The VM's workload must fit the new type's vCPUs and memory,
 * the type must boot its image and keep its tenancy's host family, and, when a license
 * configuration counts the VM (BYOL), the new type's consumption must pass the same licence
 * admission as a launch (admitLicenseChange: a hard limit refuses with LicenseLimitExceeded);
 * otherwise nothing changes.
 */
export function changeInstanceType(
  world: World, tenantId: string, vmId: string, type: InstanceType,
  opts: { readonly license?: { readonly limit: LicenseLimit; readonly existing: readonly LicensedInstance[] } } = {},
): Vm {
  const vm = requireVm(world, tenantId, vmId);
  if (vm.state !== 'stopped') throw new IncorrectInstanceState(vmId, vm.state, 'resized (only a stopped instance changes type)');
  validateLaunch({ instanceType: type, image: vm.image, tenancy: vm.tenancy ?? 'default', minCount: 1, maxCount: 1 });
  if (vm.tenancy === 'host' && type.family !== vm.instanceType.family)
    throw new InvalidParameterCombination(`an instance on a Dedicated Host keeps its host's family: ${vm.instanceType.family}, not ${type.family}`);
  try {
    validateWorkload(world.dataPlane.workloadOf(vmId), { vcpus: type.vcpus, memoryMiB: type.memoryMiB });
  } catch (err) {
    if (err instanceof RangeError || err instanceof InvalidParameterValue)
      throw new InvalidParameterValue(`The instance's workload does not fit ${type.name} (${type.vcpus} vCPUs, ${type.memoryMiB} MiB): ${err.message} Change the workload first.`);
    throw err;
  }
  if (opts.license) admitLicenseChange(opts.license.limit, opts.license.existing, vmId, type.vcpus);
  return world.fleet.changeInstanceType(vmId, type);
}

/** What the guest does from now on; an omitted part keeps its current value. Returns the whole workload. */
export function setWorkload(world: World, tenantId: string, vmId: string, update: Workload): Workload {
  requireVm(world, tenantId, vmId);
  return world.dataPlane.setWorkload(vmId, update);
}
