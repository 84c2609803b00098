import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * EC2 Fleets of type `instant` (CreateFleet, DescribeFleets, DeleteFleets; docs/ec2.md, "EC2 Fleet"):
 * the `fleets` table, what each was asked and answered. The instances are ordinary instances (their
 * Spot requests too). The revert drops the table.
 */
export class Fleets1764900000000 implements MigrationInterface {
  name = 'Fleets1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'fleets',
      columns: [
        { name: 'id', type: 'varchar', length: '64', isPrimary: true }, { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'type', type: 'varchar', length: '16' }, { name: 'state', type: 'varchar', length: '32' },
        { name: 'client_token', type: 'varchar', length: '128', isNullable: true }, { name: 'request_hash', type: 'varchar', length: '64', isNullable: true },
        { name: 'created_at', type: 'bigint' }, { name: 'request', type: 'text' }, { name: 'instances', type: 'text' }, { name: 'errors', type: 'text' },
        { name: 'tags', type: 'text', default: "'{}'" },
      ],
      indices: [new TableIndex({ name: 'ix_fleets_tenant', columnNames: ['tenant_id'] })],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('fleets');
  }
}
