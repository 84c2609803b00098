import { HostType, hardwareThreads } from '../catalog/host-types';
import { VIRTUALIZATION_COSTS } from '../catalog/virtualization';
import { Vm } from './vm';

export type HostState = 'available' | 'draining' | 'failed' | 'off';

/** What a host has handed out to the VMs placed on it (MODEL.md §3.1, §3.2). */
export interface HostAllocation {
  reservedMillicores: number;
  limitMillicores: number;
  memoryMiB: number;
  vcpus: number;
  vmCount: number;
}

export class Host {
  state: HostState = 'available';
  readonly allocation: HostAllocation = { reservedMillicores: 0, limitMillicores: 0, memoryMiB: 0, vcpus: 0, vmCount: 0 };
  readonly vmIds = new Set<string>();

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

  private apply(vm: Vm, sign: 1 | -1): void {
    const a = this.allocation;
    a.reservedMillicores += sign * vm.cpu.reservationMillicores;
    a.limitMillicores += sign * vm.cpu.limitMillicores;
    a.memoryMiB += sign * this.memoryFootprintMiB(vm.instanceType.memoryMiB);
    a.vcpus += sign * vm.instanceType.vcpus;
    a.vmCount += sign;
  }
}
