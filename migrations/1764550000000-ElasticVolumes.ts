import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Elastic Volumes and volumes from snapshots (issue 15). A volume's snapshot (CreateVolume with
 * SnapshotId). Volume modifications (EC2's ModifyVolume): each change of a volume's type, size, IOPS
 * or throughput, with what it was and what it became, when it started, and when it reaches
 * `optimizing` and `completed` (its state follows from the engine's clock).
 */
export class ElasticVolumes1764550000000 implements MigrationInterface {
  name = 'ElasticVolumes1764550000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('volumes', new TableColumn({ name: 'snapshot_id', type: 'varchar', length: '32', isNullable: true }));
    await q.createTable(new Table({
      name: 'volume_modifications',
      columns: [
        { name: 'volume_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'start_ms', type: 'bigint', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'optimizing_at_ms', type: 'bigint' },
        { name: 'completed_at_ms', type: 'bigint' },
        { name: 'original_type', type: 'varchar', length: '8' },
        { name: 'original_size_gib', type: 'integer' },
        { name: 'original_iops', type: 'integer' },
        { name: 'original_throughput_mibps', type: 'integer' },
        { name: 'target_type', type: 'varchar', length: '8' },
        { name: 'target_size_gib', type: 'integer' },
        { name: 'target_iops', type: 'integer' },
        { name: 'target_throughput_mibps', type: 'integer' },
      ],
      indices: [new TableIndex({ name: 'ix_volume_modifications_tenant', columnNames: ['tenant_id', 'volume_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('volume_modifications');
    await q.dropColumn('volumes', 'snapshot_id');
  }
}
