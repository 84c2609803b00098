import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's raised request limits (issue 10, throttling): JSON text, null for EC2's figures.
 * Text rather than a JSON type, so that SQLite and PostgreSQL hold it alike.
 *
 * Plain ALTER TABLE, which both databases run in place: TypeORM's addColumn/dropColumn rebuild a
 * SQLite table (copy, drop, rename). A revert runs inside its transaction, where SQLite ignores
 * TypeORM's `PRAGMA foreign_keys = OFF`, so dropping the old `tenants` there cascaded to every
 * tenant's API keys (the migration test keeps a key across down and up).
 */
export class TenantRequestLimits1764300000000 implements MigrationInterface {
  name = 'TenantRequestLimits1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "tenants" ADD COLUMN "request_limits" text NULL');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "tenants" DROP COLUMN "request_limits"');
  }
}
