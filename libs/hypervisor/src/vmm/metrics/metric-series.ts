import { SimTime, assertSimTime } from '../../engine/sim-time';

/**
 * Time-bucketed metric summaries for the fluid model (docs/model.md §1; API.md
 * `GET /v1/instances/{id}/metrics`). The engine changes a VM's or a host's metric values only at
 * events; between two events every value is constant ("level" fields), or moves at a constant slope
 * per ms ("linear" fields, e.g. a CPU credit balance). So a metric is a sequence of segments, and we
 * persist per-bucket summaries (count, time-weighted mean, max, end value), never samples:
 *
 * - a bucket is emitted (closed) only if something happened in it — the series began or a value was
 *   set in it. A segment that crosses bucket boundaries contributes its first part to the bucket it
 *   started in; the buckets wholly inside it get NO row, and readers carry the previous row's end
 *   state forward (`aggregateBuckets`). Cost is O(width) per change, never O(buckets skipped).
 * - so that the carry is exact, a closed row's `end` is each field's value at the bucket's end
 *   (start + period) and `slope` the slope it continues with: the value at a later time t of a
 *   bucket without a row is `end + slope × (t − (start + period))`.
 * - a segment [t0, t1) of level value v adds v·(t1 − t0) to the integral; a linear field of value v0
 *   and slope s at t0 adds v0·Δt + s·Δt²/2 and is worth v0 + s·Δt at t1; `max` takes both endpoints.
 *   Zero-length segments (two sets at the same ms) cover nothing and are not counted.
 * - the last row of a series has `final` = true: readers carry nothing past it.
 */

/** CloudWatch's detailed-monitoring resolution: one minute. Every persisted bucket is this long. */
export const METRIC_BASE_PERIOD_MS = 60_000;

export interface BucketSummary {
  /** Bucket start, a multiple of the period. */
  start: SimTime;
  /** Ms of the bucket the series existed in (a series may begin or end mid-bucket). */
  coveredMs: number;
  /**
   * Number of constant intervals (segments) summarized in this bucket: a segment crossing into the
   * bucket counts once. ≥ 1, except a final row with `coveredMs` 0 (the series ended at `start`).
   */
  count: number;
  /** Time-weighted mean of each field over the covered ms (the end value when nothing is covered). */
  mean: number[];
  /** Max of each field over the covered ms (linear fields: max of their segment endpoints). */
  max: number[];
  /**
   * Each field's value at the end of the covered part, as a left limit (a value set at that very ms
   * covers nothing here). For a closed, non-final row: the value at start + period.
   */
  end: number[];
  /** Each field's slope (per ms) at the end (0 for level fields): what readers carry it forward with. */
  slope: number[];
  /** The series ended in this bucket: readers must not carry it forward. */
  final: boolean;
}

/**
 * One metric series (a VM's or a host's fields), summarized into buckets of `periodMs` as it goes.
 * Closed buckets are handed to `onClose` (to persist); the open one is kept in O(width) memory.
 *
 * The series begins at its first `set` (at or after `startMs`; construct it with the initial values
 * by an immediate `set(startMs, …)`): before the first set it has no value and covers nothing.
 */
export class MetricSeries {
  readonly width: number;
  readonly periodMs: number;
  private readonly onClose: (b: BucketSummary) => void;
  /** Everything is integrated up to here; the current segment's values are `value` at this time. */
  private at: SimTime;
  private began = false;
  private isEnded = false;
  /**
   * The per-field state in one buffer (one allocation, contiguous: a VMM recording 100,000 series
   * touches one block per series, not six), as six runs of `width`: the current segment's value
   * (VALUE) and slope (SLOPE), and the open bucket's integral (INTEGRAL), maxima (MAX), and the
   * value and slope at the end of its covered part (END_VALUE, END_SLOPE).
   */
  private readonly buf: Float64Array;
  // The open bucket: [bucketStart, bucketStart + periodMs) ∋ at (at may equal its end only in end()).
  private bucketStart = 0;
  private covered = 0;
  private count = 0;
  /** A set happened in the open bucket (or the series began in it): it must be emitted when it closes. */
  private dirty = false;
  /** The current segment already counts in the open bucket's `count`. */
  private segmentCounted = false;

  constructor(width: number, periodMs: number, startMs: SimTime, onClose: (b: BucketSummary) => void) {
    if (!Number.isSafeInteger(width) || width < 1) throw new RangeError(`width must be a positive integer, got ${width}`);
    if (!Number.isSafeInteger(periodMs) || periodMs < 1) throw new RangeError(`periodMs must be a positive integer, got ${periodMs}`);
    assertSimTime(startMs, 'startMs');
    this.width = width;
    this.periodMs = periodMs;
    this.onClose = onClose;
    this.at = startMs;
    this.buf = new Float64Array(6 * width);
  }

