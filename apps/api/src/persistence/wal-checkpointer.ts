import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Worker } from 'node:worker_threads';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/**
 * How many WAL pages the writer lets pile up before it checkpoints by itself: a safety net only
 * (about 40 MiB); normally the checkpointer thread keeps the log far shorter.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 10_000;
/** How often the checkpointer thread copies the log into the database file. */
const INTERVAL_MS = 250;

/**
 * The thread's code. Its own better-sqlite3 connection runs `wal_checkpoint(PASSIVE)`: it copies
 * committed pages from the log into the database file and syncs them, without taking the write
 * lock, so the writer commits meanwhile. A log that was copied whole restarts from its beginning at
 * the writer's next transaction, so it stays short.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: 5000 });
db.pragma('synchronous = NORMAL');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) { /* busy: the next round retries */ } };
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('stopped');
});
`;

/**
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold, on the thread
 * that commits: with better-sqlite3 that is the event loop, which then copies a thousand pages and
 * fsyncs while every request waits. Here the writer's threshold is raised (`data-source.ts`) and a
 * worker thread checkpoints instead. Durability is unchanged: a commit is in the log when it
 * returns either way (synchronous=NORMAL), and the checkpoint syncs the log before it copies.
 * PostgreSQL and in-memory SQLite have nothing to do.
 */
@Injectable()
export class WalCheckpointer implements OnModuleInit, OnApplicationShutdown {
  private worker?: Worker;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onModuleInit(): void {
    const db = this.config.database;
    if (db.type !== 'sqlite' || db.path === ':memory:') return;
    this.worker = new Worker(THREAD, { eval: true, workerData: { driver: require.resolve('better-sqlite3'), path: db.path, intervalMs: INTERVAL_MS } });
    this.worker.unref();
    this.worker.on('error', () => (this.worker = undefined)); // the writer's own threshold takes over
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      worker.once('message', done);
      worker.once('exit', done);
      worker.once('error', done);
      worker.postMessage('stop');
      setTimeout(done, 2000).unref();
    });
    await worker.terminate();
  }
}
