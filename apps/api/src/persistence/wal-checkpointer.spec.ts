import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { WalCheckpointer, WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WalCheckpointer', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nimbus-wal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A writer set up as data-source.ts sets it up, with ~2 MiB committed to the log only. */
  function writer(path: string): Database.Database {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    db.exec('CREATE TABLE t (v TEXT)');
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run('x'.repeat(1000));
    })();
    return db;
  }

  it('copies the log into the database file from its own thread, and stops cleanly', async () => {
    const path = join(dir, 'db.sqlite');
    const db = writer(path);
    // 2,000 rows of 1 KB: ~500 pages in the log, under the writer's own threshold: nothing copied yet.
    expect(statSync(path).size).toBeLessThan(64 * 1024);
    const checkpointer = new WalCheckpointer({ database: { type: 'sqlite', path } } as AppConfig);
    checkpointer.onModuleInit();
    for (let i = 0; i < 40 && statSync(path).size < 2_000_000; i++) await sleep(100);
    expect(statSync(path).size).toBeGreaterThan(2_000_000);
    await checkpointer.onApplicationShutdown();
    // The writer still works after the thread is gone, and sees every row.
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
    db.close();
  });

  it('does nothing for PostgreSQL or an in-memory database', async () => {
    for (const database of [{ type: 'postgres', url: 'postgres://x' }, { type: 'sqlite', path: ':memory:' }]) {
      const c = new WalCheckpointer({ database } as unknown as AppConfig);
      c.onModuleInit();
      await expect(c.onApplicationShutdown()).resolves.toBeUndefined();
    }
  });
});
