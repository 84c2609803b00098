import { BucketSummary, HOST, HostMetric } from '@nimbus/hypervisor';
import { HostMetricBucketEntity } from './entities/host-metric-bucket.entity';

/**
 * `host_metric_buckets`: the few fields of each closed host bucket that the fleet views read (the
 * heatmap: CPU and memory utilization; availability: `failed`), kept beside the bucket's whole
 * JSON summary in `metric_buckets` (25 fields × 4 arrays, ~0.6 kB of JSON) so that a fleet's window
 * is read without parsing that JSON: at 10,000 hosts × 24 h, 250,000 rows.
 *
 * - The same numbers, not a rollup: each row is the projection of the JSON summary on these
 *   fields (`projectBucket`) exactly as JSON.parse would give them back (-0 as 0, a non-finite
 *   number, which JSON writes as null, as null), so the one aggregation rule (`aggregateBuckets`)
 *   gives the fleet views the same points, to the bit, for every window and period.
 * - Written by the change writer in the transaction that writes the JSON row (both or neither;
 *   a merged half-bucket after a restart rewrites both), and back-filled by the migration.
 * - Each column is the hex of little-endian float64s (a bit-exact text that both databases store
 *   and concatenate alike): `head` [start, coveredMs, count, final as 0 or 1], each field
 *   [mean, max, end, slope]. A fleet read concatenates a host's rows in the database
 *   (group_concat / string_agg): one string per host crosses into JavaScript, not 25 rows.
 * - Not an hourly rollup of values: the routes take any window and any period (a multiple of
 *   60 s), and must answer to the bit as the JSON buckets do; pre-aggregated hours would be a
 *   second aggregation rule, right for one period only. Not a binary column: TypeORM has no
 *   binary type common to SQLite (blob) and PostgreSQL (bytea); hex text is both's, and
 *   concatenates alike in both.
 * - On SQLite the table is WITHOUT ROWID, its rows in (host, start) order, a host's window a few
 *   neighbouring pages. A rowid table keeps rows in the order they were written, each page holding
 *   one minute of many hosts: a 10,000-host × 24 h read then visits every page once per host on
 *   it, 1.2 s of SQLite's CPU against 0.15 s. The price is in the commits, where each host's new
 *   row goes to its own page: about 10 % more CPU on a fleet's 24 hourly commits than before this
 *   table (its rows and metric_buckets' written with plain upserts, fast-sql.ts).
 * - On PostgreSQL the table is a heap in insertion order: the change writer inserts a commit's rows
 *   in (host, start) order, so that the hosts one read asks for (500 in id order) lie on the same
 *   pages of each commit's rows, not scattered over all of them (about 600 pages of an hour-by-hour
 *   fleet's window against 7,600).
 */

/** The host fields stored in `host_metric_buckets`: the entity's property, its column, its index in HOST_METRICS. */
export const HOST_BUCKET_FIELDS = [
  { metric: 'cpuUtilization', property: 'cpuUtilization', column: 'cpu_utilization' },
  { metric: 'memoryResidentMiB', property: 'memoryResidentMiB', column: 'memory_resident_mib' },
  { metric: 'memoryCapacityMiB', property: 'memoryCapacityMiB', column: 'memory_capacity_mib' },
  { metric: 'failed', property: 'failed', column: 'failed' },
].map((f) => ({ ...f, index: HOST[f.metric as HostMetric] })) as readonly { metric: HostMetric; property: keyof HostMetricBucketEntity; column: string; index: number }[];

/** The column of each stored field, by its index in HOST_METRICS. */
const COLUMN_OF = new Map(HOST_BUCKET_FIELDS.map((f) => [f.index, f.column]));

/** The columns holding `fields` (indices in HOST_METRICS), in that order; undefined if one is not stored. */
export function hostBucketColumns(fields: readonly number[]): string[] | undefined {
  const columns = fields.map((k) => COLUMN_OF.get(k));
  return columns.every((c) => c !== undefined) ? (columns as string[]) : undefined;
}

const DOUBLES_HEAD = 4;
const DOUBLES_FIELD = 4;

