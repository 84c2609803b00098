/**
 * Per-bucket sums that do not depend on the order of their terms, so that a zone's results are
 * the same bit for bit whether it ran alone (a cell) or beside other zones, whose events
 * interleave with its own. Terms are integers (values in a fixed small unit × ms); each bucket
 * keeps its sum exactly as hi × 2^32 + lo, and is read as the correctly rounded double of that
 * exact integer: the same whatever the order of the additions.
 */
const CARRY_AT = 2 ** 50;
const BASE = 2 ** 32;
/** Largest term `add` takes in one piece; larger ones are split (still exact). */
const MAX_TERM = 2 ** 51;

export class ExactBuckets {
  private readonly hi: Float64Array;
  private readonly lo: Float64Array;

  constructor(readonly length: number) {
    this.hi = new Float64Array(length);
    this.lo = new Float64Array(length);
  }

  /** Adds the integer `x` to bucket `i`. */
  add(i: number, x: number): void {
    if (x === 0) return;
    if (x >= MAX_TERM || x <= -MAX_TERM) {
      const high = Math.trunc(x / BASE);
      this.addHigh(i, high);
      x -= high * BASE;
    }
    let lo = this.lo[i] + x;
    if (lo >= CARRY_AT || lo <= -CARRY_AT) {
      const carry = Math.trunc(lo / BASE);
      this.hi[i] += carry;
      lo -= carry * BASE;
    }
    this.lo[i] = lo;
  }

  /** Adds `level` × `ms` (integers) to bucket `i`, exactly. */
  addProduct(i: number, level: number, ms: number): void {
    const product = level * ms;
    if (Math.abs(product) < MAX_TERM) {
      this.add(i, product);
      return;
    }
    // level × ms in pieces of ms small enough that each piece is an exact double.
    const step = Math.max(1, Math.floor(MAX_TERM / Math.max(1, Math.abs(level))));
    for (let done = 0; done < ms; done += step) this.add(i, level * Math.min(step, ms - done));
  }

  private addHigh(i: number, units: number): void {
    this.hi[i] += units;
  }

  /** The sum of bucket i, correctly rounded. */
  value(i: number): number {
    return this.hi[i] * BASE + this.lo[i];
  }

  /** Adds every bucket of `other` (same length) into this one. */
  addAll(other: ExactBuckets): void {
    for (let i = 0; i < this.length; i++) {
      this.hi[i] += other.hi[i];
      this.add(i, other.lo[i]);
    }
  }

  /** Replaces each bucket by the sum of the buckets up to it (a difference array becomes levels). */
  prefixSums(): void {
    for (let i = 1; i < this.length; i++) {
      this.hi[i] += this.hi[i - 1];
      this.add(i, this.lo[i - 1]);
    }
  }
}

/**
 * A piecewise-constant integer level (hosts on, instances running, micro-USD per hour accruing…)
 * integrated exactly over fixed buckets: level × ms per bucket. Changes come in time order.
 */
export class LevelIntegral {
  private level = 0;
  private since: number;
  readonly buckets: ExactBuckets;

  constructor(
    private readonly startMs: number,
    private readonly bucketMs: number,
    count: number,
  ) {
    this.since = startMs;
    this.buckets = new ExactBuckets(count);
  }

  get current(): number {
    return this.level;
  }

  /** The level moves by `delta` at `t` (≥ the previous change). */
  change(t: number, delta: number): void {
    this.integrateTo(t);
    this.level += delta;
  }

  /** Integrates the current level up to `t` (a run's end). */
  integrateTo(t: number): void {
    const end = Math.min(t, this.startMs + this.bucketMs * this.buckets.length);
    if (this.level !== 0) {
      let from = this.since;
      while (from < end) {
        const b = Math.floor((from - this.startMs) / this.bucketMs);
        const bucketEnd = Math.min(end, this.startMs + (b + 1) * this.bucketMs);
        this.buckets.addProduct(b, this.level, bucketEnd - from);
        from = bucketEnd;
      }
    }
    if (t > this.since) this.since = t;
  }
}
