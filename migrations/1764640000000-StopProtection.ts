import { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * Stop protection (EC2's `DisableApiStop` instance attribute): StopInstances and TerminateInstances
 * refuse a protected instance (OperationNotPermitted). False for the instances there were.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class StopProtection1764640000000 implements MigrationInterface {
  name = 'StopProtection1764640000000';

  async up(q: QueryRunner): Promise<void> {
    const [no] = sqlBooleans(q);
    await q.query(`ALTER TABLE "instances" ADD COLUMN "disable_api_stop" boolean NOT NULL DEFAULT ${no}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "disable_api_stop"');
  }
}
