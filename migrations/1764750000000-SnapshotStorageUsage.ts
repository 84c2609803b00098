import { MigrationInterface, QueryRunner } from 'typeorm';
import { insertOpenUsageOrIgnore, storedClockMs } from './usage-backfill';

/**
 * EBS snapshot storage is billed (a `snapshot-usage` interval per snapshot, from its creation until
 * DeleteSnapshot). The snapshots there were when billing for them began are billed from then on,
 * not from their creation: their storage was free under the rules in force until now, and billing
 * it afterwards would change months already estimated or closed, for a charge no tenant could have
 * avoided. So each gets an open interval from the simulation's clock as stored (the clock resumes
 * from it at start), or from its own start if that is later (or if no clock was ever stored), with
 * the id the app derives (`snapshot:<id>:<start>`), inserted or ignored, so a rerun adds nothing.
 * No schema change: `usage_records` holds any kind.
 *
 * Reverting deletes every `snapshot-usage` record: the code before this reads an unknown kind as
 * data transfer, so they cannot stay.
 */
export class SnapshotStorageUsage1764750000000 implements MigrationInterface {
  name = 'SnapshotStorageUsage1764750000000';

  async up(q: QueryRunner): Promise<void> {
    const billingFromMs = await storedClockMs(q);
    const snapshots = (await q.query('SELECT "id", "tenant_id", "volume_size_gib", "started_at" FROM "snapshots" ORDER BY "id"')) as {
      id: string; tenant_id: string; volume_size_gib: number | string; started_at: number | string;
    }[];
    await insertOpenUsageOrIgnore(q, snapshots.map((s) => {
      const startMs = Math.max(Number(s.started_at), billingFromMs);
      return { recordId: `snapshot:${s.id}:${startMs}`, tenantId: s.tenant_id, kind: 'snapshot-usage', resourceId: s.id, startMs, attrs: { sizeGiB: Number(s.volume_size_gib) } };
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "usage_records" WHERE "kind" = 'snapshot-usage'`);
  }
}
