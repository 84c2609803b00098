import { checkPowerCurve } from '@nimbus/hypervisor';
import { countNonZeroBeginning, iqr, loessEstimates, mad, robustLoessEstimates } from './cloudsim-stats';

/**
 * CloudSim's power-aware data centre (`org.cloudbus.cloudsim.power`, CloudSim 3.0.3), re-implemented
 * from its published semantics for the PlanetLab consolidation experiments of Beloglazov & Buyya
 * (CCPE 2012). Hosts and VMs count MIPS, as CloudSim does; times are seconds since the run's start.
 * The model is driven from outside (`interval`, `completeMigration`): it reads no clock.
 *
 * What decides the figures (docs/scenarios.md, "The CloudSim reproduction"):
 * - each update, every host re-shares its MIPS among its VMs (`VmSchedulerTimeSharedOverSubscription`):
 *   a VM gets what it asks, capped at one core; when the host is oversubscribed every VM gets its
 *   share scaled down (floored); a VM migrating out gets 90 %, a VM migrating in 10 %;
 * - energy between two updates is the trapezoid of the power at the two utilizations, 0 when the
 *   first was 0 (an empty host is off);
 * - a VM whose demand is exactly 0 at an update is destroyed for the rest of the run;
 * - each interval the allocation policy picks overloaded hosts, takes VMs off them by minimum
 *   migration time, places them power-aware best fit decreasing, then empties the least utilized
 *   hosts one at a time when all their VMs fit elsewhere;
 * - a migration lasts RAM ÷ (bandwidth ÷ 2) and its VM loses 10 % of its CPU meanwhile;
 * - SLATAH, PDM and SLAV are computed from the hosts' and VMs' state histories as CloudSim's
 *   `Helper.printResults` computes them.
 */

/**
 * Watts at `utilization` (0..1) as CloudSim's `PowerModelSpecPower.getPower` computes them: the
 * table's value at a tenth, else linear between the two tenths around it, in CloudSim's order of
 * operations. It is libs/hypervisor's interpolation (`powerWatts`, the same tables) but for the
 * last bits, and those decide placement: PABFD takes the host whose power grows least, and hosts
 * whose increase differs by 10⁻¹⁴ W are ordered by them.
 */
export function specPowerWatts(curve: readonly number[], utilization: number): number {
  if (utilization < 0 || utilization > 1) throw new RangeError(`utilization must be within 0..1, got ${utilization}`);
  if (utilization === EXACT_TENTHS[Math.round(utilization * 10)]) return curve[Math.trunc(utilization * 10)]; // utilization % 0.1 === 0
  const u1 = Math.floor(utilization * 10);
  const u2 = Math.ceil(utilization * 10);
  const delta = (curve[u2] - curve[u1]) / 10;
  return curve[u1] + delta * (utilization - u1 / 10) * 100;
}

/**
 * The utilizations in 0..1 for which CloudSim's `utilization % 0.1 == 0` holds, by tenth: k × 0.1
 * where that product is exact, NaN where it is not. `u % 0.1` is a slow floating-point remainder,
 * and placement asks for thousands of powers per interval.
 */
const EXACT_TENTHS: readonly number[] = Array.from({ length: 11 }, (_, k) => ((k * 0.1) % 0.1 === 0 ? k * 0.1 : Number.NaN));

/**
 * V8 types an object's fields by the values stored so far, and its optimized code relies on those
 * types: a later store that breaks one throws that code away, to be compiled again. So the first
 * object of each class is given its fields' final types at construction:
 * - a field that starts at 0 is a small integer until its first fraction: the fields that hold
 *   MIPS, watts and seconds (`doubles`) are made doubles (0.5, then their value);
 * - a field only the constructor has written is taken as a constant until its first change: every
 *   field holding a primitive or an array is written with another value, then its own again.
 * (Fields holding other objects are never replaced.) Later objects take the first one's shape.
 */
function settleFields<T extends object>(o: T, doubles: readonly (keyof T)[]): void {
  if (shaped.has(o.constructor)) return;
  shaped.add(o.constructor);
  const fields = o as Record<string, unknown>;
  const fractional = new Set<unknown>(doubles);
  for (const f of Object.keys(fields)) {
    const value = fields[f];
    if (typeof value === 'number') fields[f] = fractional.has(f) || !Number.isInteger(value) ? 0.5 : value + 1;
    else if (typeof value === 'boolean') fields[f] = !value;
    else if (value === undefined || Array.isArray(value)) fields[f] = null;
    else continue;
    fields[f] = value;
  }
}

const shaped = new WeakSet<object>();

/** An empty array V8 stores as objects from the start (an empty `[]` holds small integers, and changes its kind at its first object). */
export function objects<T>(): T[] {
  const a: (T | null)[] = [null];
  a.length = 0;
  return a as T[];
}

/**
 * `n` zeros in an array V8 stores as (packed) doubles from the start, for the same reason as
 * `settleFields`: an array of small integers changes its kind at its first fraction.
 */
export function doubles(n: number): number[] {
  const a = [0.5];
  a.pop();
  for (let i = 0; i < n; i++) a.push(0);
  return a;
}

/**
 * Where a time `t` (s) falls in a trace sampled every `interval` s: on a sample (`index`), or
 * `offset` s past sample `t1`, with the next `t2` `span` s after it. Computed once per update.
 */
export interface TracePosition {
  readonly onSample: boolean;
  readonly index: number;
  readonly t1: number;
  readonly t2: number;
  readonly span: number;
  readonly offset: number;
}

export function tracePosition(t: number, interval: number): TracePosition {
  if (t % interval === 0) return { onSample: true, index: t / interval, t1: 0, t2: 0, span: 0, offset: 0 };
  const t1 = Math.floor(t / interval);
  const t2 = Math.ceil(t / interval);
  return { onSample: false, index: 0, t1, t2, span: (t2 - t1) * interval, offset: t - t1 * interval };
}

/** The trace's value at `p`: linear between two samples (UtilizationModelPlanetLabInMemory). */
export function traceAt(u: Float64Array, p: TracePosition): number {
  if (p.onSample) return u[p.index];
  const delta = (u[p.t2] - u[p.t1]) / p.span;
  return u[p.t1] + delta * p.offset;
}

/** CloudSim's `HISTORY_LENGTH`: utilization samples a VM keeps. */
export const VM_HISTORY_LENGTH = 30;
/** The performance a VM keeps while it migrates (CloudSim: 10 % degradation). */
const MIGRATING_OUT_SHARE = 0.9;
const MIGRATING_IN_SHARE = 0.1;

export interface CloudSimHostSpec {
  readonly type: string;
  readonly pes: number;
  readonly mipsPerPe: number;
  readonly ramMiB: number;
  /** Network bandwidth in CloudSim's unit (kbit/s: 1 Gbit/s is 1,000,000). */
  readonly bwKbps: number;
  /** Watts at 0 %, 10 %, …, 100 %. */
  readonly powerCurve: readonly number[];
}

export interface CloudSimVmSpec {
  readonly name: string;
  readonly type: string;
  readonly mips: number;
  readonly pes: number;
  readonly ramMiB: number;
  readonly bwKbps: number;
  /** CPU utilization (0..1) at each interval boundary; CloudSim repeats the last value once more. */
  readonly utilization: Float64Array;
}

