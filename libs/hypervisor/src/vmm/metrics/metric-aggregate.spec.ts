import fc from 'fast-check';
import { uniformIn } from '../../../../../test/support/arbitraries';
import { MetricPoint, aggregateBuckets } from './metric-aggregate';
import { BucketSummary, METRIC_BASE_PERIOD_MS, MetricSeries } from './metric-series';

/** A test signal: segments start at each set's `t` (non-decreasing); the series stops at `stopMs`. */
interface SetCall {
  t: number;
  values: number[];
  slopes: number[];
}
interface Signal {
  width: number;
  periodMs: number;
  sets: SetCall[];
  stopMs: number;
  /** `end`: the series ends at stopMs; `peek`: the process persists the open bucket at stopMs. */
  stop: 'end' | 'peek';
  /** Also peek (and discard) just before every set: peeking must not change what is read back. */
  peeks: boolean;
}

/** Runs the signal through a MetricSeries: the persisted rows (with the peeked open bucket), and how many were emitted. */
function record(s: Signal): { rows: BucketSummary[]; emitted: number } {
  const rows: BucketSummary[] = [];
  const series = new MetricSeries(s.width, s.periodMs, 0, (b) => rows.push(b));
  for (const c of s.sets) {
    if (s.peeks) series.peek(c.t);
    series.set(c.t, c.values, c.slopes);
  }
  if (s.stop === 'end') series.end(s.stopMs);
  const emitted = rows.length;
  if (s.stop === 'peek') {
    const open = series.peek(s.stopMs);
    if (open) rows.push(open);
  }
  return { rows, emitted };
}

/** The value of field k of segment j at time t. */
function valueAt(s: Signal, j: number, k: number, t: number): number {
  const c = s.sets[j];
  return c.values[k] + c.slopes[k] * (t - c.t);
}

function segmentEnd(s: Signal, j: number): number {
  return j + 1 < s.sets.length ? s.sets[j + 1].t : s.stopMs;
}

/** Exact piecewise reference: intersect every segment with every bucket of [first, toMs). */
function exactReference(s: Signal, fromMs: number, toMs: number): MetricPoint[] {
  const P = s.periodMs;
  const points: MetricPoint[] = [];
  for (let b = fromMs - (fromMs % P); b < toMs; b += P) {
    const hi = Math.min(b + P, toMs);
    const p: MetricPoint = { time: b, coveredMs: 0, count: 0, mean: new Array(s.width).fill(0), max: new Array(s.width).fill(-Infinity), end: new Array(s.width).fill(0) };
    for (let j = 0; j < s.sets.length; j++) {
      const lo = Math.max(b, s.sets[j].t);
      const up = Math.min(hi, segmentEnd(s, j));
      if (up <= lo) continue;
      for (let k = 0; k < s.width; k++) {
        const va = valueAt(s, j, k, lo);
        const vb = valueAt(s, j, k, up);
        p.mean[k] += ((va + vb) / 2) * (up - lo);
        p.max[k] = Math.max(p.max[k], va, vb);
        p.end[k] = vb;
      }
      p.coveredMs += up - lo;
      p.count++;
    }
    if (p.coveredMs > 0) points.push({ ...p, mean: p.mean.map((x) => x / p.coveredMs) });
  }
  return points;
}

/** Brute force, one millisecond at a time (for small periods): [t, t+1) of a segment is the mean of its endpoints. */
function perMsReference(s: Signal, fromMs: number, toMs: number): MetricPoint[] {
  const P = s.periodMs;
  const points: MetricPoint[] = [];
  let j = -1;
  for (let b = fromMs - (fromMs % P); b < toMs; b += P) {
    const p: MetricPoint = { time: b, coveredMs: 0, count: 0, mean: new Array(s.width).fill(0), max: new Array(s.width).fill(-Infinity), end: new Array(s.width).fill(0) };
    const seen = new Set<number>();
    for (let t = b; t < Math.min(b + P, toMs); t++) {
      while (j + 1 < s.sets.length && s.sets[j + 1].t <= t) j++;
      if (j < 0 || t >= s.stopMs) continue;
      seen.add(j);
      for (let k = 0; k < s.width; k++) {
        const v0 = valueAt(s, j, k, t);
        const v1 = valueAt(s, j, k, t + 1);
        p.mean[k] += (v0 + v1) / 2;
        p.max[k] = Math.max(p.max[k], v0, v1);
        p.end[k] = v1;
      }
      p.coveredMs++;
    }
    p.count = seen.size;
    if (p.coveredMs > 0) points.push({ ...p, mean: p.mean.map((x) => x / p.coveredMs) });
  }
  return points;
}

