import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant's raised request limits (issue 10, throttling): JSON text, null for EC2's figures.
 * Text rather than a JSON type, so that SQLite and PostgreSQL hold it alike.
 *
 * Plain ALTER TABLE, which both databases run in place: TypeORM's addColumn/dropColumn rebuild a
 * SQLite table (copy, drop, rename), and dropping `tenants` inside the migration's transaction,
 * where SQLite ignores `PRAGMA foreign_keys = OFF`, cascades to every tenant's API keys.
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
