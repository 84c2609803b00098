import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each instance's Instance Metadata Service options (RunInstances' `MetadataOptions`,
 * ModifyInstanceMetadataOptions), as JSON: IMDSv2 required or optional, the hop limit, the endpoint,
 * its IPv6 address and tags in metadata (application/instances/metadata-options.ts). Null for the
 * instances launched before: they keep what they were shown, EC2's plain defaults.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class InstanceMetadataOptions1764630000000 implements MigrationInterface {
  name = 'InstanceMetadataOptions1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" ADD COLUMN "metadata_options" varchar(255)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "instances" DROP COLUMN "metadata_options"');
  }
}
