import { splitProportionalInt } from '../shared/fair-share';

/**
 * Memory reclamation of one host (docs/model.md §3.2), after Waldspurger, "Memory Resource Management in
 * VMware ESX Server" (OSDI 2002) and Disco (Bugnion et al., SOSP 1997).
 *
 * With Σ configured ≤ capacity (the default admission, Xen's choice) there is no pressure and
 * nothing is reclaimed: every VM is fully resident. Under pressure (an admin-set overcommit ratio
 * > 1, or a failover that packed a host) the VMM reclaims, cheapest first:
 *
 * 1. content-based page sharing: VMs booted from the same image hold identical OS pages (kernel,
 *    libraries, their page cache); the VMM keeps one copy-on-write copy per image, so k same-image
 *    VMs save (k − 1) × the shareable footprint. It costs the guests nothing, so all of it is taken.
 * 2. ballooning of idle memory (configured − working set): only as much as still needed, and never
 *    the working set or reserved memory. ESX's idle-memory tax makes idle pages the first to go;
 *    here each VM gives the same fraction of its balloonable idle memory.
 * 3. hypervisor swapping, last: first memory above each VM's reservation, then — only if that is
 *    still not enough — reserved memory, which is a guarantee violation. Swap takes idle pages the
 *    balloon left (reserved idle pages) before working-set pages; swapped working-set pages slow
 *    the VM (see `swapSlowdownFactor`).
 * Shared copies are not swapped; what no stage can cover is reported as `shortfallMiB`.
 *
 * All amounts are integer MiB and the division is exact (largest remainder, ties to input order).
 * The caller passes the guest capacity: physical memory less the hypervisor reserve and per-VM
 * VMM overheads.
 */
export interface MemoryVm {
  readonly id: string;
  readonly configuredMiB: number;
  /** Memory the guest actively touches (≤ configured). */
  readonly workingSetMiB: number;
  readonly imageId: string;
  /** Memory guaranteed to stay in RAM; 0 by default. */
  readonly reservedMiB?: number;
}

export interface MemoryReclaimInput {
  /** Guest capacity of the host, MiB. */
  readonly hostMemoryMiB: number;
  /** The admin's RAM allocation ratio (≥ 1); admission allows Σ configured ≤ capacity × ratio. */
  readonly overcommitRatio: number;
  readonly vms: readonly MemoryVm[];
  /** Identical OS pages per VM that same-image VMs share; `SHAREABLE_OS_MIB` by default. */
  readonly shareableMiBPerVm?: number;
}

export interface MemoryVmState {
  readonly id: string;
  /** Pages backed by host RAM for this VM alone. */
  readonly residentMiB: number;
  /** Pages mapped to a shared copy-on-write copy (held once per image, see host totals). */
  readonly sharedMiB: number;
  readonly balloonedMiB: number;
  readonly swappedMiB: number;
  /** ≥ 1: how much slower the VM runs because part of its working set is on swap. */
  readonly slowdownFactor: number;
  /** Reserved memory was swapped out. */
  readonly guaranteeViolated: boolean;
}

export interface MemoryHostState {
  readonly capacityMiB: number;
  readonly configuredMiB: number;
  /** Host RAM in use: every VM's private pages plus one copy of each image's shared pages. */
  readonly residentMiB: number;
  /** Σ of the VMs' pages mapped to shared copies. */
  readonly sharedMiB: number;
  /** RAM that sharing saved: shared pages less the copies kept. */
  readonly sharingSavedMiB: number;
  readonly balloonedMiB: number;
  readonly swappedMiB: number;
  /** Σ configured − capacity, when positive. */
  readonly pressureMiB: number;
  /** What reclamation could not cover (only shared copies left to take). */
  readonly shortfallMiB: number;
  /** Σ configured exceeds capacity × overcommit ratio: more is placed than admission allows. */
  readonly overcommitExceeded: boolean;
}

export interface MemoryReclaim {
  readonly vms: MemoryVmState[];
  readonly host: MemoryHostState;
}

