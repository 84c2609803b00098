import { QueryRunner } from 'typeorm';
import { isSelect } from './pipeline';
import { PendingRead, tickReads } from './tick-reads';

/**
 * Reads fused into one statement (PostgreSQL; InstancesRepository.withReader).
 *
 * A describe reads an instance's row, tags, volumes, interfaces and groups: five SELECTs, each
 * costing PostgreSQL a statement of its own (bind, snapshot, executor start, answer) and the
 * server a round of the driver's work. The SELECTs a reader sends in the same tick go to the
 * server as one statement instead, each a subquery whose rows come back as a JSON array:
 *
 *   SELECT (SELECT COALESCE(json_agg(q), '[]') FROM (<first>) q) AS "0", (… <second> …) AS "1"
 *
 * with the second's placeholders numbered on from the first's. Each caller gets its own rows, as
 * if it had sent its statement alone; if the fused statement fails, each caller gets that error.
 * The fused statement reads one snapshot, where separate statements each read their own.
 *
 * Only for reads whose columns JSON carries as the driver would give them: text, integers,
 * booleans, and bigint columns that a transformer turns into numbers (columns.ts's msTransformer).
 * A timestamp (a string in JSON, a Date from the driver) or a numeric (a JSON number, the driver's
 * string) would come back differently, so a reader that reads such columns must not be fused.
 * A subquery's ORDER BY keeps its rows' order in json_agg (PostgreSQL: "supplying the input values
 * from a sorted subquery will usually work" when the outer level does nothing more, as here).
 */
export function fuseReads(runner: QueryRunner): void {
  const send = runner.query.bind(runner) as (sql: string, params?: unknown[], structured?: boolean) => Promise<unknown>;
  const sendFused = (batch: readonly PendingRead[]) => {
    if (batch.length === 1) {
      const [only] = batch;
      send(only.sql, [...only.params]).then(only.resolve, only.reject);
      return;
    }
    const { sql, params } = fusedStatement(batch);
    send(sql, params).then(
      (rows) => batch.forEach((w, i) => w.resolve((rows as Record<string, unknown>[])[0][String(i)])),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  };

  const read = tickReads<unknown>((all) => {
    // A statement of at most MAX_FUSED reads and MAX_FUSED_PARAMS parameters (DescribeInstances
    // may name a thousand ids, each its own read): the rest go in further statements.
    let batch: PendingRead[] = [];
    let params = 0;
    for (const w of all) {
      if (batch.length > 0 && (batch.length === MAX_FUSED || params + w.params.length > MAX_FUSED_PARAMS)) {
        sendFused(batch);
        batch = [];
        params = 0;
      }
      batch.push(w);
      params += w.params.length;
    }
    sendFused(batch);
  });

  runner.query = ((sql: string, params?: unknown[], structured?: boolean) => {
    if (structured || !fusable(sql)) return send(sql, params, structured);
    return read(sql, params ?? []);
  }) as QueryRunner['query'];
}

/** Reads per fused statement, and parameters (PostgreSQL takes 65,535). */
export const MAX_FUSED = 64;
export const MAX_FUSED_PARAMS = 30_000;

/** A plain SELECT whose every `$` is a numbered placeholder (no dollar-quoted text), not locking rows. */
export function fusable(sql: string): boolean {
  let yes = fusableTexts.get(sql);
  if (yes === undefined) {
    yes = isSelect(sql) && !/\$(?!\d)/.test(sql) && !/\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b/i.test(sql) && !sql.includes(';');
    remember(fusableTexts, sql, yes);
  }
  return yes;
}

/** One statement answering every SELECT of `batch`, the i-th one's rows in the column named "i". */
export function fusedStatement(batch: readonly { readonly sql: string; readonly params: readonly unknown[] }[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  for (const w of batch) params.push(...w.params);
  // The same reads fused again (every describe) make the same text: built once, and the same
  // string each time (named-statements.ts looks it up).
  const key = batch.map((w) => `${w.params.length}\u0000${w.sql}`).join('\u0000');
  let sql = fusedTexts.get(key);
  if (sql === undefined) {
    let offset = 0;
    const parts = batch.map((w, i) => {
      const from = offset;
      offset += w.params.length;
      const renumbered = w.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + from}`);
      return `(SELECT COALESCE(json_agg(q${i}), '[]'::json) FROM (${renumbered}) q${i}) AS "${i}"`;
    });
    sql = `SELECT ${parts.join(', ')}`;
    remember(fusedTexts, key, sql);
  }
  return { sql, params };
}

/** Texts seen, up to a bound (a statement of a new shape each time must not grow them forever). */
const fusableTexts = new Map<string, boolean>();
const fusedTexts = new Map<string, string>();
const remember = <V>(m: Map<string, V>, key: string, value: V) => {
  if (m.size < 2_000) m.set(key, value);
};
