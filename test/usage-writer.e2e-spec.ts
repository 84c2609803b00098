import { UsageWrite } from '@nimbus/simulation';
import { DataSource } from 'typeorm';
import { loadConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { TenantEntity, UsageRecordEntity } from '../apps/api/src/persistence/entities';
import { UsageWriter } from '../apps/api/src/persistence/usage-writer';
import { createTestDatabase, TestDatabase } from './support/database';

/**
 * UsageWriter.apply on the real database (SQLite, or PostgreSQL with DATABASE_URL): closes in a row
 * that end the same resources at the same instant are one UPDATE, and merging never closes a record
 * it was not asked to close, nor one inserted after the close.
 */
describe('usage writes: closes of the same resources at the same instant are one statement', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const tenantId = 't-00000000000000c01';
  const writer = new UsageWriter(() => { throw new Error('no meter in this test'); }, () => { throw new Error('no catalog in this test'); });

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: true }).initialize();
    await ds.manager.insert(TenantEntity, { id: tenantId, name: 'c01', quotaOnDemandVcpus: 5, quotaProvisionedIops: 7, requestLimits: null, accountId: '123456789001', createdAt: 0 } as never);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const open = (kind: 'instance-usage' | 'monitoring', resourceId: string, startMs: number): UsageWrite => ({
    op: 'insert-usage', record: { recordId: `${kind}:${resourceId}:${startMs}`, tenantId, kind, resourceId, startMs, endMs: null, periodStartMs: kind === 'instance-usage' ? startMs : null, quantity: null, attrs: {} },
  });
  const close = (kind: 'instance-usage' | 'monitoring', resourceIds: string[], endMs: number): UsageWrite => ({ op: 'close-usage', kind, resourceIds, endMs });

  /** Applies `writes` in one transaction; the UPDATE statements it sent. */
  async function apply(writes: UsageWrite[]): Promise<string[]> {
    return ds.transaction(async (tx) => {
      const updates: string[] = [];
      const query = tx.queryRunner!.query.bind(tx.queryRunner);
      tx.queryRunner!.query = ((sql: string, ...rest: unknown[]) => {
        if (/^\s*UPDATE/i.test(sql)) updates.push(sql);
        return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as never;
      await writer.apply(tx, writes);
      return updates;
    });
  }
  const ends = async (resourceId: string) =>
    Object.fromEntries((await ds.manager.find(UsageRecordEntity, { where: { resourceId }, order: { startMs: 'ASC' } })).map((r) => [`${r.kind}@${r.startMs}`, r.endMs == null ? null : Number(r.endMs)]));

  it('a stop (compute and monitoring closed at one instant) is one UPDATE; a start after it in the same write stays open', async () => {
    await apply([open('instance-usage', 'i-a', 1_000), open('monitoring', 'i-a', 1_000)]);
    // stop at 5,000, start again at 7,000, in one transaction, as the world's meter plans them
    const updates = await apply([close('instance-usage', ['i-a'], 5_000), close('monitoring', ['i-a'], 5_000), open('instance-usage', 'i-a', 7_000), open('monitoring', 'i-a', 7_000)]);
    expect(updates).toHaveLength(1);
    expect(await ends('i-a')).toEqual({ 'instance-usage@1000': 5_000, 'monitoring@1000': 5_000, 'instance-usage@7000': null, 'monitoring@7000': null });
    // the second stop: again one statement, and only the open records end
    expect(await apply([close('instance-usage', ['i-a'], 9_000), close('monitoring', ['i-a'], 9_000)])).toHaveLength(1);
    expect(await ends('i-a')).toEqual({ 'instance-usage@1000': 5_000, 'monitoring@1000': 5_000, 'instance-usage@7000': 9_000, 'monitoring@7000': 9_000 });
  });

  it('closes of other resources or other instants are not merged: unmonitoring one instance never ends its compute', async () => {
    await apply([open('instance-usage', 'i-b', 1_000), open('monitoring', 'i-b', 1_000), open('instance-usage', 'i-c', 1_000), open('monitoring', 'i-c', 1_000)]);
    // i-b stops at 4,000 while i-c is unmonitored at 4,000 and i-b's monitoring record... was already closed by the stop
    const updates = await apply([close('instance-usage', ['i-b'], 4_000), close('monitoring', ['i-b'], 4_000), close('monitoring', ['i-c'], 4_000), close('instance-usage', ['i-c'], 6_000)]);
    expect(updates).toHaveLength(3);
    expect(await ends('i-b')).toEqual({ 'instance-usage@1000': 4_000, 'monitoring@1000': 4_000 });
    expect(await ends('i-c')).toEqual({ 'instance-usage@1000': 6_000, 'monitoring@1000': 4_000 });
  });
});
