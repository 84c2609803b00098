import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryFailedError, QueryRunner } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ReadThread, ReadThreadHost, ReadThreadStopped, readOnThread } from './read-thread';

describe('ReadThread (SQLite reads off the event loop)', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;
  const threads: ReadThread[] = [];
  const start = () => {
    const t = ReadThread.start(path);
    threads.push(t);
    return t;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nimbus-read-thread-'));
    path = join(dir, 'db.sqlite');
    // The writer as data-source.ts sets it up.
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, x REAL, b BLOB, s TEXT)');
    db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)').run('a', 7, 1.5, Buffer.from([1, 2, 255]), null);
    db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)').run('b', -3, 0.25, null, 'é ✓');
  });
  afterEach(async () => {
    for (const t of threads.splice(0)) await t.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a SELECT with the rows the driver gives on the event loop, BLOBs as Buffers', async () => {
    const t = start();
    const sql = 'SELECT id, n, x, b, s FROM t WHERE id IN (?, ?) ORDER BY id';
    const rows = await t.read(sql, ['a', 'b']);
    expect(rows).toEqual(db.prepare(sql).all('a', 'b'));
    expect(rows).toEqual([
      { id: 'a', n: 7, x: 1.5, b: Buffer.from([1, 2, 255]), s: null },
      { id: 'b', n: -3, x: 0.25, b: null, s: 'é ✓' },
    ]);
    expect(Buffer.isBuffer(rows[0].b)).toBe(true);
    // A BLOB parameter arrives as the Buffer it was.
    expect(await t.read('SELECT id FROM t WHERE b = ?', [Buffer.from([1, 2, 255])])).toEqual([{ id: 'a' }]);
  });

  it('sees what the writer committed before the read was sent (a tenant reads its own acknowledged writes)', async () => {
    const t = start();
    for (let i = 0; i < 50; i++) {
      db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run(`w${i}`, i);
      expect(await t.read('SELECT n FROM t WHERE id = ?', [`w${i}`])).toEqual([{ n: i }]);
    }
  });

  it('never sees a transaction in progress', async () => {
    const t = start();
    db.exec('BEGIN');
    db.prepare('INSERT INTO t (id, n) VALUES (?, ?)').run('uncommitted', 1);
    expect(await t.read('SELECT id FROM t WHERE id = ?', ['uncommitted'])).toEqual([]);
    db.exec('COMMIT');
    expect(await t.read('SELECT id FROM t WHERE id = ?', ['uncommitted'])).toEqual([{ id: 'uncommitted' }]);
  });

  it('reads the SELECTs of one tick in one snapshot, while the writer commits meanwhile', async () => {
    const t = start();
    const insert = db.prepare('INSERT INTO t (id, n) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) insert.run(`r${i}`, i);
    })();
    const counts = Array.from({ length: 60 }, () => t.read('SELECT count(*) AS c FROM t WHERE n >= 0', []));
    const settled = Promise.all(counts);
    await new Promise((r) => setImmediate(r)); // the batch is sent
    // The event loop goes on committing while the thread reads (each insert its own transaction).
    const until = Date.now() + 150;
    let written = 0;
    while (Date.now() < until) insert.run(`late${written}`, written++);
    const seen = new Set((await settled).map((rows) => rows[0].c));
    expect(written).toBeGreaterThan(100);
    expect(seen.size).toBe(1);
    const [c] = [...seen] as number[];
    // 20,000 committed before the batch was sent; some of the later ones may precede its snapshot.
    expect(c).toBeGreaterThanOrEqual(20_001);
    expect(c).toBeLessThanOrEqual(20_001 + written);
  });

  it('fails only the SELECT that fails, with the driver\'s QueryFailedError; the others of its batch are answered', async () => {
    const t = start();
    const good = t.read('SELECT id FROM t WHERE id = ?', ['a']);
    const bad = t.read('SELECT nope FROM t', []);
    const written = t.read('INSERT INTO t (id) VALUES (?)', ['z']);
    await expect(good).resolves.toEqual([{ id: 'a' }]);
    const err = await bad.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError).message).toMatch(/no such column: nope/);
    expect((err as QueryFailedError).query).toBe('SELECT nope FROM t');
    // It only reads.
    await expect(written).rejects.toBeInstanceOf(QueryFailedError);
    expect(db.prepare('SELECT count(*) AS c FROM t WHERE id = ?').get('z')).toEqual({ c: 0 });
  });

  it('a thread that cannot start rejects what was sent to it and stops answering', async () => {
    const t = ReadThread.start(join(dir, 'missing.sqlite'));
    threads.push(t);
    const err = await t.read('SELECT 1 AS one', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadThreadStopped);
    expect((err as Error).message).toMatch(/unable to open database file|directory does not exist|SQLITE_CANTOPEN/i);
    expect(t.alive).toBe(false);
    await expect(t.read('SELECT 1 AS one', [])).rejects.toBeInstanceOf(ReadThreadStopped);
  });

  it('after close, it no longer answers', async () => {
    const t = start();
    expect(await t.read('SELECT 1 AS one', [])).toEqual([{ one: 1 }]);
    await t.close();
    expect(t.alive).toBe(false);
    await expect(t.read('SELECT 1 AS one', [])).rejects.toBeInstanceOf(ReadThreadStopped);
  });

  describe('readOnThread', () => {
    function fakeRunner(): { runner: QueryRunner; own: string[]; logged: string[]; failed: string[] } {
      const own: string[] = [];
      const logged: string[] = [];
      const failed: string[] = [];
      const runner = {
        isTransactionActive: false,
        connection: { logger: { logQuery: (sql: string) => logged.push(sql), logQueryError: (_: unknown, sql: string) => failed.push(sql) } },
        query: async (sql: string) => {
          own.push(sql);
          return 'own';
        },
      } as unknown as QueryRunner;
      return { runner, own, logged, failed };
    }

    it('sends SELECTs to the thread, as rows or as a structured result; anything else to the runner', async () => {
      const t = start();
      const { runner, own, logged, failed } = fakeRunner();
      readOnThread(runner, t);
      expect(await runner.query('SELECT id FROM t WHERE id = ?', ['a'])).toEqual([{ id: 'a' }]);
      const structured = await runner.query('SELECT id FROM t ORDER BY id', [], true);
      expect(structured.records).toEqual([{ id: 'a' }, { id: 'b' }]);
      expect(structured.raw).toEqual([{ id: 'a' }, { id: 'b' }]);
      expect(await runner.query('UPDATE t SET n = 1')).toBe('own');
      expect(own).toEqual(['UPDATE t SET n = 1']);
      // The connection's logger hears of the thread's SELECTs (and of their failures) as of the driver's.
      await expect(runner.query('SELECT nope FROM t')).rejects.toBeInstanceOf(QueryFailedError);
      expect(logged).toEqual(['SELECT id FROM t WHERE id = ?', 'SELECT id FROM t ORDER BY id', 'SELECT nope FROM t']);
      expect(failed).toEqual(['SELECT nope FROM t']);
    });

    it('runs a SELECT on the runner when the thread has stopped, and logs no failure', async () => {
      const t = start();
      const { runner, own, failed } = fakeRunner();
      readOnThread(runner, t);
      await t.close();
      expect(await runner.query('SELECT id FROM t')).toBe('own');
      expect(own).toEqual(['SELECT id FROM t']);
      expect(failed).toEqual([]);
    });

    it('keeps a transaction\'s SELECTs on the runner', async () => {
      const t = start();
      const { runner, own } = fakeRunner();
      readOnThread(runner, t);
      (runner as { isTransactionActive: boolean }).isTransactionActive = true;
      expect(await runner.query('SELECT id FROM t')).toBe('own');
      expect(own).toEqual(['SELECT id FROM t']);
    });
  });

  describe('ReadThreadHost', () => {
    const reader = { isInitialized: true } as never;

    it('runs a thread for a SQLite file, and none for PostgreSQL or an in-memory database', async () => {
      const host = new ReadThreadHost({ database: { type: 'sqlite', path } } as AppConfig, reader);
      host.onModuleInit();
      expect(host.current).toBeDefined();
      expect(await host.current!.read('SELECT count(*) AS c FROM t', [])).toEqual([{ c: 2 }]);
      await host.onApplicationShutdown();
      expect(host.current).toBeUndefined();
      for (const database of [{ type: 'postgres', url: 'postgres://x' }, { type: 'sqlite', path: ':memory:' }]) {
        const h = new ReadThreadHost({ database } as unknown as AppConfig, reader);
        h.onModuleInit();
        expect(h.current).toBeUndefined();
        await h.onApplicationShutdown();
      }
    });
  });
});