export type CloudSimPolicy =
  | { readonly kind: 'npa' }
  | { readonly kind: 'dvfs' }
  | { readonly kind: 'thr'; readonly threshold: number }
  | { readonly kind: 'iqr' | 'mad' | 'lr' | 'lrr'; readonly safety: number };

export interface CloudSimConfig {
  readonly hosts: readonly CloudSimHostSpec[];
  readonly vms: readonly CloudSimVmSpec[];
  readonly policy: CloudSimPolicy;
  /** The scheduling interval, s (CloudSim: 300). */
  readonly intervalSeconds: number;
}

export class CsVm {
  host: CsHost | undefined = undefined;
  alive = true;
  inMigration = false;
  /** Being created (CloudSim's `isBeingInstantiated`): asks for all its MIPS, RAM and bandwidth. */
  instantiating = false;
  /** Requested MIPS now. */
  req = 0;
  /** The request the host's CPU scheduler last allocated for. */
  schedReq = 0;
  /** Utilization samples (at most 30), in a ring: `historyAt(0)` is the newest. */
  private readonly samples = new Float64Array(VM_HISTORY_LENGTH);
  private newest = 0;
  historyLength = 0;
  /** When the last sample was taken (PowerVm's `previousTime`). */
  historyTime = 0;
  /** The MIPS it asks at 100 % (`mips × pes`). */
  readonly fullMips: number;
  /** CloudSim's VM state history (the flag: migrating out), folded into the sums below as it is written. */
  readonly stateHistory: StateHistory = new StateHistory(this);
  totalAllocated = 0;
  totalRequested = 0;
  underAllocatedDueToMigration = 0;
  violationSum = 0;
  violations = 0;

  constructor(
    readonly id: number,
    readonly spec: CloudSimVmSpec,
  ) {
    this.fullMips = spec.mips * spec.pes;
    settleFields(this, ['req', 'schedReq', 'historyTime', 'totalAllocated', 'totalRequested', 'underAllocatedDueToMigration', 'violationSum']);
  }

  /** The `i`th newest utilization sample (0: the newest). */
  historyAt(i: number): number {
    return this.samples[(this.newest + i) % VM_HISTORY_LENGTH];
  }

  /** PowerVm's sample of its utilization at `t` (the oldest beyond 30 dropped). */
  sample(t: number): void {
    this.newest = (this.newest + VM_HISTORY_LENGTH - 1) % VM_HISTORY_LENGTH;
    this.samples[this.newest] = this.req / this.fullMips;
    if (this.historyLength < VM_HISTORY_LENGTH) this.historyLength++;
    this.historyTime = t;
  }

  /** `Helper.getSlaMetrics`, one entry at a time: MIPS-seconds requested and given, and given short while migrating. */
  settled(h: StateHistory): void {
    if (!h.hasLast) return;
    const dt = h.time - h.lastTime;
    const allocated = h.lastAllocated;
    const requested = h.lastRequested;
    this.totalAllocated += allocated * dt;
    this.totalRequested += requested * dt;
    if (allocated < requested) {
      this.violationSum += (requested - allocated) / requested;
      this.violations++;
      if (h.lastFlag) this.underAllocatedDueToMigration += (requested - allocated) * dt;
    }
  }
}

/** What a state history is folded into: `settled(h)` sees each entry once it is final (`h.time`, …), with the one before it (`h.lastTime`, …, if `h.hasLast`). */
export interface HistoryFold {
  settled(h: StateHistory): void;
}

/**
 * A state history as CloudSim keeps one (an entry per update; a later entry at the same time
 * replaces it), folded as it is written instead of kept. An entry is a time (s), the MIPS given
 * and asked, and a flag (a host: active; a VM: migrating out); only two are held, in fields: the
 * newest (`pending` until an entry at a later time comes) and the last final one.
 */
export class StateHistory {
  /** The newest entry's time (NaN before the first). */
  time = Number.NaN;
  allocated = 0;
  requested = 0;
  flag = false;
  pending = false;
  lastTime = 0;
  lastAllocated = 0;
  lastRequested = 0;
  lastFlag = false;
  hasLast = false;

  constructor(private readonly owner: HistoryFold) {
    settleFields(this, ['time', 'allocated', 'requested', 'lastTime', 'lastAllocated', 'lastRequested']);
  }

  /** Whether the newest entry, final or not, is (`allocated`, `requested`, `flag`). */
  latestIs(allocated: number, requested: number, flag: boolean): boolean {
    if (this.pending) return this.allocated === allocated && this.requested === requested && this.flag === flag;
    return this.hasLast && this.lastAllocated === allocated && this.lastRequested === requested && this.lastFlag === flag;
  }

  add(time: number, allocated: number, requested: number, flag: boolean): void {
    // (settle checks `pending`: this way the first entries already run the call, and V8's code for it is not thrown away at the second)
    if (this.time !== time) this.settle();
    this.time = time;
    this.allocated = allocated;
    this.requested = requested;
    this.flag = flag;
    this.pending = true;
  }

  /** Makes the newest entry final (at the end of the run). */
  close(): void {
    this.settle();
  }

  private settle(): void {
    if (!this.pending) return;
    this.owner.settled(this);
    this.lastTime = this.time;
    this.lastAllocated = this.allocated;
    this.lastRequested = this.requested;
    this.lastFlag = this.flag;
    this.hasLast = true;
    this.pending = false;
  }
}

/** Per host: its energy, and what is folded from its state history, by bucket for the series. */
export interface HostSink {
  /** The energy drawn over [from, to) s. */
  energy(host: CsHost, from: number, to: number, joules: number): void;
  /** A span [from, to) of this host's state: active or not, at `allocatedMips`. */
  span(host: CsHost, from: number, to: number, active: boolean, allocatedMips: number): void;
}

export class CsHost {
  readonly totalMips: number;
  readonly mipsPerPe: number;
  /** Guests in CloudSim's list order (VMs migrating in included). */
  readonly guests = objects<CsVm>();
  /** The guests migrating in (CloudSim's set; seldom more than one). A VM may migrate in to two hosts at once. */
  readonly incoming = objects<CsVm>();
  /**
   * MIPS allocated to `guests[i]` by the CPU scheduler (an array of doubles from the start, grown by
   * push: see settleFields). Never cut to the guests' number: entries past it are left over, as
   * `length = 0` would free the storage, allocated again at the next guest (hosts empty and fill
   * at every placement tried).
   */
  alloc: number[] = doubles(0);
  availableMips: number;
  /** CloudSim's `getUtilizationOfCpuMips`: allocations, with a migrating-in VM counted at its full share. */
  allocatedForPlacement = 0;
  /** Σ of the guests' requested MIPS, in list order. */
  requestedMips = 0;
  /** MIPS in use at the last update, and that as a utilization (0..1, `utilizationOf`). */
  utilizationMips = 0;
  utilization = 0;
  previousUtilizationMips = 0;
  ramFreeMiB: number;
  bwFreeKbps: number;
  freePes: number;
  /** CloudSim's host state history (the flag: active), folded into the figures below as it is written. */
  readonly stateHistory: StateHistory = new StateHistory(this);
  private shutdownActive = true;
  lastSwitchedOn = 0;
  activeSeconds = 0;
  violationSeconds = 0;
  shutdowns = 0;
  secondsBeforeShutdown = 0;
  energyJoules = 0;
  /** The last power `wattsAtMips` computed, and for what (the power at one update's utilization is asked again at the next). */
  private wattsMips = Number.NaN;
  wattsThen = 0;
  /** Changed since its last update: its guests, or their shares, or a guest's migration (started, ended). */
  stale = true;
  /** Idle at its last update (no guests, no utilization). */
  idle = false;

