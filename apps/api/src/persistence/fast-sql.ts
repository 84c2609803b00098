import { EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { pipelineOf } from './pipeline';
import { Tx } from './tx';

/**
 * Plain statements for the hot paths (a launch, a describe), where TypeORM's query builder costs
 * more than the database: one SQL text per (entity, columns) kept and prepared once by the driver,
 * values converted exactly as TypeORM converts them (the driver's preparePersistentValue and
 * prepareHydratedValue, which apply the columns' transformers).
 */

const sqlCache = new WeakMap<object, Map<string, string>>();

function cached(key: object, id: string, make: () => string): string {
  let m = sqlCache.get(key);
  if (!m) sqlCache.set(key, (m = new Map()));
  let sql = m.get(id);
  if (sql === undefined) m.set(id, (sql = make()));
  return sql;
}

const quote = (name: string) => `"${name}"`;

function columnOf(meta: { findColumnWithPropertyName(p: string): ColumnMetadata | undefined; name: string }, prop: string): ColumnMetadata {
  const c = meta.findColumnWithPropertyName(prop);
  if (!c) throw new Error(`${meta.name} has no column ${prop}`);
  return c;
}

/**
 * Rows of `entity` whose columns equal `where` (properties, not column names); `in` matches one
 * column against a list; `columns` reads only those properties (the others are left undefined).
 */
export async function selectWhere<T extends ObjectLiteral>(
  m: Tx, entity: EntityTarget<T>, where: Partial<Record<keyof T & string, unknown>>,
  options: { in?: { prop: keyof T & string; values: readonly unknown[] }; orderBy?: keyof T & string; limit?: number; columns?: readonly (keyof T & string)[] } = {},
): Promise<T[]> {
  const meta = m.connection.getMetadata(entity);
  const driver = m.connection.driver;
  const postgres = m.connection.options.type === 'postgres';
  const props = Object.keys(where);
  const inCount = options.in?.values.length ?? 0;
  if (options.in && inCount === 0) return [];
  const columns = options.columns ? options.columns.map((prop) => columnOf(meta, prop)) : meta.columns;
  const id = `${props.join(',')}|${options.in ? `${options.in.prop}:${inCount}` : ''}|${options.orderBy ?? ''}|${options.limit ?? ''}|${options.columns?.join(',') ?? '*'}`;
  const sql = cached(meta, `select:${id}`, () => {
    let n = 0;
    const p = () => (postgres ? `$${++n}` : '?');
    const conds = props.map((prop) => `${quote(columnOf(meta, prop).databaseName)} = ${p()}`);
    if (options.in) conds.push(`${quote(columnOf(meta, options.in.prop).databaseName)} IN (${Array.from({ length: inCount }, p).join(', ')})`);
    const cols = columns.map((c) => quote(c.databaseName)).join(', ');
    return `SELECT ${cols} FROM ${quote(meta.tableName)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}` +
      `${options.orderBy ? ` ORDER BY ${quote(columnOf(meta, options.orderBy).databaseName)} ASC` : ''}${options.limit !== undefined ? ` LIMIT ${options.limit}` : ''}`;
  });
  const params = props.map((prop) => driver.preparePersistentValue((where as Record<string, unknown>)[prop], columnOf(meta, prop)));
  if (options.in) for (const v of options.in.values) params.push(driver.preparePersistentValue(v, columnOf(meta, options.in.prop)));
  const raw = (await m.query(sql, params)) as Record<string, unknown>[];
  return raw.map((r) => {
    const out = meta.create() as T;
    for (const c of columns) {
      // (prepareHydratedValue applies the column's transformer too.)
      (out as Record<string, unknown>)[c.propertyName] = driver.prepareHydratedValue(r[c.databaseName], c);
    }
    return out;
  });
}

/**
 * The row of `entity` whose primary key is `id`, if the tenant `tenantId` owns it (another
 * tenant's: none, as if missing). Looked up by the key alone, the tenant checked here: a statement
 * prepared by name keeps the plan PostgreSQL chose for it, and one chosen while a table was new and
 * had no statistics may find `id AND tenant_id` through the tenant's index, reading every row of
 * the tenant's for each lookup (262 µs of PostgreSQL's time a describe in bench:api, at up to 400
 * instances a tenant).
 */
export async function selectOwned<T extends ObjectLiteral & { tenantId: string }>(m: Tx, entity: EntityTarget<T>, id: string, tenantId: string): Promise<T | null> {
  const meta = m.connection.getMetadata(entity);
  const [key] = meta.primaryColumns;
  const [row] = await selectWhere(m, entity, { [key.propertyName]: id } as Partial<Record<keyof T & string, unknown>>);
  return row !== undefined && row.tenantId === tenantId ? row : null;
}

/** Every column an insert gives (its value, or its default). */
const insertColumns = (meta: EntityMetadataLike) => meta.columns.filter((c) => !c.isGenerated);

type EntityMetadataLike = ReturnType<Tx['connection']['getMetadata']>;

/** `INSERT INTO t (cols) VALUES (…), …` for `count` rows, placeholders numbered from `from` + 1 on PostgreSQL. */
function insertSql(meta: EntityMetadataLike, count: number, postgres: boolean, from = 0): string {
  const columns = insertColumns(meta);
  let n = from;
  const row = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
  return `INSERT INTO ${quote(meta.tableName)} (${columns.map((c) => quote(c.databaseName)).join(', ')}) VALUES ${Array.from({ length: count }, row).join(', ')}`;
}

/** ` ON CONFLICT (primary key) DO UPDATE SET` every other column to the row given: insertSql's upsert. */
function upsertClause(meta: EntityMetadataLike): string {
  return ` ON CONFLICT (${meta.primaryColumns.map((c) => quote(c.databaseName)).join(', ')}) DO UPDATE SET ` +
    insertColumns(meta).filter((c) => !c.isPrimary).map((c) => `${quote(c.databaseName)} = excluded.${quote(c.databaseName)}`).join(', ');
}

/** The parameters of `rows` for insertSql, converted as TypeORM converts them. */
function insertParams<T extends ObjectLiteral>(tx: Tx, meta: EntityMetadataLike, rows: readonly Partial<T>[], params: unknown[] = []): unknown[] {
  const driver = tx.connection.driver;
  const columns = insertColumns(meta);
  for (const r of rows) {
    for (const c of columns) {
      let v = (r as Record<string, unknown>)[c.propertyName];
      if (v === undefined) v = typeof c.default === 'function' ? undefined : c.default;
      // (preparePersistentValue applies the column's transformer too.)
      params.push(driver.preparePersistentValue(v ?? null, c));
    }
  }
  return params;
}

/** At most this many parameters in one statement (PostgreSQL allows 65,535). */
const MAX_PARAMS = 30_000;

/**
 * Inserts rows of `entity` (every column given, or its default), in one statement per chunk.
 * `upsert`: a row whose primary key is taken replaces that row's other columns (ON CONFLICT … DO
 * UPDATE, which SQLite and PostgreSQL both run); a chunk must then name each key once.
 * `ignore`: a row whose primary or unique key is taken is skipped (ON CONFLICT DO NOTHING).
 */
export async function insertRows<T extends ObjectLiteral>(tx: Tx, entity: EntityTarget<T>, rows: readonly Partial<T>[], options: { upsert?: boolean; ignore?: boolean } = {}): Promise<void> {
  if (rows.length === 0) return;
  if (options.upsert && options.ignore) throw new Error('insertRows: upsert or ignore, not both');
  await insertChunks(tx, tx.connection.getMetadata(entity), rows, options.upsert ? 'upsert' : options.ignore ? 'ignore' : 'plain');
}

/** What an insert does with a row whose key is taken: fail, replace it (upsert), skip it (ignore), or skip it and answer the keys written (skip). */
type InsertMode = 'plain' | 'upsert' | 'ignore' | 'skip';

function conflictClause(meta: EntityMetadataLike, mode: InsertMode): string {
  if (mode === 'upsert') return upsertClause(meta);
  // ON CONFLICT DO NOTHING (SQLite and PostgreSQL alike): a row whose key (any unique one) is taken is skipped.
  if (mode === 'ignore') return ' ON CONFLICT DO NOTHING';
  return mode === 'skip' ? skipTakenClause(meta) : '';
}

/**
 * insertRows' statements, one per chunk of rows; answers each statement's result (the rows of its
 * RETURNING, in `skip` mode). In a pipelined transaction (pipeline.ts) a statement whose result is
 * not read is sent, not awaited.
 */
async function insertChunks(tx: Tx, meta: EntityMetadataLike, rows: readonly ObjectLiteral[], mode: InsertMode): Promise<unknown[]> {
  const postgres = tx.connection.options.type === 'postgres';
  const pipeline = mode === 'skip' ? undefined : pipelineOf(tx);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / insertColumns(meta).length));
  const results: unknown[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const sql = cached(meta, `insert:${chunk.length}:${mode}`, () => insertSql(meta, chunk.length, postgres) + conflictClause(meta, mode));
    const statement = tx.query(sql, insertParams(tx, meta, chunk));
    // Pipelined, the pipeline observes the statement (its failure is found before the COMMIT).
    if (pipeline) statement.catch(() => undefined);
    else results.push(await statement);
  }
  return results;
}

