import { INestApplicationContext, Logger, Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions, READ_DB } from './data-source';

/**
 * A worker's database: one connection (a pool on PostgreSQL), which also serves as the read
 * connection (READ_DB) that the repositories take. It does not apply the migrations: the API does.
 */
export function workerDatabase(db: AppConfig['database']): { imports: ReturnType<typeof TypeOrmModule.forRoot>[]; providers: Provider[] } {
  return {
    imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(db), migrationsRun: false })],
    providers: [{ provide: getDataSourceToken(READ_DB), useExisting: getDataSourceToken() }],
  };
}

/** Waits until the database has every migration applied (by the API), or fails after `timeoutMs`. */
export async function waitForSchema(app: INestApplicationContext, timeoutMs = 120_000): Promise<void> {
  const ds = app.get<DataSource>(getDataSourceToken());
  const logger = new Logger('WorkerDatabase');
  const until = Date.now() + timeoutMs;
  let told = false;
  while (await ds.showMigrations()) {
    if (Date.now() > until) throw new Error('The database schema is not up to date: start the API (it applies the migrations), then the worker.');
    if (!told) logger.warn('waiting for the API to apply the database migrations');
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
