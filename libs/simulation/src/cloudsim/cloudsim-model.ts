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
  if (utilization % 0.1 === 0) return curve[Math.trunc(utilization * 10)];
  const u1 = Math.floor(utilization * 10);
  const u2 = Math.ceil(utilization * 10);
  const delta = (curve[u2] - curve[u1]) / 10;
  return curve[u1] + delta * (utilization - u1 / 10) * 100;
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
  host: CsHost | undefined;
  alive = true;
  inMigration = false;
  /** Being created (CloudSim's `isBeingInstantiated`): asks for all its MIPS, RAM and bandwidth. */
  instantiating = false;
  /** Requested MIPS now. */
  req = 0;
  /** The request the host's CPU scheduler last allocated for. */
  schedReq = 0;
  /** Utilization samples, newest first (at most 30). */
  readonly history: number[] = [];
  /** When the last sample was taken (PowerVm's `previousTime`). */
  historyTime = 0;
  /** CloudSim's VM state history (the flag: migrating out), folded into the sums below as it is written. */
  readonly stateHistory = new StateHistory((previous, entry) => this.fold(previous, entry));
  totalAllocated = 0;
  totalRequested = 0;
  underAllocatedDueToMigration = 0;
  violationSum = 0;
  violations = 0;

  constructor(
    readonly id: number,
    readonly spec: CloudSimVmSpec,
  ) {}

  /** Requested MIPS at `t` s: the trace interpolated linearly between interval samples (UtilizationModelPlanetLabInMemory). */
  utilizationAt(t: number, interval: number): number {
    const u = this.spec.utilization;
    if (t % interval === 0) return u[t / interval];
    const t1 = Math.floor(t / interval);
    const t2 = Math.ceil(t / interval);
    const delta = (u[t2] - u[t1]) / ((t2 - t1) * interval);
    return u[t1] + delta * (t - t1 * interval);
  }

  /** `Helper.getSlaMetrics`, one entry at a time: MIPS-seconds requested and given, and given short while migrating. */
  private fold(previous: HistoryEntry | undefined, entry: HistoryEntry): void {
    if (!previous) return;
    const dt = entry.time - previous.time;
    this.totalAllocated += previous.allocated * dt;
    this.totalRequested += previous.requested * dt;
    if (previous.allocated < previous.requested) {
      this.violationSum += (previous.requested - previous.allocated) / previous.requested;
      this.violations++;
      if (previous.flag) this.underAllocatedDueToMigration += (previous.requested - previous.allocated) * dt;
    }
  }
}

/** One state-history entry: time (s), MIPS given and asked, and a flag (a host: active; a VM: migrating out). */
export interface HistoryEntry {
  time: number;
  allocated: number;
  requested: number;
  flag: boolean;
}

/**
 * A state history as CloudSim keeps one (an entry per update; a later entry at the same time
 * replaces it), folded as it is written instead of kept: `fold(previous, entry)` sees each entry
 * once it is final, with the one before it.
 */
export class StateHistory {
  private readonly entries: [HistoryEntry, HistoryEntry] = [
    { time: 0, allocated: 0, requested: 0, flag: false },
    { time: 0, allocated: 0, requested: 0, flag: false },
  ];
  private hasPending = false;
  private hasLast = false;

  constructor(private readonly fold: (previous: HistoryEntry | undefined, entry: HistoryEntry) => void) {}

  /** The newest entry, final or not. */
  get latest(): HistoryEntry | undefined {
    return this.hasPending ? this.entries[0] : this.hasLast ? this.entries[1] : undefined;
  }

  /** The newest final entry. */
  get last(): HistoryEntry | undefined {
    return this.hasLast ? this.entries[1] : undefined;
  }

  add(time: number, allocated: number, requested: number, flag: boolean): void {
    const p = this.entries[0];
    if (this.hasPending && p.time !== time) this.settle();
    const e = this.entries[0];
    e.time = time;
    e.allocated = allocated;
    e.requested = requested;
    e.flag = flag;
    this.hasPending = true;
  }

  /** Makes the newest entry final (at the end of the run). */
  close(): void {
    if (this.hasPending) this.settle();
  }

