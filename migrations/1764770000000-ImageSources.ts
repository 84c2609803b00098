import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * CopyImage: an image copied from another names its source (`source_image_id`, EC2's
 * `sourceImageId`); null for the images there were, which CreateImage and operators made.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class ImageSources1764770000000 implements MigrationInterface {
  name = 'ImageSources1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "images" ADD COLUMN "source_image_id" varchar(32)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "images" DROP COLUMN "source_image_id"');
  }
}
