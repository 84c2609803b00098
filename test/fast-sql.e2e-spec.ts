import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { loadConfig } from '../apps/api/src/config/app-config';
import { ReservationEntity, TenantEntity, UsageMeterEntity, UsageRecordEntity } from '../apps/api/src/persistence/entities';
import { insertRows, insertTogether, part, selectOwned, selectWhere } from '../apps/api/src/persistence/fast-sql';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';

/**
 * fast-sql's plain statements: insertTogether (a launch's inserts: the rows insertRows would write,
 * one statement on PostgreSQL), insertRows' ignore and upsert (usage at every tick), selectWhere's columns.
 */
describe(`fast-sql on ${usingPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
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

  it('a part that skips taken keys: its rows with a taken key are not written, the others are, with every other part; the keys written are answered', async () => {
    await insertTogether(ds.manager, [part(TenantEntity, [tenant('t-00000000000000f15')]), part(ReservationEntity, [reservation('r-5a', 't-00000000000000f15')])]);
    const statements: string[] = [];
    const written = await ds.transaction(async (tx) => {
      const query = tx.query.bind(tx);
      tx.query = ((sql: string, params?: unknown[]) => (statements.push(sql), query(sql, params))) as typeof tx.query;
      return insertTogether(tx, [
        part(TenantEntity, [tenant('t-00000000000000f16')]),
        // r-5a is taken (by tenant …f05): skipped, not replaced, not an error.
        part(ReservationEntity, [reservation('r-6a', 't-00000000000000f16'), reservation('r-5a', 't-00000000000000f16'), reservation('r-6b', 't-00000000000000f16')], { skipTaken: true }),
      ]);
    });
    expect([...written!].sort()).toEqual(['r-6a', 'r-6b']);
    expect(statements).toHaveLength(usingPostgres() ? 1 : 2);
    expect(await ds.manager.countBy(TenantEntity, { id: 't-00000000000000f16' })).toBe(1);
    expect((await ds.manager.findBy(ReservationEntity, { tenantId: 't-00000000000000f16' })).map((r) => r.id).sort()).toEqual(['r-6a', 'r-6b']);
    expect((await ds.manager.findOneByOrFail(ReservationEntity, { id: 'r-5a' })).tenantId).toBe('t-00000000000000f15');
    // Alone (one statement on either database), and with no part skipping: nothing answered.
    expect([...(await insertTogether(ds.manager, [part(ReservationEntity, [reservation('r-5a', 't-00000000000000f15')], { skipTaken: true })]))!]).toEqual([]);
    expect(await insertTogether(ds.manager, [part(ReservationEntity, [reservation('r-6c', 't-00000000000000f16')])])).toBeUndefined();
    await expect(insertTogether(ds.manager, [part(TenantEntity, [], { skipTaken: true }), part(ReservationEntity, [], { skipTaken: true })])).rejects.toThrow('at most one part');
  });

  const usage = (recordId: string, startMs: number, attrs: string) => ({ recordId, tenantId: 't-00000000000000f04', kind: 'instance-usage', resourceId: 'i-1', startMs, endMs: null, periodStartMs: null, quantity: null, attrs });

  it('insertRows ignore: a row whose key is taken is skipped, the others of the statement are written (a replayed usage record writes nothing)', async () => {
    await insertRows(ds.manager, UsageRecordEntity, [usage('u-1', 1_000, '{"a":1}')], { ignore: true });
    // u-1 again with other values, and u-2 new, in one statement.
    await insertRows(ds.manager, UsageRecordEntity, [usage('u-1', 9_999, '{"a":2}'), usage('u-2', 2_000, '{"b":1}')], { ignore: true });
    const rows = await ds.manager.find(UsageRecordEntity, { where: { tenantId: 't-00000000000000f04' }, order: { recordId: 'ASC' } });
    expect(rows.map((r) => [r.recordId, r.startMs, r.attrs, r.endMs])).toEqual([['u-1', 1_000, '{"a":1}', null], ['u-2', 2_000, '{"b":1}', null]]);
    // Without ignore a taken key fails the statement.
    await expect(insertRows(ds.manager, UsageRecordEntity, [usage('u-2', 3_000, '{}')])).rejects.toThrow();
  });

  it('insertRows upsert replaces a taken key\'s other columns (usage meters)', async () => {
    await insertRows(ds.manager, UsageMeterEntity, [{ instanceId: 'i-m', meter: 'transfer', value: 5, atMs: 100 }], { upsert: true });
    await insertRows(ds.manager, UsageMeterEntity, [{ instanceId: 'i-m', meter: 'transfer', value: 8, atMs: 200 }, { instanceId: 'i-m', meter: 'surplus', value: 1, atMs: 200 }], { upsert: true });
    const rows = await ds.manager.find(UsageMeterEntity, { where: { instanceId: 'i-m' }, order: { meter: 'ASC' } });
    expect(rows.map((r) => [r.meter, r.value, r.atMs])).toEqual([['surplus', 1, 200], ['transfer', 8, 200]]);
  });

  it('selectWhere columns reads only the columns asked for, converted as TypeORM converts them', async () => {
    await insertRows(ds.manager, TenantEntity, [tenant('t-00000000000000f05'), tenant('t-00000000000000f06')]);
    const rows = await selectWhere(ds.manager, TenantEntity, {}, { in: { prop: 'id', values: ['t-00000000000000f05', 't-00000000000000f06', 't-missing'] }, orderBy: 'id', columns: ['id', 'requestLimits', 'createdAt'] });
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { id: 't-00000000000000f05', requestLimits: { multiplier: 3, operations: {} }, createdAt: 1_000 },
      { id: 't-00000000000000f06', requestLimits: { multiplier: 3, operations: {} }, createdAt: 1_000 },
    ]);
  });

  it('selectOwned finds a row by its key alone and answers it only to its tenant: another tenant\'s is as missing', async () => {
    await insertTogether(ds.manager, [part(TenantEntity, [tenant('t-00000000000000f07'), tenant('t-00000000000000f08')]), part(ReservationEntity, [reservation('r-7', 't-00000000000000f07')])]);
    const statements: string[] = [];
    const found = await ds.transaction(async (tx) => {
      const query = tx.query.bind(tx);
      tx.query = ((sql: string, params?: unknown[]) => (statements.push(sql), query(sql, params))) as typeof tx.query;
      return [await selectOwned(tx, ReservationEntity, 'r-7', 't-00000000000000f07'), await selectOwned(tx, ReservationEntity, 'r-7', 't-00000000000000f08'), await selectOwned(tx, ReservationEntity, 'r-none', 't-00000000000000f07')];
    });
    expect(found).toEqual([{ id: 'r-7', tenantId: 't-00000000000000f07', clientToken: null, requestHash: 'h', createdAt: 2_000 }, null, null]);
    // The key alone: no plan can reach the row through the tenant's index.
    for (const sql of statements) expect(sql).toMatch(/ FROM "reservations" WHERE "id" = (\$1|\?)$/);
  });
});