  /** Idle at its last update and unchanged since: an update would change nothing. */
  get quiet(): boolean {
    const idle = this.idle; // (both read every time: V8 optimizes this early, and throws away code at a field it never read)
    const unchanged = !this.stale;
    return idle && unchanged;
  }
  /** Set while the data centre's allocation policy leaves this host out (a round's number; see CloudSimDatacenter). */
  excludedIn = 0;
  notUnderloadedIn = 0;
  /** The allocation policy's last optimization that found this host overloaded (CloudSimDatacenter's `optimizations`). */
  overloadedIn = 0;
  /** Among the idle hosts placement may take (idle when the candidates were last listed). */
  idleCandidate = false;
  /**
   * Its guests (less those migrating in) before the optimization `savedIn` changed them: the first
   * `savedCount` (a kept array, overwritten each time: see CloudSimDatacenter.refreshCandidates).
   */
  readonly saved = objects<CsVm>();
  savedCount = 0;
  savedIn = 0;
  /** To be updated once the migrations of this interval have started. */
  arrivalQueued = false;

  constructor(
    readonly id: number,
    readonly spec: CloudSimHostSpec,
  ) {
    checkPowerCurve(spec.powerCurve);
    this.mipsPerPe = spec.mipsPerPe;
    this.totalMips = spec.pes * spec.mipsPerPe;
    this.availableMips = this.totalMips;
    this.ramFreeMiB = spec.ramMiB;
    this.bwFreeKbps = spec.bwKbps;
    this.freePes = spec.pes;
    settleFields(this, [
      'availableMips', 'allocatedForPlacement', 'requestedMips', 'utilizationMips', 'utilization', 'previousUtilizationMips', 'activeSeconds', 'violationSeconds',
      'secondsBeforeShutdown', 'energyJoules', 'lastSwitchedOn', 'wattsThen',
    ]);
  }

  /** Utilization 0..1 from MIPS, as `HostDynamicWorkload` clamps it (just above 1 is 1). */
  utilizationOf(mips: number): number {
    const u = mips / this.totalMips;
    return u > 1 && u < 1.01 ? 1 : u;
  }

  watts(utilization: number): number {
    return specPowerWatts(this.spec.powerCurve, utilization);
  }

  /** Watts with `mips` in use (`watts(utilizationOf(mips))`), the last answer kept. */
  wattsAtMips(mips: number): number {
    if (mips !== this.wattsMips) {
      this.wattsThen = this.watts(this.utilizationOf(mips));
      this.wattsMips = mips;
    }
    return this.wattsThen;
  }

  /** Whether `vm` is a guest migrating in. */
  isIncoming(vm: CsVm): boolean {
    return this.incoming.length !== 0 && this.incoming.includes(vm);
  }

  /**
   * The CPU scheduler's shares for the guests' last requests (`VmSchedulerTimeSharedOverSubscription`):
   * each VM's request capped at one core per PE; if they do not all fit, every share is scaled
   * to the host's MIPS and floored. Also refreshes the sums placement reads.
   */
  reallocate(): void {
    this.guestsHistory = undefined;
    this.stale = true;
    const peMips = this.mipsPerPe;
    const guests = this.guests;
    const n = guests.length;
    const alloc = this.alloc;
    while (alloc.length < n) alloc.push(0);
    const anyIncoming = this.incoming.length !== 0;
    let available = this.totalMips;
    let over = false;
    let requested = 0;
    for (let i = 0; i < n; i++) {
      const g = guests[i];
      requested += g.req;
      const capped = capRequest(g, peMips);
      const incoming = anyIncoming && this.incoming.includes(g);
      const weight = incoming ? capped * MIGRATING_IN_SHARE : capped;
      if (!over && available >= weight) {
        alloc[i] = incoming ? capped * MIGRATING_IN_SHARE : g.inMigration ? capped * MIGRATING_OUT_SHARE : capped;
        available -= weight;
      } else if (!(over && weight <= 0)) over = true;
      else alloc[i] = 0;
    }
    if (over) {
      let required = 0;
      for (let i = 0; i < n; i++) {
        const g = guests[i];
        const capped = capRequest(g, peMips);
        required += this.isIncoming(g) ? capped * MIGRATING_IN_SHARE : capped;
      }
      const scale = this.totalMips / required;
      for (let i = 0; i < n; i++) {
        const g = guests[i];
        const pes = g.spec.pes;
        const perPe = Math.min(g.schedReq / pes, peMips);
        const incoming = this.isIncoming(g);
        let share = 0;
        for (let p = 0; p < pes; p++) {
          let mips = perPe;
          if (incoming) mips = mips * MIGRATING_IN_SHARE * scale;
          else if (g.inMigration) mips = mips * scale * MIGRATING_OUT_SHARE;
          else mips = mips * scale;
          share += Math.floor(mips);
        }
        alloc[i] = share;
      }
      available = 0;
    }
    this.availableMips = available;
    let forPlacement = 0;
    for (let i = 0; i < n; i++) {
      if (anyIncoming && this.incoming.includes(guests[i])) forPlacement += (alloc[i] * 0.9) / 0.1;
      forPlacement += alloc[i];
    }
    this.allocatedForPlacement = forPlacement;
    this.requestedMips = requested;
  }

  /** `Host.isSuitableForGuest`: one core holds the VM's per-PE request, the free MIPS its total (RAM and bandwidth count only while it is created). */
  suits(vm: CsVm, perPe = vm.req / vm.spec.pes): boolean {
    if (this.mipsPerPe < perPe || this.availableMips < vm.req) return false;
    return !vm.instantiating || (this.ramFreeMiB >= vm.spec.ramMiB && this.bwFreeKbps >= vm.spec.bwKbps);
  }

  /** `guestCreate`: the VM joins the list (last) and the scheduler allocates its current request. */
  add(vm: CsVm): void {
    this.join(vm);
    this.reallocate();
  }

  private join(vm: CsVm): void {
    vm.schedReq = vm.req;
    this.guests.push(vm);
    if (vm.instantiating) {
      this.ramFreeMiB -= vm.spec.ramMiB;
      this.bwFreeKbps -= vm.spec.bwKbps;
    }
  }

  remove(vm: CsVm): void {
    const i = this.guests.indexOf(vm);
    if (i < 0) return;
    removeAt(this.guests, i);
    this.reallocate();
  }

  /** A migration to here starts: the VM joins the list, migrating in (the host is to be updated, which re-allocates). */
  startIncoming(vm: CsVm): void {
    this.incoming.push(vm);
    this.join(vm);
    this.stale = true;
  }

  /**
   * The VM that migrated in is created again (CloudSim destroys it and creates it anew): last in the
   * list, as `remove` then `add` leave it, the shares re-allocated at the host's next update.
   */
  recreate(vm: CsVm): void {
    const i = this.guests.indexOf(vm);
    if (i >= 0) removeAt(this.guests, i);
    this.join(vm);
    this.guestsChanged();
  }

