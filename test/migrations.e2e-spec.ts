import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/database/data-source';
import { loadConfig } from '../apps/api/src/config/app-config';
import { MIGRATIONS } from '../migrations';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';

/** Runs on SQLite by default and on PostgreSQL when DATABASE_URL points there (CI runs both). */
describe(`migrations on ${usingPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: false });
    await ds.initialize();
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('apply in order and leave a schema that matches the entities exactly', async () => {
    const applied = await ds.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    // With synchronize off, the schema comes from migrations alone: nothing may be left to sync.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert completely, and apply again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    const tables = await ds.createQueryRunner().getTables(['tenants', 'instances', 'hosts', 'settings']);
    expect(tables).toEqual([]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM instances')).toEqual([{ n: expect.anything() }]);
  });
});
