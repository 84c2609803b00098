import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two facts EC2 keeps that Nimbus did not:
 * - `instances.booted_at`: when an instance's guest boot began (it entered `running`, or was
 *   rebooted). The status checks are `initializing` again after a reboot, and a Windows password is
 *   generated in the first boot that lasts 4 minutes. The running instances there were booted when
 *   they entered `running` (their state_since); the others null (not running).
 * - `launch_templates.last_version_number`: the highest version number a template ever gave, so a
 *   deleted latest version's number is not given again. For the templates there were, their latest
 *   version (the highest left: a number deleted before cannot be known).
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class BootsAndVersionNumbers1764850000000 implements MigrationInterface {
  name = 'BootsAndVersionNumbers1764850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" ADD COLUMN "booted_at" bigint');
    await q.query(`UPDATE "instances" SET "booted_at" = "state_since" WHERE "state" = 'running'`);
    await q.query('ALTER TABLE "launch_templates" ADD COLUMN "last_version_number" integer NOT NULL DEFAULT 0');
    await q.query('UPDATE "launch_templates" SET "last_version_number" = "latest_version"');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "launch_templates" DROP COLUMN "last_version_number"');
    await q.query('ALTER TABLE "instances" DROP COLUMN "booted_at"');
  }
}