  private settle(): void {
    const [pending, last] = this.entries;
    this.fold(this.hasLast ? last : undefined, pending);
    this.entries[0] = last;
    this.entries[1] = pending;
    this.hasLast = true;
    this.hasPending = false;
  }
}

/** Per host: what is folded from its state history, by bucket for the series. */
export interface HostSpanSink {
  /** A span [from, to) of this host's state: active or not, at `allocatedMips`. */
  span(host: CsHost, from: number, to: number, active: boolean, allocatedMips: number): void;
}

export class CsHost {
  readonly totalMips: number;
  /** Guests in CloudSim's list order (VMs migrating in included). */
  guests: CsVm[] = [];
  readonly incoming = new Set<CsVm>();
  /** MIPS allocated to `guests[i]` by the CPU scheduler. */
  alloc: number[] = [];
  availableMips: number;
  /** CloudSim's `getUtilizationOfCpuMips`: allocations, with a migrating-in VM counted at its full share. */
  allocatedForPlacement = 0;
  /** Σ of the guests' requested MIPS, in list order. */
  requestedMips = 0;
  utilizationMips = 0;
  previousUtilizationMips = 0;
  ramFreeMiB: number;
  bwFreeKbps: number;
  freePes: number;
  /** CloudSim's host state history (the flag: active), folded into the figures below as it is written. */
  readonly stateHistory = new StateHistory((previous, entry) => this.fold(previous, entry));
  private shutdownActive = true;
  private lastSwitchedOn = 0;
  activeSeconds = 0;
  violationSeconds = 0;
  shutdowns = 0;
  secondsBeforeShutdown = 0;
  energyJoules = 0;

  constructor(
    readonly id: number,
    readonly spec: CloudSimHostSpec,
  ) {
    checkPowerCurve(spec.powerCurve);
    this.totalMips = spec.pes * spec.mipsPerPe;
    this.availableMips = this.totalMips;
    this.ramFreeMiB = spec.ramMiB;
    this.bwFreeKbps = spec.bwKbps;
    this.freePes = spec.pes;
  }

  /** Utilization 0..1 from MIPS, as `HostDynamicWorkload` clamps it (just above 1 is 1). */
  utilizationOf(mips: number): number {
    const u = mips / this.totalMips;
    return u > 1 && u < 1.01 ? 1 : u;
  }

  get utilization(): number {
    return this.utilizationOf(this.utilizationMips);
  }

  watts(utilization: number): number {
    return specPowerWatts(this.spec.powerCurve, utilization);
  }