/**
 * Shareable identical pages per VM of a common image: a Linux kernel, its shared libraries and
 * their page cache are a few hundred MiB. ESX reported sharing saving from 7 % to 33 % of guest
 * memory in production and over half with many identical guests (Waldspurger 2002, §4); 256 MiB per
 * VM sits in that range for 1–8 GiB guests. Zero-page sharing within a VM is not modelled.
 */
export const SHAREABLE_OS_MIB = 256;

/**
 * Slowdown per unit of working-set fraction on swap: slowdown = 1 + k × f. A swapped page costs a
 * fault of ~100 µs on SSD swap against ~0.1 µs from DRAM, but accesses are skewed towards the hotter
 * pages the VMM keeps; k = 10 (10 % of the working set on swap doubles the run time) is an assumption
 * in that spirit, to be calibrated, not a measurement.
 */
export const SWAP_SLOWDOWN_PER_WORKING_SET_FRACTION = 10;

export function swapSlowdownFactor(swappedWorkingSetMiB: number, workingSetMiB: number): number {
  if (workingSetMiB <= 0 || swappedWorkingSetMiB <= 0) return 1;
  return 1 + (SWAP_SLOWDOWN_PER_WORKING_SET_FRACTION * Math.min(swappedWorkingSetMiB, workingSetMiB)) / workingSetMiB;
}

export function reclaimMemory(input: MemoryReclaimInput): MemoryReclaim {
  const { hostMemoryMiB: capacity, overcommitRatio, vms } = input;
  const shareable = input.shareableMiBPerVm ?? SHAREABLE_OS_MIB;
  if (!Number.isSafeInteger(capacity) || capacity < 0) throw new RangeError(`hostMemoryMiB must be a non-negative integer, got ${capacity}`);
  if (!(overcommitRatio >= 1)) throw new RangeError(`overcommitRatio must be ≥ 1, got ${overcommitRatio}`);
  if (!Number.isSafeInteger(shareable) || shareable < 0) throw new RangeError(`shareableMiBPerVm must be a non-negative integer, got ${shareable}`);

  const n = vms.length;
  let configuredTotal = 0;
  for (const vm of vms) {
    checkVm(vm);
    configuredTotal += vm.configuredMiB;
  }
  const overcommitExceeded = configuredTotal > capacity * overcommitRatio;
  const pressure = Math.max(0, configuredTotal - capacity);
  const shared = new Array<number>(n).fill(0);
  const ballooned = new Array<number>(n).fill(0);
  const swapped = new Array<number>(n).fill(0);
  let sharedTotal = 0;
  let copiesTotal = 0;

  if (pressure > 0) {
    // 1. Page sharing: per image, each VM maps min(shareable, working set) MiB to one copy whose
    // size is the largest of them. A single VM of an image shares nothing.
    const groups = new Map<string, { count: number; copyMiB: number }>();
    for (const vm of vms) {
      const g = groups.get(vm.imageId);
      const s = Math.min(shareable, vm.workingSetMiB);
      if (g) {
        g.count++;
        g.copyMiB = Math.max(g.copyMiB, s);
      } else groups.set(vm.imageId, { count: 1, copyMiB: s });
    }
    for (let i = 0; i < n; i++) {
      const g = groups.get(vms[i].imageId)!;
      if (g.count > 1) {
        shared[i] = Math.min(shareable, vms[i].workingSetMiB);
        sharedTotal += shared[i];
      }
    }
    for (const g of groups.values()) if (g.count > 1) copiesTotal += g.copyMiB;
  }

  let need = configuredTotal - (sharedTotal - copiesTotal) - capacity;
  const items = new Int32Array(n);
  for (let i = 0; i < n; i++) items[i] = i;
  const caps = new Array<number>(n);
  const take = new Array<number>(n);

  if (need > 0) {
    // 2. Ballooning: idle pages above both the working set and the reservation.
    let balloonable = 0;
    for (let i = 0; i < n; i++) {
      const vm = vms[i];
      caps[i] = vm.configuredMiB - Math.max(vm.workingSetMiB, vm.reservedMiB ?? 0);
      balloonable += caps[i];
    }
    need -= takeProportionally(Math.min(need, balloonable), balloonable, caps, items, take, ballooned);
  }
  if (need > 0) {
    // 3a. Swapping memory above the reservation (shared copies stay resident).
    let swappable = 0;
    for (let i = 0; i < n; i++) {
      const vm = vms[i];
      const resident = vm.configuredMiB - shared[i] - ballooned[i];
      caps[i] = Math.max(0, Math.min(resident, resident + shared[i] - (vm.reservedMiB ?? 0)));
      swappable += caps[i];
    }
    need -= takeProportionally(Math.min(need, swappable), swappable, caps, items, take, swapped);
  }
  if (need > 0) {
    // 3b. Last resort: reserved memory — a guarantee violation.
    let left = 0;
    for (let i = 0; i < n; i++) {
      caps[i] = vms[i].configuredMiB - shared[i] - ballooned[i] - swapped[i];
      left += caps[i];
    }
    need -= takeProportionally(Math.min(need, left), left, caps, items, take, swapped);
  }

  let residentTotal = copiesTotal;
  let balloonedTotal = 0;
  let swappedTotal = 0;
  const states = new Array<MemoryVmState>(n);
  for (let i = 0; i < n; i++) {
    const vm = vms[i];
    const resident = vm.configuredMiB - shared[i] - ballooned[i] - swapped[i];
    // Swap takes the idle pages the balloon left first (reserved idle memory), then working set.
    const idleLeft = Math.max(0, vm.configuredMiB - vm.workingSetMiB - ballooned[i]);
    const swappedWorkingSet = Math.max(0, swapped[i] - idleLeft);
    residentTotal += resident;
    balloonedTotal += ballooned[i];
    swappedTotal += swapped[i];
    states[i] = {
      id: vm.id,
      residentMiB: resident,
      sharedMiB: shared[i],
      balloonedMiB: ballooned[i],
      swappedMiB: swapped[i],
      slowdownFactor: swapSlowdownFactor(swappedWorkingSet, vm.workingSetMiB),
      guaranteeViolated: resident + shared[i] < (vm.reservedMiB ?? 0),
    };
  }
  return {
    vms: states,
    host: {
      capacityMiB: capacity,
      configuredMiB: configuredTotal,
      residentMiB: residentTotal,
      sharedMiB: sharedTotal,
      sharingSavedMiB: sharedTotal - copiesTotal,
      balloonedMiB: balloonedTotal,
      swappedMiB: swappedTotal,
      pressureMiB: pressure,
      shortfallMiB: Math.max(0, need),
      overcommitExceeded,
    },
  };
}

