import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Tags of volumes (issue 15: CreateTags, DeleteTags and DescribeTags on every taggable resource;
 * EC2's CreateVolume takes TagSpecification). One row per volume and key; a deleted volume's tags go
 * with it.
 */
export class VolumeTags1764580000000 implements MigrationInterface {
  name = 'VolumeTags1764580000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'volume_tags',
      columns: [
        { name: 'volume_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'tag_key', type: 'varchar', length: '128', isPrimary: true },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'tag_value', type: 'varchar', length: '256' },
      ],
      indices: [new TableIndex({ name: 'ix_volume_tags_tenant', columnNames: ['tenant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('volume_tags');
  }
}
