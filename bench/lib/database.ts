/** A fresh database for one benchmark run: a SQLite file in a temp directory, or a PostgreSQL database created on `pgBase`; `drop` removes it. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface BenchDatabase {
  readonly url: string;
  readonly label: string;
  drop(): Promise<void>;
}

export async function createBenchDatabase(kind: 'sqlite' | 'postgres', prefix: string, pgBase = 'postgres://postgres@127.0.0.1:5432'): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `nimbus-${prefix}-`));
    return { url: `sqlite:${join(dir, 'nimbus.sqlite')}`, label: `SQLite file in ${dir} (removed afterwards)`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `nimbus_${prefix.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new Client({ connectionString: `${pgBase}/postgres` });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  return { url: `${pgBase}/${name}`, label: `PostgreSQL database ${name} (dropped afterwards)`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
