import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false, length = '32') => ({ name, type: 'varchar', length, isNullable: nullable });
const ms = (name: string) => ({ name, type: 'bigint', isNullable: false });

/**
 * Spot Instances (RunInstances' InstanceMarketOptions; Describe/CancelSpotInstanceRequests;
 * docs/ec2.md). The requests and their tags, and each instance's request (null for the On-Demand
 * instances there were). The revert drops them; the instances launched as Spot stay, as On-Demand
 * ones (the code before this knows no Spot).
 */
export class SpotInstances1764820000000 implements MigrationInterface {
  name = 'SpotInstances1764820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'spot_instance_requests',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), ref('instance_id', true), ref('instance_type'), ref('availability_zone'),
        ref('product_description', false, '64'), ref('type', false, '16'), ref('max_price'), ref('interruption_behavior', false, '16'), ref('state', false, '16'),
        ref('status_code', false, '64'), ms('status_updated_at'), ms('created_at'),
      ],
      indices: [
        new TableIndex({ name: 'ix_spot_requests_tenant', columnNames: ['tenant_id'] }),
        new TableIndex({ name: 'ix_spot_requests_instance', columnNames: ['instance_id'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'spot_instance_request_tags',
      columns: [
        { name: 'resource_id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'),
        { name: 'tag_key', type: 'varchar', length: '128', isPrimary: true }, ref('tag_value', false, '256'),
      ],
      indices: [new TableIndex({ name: 'ix_spot_request_tags_tenant', columnNames: ['tenant_id'] })],
    }));
    // Plain ALTER TABLE, which both databases run in place (see TenantRequestLimits1764300000000).
    await q.query('ALTER TABLE "instances" ADD COLUMN "spot_instance_request_id" varchar(32)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "spot_instance_request_id"');
    await q.dropTable('spot_instance_request_tags');
    await q.dropTable('spot_instance_requests');
  }
}
