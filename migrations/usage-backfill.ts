import { QueryRunner } from 'typeorm';

const BATCH = 100;

/**
 * The simulation's clock as stored (the clock resumes from it at start): where a migration that
 * starts billing something already held begins, so that months already estimated or closed do not
 * change. 0 if no clock was ever stored.
 */
export async function storedClockMs(q: QueryRunner): Promise<number> {
  const [clock] = (await q.query(`SELECT "value" FROM "settings" WHERE "key" = 'clock'`)) as { value: string }[];
  const nowMs: unknown = clock === undefined ? undefined : (JSON.parse(clock.value) as { nowMs?: unknown }).nowMs;
  return typeof nowMs === 'number' && Number.isSafeInteger(nowMs) ? nowMs : 0;
}

/** An open usage interval (no end, no billing period, no quantity) as `usage_records` stores it. */
export interface OpenUsageRow {
  readonly recordId: string;
  readonly tenantId: string;
  readonly kind: string;
  readonly resourceId: string;
  readonly startMs: number;
  readonly attrs: object;
}

/** Inserts these open intervals, a batch a statement, ignoring any whose id is already there (a rerun adds nothing). */
export async function insertOpenUsageOrIgnore(q: QueryRunner, rows: readonly OpenUsageRow[]): Promise<void> {
  const postgres = q.connection.driver.options.type === 'postgres';
  for (let i = 0; i < rows.length; i += BATCH) {
    const params: (string | number)[] = [];
    const tuples = rows.slice(i, i + BATCH).map((r) => {
      const values = [r.recordId, r.tenantId, r.kind, r.resourceId, r.startMs, JSON.stringify(r.attrs)];
      const marks = values.map((v) => {
        params.push(v);
        return postgres ? `$${params.length}` : '?';
      });
      return `(${marks.join(', ')})`;
    });
    await q.query(
      `INSERT INTO "usage_records" ("record_id", "tenant_id", "kind", "resource_id", "start_ms", "attrs") VALUES ${tuples.join(', ')} ON CONFLICT ("record_id") DO NOTHING`,
      params,
    );
  }
}
