import { randomInt } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The EC2 Query protocol (issue 15): each tenant's 12-digit account id (`ownerId`), backfilled for
 * the tenants that exist; its access keys for Signature Version 4 (at most two, the secret stored
 * encrypted under the server's key, never in clear); and the instance attributes EC2 shows and
 * RunInstances / ModifyInstanceAttribute set: user data, termination protection, the shutdown
 * behaviour, EBS optimization and the instance's position in its launch (amiLaunchIndex).
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class Ec2Credentials1764500000000 implements MigrationInterface {
  name = 'Ec2Credentials1764500000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    await q.query('ALTER TABLE "tenants" ADD COLUMN "account_id" varchar(12) NULL');
    const tenants: { id: string }[] = await q.query('SELECT "id" FROM "tenants"');
    const taken = new Set<string>();
    for (const t of tenants) {
      let accountId: string;
      do accountId = newAccountId();
      while (taken.has(accountId));
      taken.add(accountId);
      await q.query(`UPDATE "tenants" SET "account_id" = ${postgres ? '$1' : '?'} WHERE "id" = ${postgres ? '$2' : '?'}`, [accountId, t.id]);
    }
    await q.createIndex('tenants', new TableIndex({ name: 'ux_tenants_account_id', columnNames: ['account_id'], isUnique: true }));
    await q.createTable(new Table({
      name: 'access_keys',
      columns: [
        { name: 'access_key_id', type: 'varchar', length: '20', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'secret_ciphertext', type: 'varchar', length: '255' },
        { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_access_keys_tenant', columnNames: ['tenant_id'] })],
      foreignKeys: [{ name: 'fk_access_keys_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    // A boolean's false as each database writes it (SQLite stores booleans as 0/1).
    const no = postgres ? 'false' : '0';
    await q.query('ALTER TABLE "instances" ADD COLUMN "user_data" text NULL');
    await q.query(`ALTER TABLE "instances" ADD COLUMN "disable_api_termination" boolean NOT NULL DEFAULT ${no}`);
    await q.query(`ALTER TABLE "instances" ADD COLUMN "shutdown_behavior" varchar(16) NOT NULL DEFAULT 'stop'`);
    await q.query(`ALTER TABLE "instances" ADD COLUMN "ebs_optimized" boolean NOT NULL DEFAULT ${no}`);
    await q.query('ALTER TABLE "instances" ADD COLUMN "launch_index" integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of ['launch_index', 'ebs_optimized', 'shutdown_behavior', 'disable_api_termination', 'user_data']) await q.query(`ALTER TABLE "instances" DROP COLUMN "${column}"`);
    await q.dropTable('access_keys');
    await q.dropIndex('tenants', 'ux_tenants_account_id');
    await q.query('ALTER TABLE "tenants" DROP COLUMN "account_id"');
  }
}

/** 12 decimal digits, the first not 0 (as EC2's account ids are shown). */
function newAccountId(): string {
  return String(randomInt(1, 10)) + String(randomInt(0, 100_000)).padStart(5, '0') + String(randomInt(0, 1_000_000)).padStart(6, '0');
}