  /**
   * A VM whose migration out ended leaves the list. The shares are re-allocated at the host's next
   * update, which comes before anything reads them (it is stale); at once if the list is empty
   * (an empty host's update does not re-allocate).
   */
  leave(vm: CsVm): void {
    const i = this.guests.indexOf(vm);
    if (i < 0) return;
    removeAt(this.guests, i);
    if (this.guests.length === 0) this.reallocate();
    else this.guestsChanged();
  }

  private guestsChanged(): void {
    this.guestsHistory = undefined;
    this.stale = true;
  }

  /** A migration to here ends: the VM is no longer migrating in (it stays a guest). */
  endIncoming(vm: CsVm): void {
    const i = this.incoming.indexOf(vm);
    if (i < 0) return;
    removeAt(this.incoming, i);
    this.stale = true;
  }

  /**
   * `HostDynamicWorkload.updateCloudletsProcessing` at `t`: shares re-allocated to the current
   * requests, utilization and state histories recorded; then, unless `meterFrom` is NaN, the energy
   * since `meterFrom` metered (the trapezoid of the power at the last two utilizations, none when
   * the host was off). One method for all of it: V8 compiles it once, not into each of its callers.
   */
  update(t: number, interval: number, meterFrom: number): void {
    const guests = this.guests;
    const n = guests.length;
    if (n === 0 && this.utilizationMips === 0) {
      // Idle and staying idle: the same state again (an entry that changes nothing is not kept; spans are split by bucket anyway).
      if (this.quiet) return; // as below, again: nothing to change
      this.previousUtilizationMips = 0;
      if (!this.stateHistory.latestIs(0, 0, false)) this.stateHistory.add(t, 0, 0, false);
      this.stale = false;
      this.idle = true;
      return;
    }
    this.idle = false;
    for (let i = 0; i < n; i++) {
      const g = guests[i];
      g.schedReq = g.req;
      // PowerVm: a sample when a whole interval has passed since the last one (compared in floating point, as CloudSim does).
      if (t - g.historyTime >= interval) g.sample(t);
    }
    this.reallocate();
    this.previousUtilizationMips = this.utilizationMips;
    const alloc = this.alloc;
    let utilization = 0;
    let requested = 0;
    for (let i = 0; i < n; i++) {
      const g = guests[i];
      let allocated = alloc[i];
      if (!this.isIncoming(g)) {
        g.stateHistory.add(t, allocated, g.req, g.inMigration);
        if (g.inMigration) allocated /= MIGRATING_OUT_SHARE;
      }
      utilization += allocated;
      requested += g.req;
    }
    this.utilizationMips = utilization;
    this.utilization = this.utilizationOf(utilization);
    this.stateHistory.add(t, utilization, requested, utilization > 0);
    this.stale = false;
    const dt = t - meterFrom;
    if (dt > 0 && this.previousUtilizationMips !== 0 && this.utilizationOf(this.previousUtilizationMips) !== 0) {
      const p0 = this.wattsAtMips(this.previousUtilizationMips);
      const p1 = this.wattsAtMips(this.utilizationMips);
      this.meter(meterFrom, t, (p0 + (p1 - p0) / 2) * dt);
    }
  }

  meter(from: number, to: number, joules: number): void {
    this.energyJoules += joules;
    this.sink?.energy(this, from, to, joules);
  }

  /** The host's utilization history (newest first): its VMs' samples, in host MIPS, trailing zeros trimmed. */
  utilizationHistory(extra?: CsVm): number[] {
    // The guests' sum is kept until the guests or their samples change (`reallocate` follows both); `extra` is added last, as CloudSim lists it.
    if (!this.guestsHistory) {
      const sum = new Array<number>(VM_HISTORY_LENGTH).fill(0);
      for (const g of this.guests) addHistory(sum, g, this.totalMips);
      this.guestsHistory = sum;
    }
    const h = this.guestsHistory.slice();
    if (extra) addHistory(h, extra, this.totalMips);
    h.length = countNonZeroBeginning(h);
    return h;
  }

  private guestsHistory: number[] | undefined = undefined;

  /** Makes the last entry final; its span runs to `end` for the series (CloudSim's metrics stop at the last entry). */
  closeHistory(end: number): void {
    const h = this.stateHistory;
    h.close();
    if (h.hasLast && end > h.lastTime) this.sink?.span(this, h.lastTime, end, h.lastFlag, h.lastAllocated);
  }

  sink: HostSink | undefined = undefined;

  /** `Helper.getSlaTimePerActiveHost` and `getTimesBeforeHostShutdown`, one entry at a time. */
  settled(h: StateHistory): void {
    if (h.hasLast) {
      const dt = h.time - h.lastTime;
      if (h.lastFlag) {
        this.activeSeconds += dt;
        if (h.lastAllocated < h.lastRequested) this.violationSeconds += dt;
      }
      this.sink?.span(this, h.lastTime, h.time, h.lastFlag, h.lastAllocated);
    }
    if (this.shutdownActive && !h.flag) {
      this.shutdowns++;
      this.secondsBeforeShutdown += h.time - this.lastSwitchedOn;
    }
    if (!this.shutdownActive && h.flag) this.lastSwitchedOn = h.time;
    this.shutdownActive = h.flag;
  }
}

/** `list.splice(i, 1)`, without the array splice returns. */
function removeAt<T>(list: T[], i: number): void {
  for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j];
  list.pop();
}

function addHistory(sum: number[], vm: CsVm, hostMips: number): void {
  const scale = vm.spec.mips / hostMips;
  for (let i = 0; i < vm.historyLength; i++) sum[i] += vm.historyAt(i) * scale;
}

function capRequest(g: CsVm, peMips: number): number {
  const pes = g.spec.pes;
  const perPe = g.schedReq / pes;
  return perPe > peMips ? peMips * pes : g.schedReq;
}

/** Overload detection: a policy family behind one question (CloudSim's `isHostOverUtilized`). */
export interface OverloadDetector {
  /** Whether `host` (with `extra` added, if given) is overloaded now. */
  overloaded(host: CsHost, extra?: CsVm): boolean;
}

/** The guests' requests summed in list order (kept by `reallocate`), the extra VM last, as CloudSim adds them. */
const requestedWith = (host: CsHost, extra?: CsVm) => (extra ? host.requestedMips + extra.req : host.requestedMips);

/** THR: the requested MIPS over the host's MIPS above a static threshold. */
export class StaticThreshold implements OverloadDetector {
  constructor(readonly threshold: number) {}
  overloaded(host: CsHost, extra?: CsVm): boolean {
    return requestedWith(host, extra) / host.totalMips > this.threshold;
  }
}

/** CloudSim's history needs 12 samples before IQR or MAD are trusted; until then THR at 0.7. */
const ADAPTIVE_MIN_HISTORY = 12;
const FALLBACK = new StaticThreshold(0.7);

/** IQR and MAD: threshold 1 − s × spread of the host's utilization history. */
export class AdaptiveThreshold implements OverloadDetector {
  constructor(
    readonly spread: 'iqr' | 'mad',
    readonly safety: number,
  ) {}

  threshold(history: readonly number[]): number | undefined {
    if (countNonZeroBeginning(history) < ADAPTIVE_MIN_HISTORY) return undefined;
    return 1 - this.safety * (this.spread === 'iqr' ? iqr(history) : mad(history));
  }

