import { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * Whether an instance was launched with a root EBS volume (every EC2 launch; a REST launch with
 * `volumes`): EC2 refuses to start such an instance while no volume is attached at its root device
 * (StartInstances: "Instance does not have a volume attached at root (/dev/xvda)"). A REST launch
 * with no volumes has none and starts as before. Backfilled true for the instances that have a
 * volume at /dev/xvda now (only a launch or an attach at the root device gave one).
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class EbsRoot1764610000000 implements MigrationInterface {
  name = 'EbsRoot1764610000000';

  async up(q: QueryRunner): Promise<void> {
    const [no, yes] = sqlBooleans(q);
    await q.query(`ALTER TABLE "instances" ADD COLUMN "ebs_root" boolean NOT NULL DEFAULT ${no}`);
    await q.query(`UPDATE "instances" SET "ebs_root" = ${yes} WHERE "id" IN (SELECT "instance_id" FROM "volumes" WHERE "device" = '/dev/xvda' AND "state" = 'in-use')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "ebs_root"');
  }
}
