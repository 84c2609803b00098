import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND, SimTime, assertSimTime } from '../../engine/sim-time';
import { NormalSource } from './prng';
import { CpuWorkload } from './workload';

/**
 * The CPU demand `d` of MODEL.md §3.1, as the engine consumes it: piecewise constant, in integer
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
 * - random-walk: steps aligned to setAt; x0 = mean, x(k+1) = clamp(x(k) + θ (mean − x(k)) + σ z(k),
 *   0, vcpus), z(k) standard normals from the seed in order. The value at step k depends only on
 *   (seed, k, mean, σ, vcpus), so a cursor rebuilt after a restart (new cursor at setAt,
 *   advanceTo(now)) lands on the same value.
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
  private readonly seek: Seek;
  private positionMs: SimTime;
  private segment: Segment;

  constructor(workload: CpuWorkload, setAtMs: SimTime, vcpus: number) {
    assertSimTime(setAtMs, 'setAtMs');
    if (!Number.isInteger(vcpus) || vcpus < 1) throw new RangeError(`vcpus must be a positive integer, got ${vcpus}`);
    this.seek = seeker(workload, setAtMs, vcpus);
    this.positionMs = setAtMs;
    this.segment = this.seek(setAtMs);
  }

  /** Demand now, integer millicores in 0..vcpus × 1000. */
  get current(): number {
    return this.segment.millicores;
  }

  /** The next step boundary at which `current` may change (> position); Infinity if never. */
  get nextChangeMs(): number {
    return this.segment.untilMs;
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
    if (nowMs < this.segment.untilMs) return false;
    const before = this.segment.millicores;
    this.segment = this.seek(nowMs);
    return this.segment.millicores !== before;
  }
}

function seeker(w: CpuWorkload, setAt: SimTime, vcpus: number): Seek {
  const mc = (cores: number) => toMillicores(cores, vcpus);
  switch (w.model) {
    case 'constant': {
      const segment = { millicores: mc(w.cores), untilMs: Infinity };
      return () => segment;
    }
    case 'trace':
      return traceSeeker(w, setAt, vcpus);
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
    case 'random-walk': {
      const stepMs = stepToMs(w.stepSeconds);
      const { meanCores: mean, volatility } = w;
      const normals = new NormalSource(w.seed);
      let k = 0;
      let x = clamp(mean, vcpus);
      return (t) => {
        for (const target = Math.floor((t - setAt) / stepMs); k < target; k++)
          x = clamp(x + RANDOM_WALK_REVERSION * (mean - x) + volatility * normals.next(), vcpus);
        return { millicores: mc(x), untilMs: volatility === 0 ? Infinity : setAt + (k + 1) * stepMs };
      };
    }
  }
}

function traceSeeker(w: Extract<CpuWorkload, { model: 'trace' }>, setAt: SimTime, vcpus: number): Seek {
  if (w.cores.length === 0) throw new RangeError('a trace needs at least one point');
  const periodMs = stepToMs(w.periodSeconds);
  const values = w.cores.map((c) => toMillicores(c, vcpus));
  if (!w.repeat) values.push(0); // the trace has finished: 0 from then on
  const n = values.length;
  // run[i]: points from i to the next point with a different value (cyclically when repeating);
  // Infinity when there is none. Computed backwards from a point whose successor differs.
  const run = new Array<number>(n).fill(Infinity);
  if (w.repeat) {
    const changes = values.findIndex((v, i) => v !== values[(i + 1) % n]);
    if (changes >= 0)
      for (let j = 0, i = changes; j < n; j++, i = (i + n - 1) % n) {
        const next = (i + 1) % n;
        run[i] = values[i] !== values[next] ? 1 : run[next] + 1;
      }
  } else {
    for (let i = n - 2; i >= 0; i--) run[i] = values[i] !== values[i + 1] ? 1 : run[i + 1] + 1;
  }
  return (t) => {
    const k = Math.floor((t - setAt) / periodMs);
    const i = w.repeat ? k % n : Math.min(k, n - 1);
    return { millicores: values[i], untilMs: setAt + (k + run[i]) * periodMs };
  };
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