  /** The time the series is integrated up to (the last set, peek or end; `startMs` before any). */
  get now(): SimTime {
    return this.at;
  }

  get started(): boolean {
    return this.began;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /**
   * A new segment starts at `nowMs` with `values` (and `slopes` per ms, default all 0). Every bucket
   * that ended at or before `nowMs` and in which something happened is closed and emitted first.
   * O(width), however many buckets lie between this call and the previous one.
   */
  set(nowMs: SimTime, values: ArrayLike<number>, slopes?: ArrayLike<number>): void {
    if (this.isEnded) throw new Error('the metric series has ended');
    this.checkTime(nowMs);
    this.checkFields(values, 'values');
    if (slopes !== undefined) this.checkFields(slopes, 'slopes');
    if (!this.began) {
      this.began = true;
      this.at = nowMs;
      this.openBucket(nowMs - (nowMs % this.periodMs));
    } else {
      this.advance(nowMs);
    }
    const buf = this.buf;
    const w = this.width;
    for (let i = 0; i < w; i++) {
      buf[VALUE * w + i] = values[i];
      buf[SLOPE * w + i] = slopes === undefined ? 0 : slopes[i];
    }
    this.segmentCounted = false;
    this.dirty = true;
  }

  /**
   * The open bucket's summary integrated to `nowMs` (not final), for persisting on shutdown; the
   * next process's row of the same bucket is merged into it with `mergeBuckets`. Like `set`, it
   * first closes (emits) the buckets that ended at or before `nowMs`, so that nothing is lost, but it
   * does not close the open one. Undefined before the first set, after the end, or when the open
   * bucket covers nothing yet.
   */
  peek(nowMs: SimTime): BucketSummary | undefined {
    if (!this.began || this.isEnded) return undefined;
    this.checkTime(nowMs);
    this.advance(nowMs);
    return this.covered > 0 ? this.summary(false) : undefined;
  }

  /**
   * The series ends at `nowMs`: the bucket holding its last millisecond is emitted with
   * `final` = true (after closing the earlier ones, as `set` does). If the series ends exactly where
   * an already-emitted bucket ended (a set at that same ms), the final row is a marker of the next
   * bucket with `coveredMs` 0. A series that never began emits nothing.
   */
  end(nowMs: SimTime): void {
    if (this.isEnded) throw new Error('the metric series has ended');
    this.checkTime(nowMs);
    this.isEnded = true;
    if (!this.began) return;
    if (nowMs > this.at) {
      const lastMs = nowMs - 1;
      const lastBucket = lastMs - (lastMs % this.periodMs);
      if (lastBucket > this.bucketStart) this.advance(lastBucket);
      this.integrate(nowMs);
    }
    this.onClose(this.summary(true));
  }

  private checkTime(nowMs: SimTime): void {
    assertSimTime(nowMs, 'nowMs');
    if (nowMs < this.at) throw new RangeError(`a metric series cannot go backwards (${nowMs} < ${this.at})`);
  }

  private checkFields(xs: ArrayLike<number>, what: string): void {
    if (xs.length !== this.width) throw new RangeError(`${what} must have ${this.width} fields, got ${xs.length}`);
    // x × 0 is 0 for every finite x and NaN otherwise: one sum tells (the loop that finds which runs only then).
    let zero = 0;
    for (let i = 0; i < xs.length; i++) zero += xs[i] * 0;
    if (zero === 0) return;
    for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) throw new RangeError(`${what} must be finite, got ${xs[i]} at ${i}`);
  }

  private openBucket(start: SimTime): void {
    this.bucketStart = start;
    this.covered = 0;
    this.count = 0;
    this.dirty = false;
    this.segmentCounted = false;
    const w = this.width;
    this.buf.fill(0, INTEGRAL * w, (INTEGRAL + 1) * w);
    this.buf.fill(-Infinity, MAX * w, (MAX + 1) * w);
  }

  /** Adds the current segment's stretch [at, toMs) to the open bucket (toMs ≤ its end). */
  private integrate(toMs: SimTime): void {
    const dt = toMs - this.at;
    if (dt <= 0) return;
    const buf = this.buf;
    const w = this.width;
    const slopeAt = SLOPE * w;
    const integralAt = INTEGRAL * w;
    const maxAt = MAX * w;
    const endValueAt = END_VALUE * w;
    const endSlopeAt = END_SLOPE * w;
    for (let i = 0; i < w; i++) {
      const v0 = buf[VALUE * w + i];
      const s = buf[slopeAt + i];
      let max = buf[maxAt + i];
      if (v0 > max) max = v0;
      if (s === 0) {
        // A level field (most are): its value stays.
        buf[integralAt + i] += v0 * dt;
        buf[endValueAt + i] = v0;
      } else {
        const v1 = v0 + s * dt;
        buf[integralAt + i] += v0 * dt + (s * dt * dt) / 2;
        if (v1 > max) max = v1;
        buf[VALUE * w + i] = v1;
        buf[endValueAt + i] = v1;
      }
      buf[maxAt + i] = max;
      buf[endSlopeAt + i] = s;
    }
    this.covered += dt;
    if (!this.segmentCounted) {
      this.count++;
      this.segmentCounted = true;
    }
    this.at = toMs;
  }

