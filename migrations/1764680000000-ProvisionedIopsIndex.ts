import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The provisioned-IOPS quota's sum, which every EC2 launch reads (its root volume is gp3), and
 * CreateVolume and ModifyVolume too: Σ iops of the tenant's gp3, io1 and io2 volumes that are not
 * deleted. Through `ix_volumes_tenant_state` it visited every volume the tenant ever had, deleted
 * ones included, and read each one's row from the table; this partial index holds the tenant, the
 * type and the IOPS of the volumes that are not deleted, so the sum reads the index alone. Both
 * SQLite and PostgreSQL use a partial index when the query's conditions imply its own
 * (`"state" <> 'deleted'`, as the query writes it). `state` is in the index's columns too: SQLite
 * checks the query's condition on it again, and without it would read each row from the table.
 */
export class ProvisionedIopsIndex1764680000000 implements MigrationInterface {
  name = 'ProvisionedIopsIndex1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_volumes_tenant_provisioned" ON "volumes" ("tenant_id", "volume_type", "iops", "state") WHERE "state" <> 'deleted'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ix_volumes_tenant_provisioned"');
  }
}