/** Rows for one table of insertTogether. */
export interface InsertPart<T extends ObjectLiteral = ObjectLiteral> {
  readonly entity: EntityTarget<T>;
  readonly rows: readonly Partial<T>[];
  /**
   * A row whose primary key (one column) is taken is skipped, not an error (ON CONFLICT (key) DO
   * NOTHING), and insertTogether answers the keys of the rows inserted. At most one such part.
   */
  readonly skipTaken?: boolean;
}

/** A part of insertTogether, typed by its entity. */
export const part = <T extends ObjectLiteral>(entity: EntityTarget<T>, rows: readonly Partial<T>[], options: { skipTaken?: boolean } = {}): InsertPart =>
  ({ entity, rows: rows as readonly ObjectLiteral[], ...(options.skipTaken ? { skipTaken: true } : {}) });

/** The clause of a skipTaken part: ` ON CONFLICT (key) DO NOTHING RETURNING key` (SQLite and PostgreSQL alike). */
function skipTakenClause(meta: EntityMetadataLike): string {
  if (meta.primaryColumns.length !== 1) throw new Error(`insertTogether: skipTaken needs a one-column primary key (${meta.tableName})`);
  const key = quote(meta.primaryColumns[0].databaseName);
  return ` ON CONFLICT (${key}) DO NOTHING RETURNING ${key} AS "key"`;
}

