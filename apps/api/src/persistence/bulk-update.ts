import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { pipelineOf } from './pipeline';

/** Rows per UPDATE statement: (columns + 1) × rows parameters stay well under SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 500;

const PG_CASTS: Readonly<Record<string, string>> = { bigint: 'bigint', integer: 'integer', int: 'integer', boolean: 'boolean', varchar: 'text', text: 'text' };

/**
 * Updates many rows of one entity by primary key in one statement per chunk, where TypeORM would
 * send one UPDATE (and build one query) per row: `SET col = CASE id WHEN ? THEN ? … ELSE col END
 * WHERE id IN (…)`. Each row may set its own subset of columns. Columns and the key come from the
 * entity's metadata; values pass through the columns' transformers.
 */
export async function bulkUpdate<T extends ObjectLiteral, K extends keyof T & string>(tx: EntityManager, entity: EntityTarget<T>, key: K, rows: readonly (Partial<T> & { [P in K]: string })[]): Promise<void> {
  if (rows.length === 0) return;
  const meta = tx.connection.getMetadata(entity);
  const postgres = tx.connection.options.type === 'postgres';
  const keyColumn = meta.findColumnWithPropertyName(key);
  if (!keyColumn) throw new Error(`${meta.name} has no column ${key}`);
  const q = (name: string) => `"${name}"`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const param = (v: unknown, type?: string) => {
      params.push(v);
      if (!postgres) return '?';
      const cast = type ? PG_CASTS[type] : undefined;
      return `$${params.length}${cast ? `::${cast}` : ''}`;
    };
    const props = [...new Set(chunk.flatMap((r) => Object.keys(r).filter((k) => k !== key)))];
    const sets = props.map((prop) => {
      const col = meta.findColumnWithPropertyName(prop);
      if (!col) throw new Error(`${meta.name} has no column ${prop}`);
      const type = String(col.type);
      const cases = chunk
        .filter((r) => prop in r)
        .map((r) => {
          const raw = (r as Record<string, unknown>)[prop];
          const value = col.transformer && !Array.isArray(col.transformer) ? col.transformer.to(raw) : raw;
          return `WHEN ${param(r[key], 'varchar')} THEN ${param(value ?? null, type)}`;
        })
        .join(' ');
      return `${q(col.databaseName)} = CASE ${q(keyColumn.databaseName)} ${cases} ELSE ${q(col.databaseName)} END`;
    });
    const ids = chunk.map((r) => param(r[key], 'varchar')).join(', ');
    const statement = tx.query(`UPDATE ${q(meta.tableName)} SET ${sets.join(', ')} WHERE ${q(keyColumn.databaseName)} IN (${ids})`, params);
    // In a pipelined transaction (pipeline.ts) sent, not awaited: the pipeline observes it.
    if (pipelineOf(tx)) statement.catch(() => undefined);
    else await statement;
  }
}