  overloaded(host: CsHost, extra?: CsVm): boolean {
    const t = this.threshold(host.utilizationHistory(extra));
    if (t === undefined) return FALLBACK.overloaded(host, extra);
    return requestedWith(host, extra) / host.totalMips > t;
  }
}

/** LR and LRR: the last 10 samples regressed, extrapolated past the longest migration, times s, ≥ 1. */
export class LocalRegression implements OverloadDetector {
  static readonly LENGTH = 10;
  constructor(
    readonly robust: boolean,
    readonly safety: number,
    readonly intervalSeconds: number,
  ) {}

  /** The predicted utilization, or undefined when there are fewer than 10 samples. */
  predict(history: readonly number[], maxMigrationSeconds: number): number | undefined {
    const n = LocalRegression.LENGTH;
    if (history.length < n) return undefined;
    const chronological = Array.from({ length: n }, (_, i) => history[n - i - 1]);
    const [a, b] = this.robust ? robustLoessEstimates(chronological) : loessEstimates(chronological);
    const migrationIntervals = Math.ceil(maxMigrationSeconds / this.intervalSeconds);
    return (a + b * (n + migrationIntervals)) * this.safety;
  }

  overloaded(host: CsHost, extra?: CsVm): boolean {
    let maxRam = Number.NEGATIVE_INFINITY;
    for (const g of host.guests) maxRam = Math.max(maxRam, g.spec.ramMiB);
    if (extra) maxRam = Math.max(maxRam, extra.spec.ramMiB);
    const p = this.predict(host.utilizationHistory(extra), migrationSeconds(maxRam, host.spec.bwKbps));
    if (p === undefined) return FALLBACK.overloaded(host, extra);
    return p >= 1;
  }
}

/** Migration time, s: RAM ÷ half the bandwidth (CloudSim: `ram / (bw / (2 × 8000))`). */
export function migrationSeconds(ramMiB: number, bwKbps: number): number {
  return ramMiB / (bwKbps / (2 * 8000));
}

export function detectorFor(policy: CloudSimPolicy, intervalSeconds: number): OverloadDetector | undefined {
  switch (policy.kind) {
    case 'thr':
      return new StaticThreshold(policy.threshold);
    case 'iqr':
    case 'mad':
      return new AdaptiveThreshold(policy.kind, policy.safety);
    case 'lr':
    case 'lrr':
      return new LocalRegression(policy.kind === 'lrr', policy.safety, intervalSeconds);
    default:
      return undefined;
  }
}

export interface Migration {
  readonly vm: CsVm;
  readonly target: CsHost;
  /** Why: an overloaded host relieved, or an underloaded one emptied. */
  readonly reason: 'overload' | 'underload';
}

/** Hooks the driver uses to follow the run (series by bucket). */
export interface CloudSimObserver extends HostSink {
  migrationStarted(m: Migration, at: number, durationSeconds: number): void;
  vmDestroyed(vm: CsVm, at: number): void;
}

/**
 * The data centre: hosts, VMs, the allocation policy. `start()` places the VMs at time 0;
 * `interval(t)` is the scheduling event (update, optimize, start migrations) and returns the
 * migrations started with their durations; `completeMigration` ends one.
 */
export class CloudSimDatacenter {
  readonly hosts: CsHost[];
  readonly vms: CsVm[];
  readonly detector?: OverloadDetector;
  readonly interval: number;
  migrations = 0;
  vmsDestroyed = 0;
  lastProcessTime = 0;
  /** When the last update was (NaN: none yet). */
  private updatedAt = Number.NaN;
  /** The VMs not destroyed (as of `liveAt` destroyed): the others ask for nothing. */
  private readonly live: CsVm[];
  private liveAt = 0;
  /**
   * Placement's candidates, by id: every host that is not idle (no guests, no utilization). Idle
   * hosts of one type all answer placement alike, so only the first one of each type is asked.
   */
  private readonly busy = objects<CsHost>();
  private readonly idleByType: CsHost[][];
  /** How many idle hosts of each type `refreshCandidates` found (its count as it lists them). */
  private readonly idleCounts: Int32Array;
  /** Each host's type, by host id: an index into `idleByType`. */
  private readonly typeOf: readonly number[];
  /**
   * The allocation policy's round: a host whose `excludedIn` (`notUnderloadedIn`) equals it is
   * left out as a target (as an underloaded source) in this round.
   */
  private round = 0;
  /** How many times the allocation was optimized (`optimize`). */
  private optimizations = 0;
  /** The hosts this optimization changed (their allocations saved): the first `touchedCount`. */
  private readonly touched = objects<CsHost>();
  private touchedCount = 0;
  /** The migrations' targets and sources to update, in the order the migrations met them. */
  private readonly arriving = objects<CsHost>();
  /** (Counted as they come, `arriving` overwritten in place and cut to length once all are in: see refreshCandidates.) */
  private arrivingCount = 0;
  /** The hosts `emptyUnderloaded` may empty, least utilized first. */
  private readonly underloadCandidates = objects<CsHost>();
  /** An underloaded host's VMs to place, and in placement order. */
  private readonly scratch = objects<CsVm>();
  private readonly sorted = objects<CsVm>();
  /** Where `emptyUnderloaded` placed each of them. */
  private readonly targets = objects<CsHost>();
  /**
   * How many migrations in flight end at each time (s, as `intervalAt` computed it): the last of
   * them to complete updates the hosts, as CloudSim's data centre does once its clock has moved.
   */
  private readonly endingAt = new Map<number, number>();

  constructor(
    readonly config: CloudSimConfig,
    private readonly observer?: CloudSimObserver,
  ) {
    this.hosts = config.hosts.map((h, i) => new CsHost(i, h));
    const types = new Map<string, number>();
    this.typeOf = config.hosts.map((h) => {
      const k = types.get(h.type) ?? types.size;
      types.set(h.type, k);
      return k;
    });
    this.idleByType = Array.from({ length: types.size }, () => objects<CsHost>());
    this.idleCounts = new Int32Array(types.size);
    for (const h of this.hosts) h.sink = observer;
    this.vms = config.vms.map((v, i) => new CsVm(i, v));
    this.live = this.vms.slice();
    this.detector = detectorFor(config.policy, config.intervalSeconds);
    this.interval = config.intervalSeconds;
    settleFields(this, ['lastProcessTime']);
  }

  get migrationsEnabled(): boolean {
    return this.detector !== undefined;
  }

  /** Places every VM at time 0, in order, as it is created (asking for all of its MIPS, RAM and bandwidth). Returns the VMs that found no host. */
  start(): CsVm[] {
    this.refreshCandidates();
    const unplaced: CsVm[] = [];
    this.newRound();
    for (const vm of this.vms) {
      vm.instantiating = true;
      vm.req = vm.fullMips;
      const host = this.initialHost(vm);
      if (host) {
        this.markBusy(host);
        host.add(vm);
        host.freePes -= vm.spec.pes;
        vm.host = host;
      } else {
        vm.alive = false;
        unplaced.push(vm);
      }
      vm.instantiating = false;
      vm.req = 0; // created, no cloudlet yet: CloudSim's VM asks for nothing until the first update
    }
    return unplaced;
  }