const togetherCache = new Map<string, string>();

/**
 * Rows of several tables inserted as insertRows would, in the order given. On PostgreSQL, where
 * every statement is a round trip, in one statement: each table's INSERT but the last a
 * data-modifying CTE (`WITH w0 AS (INSERT …), … INSERT …`; foreign keys are checked at the
 * statement's end, so a child may come with its parent). On SQLite, one statement per table (no
 * round trip to save); on either, too many parameters for one statement, the same.
 */
export async function insertTogether(tx: Tx, parts: readonly InsertPart[]): Promise<Set<unknown> | undefined> {
  const present = parts.filter((p) => p.rows.length > 0);
  if (parts.filter((p) => p.skipTaken).length > 1) throw new Error('insertTogether: at most one part may skip taken keys');
  const postgres = tx.connection.options.type === 'postgres';
  const metas = present.map((p) => tx.connection.getMetadata(p.entity));
  const paramCount = present.reduce((n, p, i) => n + p.rows.length * insertColumns(metas[i]).length, 0);
  const skipping = present.findIndex((p) => p.skipTaken);
  const inserted = parts.some((p) => p.skipTaken) ? new Set<unknown>() : undefined;
  const keysOf = (rows: readonly { key: unknown }[]) => {
    for (const r of rows) inserted!.add(r.key);
  };
  if (!postgres || present.length < 2 || paramCount > MAX_PARAMS) {
    for (const [i, p] of present.entries()) {
      const results = await insertChunks(tx, metas[i], p.rows, p.skipTaken ? 'skip' : 'plain');
      if (p.skipTaken) for (const rows of results) keysOf(rows as { key: unknown }[]);
    }
    return inserted;
  }
  const key = present.map((p, i) => `${metas[i].tableName}:${p.rows.length}${p.skipTaken ? ':skip' : ''}`).join(',');
  let sql = togetherCache.get(key);
  if (sql === undefined) {
    let from = 0;
    const statements = present.map((p, i) => {
      const text = insertSql(metas[i], p.rows.length, true, from) + conflictClause(metas[i], p.skipTaken ? 'skip' : 'plain');
      from += p.rows.length * insertColumns(metas[i]).length;
      return text;
    });
    // With a part that skips taken keys, every INSERT is a CTE and the statement answers that
    // part's keys (PostgreSQL runs each data-modifying CTE once, to completion, read or not).
    sql = skipping >= 0
      ? `WITH ${statements.map((text, i) => `w${i} AS (${text})`).join(', ')} SELECT "key" FROM w${skipping}`
      : `WITH ${statements.slice(0, -1).map((text, i) => `w${i} AS (${text})`).join(', ')} ${statements[statements.length - 1]}`;
    togetherCache.set(key, sql);
  }
  const params: unknown[] = [];
  present.forEach((p, i) => insertParams(tx, metas[i], p.rows, params));
  const statement = tx.query(sql, params) as Promise<{ key: unknown }[]>;
  const pipeline = pipelineOf(tx);
  if (pipeline) {
    // Sent, not awaited (the pipeline observes it); a part that skips taken keys is predicted to
    // have met none taken, which is checked before the COMMIT.
    statement.catch(() => undefined);
    if (skipping >= 0) {
      const expected = present[skipping].rows.length;
      pipeline.expect(statement, (rows) => rows.length === expected, `no key of ${metas[skipping].tableName} given was taken`);
      const primary = metas[skipping].primaryColumns[0].propertyName;
      for (const r of present[skipping].rows) inserted!.add((r as Record<string, unknown>)[primary]);
    }
    return inserted;
  }
  const rows = await statement;
  if (skipping >= 0) keysOf(rows);
  return inserted;
}

