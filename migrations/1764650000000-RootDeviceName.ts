import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each instance's root device (EC2's `rootDeviceName`): its image's at launch, `/dev/xvda` (Amazon
 * Linux's) or `/dev/sda1` (Ubuntu's, Red Hat's, SUSE's, Windows'). The instances there were were
 * all launched with /dev/xvda, the only root device before: the default keeps them so.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class RootDeviceName1764650000000 implements MigrationInterface {
  name = 'RootDeviceName1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "instances" ADD COLUMN "root_device_name" varchar(16) NOT NULL DEFAULT '/dev/xvda'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "root_device_name"');
  }
}
