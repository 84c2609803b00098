import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string) => ({ name, type: 'bigint' });
const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const tenantFk = (table: string) => ({ name: `fk_${table}_tenant`, columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] });

/**
 * Placement and admission (issue 4): placement groups, Dedicated Hosts (a fleet host's owner),
 * license configurations, and per instance its group and partition, its Dedicated Host and its
 * license configuration — what the scheduler's indexes are rebuilt from on start.
 */
export class Scheduler1764000000000 implements MigrationInterface {
  name = 'Scheduler1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'placement_groups',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), str('name', 255), str('strategy', 16),
        { name: 'partition_count', type: 'integer', isNullable: true }, ms('created_at'),
      ],
      indices: [new TableIndex({ name: 'ux_placement_groups_name', columnNames: ['tenant_id', 'name'], isUnique: true })],
      foreignKeys: [tenantFk('placement_groups')],
    }));
    await q.createTable(new Table({
      name: 'dedicated_hosts',
      columns: [
        { name: 'host_id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), { name: 'auto_placement', type: 'boolean' },
        str('instance_family', 16), str('instance_type', 32, true), ms('allocated_at'),
      ],
      indices: [new TableIndex({ name: 'ix_dedicated_hosts_tenant', columnNames: ['tenant_id'] })],
      foreignKeys: [tenantFk('dedicated_hosts')],
    }));
    await q.createTable(new Table({
      name: 'license_configurations',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), str('name', 255), str('counting_type', 16),
        { name: 'license_limit', type: 'integer' }, { name: 'hard_limit', type: 'boolean' }, ms('created_at'),
      ],
      indices: [new TableIndex({ name: 'ix_license_configurations_tenant', columnNames: ['tenant_id'] })],
      foreignKeys: [tenantFk('license_configurations')],
    }));
    await q.addColumns('instances', [
      new TableColumn(ref('placement_group_id', true)),
      new TableColumn({ name: 'partition_number', type: 'integer', isNullable: true }),
      new TableColumn(ref('dedicated_host_id', true)),
      new TableColumn(ref('license_configuration_id', true)),
    ]);
    await q.createIndices('instances', [
      new TableIndex({ name: 'ix_instances_placement_group', columnNames: ['placement_group_id'] }),
      new TableIndex({ name: 'ix_instances_dedicated_host', columnNames: ['dedicated_host_id'] }),
      new TableIndex({ name: 'ix_instances_license_configuration', columnNames: ['license_configuration_id'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['ix_instances_license_configuration', 'ix_instances_dedicated_host', 'ix_instances_placement_group']) await q.dropIndex('instances', name);
    await q.dropColumns('instances', ['placement_group_id', 'partition_number', 'dedicated_host_id', 'license_configuration_id']);
    await q.dropTable('license_configurations');
    await q.dropTable('dedicated_hosts');
    await q.dropTable('placement_groups');
  }
}
