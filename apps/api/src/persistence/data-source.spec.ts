import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceOptions } from './data-source';

/** SQLite's temporary files (a statement journal, a sort's spill) open in this process: unlinked at creation, named etilqs_… */
function openTempFiles(): string[] {
  const fds = readdirSync('/proc/self/fd');
  return fds
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('etilqs_'));
}

describe('dataSourceOptions (SQLite)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nimbus-ds-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A connection prepared as the API's (the options' prepareDatabase), with WAL as TypeORM sets it. */
  function connection(): Database.Database {
    const path = join(dir, 'db.sqlite');
    const options = dataSourceOptions({ type: 'sqlite', path }) as { prepareDatabase?: (db: Database.Database) => void; enableWAL?: boolean };
    const db = new Database(path);
    options.prepareDatabase!(db);
    if (options.enableWAL) db.pragma('journal_mode = WAL');
    return db;
  }

  it('sets synchronous=NORMAL and keeps temporary storage in memory', () => {
    const db = connection();
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('temp_store', { simple: true })).toBe(2); // MEMORY
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it("runs a command's savepoint without a statement-journal file, and still rolls back to it", () => {
    const db = connection();
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)');
    const insert = db.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 500; i++) insert.run(`a${i}`, 'x'.repeat(500));
    })();
    // The write path's shape: one transaction, each command in a savepoint; a failed command rolls back to it.
    db.exec('BEGIN');
    db.exec('SAVEPOINT command');
    for (let i = 0; i < 500; i++) db.prepare('UPDATE t SET v = ? WHERE id = ?').run('y'.repeat(500), `a${i}`);
    insert.run('b0', 'kept? no');
    // With temp_store=FILE, SQLite would have opened a statement journal (an unlinked etilqs_ file) by now.
    expect(openTempFiles()).toEqual([]);
    db.exec('ROLLBACK TO command');
    db.exec('RELEASE command');
    insert.run('b1', 'kept');
    db.exec('COMMIT');
    expect(db.prepare('SELECT count(*) AS n FROM t WHERE v = ?').get('x'.repeat(500))).toEqual({ n: 500 });
    expect(db.prepare('SELECT id FROM t WHERE id LIKE ? ORDER BY id').all('b%')).toEqual([{ id: 'b1' }]);
    db.close();
  });
});