/** The largest |value| the signal takes (the scale for a relative tolerance). */
function scale(s: Signal): number {
  let m = 1;
  s.sets.forEach((c, j) => {
    for (let k = 0; k < s.width; k++) m = Math.max(m, Math.abs(valueAt(s, j, k, c.t)), Math.abs(valueAt(s, j, k, Math.max(c.t, segmentEnd(s, j)))));
  });
  return m;
}

function expectPointsClose(actual: MetricPoint[], expected: MetricPoint[], tolerance: number, withCount = true): void {
  expect(actual.map((p) => [p.time, p.coveredMs])).toEqual(expected.map((p) => [p.time, p.coveredMs]));
  const mismatches: string[] = [];
  actual.forEach((p, i) => {
    const e = expected[i];
    if (withCount && p.count !== e.count) mismatches.push(`point ${p.time}: count ${p.count} ≠ ${e.count}`);
    for (let k = 0; k < e.mean.length; k++) {
      for (const what of ['mean', 'max', 'end'] as const) {
        if (!(Math.abs(p[what][k] - e[what][k]) <= tolerance)) mismatches.push(`point ${p.time} field ${k}: ${what} ${p[what][k]} ≠ ${e[what][k]}`);
      }
    }
  });
  expect(mismatches).toEqual([]);
}

/**
 * Random piecewise signals: `maxGapBuckets` bounds the gaps between sets (many zero or tiny, some
 * spanning several quiet buckets), some fields linear.
 */
function signalArb(periodMs: fc.Arbitrary<number>, maxGapBuckets: number, slopeMax: number): fc.Arbitrary<Signal> {
  return fc.record({ width: fc.integer({ min: 1, max: 3 }), periodMs }).chain(({ width, periodMs }) => {
    const gap = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: periodMs }), fc.integer({ min: 0, max: maxGapBuckets * periodMs }));
    const fields = fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: width, maxLength: width });
    const linear = fc.array(fc.oneof(fc.constant(0), fc.double({ min: -slopeMax, max: slopeMax, noNaN: true })), { minLength: width, maxLength: width });
    return fc.record({
      startMs: fc.integer({ min: 0, max: 3 * periodMs }),
      calls: fc.array(fc.record({ gap, values: fields, slopes: linear }), { minLength: 1, maxLength: 25 }),
      tail: gap,
      stop: fc.constantFrom<'end' | 'peek'>('end', 'peek'),
      peeks: fc.boolean(),
    }).map(({ startMs, calls, tail, stop, peeks }): Signal => {
      let t = startMs;
      const sets = calls.map((c, i) => {
        if (i > 0) t += c.gap;
        return { t, values: c.values, slopes: c.slopes };
      });
      return { width, periodMs, sets, stopMs: t + tail, stop, peeks };
    });
  });
}

/** Reads `rows` as a store would: carry = the last row before the first bucket, rows = those in [first bucket, toMs). */
function query(rows: BucketSummary[], fromMs: number, toMs: number, periodMs: number): [BucketSummary[], BucketSummary | undefined] {
  const first = fromMs - (fromMs % periodMs);
  const before = rows.filter((r) => r.start < first);
  return [rows.filter((r) => r.start >= first && r.start < toMs), before[before.length - 1]];
}

/** A reading window: from anywhere in the signal; to the stop (peek: the persisted open bucket ends there) or beyond it (end). */
function windowOf(s: Signal, fromFrac: number, extraBuckets: number): [number, number] {
  const toMs = s.stop === 'end' ? s.stopMs + extraBuckets * s.periodMs + 1 : s.stopMs;
  return [Math.floor(fromFrac * toMs), toMs];
}