/** Float64Array reads and writes the platform's byte order; the stored one is little-endian (every platform Node runs on here). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** A number as JSON.parse(JSON.stringify(x)) gives it back: -0 is 0, a non-finite number null (stored as NaN). */
const asJson = (x: number): number => (!Number.isFinite(x) ? NaN : x === 0 ? 0 : x);

/** A host bucket's row of `host_metric_buckets` (the bucket as written to metric_buckets, or merged there). */
export function hostBucketRow(hostId: string, b: BucketSummary): HostMetricBucketEntity {
  if (!LITTLE_ENDIAN) throw new Error('host_metric_buckets: a big-endian platform is not supported');
  // Every column's numbers in one array, each column's hex a slice of its bytes.
  const v = new Float64Array(DOUBLES_HEAD + DOUBLES_FIELD * HOST_BUCKET_FIELDS.length);
  v[0] = b.start;
  v[1] = b.coveredMs;
  v[2] = b.count;
  v[3] = b.final ? 1 : 0;
  HOST_BUCKET_FIELDS.forEach((f, k) => {
    const at = DOUBLES_HEAD + DOUBLES_FIELD * k;
    v[at] = asJson(b.mean[f.index]);
    v[at + 1] = asJson(b.max[f.index]);
    v[at + 2] = asJson(b.end[f.index]);
    v[at + 3] = asJson(b.slope[f.index]);
  });
  const bytes = Buffer.from(v.buffer);
  const hex = (from: number, doubles: number) => bytes.toString('hex', from * 8, (from + doubles) * 8);
  const row = { hostId, bucketStart: b.start, head: hex(0, DOUBLES_HEAD) } as HostMetricBucketEntity;
  HOST_BUCKET_FIELDS.forEach((f, k) => ((row as unknown as Record<string, string>)[f.property] = hex(DOUBLES_HEAD + DOUBLES_FIELD * k, DOUBLES_FIELD)));
  return row;
}

/**
 * The buckets of one or more rows' `head` and `width` field columns, concatenated (one record after
 * another, in any order), oldest first, with those fields alone (as `projectBucket` makes them): a
 * stored NaN reads as null, as JSON.parse reads the null JSON.stringify wrote for a non-finite number.
 */
export function decodeHostBuckets(text: string, width: number): BucketSummary[] {
  if (!LITTLE_ENDIAN) throw new Error('host_metric_buckets: a big-endian platform is not supported');
  const doubles = DOUBLES_HEAD + DOUBLES_FIELD * width;
  const length = text.length / (2 * 8);
  const whole = () => new Error(`host_metric_buckets: ${text.length} hex digits are not whole ${width}-field records`);
  if (length % doubles !== 0) throw whole();
  // Into one array kept from call to call: a fleet's read decodes 10,000 such strings, and a
  // buffer and a copy of each were a tenth of the heatmap's time, with their garbage.
  if (scratch.length < length) {
    scratch = new Float64Array(Math.max(length, 2 * scratch.length));
    scratchBytes = Buffer.from(scratch.buffer);
  }
  // Writing stops at the first character that is not a hex digit.
  if (scratchBytes.write(text, 0, 'hex') !== length * 8) throw whole();
  const v = scratch;
  const at = (i: number): number => (v[i] === v[i] ? v[i] : (null as unknown as number));
  const out: BucketSummary[] = [];
  let ordered = true;
  for (let r = 0; r < length; r += doubles) {
    if (r > 0 && v[r] < v[r - doubles]) ordered = false;
    const mean = new Array<number>(width);
    const max = new Array<number>(width);
    const end = new Array<number>(width);
    const slope = new Array<number>(width);
    for (let k = 0; k < width; k++) {
      const f = r + DOUBLES_HEAD + DOUBLES_FIELD * k;
      mean[k] = at(f);
      max[k] = at(f + 1);
      end[k] = at(f + 2);
      slope[k] = at(f + 3);
    }
    out.push({ start: v[r], coveredMs: v[r + 1], count: v[r + 2], mean, max, end, slope, final: v[r + 3] === 1 });
  }
  return ordered ? out : out.sort((a, b) => a.start - b.start);
}

/** decodeHostBuckets' numbers, and their bytes. */
let scratch = new Float64Array(1024);
let scratchBytes = Buffer.from(scratch.buffer);
