import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '32', isPrimary: true });
const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const int = (name: string) => ({ name, type: 'integer' });

/** The control plane's first schema: tenants, keys, hosts, reservations, instances, tags, settings. */
export class Initial1763701200000 implements MigrationInterface {
  name = 'Initial1763701200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'tenants',
      columns: [id(), str('name', 128), int('quota_on_demand_vcpus'), int('quota_provisioned_iops'), ms('created_at')],
    }));
    await q.createTable(new Table({
      name: 'api_keys',
      columns: [id(), ref('tenant_id'), str('key_hash', 64), ms('created_at')],
      indices: [new TableIndex({ name: 'ux_api_keys_hash', columnNames: ['key_hash'], isUnique: true }), new TableIndex({ name: 'ix_api_keys_tenant', columnNames: ['tenant_id'] })],
      foreignKeys: [{ name: 'fk_api_keys_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await q.createTable(new Table({
      name: 'hosts',
      columns: [id(), str('host_type', 64), str('availability_zone', 32), str('state', 16), ms('created_at')],
      indices: [new TableIndex({ name: 'ix_hosts_zone', columnNames: ['availability_zone'] })],
    }));
    await q.createTable(new Table({
      name: 'reservations',
      columns: [id(), ref('tenant_id'), str('client_token', 64, true), str('request_hash', 64), ms('created_at')],
      indices: [new TableIndex({ name: 'ux_reservations_token', columnNames: ['tenant_id', 'client_token'], isUnique: true })],
      foreignKeys: [{ name: 'fk_reservations_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
    }));
    await q.createTable(new Table({
      name: 'instances',
      columns: [
        id(), ref('tenant_id'), ref('reservation_id'), str('image_id', 32), str('instance_type', 32), str('platform', 32),
        str('tenancy', 16), str('availability_zone', 32), ref('host_id', true), str('state', 16), str('state_reason', 255, true),
        ms('state_since'), ms('transition_at', true), ms('launch_time'), int('cpu_reservation_millicores'),
        int('cpu_limit_millicores'), int('cpu_weight'), str('credit_specification', 16, true),
      ],
      indices: [
        new TableIndex({ name: 'ix_instances_tenant_state', columnNames: ['tenant_id', 'state'] }),
        new TableIndex({ name: 'ix_instances_host', columnNames: ['host_id'] }),
        new TableIndex({ name: 'ix_instances_reservation', columnNames: ['reservation_id'] }),
      ],
      foreignKeys: [
        { name: 'fk_instances_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] },
        { name: 'fk_instances_reservation', columnNames: ['reservation_id'], referencedTableName: 'reservations', referencedColumnNames: ['id'] },
      ],
    }));
    await q.createTable(new Table({
      name: 'instance_tags',
      columns: [
        { name: 'instance_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tag_key', type: 'varchar', length: '128', isPrimary: true },
        ref('tenant_id'), str('tag_value', 256),
      ],
      indices: [new TableIndex({ name: 'ix_instance_tags_lookup', columnNames: ['tenant_id', 'tag_key', 'tag_value'] })],
      foreignKeys: [{ name: 'fk_instance_tags_instance', columnNames: ['instance_id'], referencedTableName: 'instances', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await q.createTable(new Table({
      name: 'settings',
      columns: [{ name: 'key', type: 'varchar', length: '64', isPrimary: true }, { name: 'value', type: 'text' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['settings', 'instance_tags', 'instances', 'reservations', 'hosts', 'api_keys', 'tenants']) await q.dropTable(t);
  }
}
