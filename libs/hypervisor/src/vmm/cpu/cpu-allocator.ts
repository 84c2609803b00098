import { HostType, hardwareThreads } from '../../catalog/host-types';
import { VIRTUALIZATION_COSTS } from '../../catalog/virtualization';
import { splitProportionalInt, waterFillInt } from '../shared/fair-share';

/**
 * CPU allocation of one host for one interval (docs/model.md §3.1): reservation, limit, shares — the
 * VMware/mClock triple (Gulati et al., mClock, OSDI 2010; ESX resource management).
 *
 * 1. every VM gets min(d, r) — its guarantee;
 * 2. the rest of the capacity is divided by weighted max-min fairness (water-filling) among the VMs
 *    whose demand is not yet met, each capped at min(d, c). A VM's reservation and its share of the
 *    spare add up: reserved service is not charged against shares (as in mClock, where IOs
 *    dispatched in the weight phase do not use up the VM's reservation tags);
 * 3. work-conserving: capacity stays idle only if every VM is at min(d, c).
 *
 * If the guarantees alone exceed the capacity (only after a fault or an overcommit the admission
 * rules allowed), they are scaled down in proportion to min(d, r) and the VMs short of it are
 * flagged `guaranteeViolated`.
 *
 * Everything is integer millicores, so sums are exact and the result is deterministic (ties in
 * rounding go to the earlier VM in the input). Exact while capacity × Σ weights < 2^53.
 */
export interface CpuDemand {
  readonly id: string;
  /** What the workload would use this interval, 0..vCPUs × 1000. */
  readonly demandMillicores: number;
  readonly reservationMillicores: number;
  readonly limitMillicores: number;
  /** Shares, a positive integer (cgroups-style 1024 per vCPU by default). */
  readonly weight: number;
}

export interface CpuGrant {
  readonly id: string;
  readonly allocatedMillicores: number;
  /** min(d, c) − a: what the VM wanted, was allowed, and did not get (like `%steal`). */
  readonly stealMillicores: number;
  /** a < min(d, r): the VMM failed the VM's reservation. */
  readonly guaranteeViolated: boolean;
}

export interface CpuAllocation {
  /** In the order of the input. */
  readonly vms: CpuGrant[];
  readonly allocatedMillicores: number;
  readonly idleMillicores: number;
  /** Σ min(d, r) exceeded the capacity, so guarantees were scaled down. */
  readonly reservationsScaled: boolean;
}

export function allocateCpu(capacityMillicores: number, vms: readonly CpuDemand[]): CpuAllocation {
  const n = vms.length;
  const b = cpuBuffers(n);
  for (let i = 0; i < n; i++) {
    const vm = vms[i];
    b.demand[i] = vm.demandMillicores;
    b.reservation[i] = vm.reservationMillicores;
    b.limit[i] = vm.limitMillicores;
    b.weight[i] = vm.weight;
  }
  const total = allocateCpuInto(capacityMillicores, b, (i) => vms[i].id);
  const grants = new Array<CpuGrant>(n);
  for (let i = 0; i < n; i++) {
    const a = b.allocated[i];
    grants[i] = { id: vms[i].id, allocatedMillicores: a, stealMillicores: b.wanted[i] - a, guaranteeViolated: a < b.guaranteed[i] };
  }
  return { vms: grants, allocatedMillicores: total, idleMillicores: capacityMillicores - total, reservationsScaled: b.reservationsScaled };
}

/**
 * `allocateCpu` on parallel arrays, one entry per VM, all of the same length n (waterFillInt takes
 * n from them): the inputs (demand, reservation, limit, weight) and what the division writes
 * (wanted = min(d, c), guaranteed = min(d, r), allocated). A VMM recomputing hosts at a high rate
 * keeps one set per n and reuses it, so that a recomputation makes no object per VM.
 */
export interface CpuBuffers {
  readonly demand: number[];
  readonly reservation: number[];
  readonly limit: number[];
  readonly weight: number[];
  readonly wanted: number[];
  readonly guaranteed: number[];
  readonly headroom: number[];
  readonly allocated: number[];
  /** Set by `allocateCpuInto`: Σ min(d, r) exceeded the capacity. */
  reservationsScaled: boolean;
}

export function cpuBuffers(n: number): CpuBuffers {
  const zeros = () => new Array<number>(n).fill(0);
  return {
    demand: zeros(), reservation: zeros(), limit: zeros(), weight: zeros(),
    wanted: zeros(), guaranteed: zeros(), headroom: zeros(), allocated: zeros(), reservationsScaled: false,
  };
}

