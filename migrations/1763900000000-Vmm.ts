import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const int = (name: string) => ({ name, type: 'integer' });
const text = (name: string, nullable = true) => ({ name, type: 'text', isNullable: nullable });

/**
 * The VMM core (issue 3): volumes, workloads, host faults, the data plane's snapshots (credits,
 * burst buckets, energy), time-bucketed metrics and the simulation's event log.
 */
export class Vmm1763900000000 implements MigrationInterface {
  name = 'Vmm1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'volumes',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), str('availability_zone', 32),
        str('volume_type', 8), int('size_gib'), int('iops'), int('throughput_mibps'), str('state', 16),
        ref('instance_id', true), str('device', 32, true), ms('attach_time', true),
        { name: 'delete_on_termination', type: 'boolean' },
        ms('created_at'), ms('deleted_at', true), text('runtime'),
      ],
      indices: [
        new TableIndex({ name: 'ix_volumes_tenant_state', columnNames: ['tenant_id', 'state'] }),
        new TableIndex({ name: 'ix_volumes_instance', columnNames: ['instance_id'] }),
      ],
      foreignKeys: [{ name: 'fk_volumes_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'] }],
    }));
    await q.addColumns('instances', [
      new TableColumn(text('workload')),
      new TableColumn({ name: 'auto_recovery', type: 'varchar', length: '16', default: "'default'" }),
      new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'ok'" }),
      new TableColumn(text('runtime')),
    ]);
    await q.addColumns('hosts', [
      new TableColumn({ name: 'state_since', type: 'bigint', default: 0 }),
      new TableColumn({ name: 'driver_domain_state', type: 'varchar', length: '16', default: "'ok'" }),
      new TableColumn(text('runtime')),
    ]);
    await q.createTable(new Table({
      name: 'metric_buckets',
      columns: [
        { name: 'entity_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'bucket_start', type: 'bigint', isPrimary: true },
        str('kind', 8), text('summary', false),
      ],
    }));
    await q.createTable(new Table({
      name: 'sim_events',
      columns: [
        { name: 'seq', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        ms('time'), str('type', 48), ref('host_id', true), ref('instance_id', true), ref('tenant_id', true), text('detail', false),
      ],
      indices: [
        new TableIndex({ name: 'ix_sim_events_time', columnNames: ['time'] }),
        new TableIndex({ name: 'ix_sim_events_instance', columnNames: ['instance_id', 'time'] }),
        new TableIndex({ name: 'ix_sim_events_host', columnNames: ['host_id', 'time'] }),
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('sim_events');
    await q.dropTable('metric_buckets');
    await q.dropColumns('hosts', ['state_since', 'driver_domain_state', 'runtime']);
    await q.dropColumns('instances', ['workload', 'auto_recovery', 'status', 'runtime']);
    await q.dropTable('volumes');
  }
}
