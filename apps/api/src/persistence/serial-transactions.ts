import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Tx } from './tx';

/**
 * Transactions on the writer connection, one at a time: for a process without the engine's write
 * path (apps/worker). On SQLite the connection is one, and a second transaction begun while one is
 * open would join it; on PostgreSQL it costs nothing that matters at a worker's few writes a second.
 */
@Injectable()
export class SerialTransactions {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    const next = this.tail.then(() => this.db.transaction((tx) => fn(tx)));
    this.tail = next.catch(() => undefined);
    return next;
  }
}
