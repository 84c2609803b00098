import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, SimTime, assertSimTime } from '../../engine/sim-time';
import { RandomGenerator } from 'pure-rand';
import { NormalState, nextNormal, seededGenerator } from './prng';
import { CpuWorkload } from './workload';

/**
 * The CPU demand `d` of docs/model.md §3.1, as the engine consumes it: piecewise constant, in integer
 * millicores (round(cores × 1000), clamped to 0..vcpus × 1000), with the time of the next step
 * boundary so the engine schedules one event per change instead of ticking the VM (the fluid model
 * of §1). Moving the cursor costs O(steps crossed), never O(elapsed ms): constant, trace and
 * diurnal demand are computed directly at any time; only the random walk is generated step by step.
 *
 * - constant: `cores`, forever.
 * - trace: point k holds on [setAt + k·period, setAt + (k+1)·period). With `repeat` it cycles
 *   forever; without, demand is 0 once the trace has finished. Boundaries where the value does not
 *   change are skipped.
 * - diurnal: steps aligned to absolute multiples of `stepSeconds` since the epoch (so every VM with
 *   the same step changes at the same instants, whatever its setAt); in step [s, s + step) the demand
 *   is mean + amplitude · cos(2π (h − peakHourUtc) / 24), h = the UTC hour of day of the step's
 *   midpoint, clamped to 0..vcpus. Steps never line up with the exact peak, so the two steps either
 *   side of it share the maximum.
 * - random-walk: steps on the same absolute grid as diurnal (multiples of `stepSeconds` since the
 *   epoch), so VMs with the same step change together whatever their setAt, and a host recomputes
 *   once per boundary rather than once per VM. x0 = mean holds from setAt to the first boundary
 *   after it (a shorter first step unless setAt is on the grid); at the k-th boundary after setAt,
 *   x(k) = clamp(x(k−1) + θ (mean − x(k−1)) + σ z(k−1), 0, vcpus), z standard normals from the seed
 *   in order. The value at t depends only on (seed, boundaries crossed since setAt, mean, σ, vcpus),
 *   so a cursor rebuilt after a restart (new cursor at setAt, advanceTo(now)) lands on the same value.
 *
 * A cursor without change ahead (constant; zero amplitude or volatility; a finished or flat trace)
 * reports `nextChangeMs` = Infinity. Others report every step boundary; advanceTo then returns false
 * when the rounded value happens not to move.
 */

/**
 * Mean reversion per step of the random walk (discrete Ornstein–Uhlenbeck). A pure random walk
 * would drift away from its mean and spend its time pinned at 0 or at the vCPUs; pulling back 10 %
 * of the gap each step keeps it around the mean, with a stationary standard deviation of
 * σ / √(1 − 0.9²) ≈ 2.3 σ (before clamping) and a memory of about 1/θ = 10 steps.
 */
export const RANDOM_WALK_REVERSION = 0.1;

/** The demand over the step that contains a time: its value and when it may next change. */
interface Segment {
  readonly millicores: number;
  readonly untilMs: number;
}
/** Called with non-decreasing times only (the random walk keeps state). */
type Seek = (t: SimTime) => Segment;

export class CpuDemandCursor {
  private positionMs: SimTime;
  /** The current segment, kept in the cursor itself (no segment object per step). */
  private millicores = 0;
  private untilMs = 0;
  /** The trace model's shape (its points in millicores, shared): stepped by `seekTrace`; null for the other models. */
  readonly trace: TraceShape | null = null;
  /** Constant and diurnal demand step through a closure. */
  private readonly seek: Seek | null = null;
  // The random walk's state, in the cursor itself (`rng` is null for the other models), its normal
  // source's too (`NormalState`): a step reads the cursor and its generator, and allocates nothing.
  // (A closure held it before: five objects per VM read at each step, scattered over the heap for
  // the VMs launched during a run, which made a simulated day cost more as a run went on; and a
  // segment allocated per step.)
  /** @internal (NormalState) */
  readonly rng: RandomGenerator | null = null;
  /** @internal (NormalState) */
  spare = 0.5;
  /** @internal (NormalState) */
  hasSpare = false;
  private readonly walkStepMs: number = 0;
  private readonly walkMean: number = 0;
  private readonly walkVolatility: number = 0;
  private readonly walkVcpus: number = 0;
  /** The grid step that contains setAt. */
  private readonly walkFirst: number = 0;
  /** Boundaries crossed since setAt. */
  private walkK = 0;
  private walkX = 0;

