import { MigrationInterface, QueryRunner } from 'typeorm';

/** The mostly-NULL columns of `instances` whose indexes every launch wrote an entry to (a NULL each). */
export const PARTIAL_INSTANCE_INDEXES = [
  ['ix_instances_placement_group', 'placement_group_id'],
  ['ix_instances_dedicated_host', 'dedicated_host_id'],
  ['ix_instances_license_configuration', 'license_configuration_id'],
] as const;

/**
 * Launch cost (issue 10): the placement group, Dedicated Host and license configuration indexes of
 * `instances` become partial (`WHERE col IS NOT NULL`). Most instances have none of the three, and
 * every launch wrote a NULL entry into each index; the queries that use them ask for `col = ?` (or
 * `IN (…)`), which both SQLite and PostgreSQL know implies `col IS NOT NULL`, so they still use them.
 */
export class PartialInstanceIndexes1764560000000 implements MigrationInterface {
  name = 'PartialInstanceIndexes1764560000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [index, column] of PARTIAL_INSTANCE_INDEXES) {
      await q.query(`DROP INDEX "${index}"`);
      await q.query(`CREATE INDEX "${index}" ON "instances" ("${column}") WHERE "${column}" IS NOT NULL`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [index, column] of PARTIAL_INSTANCE_INDEXES) {
      await q.query(`DROP INDEX "${index}"`);
      await q.query(`CREATE INDEX "${index}" ON "instances" ("${column}")`);
    }
  }
}
