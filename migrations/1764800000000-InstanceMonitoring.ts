import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Detailed monitoring (EC2's `Monitoring.Enabled`, MonitorInstances / UnmonitorInstances): what was
 * last asked and when (application/instances/monitoring.ts). `disabled`, never changed, for the
 * instances there were: RunInstances refused monitoring before.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class InstanceMonitoring1764800000000 implements MigrationInterface {
  name = 'InstanceMonitoring1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "instances" ADD COLUMN "monitoring" varchar(16) NOT NULL DEFAULT 'disabled'`);
    await q.query('ALTER TABLE "instances" ADD COLUMN "monitoring_since" bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "monitoring_since"');
    await q.query('ALTER TABLE "instances" DROP COLUMN "monitoring"');
  }
}