  constructor(workload: CpuWorkload, setAtMs: SimTime, vcpus: number) {
    assertSimTime(setAtMs, 'setAtMs');
    if (!Number.isInteger(vcpus) || vcpus < 1) throw new RangeError(`vcpus must be a positive integer, got ${vcpus}`);
    this.positionMs = setAtMs;
    if (workload.model === 'trace') {
      if (workload.cores.length === 0) throw new RangeError('a trace needs at least one point');
      this.trace = traceShape(tracePoints(workload, vcpus), setAtMs, stepToMs(workload.periodSeconds), workload.repeat);
      this.seekTrace(setAtMs);
    } else if (workload.model === 'random-walk') {
      this.walkStepMs = stepToMs(workload.stepSeconds);
      this.walkMean = workload.meanCores;
      this.walkVolatility = workload.volatility;
      this.walkVcpus = vcpus;
      this.walkFirst = Math.floor(setAtMs / this.walkStepMs);
      this.walkX = clamp(workload.meanCores, vcpus);
      this.rng = seededGenerator(workload.seed);
      this.stepWalk(setAtMs);
    } else {
      this.seek = seeker(workload, vcpus);
      const s = this.seek(setAtMs);
      this.millicores = s.millicores;
      this.untilMs = s.untilMs;
    }
  }

  /** Demand now, integer millicores in 0..vcpus × 1000. */
  get current(): number {
    return this.millicores;
  }

  /** The next step boundary at which `current` may change (> position); Infinity if never. */
  get nextChangeMs(): number {
    return this.untilMs;
  }

  /** The time the cursor is at. */
  get position(): SimTime {
    return this.positionMs;
  }

  /** Moves forward to `nowMs`; true iff `current` changed. */
  advanceTo(nowMs: SimTime): boolean {
    assertSimTime(nowMs, 'nowMs');
    if (nowMs < this.positionMs) throw new RangeError(`cannot move a demand cursor backwards (${nowMs} < ${this.positionMs})`);
    this.positionMs = nowMs;
    if (nowMs < this.untilMs) return false;
    const before = this.millicores;
    if (this.trace !== null) this.seekTrace(nowMs);
    else if (this.rng !== null) this.stepWalk(nowMs);
    else {
      const s = this.seek!(nowMs);
      this.millicores = s.millicores;
      this.untilMs = s.untilMs;
    }
    return this.millicores !== before;
  }

  /**
   * The random walk to the step that contains `t`: x(k) = clamp(x(k−1) + θ (mean − x(k−1)) + σ z(k−1), 0, vcpus)
   * at each boundary crossed (see the model above).
   */
  private stepWalk(t: SimTime): void {
    const stepMs = this.walkStepMs;
    const index = Math.floor(t / stepMs);
    const target = index - this.walkFirst;
    const volatility = this.walkVolatility;
    let x = this.walkX;
    if (this.walkK < target) {
      const normals = this as NormalState; // rng is set for a random walk
      const mean = this.walkMean;
      const vcpus = this.walkVcpus;
      for (let k = this.walkK; k < target; k++) x = clamp(x + RANDOM_WALK_REVERSION * (mean - x) + volatility * nextNormal(normals), vcpus);
      this.walkK = target;
      this.walkX = x;
    }
    this.millicores = toMillicores(x, this.walkVcpus);
    this.untilMs = volatility === 0 ? Infinity : (index + 1) * stepMs;
  }

  private seekTrace(t: SimTime): void {
    seekTrace(this.trace!, t, traceStep);
    this.millicores = traceStep.cursorNow;
    this.untilMs = traceStep.cursorNext;
  }
}

/** `seekTrace`'s output for a cursor, read back at once: one for all cursors, not an object per VM. */
const traceStep: DemandStep = { cursorNow: 0, cursorNext: 0 };

/**
 * A trace as its steps are read: its points in millicores and where they start, the period, and
 * whether it repeats. Shared, read-only, by every cursor of the same points set at the same time
 * with the same period: an engine stepping 100,000 VMs that run a few hundred traces reads a few
 * hundred of these (see `seekTrace`).
 */
export interface TraceShape {
  readonly points: Points;
  readonly setAtMs: SimTime;
  readonly periodMs: number;
  readonly repeat: boolean;
  /** A repeating trace whose points are all equal: it never changes. */
  readonly flat: boolean;
}

/** A demand step as an engine keeps it: the demand (millicores) and when it may next change. */
export interface DemandStep {
  cursorNow: number;
  cursorNext: number;
}

/**
 * Point k of a trace holds on [setAt + k·period, setAt + (k+1)·period); the segment lasts to the
 * next point that differs. Writes the step that contains `t` (≥ setAt) into `out`. The cursor's
 * own stepping, exported so that an engine can step many traces without a cursor object each.
 */
