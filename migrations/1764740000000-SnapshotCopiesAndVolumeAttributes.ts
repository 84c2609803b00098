import { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * CopySnapshot and the volume attributes (EC2's DescribeVolumeAttribute / ModifyVolumeAttribute):
 * a snapshot made by CopySnapshot names the snapshot it was copied from (`source_snapshot_id`,
 * null for the snapshots there were, which CreateSnapshot and CreateImage made); a volume keeps
 * its `autoEnableIO` attribute (false for the volumes there were, EC2's default).
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class SnapshotCopiesAndVolumeAttributes1764740000000 implements MigrationInterface {
  name = 'SnapshotCopiesAndVolumeAttributes1764740000000';

  async up(q: QueryRunner): Promise<void> {
    const [no] = sqlBooleans(q);
    await q.query('ALTER TABLE "snapshots" ADD COLUMN "source_snapshot_id" varchar(32)');
    await q.query(`ALTER TABLE "volumes" ADD COLUMN "auto_enable_io" boolean NOT NULL DEFAULT ${no}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "volumes" DROP COLUMN "auto_enable_io"');
    await q.query('ALTER TABLE "snapshots" DROP COLUMN "source_snapshot_id"');
  }
}
