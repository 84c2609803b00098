import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Windows instance's Administrator password, as GetPasswordData answers it: encrypted with the
 * launch key pair's RSA public key (base64; the plaintext is never stored), and when it becomes
 * available (application/instances/password-data.ts). Null for the instances launched before: they
 * answer an empty `passwordData`, as an instance without a password does.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class InstancePasswordData1764730000000 implements MigrationInterface {
  name = 'InstancePasswordData1764730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" ADD COLUMN "password_data" text');
    await q.query('ALTER TABLE "instances" ADD COLUMN "password_data_at" bigint');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "password_data_at"');
    await q.query('ALTER TABLE "instances" DROP COLUMN "password_data"');
  }
}
