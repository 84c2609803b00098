import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ChildProcess } from 'node:child_process';

/** Server-side SQL statement counts (bench/lib/query-counter.ts, preloaded into the server). */
export interface QueryCounts {
  readonly total: number;
  readonly byStatement: Record<string, number>;
  /** SQLite only: microseconds spent executing each statement (better-sqlite3's calls). */
  readonly microsByStatement?: Record<string, number>;
}

/** Asks the server (SIGUSR2) for its statement counts so far and reads them from `file`. */
export async function readQueryCounts(child: ChildProcess, file: string): Promise<QueryCounts> {
  rmSync(file, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 50; i++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as QueryCounts;
    } catch {
      await new Promise((r) => setTimeout(r, 20)); // still being written
    }
  }
  throw new Error(`the server wrote no query counts to ${file}`);
}

/** The statements run between two readings, most frequent first, as "count per request  statement" lines. */
export function queryReport(before: QueryCounts, after: QueryCounts, requests: number, top = 25): string[] {
  const delta = Object.entries(after.byStatement)
    .map(([sql, n]) => [sql, n - (before.byStatement[sql] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const per = (n: number) => (n / Math.max(1, requests)).toFixed(2);
  const micros = (sql: string) => (after.microsByStatement?.[sql] ?? 0) - (before.microsByStatement?.[sql] ?? 0);
  const timed = after.microsByStatement !== undefined;
  const totalMicros = delta.reduce((s, [sql]) => s + micros(sql), 0);
  return [
    `SQL statements over the measured phase: ${after.total - before.total} (${per(after.total - before.total)} per request)` +
      (timed ? `; executing them took ${per(totalMicros)} µs per request` : ''),
    `    per request${timed ? '   µs/req' : ''}  statement`,
    ...delta.slice(0, top).map(([sql, n]) => `    ${per(n).padStart(11)}${timed ? per(micros(sql)).padStart(10) : ''}  ${sql}`),
  ];
}
