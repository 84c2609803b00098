import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { loadConfig } from '../apps/api/src/config/app-config';
import { ReservationEntity, TenantEntity } from '../apps/api/src/persistence/entities';
import { insertTogether, part } from '../apps/api/src/persistence/fast-sql';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';

/** insertTogether (a launch's inserts): the rows insertRows would write, one statement on PostgreSQL. */
describe(`insertTogether on ${usingPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: true });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const tenant = (id: string): TenantEntity => ({ id, name: id, quotaOnDemandVcpus: 5, quotaProvisionedIops: 7, requestLimits: { multiplier: 3, operations: {} }, accountId: `1234567890${id.slice(-2)}`, createdAt: 1_000 });
  const reservation = (id: string, tenantId: string): Omit<ReservationEntity, 'tenant'> => ({ id, tenantId, clientToken: null, requestHash: 'h', createdAt: 2_000 });

  it('writes a parent and its children (foreign keys hold), values converted as TypeORM converts them; one statement on PostgreSQL, one per table on SQLite', async () => {
    const statements: string[] = [];
    await ds.transaction(async (tx) => {
      const query = tx.query.bind(tx);
      tx.query = ((sql: string, params?: unknown[]) => (statements.push(sql), query(sql, params))) as typeof tx.query;
      await insertTogether(tx, [part(TenantEntity, [tenant('t-00000000000000f01')]), part(ReservationEntity, [reservation('r-1', 't-00000000000000f01'), reservation('r-2', 't-00000000000000f01')])]);
    });
    expect(statements).toHaveLength(usingPostgres() ? 1 : 2);
    const [read] = await ds.manager.findBy(TenantEntity, { id: 't-00000000000000f01' });
    expect(read).toEqual(tenant('t-00000000000000f01'));
    expect((await ds.manager.findBy(ReservationEntity, { tenantId: 't-00000000000000f01' })).map((r) => [r.id, r.createdAt])).toEqual([['r-1', 2_000], ['r-2', 2_000]]);
  });

  it('a part with no rows is left out; a refused insert leaves nothing of any part (its transaction fails)', async () => {
    await insertTogether(ds.manager, [part(TenantEntity, [tenant('t-00000000000000f02')]), part(ReservationEntity, [])]);
    expect(await ds.manager.countBy(TenantEntity, { id: 't-00000000000000f02' })).toBe(1);
    // A reservation of a missing tenant: the foreign key refuses the statement.
    await expect(ds.transaction((tx) => insertTogether(tx, [part(TenantEntity, [tenant('t-00000000000000f03')]), part(ReservationEntity, [reservation('r-3', 't-missing')])]))).rejects.toThrow();
    expect(await ds.manager.countBy(TenantEntity, { id: 't-00000000000000f03' })).toBe(0);
  });
});
