import { EntityTarget, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
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

/** Rows of `entity` whose columns equal `where` (properties, not column names); `in` matches one column against a list. */
export async function selectWhere<T extends ObjectLiteral>(
  m: Tx, entity: EntityTarget<T>, where: Partial<Record<keyof T & string, unknown>>, options: { in?: { prop: keyof T & string; values: readonly unknown[] }; orderBy?: keyof T & string; limit?: number } = {},
): Promise<T[]> {
  const meta = m.connection.getMetadata(entity);
  const driver = m.connection.driver;
  const postgres = m.connection.options.type === 'postgres';
  const props = Object.keys(where);
  const inCount = options.in?.values.length ?? 0;
  if (options.in && inCount === 0) return [];
  const id = `${props.join(',')}|${options.in ? `${options.in.prop}:${inCount}` : ''}|${options.orderBy ?? ''}|${options.limit ?? ''}`;
  const sql = cached(meta, `select:${id}`, () => {
    let n = 0;
    const p = () => (postgres ? `$${++n}` : '?');
    const conds = props.map((prop) => `${quote(columnOf(meta, prop).databaseName)} = ${p()}`);
    if (options.in) conds.push(`${quote(columnOf(meta, options.in.prop).databaseName)} IN (${Array.from({ length: inCount }, p).join(', ')})`);
    const cols = meta.columns.map((c) => quote(c.databaseName)).join(', ');
    return `SELECT ${cols} FROM ${quote(meta.tableName)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}` +
      `${options.orderBy ? ` ORDER BY ${quote(columnOf(meta, options.orderBy).databaseName)} ASC` : ''}${options.limit !== undefined ? ` LIMIT ${options.limit}` : ''}`;
  });
  const params = props.map((prop) => driver.preparePersistentValue((where as Record<string, unknown>)[prop], columnOf(meta, prop)));
  if (options.in) for (const v of options.in.values) params.push(driver.preparePersistentValue(v, columnOf(meta, options.in.prop)));
  const raw = (await m.query(sql, params)) as Record<string, unknown>[];
  return raw.map((r) => {
    const out = meta.create() as T;
    for (const c of meta.columns) {
      // (prepareHydratedValue applies the column's transformer too.)
      (out as Record<string, unknown>)[c.propertyName] = driver.prepareHydratedValue(r[c.databaseName], c);
    }
    return out;
  });
}

/** Inserts rows of `entity` (every column given, or its default), in one statement per chunk. */
export async function insertRows<T extends ObjectLiteral>(tx: Tx, entity: EntityTarget<T>, rows: readonly Partial<T>[]): Promise<void> {
  if (rows.length === 0) return;
  const meta = tx.connection.getMetadata(entity);
  const driver = tx.connection.driver;
  const postgres = tx.connection.options.type === 'postgres';
  const columns = meta.columns.filter((c) => !c.isGenerated);
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const sql = cached(meta, `insert:${chunk.length}`, () => {
      let n = 0;
      const row = () => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
      return `INSERT INTO ${quote(meta.tableName)} (${columns.map((c) => quote(c.databaseName)).join(', ')}) VALUES ${chunk.map(row).join(', ')}`;
    });
    const params: unknown[] = [];
    for (const r of chunk) {
      for (const c of columns) {
        let v = (r as Record<string, unknown>)[c.propertyName];
        if (v === undefined) v = typeof c.default === 'function' ? undefined : c.default;
        // (preparePersistentValue applies the column's transformer too.)
        params.push(driver.preparePersistentValue(v ?? null, c));
      }
    }
    await tx.query(sql, params);
  }
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
  return Array.from({ length: count }, (_, i) => (postgres ? `$${from + i + 1}` : '?')).join(', ');
}