/**
 * The division of `allocateCpu` on buffers (see `CpuBuffers`): validates the inputs, writes
 * wanted, guaranteed and allocated, and returns Σ allocated. `idOf(i)` names VM i in an error.
 * steal_i = wanted_i − allocated_i; the guarantee is violated iff allocated_i < guaranteed_i.
 */
export function allocateCpuInto(capacityMillicores: number, b: CpuBuffers, idOf: (i: number) => string): number {
  if (!Number.isSafeInteger(capacityMillicores) || capacityMillicores < 0)
    throw new RangeError(`CPU capacity must be a non-negative integer of millicores, got ${capacityMillicores}`);
  const { demand, reservation, limit, weight, wanted, guaranteed, headroom, allocated } = b;
  const n = demand.length;
  let guaranteedTotal = 0;
  for (let i = 0; i < n; i++) {
    const d = demand[i];
    const r = reservation[i];
    const c = limit[i];
    checkDemand(idOf, i, d, r, c, weight[i]);
    wanted[i] = Math.min(d, c);
    guaranteed[i] = Math.min(d, r);
    guaranteedTotal += guaranteed[i];
  }

  const reservationsScaled = guaranteedTotal > capacityMillicores;
  b.reservationsScaled = reservationsScaled;
  if (reservationsScaled) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    splitProportionalInt(capacityMillicores, all, n, guaranteed, allocated);
  } else {
    for (let i = 0; i < n; i++) headroom[i] = wanted[i] - guaranteed[i];
    waterFillInt(capacityMillicores - guaranteedTotal, headroom, weight, allocated);
    for (let i = 0; i < n; i++) allocated[i] += guaranteed[i];
  }

  let total = 0;
  for (let i = 0; i < n; i++) total += allocated[i];
  return total;
}

function checkDemand(idOf: (i: number) => string, i: number, d: number, r: number, c: number, w: number): void {
  if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`VM ${idOf(i)}: demand must be a non-negative integer of millicores, got ${d}`);
  if (!Number.isSafeInteger(r) || r < 0) throw new RangeError(`VM ${idOf(i)}: reservation must be a non-negative integer of millicores, got ${r}`);
  if (!Number.isSafeInteger(c) || c < r) throw new RangeError(`VM ${idOf(i)}: limit must be an integer of millicores ≥ its reservation (${r}), got ${c}`);
  if (!Number.isSafeInteger(w) || w < 1) throw new RangeError(`VM ${idOf(i)}: weight must be a positive integer, got ${w}`);
}

export interface HostCpuCapacityOptions {
  /**
   * Guest privileged operations per second per core (system calls, page-table updates); they cost
   * extra under binary translation (Adams & Agesen, ASPLOS 2006). Defaults to 0.
   */
  readonly privOpsPerSecPerCore?: number;
  /** The driver domain's own CPU use (see `driverDomainMillicores`), taken off the top. */
  readonly driverDomainMillicores?: number;
}

/** The unit of `cpuOverheadPerPrivOpRate` in the virtualization table: per 10,000 ops/s/core. */
export const PRIV_OP_RATE_UNIT = 10_000;

/**
 * C = hardware threads × 1000 × (1 − overhead(mode, privileged-op rate)) − driver domain use
 * (docs/model.md §3.1, §3.4), in whole millicores, never negative. With no privileged ops and no
 * driver domain it equals `Host.cpuCapacityMillicores`.
 */
export function hostCpuCapacityMillicores(hostType: HostType, options: HostCpuCapacityOptions = {}): number {
  const privOps = options.privOpsPerSecPerCore ?? 0;
  const driverDomain = options.driverDomainMillicores ?? 0;
  if (!(privOps >= 0)) throw new RangeError(`privOpsPerSecPerCore must be ≥ 0, got ${privOps}`);
  if (!(driverDomain >= 0)) throw new RangeError(`driverDomainMillicores must be ≥ 0, got ${driverDomain}`);
  const cost = VIRTUALIZATION_COSTS[hostType.virtualization];
  const overhead = Math.min(1, cost.cpuOverhead + (cost.cpuOverheadPerPrivOpRate * privOps) / PRIV_OP_RATE_UNIT);
  // The epsilon absorbs binary-float noise (e.g. 112000 × 0.98) so a whole number stays whole.
  const vmm = Math.floor(hardwareThreads(hostType) * 1000 * (1 - overhead) + 1e-9);
  return Math.max(0, vmm - Math.ceil(driverDomain));
}
