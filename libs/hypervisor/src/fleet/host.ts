import { HostType, hardwareThreads } from '../catalog/host-types';
import { VIRTUALIZATION_COSTS } from '../catalog/virtualization';
import { Vm } from './vm';

/**
 * `available` takes new VMs; `draining` (maintenance) takes none and sheds its VMs by live
 * migration; `failed` runs nothing until repaired; `off` is switched off (consolidation).
 */
export type HostState = 'available' | 'draining' | 'failed' | 'off';
export const HOST_STATES: readonly HostState[] = ['available', 'draining', 'failed', 'off'];
export type DriverDomainState = 'ok' | 'failed';

/** What a host has handed out to the VMs placed on it (docs/model.md §3.1, §3.2). */
export interface HostAllocation {
  reservedMillicores: number;
  limitMillicores: number;
  memoryMiB: number;
  vcpus: number;
  vmCount: number;
}

export class Host {
  state: HostState = 'available';
  driverDomain: DriverDomainState = 'ok';
  /** When `state` last changed. */
  stateSince = 0;
  readonly allocation: HostAllocation = { reservedMillicores: 0, limitMillicores: 0, memoryMiB: 0, vcpus: 0, vmCount: 0 };
  readonly vmIds = new Set<string>();
  /** VMs migrating here: their resources are held from the start of the migration. */
  readonly incoming = new Set<string>();

  constructor(
    readonly id: string,
    readonly type: HostType,
    readonly availabilityZone: string,
  ) {}

  /** Hardware threads: the vCPUs this host can run at once. */
  get threads(): number {
    return hardwareThreads(this.type);
  }

  /** CPU the VMs can be guaranteed: hardware threads less the VMM's own overhead. */
  get cpuCapacityMillicores(): number {
    return Math.floor(this.threads * 1000 * (1 - VIRTUALIZATION_COSTS[this.type.virtualization].cpuOverhead));
  }

  /** Memory for guests: physical memory less the hypervisor's reserve. */
  get memoryCapacityMiB(): number {
    return this.type.memoryMiB - this.type.hypervisorReserveMiB;
  }

  /** Memory a VM of this size takes here: its configured memory plus the VMM's per-VM overhead. */
  memoryFootprintMiB(memoryMiB: number): number {
    return memoryMiB + VIRTUALIZATION_COSTS[this.type.virtualization].perVmMemoryOverheadMiB;
  }

  attach(vm: Vm): void {
    this.vmIds.add(vm.vmId);
    this.apply(vm, +1);
  }

  detach(vm: Vm): void {
    if (this.vmIds.delete(vm.vmId)) this.apply(vm, -1);
  }

  /** Holds a migrating VM's resources here before it arrives. */
  reserveIncoming(vm: Vm): void {
    this.incoming.add(vm.vmId);
    this.apply(vm, +1);
  }

  /** The migration was abandoned: the held resources are free again. */
  releaseIncoming(vm: Vm): void {
    if (this.incoming.delete(vm.vmId)) this.apply(vm, -1);
  }

  /** The migrating VM arrived: it runs here on the resources already held. */
  acceptIncoming(vm: Vm): void {
    if (this.incoming.delete(vm.vmId)) this.vmIds.add(vm.vmId);
  }

  private apply(vm: Vm, sign: 1 | -1): void {
    const a = this.allocation;
    a.reservedMillicores += sign * vm.cpu.reservationMillicores;
    a.limitMillicores += sign * vm.cpu.limitMillicores;
    a.memoryMiB += sign * this.memoryFootprintMiB(vm.instanceType.memoryMiB);
    a.vcpus += sign * vm.instanceType.vcpus;
    a.vmCount += sign;
  }
}
