import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '32', isPrimary: true });
const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string) => ({ name, type: 'bigint' });
const index = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });

/** The routing tables, in creation order (dropped in reverse). */
export const ROUTING_TABLES = ['internet_gateways', 'route_tables', 'routes', 'route_table_associations'];

/** An EC2 id: the prefix and 17 hex digits. */
const newId = (prefix: string) => `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;

/**
 * Internet gateways and route tables (EC2's CreateInternetGateway … DisassociateRouteTable;
 * docs/ec2-networking.md). Every VPC has a main route table with its `local` route, made with it;
 * a default VPC also has an internet gateway attached and a route to it for 0.0.0.0/0, as EC2
 * makes them. The VPCs there were get the same here, with new ids. New tables only, so the revert
 * drops them (and the tags of their resources) without touching the others.
 */
export class Routing1764670000000 implements MigrationInterface {
  name = 'Routing1764670000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'internet_gateways',
      columns: [id(), ref('tenant_id'), ref('vpc_id', true), ms('created_at')],
      indices: [index('ix_internet_gateways_tenant', ['tenant_id']), index('ux_internet_gateways_vpc', ['vpc_id'], true)],
    }));
    await q.createTable(new Table({
      name: 'route_tables',
      columns: [id(), ref('tenant_id'), ref('vpc_id'), ref('main_association_id', true), ms('created_at')],
      indices: [index('ix_route_tables_tenant', ['tenant_id']), index('ix_route_tables_vpc', ['vpc_id'])],
    }));
    await q.createTable(new Table({
      name: 'routes',
      columns: [
        id('route_table_id'), { name: 'destination_cidr_block', type: 'varchar', length: '18', isPrimary: true }, ref('tenant_id'), ref('gateway_id'),
        { name: 'origin', type: 'varchar', length: '32' }, ms('created_at'),
      ],
    }));
    await q.createTable(new Table({
      name: 'route_table_associations',
      columns: [id(), ref('tenant_id'), ref('route_table_id'), ref('subnet_id'), ms('created_at')],
      indices: [index('ix_route_table_associations_table', ['route_table_id']), index('ux_route_table_associations_subnet', ['subnet_id'], true)],
    }));
    const postgres = q.connection.driver.options.type === 'postgres';
    const vpcs: { id: string; tenant_id: string; cidr_block: string; is_default: boolean | number; created_at: string | number }[] =
      await q.query('SELECT "id", "tenant_id", "cidr_block", "is_default", "created_at" FROM "vpcs" ORDER BY "id"');
    const p = (n: number) => (postgres ? `$${n}` : '?');
    for (const vpc of vpcs) {
      const table = newId('rtb');
      const at = Number(vpc.created_at);
      await q.query(`INSERT INTO "route_tables" ("id", "tenant_id", "vpc_id", "main_association_id", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
        [table, vpc.tenant_id, vpc.id, newId('rtbassoc'), at]);
      const route = `INSERT INTO "routes" ("route_table_id", "destination_cidr_block", "tenant_id", "gateway_id", "origin", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, 'CreateRouteTable', ${p(5)})`;
      await q.query(route, [table, vpc.cidr_block, vpc.tenant_id, 'local', at]);
      if (vpc.is_default === true || Number(vpc.is_default) === 1) {
        const gateway = newId('igw');
        await q.query(`INSERT INTO "internet_gateways" ("id", "tenant_id", "vpc_id", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`, [gateway, vpc.tenant_id, vpc.id, at]);
        await q.query(route, [table, '0.0.0.0/0', vpc.tenant_id, gateway, at]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "network_tags" WHERE "resource_id" LIKE 'igw-%' OR "resource_id" LIKE 'rtb-%'`);
    for (const name of [...ROUTING_TABLES].reverse()) await q.dropTable(name);
  }
}
