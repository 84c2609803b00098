import { UsageRecordConflict } from '../errors';
import { UsageRecord } from './usage-record';

/** Same record, field by field. Records are flat, so a shallow comparison is complete. */
export function sameUsageRecord(a: UsageRecord, b: UsageRecord): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return ka.every((k) => ra[k] === rb[k]);
}

/**
 * One record per `recordId`, first occurrence kept, order otherwise preserved. A replay writes
 * identical records and they collapse; two records with one id but different content mean a
 * writer derived the key wrongly, and guessing which is right would bill wrongly, so that throws
 * `UsageRecordConflict`.
 */
export function dedupeUsage<R extends UsageRecord>(records: readonly R[]): R[] {
  const seen = new Map<string, R>();
  const out: R[] = [];
  for (const r of records) {
    const first = seen.get(r.recordId);
    if (first === undefined) {
      seen.set(r.recordId, r);
      out.push(r);
    } else if (!sameUsageRecord(first, r)) {
      throw new UsageRecordConflict(r.recordId);
    }
  }
  return out;
}
