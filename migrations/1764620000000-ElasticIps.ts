import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';

/**
 * `network_interface_id` nullable or not. PostgreSQL alters the constraint in place (TypeORM's
 * changeColumn there drops and re-adds a column it deems changed, losing its values); SQLite cannot,
 * and TypeORM's changeColumn rebuilds the table, copying the rows.
 */
async function interfaceColumnNullable(q: QueryRunner, nullable: boolean): Promise<void> {
  if (q.connection.driver.options.type === 'postgres') {
    await q.query(`ALTER TABLE "public_ip_allocations" ALTER COLUMN "network_interface_id" ${nullable ? 'DROP' : 'SET'} NOT NULL`);
  } else {
    await q.changeColumn('public_ip_allocations', 'network_interface_id', new TableColumn({ name: 'network_interface_id', type: 'varchar', length: '32', isNullable: nullable }));
  }
}

/** The indexes this migration makes: each partial, so that the rows they do not concern (nearly all) write no entry. */
const INDEXES = [
  'CREATE UNIQUE INDEX "ux_public_ip_allocations_private_ip" ON "public_ip_allocations" ("network_interface_id", "private_ip_address") WHERE "network_interface_id" IS NOT NULL',
  'CREATE UNIQUE INDEX "ux_public_ip_allocations_allocation" ON "public_ip_allocations" ("allocation_id") WHERE "allocation_id" IS NOT NULL',
  'CREATE UNIQUE INDEX "ux_public_ip_allocations_association" ON "public_ip_allocations" ("association_id") WHERE "association_id" IS NOT NULL',
  'CREATE INDEX "ix_public_ip_allocations_elastic" ON "public_ip_allocations" ("tenant_id") WHERE "allocation_id" IS NOT NULL',
];
const INDEX_NAMES = INDEXES.map((sql) => /INDEX "([^"]+)"/.exec(sql)![1]);

/**
 * Elastic IP addresses (AllocateAddress … ReleaseAddress; docs/ec2-networking.md). They live in
 * `public_ip_allocations`, the table of held public addresses the auto-assigned ones use, so that the
 * pool's rule (an address held once: the primary key) covers both. A row gains the private address
 * it maps to (backfilled with the interface's primary, the only one auto-assigned addresses map to),
 * an allocation id (an Elastic IP) and an association id; an Elastic IP not associated has no
 * interface, so `network_interface_id` becomes nullable. An interface may now hold several public
 * addresses (one per private address): the unique index on the interface becomes one on the
 * interface and private address.
 *
 * `network_interface_id` changes in place on PostgreSQL; on SQLite TypeORM's changeColumn rebuilds
 * the table (nothing references it, so the rebuild cascades to nothing; its one index is dropped
 * first and the new ones made after, as plain SQL, being partial). The other columns are plain
 * ALTER TABLE ADD/DROP COLUMN. The revert drops the Elastic IPs (the older schema cannot hold
 * an address without an interface) and their tags, keeping the auto-assigned addresses.
 */
export class ElasticIps1764620000000 implements MigrationInterface {
  name = 'ElasticIps1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX "ux_public_ip_allocations_interface"');
    await interfaceColumnNullable(q, true);
    await q.query('ALTER TABLE "public_ip_allocations" ADD COLUMN "private_ip_address" varchar(15) NULL');
    await q.query('ALTER TABLE "public_ip_allocations" ADD COLUMN "allocation_id" varchar(32) NULL');
    await q.query('ALTER TABLE "public_ip_allocations" ADD COLUMN "association_id" varchar(32) NULL');
    await q.query(
      'UPDATE "public_ip_allocations" SET "private_ip_address" = ' +
        '(SELECT n."private_ip_address" FROM "network_interfaces" n WHERE n."id" = "public_ip_allocations"."network_interface_id")',
    );
    for (const sql of INDEXES) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DELETE FROM "network_tags" WHERE "resource_id" IN (SELECT "allocation_id" FROM "public_ip_allocations" WHERE "allocation_id" IS NOT NULL)');
    await q.query('DELETE FROM "public_ip_allocations" WHERE "allocation_id" IS NOT NULL OR "network_interface_id" IS NULL');
    for (const name of INDEX_NAMES) await q.query(`DROP INDEX "${name}"`);
    for (const column of ['association_id', 'allocation_id', 'private_ip_address']) await q.query(`ALTER TABLE "public_ip_allocations" DROP COLUMN "${column}"`);
    await interfaceColumnNullable(q, false);
    await q.query('CREATE UNIQUE INDEX "ux_public_ip_allocations_interface" ON "public_ip_allocations" ("network_interface_id")');
  }
}
