import fc from 'fast-check';
import { BucketSummary, HOST, HOST_METRICS, METRIC_BASE_PERIOD_MS as P, projectBucket } from '@nimbus/hypervisor';
import { decodeHostBuckets, HOST_BUCKET_FIELDS, hostBucketColumns, hostBucketRow } from './host-metric-buckets';

/** A host bucket whose every field is `v`, except those given. */
function hostBucket(start: number, fields: Partial<Record<(typeof HOST_METRICS)[number], [number, number, number, number]>>, v = 0): BucketSummary {
  const arrays = { mean: [] as number[], max: [] as number[], end: [] as number[], slope: [] as number[] };
  HOST_METRICS.forEach((name, k) => {
    const [mean, max, end, slope] = fields[name] ?? [v, v, v, 0];
    arrays.mean[k] = mean;
    arrays.max[k] = max;
    arrays.end[k] = end;
    arrays.slope[k] = slope;
  });
  return { start, coveredMs: P, count: 2, ...arrays, final: false };
}

/** A row's `head` and the given columns, as the database concatenates them for a read. */
const record = (row: Record<string, unknown>, properties: readonly string[]) => [row.head, ...properties.map((p) => row[p])].join('');

describe('host_metric_buckets rows (hand-worked)', () => {
  // Little-endian float64s, in hex: 60,000 = 1.8310546875 × 2^15: exponent 1023 + 15 = 0x40E, fraction
  // 0.8310546875 × 2^52 = 0xD4C × 2^40, so 0x40ED4C0000000000, whose bytes from the lowest are
  // 00 00 00 00 00 4c ed 40. 1 = 0x3FF0000000000000, 2 = 0x4000000000000000, 0.5 = 0x3FE0000000000000.
  const SIXTY_THOUSAND = '00000000004ced40';
  const ONE = '000000000000f03f';
  const TWO = '0000000000000040';
  const HALF = '000000000000e03f';
  const ZERO = '0000000000000000';

  it('stores a bucket\'s start, coverage, count and final flag, and each field\'s mean, max, end and slope', () => {
    // CPU 50 % on average, 100 % at most, 50 % at the end; failed for half the minute, ending repaired.
    const b = hostBucket(P, { cpuUtilization: [0.5, 1, 0.5, 0], failed: [0.5, 1, 0, 0] });
    const row = hostBucketRow('h-1', b);
    expect(row).toMatchObject({ hostId: 'h-1', bucketStart: P });
    expect(row.head).toBe(SIXTY_THOUSAND + SIXTY_THOUSAND + TWO + ZERO);
    expect(row.cpuUtilization).toBe(HALF + ONE + HALF + ZERO);
    expect(row.failed).toBe(HALF + ONE + ZERO + ZERO);
    expect(hostBucketRow('h-1', { ...b, final: true }).head).toBe(SIXTY_THOUSAND + SIXTY_THOUSAND + TWO + ONE);
  });

  it('reads back a host\'s records, concatenated, as the buckets projected on those fields', () => {
    const a = hostBucket(0, { memoryResidentMiB: [1024, 2048, 512, 0], memoryCapacityMiB: [8192, 8192, 8192, 0] });
    const b = { ...hostBucket(2 * P, { memoryResidentMiB: [2, 2, 2, 0], memoryCapacityMiB: [8192, 8192, 8192, 0] }), final: true };
    const fields = [HOST.memoryResidentMiB, HOST.memoryCapacityMiB];
    const properties = ['memoryResidentMiB', 'memoryCapacityMiB'];
    const text = [a, b].map((x) => record(hostBucketRow('h-1', x) as unknown as Record<string, unknown>, properties)).join('');
    expect(decodeHostBuckets(text, 2)).toEqual([projectBucket(a, fields), projectBucket(b, fields)]);
    // The database concatenates a host's rows in the order it reads them: they come back oldest first.
    const reversed = [b, a].map((x) => record(hostBucketRow('h-1', x) as unknown as Record<string, unknown>, properties)).join('');
    expect(decodeHostBuckets(reversed, 2)).toEqual([projectBucket(a, fields), projectBucket(b, fields)]);
    expect(decodeHostBuckets('', 1)).toEqual([]);
    // A record cut short is an error, not a shorter bucket.
    expect(() => decodeHostBuckets(text.slice(0, -16), 2)).toThrow(/whole/);
    // So is a character that is not a hex digit, even the last.
    expect(() => decodeHostBuckets(`${text.slice(0, -1)}g`, 2)).toThrow(/whole/);
    expect(() => decodeHostBuckets(`x${text.slice(1)}`, 2)).toThrow(/whole/);
  });

  it('names the columns of the fields it holds, and none for a set with a field it does not', () => {
    expect(hostBucketColumns([HOST.cpuUtilization])).toEqual(['cpu_utilization']);
    expect(hostBucketColumns([HOST.memoryResidentMiB, HOST.memoryCapacityMiB])).toEqual(['memory_resident_mib', 'memory_capacity_mib']);
    expect(hostBucketColumns([HOST.failed])).toEqual(['failed']);
    expect(hostBucketColumns([HOST.cpuUtilization, HOST.powerWatts])).toBeUndefined();
  });

  it('reads -0 as 0 and a non-finite number as null, as the JSON summary reads them back', () => {
    const b = hostBucket(0, { cpuUtilization: [-0, Infinity, -Infinity, NaN] });
    const row = hostBucketRow('h-1', b) as unknown as Record<string, unknown>;
    const [read] = decodeHostBuckets(record(row, ['cpuUtilization']), 1);
    expect(read).toEqual(projectBucket(JSON.parse(JSON.stringify(b)), [HOST.cpuUtilization]));
    expect([read.mean[0], read.max[0], read.end[0], read.slope[0]]).toEqual([0, null, null, null]);
    expect(Object.is(read.mean[0], 0)).toBe(true);
  });
});

