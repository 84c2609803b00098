import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Worker } from 'node:worker_threads';
import { DataSource, QueryFailedError, QueryRunner } from 'typeorm';
import { QueryResult } from 'typeorm/query-runner/QueryResult';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { READ_DB } from './data-source';
import { isSelect } from './pipeline';
import { PendingRead, tickReads } from './tick-reads';

/**
 * A describe's reads on a thread of their own (SQLite; InstancesRepository.withReader).
 *
 * better-sqlite3 runs each statement on the calling thread, so on the read connection a describe's
 * five SELECTs ran on the event loop, between the write path's commands and every request's HTTP
 * work. Here a worker thread holds a read connection of its own to the same file (WAL: it sees
 * what has committed, never a transaction in progress, and never waits for one). The SELECTs sent
 * in one tick, from every describe under way, go to it as one message; it runs them in one read
 * transaction (so they read one snapshot, as PostgreSQL's fused statement does) and answers their
 * rows together. The event loop keeps the HTTP work, the commands and the commits.
 *
 * A commit returns before its command is acknowledged, and a read sent after that starts its
 * transaction after it, so a tenant reads its own acknowledged writes here as on the event loop.
 * Rows come back as the driver gives them (structured clone keeps strings, numbers, null and bigint;
 * a BLOB's bytes are a Buffer again on arrival). If the thread fails, what it had not answered is
 * run on the read connection on the event loop instead, as every read after it does.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { timeout: 5000, fileMustExist: true });
} catch (e) {
  // A driver's error class reaches the parent without its message: a plain Error does.
  throw new Error(String(e && e.message) + (e && e.code ? ' (' + e.code + ')' : ''));
}
db.pragma('query_only = ON');
const statements = new Map();
const prepared = (sql) => {
  let s = statements.get(sql);
  if (!s) {
    s = db.prepare(sql);
    if (statements.size < 1000) statements.set(sql, s);
  }
  return s;
};
const begin = db.prepare('BEGIN');
const commit = db.prepare('COMMIT');
const asBuffer = (v) => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    db.close();
    parentPort.postMessage('stopped');
    return;
  }
  const answers = [];
  begin.run();
  try {
    for (const [sql, params] of m.reads) {
      try {
        answers.push({ rows: prepared(sql).all(...params.map(asBuffer)) });
      } catch (e) {
        answers.push({ error: { message: String(e && e.message), code: e && e.code } });
      }
    }
  } finally {
    commit.run();
  }
  parentPort.postMessage({ batch: m.batch, answers });
});
`;

interface Answer {
  readonly rows?: Record<string, unknown>[];
  readonly error?: { readonly message: string; readonly code?: string };
}

/** The thread did not answer: it failed or was stopped (the SELECT itself may be fine). */
export class ReadThreadStopped extends Error {
  constructor(why?: string) {
    super(`the read thread has stopped${why ? ` (${why})` : ''}`);
  }
}