  private initialHost(vm: CsVm): CsHost | undefined {
    const p = this.config.policy.kind;
    if (p === 'dvfs') return this.hosts.find((h) => h.suits(vm)); // VmAllocationPolicySimpler: first fit
    if (p === 'npa') {
      // VmAllocationPolicySimple: the host with the most free PEs (first on ties), retried while creation fails.
      const tried = new Set<CsHost>();
      while (tried.size < this.hosts.length) {
        let best: CsHost | undefined;
        for (const h of this.hosts) if (!tried.has(h) && (!best || h.freePes > best.freePes)) best = h;
        if (!best) return undefined;
        if (best.ramFreeMiB >= vm.spec.ramMiB && best.bwFreeKbps >= vm.spec.bwKbps) return best;
        tried.add(best);
      }
      return undefined;
    }
    return this.findHost(vm, true);
  }

  /** The scheduling event at `t` s: every host updated, energy metered, then (migration policies) the allocation optimized. */
  intervalAt(t: number): { migrations: Migration[]; durations: number[] } {
    this.update(t);
    if (!this.detector) return { migrations: [], durations: [] };
    const plan = this.optimize();
    const durations = doubles(0);
    for (let i = 0; i < plan.length; i++) {
      const duration = this.startMigration(plan[i], t);
      durations.push(duration);
      const end = t + duration;
      this.endingAt.set(end, (this.endingAt.get(end) ?? 0) + 1);
    }
    // CloudSim updates a migration's target and source as it starts each one. A host's inputs change
    // only when it is one of them, so updating each once, after all have started, in the order they
    // were first met, leaves every host, VM and series as those updates did.
    const arriving = this.arriving;
    arriving.length = this.arrivingCount;
    this.updateHosts(arriving, t, false, Number.NaN, false);
    for (let i = 0; i < arriving.length; i++) arriving[i].arrivalQueued = false;
    this.arrivingCount = 0;
    return { migrations: plan, durations };
  }

  /**
   * Ends a migration at `t`, the time `intervalAt` gave it (start + duration): its VM moves to the
   * target. Migrations that end at the same time are completed one after another (CloudSim: in the
   * order they started); the model counts them, and the last one updates the hosts.
   */
  completeMigration(m: Migration, t: number): void {
    const ending = this.endingAt.get(t);
    if (ending === undefined) throw new RangeError(`no migration in flight ends at ${t} s`);
    if (ending > 1) this.endingAt.set(t, ending - 1);
    else this.endingAt.delete(t);
    if (t > this.lastProcessTime) this.update(t);
    const vm = m.vm;
    // The source and the target re-share their CPU at the update below, before anything reads their shares.
    vm.host?.leave(vm);
    m.target.endIncoming(vm);
    vm.inMigration = false;
    m.target.recreate(vm);
    vm.host = m.target;
    if (ending > 1) return;
    // CloudSim updates every host again; a host not changed since its update at `t` would record the same state.
    if (t === this.updatedAt) this.updateAgain(t);
    else this.update(t);
  }

  /** Closes the histories at the end of the run (`end`, s). */
  finish(end: number): void {
    for (const h of this.hosts) h.closeHistory(end);
    for (const v of this.vms) v.stateHistory.close();
  }

  /** PowerDatacenter's update at `t`: hosts re-share CPU, energy of the span since the last update, VMs with no demand destroyed. */
  private update(t: number): void {
    const interval = this.interval;
    const at = tracePosition(t, interval);
    if (this.liveAt !== this.vmsDestroyed) this.dropDestroyed();
    const live = this.live;
    for (let i = 0; i < live.length; i++) {
      const vm = live[i];
      if (vm.alive && vm.host) vm.req = traceAt(vm.spec.utilization, at) * vm.spec.mips * vm.spec.pes;
    }
    const dt = t - this.lastProcessTime;
    const nonPowerAware = this.config.policy.kind === 'npa';
    if (nonPowerAware && dt > 0) {
      // PowerDatacenterNonPowerAware: every host at full power, always.
      for (const h of this.hosts) h.meter(this.lastProcessTime, t, h.watts(1) * dt);
    }
    this.updateHosts(this.hosts, t, false, nonPowerAware ? Number.NaN : this.lastProcessTime, true);
    this.lastProcessTime = t;
    this.updatedAt = t;
  }

  /**
   * The destroyed VMs leave `live`, compacted in place: `filter` would build a new array of the
   * thousand-odd VMs, grown push by push, at each update after a VM is destroyed.
   */
  private dropDestroyed(): void {
    const live = this.live;
    let n = 0;
    for (let i = 0; i < live.length; i++) if (live[i].alive) live[n++] = live[i];
    live.length = n;
    this.liveAt = this.vmsDestroyed;
  }

  /**
   * `update` again at the time of the last one: the VMs ask what they asked then and no time has
   * passed to meter, so only the hosts whose shares changed since their last update are updated.
   */
  private updateAgain(t: number): void {
    this.updateHosts(this.hosts, t, true, Number.NaN, true);
  }

