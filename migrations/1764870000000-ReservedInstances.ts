import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Standard Reserved Instances (EC2's PurchaseReservedInstancesOffering / DescribeReservedInstances;
 * docs/ec2.md, "Reserved Instances"): the `reserved_instances` table and their tags. Their billing is
 * a `reserved` row in usage_records (written at purchase). The revert drops both tables and those
 * usage rows (the code before this knows no such kind).
 */
export class ReservedInstances1764870000000 implements MigrationInterface {
  name = 'ReservedInstances1764870000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'reserved_instances',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true }, { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'offering_id', type: 'varchar', length: '36' }, { name: 'instance_type', type: 'varchar', length: '32' },
        { name: 'scope', type: 'varchar', length: '32' }, { name: 'availability_zone', type: 'varchar', length: '32', isNullable: true },
        { name: 'instance_count', type: 'integer' }, { name: 'offering_type', type: 'varchar', length: '32' }, { name: 'duration_s', type: 'bigint' },
        { name: 'fixed_price', type: 'varchar', length: '32' }, { name: 'hourly_price', type: 'varchar', length: '32' },
        { name: 'start_ms', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_reserved_instances_tenant', columnNames: ['tenant_id'] })],
    }));
    await q.createTable(new Table({
      name: 'reserved_instance_tags',
      columns: [
        { name: 'resource_id', type: 'varchar', length: '36', isPrimary: true }, { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'tag_key', type: 'varchar', length: '128', isPrimary: true }, { name: 'tag_value', type: 'varchar', length: '256' },
      ],
      indices: [new TableIndex({ name: 'ix_reserved_instance_tags_tenant', columnNames: ['tenant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "usage_records" WHERE "kind" = 'reserved'`);
    await q.dropTable('reserved_instance_tags');
    await q.dropTable('reserved_instances');
  }
}
