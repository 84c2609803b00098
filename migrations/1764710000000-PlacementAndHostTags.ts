import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tags on placement groups and Dedicated Hosts (EC2 tags both: CreatePlacementGroup's and
 * AllocateHosts' TagSpecification, CreateTags / DeleteTags / DescribeTags on `pg-` and `h-` ids,
 * the `tagSet` DescribePlacementGroups and DescribeHosts show). Each row keeps its tags as a JSON
 * object, as an image's row does: a group's or host's tags go with its row. The rows there were
 * have none.
 *
 * Plain ALTER TABLE ADD/DROP COLUMN, which both databases run in place (see
 * TenantRequestLimits1764300000000 for why not TypeORM's addColumn on SQLite).
 */
export class PlacementAndHostTags1764710000000 implements MigrationInterface {
  name = 'PlacementAndHostTags1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "placement_groups" ADD COLUMN "tags" text NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "dedicated_hosts" ADD COLUMN "tags" text NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "dedicated_hosts" DROP COLUMN "tags"');
    await q.query('ALTER TABLE "placement_groups" DROP COLUMN "tags"');
  }
}