export function seekTrace(shape: TraceShape, t: SimTime, out: DemandStep): void {
  const points = shape.points;
  const n = points.length;
  const k = Math.floor((t - shape.setAtMs) / shape.periodMs);
  const i = shape.repeat ? k % n : Math.min(k, n - 1);
  out.cursorNow = points[i];
  out.cursorNext = shape.setAtMs + (k + run(shape, i)) * shape.periodMs;
}

/**
 * Points from i to the next point with a different value (cyclically when repeating); Infinity
 * when there is none. Found by scanning forward at each step: a step lands in a run and the next
 * one comes after it, so the scans cost O(points crossed) in all, and nothing is stored per point.
 */
function run(shape: TraceShape, i: number): number {
  const points = shape.points;
  const n = points.length;
  const v = points[i];
  if (shape.repeat) {
    if (shape.flat) return Infinity;
    for (let d = 1; ; d++) if (points[(i + d) % n] !== v) return d;
  }
  for (let j = i + 1; j < n; j++) if (points[j] !== v) return j - i;
  return Infinity;
}

/** Shapes by points, then by (setAt, period, repeat): see `TraceShape`. */
const sharedShapes = new WeakMap<Points, Map<string, TraceShape>>();

function traceShape(points: Points, setAtMs: SimTime, periodMs: number, repeat: boolean): TraceShape {
  let byKey = sharedShapes.get(points);
  if (!byKey) sharedShapes.set(points, (byKey = new Map()));
  const key = `${setAtMs}/${periodMs}/${repeat}`;
  let shape = byKey.get(key);
  if (!shape) byKey.set(key, (shape = Object.freeze({ points, setAtMs, periodMs, repeat, flat: repeat && allEqual(points) })));
  return shape;
}

type Points = Int32Array | Float64Array;

/**
 * The last points derived from each `cores` array, for its vCPUs and repeat: cursors built from
 * the same array (many VMs running one trace) share one copy, read-only. A cursor still gets the
 * points of the array as it is when the cursor is built: a cached copy is used only if every point
 * still matches (so changing the array later changes no cursor, as with a private copy).
 */
const sharedPoints = new WeakMap<readonly number[], { readonly vcpus: number; readonly repeat: boolean; readonly points: Points }>();

/**
 * A trace's points in millicores, 4 bytes each (a month of hourly points for 100,000 VMs is
 * 72 M points); not repeating, a last point of 0: the trace has finished.
 */
function tracePoints(w: Extract<CpuWorkload, { model: 'trace' }>, vcpus: number): Points {
  const count = w.cores.length;
  const n = w.repeat ? count : count + 1;
  const cached = sharedPoints.get(w.cores);
  if (cached && cached.vcpus === vcpus && cached.repeat === w.repeat && cached.points.length === n) {
    const p = cached.points;
    let same = true;
    for (let i = 0; i < count && same; i++) same = p[i] === toMillicores(w.cores[i], vcpus);
    if (same) return p;
  }
  const points = vcpus * 1000 <= 0x7fffffff ? new Int32Array(n) : new Float64Array(n);
  for (let i = 0; i < count; i++) points[i] = toMillicores(w.cores[i], vcpus);
  sharedPoints.set(w.cores, { vcpus, repeat: w.repeat, points });
  return points;
}

function allEqual(xs: ArrayLike<number>): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] !== xs[0]) return false;
  return true;
}

function seeker(w: Exclude<CpuWorkload, { model: 'trace' | 'random-walk' }>, vcpus: number): Seek {
  const mc = (cores: number) => toMillicores(cores, vcpus);
  switch (w.model) {
    case 'constant': {
      const segment = { millicores: mc(w.cores), untilMs: Infinity };
      return () => segment;
    }
    case 'diurnal': {
      const stepMs = stepToMs(w.stepSeconds);
      const flat = w.amplitudeCores === 0;
      return (t) => {
        const start = t - (t % stepMs);
        const hour = ((start + stepMs / 2) % MS_PER_DAY) / MS_PER_HOUR;
        const cores = w.meanCores + w.amplitudeCores * Math.cos((2 * Math.PI * (hour - w.peakHourUtc)) / 24);
        return { millicores: mc(cores), untilMs: flat ? Infinity : start + stepMs };
      };
    }
  }
}

function stepToMs(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1) throw new RangeError(`a step must be a positive integer of seconds, got ${seconds}`);
  return seconds * MS_PER_SECOND;
}

function clamp(cores: number, vcpus: number): number {
  return Math.min(vcpus, Math.max(0, cores));
}

function toMillicores(cores: number, vcpus: number): number {
  if (!Number.isFinite(cores)) throw new RangeError(`CPU demand must be a finite number of cores, got ${cores}`);
  return Math.min(vcpus * 1000, Math.max(0, Math.round(cores * 1000)));
}
