import { aggregateBuckets } from './metric-aggregate';
import { BucketSummary, METRIC_BASE_PERIOD_MS as P, MetricSeries, mergeBuckets, projectBucket } from './metric-series';

function recorder(width: number, startMs = 0, periodMs = P): { series: MetricSeries; rows: BucketSummary[] } {
  const rows: BucketSummary[] = [];
  return { series: new MetricSeries(width, periodMs, startMs, (b) => rows.push(b)), rows };
}

describe('MetricSeries', () => {
  it('summarizes 2 for 30 s then 4 for 30 s in one bucket as mean 3, max 4, count 2', () => {
    const { series, rows } = recorder(1);
    series.set(0, [2]);
    series.set(30_000, [4]);
    expect(rows).toEqual([]); // the bucket is still open
    series.set(60_000, [4]);
    expect(rows).toEqual([{ start: 0, coveredMs: 60_000, count: 2, mean: [3], max: [4], end: [4], slope: [0], final: false }]);
  });

  it('emits one row for a value held across 10 buckets, which still reads back as 10 points of that value', () => {
    const { series, rows } = recorder(2);
    series.set(0, [5, 0.5]);
    series.set(10 * P, [7, 0.25]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ start: 0, coveredMs: P, count: 1, mean: [5, 0.5], end: [5, 0.5] });
    const points = aggregateBuckets(rows, undefined, 0, 10 * P, P);
    expect(points).toHaveLength(10);
    points.forEach((p, i) => expect(p).toEqual({ time: i * P, coveredMs: P, count: 1, mean: [5, 0.5], max: [5, 0.5], end: [5, 0.5] }));
  });

  it('integrates a linear field exactly: 0 → 60 over one bucket has mean 30, max 60, end 60', () => {
    const { series, rows } = recorder(1);
    series.set(0, [0], [60 / P]);
    series.set(P, [60]);
    expect(rows).toHaveLength(1);
    expect(rows[0].mean[0]).toBeCloseTo(30, 12);
    expect(rows[0].max[0]).toBeCloseTo(60, 12);
    expect(rows[0].end[0]).toBeCloseTo(60, 12);
    expect(rows[0].slope[0]).toBe(60 / P);
  });

  it('ends the closed row of a segment that continues at the bucket END, so the carry is exact', () => {
    const { series, rows } = recorder(1);
    series.set(30_000, [100], [-0.001]); // begins mid-bucket, falls 1 per second
    series.set(5 * P, [0]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ start: 0, coveredMs: 30_000, count: 1, slope: [-0.001] });
    expect(rows[0].mean[0]).toBeCloseTo(85, 12); // 100 → 70 over the 30 s covered
    expect(rows[0].end[0]).toBeCloseTo(70, 12); // at 60 s, not at 30 s
    const points = aggregateBuckets(rows, undefined, 0, 5 * P, P);
    expect(points.map((p) => p.mean[0])).toEqual([85, 40, -20, -80, -140].map((x) => expect.closeTo(x, 9)));
    expect(points[4].end[0]).toBeCloseTo(-170, 9);
  });

  it('marks a series that ends mid-bucket final, and readers do not carry it', () => {
    const { series, rows } = recorder(1);
    series.set(0, [5]);
    series.end(90_000);
    expect(rows).toEqual([
      { start: 0, coveredMs: P, count: 1, mean: [5], max: [5], end: [5], slope: [0], final: false },
      { start: P, coveredMs: 30_000, count: 1, mean: [5], max: [5], end: [5], slope: [0], final: true },
    ]);
    const points = aggregateBuckets(rows, undefined, 0, 10 * P, P);
    expect(points.map((p) => [p.time, p.coveredMs])).toEqual([
      [0, P],
      [P, 30_000],
    ]);
    expect(() => series.set(100_000, [1])).toThrow();
  });

  it('ends on a bucket boundary with the bucket holding the last millisecond (no empty row)', () => {
    const { series, rows } = recorder(1);
    series.set(0, [5]);
    series.end(10 * P);
    expect(rows.map((r) => [r.start, r.coveredMs, r.final])).toEqual([
      [0, P, false],
      [9 * P, P, true],
    ]);
    expect(aggregateBuckets(rows, undefined, 0, 20 * P, P)).toHaveLength(10);
  });

  it('ends with a zero-coverage final marker when the end falls on a boundary right after a set', () => {
    const { series, rows } = recorder(1);
    series.set(0, [5]);
    series.set(P, [6]);
    series.end(P);
    expect(rows.map((r) => [r.start, r.coveredMs, r.count, r.final])).toEqual([
      [0, P, 1, false],
      [P, 0, 0, true],
    ]);
    expect(aggregateBuckets(rows, undefined, 0, 5 * P, P).map((p) => p.time)).toEqual([0]);
  });

  it('does not count zero-length segments (two sets at the same ms)', () => {
    const { series, rows } = recorder(1);
    series.set(0, [1]);
    series.set(20_000, [100]);
    series.set(20_000, [3]);
    series.end(P);
    expect(rows).toEqual([{ start: 0, coveredMs: P, count: 2, mean: [(1 * 20 + 3 * 40) / 60], max: [3], end: [3], slope: [0], final: true }]);
  });

  it('begins at its first set: before it the series covers nothing', () => {
    const { series, rows } = recorder(1, 0);
    expect(series.peek(45_000)).toBeUndefined();
    series.set(45_000, [8]);
    series.set(P, [8]);
    expect(rows[0]).toMatchObject({ start: 0, coveredMs: 15_000, count: 1, mean: [8] });
  });

  it('skips any number of quiet buckets in O(width): a set 19,000 years later emits one row', () => {
    const { series, rows } = recorder(1);
    series.set(0, [1], [1e-12]);
    const later = 1e10 * P; // 10^10 buckets
    series.set(later, [2]);
    expect(rows).toHaveLength(1);
    series.end(later + 1000);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ start: later, coveredMs: 1000, count: 1, mean: [2], final: true });
  });

  it('jumps a linear field over the skipped buckets by exactly slope × gap', () => {
    const { series, rows } = recorder(1);
    series.set(0, [0], [0.5]);
    series.set(3 * P + 10_000, [0], [0]);
    expect(rows).toHaveLength(1);
    const p = series.peek(4 * P);
    expect(rows).toHaveLength(2); // the bucket 3 closed at 4P
    expect(p).toBeUndefined();
    // bucket 3: 10 s of the tail of the ramp (from 0.5 × 3P = 90,000 to 95,000) then 50 s of 0
    expect(rows[1].start).toBe(3 * P);
    expect(rows[1].count).toBe(2);
    expect(rows[1].max[0]).toBe(95_000);
    expect(rows[1].mean[0]).toBeCloseTo((92_500 * 10) / 60, 9);
  });

  it('peek reports the open bucket without closing it, after emitting the buckets that ended', () => {
    const { series, rows } = recorder(1);
    series.set(0, [2]);
    series.set(30_000, [4]);
    series.set(P + 10_000, [6]);
    expect(rows).toHaveLength(1);
    const open = series.peek(P + 40_000);
    expect(open).toEqual({ start: P, coveredMs: 40_000, count: 2, mean: [(4 * 10 + 6 * 30) / 40], max: [6], end: [6], slope: [0], final: false });
    expect(rows).toHaveLength(1);
    series.set(2 * P, [1]);
    expect(rows[1]).toEqual({ start: P, coveredMs: P, count: 2, mean: [(4 * 10 + 6 * 50) / 60], max: [6], end: [6], slope: [0], final: false });
  });

  it('peeking inside a quiet stretch emits nothing: the quiet buckets stay rowless', () => {
    const { series, rows } = recorder(1);
    series.set(0, [3]);
    expect(series.peek(2 * P + 5)).toEqual({ start: 2 * P, coveredMs: 5, count: 1, mean: [3], max: [3], end: [3], slope: [0], final: false });
    expect(series.peek(4 * P + 5)).toMatchObject({ start: 4 * P, coveredMs: 5 });
    series.set(8 * P, [1]);
    expect(rows.map((r) => r.start)).toEqual([0]);
  });

  it('merging the two halves of a bucket (before and after a restart) equals the whole', () => {
    const whole = recorder(2);
    whole.series.set(0, [2, 0], [0, 0.001]);
    whole.series.set(10_000, [6, 10]);
    whole.series.set(45_000, [1, 10], [0, -0.002]);
    whole.series.set(P, [0, 0]);

    const before = recorder(2);
    before.series.set(0, [2, 0], [0, 0.001]);
    before.series.set(10_000, [6, 10]);
    const a = before.series.peek(30_000)!;
    const after = recorder(2, 30_000);
    after.series.set(30_000, [6, 10]); // the restarted process re-sets the current values
    after.series.set(45_000, [1, 10], [0, -0.002]);
    after.series.set(P, [0, 0]);
    expect(before.rows).toEqual([]);
    const merged = mergeBuckets(a, after.rows[0]);
    const expected = whole.rows[0];
    expect(merged.coveredMs).toBe(P);
    expect(merged.mean.map((x, i) => x - expected.mean[i])).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12)]);
    expect(merged.max).toEqual(expected.max);
    expect(merged.end).toEqual(expected.end);
    expect(merged.slope).toEqual(expected.slope);
    expect(merged.final).toBe(false);
    expect(merged.count).toBe(expected.count + 1); // counts are added: the re-set segment counts twice
    expect(() => mergeBuckets(a, { ...expected, start: P })).toThrow(RangeError);
  });

  it('refuses time going backwards, the wrong number of fields, and non-finite values', () => {
    const { series } = recorder(2, 1000);
    expect(() => series.set(999, [1, 2])).toThrow(RangeError);
    series.set(1000, [1, 2]);
    expect(() => series.set(5000, [1])).toThrow(RangeError);
    expect(() => series.set(5000, [1, NaN])).toThrow(RangeError);
    expect(() => series.set(5000, [1, 2], [0])).toThrow(RangeError);
    series.set(5000, [1, 2]);
    expect(() => series.set(4999, [1, 2])).toThrow(RangeError);
    expect(() => series.peek(4999)).toThrow(RangeError);
    expect(() => series.end(4999)).toThrow(RangeError);
    expect(() => new MetricSeries(0, P, 0, () => undefined)).toThrow(RangeError);
    expect(() => new MetricSeries(1, 0, 0, () => undefined)).toThrow(RangeError);
  });
});

