import { aggregateBuckets, BucketSummary, METRIC_BASE_PERIOD_MS, MetricKind, MetricPoint, MS_PER_HOUR, projectBucket } from '@nimbus/hypervisor';
import { invalidParameter } from '../common/api-errors';
import { MetricsRepository } from '../../persistence/metrics.repository';
import { MetricsWindowQuery } from './vmm.commands';

/** CloudWatch answers at most 1,440 data points per request. */
export const MAX_POINTS = 1_440;

export interface MetricsWindow {
  readonly fromMs: number;
  readonly toMs: number;
  readonly periodMs: number;
}

/** One series' points over a window: count, mean, max and end value of each field, per period. */
export interface MetricSeries {
  readonly kind: MetricKind;
  readonly periodMs: number;
  readonly points: MetricPoint[];
}

/**
 * `from`/`to` are ISO 8601 simulated times (default: the last hour up to now); `period` is in
 * seconds, a multiple of 60 (CloudWatch's rule), by default the smallest that fits 1,440 points.
 */
export function parseWindow(q: MetricsWindowQuery, now: number, defaultSpanMs = MS_PER_HOUR): MetricsWindow {
  const time = (v: unknown, name: string, fallback: number) => {
    if (v === undefined || v === '') return fallback;
    if (typeof v !== 'string') throw invalidParameter(`${name} must be an ISO 8601 time`);
    const t = Date.parse(v);
    if (!Number.isFinite(t)) throw invalidParameter(`${name} must be an ISO 8601 time, got '${v}'`);
    return t;
  };
  const toMs = time(q.to, 'to', now);
  const fromMs = time(q.from, 'from', toMs - defaultSpanMs);
  if (fromMs >= toMs) throw invalidParameter(`from (${new Date(fromMs).toISOString()}) must be before to (${new Date(toMs).toISOString()})`);
  let periodMs: number;
  if (q.period === undefined || q.period === '') {
    const minimum = Math.ceil((toMs - fromMs) / MAX_POINTS / METRIC_BASE_PERIOD_MS) * METRIC_BASE_PERIOD_MS;
    periodMs = Math.max(METRIC_BASE_PERIOD_MS, minimum);
    // The first point starts at a multiple of the period, before an unaligned `from`: that may take one more period.
    while (Math.ceil((toMs - Math.floor(fromMs / periodMs) * periodMs) / periodMs) > MAX_POINTS) periodMs += METRIC_BASE_PERIOD_MS;
  } else {
    const seconds = Number(q.period);
    if (typeof q.period !== 'string' || !/^\d+$/.test(q.period) || !Number.isSafeInteger(seconds) || seconds < 60 || seconds % 60 !== 0)
      throw invalidParameter(`period must be a whole number of seconds, a multiple of 60, got '${String(q.period)}'`);
    periodMs = seconds * 1000;
  }
  const points = Math.ceil((toMs - Math.floor(fromMs / periodMs) * periodMs) / periodMs);
  if (points > MAX_POINTS) throw invalidParameter(`the window holds ${points} points of ${periodMs / 1000} s; at most ${MAX_POINTS} (raise period or narrow from/to)`);
  // Nothing is known past now: a window reaching into the future is read up to now (and no value is carried there).
  return { fromMs, toMs: Math.min(toMs, now), periodMs };
}

/** A series' buckets not committed yet: the closed ones waiting for their write, and the open one. */
export interface UnwrittenBuckets {
  readonly open: BucketSummary | undefined;
  readonly pending: readonly BucketSummary[];
}

/**
 * Reads one series' buckets for the window (plus the row to carry in, the buckets closed but not
 * yet written, and the open bucket the engine holds) and aggregates them: count, mean, max and end
 * per point. Peek the open bucket before taking the pending ones: the peek may close some.
 */