describe('aggregateBuckets of MetricSeries rows', () => {
  it('property: at the base period it equals a per-millisecond brute force (mean, max, end, count, coverage)', () => {
    fc.assert(
      fc.property(signalArb(fc.integer({ min: 1, max: 40 }), 6, 5), uniformIn(0, 1), fc.integer({ min: 0, max: 3 }), (s, f, extra) => {
        const { rows } = record(s);
        const [fromMs, toMs] = windowOf(s, f, extra);
        const [inRange, carry] = query(rows, fromMs, toMs, s.periodMs);
        const expected = perMsReference(s, fromMs, toMs);
        expectPointsClose(aggregateBuckets(inRange, carry, fromMs, toMs, s.periodMs, s.periodMs), expected, 1e-9 * scale(s));
        // every row handed over, no carry: the rows before the first bucket only set the carry
        expectPointsClose(aggregateBuckets(rows, undefined, fromMs, toMs, s.periodMs, s.periodMs), expected, 1e-9 * scale(s));
      }),
      { numRuns: 300 },
    );
  });

  it('property: with 60 s buckets it equals the exact piecewise computation', () => {
    fc.assert(
      fc.property(signalArb(fc.constant(METRIC_BASE_PERIOD_MS), 30, 0.05), uniformIn(0, 1), fc.integer({ min: 0, max: 3 }), (s, f, extra) => {
        const { rows } = record(s);
        const [fromMs, toMs] = windowOf(s, f, extra);
        const [inRange, carry] = query(rows, fromMs, toMs, METRIC_BASE_PERIOD_MS);
        expectPointsClose(aggregateBuckets(inRange, carry, fromMs, toMs, METRIC_BASE_PERIOD_MS), exactReference(s, fromMs, toMs), 1e-9 * scale(s));
      }),
      { numRuns: 300 },
    );
  });

  it('property: aggregating at k × the base period equals the base points combined, weighted by coverage', () => {
    fc.assert(
      fc.property(
        signalArb(fc.integer({ min: 1, max: 30 }), 12, 2),
        fc.integer({ min: 2, max: 7 }),
        uniformIn(0, 1),
        fc.integer({ min: 0, max: 10 }),
        (s, k, f, extra) => {
          const { rows } = record(s);
          const P = s.periodMs;
          const [fromMs, toMs] = windowOf(s, f, extra);
          const coarse = aggregateBuckets(rows, undefined, fromMs, toMs, k * P, P);
          const first = fromMs - (fromMs % (k * P));
          const base = aggregateBuckets(rows, undefined, first, toMs, P, P);
          const combined: MetricPoint[] = [];
          const sums: number[][] = [];
          for (const p of base) {
            const time = p.time - (p.time % (k * P));
            let c = combined[combined.length - 1];
            if (!c || c.time !== time) {
              c = { time, coveredMs: 0, count: 0, mean: new Array(s.width).fill(0), max: new Array(s.width).fill(-Infinity), end: [] };
              combined.push(c);
              sums.push(new Array(s.width).fill(0));
            }
            const sum = sums[sums.length - 1];
            p.mean.forEach((m, i) => (sum[i] += m * p.coveredMs));
            c.max = c.max.map((m, i) => Math.max(m, p.max[i]));
            c.coveredMs += p.coveredMs;
            c.count += p.count;
            c.end = p.end;
          }
          combined.forEach((c, j) => (c.mean = sums[j].map((x) => x / c.coveredMs)));
          expectPointsClose(coarse, combined, 1e-9 * scale(s), false);
          // a run of carried base buckets is one segment of the coarse bucket: never more segments than the base points have
          coarse.forEach((p, j) => {
            expect(p.count).toBeGreaterThanOrEqual(1);
            expect(p.count).toBeLessThanOrEqual(combined[j].count);
          });
          // and with the exact piecewise reference directly
          expectPointsClose(coarse, exactReference({ ...s, periodMs: k * P }, fromMs, toMs), 1e-9 * scale(s), false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: rows ≤ set calls + 1, sorted, distinct, aligned, only the last one final', () => {
    fc.assert(
      fc.property(signalArb(fc.integer({ min: 1, max: 100 }), 50, 1), (s) => {
        const { rows, emitted } = record(s);
        expect(emitted).toBeLessThanOrEqual(s.sets.length + 1);
        rows.forEach((r, i) => {
          expect(r.start % s.periodMs).toBe(0);
          if (i > 0) expect(r.start).toBeGreaterThan(rows[i - 1].start);
          expect(r.final).toBe(s.stop === 'end' && i === rows.length - 1);
          if (r.coveredMs > 0) expect(r.count).toBeGreaterThanOrEqual(1);
          expect(r.coveredMs).toBeLessThanOrEqual(s.periodMs);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('aggregateBuckets', () => {
  const P = METRIC_BASE_PERIOD_MS;
  const row = (start: number, v: number, extra: Partial<BucketSummary> = {}): BucketSummary => ({
    start,
    coveredMs: P,
    count: 1,
    mean: [v],
    max: [v],
    end: [v],
    slope: [0],
    final: false,
    ...extra,
  });

  it('carries the previous row through buckets without rows, counting the carried stretch as one segment', () => {
    const rows = [row(0, 10, { count: 3, max: [20], end: [4] }), row(3 * P, 1)];
    const points = aggregateBuckets(rows, undefined, 0, 6 * P, 3 * P);
    expect(points).toEqual([
      { time: 0, coveredMs: 3 * P, count: 4, mean: [(10 + 4 + 4) / 3], max: [20], end: [4] },
      { time: 3 * P, coveredMs: 3 * P, count: 2, mean: [1], max: [1], end: [1] },
    ]);
  });

  it('uses `carry` for the buckets before the first row, and carries nothing before any row', () => {
    expect(aggregateBuckets([row(5 * P, 1)], row(0, 7), 2 * P, 7 * P, P).map((p) => [p.time, p.mean[0]])).toEqual([
      [2 * P, 7],
      [3 * P, 7],
      [4 * P, 7],
      [5 * P, 1],
      [6 * P, 1],
    ]);
    expect(aggregateBuckets([row(5 * P, 1)], undefined, 2 * P, 7 * P, P).map((p) => p.time)).toEqual([5 * P, 6 * P]);
    expect(aggregateBuckets([], undefined, 0, 7 * P, P)).toEqual([]);
  });

  it('starts at the output bucket holding fromMs and stops carrying at toMs', () => {
    const points = aggregateBuckets([row(0, 2)], undefined, 3 * P + 5, 4 * P + 30_000, 2 * P);
    expect(points.map((p) => [p.time, p.coveredMs, p.count])).toEqual([
      [2 * P, 2 * P, 1],
      [4 * P, 30_000, 1],
    ]);
  });

  it('merges rows of the same start (the halves from before and after a restart)', () => {
    const a = row(0, 2, { coveredMs: 20_000 });
    const b = row(0, 5, { coveredMs: 40_000, max: [6], end: [3] });
    expect(aggregateBuckets([a, b], undefined, 0, P, P)).toEqual([{ time: 0, coveredMs: P, count: 2, mean: [4], max: [6], end: [3] }]);
  });

  it('skips runs of carried buckets arithmetically: 10^14 ms of base buckets read in an instant', () => {
    const rows = [row(0, 0, { end: [0], slope: [1e-9] })];
    const period = P * 1_000_000_000; // ≈ 1.9 years
    const toMs = 100 * period;
    const points = aggregateBuckets(rows, undefined, 0, toMs, period);
    expect(points).toHaveLength(100);
    const last = points[99];
    expect(last.coveredMs).toBe(period);
    // the ramp continues from P: value (t − P) × 1e-9, so the last bucket's mean is its midpoint value
    expect(last.mean[0]).toBeCloseTo((99.5 * period - P) * 1e-9, 3);
    expect(last.end[0]).toBeCloseTo((toMs - P) * 1e-9, 3);
  });

  it('refuses an output period that is not a multiple of the base, unsorted or misaligned rows, and mixed widths', () => {
    expect(() => aggregateBuckets([row(0, 1)], undefined, 0, P, 90_000)).toThrow(RangeError);
    expect(() => aggregateBuckets([row(0, 1)], undefined, 2 * P, P, P)).toThrow(RangeError);
    expect(() => aggregateBuckets([row(P, 1), row(0, 1)], undefined, 0, 2 * P, P)).toThrow(RangeError);
    expect(() => aggregateBuckets([row(1000, 1)], undefined, 0, 2 * P, P)).toThrow(RangeError);
    expect(() => aggregateBuckets([row(0, 1), { ...row(P, 1), mean: [1, 2] }], undefined, 0, 2 * P, P)).toThrow(RangeError);
  });
});
