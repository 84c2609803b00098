import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The id of a tenant's default DHCP option set (application/networking/dhcp-options.ts
 * `defaultDhcpOptionsId`: common/ids' tokenId of this scope), written out here so the migration
 * keeps the ids whatever the code later does.
 */
const defaultSetId = (tenantId: string) => `dopt-${createHash('sha256').update(`DefaultDhcpOptions\0${tenantId}`).digest('hex').slice(0, 17)}`;

/** The account's default set in us-east-1, as EC2 makes it: domain-name ec2.internal, domain-name-servers AmazonProvidedDNS. */
const DEFAULT_CONFIGURATION = JSON.stringify([{ key: 'domain-name', values: ['ec2.internal'] }, { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] }]);

/**
 * DHCP option sets (EC2's Create/Associate/Delete/DescribeDhcpOptions; docs/ec2-networking.md):
 * the `dhcp_options` table and each VPC's set (`vpcs.dhcp_options_id`, null: none). Every tenant
 * that has had its default VPC made (a `tenant_default_vpcs` row) or has a VPC gets the account's
 * default set, as EC2 accounts have it, and each of its VPCs is associated with it, as EC2
 * associates the default VPC and new VPCs. The revert drops the column, the table and the sets'
 * tags (the code before this knows no sets: every VPC showed `default`).
 */
export class DhcpOptions1764830000000 implements MigrationInterface {
  name = 'DhcpOptions1764830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'dhcp_options',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'configuration', type: 'text' }, { name: 'created_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_dhcp_options_tenant', columnNames: ['tenant_id'] })],
    }));
    await q.addColumn('vpcs', new TableColumn({ name: 'dhcp_options_id', type: 'varchar', length: '32', isNullable: true }));
    const postgres = q.connection.driver.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    const tenants: { tenant_id: string; created_at: string | number }[] = await q.query(
      'SELECT "tenant_id", MIN("created_at") AS "created_at" FROM (SELECT "tenant_id", "created_at" FROM "tenant_default_vpcs" UNION ALL SELECT "tenant_id", "created_at" FROM "vpcs") "t" GROUP BY "tenant_id" ORDER BY "tenant_id"',
    );
    for (const t of tenants) {
      const id = defaultSetId(t.tenant_id);
      await q.query(`INSERT INTO "dhcp_options" ("id", "tenant_id", "configuration", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
        [id, t.tenant_id, DEFAULT_CONFIGURATION, Number(t.created_at)]);
      await q.query(`UPDATE "vpcs" SET "dhcp_options_id" = ${p(1)} WHERE "tenant_id" = ${p(2)}`, [id, t.tenant_id]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "network_tags" WHERE "resource_id" LIKE 'dopt-%'`);
    await q.dropColumn('vpcs', 'dhcp_options_id');
    await q.dropTable('dhcp_options');
  }
}