  /**
   * Each host of `hosts` updated at `t` (or, `onlyStale`, each changed since its last update), then
   * metered since `meterFrom` (unless NaN), then, `destroyIdle`, its VMs that ask for nothing
   * destroyed. CloudSim does each for all hosts in turn, but a host's update, energy and VMs concern
   * no other host, so one pass does the same. Quiet hosts are skipped: off, they would stay so.
   */
  private updateHosts(hosts: readonly CsHost[], t: number, onlyStale: boolean, meterFrom: number, destroyIdle: boolean): void {
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i];
      if (h.quiet) continue;
      if (!onlyStale || h.stale) h.update(t, this.interval, meterFrom);
      if (destroyIdle && h.guests.length !== 0) this.destroyIdleVms(h, t);
    }
  }

  /** The host's VMs that ask for nothing (and are not migrating) are destroyed for the rest of the run. */
  private destroyIdleVms(h: CsHost, t: number): void {
    const guests = h.guests;
    let any = false;
    for (let i = 0; i < guests.length; i++) if (!guests[i].inMigration && guests[i].req === 0) any = true;
    if (!any) return;
    const idle = objects<CsVm>();
    for (let i = 0; i < guests.length; i++) if (!guests[i].inMigration && guests[i].req === 0) idle.push(guests[i]);
    for (let i = 0; i < idle.length; i++) {
      const g = idle[i];
      h.remove(g);
      g.host = undefined;
      g.alive = false;
      this.vmsDestroyed++;
      this.observer?.vmDestroyed(g, t);
    }
  }

  private startMigration(m: Migration, t: number): number {
    const { vm, target } = m;
    const source = vm.host!;
    vm.inMigration = true;
    source.stale = true;
    if (!target.isIncoming(vm)) {
      target.startIncoming(vm);
      this.queueArrival(target);
      this.queueArrival(source);
    }
    this.migrations++;
    const duration = migrationSeconds(vm.spec.ramMiB, target.spec.bwKbps);
    this.observer?.migrationStarted(m, t, duration);
    return duration;
  }

  private queueArrival(h: CsHost): void {
    if (h.arrivalQueued) return;
    h.arrivalQueued = true;
    this.arriving[this.arrivingCount++] = h;
  }

  /** `PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation`. */
  private optimize(): Migration[] {
    const detector = this.detector!;
    this.refreshCandidates();
    const overloaded = objects<CsHost>();
    const optimization = ++this.optimizations;
    for (let i = 0; i < this.busy.length; i++) {
      const h = this.busy[i];
      if (!detector.overloaded(h)) continue;
      h.overloadedIn = optimization;
      overloaded.push(h);
    }
    const toMigrate = objects<CsVm>();
    for (let i = 0; i < overloaded.length; i++) {
      const h = overloaded[i];
      for (;;) {
        const vm = minimumMigrationTime(h);
        if (!vm) break;
        toMigrate.push(vm);
        this.touch(h);
        h.remove(vm);
        if (!detector.overloaded(h)) break;
      }
    }
    const plan = objects<Migration>();
    this.newRound();
    for (let i = 0; i < overloaded.length; i++) this.exclude(overloaded[i]);
    const ordered = byUtilizationDescending(toMigrate, objects());
    for (let i = 0; i < ordered.length; i++) {
      const vm = ordered[i];
      const target = this.findHost(vm, true);
      if (!target) continue;
      this.markBusy(target);
      this.touch(target);
      target.add(vm);
      plan.push({ vm, target, reason: 'overload' });
    }
    this.emptyUnderloaded(plan);
    // restoreAllocation: the hosts as they were (migrations start from there): the guests migrating
    // in (in their order), then those saved. In place, as the lists below are kept: see refreshCandidates.
    const touched = this.touched;
    for (let i = 0; i < this.touchedCount; i++) {
      const h = touched[i];
      const guests = h.guests;
      let n = 0;
      if (h.incoming.length !== 0) for (let j = 0; j < guests.length; j++) if (h.isIncoming(guests[j])) guests[n++] = guests[j];
      for (let j = 0; j < h.savedCount; j++) guests[n++] = h.saved[j];
      guests.length = n;
      for (let j = 0; j < n; j++) guests[j].schedReq = guests[j].req;
      h.reallocate();
    }
    this.touchedCount = 0;
    return plan;
  }

  /** saveAllocation, for a host the optimization changes: its guests (less those migrating in) as they were. */
  private touch(h: CsHost): void {
    if (h.savedIn === this.optimizations) return;
    h.savedIn = this.optimizations;
    const saved = h.saved;
    const guests = h.guests;
    let n = 0;
    for (let i = 0; i < guests.length; i++) if (!h.isIncoming(guests[i])) saved[n++] = guests[i];
    h.savedCount = n;
    this.touched[this.touchedCount++] = h;
  }

  /** `getMigrationMapFromUnderUtilizedHosts`: the least utilized host emptied if all its VMs fit elsewhere, repeatedly (added to `plan`). */
  private emptyUnderloaded(plan: Migration[]): void {
    // Neither targets nor sources: the overloaded hosts and those off (idle hosts have no utilization, so they are among these).
    // (One loop for both: a loop over the overloaded hosts alone has run no iteration when V8 first optimizes this.)
    const round = this.newRound();
    const optimization = this.optimizations;
    for (let i = 0; i < this.hosts.length; i++) {
      const h = this.hosts[i];
      if (h.utilization !== 0 && h.overloadedIn !== optimization) continue;
      this.exclude(h);
      h.notUnderloadedIn = round;
    }
    // The candidates, least utilized first (ties by id, as a scan by id finds them): utilizations do not change while the policy runs.
    const candidates = this.underloadCandidates; // (overwritten in place: see refreshCandidates)
    let count = 0;
    for (let i = 0; i < this.busy.length; i++) {
      const h = this.busy[i];
      if (h.utilization > 0 && h.utilization < 1) candidates[count++] = h;
    }
    candidates.length = count;
    candidates.sort(byUtilizationThenId);
    let next = 0;
    for (;;) {
      const host = this.underloadedHost(candidates, next, round);
      if (!host) break;
      while (next < candidates.length && candidates[next].notUnderloadedIn === round) next++;
      host.notUnderloadedIn = round;
      this.exclude(host);
      // The host's VMs, and where each went (kept arrays, overwritten in place: see refreshCandidates).
      const vms = this.scratch;
      let n = 0;
      for (let i = 0; i < host.guests.length; i++) if (!host.guests[i].inMigration) vms[n++] = host.guests[i];
      if (n === 0) continue;
      vms.length = n;
      const ordered = byUtilizationDescending(vms, this.sorted);
      const targets = this.targets;
      let placed = 0;
      for (; placed < n; placed++) {
        const vm = ordered[placed];
        const target = this.findHost(vm, false);
        if (!target) break;
        this.markBusy(target);
        this.touch(target);
        target.add(vm);
        targets[placed] = target;
      }
      if (placed < n) {
        for (let j = 0; j < placed; j++) targets[j].remove(ordered[j]);
        continue;
      }
      for (let i = 0; i < n; i++) {
        targets[i].notUnderloadedIn = round;
        plan.push({ vm: ordered[i], target: targets[i], reason: 'underload' });
      }
    }
  }

  /** The least utilized of the candidates (from `from` on) not left out in this round, unless all its VMs migrate out or one migrates in. */
  private underloadedHost(candidates: readonly CsHost[], from: number, round: number): CsHost | undefined {
    for (let i = from; i < candidates.length; i++) {
      const h = candidates[i];
      if (h.notUnderloadedIn !== round && !allMigratingOutOrAnyIn(h)) return h;
    }
    return undefined;
  }

  /**
   * Power-aware best fit (`findHostForGuest`): among the hosts that suit the VM, are not excluded
   * in this round and would not be overloaded with it (an idle host always may take it), the one
   * whose power grows least.
   */
  findHost(vm: CsVm, idleAllowed: boolean): CsHost | undefined {
    let minPower = Number.MAX_VALUE;
    let best: CsHost | undefined;
    const round = this.round;
    const firstIdle = idleAllowed ? this.firstIdleHosts() : NO_HOSTS;
    const busy = this.busy;
    const req = vm.req;
    const perPe = req / vm.spec.pes;
    for (let i = 0, j = 0; i < busy.length || j < firstIdle.length; ) {
      const h = j >= firstIdle.length || (i < busy.length && busy[i].id < firstIdle[j].id) ? busy[i++] : firstIdle[j++];
      if (h.excludedIn === round || !h.suits(vm, perPe)) continue;
      if (h.allocatedForPlacement !== 0 && this.overloadedWith(h, vm)) continue;
      const after = (h.allocatedForPlacement + req) / h.totalMips;
      if (after > 1) continue; // CloudSim's power model refuses it (its run would stop); suitability keeps it from happening
      const diff = h.watts(after) - h.wattsAtMips(h.utilizationMips);
      if (diff < minPower) {
        minPower = diff;
        best = h;
      }
    }
    return best;
  }

  /** The first idle host of each type that is not excluded in this round, by id (kept until a host stops being idle). */
  private firstIdleHosts(): readonly CsHost[] {
    const round = this.round;
    const kept = this.firstIdle;
    // The last list is checked even when it is known to be stale (a few hosts): V8 optimizes this
    // early, and code it never ran before would be thrown away (and compiled again) at first use.
    let valid = this.firstIdleValid;
    for (let i = 0; i < kept.length; i++) if (!isIdle(kept[i]) || kept[i].excludedIn === round) valid = false;
    if (valid) return kept;
    const first = objects<CsHost>();
    const idleByType = this.idleByType;
    for (let k = 0; k < idleByType.length; k++) {
      const idle = idleByType[k];
      for (let i = 0; i < idle.length; i++) {
        const h = idle[i];
        if (!isIdle(h) || h.excludedIn === round) continue;
        // By id (a type's idle hosts are): a few types, so an insertion.
        let j = first.length;
        first.push(h);
        while (j > 0 && first[j - 1].id > h.id) {
          first[j] = first[j - 1];
          j--;
        }
        first[j] = h;
        break;
      }
    }
    this.firstIdle = first;
    // Kept only when no idle host (of the candidates) is excluded: then it does not depend on the round.
    this.firstIdleValid = this.idleExcludedIn !== round;
    return first;
  }

  /** Leaves `h` out of this round's placement. */
  private exclude(h: CsHost): void {
    if (h.excludedIn === this.round) return;
    h.excludedIn = this.round;
    // An excluded host takes no guest and loses none in its round: idle now, idle until the round ends.
    if (h.idleCandidate && isIdle(h)) this.idleExcludedIn = this.round;
  }

  /** Starts a round of placement with no host excluded. */
  private newRound(): number {
    return ++this.round;
  }

  /** The idle hosts `firstIdleHosts` listed last, and whether that list still holds. */
  private firstIdle = objects<CsHost>();
  private firstIdleValid = false;
  /** The last round that excluded an idle candidate. */
  private idleExcludedIn = 0;

  /**
   * Lists the candidates again: the busy hosts and each type's idle hosts, by id. The lists are
   * overwritten in place and cut to length last: `length = 0` frees a V8 array's storage, and the
   * pushes after it allocate it again, growing it step by step (hundreds of hosts, every interval).
   */
  private refreshCandidates(): void {
    this.firstIdleValid = false;
    const busy = this.busy;
    const idleByType = this.idleByType;
    const idleCounts = this.idleCounts;
    let busyCount = 0;
    idleCounts.fill(0);
    for (let i = 0; i < this.hosts.length; i++) {
      const h = this.hosts[i];
      h.idleCandidate = isIdle(h);
      if (!h.idleCandidate) {
        busy[busyCount++] = h;
        continue;
      }
      const k = this.typeOf[i];
      idleByType[k][idleCounts[k]++] = h;
    }
    busy.length = busyCount;
    for (let k = 0; k < idleByType.length; k++) idleByType[k].length = idleCounts[k];
  }

  /** A host about to take a guest joins the candidates (kept in id order). */
  private markBusy(h: CsHost): void {
    if (!isIdle(h)) return;
    this.firstIdleValid = false;
    const busy = this.busy;
    let lo = 0;
    let hi = busy.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (busy[mid].id < h.id) lo = mid + 1;
      else hi = mid;
    }
    if (busy[lo] === h) return;
    busy.push(h);
    for (let i = busy.length - 1; i > lo; i--) busy[i] = busy[i - 1];
    busy[lo] = h;
  }

  private overloadedWith(h: CsHost, vm: CsVm): boolean {
    if (!this.detector) return false;
    if (vm.instantiating && (h.ramFreeMiB < vm.spec.ramMiB || h.bwFreeKbps < vm.spec.bwKbps)) return true; // creation would fail
    return this.detector.overloaded(h, vm);
  }
}

