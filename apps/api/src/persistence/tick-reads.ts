/** A SELECT waiting to be sent with the others of its tick, and its caller's promise. */
export interface PendingRead<R = unknown> {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly resolve: (rows: R) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Reads collected over one tick and handed to `send` together (fused-reads.ts on PostgreSQL,
 * read-thread.ts on SQLite): `send` runs after the microtasks of the tick in which the first read
 * arrived, so a caller that awaited nothing else in between joins the same batch.
 */
export function tickReads<R>(send: (batch: PendingRead<R>[]) => void): (sql: string, params: readonly unknown[]) => Promise<R> {
  let waiting: PendingRead<R>[] | undefined;
  const flush = () => {
    const batch = waiting!;
    waiting = undefined;
    send(batch);
  };
  return (sql, params) =>
    new Promise<R>((resolve, reject) => {
      if (!waiting) {
        waiting = [];
        process.nextTick(flush);
      }
      waiting.push({ sql, params, resolve, reject });
    });
}