/** `alias."col" AS "prefixcol", …` for every column of `entity`: a joined select's part for it. */
export function selectList<T extends ObjectLiteral>(m: Tx, entity: EntityTarget<T>, alias: string, prefix: string): string {
  const meta = m.connection.getMetadata(entity);
  return cached(meta, `selectList:${alias}:${prefix}`, () => meta.columns.map((c) => `${alias}.${quote(c.databaseName)} AS ${quote(prefix + c.databaseName)}`).join(', '));
}

/** The `entity` of a raw row selected with `selectList(…, prefix)`, values converted as TypeORM converts them. */
export function hydrate<T extends ObjectLiteral>(m: Tx, entity: EntityTarget<T>, raw: Record<string, unknown>, prefix: string): T {
  const meta = m.connection.getMetadata(entity);
  const driver = m.connection.driver;
  const out = meta.create() as T;
  for (const c of meta.columns) (out as Record<string, unknown>)[c.propertyName] = driver.prepareHydratedValue(raw[prefix + c.databaseName], c);
  return out;
}

/** `$1, $2, …` (PostgreSQL) or `?, ?, …` (SQLite) for `count` parameters after the first `from`. */
export function placeholders(m: Tx, count: number, from = 0): string {
  const postgres = m.connection.options.type === 'postgres';
  // The same few lists on every request (one id, a launch's columns): made once, and the same
  // string each time, so the statements built from them are too.
  const key = postgres ? `${count}:${from}` : `${count}`;
  let list = placeholderLists.get(key);
  if (list === undefined) {
    list = Array.from({ length: count }, (_, i) => (postgres ? `$${from + i + 1}` : '?')).join(', ');
    if (placeholderLists.size < 10_000) placeholderLists.set(key, list);
  }
  return list;
}

const placeholderLists = new Map<string, string>();
