import { DataSource, QueryRunner } from 'typeorm';
import { loadConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { NamedStatementClient, StatementNames } from '../apps/api/src/persistence/named-statements';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';

/**
 * PostgreSQL's pools pipeline and prepare repeated statements by name (data-source.ts,
 * named-statements.ts): what the server holds on a connection (pg_prepared_statements), and that
 * named statements answer as unnamed ones do through a failed statement, a savepoint, a changed
 * table and the limit. Runs in the PostgreSQL pass of the suite.
 */
(usingPostgres() ? describe : describe.skip)('statements prepared by name on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let runner: QueryRunner;
  /** This suite's names: its own counts, a limit of 4, named on the second use. */
  const names = new StatementNames(1, 4);

  beforeAll(async () => {
    db = await createTestDatabase();
    const options = dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database);
    expect(options).toMatchObject({ type: 'postgres', extra: { Client: NamedStatementClient, pipeline: true } });
    class Client extends NamedStatementClient {
      static override names = names;
    }
    ds = await new DataSource({ ...options, migrationsRun: false, migrations: [], extra: { ...(options as { extra: object }).extra, Client } }).initialize();
    runner = ds.createQueryRunner();
    await runner.connect();
    await runner.query('CREATE TABLE t (id integer PRIMARY KEY, v text NOT NULL)');
  });
  afterAll(async () => {
    await runner?.release();
    await ds?.destroy();
    await db?.drop();
  });

  /** The statements this connection's server process holds, by name. */
  const prepared = async () =>
    Object.fromEntries(((await runner.query('SELECT name, statement FROM pg_prepared_statements ORDER BY name')) as { name: string; statement: string }[]).map((r) => [r.name, r.statement]));

  it('a statement with parameters is prepared on its second use and keeps answering with new values; one without is never prepared', async () => {
    const insert = 'INSERT INTO t (id, v) VALUES ($1, $2)';
    await runner.query(insert, [1, 'one']);
    expect(await prepared()).toEqual({});
    await runner.query(insert, [2, 'two']);
    await runner.query(insert, [3, "it's"]);
    expect(await prepared()).toEqual({ nimbus_1: insert });
    for (let i = 0; i < 3; i++) await runner.query('SELECT COUNT(*) AS n FROM t');
    expect(Object.keys(await prepared())).toEqual(['nimbus_1']);
    expect(await runner.query('SELECT v FROM t WHERE id > $1 ORDER BY id', [2])).toEqual([{ v: "it's" }]);
    expect(await runner.query('SELECT v FROM t WHERE id > $1 ORDER BY id', [0])).toEqual([{ v: 'one' }, { v: 'two' }, { v: "it's" }]);
    expect((await prepared()).nimbus_2).toBe('SELECT v FROM t WHERE id > $1 ORDER BY id');
  });

  it('a named statement that fails in a savepoint fails as before; after the rollback to it, the same statement runs again and commits', async () => {
    const insert = 'INSERT INTO t (id, v) VALUES ($1, $2)';
    await runner.startTransaction();
    await runner.query('SAVEPOINT s');
    await expect(runner.query(insert, [1, 'taken'])).rejects.toMatchObject({ driverError: { code: '23505' } });
    await runner.query('ROLLBACK TO SAVEPOINT s');
    await runner.query(insert, [4, 'four']);
    await runner.commitTransaction();
    expect(await runner.query('SELECT v FROM t WHERE id = $1', [4])).toEqual([{ v: 'four' }]);
    // A transaction rolled back as a whole does not lose the statements prepared in it (they are not transactional).
    const count = 'SELECT COUNT(*)::int AS n FROM t WHERE id > $1';
    await runner.startTransaction();
    await runner.query(count, [0]);
    expect(await runner.query(count, [1])).toEqual([{ n: 3 }]);
    expect((await prepared()).nimbus_3).toBe(count);
    await expect(runner.query(insert, [4, 'again'])).rejects.toMatchObject({ driverError: { code: '23505' } });
    await runner.rollbackTransaction();
    expect((await prepared()).nimbus_3).toBe(count);
    expect(await runner.query(count, [3])).toEqual([{ n: 1 }]);
    await runner.query(insert, [5, 'five']);
    expect((await runner.query('SELECT v FROM t WHERE id > $1 ORDER BY id', [3])).map((r: { v: string }) => r.v)).toEqual(['four', 'five']);
  });

  it('a table dropped and made again under a statement prepared on it: the statement answers from the new table', async () => {
    await runner.query('DROP TABLE t');
    await runner.query('CREATE TABLE t (id integer PRIMARY KEY, v text NOT NULL, w integer)');
    await runner.query('INSERT INTO t (id, v) VALUES ($1, $2)', [7, 'seven']);
    expect(await runner.query('SELECT v FROM t WHERE id > $1 ORDER BY id', [0])).toEqual([{ v: 'seven' }]);
  });

  it('past the limit a statement runs unnamed, with the same answers; the other connections of the pool share the names', async () => {
    const select = 'SELECT id FROM t WHERE v = $1';
    for (let i = 0; i < 3; i++) expect(await runner.query(select, ['seven'])).toEqual([{ id: 7 }]);
    expect(Object.keys(await prepared())).toEqual(['nimbus_1', 'nimbus_2', 'nimbus_3', 'nimbus_4']);
    const beyond = 'SELECT v FROM t WHERE id = $1';
    for (let i = 0; i < 3; i++) expect(await runner.query(beyond, [7])).toEqual([{ v: 'seven' }]);
    expect(names.named).toBe(4);
    expect(Object.keys(await prepared())).toEqual(['nimbus_1', 'nimbus_2', 'nimbus_3', 'nimbus_4']);
    // Another connection: the same text under the same name, prepared there on its first use.
    const other = ds.createQueryRunner();
    try {
      expect(await other.query(select, ['seven'])).toEqual([{ id: 7 }]);
      expect(await other.query('SELECT name, statement FROM pg_prepared_statements')).toEqual([{ name: 'nimbus_4', statement: select }]);
    } finally {
      await other.release();
    }
  });

  it('the connections pipeline: statements sent together are answered each with its own result, in order; an error is its own statement\'s', async () => {
    const client = (await runner.connect()) as { pipeline: boolean };
    expect(client.pipeline).toBe(true);
    const answers = await Promise.allSettled([
      runner.query('SELECT $1::int AS n', [1]),
      runner.query('SELECT 1 / $1::int AS n', [0]),
      runner.query('SELECT $1::int AS n', [3]),
    ]);
    expect(answers.map((a) => (a.status === 'fulfilled' ? a.value : (a.reason as { driverError: { code: string } }).driverError.code))).toEqual([[{ n: 1 }], '22012', [{ n: 3 }]]);
  });
});
