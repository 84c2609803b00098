import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Security group rules' tags whose rule is gone. Deleting a group (or a VPC with its groups)
 * deleted its rules but left their tags in `network_tags`; nothing showed them while rules were
 * not among the resources DescribeTags lists. Now they are (resource type `security-group-rule`),
 * so the tags of rules that no longer exist are deleted, as a group's deletion now deletes them.
 * Nothing to restore on the way down: the rows belonged to nothing.
 */
export class OrphanRuleTags1764690000000 implements MigrationInterface {
  name = 'OrphanRuleTags1764690000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "network_tags" WHERE "resource_id" LIKE 'sgr-%' AND "resource_id" NOT IN (SELECT "id" FROM "security_group_rules")`);
  }

  async down(): Promise<void> {
    // The deleted rows named rules that did not exist: nothing to put back.
  }
}
