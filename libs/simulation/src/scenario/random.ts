import { MS_PER_DAY, MS_PER_HOUR, nextUniform, seededGenerator, SimTime } from '@nimbus/hypervisor';
import { RandomGenerator } from 'pure-rand';
import { ArrivalsSpec } from './scenario';
import { Cdf, Pmf } from './datasets';

/**
 * Seeded randomness for scenarios. Every process that draws (a workload's arrivals, its VMs'
 * sizes, a host's faults) has a stream of its own, seeded from the scenario's seed and the
 * process's name, so adding a workload or splitting the fleet into cells changes no other stream.
 */

/** FNV-1a over the labels (UTF-16 code units), 32 bits. */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A safe-integer seed for the stream named by `labels` under the scenario's `seed`. */
export function streamSeed(seed: number, ...labels: string[]): number {
  const text = `${seed}\u0000${labels.join('\u0000')}`;
  const hi = fnv1a(text, 0x811c9dc5) & 0x1f_ffff; // 21 bits
  const lo = fnv1a(text, 0x01000193 ^ 0x9e3779b9);
  return hi * 0x1_0000_0000 + lo;
}

export class RandomStream {
  private readonly rng: RandomGenerator;

  constructor(seed: number) {
    this.rng = seededGenerator(seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return nextUniform(this.rng);
  }

  /** Exponential with this mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.uniform()) * mean;
  }

  /** An index drawn with these weights (not necessarily normalized). */
  weighted(weights: readonly number[]): number {
    return weightedIndex(weights, this.uniform());
  }

  pick<T>(d: Pmf<T>): T {
    return valueAt(d, this.uniform());
  }
}

/**
 * The index at cumulative share `u` (in [0, 1)) of these weights (not necessarily normalized):
 * the first whose running sum passes u × total. With the weights in their published order it is
 * the step quantile of a discrete distribution.
 */
export function weightedIndex(weights: readonly number[], u: number): number {
  let total = 0;
  for (const w of weights) total += w;
  let left = u * total;
  for (let i = 0; i < weights.length; i++) {
    left -= weights[i];
    if (left < 0) return i;
  }
  return weights.length - 1;
}

/** The value of a discrete distribution at cumulative probability `u`, its values taken in their published order (ascending for numbers). */
export function valueAt<T>(d: Pmf<T>, u: number): T {
  return d.values[weightedIndex(d.probabilities, u)];
}

/**
 * The value at cumulative probability `u` of a published CDF. `linear` interpolates between the
 * published points (and from (`from`, 0) to the first); `step` takes the smallest x whose
 * cumulative probability reaches u (integer-valued data). Beyond the last published probability
 * (a tail the data does not resolve) it returns Infinity.
 */
export function quantile(c: Cdf, u: number, mode: 'linear' | 'step' = 'linear', from = 0): number {
  const { x, p } = c;
  if (u > p[p.length - 1]) return Infinity;
  let lo = 0;
  let hi = p.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p[mid] >= u) hi = mid;
    else lo = mid + 1;
  }
  if (mode === 'step') return x[lo];
  const x0 = lo === 0 ? from : x[lo - 1];
  const p0 = lo === 0 ? 0 : p[lo - 1];
  const p1 = p[lo];
  if (p1 <= p0) return x[lo];
  return x0 + ((u - p0) / (p1 - p0)) * (x[lo] - x0);
}

/**
 * A non-homogeneous Poisson process by thinning (Lewis & Shedler 1979): candidates at the
 * highest rate, each kept with probability rate(t) / highest rate. The rate is the spec's mean
 * rate, modulated by the UTC hour (diurnal) and multiplied inside bursts.
 */
export class ArrivalProcess {
  private readonly maxPerMs: number;

  constructor(
    private readonly spec: ArrivalsSpec,
    private readonly startMs: SimTime,
    private readonly random: RandomStream,
  ) {
    const amplitude = spec.diurnal?.amplitude ?? 0;
    const burst = Math.max(1, ...(spec.bursts ?? []).map((b) => b.multiplier));
    this.maxPerMs = (spec.ratePerHour * (1 + amplitude) * burst) / MS_PER_HOUR;
  }

  /** Requests per ms at `t`. */
  ratePerMs(t: SimTime): number {
    let rate = this.spec.ratePerHour / MS_PER_HOUR;
    const d = this.spec.diurnal;
    if (d) {
      const hour = (((t % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR;
      rate *= 1 + d.amplitude * Math.cos((2 * Math.PI * (hour - d.peakHourUtc)) / 24);
    }
    for (const b of this.spec.bursts ?? []) {
      const from = this.startMs + b.atHours * MS_PER_HOUR;
      if (t >= from && t < from + b.durationHours * MS_PER_HOUR) rate *= b.multiplier;
    }
    return rate;
  }

  /** The first arrival after `afterMs` (integer ms), or Infinity if none comes before `untilMs`. */
  next(afterMs: SimTime, untilMs: SimTime): SimTime {
    if (!(this.maxPerMs > 0)) return Infinity;
    let t = afterMs;
    for (;;) {
      t += this.random.exponential(1 / this.maxPerMs);
      if (t >= untilMs) return Infinity;
      if (this.random.uniform() * this.maxPerMs <= this.ratePerMs(t)) return Math.max(afterMs + 1, Math.ceil(t));
    }
  }
}
