import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false, length = '32') => ({ name, type: 'varchar', length, isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });

/**
 * VPC peering connections (EC2's Create/Accept/Reject/Delete/DescribeVpcPeeringConnections;
 * docs/ec2-networking.md). Two new tables: the connections (one row for both sides) and their tags
 * per account. Routes to them reuse `routes.gateway_id` (a `pcx-` id). The revert drops both
 * tables and the routes to them (the code before this knows none of them).
 */
export class VpcPeering1764810000000 implements MigrationInterface {
  name = 'VpcPeering1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'vpc_peering_connections',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('requester_tenant_id'), ref('requester_owner_id', false, '12'), ref('requester_vpc_id'),
        ref('requester_cidr_block', false, '18'), ref('accepter_tenant_id', true), ref('accepter_owner_id', false, '12'), ref('accepter_vpc_id'),
        ref('accepter_cidr_block', true, '18'), ref('failure_message', true, '255'), ms('created_at'), ms('expires_at'), ms('accepted_at', true), ms('rejected_at', true),
        ms('deleted_at', true), ref('deleted_by', true, '12'),
      ],
      indices: [
        new TableIndex({ name: 'ix_vpc_peering_requester', columnNames: ['requester_tenant_id'] }),
        new TableIndex({ name: 'ix_vpc_peering_accepter', columnNames: ['accepter_tenant_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'vpc_peering_connection_tags',
      columns: [
        { name: 'resource_id', type: 'varchar', length: '32', isPrimary: true }, { name: 'tenant_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tag_key', type: 'varchar', length: '128', isPrimary: true }, ref('tag_value', false, '256'),
      ],
      indices: [new TableIndex({ name: 'ix_vpc_peering_tags_tenant', columnNames: ['tenant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "routes" WHERE "gateway_id" LIKE 'pcx-%'`);
    await q.dropTable('vpc_peering_connection_tags');
    await q.dropTable('vpc_peering_connections');
  }
}
