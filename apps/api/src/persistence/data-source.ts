import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';
import { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { NamedStatementClient } from './named-statements';
import { WRITER_AUTOCHECKPOINT_PAGES } from './wal-checkpointer';

/** The connection that reads the committed state, without waiting behind the write path's transactions. */
export const READ_DB = 'read';

/**
 * TypeORM options for the configured database: SQLite (WAL) by default, PostgreSQL by URL.
 * SQLite runs on better-sqlite3: synchronous calls without a thread-pool hop per statement, which
 * is most of a small query's cost on the asynchronous `sqlite3` driver.
 */
export function dataSourceOptions(db: AppConfig['database']): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  // The pools' clients prepare repeated statements by name (named-statements.ts), and pipeline: a
  // statement sent while others are under way on the connection goes at once, not after their
  // answers (node-postgres's `pipeline`; the server still runs them in order, each with its own
  // sync, so an error is the statement's own). The write path sends a group's statements this way
  // (pipeline.ts). A describe's reads go as one statement (fused-reads.ts).
  if (db.type === 'postgres') return { ...common, type: 'postgres', url: db.url, extra: { Client: NamedStatementClient, pipeline: true } };
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  // WAL lets readers proceed while the single writer commits; the timeout rides out a checkpoint.
  // synchronous=NORMAL, SQLite's advice for WAL: a commit is in the log when it returns (a killed
  // process loses nothing it acknowledged); the log is synced at checkpoints rather than at every
  // commit, so a power cut may lose the last commits, never consistency. Checkpoints run on a
  // thread of their own (wal-checkpointer.ts), not inside a commit on the event loop.
  // temp_store=MEMORY: each command of a group runs in a savepoint, and SQLite keeps what a
  // savepoint would roll back in a statement journal, a temporary file by default: a file made,
  // written page by page and removed for every group commit. In memory it costs no system call
  // (the journal only serves a rollback inside the transaction; the WAL alone is what survives a crash).
  return {
    ...common, type: 'better-sqlite3', database: db.path, enableWAL: true, timeout: 5000, statementCacheSize: 500,
    prepareDatabase: (conn: { pragma(s: string): unknown }) => {
      conn.pragma('synchronous = NORMAL');
      conn.pragma('temp_store = MEMORY');
      conn.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
    },
  };
}

/**
 * The read connection: on SQLite a second connection to the same file (WAL: it sees what has
 * committed, never a transaction in progress, and never waits for one); on PostgreSQL a pool of
 * its own. An in-memory SQLite database has one connection only: reads share the writer's.
 */
export async function readDataSource(db: AppConfig['database'], writer: DataSource): Promise<DataSource> {
  if (db.type === 'sqlite' && db.path === ':memory:') return writer;
  const options = { ...dataSourceOptions(db), migrationsRun: false, migrations: [] } as DataSourceOptions;
  return new DataSource(options).initialize();
}
