import { DomainError } from '@nimbus/hypervisor';
import { QueryFailedError } from 'typeorm';

/**
 * The database cannot serve now (locked, full, unreachable, restarting): a fault of the service,
 * not of the request. Answered 503 ServiceUnavailable with Retry-After; the client retries.
 */
export class DatabaseUnavailable extends DomainError {
  constructor(readonly reason: string) {
    super('ServiceUnavailable', `The database is unavailable (${reason}); nothing of this request was kept, retry shortly.`);
  }
}

/** SQLite's result codes for a database that is busy, locked, full or failing (better-sqlite3's `code`). */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|PROTOCOL|READONLY|NOMEM)/;
/** PostgreSQL's SQLSTATEs for connection failures, shutdown, too many connections and a full disk. */
const PG_UNAVAILABLE = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53100', '53200', '53300']);
/** Node's socket errors, and node-postgres's words for a lost connection. */
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const PG_LOST = /Connection terminated|connection is insecure|Client has encountered a connection error|timeout exceeded when trying to connect|Connection is not established/i;

/** The error as DatabaseUnavailable when it says the database cannot serve now; undefined for any other error. */
export function asDatabaseUnavailable(err: unknown): DatabaseUnavailable | undefined {
  if (err instanceof DatabaseUnavailable) return err;
  const e = (err instanceof QueryFailedError ? (err.driverError as unknown) : err) as { code?: unknown; message?: unknown } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (SQLITE_UNAVAILABLE.test(code)) return new DatabaseUnavailable(`${code}: ${message}`);
  if (PG_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code)) return new DatabaseUnavailable(`${code}: ${message}`);
  if (PG_LOST.test(message)) return new DatabaseUnavailable(message);
  return undefined;
}
