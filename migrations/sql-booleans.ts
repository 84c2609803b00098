import { QueryRunner } from 'typeorm';

/** `[false, true]` as SQL literals of the migration's database: PostgreSQL's booleans, SQLite's 0 and 1. */
export function sqlBooleans(q: QueryRunner): readonly [no: string, yes: string] {
  return q.connection.driver.options.type === 'postgres' ? ['false', 'true'] : ['0', '1'];
}
