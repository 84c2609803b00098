import { SimTime, assertSimTime } from '../../engine/sim-time';
import { BucketSummary, METRIC_BASE_PERIOD_MS, mergeBuckets } from './metric-series';

/** One output bucket of `aggregateBuckets`. */
export interface MetricPoint {
  /** Bucket start, a multiple of the output period. */
  time: SimTime;
  /** Ms of the bucket covered by the series (rows plus carried stretches). */
  coveredMs: number;
  /** Segments summarized: the rows' counts, plus one per carried stretch. */
  count: number;
  /** Time-weighted mean of each field over the covered ms. */
  mean: number[];
  /** Max of each field over the covered ms. */
  max: number[];
  /** Each field's value at the end of the covered part. */
  end: number[];
}

/**
 * Reads persisted bucket summaries back as points of `periodMs` (a multiple of `basePeriodMs`, the
 * period the rows were written with): one point per output bucket from
 * floor(fromMs / periodMs) × periodMs while < toMs, each the time-weighted mean over its covered time,
 * the max, the count and the end value. The rules:
 *
 * - a base bucket with a row is covered by that row (several rows of the same start — halves from
 *   before and after a restart — are merged with `mergeBuckets`);
 * - a base bucket with no row is covered by carrying the previous row's end state: level fields keep
 *   `end`, linear fields continue as `end + slope × (t − (row.start + basePeriodMs))`, evaluated exactly
 *   (the mean of a linear stretch is its midpoint value). A run of such buckets is skipped
 *   arithmetically, and counts as one segment per output bucket it lies in;
 * - nothing is carried past a `final` row, before the first row, or past `toMs` (the reader's "now":
 *   rows that start before `toMs` are used whole, carried stretches stop at `toMs`);
 * - points with no coverage are omitted.
 *
 * `rows` must be sorted by start and hold every row that starts in
 * [floor(fromMs / periodMs) × periodMs, toMs); rows before that only set the carry (the last one
 * wins), rows from `toMs` on are ignored. `carry` is the last row that started before `rows[0]` (or
 * undefined if there is none; it is ignored if it does not start before `rows[0]`).
 * A live series' open bucket has no row until it closes: to read up to "now", append
 * `series.peek(now)` to the rows (otherwise the previous row is carried through it).
 * O(rows + output points), never O(base buckets). `toMs` before `fromMs` is a RangeError.
 */
export function aggregateBuckets(
  rows: readonly BucketSummary[],
  carry: BucketSummary | undefined,
  fromMs: SimTime,
  toMs: SimTime,
  periodMs: number,
  basePeriodMs: number = METRIC_BASE_PERIOD_MS,
): MetricPoint[] {
  if (!Number.isSafeInteger(basePeriodMs) || basePeriodMs < 1) throw new RangeError(`basePeriodMs must be a positive integer, got ${basePeriodMs}`);
  if (!Number.isSafeInteger(periodMs) || periodMs < basePeriodMs || periodMs % basePeriodMs !== 0) {
    throw new RangeError(`periodMs must be a positive multiple of ${basePeriodMs}, got ${periodMs}`);
  }
  assertSimTime(fromMs, 'fromMs');
  assertSimTime(toMs, 'toMs');
  if (toMs < fromMs) throw new RangeError(`toMs must not be before fromMs (${toMs} < ${fromMs})`);
  const stream: readonly BucketSummary[] = carry !== undefined && (rows.length === 0 || carry.start < rows[0].start) ? [carry, ...rows] : rows;
  if (stream.length === 0) return [];
  const width = stream[0].end.length;
  checkRows(stream, width, basePeriodMs);

  let i = 0;
  /** The next row, rows of the same start merged into one. */
  const take = (): BucketSummary => {
    let row = stream[i++];
    while (i < stream.length && stream[i].start === row.start) row = mergeBuckets(row, stream[i++]);
    return row;
  };
  let source: Carry | undefined;
  const follow = (row: BucketSummary): void => {
    source = row.final ? undefined : { end: row.end, slope: row.slope, fromMs: row.start + basePeriodMs };
  };

  const first = fromMs - (fromMs % periodMs);
  while (i < stream.length && stream[i].start < first) follow(take());

  const points: MetricPoint[] = [];
  // One accumulator, emptied for each output bucket (a fleet's read makes millions of points).
  const acc = new Accumulator(width);
  for (let q = first; q < toMs; q += periodMs) {
    if (source === undefined) {
      // Nothing to carry: jump to the bucket of the next row (the buckets before it have no coverage).
      if (i >= stream.length || stream[i].start >= toMs) break;
      const next = stream[i].start;
      if (next >= q + periodMs) q = next - (next % periodMs);
    }
    const stop = Math.min(q + periodMs, toMs);
    acc.reset();
    let pos = q;
    while (i < stream.length && stream[i].start < stop) {
      const row = take();
      if (source !== undefined) acc.carry(source, pos, row.start);
      acc.row(row);
      pos = row.start + basePeriodMs;
      follow(row);
    }
    if (source !== undefined) acc.carry(source, pos, stop);
    if (acc.coveredMs > 0) points.push(acc.point(q));
  }
  return points;
}