/** A worker thread answering SELECTs on its own connection to a SQLite file (see above). */
export class ReadThread {
  private worker?: Worker;
  private readonly inFlight = new Map<number, PendingRead<Record<string, unknown>[]>[]>();
  private readonly batched = tickReads<Record<string, unknown>[]>((reads) => this.flush(reads));
  private batches = 0;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.unref();
    worker.on('message', (m: { batch: number; answers: Answer[] } | 'stopped') => {
      if (m === 'stopped') return;
      const batch = this.inFlight.get(m.batch);
      if (!batch) return;
      this.inFlight.delete(m.batch);
      if (this.inFlight.size === 0) worker.unref();
      m.answers.forEach((a, i) => {
        const w = batch[i];
        if (a.error) w.reject(new QueryFailedError(w.sql, [...w.params], Object.assign(new Error(a.error.message), { code: a.error.code })));
        else w.resolve(a.rows!.map(withBuffers));
      });
    });
    const fail = (err: unknown) => {
      this.worker = undefined;
      const message = (err as { message?: unknown } | undefined)?.message;
      const reason = new ReadThreadStopped(typeof message === 'string' ? message : String(err));
      for (const batch of this.inFlight.values()) for (const w of batch) w.reject(reason);
      this.inFlight.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(`exit code ${code}`));
  }

  /** A thread reading the SQLite file at `path` (which must exist: the writer made it). */
  static start(path: string): ReadThread {
    return new ReadThread(new Worker(THREAD, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path } }));
  }

  /** Whether the thread still answers (after a failure, readers use the event loop's connection). */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** The rows of one SELECT, read with the others sent in this tick, in one snapshot. */
  read(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return this.batched(sql, params);
  }

  private flush(reads: PendingRead<Record<string, unknown>[]>[]): void {
    const worker = this.worker;
    if (!worker) {
      for (const w of reads) w.reject(new ReadThreadStopped());
      return;
    }
    const batch = ++this.batches;
    this.inFlight.set(batch, reads);
    // Referenced while it owes answers: a process does not end with reads unanswered.
    worker.ref();
    worker.postMessage({ batch, reads: reads.map((w) => [w.sql, w.params]) });
  }

  /** Stops the thread after the reads sent to it are answered. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      worker.on('message', (m) => m === 'stopped' && done());
      worker.once('exit', done);
      worker.once('error', done);
      worker.postMessage('stop');
      setTimeout(done, 2000).unref();
    });
    this.worker = undefined;
    await worker.terminate();
  }
}

/** A row's BLOBs as the driver gives them (Buffer; structured clone makes them plain Uint8Arrays). */
function withBuffers(row: Record<string, unknown>): Record<string, unknown> {
  for (const k in row) {
    const v = row[k];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  return row;
}

/**
 * `runner` sends its SELECTs outside a transaction to `thread`; anything else (and every statement
 * inside a transaction) it runs itself. Its answers have the driver's shapes: rows, or with
 * `structured` a QueryResult whose `records` and `raw` are the rows. Each SELECT is reported to the
 * connection's logger, as the driver reports its own, so that TypeORM's query log still shows it.
 * A SELECT the thread did not answer because it stopped runs on the runner instead.
 */
export function readOnThread(runner: QueryRunner, thread: ReadThread): void {
  const run = runner.query.bind(runner) as (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;
  const logger = runner.connection.logger;
  runner.query = ((sql: string, params?: unknown[], structured?: boolean) => {
    if (runner.isTransactionActive || !isSelect(sql)) return run(sql, params, structured);
    logger.logQuery(sql, params, runner);
    return thread.read(sql, params ?? []).then(
      (rows) => {
        if (!structured) return rows;
        const result = new QueryResult();
        result.raw = rows;
        result.records = rows;
        return result;
      },
      (err: unknown) => {
        if (err instanceof ReadThreadStopped) return run(sql, params, structured);
        logger.logQueryError(err instanceof Error ? err : String(err), sql, params, runner);
        throw err;
      },
    );
  }) as QueryRunner['query'];
}

/**
 * The read thread of a SQLite file database, started once the read connection exists (the
 * migrations have run), stopped at shutdown. None for PostgreSQL or an in-memory database.
 */
@Injectable()
export class ReadThreadHost implements OnModuleInit, OnApplicationShutdown {
  private thread?: ReadThread;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Injected for its order: the read connection is made after the writer has run the migrations.
    @InjectDataSource(READ_DB) private readonly reader: DataSource,
  ) {}

  onModuleInit(): void {
    const db = this.config.database;
    if (db.type !== 'sqlite' || db.path === ':memory:' || !this.reader.isInitialized) return;
    this.thread = ReadThread.start(db.path);
  }

  /** The thread, while it answers. */
  get current(): ReadThread | undefined {
    return this.thread?.alive ? this.thread : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.close();
  }
}
