import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

/**
 * Amazon EBS encryption (application/volumes/ebs-encryption.ts; docs/model.md): the KMS key ARN of
 * each volume and snapshot (`kms_key_id`, null: not encrypted, as every volume and snapshot there
 * was), and each account's encryption by default and default key (`ebs_encryption_defaults`, no row:
 * off, the AWS managed key). An image's mapping is JSON (`images.block_devices`) and carries its
 * devices' keys without a column. The revert drops them: the code before this knows no encryption.
 */
export class EbsEncryption1764860000000 implements MigrationInterface {
  name = 'EbsEncryption1764860000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain ALTERs: TypeORM's addColumn rebuilds a SQLite table from the runner's cached description, which misses columns earlier raw ALTERs added.
    await q.query('ALTER TABLE "volumes" ADD COLUMN "kms_key_id" varchar(2048)');
    await q.query('ALTER TABLE "snapshots" ADD COLUMN "kms_key_id" varchar(2048)');
    await q.createTable(new Table({
      name: 'ebs_encryption_defaults',
      columns: [
        { name: 'tenant_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'by_default', type: 'boolean', default: sqlBooleans(q)[0] },
        { name: 'kms_key_id', type: 'varchar', length: '2048', isNullable: true },
      ],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('ebs_encryption_defaults');
    await q.query('ALTER TABLE "snapshots" DROP COLUMN "kms_key_id"');
    await q.query('ALTER TABLE "volumes" DROP COLUMN "kms_key_id"');
  }
}
