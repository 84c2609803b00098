import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false, length = '32') => ({ name, type: 'varchar', length, isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });

/**
 * NAT gateways (EC2's CreateNatGateway, DescribeNatGateways, DeleteNatGateway; docs/ec2-networking.md).
 * One new table; routes to them reuse `routes.gateway_id` (a `nat-` id), their interfaces are rows
 * of `network_interfaces` (origin `nat_gateway`), their hours `usage_records` of kind
 * `nat-gateway`. The revert drops the table with the gateways' tags, interfaces, routes and usage
 * (the code before this knows none of them); an Elastic IP a gateway held stays allocated,
 * disassociated (its open public-ipv4 interval keeps its in-use state until its next change).
 */
export class NatGateways1764780000000 implements MigrationInterface {
  name = 'NatGateways1764780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'nat_gateways',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), ref('vpc_id'), ref('subnet_id'), ref('connectivity_type', false, '8'),
        ref('allocation_id', true), ref('public_ip', true, '15'), ref('network_interface_id', true), ref('private_ip', true, '15'),
        ref('failure_code', true, '64'), ref('failure_message', true, '255'), ms('created_at'), ms('ready_at'), ms('delete_requested_at', true), ms('deleted_at', true),
      ],
      indices: [new TableIndex({ name: 'ix_nat_gateways_tenant', columnNames: ['tenant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "public_ip_allocations" SET "network_interface_id" = NULL, "private_ip_address" = NULL, "association_id" = NULL
      WHERE "network_interface_id" IN (SELECT "id" FROM "network_interfaces" WHERE "origin" = 'nat_gateway')`);
    await q.query(`DELETE FROM "network_interfaces" WHERE "origin" = 'nat_gateway'`);
    await q.query(`DELETE FROM "routes" WHERE "gateway_id" LIKE 'nat-%'`);
    await q.query(`DELETE FROM "network_tags" WHERE "resource_id" LIKE 'nat-%'`);
    await q.query(`DELETE FROM "usage_records" WHERE "kind" = 'nat-gateway'`);
    await q.dropTable('nat_gateways');
  }
}
