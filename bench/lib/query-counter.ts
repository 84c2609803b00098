/**
 * Preloaded into a bench's server process (`node -r @swc-node/register -r bench/lib/query-counter.ts
 * …`, the benches' `--count-queries`): counts the SQL statements the server sends through TypeORM's
 * query runners (better-sqlite3 and PostgreSQL: every repository, query builder and plain statement,
 * transaction control included; a SQLite describe's SELECTs, sent to the read thread), by
 * statement text. On SIGUSR2 it writes the counts so far as JSON to the file named by
 * NIMBUS_BENCH_QUERY_FILE; the bench reads them before and after its measured
 * phase. Measurement only: nothing in the server imports it.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';

const counts = new Map<string, number>();
let total = 0;
/** Microseconds spent inside better-sqlite3's statement calls (run/all/get), by statement text. */
const micros = new Map<string, number>();

const kind = (sql: string) => sql.replace(/\s+/g, ' ').replace(/(\?|\$\d+)(, (\?|\$\d+))+/g, '…').slice(0, 160);

function patch(proto: { query: (...args: never[]) => unknown }): void {
  const original = proto.query as (...args: unknown[]) => unknown;
  (proto as { query: unknown }).query = function (this: unknown, ...args: unknown[]) {
    total++;
    // Statements differing only in their IN-list length count as one kind.
    const text = kind(String(args[0]));
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return original.apply(this, args);
  };
}

patch(BetterSqlite3QueryRunner.prototype);

// Time each better-sqlite3 statement's execution (synchronous, so the call's duration is the database's).
{
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
  probe.close();
  for (const method of ['run', 'all', 'get'] as const) {
    const original = proto[method];
    proto[method] = function (this: { source: string }, ...args: unknown[]) {
      const t0 = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const text = kind(this.source);
        micros.set(text, (micros.get(text) ?? 0) + Number(process.hrtime.bigint() - t0) / 1000);
      }
    };
  }
}
patch(PostgresQueryRunner.prototype);

// A SQLite describe's SELECTs go to the read thread (apps/api/src/persistence/read-thread.ts) rather
// than through a query runner: counted here as they are sent (the server's build, as the server
// loads it). They run on that thread, so their execution is not timed above.
{
  const built = join(process.cwd(), 'dist/apps/api/src/persistence/read-thread.js');
  if (existsSync(built)) {
    const { ReadThread } = createRequire(__filename)(built) as { ReadThread: { prototype: { read: (sql: string, params: readonly unknown[]) => unknown } } };
    const read = ReadThread.prototype.read;
    ReadThread.prototype.read = function (this: unknown, sql: string, params: readonly unknown[]) {
      total++;
      const text = kind(sql);
      counts.set(text, (counts.get(text) ?? 0) + 1);
      return read.call(this, sql, params);
    };
  }
}

process.on('SIGUSR2', () => {
  const file = process.env.NIMBUS_BENCH_QUERY_FILE;
  if (file) writeFileSync(file, JSON.stringify({ total, byStatement: Object.fromEntries(counts), microsByStatement: Object.fromEntries(micros) }));
});
