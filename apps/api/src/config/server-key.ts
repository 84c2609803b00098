import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { AppConfig } from './app-config';

/** The file that holds a generated server key, beside the embedded database. */
export const SERVER_KEY_FILE = 'nimbus-secret.key';

/**
 * The server's key: NIMBUS_SECRET_KEY when set; otherwise the one generated on a first start and
 * kept in `nimbus-secret.key` (mode 0600) in the data directory — beside the SQLite file, or
 * ./data for PostgreSQL — so `npm start` needs no setup. It is kept out of the database on
 * purpose: a dump of the database alone does not reveal a usable secret.
 */
export function resolveServerKey(config: AppConfig): string {
  if (config.secretKey) return config.secretKey;
  const dir = config.database.type === 'sqlite' && config.database.path !== ':memory:' ? dirname(resolve(config.database.path)) : resolve('data');
  const file = join(dir, SERVER_KEY_FILE);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    // 'wx': two processes starting at once on one data directory keep the first one's key.
    writeFileSync(file, key + '\n', { flag: 'wx', mode: 0o600 });
    chmodSync(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
}
