import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { sqlBooleans } from './sql-booleans';

const varchar = (name: string, length: number, isPrimary = false, isNullable = false) => ({ name, type: 'varchar', length: String(length), isPrimary, isNullable });
const integer = (name: string, isNullable = false, isPrimary = false) => ({ name, type: 'integer', isNullable, isPrimary });
const index = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });

/** The network ACL tables, in creation order (dropped in reverse). */
export const NETWORK_ACL_TABLES = ['network_acls', 'network_acl_entries', 'network_acl_associations'];

/**
 * The ids Nimbus showed for a VPC's default network ACL and its subnets' associations before ACLs
 * were stored (networking.service.ts `defaultAclId`: common/ids' tokenId of this scope). Written
 * out here so the migration keeps the ids whatever the code later does.
 */
const derivedId = (prefix: string, of: string) => `${prefix}-${createHash('sha256').update(`DefaultNetworkAcl\0${of}`).digest('hex').slice(0, 17)}`;

/**
 * Network ACLs stored (EC2's CreateNetworkAcl … ReplaceNetworkAclAssociation; docs/ec2-networking.md).
 * Each VPC there was gets its default ACL as EC2 makes it (rule 100 allows all, the catch-all rule
 * 32767 denies the rest, both ways) and each subnet its association with it, under exactly the ids
 * DescribeNetworkAcls showed. The revert drops the tables and the tags of the ACLs that were not
 * default (the default ones' ids stay what Nimbus derives).
 */
export class NetworkAcls1764790000000 implements MigrationInterface {
  name = 'NetworkAcls1764790000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'network_acls',
      columns: [varchar('id', 32, true), varchar('tenant_id', 32), varchar('vpc_id', 32), { name: 'is_default', type: 'boolean' }, { name: 'created_at', type: 'bigint' }],
      indices: [index('ix_network_acls_tenant', ['tenant_id']), index('ix_network_acls_vpc', ['vpc_id'])],
    }));
    await q.createTable(new Table({
      name: 'network_acl_entries',
      columns: [
        varchar('network_acl_id', 32, true), { name: 'egress', type: 'boolean', isPrimary: true }, integer('rule_number', false, true), varchar('tenant_id', 32),
        varchar('protocol', 8), varchar('rule_action', 8), varchar('cidr_block', 18),
        integer('port_from', true), integer('port_to', true), integer('icmp_type', true), integer('icmp_code', true),
      ],
    }));
    await q.createTable(new Table({
      name: 'network_acl_associations',
      columns: [varchar('id', 32, true), varchar('tenant_id', 32), varchar('network_acl_id', 32), varchar('subnet_id', 32)],
      indices: [index('ix_network_acl_associations_acl', ['network_acl_id']), index('ux_network_acl_associations_subnet', ['subnet_id'], true)],
    }));
    const postgres = q.connection.driver.options.type === 'postgres';
    const p = (n: number) => (postgres ? `$${n}` : '?');
    const [no, yes] = sqlBooleans(q);
    const vpcs: { id: string; tenant_id: string; created_at: string | number }[] = await q.query('SELECT "id", "tenant_id", "created_at" FROM "vpcs" ORDER BY "id"');
    for (const vpc of vpcs) {
      const acl = derivedId('acl', vpc.id);
      await q.query(`INSERT INTO "network_acls" ("id", "tenant_id", "vpc_id", "is_default", "created_at") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${yes}, ${p(4)})`,
        [acl, vpc.tenant_id, vpc.id, Number(vpc.created_at)]);
      for (const egress of [no, yes]) {
        for (const [rule, action] of [[100, 'allow'], [32767, 'deny']] as const) {
          await q.query(`INSERT INTO "network_acl_entries" ("network_acl_id", "egress", "rule_number", "tenant_id", "protocol", "rule_action", "cidr_block") VALUES (${p(1)}, ${egress}, ${p(2)}, ${p(3)}, '-1', ${p(4)}, '0.0.0.0/0')`,
            [acl, rule, vpc.tenant_id, action]);
        }
      }
    }
    const subnets: { id: string; tenant_id: string; vpc_id: string }[] = await q.query('SELECT "id", "tenant_id", "vpc_id" FROM "subnets" ORDER BY "id"');
    for (const s of subnets) {
      await q.query(`INSERT INTO "network_acl_associations" ("id", "tenant_id", "network_acl_id", "subnet_id") VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
        [derivedId('aclassoc', s.id), s.tenant_id, derivedId('acl', s.vpc_id), s.id]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const [no] = sqlBooleans(q);
    await q.query(`DELETE FROM "network_tags" WHERE "resource_id" IN (SELECT "id" FROM "network_acls" WHERE "is_default" = ${no})`);
    for (const name of [...NETWORK_ACL_TABLES].reverse()) await q.dropTable(name);
  }
}
