import { MigrationInterface, QueryRunner } from 'typeorm';
import { insertOpenUsageOrIgnore, storedClockMs } from './usage-backfill';

/**
 * Detailed monitoring is billed (a `monitoring` interval while an instance runs with monitoring
 * enabled: docs/model.md §5). The instances running monitored when billing for it began are billed
 * from then on, for the reason SnapshotStorageUsage1764750000000 gives: each gets an open interval
 * from the simulation's clock as stored, or from when it began running or was monitored if that is
 * later, under the key the app gives it (`monitoring:<instance>:<start>`), inserted or ignored, so a
 * rerun adds nothing. Instances not running get theirs when they next run. No schema change.
 *
 * Reverting deletes every `monitoring` record: the code before this reads an unknown kind as data
 * transfer, so they cannot stay.
 */
export class MonitoringUsage1764815000000 implements MigrationInterface {
  name = 'MonitoringUsage1764815000000';

  async up(q: QueryRunner): Promise<void> {
    const billingFromMs = await storedClockMs(q);
    const monitored = (await q.query(
      `SELECT "id", "tenant_id", "state_since", "monitoring_since" FROM "instances" WHERE "monitoring" = 'enabled' AND "state" = 'running' ORDER BY "id"`,
    )) as { id: string; tenant_id: string; state_since: number | string; monitoring_since: number | string | null }[];
    await insertOpenUsageOrIgnore(q, monitored.map((i) => {
      const startMs = Math.max(billingFromMs, Number(i.state_since), Number(i.monitoring_since ?? 0));
      return { recordId: `monitoring:${i.id}:${startMs}`, tenantId: i.tenant_id, kind: 'monitoring', resourceId: i.id, startMs, attrs: {} };
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "usage_records" WHERE "kind" = 'monitoring'`);
  }
}
