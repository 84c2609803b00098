import { QueryFailedError } from 'typeorm';
import { asDatabaseUnavailable, DatabaseUnavailable } from './database-errors';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('asDatabaseUnavailable', () => {
  it.each([
    ['SQLite busy', coded('SQLITE_BUSY', 'database is locked')],
    ['SQLite full', coded('SQLITE_FULL', 'database or disk is full')],
    ['SQLite I/O', coded('SQLITE_IOERR_WRITE', 'disk I/O error')],
    ['PostgreSQL shutting down', coded('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL starting up', coded('57P03', 'the database system is starting up')],
    ['PostgreSQL disk full', coded('53100', 'could not extend file')],
    ['refused', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['connection lost', new Error('Connection terminated unexpectedly')],
  ])('%s is ServiceUnavailable', (_, err) => {
    const wrapped = new QueryFailedError('INSERT …', [], err);
    for (const e of [err, wrapped]) {
      const u = asDatabaseUnavailable(e);
      expect(u).toBeInstanceOf(DatabaseUnavailable);
      expect(u!.code).toBe('ServiceUnavailable');
    }
  });

  it.each([
    ['a constraint', coded('SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed')],
    ['a PostgreSQL unique violation', coded('23505', 'duplicate key value')],
    ['a syntax error', coded('42601', 'syntax error')],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'text'],
  ])('%s is not: it stays a 500', (_, err) => {
    expect(asDatabaseUnavailable(err)).toBeUndefined();
    expect(asDatabaseUnavailable(new QueryFailedError('SELECT …', [], err as Error))).toBeUndefined();
  });
});
