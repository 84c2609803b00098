import { DataSource, QueryRunner } from 'typeorm';
import { loadConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { TenantEntity } from '../apps/api/src/persistence/entities';
import { selectWhere } from '../apps/api/src/persistence/fast-sql';
import { fuseReads, MAX_FUSED, MAX_FUSED_PARAMS } from '../apps/api/src/persistence/fused-reads';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';

/**
 * A describe's reads fused into one statement on PostgreSQL (fused-reads.ts,
 * InstancesRepository.withReader): each caller gets the rows it would have got alone, in its order
 * and with its types; a failure reaches every caller; what does not fuse runs as sent.
 */
(usingPostgres() ? describe : describe.skip)('reads fused into one statement on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: true }).initialize();
    await ds.query('CREATE TABLE fused_t (id integer PRIMARY KEY, v text, flag boolean NOT NULL, at bigint)');
    await ds.query("INSERT INTO fused_t VALUES (1, 'one', true, 9007199254740991), (2, NULL, false, NULL), (3, 'it''s \"three\"', true, 3)");
    await ds.manager.insert(TenantEntity, [tenant('t-00000000000000a01'), tenant('t-00000000000000a02')]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  function tenant(id: string): TenantEntity {
    return { id, name: `${id} ü`, quotaOnDemandVcpus: 5, quotaProvisionedIops: 7, requestLimits: { multiplier: 3, operations: { RunInstances: { bucketSize: 4, refillPerSecond: 2 } } }, accountId: `1234567890${id.slice(-2)}`, createdAt: 1_733_000_000_123 };
  }

  /** Runs `fn` with a runner whose reads fuse, and the statements it sent to the server; released after. */
  async function withFusedRunner(fn: (runner: QueryRunner, sent: string[]) => Promise<void>): Promise<void> {
    const runner = ds.createQueryRunner();
    const sent: string[] = [];
    const query = runner.query.bind(runner);
    runner.query = ((sql: string, params?: unknown[], structured?: boolean) => (sent.push(sql), query(sql, params, structured as true))) as QueryRunner['query'];
    fuseReads(runner);
    try {
      await fn(runner, sent);
    } finally {
      await runner.release();
    }
  }

  const reads: [string, unknown[]][] = [
    ['SELECT id, v, flag FROM fused_t WHERE id > $1 ORDER BY id DESC', [0]],
    ['SELECT v FROM fused_t WHERE id = $1', [2]],
    ['SELECT id FROM fused_t WHERE id = $1 AND v = $2', [1, 'none such']],
    ['SELECT id AS "a", id AS "a" FROM fused_t WHERE id IN ($1, $2) ORDER BY id', [3, 1]],
  ];

  it('reads sent in one tick are one statement; each caller gets exactly the rows it gets alone (order, nulls, booleans, empty)', async () => {
    const alone = await Promise.all(reads.map(([sql, params]) => ds.query(sql, params)));
    await withFusedRunner(async (runner, sent) => {
      const fused = await Promise.all(reads.map(([sql, params]) => runner.query(sql, params)));
      expect(sent).toHaveLength(1);
      expect(fused).toEqual(alone);
      expect(fused[1]).toEqual([{ v: null }]);
      expect(fused[2]).toEqual([]);
    });
  });

  it('a bigint arrives as a JSON number, not the driver\'s string: why only columns with a transformer to numbers may be fused', async () => {
    await withFusedRunner(async (runner) => {
      const [fused] = await Promise.all([runner.query('SELECT at FROM fused_t WHERE id = $1', [3]), runner.query('SELECT at FROM fused_t WHERE id = $1', [3])]);
      expect(fused).toEqual([{ at: 3 }]);
      expect(await ds.query('SELECT at FROM fused_t WHERE id = $1', [3])).toEqual([{ at: '3' }]);
    });
  });

  it('entities read through fast-sql come back as TypeORM gives them (bigint milliseconds, JSON text, non-ASCII text)', async () => {
    await withFusedRunner(async (runner, sent) => {
      const [a, b] = await Promise.all([
        selectWhere(runner.manager, TenantEntity, { id: 't-00000000000000a01' }),
        selectWhere(runner.manager, TenantEntity, {}, { in: { prop: 'id', values: ['t-00000000000000a02', 't-00000000000000a01'] }, orderBy: 'id' }),
      ]);
      expect(sent).toHaveLength(1);
      expect(a).toEqual([tenant('t-00000000000000a01')]);
      expect(b).toEqual([tenant('t-00000000000000a01'), tenant('t-00000000000000a02')]);
      expect(b).toEqual(await selectWhere(ds.manager, TenantEntity, {}, { in: { prop: 'id', values: ['t-00000000000000a02', 't-00000000000000a01'] }, orderBy: 'id' }));
    });
  });

  it(`many reads in one tick: at most ${MAX_FUSED} a statement, and at most ${MAX_FUSED_PARAMS} parameters; each still gets its own rows`, async () => {
    await withFusedRunner(async (runner, sent) => {
      const ids = Array.from({ length: 2 * MAX_FUSED + 10 }, (_, i) => (i % 3) + 1);
      const answers = await Promise.all(ids.map((id) => runner.query('SELECT id, v FROM fused_t WHERE id = $1', [id])));
      expect(sent).toHaveLength(3);
      expect(answers.map((rows: { id: number }[]) => rows[0].id)).toEqual(ids);
      // Two reads whose parameters together pass the limit: two statements.
      const many = Array.from({ length: MAX_FUSED_PARAMS / 2 + 1 }, (_, i) => i);
      const inList = (n: number) => `SELECT count(*)::int AS n FROM fused_t WHERE id IN (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')})`;
      sent.length = 0;
      expect(await Promise.all([runner.query(inList(many.length), many), runner.query(inList(many.length), many)])).toEqual([[{ n: 3 }], [{ n: 3 }]]);
      expect(sent).toHaveLength(2);
    });
  });

  it('reads in different ticks go separately; a lone read goes as sent', async () => {
    await withFusedRunner(async (runner, sent) => {
      expect(await runner.query('SELECT v FROM fused_t WHERE id = $1', [1])).toEqual([{ v: 'one' }]);
      expect(await runner.query('SELECT v FROM fused_t WHERE id = $1', [3])).toEqual([{ v: 'it\'s "three"' }]);
      expect(sent).toEqual(['SELECT v FROM fused_t WHERE id = $1', 'SELECT v FROM fused_t WHERE id = $1']);
    });
  });

  it('a failing read fails every read of its statement with its error; the connection goes on', async () => {
    await withFusedRunner(async (runner) => {
      const results = await Promise.allSettled([runner.query('SELECT v FROM fused_t WHERE id = $1', [1]), runner.query('SELECT nope FROM fused_t WHERE id = $1', [1])]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      for (const r of results) expect(String((r as PromiseRejectedResult).reason)).toMatch(/column "nope" does not exist/);
      expect(await runner.query('SELECT v FROM fused_t WHERE id = $1', [1])).toEqual([{ v: 'one' }]);
    });
  });

  it('a write or a locking read is sent as it is, in its order', async () => {
    await withFusedRunner(async (runner, sent) => {
      await runner.startTransaction();
      const [locked, read] = await Promise.all([runner.query('SELECT id FROM fused_t WHERE id = $1 FOR UPDATE', [2]), runner.query('SELECT id FROM fused_t WHERE id = $1', [2])]);
      await runner.query('UPDATE fused_t SET v = $1 WHERE id = $2', ['two', 2]);
      expect(await runner.query('SELECT v FROM fused_t WHERE id = $1', [2])).toEqual([{ v: 'two' }]);
      await runner.rollbackTransaction();
      expect([locked, read]).toEqual([[{ id: 2 }], [{ id: 2 }]]);
      expect(sent.filter((s) => /fused_t/.test(s))).toEqual([
        'SELECT id FROM fused_t WHERE id = $1 FOR UPDATE', 'SELECT id FROM fused_t WHERE id = $1', 'UPDATE fused_t SET v = $1 WHERE id = $2', 'SELECT v FROM fused_t WHERE id = $1',
      ]);
    });
  });
});