  /**
   * Integrates the current segment to `nowMs`. If that leaves the open bucket, the bucket is closed
   * (emitted if something happened in it), the buckets wholly inside the segment are jumped over in
   * one step (the value moves by slope × gap, exactly what a reader carries), and the bucket holding
   * `nowMs` opens with the segment's remaining part.
   */
  private advance(nowMs: SimTime): void {
    const bucketEnd = this.bucketStart + this.periodMs;
    if (nowMs < bucketEnd) {
      this.integrate(nowMs);
      return;
    }
    this.integrate(bucketEnd);
    if (this.dirty) this.onClose(this.summary(false));
    const next = nowMs - (nowMs % this.periodMs);
    if (next > bucketEnd) {
      const gap = next - bucketEnd;
      const buf = this.buf;
      const w = this.width;
      for (let i = 0; i < w; i++) if (buf[SLOPE * w + i] !== 0) buf[VALUE * w + i] += buf[SLOPE * w + i] * gap;
    }
    this.at = next;
    this.openBucket(next);
    this.integrate(nowMs);
  }

  private summary(final: boolean): BucketSummary {
    const covered = this.covered;
    const buf = this.buf;
    const w = this.width;
    // The end of the covered part is a left limit: a set at that very ms (zero length) is not in it.
    const end = copy(buf, (covered > 0 ? END_VALUE : VALUE) * w, w);
    let mean: number[];
    if (covered > 0) {
      mean = new Array<number>(w);
      for (let i = 0; i < w; i++) mean[i] = buf[INTEGRAL * w + i] / covered;
    } else mean = end.slice();
    return {
      start: this.bucketStart,
      coveredMs: covered,
      count: this.count,
      mean,
      max: covered > 0 ? copy(buf, MAX * w, w) : end.slice(),
      end,
      slope: copy(buf, (covered > 0 ? END_SLOPE : SLOPE) * w, w),
      final,
    };
  }
}

// The runs of MetricSeries' buffer.
const VALUE = 0;
const SLOPE = 1;
const INTEGRAL = 2;
const MAX = 3;
const END_VALUE = 4;
const END_SLOPE = 5;

function copy(buf: Float64Array, from: number, width: number): number[] {
  const out = new Array<number>(width);
  for (let i = 0; i < width; i++) out[i] = buf[from + i];
  return out;
}

/**
 * Two summaries of the same bucket (e.g. before and after a process restart) combined: `coveredMs`
 * and `count` added, means weighted by `coveredMs`, max of the maxima (of the parts that cover
 * something), `end`/`slope`/`final` from the later one (`b`).
 */
export function mergeBuckets(a: BucketSummary, b: BucketSummary): BucketSummary {
  if (a.start !== b.start) throw new RangeError(`cannot merge buckets of different starts (${a.start} ≠ ${b.start})`);
  const width = b.end.length;
  if (a.end.length !== width) throw new RangeError(`cannot merge buckets of different widths (${a.end.length} ≠ ${width})`);
  const covered = a.coveredMs + b.coveredMs;
  const mean = new Array<number>(width);
  const max = new Array<number>(width);
  for (let i = 0; i < width; i++) {
    mean[i] = covered > 0 ? (a.mean[i] * a.coveredMs + b.mean[i] * b.coveredMs) / covered : b.mean[i];
    if (a.coveredMs > 0 && b.coveredMs > 0) max[i] = Math.max(a.max[i], b.max[i]);
    else max[i] = a.coveredMs > 0 ? a.max[i] : b.max[i];
  }
  return { start: b.start, coveredMs: covered, count: a.count + b.count, mean, max, end: b.end.slice(), slope: b.slope.slice(), final: b.final };
}

/**
 * The bucket with only `fields` (indices), in that order: what a reader of those fields alone
 * needs. `aggregateBuckets` treats every field on its own, so the projection's points hold the same
 * numbers for those fields as the whole bucket's.
 */
export function projectBucket(b: BucketSummary, fields: readonly number[]): BucketSummary {
  const pick = (xs: readonly number[]) => fields.map((k) => xs[k]);
  return { ...b, mean: pick(b.mean), max: pick(b.max), end: pick(b.end), slope: pick(b.slope) };
}