interface Carry {
  readonly end: readonly number[];
  readonly slope: readonly number[];
  /** The time `end` is the value at (the end of the row's bucket). */
  readonly fromMs: SimTime;
}

function checkRows(rows: readonly BucketSummary[], width: number, basePeriodMs: number): void {
  let previous = -Infinity;
  for (const r of rows) {
    if (!Number.isSafeInteger(r.start) || r.start < 0 || r.start % basePeriodMs !== 0) {
      throw new RangeError(`a row's start must be a multiple of ${basePeriodMs}, got ${r.start}`);
    }
    if (r.start < previous) throw new RangeError(`rows must be sorted by start (${r.start} after ${previous})`);
    if (!(r.coveredMs >= 0 && r.coveredMs <= basePeriodMs)) throw new RangeError(`a row's coveredMs must be within 0..${basePeriodMs}, got ${r.coveredMs}`);
    if (r.mean.length !== width || r.max.length !== width || r.end.length !== width || r.slope.length !== width) {
      throw new RangeError(`every row must have ${width} fields (row at ${r.start})`);
    }
    previous = r.start;
  }
}

/** One output bucket being summed: integrals, maxima, coverage, and the latest end values. */
class Accumulator {
  coveredMs = 0;
  private count = 0;
  private readonly integral: number[];
  private readonly max: number[];
  private readonly end: number[];

  constructor(private readonly width: number) {
    this.integral = new Array<number>(width);
    this.max = new Array<number>(width);
    this.end = new Array<number>(width);
    this.reset();
  }

  /** Empty again, for the next output bucket. */
  reset(): void {
    this.coveredMs = 0;
    this.count = 0;
    for (let k = 0; k < this.width; k++) {
      this.integral[k] = 0;
      this.max[k] = -Infinity;
      this.end[k] = 0;
    }
  }

  /** A persisted row: its mean × covered ms, its max, its end. */
  row(r: BucketSummary): void {
    this.count += r.count;
    if (r.coveredMs <= 0) return;
    for (let k = 0; k < this.width; k++) {
      this.integral[k] += r.mean[k] * r.coveredMs;
      this.max[k] = Math.max(this.max[k], r.max[k]);
      this.end[k] = r.end[k];
    }
    this.coveredMs += r.coveredMs;
  }

  /** The carried stretch [a, b): one segment, linear between its endpoint values. */
  carry(c: Carry, a: SimTime, b: SimTime): void {
    if (b <= a) return;
    const dt = b - a;
    for (let k = 0; k < this.width; k++) {
      const s = c.slope[k];
      const va = s === 0 ? c.end[k] : c.end[k] + s * (a - c.fromMs);
      const vb = s === 0 ? c.end[k] : c.end[k] + s * (b - c.fromMs);
      this.integral[k] += s === 0 ? va * dt : ((va + vb) / 2) * dt;
      this.max[k] = Math.max(this.max[k], va, vb);
      this.end[k] = vb;
    }
    this.coveredMs += dt;
    this.count += 1;
  }

  point(time: SimTime): MetricPoint {
    const covered = this.coveredMs;
    const mean = new Array<number>(this.width);
    for (let k = 0; k < this.width; k++) mean[k] = this.integral[k] / covered;
    return { time, coveredMs: covered, count: this.count, mean, max: this.max.slice(), end: this.end.slice() };
  }
}