  /**
   * The CPU scheduler's shares for the guests' last requests (`VmSchedulerTimeSharedOverSubscription`):
   * each VM's request capped at one core per PE; if they do not all fit, every share is scaled
   * to the host's MIPS and floored. Also refreshes the sums placement reads.
   */
  reallocate(): void {
    this.guestsHistory = undefined;
    const peMips = this.spec.mipsPerPe;
    const n = this.guests.length;
    const alloc = this.alloc;
    alloc.length = n;
    let available = this.totalMips;
    let over = false;
    const anyIncoming = this.incoming.size > 0;
    for (let i = 0; i < n; i++) {
      const g = this.guests[i];
      const capped = capRequest(g, peMips);
      const incoming = anyIncoming && this.incoming.has(g);
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
        const g = this.guests[i];
        const capped = capRequest(g, peMips);
        required += this.incoming.has(g) ? capped * MIGRATING_IN_SHARE : capped;
      }
      const scale = this.totalMips / required;
      for (let i = 0; i < n; i++) {
        const g = this.guests[i];
        const perPe = Math.min(g.schedReq / g.spec.pes, peMips);
        let share = 0;
        for (let p = 0; p < g.spec.pes; p++) {
          let mips = perPe;
          if (this.incoming.has(g)) mips = mips * MIGRATING_IN_SHARE * scale;
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
    let requested = 0;
    for (let i = 0; i < n; i++) {
      const g = this.guests[i];
      if (anyIncoming && this.incoming.has(g)) forPlacement += (alloc[i] * 0.9) / 0.1;
      forPlacement += alloc[i];
      requested += g.req;
    }
    this.allocatedForPlacement = forPlacement;
    this.requestedMips = requested;
  }

  /** `Host.isSuitableForGuest`: one core holds the VM's per-PE request, the free MIPS its total (RAM and bandwidth count only while it is created). */
  suits(vm: CsVm): boolean {
    if (this.spec.mipsPerPe < vm.req / vm.spec.pes || this.availableMips < vm.req) return false;
    return !vm.instantiating || (this.ramFreeMiB >= vm.spec.ramMiB && this.bwFreeKbps >= vm.spec.bwKbps);
  }

  /** `guestCreate`: the VM joins the list (last) and the scheduler allocates its current request. */
  add(vm: CsVm): void {
    vm.schedReq = vm.req;
    this.guests.push(vm);
    if (vm.instantiating) {
      this.ramFreeMiB -= vm.spec.ramMiB;
      this.bwFreeKbps -= vm.spec.bwKbps;
    }
    this.reallocate();
  }

  remove(vm: CsVm): void {
    const i = this.guests.indexOf(vm);
    if (i < 0) return;
    this.guests.splice(i, 1);
    this.reallocate();
  }

  /** `HostDynamicWorkload.updateCloudletsProcessing` at `t`: shares re-allocated to the current requests, utilization and state histories recorded. */
  update(t: number, interval: number): void {
    if (this.guests.length === 0 && this.utilizationMips === 0) {
      // Idle and staying idle: the same state again (an entry that changes nothing is not kept; spans are split by bucket anyway).
      this.previousUtilizationMips = 0;
      const l = this.stateHistory.latest;
      if (!(l && l.allocated === 0 && l.requested === 0 && !l.flag)) this.stateHistory.add(t, 0, 0, false);
      return;
    }
    for (const g of this.guests) {
      g.schedReq = g.req;
      // PowerVm: a sample when a whole interval has passed since the last one (compared in floating point, as CloudSim does).
      if (t - g.historyTime >= interval) {
        g.history.unshift(g.req / (g.spec.mips * g.spec.pes));
        if (g.history.length > VM_HISTORY_LENGTH) g.history.length = VM_HISTORY_LENGTH;
        g.historyTime = t;
      }
    }
    this.reallocate();
    this.previousUtilizationMips = this.utilizationMips;
    let utilization = 0;
    let requested = 0;
    for (let i = 0; i < this.guests.length; i++) {
      const g = this.guests[i];
      let allocated = this.alloc[i];
      if (!this.incoming.has(g)) {
        g.stateHistory.add(t, allocated, g.req, g.inMigration);
        if (g.inMigration) allocated /= MIGRATING_OUT_SHARE;
      }
      utilization += allocated;
      requested += g.req;
    }
    this.utilizationMips = utilization;
    this.stateHistory.add(t, utilization, requested, utilization > 0);
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

  private guestsHistory: number[] | undefined;

  /** Makes the last entry final; its span runs to `end` for the series (CloudSim's metrics stop at the last entry). */
  closeHistory(end: number): void {
    this.stateHistory.close();
    const last = this.stateHistory.last;
    if (last && end > last.time) this.sink?.span(this, last.time, end, last.flag, last.allocated);
  }

  sink?: HostSpanSink;

  /** `Helper.getSlaTimePerActiveHost` and `getTimesBeforeHostShutdown`, one entry at a time. */
  private fold(previous: HistoryEntry | undefined, entry: HistoryEntry): void {
    if (previous) {
      const dt = entry.time - previous.time;
      if (previous.flag) {
        this.activeSeconds += dt;
        if (previous.allocated < previous.requested) this.violationSeconds += dt;
      }
      this.sink?.span(this, previous.time, entry.time, previous.flag, previous.allocated);
    }
    if (this.shutdownActive && !entry.flag) {
      this.shutdowns++;
      this.secondsBeforeShutdown += entry.time - this.lastSwitchedOn;
    }
    if (!this.shutdownActive && entry.flag) this.lastSwitchedOn = entry.time;
    this.shutdownActive = entry.flag;
  }
}

function addHistory(sum: number[], vm: CsVm, hostMips: number): void {
  const scale = vm.spec.mips / hostMips;
  for (let i = 0; i < vm.history.length; i++) sum[i] += vm.history[i] * scale;
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
export interface CloudSimObserver extends HostSpanSink {
  energy(host: CsHost, from: number, to: number, joules: number): void;
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
  private lastProcessTime = 0;
  /**
   * Placement's candidates, by id: every host that is not idle (no guests, no utilization). Idle
   * hosts of one type all answer placement alike, so only the first one of each type is asked.
   */
  private busy: CsHost[] = [];
  private idleByType = new Map<string, CsHost[]>();

  constructor(
    readonly config: CloudSimConfig,
    private readonly observer?: CloudSimObserver,
  ) {
    this.hosts = config.hosts.map((h, i) => new CsHost(i, h));
    for (const h of this.hosts) h.sink = observer;
    this.vms = config.vms.map((v, i) => new CsVm(i, v));
    this.detector = detectorFor(config.policy, config.intervalSeconds);
    this.interval = config.intervalSeconds;
  }

  get migrationsEnabled(): boolean {
    return this.detector !== undefined;
  }

  /** Places every VM at time 0, in order, as it is created (asking for all of its MIPS, RAM and bandwidth). Returns the VMs that found no host. */
  start(): CsVm[] {
    this.refreshCandidates();
    const unplaced: CsVm[] = [];
    for (const vm of this.vms) {
      vm.instantiating = true;
      vm.req = vm.spec.mips * vm.spec.pes;
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
    return this.findHost(vm, new Set(), true);
  }

  /** The scheduling event at `t` s: every host updated, energy metered, then (migration policies) the allocation optimized. */
  intervalAt(t: number): { migrations: Migration[]; durations: number[] } {
    this.update(t);
    if (!this.detector) return { migrations: [], durations: [] };
    const plan = this.optimize();
    const durations: number[] = [];
    for (const m of plan) durations.push(this.startMigration(m, t));
    return { migrations: plan, durations };
  }

  /** Ends a migration at `t` (its VM moves to the target); `lastAtThisTime`: no other migration ends at `t`. */
  completeMigration(m: Migration, t: number, lastAtThisTime: boolean): void {
    if (t > this.lastProcessTime) this.update(t);
    const vm = m.vm;
    vm.host?.remove(vm);
    m.target.incoming.delete(vm);
    vm.inMigration = false;
    m.target.remove(vm);
    m.target.add(vm);
    vm.host = m.target;
    if (lastAtThisTime) this.update(t);
  }

  /** Closes the histories at the end of the run (`end`, s). */
  finish(end: number): void {
    for (const h of this.hosts) h.closeHistory(end);
    for (const v of this.vms) v.stateHistory.close();
  }

  /** PowerDatacenter's update at `t`: hosts re-share CPU, energy of the span since the last update, VMs with no demand destroyed. */
  private update(t: number): void {
    for (const vm of this.vms) if (vm.alive && vm.host) vm.req = vm.utilizationAt(t, this.interval) * vm.spec.mips * vm.spec.pes;
    const dt = t - this.lastProcessTime;
    const nonPowerAware = this.config.policy.kind === 'npa';
    if (nonPowerAware && dt > 0) {
      // PowerDatacenterNonPowerAware: every host at full power, always.
      for (const h of this.hosts) this.meter(h, this.lastProcessTime, t, h.watts(1) * dt);
    }
    for (const h of this.hosts) h.update(t, this.interval);
    if (!nonPowerAware && dt > 0) {
      for (const h of this.hosts) {
        const from = h.utilizationOf(h.previousUtilizationMips);
        if (from === 0) continue;
        const p0 = h.watts(from);
        const p1 = h.watts(h.utilization);
        this.meter(h, this.lastProcessTime, t, (p0 + (p1 - p0) / 2) * dt);
      }
    }
    for (const h of this.hosts) {
      if (h.guests.length === 0) continue;
      let done = true;
      for (const g of h.guests) if (!g.inMigration && g.req === 0) done = false;
      if (done) continue;
      for (const g of h.guests.filter((x) => !x.inMigration && x.req === 0)) {
        h.remove(g);
        g.host = undefined;
        g.alive = false;
        this.vmsDestroyed++;
        this.observer?.vmDestroyed(g, t);
      }
    }
    this.lastProcessTime = t;
  }

  private meter(h: CsHost, from: number, to: number, joules: number): void {
    h.energyJoules += joules;
    this.observer?.energy(h, from, to, joules);
  }

  private startMigration(m: Migration, t: number): number {
    const { vm, target } = m;
    const source = vm.host!;
    vm.inMigration = true;
    if (!target.incoming.has(vm)) {
      target.incoming.add(vm);
      target.add(vm);
      target.update(t, this.interval);
      source.update(t, this.interval);
    }
    this.migrations++;
    const duration = migrationSeconds(vm.spec.ramMiB, target.spec.bwKbps);
    this.observer?.migrationStarted(m, t, duration);
    return duration;
  }

  /** `PowerVmAllocationPolicyMigrationAbstract.optimizeAllocation`. */
  private optimize(): Migration[] {
    const detector = this.detector!;
    this.refreshCandidates();
    // saveAllocation, for the hosts this changes: their guests (less those migrating in) as they were.
    const saved = new Map<CsHost, CsVm[]>();
    const touch = (h: CsHost) => {
      if (!saved.has(h)) saved.set(h, h.guests.filter((g) => !h.incoming.has(g)));
    };
    const overloaded = this.busy.filter((h) => detector.overloaded(h));
    const toMigrate: CsVm[] = [];
    for (const h of overloaded) {
      for (;;) {
        const vm = minimumMigrationTime(h);
        if (!vm) break;
        toMigrate.push(vm);
        touch(h);
        h.remove(vm);
        if (!detector.overloaded(h)) break;
      }
    }
    const plan: Migration[] = [];
    const excluded = new Set<CsHost>(overloaded);
    for (const vm of byUtilizationDescending(toMigrate)) {
      const target = this.findHost(vm, excluded, true);
      if (!target) continue;
      this.markBusy(target);
      touch(target);
      target.add(vm);
      plan.push({ vm, target, reason: 'overload' });
    }
    plan.push(...this.emptyUnderloaded(overloaded, touch));
    // restoreAllocation: the hosts as they were (migrations start from there).
    for (const [h, guests] of saved) {
      const incoming = h.guests.filter((g) => h.incoming.has(g));
      h.guests = [...incoming, ...guests];
      for (const g of h.guests) g.schedReq = g.req;
      h.reallocate();
    }
    return plan;
  }

  /** `getMigrationMapFromUnderUtilizedHosts`: the least utilized host emptied if all its VMs fit elsewhere, repeatedly. */
  private emptyUnderloaded(overloaded: readonly CsHost[], touch: (h: CsHost) => void): Migration[] {
    const plan: Migration[] = [];
    const off = this.hosts.filter((h) => h.utilization === 0);
    const notUnderloaded = new Set<CsHost>([...overloaded, ...off]);
    const excluded = new Set<CsHost>([...overloaded, ...off]);
    while (notUnderloaded.size < this.hosts.length) {
      const host = this.underloadedHost(notUnderloaded);
      if (!host) break;
      notUnderloaded.add(host);
      excluded.add(host);
      const vms = host.guests.filter((g) => !g.inMigration);
      if (vms.length === 0) continue;
      const placed: Migration[] = [];
      for (const vm of byUtilizationDescending(vms)) {
        // Idle hosts have no utilization: they are among the excluded (`off`) here.
        const target = this.findHost(vm, excluded, false);
        if (!target) {
          for (const p of placed) p.target.remove(p.vm);
          placed.length = 0;
          break;
        }
        this.markBusy(target);
        touch(target);
        target.add(vm);
        placed.push({ vm, target, reason: 'underload' });
      }
      for (const p of placed) notUnderloaded.add(p.target);
      plan.push(...placed);
    }
    return plan;
  }

  private underloadedHost(excluded: ReadonlySet<CsHost>): CsHost | undefined {
    let min = 1;
    let found: CsHost | undefined;
    for (const h of this.busy) {
      if (excluded.has(h)) continue;
      const u = h.utilization;
      if (u > 0 && u < min && !allMigratingOutOrAnyIn(h)) {
        min = u;
        found = h;
      }
    }
    return found;
  }

  /**
   * Power-aware best fit (`findHostForGuest`): among the hosts that suit the VM and would not be
   * overloaded with it (an idle host always may take it), the one whose power grows least.
   */
  findHost(vm: CsVm, excluded: ReadonlySet<CsHost>, idleAllowed: boolean): CsHost | undefined {
    let minPower = Number.MAX_VALUE;
    let best: CsHost | undefined;
    const firstIdle = idleAllowed ? this.firstIdleHosts(excluded) : NO_HOSTS;
    const busy = this.busy;
    for (let i = 0, j = 0; i < busy.length || j < firstIdle.length; ) {
      const h = j >= firstIdle.length || (i < busy.length && busy[i].id < firstIdle[j].id) ? busy[i++] : firstIdle[j++];
      if (excluded.has(h) || !h.suits(vm)) continue;
      if (h.allocatedForPlacement !== 0 && this.overloadedWith(h, vm)) continue;
      const after = (h.allocatedForPlacement + vm.req) / h.totalMips;
      if (after > 1) continue; // CloudSim's power model refuses it (its run would stop); suitability keeps it from happening
      const diff = h.watts(after) - h.watts(h.utilization);
      if (diff < minPower) {
        minPower = diff;
        best = h;
      }
    }
    return best;
  }

  /** The first idle host of each type that is not excluded, by id (kept until a host stops being idle). */
  private firstIdleHosts(excluded: ReadonlySet<CsHost>): readonly CsHost[] {
    if (this.firstIdle && this.firstIdle.every((h) => isIdle(h) && !excluded.has(h))) return this.firstIdle;
    const first: CsHost[] = [];
    for (const idle of this.idleByType.values()) {
      const h = idle.find((x) => isIdle(x) && !excluded.has(x));
      if (h) first.push(h);
    }
    first.sort((a, b) => a.id - b.id);
    // Kept only when no idle host is excluded (then it does not depend on `excluded`).
    this.firstIdle = [...this.idleByType.values()].every((list) => !list.some((x) => isIdle(x) && excluded.has(x))) ? first : undefined;
    return first;
  }

  private firstIdle: CsHost[] | undefined;

  private refreshCandidates(): void {
    this.firstIdle = undefined;
    this.busy = this.hosts.filter((h) => !isIdle(h));
    this.idleByType.clear();
    for (const h of this.hosts) {
      if (!isIdle(h)) continue;
      const list = this.idleByType.get(h.spec.type);
      if (list) list.push(h);
      else this.idleByType.set(h.spec.type, [h]);
    }
  }

  /** A host about to take a guest joins the candidates (kept in id order). */
  private markBusy(h: CsHost): void {
    if (!isIdle(h)) return;
    this.firstIdle = undefined;
    const busy = this.busy;
    let lo = 0;
    let hi = busy.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (busy[mid].id < h.id) lo = mid + 1;
      else hi = mid;
    }
    if (busy[lo] !== h) busy.splice(lo, 0, h);
  }

  private overloadedWith(h: CsHost, vm: CsVm): boolean {
    if (!this.detector) return false;
    if (vm.instantiating && (h.ramFreeMiB < vm.spec.ramMiB || h.bwFreeKbps < vm.spec.bwKbps)) return true; // creation would fail
    return this.detector.overloaded(h, vm);
  }
}

const NO_HOSTS: readonly CsHost[] = [];

/** MMT: the VM with the least RAM (first in the host's list on ties), not already migrating. */
export function minimumMigrationTime(h: CsHost): CsVm | undefined {
  let best: CsVm | undefined;
  let min = Number.MAX_VALUE;
  for (const g of h.guests) {
    if (g.inMigration) continue;
    if (g.spec.ramMiB < min) {
      min = g.spec.ramMiB;
      best = g;
    }
  }
  return best;
}

/** VMs by requested MIPS, highest first; equal ones keep their order (Java's stable sort). */
function byUtilizationDescending(vms: readonly CsVm[]): CsVm[] {
  return vms.map((vm, i) => ({ vm, i })).sort((a, b) => b.vm.req - a.vm.req || a.i - b.i).map((x) => x.vm);
}

function isIdle(h: CsHost): boolean {
  return h.guests.length === 0 && h.utilizationMips === 0 && h.allocatedForPlacement === 0;
}

function allMigratingOutOrAnyIn(h: CsHost): boolean {
  for (const g of h.guests) {
    if (!g.inMigration) return false;
    if (h.incoming.has(g)) return true;
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
