import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * The catalog beyond the built-in one (issue 15): an operator's custom instance types and images
 * with chosen ids, tenants' own images (CreateImage) and EBS snapshots. Types and images are
 * never deleted, only retired (`deleted_at`, state `deregistered`): instances launched from them
 * live on and are billed. The price book needs no change: stored versions are completed at run
 * time with the catalog's list prices of the types they do not name (libs/metering withListPrices).
 */
export class Catalog1764520000000 implements MigrationInterface {
  name = 'Catalog1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'catalog_instance_types',
      columns: [
        { name: 'name', type: 'varchar', length: '64', isPrimary: true },
        { name: 'family', type: 'varchar', length: '32' },
        { name: 'body', type: 'text' },
        { name: 'created_at', type: 'bigint' },
        { name: 'deleted_at', type: 'bigint', isNullable: true },
      ],
    }));
    await q.createTable(new Table({
      name: 'images',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32', isNullable: true },
        { name: 'name', type: 'varchar', length: '128' },
        { name: 'description', type: 'varchar', length: '255', isNullable: true },
        { name: 'body', type: 'text' },
        { name: 'source_instance_id', type: 'varchar', length: '32', isNullable: true },
        { name: 'block_devices', type: 'text' },
        { name: 'tags', type: 'text' },
        { name: 'state', type: 'varchar', length: '16' },
        { name: 'created_at', type: 'bigint' },
        { name: 'available_at', type: 'bigint' },
        { name: 'deregistered_at', type: 'bigint', isNullable: true },
      ],
      indices: [new TableIndex({ name: 'ix_images_tenant', columnNames: ['tenant_id', 'state'] })],
      foreignKeys: [{ name: 'fk_images_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await q.createTable(new Table({
      name: 'snapshots',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'volume_id', type: 'varchar', length: '32', isNullable: true },
        { name: 'volume_size_gib', type: 'integer' },
        { name: 'description', type: 'varchar', length: '255', isNullable: true },
        { name: 'image_id', type: 'varchar', length: '32', isNullable: true },
        { name: 'tags', type: 'text' },
        { name: 'started_at', type: 'bigint' },
        { name: 'completed_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_snapshots_tenant', columnNames: ['tenant_id'] }), new TableIndex({ name: 'ix_snapshots_image', columnNames: ['image_id'] })],
      foreignKeys: [{ name: 'fk_snapshots_tenant', columnNames: ['tenant_id'], referencedTableName: 'tenants', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('snapshots');
    await q.dropTable('images');
    await q.dropTable('catalog_instance_types');
  }
}
