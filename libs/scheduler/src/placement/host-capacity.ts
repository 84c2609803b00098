import { AllocationRatios } from '../contract';

/** Amounts in the three capacity dimensions, in integers (millicores, MiB). */
export interface CapacityAmounts {
  readonly reservationMillicores: number;
  readonly limitMillicores: number;
  readonly memoryMiB: number;
}

/** What the hypervisor says a host has (a `Host` is one). */
export interface HostHardware {
  readonly threads: number;
  /** CPU the VMs can be guaranteed: hardware threads less the VMM's own overhead. */
  readonly cpuCapacityMillicores: number;
  /** Memory for guests: physical memory less the hypervisor's reserve. */
  readonly memoryCapacityMiB: number;
}

/** What a host has allocated already (a `Host`'s `allocation` is one). */
export interface AllocatedAmounts {
  readonly reservedMillicores: number;
  readonly limitMillicores: number;
  /** Memory footprints: each VM's memory plus the VMM's per-VM overhead. */
  readonly memoryMiB: number;
}

/** The capacity dimensions that keep a request off a host. */
export type CapacityShortfall = 'capacity: cpu-reservation' | 'capacity: cpu-limit' | 'capacity: memory';

/**
 * The placement capacity rule (docs/model.md §4), its bounds: what a host can hold in all under the
 * allocation ratios. Reservations are guarantees: never beyond the CPU the VMM can hand out,
 * whatever the ratio. Limits may be oversubscribed up to threads × CPU allocation ratio, memory
 * up to guest memory × RAM allocation ratio. Floored, because an integer sum ≤ x exactly when it
 * is ≤ ⌊x⌋.
 */
export function hostCapacity(host: HostHardware, ratios: AllocationRatios): CapacityAmounts {
  return {
    reservationMillicores: host.cpuCapacityMillicores,
    limitMillicores: Math.floor(host.threads * 1000 * ratios.cpuAllocationRatio),
    memoryMiB: Math.floor(host.memoryCapacityMiB * ratios.ramAllocationRatio),
  };
}

/**
 * The placement capacity rule, its test: which dimensions `need` (one VM's amounts, or the sum of
 * several placed together) would take past `capacity` (see `hostCapacity`) on top of `allocated`.
 * Empty: it fits. The slot index (slot-index.ts) applies the same test in the form
 * ⌊(capacity − allocated) ÷ need⌋ ≥ 1.
 */
export function capacityShortfall(capacity: CapacityAmounts, allocated: AllocatedAmounts, need: CapacityAmounts): CapacityShortfall[] {
  const short: CapacityShortfall[] = [];
  if (allocated.reservedMillicores + need.reservationMillicores > capacity.reservationMillicores) short.push('capacity: cpu-reservation');
  if (allocated.limitMillicores + need.limitMillicores > capacity.limitMillicores) short.push('capacity: cpu-limit');
  if (allocated.memoryMiB + need.memoryMiB > capacity.memoryMiB) short.push('capacity: memory');
  return short;
}

/** Whether `need` fits on a host with `allocated` taken, under `ratios`: the rule in one call. */
export function fitsOnHost(host: HostHardware, ratios: AllocationRatios, allocated: AllocatedAmounts, need: CapacityAmounts): boolean {
  return capacityShortfall(hostCapacity(host, ratios), allocated, need).length === 0;
}