/** Takes `amount` (≤ Σ caps) in proportion to each cap, adding it to `into`; returns `amount`. */
function takeProportionally(amount: number, capTotal: number, caps: number[], items: Int32Array, take: number[], into: number[]): number {
  if (amount <= 0) return 0;
  if (amount === capTotal) {
    for (let i = 0; i < caps.length; i++) into[i] += caps[i];
    return amount;
  }
  splitProportionalInt(amount, items, caps.length, caps, take);
  for (let i = 0; i < caps.length; i++) into[i] += take[i];
  return amount;
}

function checkVm(vm: MemoryVm): void {
  const reserved = vm.reservedMiB ?? 0;
  if (!Number.isSafeInteger(vm.configuredMiB) || vm.configuredMiB < 0) throw new RangeError(`VM ${vm.id}: configuredMiB must be a non-negative integer`);
  if (!Number.isSafeInteger(vm.workingSetMiB) || vm.workingSetMiB < 0 || vm.workingSetMiB > vm.configuredMiB)
    throw new RangeError(`VM ${vm.id}: workingSetMiB must be an integer between 0 and its configured ${vm.configuredMiB}`);
  if (!Number.isSafeInteger(reserved) || reserved < 0 || reserved > vm.configuredMiB)
    throw new RangeError(`VM ${vm.id}: reservedMiB must be an integer between 0 and its configured ${vm.configuredMiB}`);
}
