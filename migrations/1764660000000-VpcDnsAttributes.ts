import { MigrationInterface, QueryRunner } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * A VPC's attributes (EC2's DescribeVpcAttribute / ModifyVpcAttribute): `enableDnsSupport`,
 * `enableDnsHostnames` and `enableNetworkAddressUsageMetrics`. EC2 makes a default VPC with DNS
 * support and hostnames on, and any other VPC with DNS support on and hostnames off; the VPCs
 * there were get the same: hostnames on for the default VPCs only. Network Address Usage metrics
 * are off in every VPC EC2 makes.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class VpcDnsAttributes1764660000000 implements MigrationInterface {
  name = 'VpcDnsAttributes1764660000000';

  async up(q: QueryRunner): Promise<void> {
    const [no, yes] = sqlBooleans(q);
    await q.query(`ALTER TABLE "vpcs" ADD COLUMN "enable_dns_support" boolean NOT NULL DEFAULT ${yes}`);
    await q.query(`ALTER TABLE "vpcs" ADD COLUMN "enable_dns_hostnames" boolean NOT NULL DEFAULT ${no}`);
    await q.query(`ALTER TABLE "vpcs" ADD COLUMN "enable_network_address_usage_metrics" boolean NOT NULL DEFAULT ${no}`);
    await q.query(`UPDATE "vpcs" SET "enable_dns_hostnames" = ${yes} WHERE "is_default" = ${yes}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "vpcs" DROP COLUMN "enable_network_address_usage_metrics"');
    await q.query('ALTER TABLE "vpcs" DROP COLUMN "enable_dns_hostnames"');
    await q.query('ALTER TABLE "vpcs" DROP COLUMN "enable_dns_support"');
  }
}