describe('host_metric_buckets rows (property)', () => {
  const double = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 5e-324, Number.MAX_VALUE, 1 / 3));
  const four = fc.tuple(double, double, double, double);
  const bucket = fc.record({
    start: fc.integer({ min: 0, max: 2 ** 40 }).map((k) => k * P),
    coveredMs: fc.integer({ min: 0, max: P }),
    count: fc.integer({ min: 0, max: 10_000 }),
    final: fc.boolean(),
    fields: fc.array(four, { minLength: HOST_METRICS.length, maxLength: HOST_METRICS.length }),
  }).map(({ fields, ...head }): BucketSummary => ({ ...head, mean: fields.map((f) => f[0]), max: fields.map((f) => f[1]), end: fields.map((f) => f[2]), slope: fields.map((f) => f[3]) }));

  it('every stored set of fields reads back exactly as the JSON summary, projected', () => {
    const subsets = fc.subarray([...HOST_BUCKET_FIELDS], { minLength: 1 }).chain((s) => fc.shuffledSubarray(s, { minLength: s.length, maxLength: s.length }));
    fc.assert(
      fc.property(fc.array(bucket, { minLength: 1, maxLength: 5 }), subsets, (buckets, chosen) => {
        const text = buckets.map((b) => record(hostBucketRow('h-1', b) as unknown as Record<string, unknown>, chosen.map((f) => f.property))).join('');
        // Oldest first, whatever the order of the records (a host has one row per start; equal ones keep their order).
        const expected = buckets.map((b) => projectBucket(JSON.parse(JSON.stringify(b)) as BucketSummary, chosen.map((f) => f.index))).sort((a, b) => a.start - b.start);
        // toEqual tells 0 from -0 (Object.is): the numbers are the same to the bit.
        expect(decodeHostBuckets(text, chosen.length)).toEqual(expected);
      }),
    );
  });
});
