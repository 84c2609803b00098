import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../../../migrations';
import { AppConfig } from '../config/app-config';
import { ENTITIES } from './entities';

/** TypeORM options for the configured database: SQLite (WAL) by default, PostgreSQL by URL. */
export function dataSourceOptions(db: AppConfig['database']): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  if (db.type === 'postgres') return { ...common, type: 'postgres', url: db.url };
  if (db.path !== ':memory:') mkdirSync(dirname(db.path), { recursive: true });
  // WAL lets readers proceed while the single writer commits; busy_timeout rides out a checkpoint.
  return { ...common, type: 'sqlite', database: db.path, enableWAL: true, busyTimeout: 5000 };
}