const NO_HOSTS: readonly CsHost[] = objects<CsHost>(); // of the kind the idle hosts listed are

/** MMT: the VM with the least RAM (first in the host's list on ties), not already migrating. */
export function minimumMigrationTime(h: CsHost): CsVm | undefined {
  let best: CsVm | undefined;
  let min = Number.MAX_VALUE;
  const guests = h.guests;
  for (let i = 0; i < guests.length; i++) {
    const g = guests[i];
    if (g.inMigration) continue;
    if (g.spec.ramMiB < min) {
      min = g.spec.ramMiB;
      best = g;
    }
  }
  return best;
}

/** VMs by requested MIPS, highest first; equal ones keep their order (Java's stable sort). */
function byUtilizationDescending(vms: readonly CsVm[], out: CsVm[]): CsVm[] {
  // Insertion sort: stable, and these lists are short. `out` is overwritten in place and cut to
  // length last (`length = 0` would free its storage, to be allocated again: see refreshCandidates).
  for (let k = 0; k < vms.length; k++) {
    const vm = vms[k];
    let i = k;
    while (i > 0 && out[i - 1].req < vm.req) {
      out[i] = out[i - 1];
      i--;
    }
    out[i] = vm;
  }
  out.length = vms.length;
  return out;
}

/** (Answers small integers: a difference of utilizations is a double, which V8 boxes to return it to the sort, at every comparison.) */
const byUtilizationThenId = (a: CsHost, b: CsHost) => (a.utilization < b.utilization ? -1 : a.utilization > b.utilization ? 1 : a.id - b.id);

function isIdle(h: CsHost): boolean {
  return h.guests.length === 0 && h.utilizationMips === 0 && h.allocatedForPlacement === 0;
}

function allMigratingOutOrAnyIn(h: CsHost): boolean {
  const guests = h.guests;
  for (let i = 0; i < guests.length; i++) {
    const g = guests[i];
    if (!g.inMigration) return false;
    if (h.isIncoming(g)) return true;
  }
  return true;
}

/** SLA and energy figures as CloudSim's `Helper.printResults` computes them. */
export interface CloudSimMetrics {
  readonly energyKWh: number;
  readonly migrations: number;
  /** SLA violation Time per Active Host: the share of hosts' active time with requests above allocations. */
  readonly slatah: number;
  /** Performance Degradation due to Migrations: MIPS requested but not allocated during migrations ÷ MIPS requested. */
  readonly pdm: number;
  readonly slav: number;
  readonly overallSlaViolation: number;
  readonly averageSlaViolation: number;
  readonly hostShutdowns: number;
  readonly meanTimeBeforeHostShutdownSeconds: number;
  readonly vmsDestroyed: number;
}

export function metricsOf(dc: CloudSimDatacenter): CloudSimMetrics {
  let joules = 0;
  let active = 0;
  let violation = 0;
  let shutdowns = 0;
  let beforeShutdown = 0;
  for (const h of dc.hosts) {
    joules += h.energyJoules;
    active += h.activeSeconds;
    violation += h.violationSeconds;
    shutdowns += h.shutdowns;
    beforeShutdown += h.secondsBeforeShutdown;
  }
  let allocated = 0;
  let requested = 0;
  let underMigration = 0;
  let violationSum = 0;
  let violations = 0;
  for (const v of dc.vms) {
    allocated += v.totalAllocated;
    requested += v.totalRequested;
    underMigration += v.underAllocatedDueToMigration;
    violationSum += v.violationSum;
    violations += v.violations;
  }
  const slatah = active > 0 ? violation / active : 0;
  const pdm = requested > 0 ? underMigration / requested : 0;
  return {
    energyKWh: joules / (3600 * 1000),
    migrations: dc.migrations,
    slatah,
    pdm,
    slav: slatah * pdm,
    overallSlaViolation: requested > 0 ? (requested - allocated) / requested : 0,
    averageSlaViolation: violations > 0 ? violationSum / violations : 0,
    hostShutdowns: shutdowns,
    meanTimeBeforeHostShutdownSeconds: shutdowns > 0 ? beforeShutdown / shutdowns : 0,
    vmsDestroyed: dc.vmsDestroyed,
  };
}
