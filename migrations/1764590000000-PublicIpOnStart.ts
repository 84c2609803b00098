import { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * Whether an interface was given an auto-assigned public IPv4 address at launch (its subnet's
 * MapPublicIpOnLaunch, or AssociatePublicIpAddress): EC2 releases that address when the instance
 * stops and gives the interface a new one when it starts (docs/ec2-networking.md). Backfilled true
 * for the interfaces that hold a public address now (only a launch gave one); the addresses of
 * instances stopped now go back to the pool, as their stop would have done (the revert keeps that).
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class PublicIpOnStart1764590000000 implements MigrationInterface {
  name = 'PublicIpOnStart1764590000000';

  async up(q: QueryRunner): Promise<void> {
    const [no, yes] = sqlBooleans(q);
    await q.query(`ALTER TABLE "network_interfaces" ADD COLUMN "auto_public_ip" boolean NOT NULL DEFAULT ${no}`);
    await q.query(`UPDATE "network_interfaces" SET "auto_public_ip" = ${yes} WHERE "id" IN (SELECT "network_interface_id" FROM "public_ip_allocations")`);
    await q.query(
      `DELETE FROM "public_ip_allocations" WHERE "network_interface_id" IN ` +
        `(SELECT n."id" FROM "network_interfaces" n JOIN "instances" i ON i."id" = n."instance_id" WHERE i."state" = 'stopped')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "network_interfaces" DROP COLUMN "auto_public_ip"');
  }
}
