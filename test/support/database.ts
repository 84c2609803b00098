import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A fresh database for one test app. DATABASE_URL=postgres://… runs the suite against PostgreSQL
 * (a new database per test app, dropped afterwards); otherwise a SQLite file in a temp directory.
 * In CI a missing PostgreSQL is a failure, not a skip: the connection error fails the test.
 */
export interface TestDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export function usingPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL ?? '';
  if (usingPostgres()) {
    const name = `nimbus_e2e_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        const c = new Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-e2e-'));
  return { url: `sqlite:${join(dir, 'nimbus.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}