describe('projectBucket', () => {
  // Three fields: 2 then 8 for 30 s each (mean 5, max 8, end 8); 1 rising at 0.001/ms; 7 throughout.
  const b: BucketSummary = { start: P, coveredMs: P, count: 2, mean: [5, 31, 7], max: [8, 61, 7], end: [8, 61, 7], slope: [0, 0.001, 0], final: false };

  it('keeps the chosen fields, in the order asked, and everything else of the bucket', () => {
    expect(projectBucket(b, [2, 0])).toEqual({ start: P, coveredMs: P, count: 2, mean: [7, 5], max: [7, 8], end: [7, 8], slope: [0, 0], final: false });
    expect(projectBucket({ ...b, final: true }, [1])).toEqual({ start: P, coveredMs: P, count: 2, mean: [31], max: [61], end: [61], slope: [0.001], final: true });
    expect(b.mean).toEqual([5, 31, 7]); // the bucket itself is left alone
  });

  it('aggregates to the same numbers as the whole bucket, field by field', () => {
    const rows = [b, { ...b, start: 3 * P, mean: [1, 3, 2], max: [1, 3, 2], end: [1, 3, 2], slope: [0, 0, 0], final: true }];
    const whole = aggregateBuckets(rows, undefined, 0, 5 * P, P);
    const projected = aggregateBuckets(rows.map((r) => projectBucket(r, [1])), undefined, 0, 5 * P, P);
    expect(projected).toEqual(whole.map((p) => ({ ...p, mean: [p.mean[1]], max: [p.max[1]], end: [p.end[1]] })));
    // The minute after the first row carries its rising field: 61 + 0.001 × 30,000 = 91 on average.
    expect(projected.map((p) => p.mean[0])).toEqual([31, 91, 3]);
  });
});