export async function readMetrics(
  repo: MetricsRepository, kind: MetricKind, id: string, w: MetricsWindow, open: BucketSummary | undefined, pending: readonly BucketSummary[] = [],
): Promise<MetricSeries> {
  if (w.toMs <= w.fromMs) return { kind, periodMs: w.periodMs, points: [] };
  const firstStart = windowStart(w);
  const buckets = await repo.bucketsBetween(id, firstStart, w.toMs);
  const carry = await repo.lastBefore(id, firstStart);
  return seriesOf(kind, w, buckets, carry, { open, pending });
}

/** Series whose buckets one step of `readMetricsMany` holds in memory at once. */
export const SERIES_PER_READ = 500;

/**
 * `readMetrics` of many series of one kind (a fleet's hosts), in a number of queries that does not
 * grow with their rows: SERIES_PER_READ series at a time, all their buckets in the window and all
 * their rows to carry in at once (MetricsRepository.windowMany); then each series exactly as
 * `readMetrics` makes it, handed to `each` in `ids`' order and not kept (a 10,000-host fleet's
 * series of 1,440 points would not fit in memory together). `unwritten` gives each series' open
 * and pending buckets, taken before the call (every open bucket peeked before the pending ones are taken).
 * `fields`: the only fields (indices) the caller reads, in that order; each point then holds those
 * alone (the rule aggregates every field on its own, so they are the same numbers), a fleet's
 * aggregation costs one or two fields per row instead of every one, and hosts' fields are read
 * from `host_metric_buckets` when it holds them (no JSON to parse).
 */
export async function readMetricsMany(
  repo: MetricsRepository, kind: MetricKind, ids: readonly string[], w: MetricsWindow, unwritten: (id: string) => UnwrittenBuckets,
  each: (id: string, series: MetricSeries) => void, fields?: readonly number[],
): Promise<void> {
  if (w.toMs <= w.fromMs) {
    for (const id of ids) each(id, { kind, periodMs: w.periodMs, points: [] });
    return;
  }
  const firstStart = windowStart(w);
  const readPart = (i: number) => {
    const read = repo.windowMany(kind, ids.slice(i, i + SERIES_PER_READ), firstStart, w.toMs, fields);
    // Awaited in its turn; until then a failure is not unhandled.
    read.catch(() => undefined);
    return read;
  };
  let next = readPart(0);
  for (let i = 0; i < ids.length; i += SERIES_PER_READ) {
    const part = ids.slice(i, i + SERIES_PER_READ);
    const read = await next;
    // The next part's read goes to the database (on PostgreSQL another process) while this one's
    // series are made: a turn of the event loop so that its queries are sent before that work.
    if (i + SERIES_PER_READ < ids.length) {
      next = readPart(i + SERIES_PER_READ);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    for (const id of part) {
      let rest = unwritten(id);
      if (fields) rest = { open: rest.open && projectBucket(rest.open, fields), pending: rest.pending.map((b) => projectBucket(b, fields)) };
      each(id, seriesOf(kind, w, read.buckets(id), read.carry(id), rest));
    }
  }
}

/** The start of the window's first period: the buckets read start here, the carried row before it. */
function windowStart(w: MetricsWindow): number {
  return Math.floor(w.fromMs / w.periodMs) * w.periodMs;
}

/**
 * One series from its committed buckets in the window (oldest first; taken over) and the last one
 * before it, with the buckets not written yet: the one rule both readers follow.
 */
function seriesOf(kind: MetricKind, w: MetricsWindow, buckets: BucketSummary[], committedCarry: BucketSummary | undefined, unwritten: UnwrittenBuckets): MetricSeries {
  const firstStart = windowStart(w);
  let carry = committedCarry;
  // Newer than every row (a row of the same start is the half written before a restart): the stable sort keeps them after it.
  const { open, pending } = unwritten;
  const rest = open ? [...pending, open] : [...pending];
  for (const b of rest) {
    if (b.start >= firstStart && b.start < w.toMs) buckets.push(b);
    // The newest state before the window is what carries into it.
    else if (b.start < firstStart && (!carry || b.start >= carry.start)) carry = b;
  }
  buckets.sort((a, b) => a.start - b.start);
  return { kind, periodMs: w.periodMs, points: aggregateBuckets(buckets, carry, w.fromMs, w.toMs, w.periodMs) };
}
