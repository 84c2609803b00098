import { getDataSourceToken } from '@nestjs/typeorm';
import { BucketSummary, HOST, projectBucket } from '@nimbus/hypervisor';
import { DataSource } from 'typeorm';
import { loadConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { decodeHostBuckets, hostBucketRow } from '../apps/api/src/persistence/host-metric-buckets';
import { MetricsRepository } from '../apps/api/src/persistence/metrics.repository';
import { MIGRATIONS } from '../migrations';
import { ADMIN_KEY, LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness } from './support/billing';
import { createTestDatabase, TestDatabase } from './support/database';
import { callServer, ServerProcess, startServerProcess } from './support/server-process';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
/** The field sets the fleet views read: the heatmap's CPU and memory, availability's `failed`. */
const FIELD_SETS = [[HOST.cpuUtilization], [HOST.memoryResidentMiB, HOST.memoryCapacityMiB], [HOST.failed]];

/**
 * Every host row of metric_buckets has its row of host_metric_buckets, and that row is what the
 * change writer makes of the JSON summary (host-metric-buckets.ts): the same keys, the same digits.
 * Returns how many there are.
 */
async function expectStoredFieldsAgree(ds: DataSource): Promise<number> {
  const json: { id: string; start: string | number; summary: string }[] = await ds.query(
    "SELECT entity_id AS id, bucket_start AS start, summary FROM metric_buckets WHERE kind = 'host' ORDER BY entity_id, bucket_start",
  );
  const stored: Record<string, unknown>[] = await ds.query(
    'SELECT host_id, bucket_start, head, cpu_utilization, memory_resident_mib, memory_capacity_mib, failed FROM host_metric_buckets ORDER BY host_id, bucket_start',
  );
  expect(stored.map((r) => ({ ...r, bucket_start: Number(r.bucket_start) }))).toEqual(json.map((r) => {
    const row = hostBucketRow(r.id, JSON.parse(r.summary) as BucketSummary);
    return {
      host_id: r.id, bucket_start: Number(r.start), head: row.head, cpu_utilization: row.cpuUtilization,
      memory_resident_mib: row.memoryResidentMiB, memory_capacity_mib: row.memoryCapacityMiB, failed: row.failed,
    };
  }));
  return json.length;
}

/** A separate connection to a test database (migrations not run). */
async function connect(db: TestDatabase): Promise<DataSource> {
  return new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: false }).initialize();
}

/**
 * The host fields stored for the fleet views (`host_metric_buckets`) never disagree with the
 * buckets' JSON summaries: written in the same transaction, merged with them when a minute was
 * half written before a restart, left alone by a kill -9 with them, and copied from them by the
 * migration for a database written before it, which then answers exactly as before.
 */
describe('host_metric_buckets: the fleet views\' fields, as the JSON buckets say', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  let start: number;
  let restartMinute: number;
  let busyHost: string;

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 2);
    start = await h.nextHour();
    const alpha = await h.tenant('alpha');
    const a = await h.launch(alpha.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    const b = await h.launch(alpha.key, { availabilityZone: 'us-east-1b', imageId: LINUX_AMI, instanceType: 'm5.xlarge' });
    // Steps every minute or two: the busy hosts have a row nearly every minute.
    await t.as(alpha.key).put(`/v1/instances/${a}/workload`, { cpu: { model: 'random-walk', meanCores: 1.5, volatility: 0.5, seed: 3, stepSeconds: 60 } }).expect(200);
    await t.as(alpha.key).put(`/v1/instances/${b}/workload`, { cpu: { model: 'random-walk', meanCores: 2, volatility: 0.4, seed: 8, stepSeconds: 120 } }).expect(200);
    await t.advance(2 * 3600);
    const hosts = async () => (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { hostId: string; availabilityZone: string; allocated: { instances: number } }[];
    busyHost = (await hosts()).find((x) => x.availabilityZone === 'us-east-1a' && x.allocated.instances === 1)!.hostId;
    // A clean restart half-way through a minute: its first half is written at shutdown, the second merged into it after.
    await t.advance(30);
    restartMinute = Math.floor((await h.nowMs()) / MINUTE) * MINUTE;
    t = await t.restart();
    await t.advance(1800);
    const idle = (await hosts()).find((x) => x.availabilityZone === 'us-east-1a' && x.allocated.instances === 0)!.hostId;
    await t.admin().post(`/v1/admin/hosts/${idle}/fail`, {}).expect(200);
    await t.advance(3600 + 17);
    await t.admin().post(`/v1/admin/hosts/${idle}/repair`).expect(200);
    await t.advance(1234);
  });
  afterAll(() => t.close());

  it('has a row for every host bucket, equal to its JSON summary, including the minute merged across the restart', async () => {
    const ds = t.app.get<DataSource>(getDataSourceToken());
    // 4 hosts × 4.5 h: hundreds of buckets (the two busy hosts change twice a minute).
    expect(await expectStoredFieldsAgree(ds)).toBeGreaterThan(300);
    const [row] = await ds.query(`SELECT head FROM host_metric_buckets WHERE host_id = '${busyHost}' AND bucket_start = ${restartMinute}`);
    // Both halves of the minute: 30 s before the restart and 30 s after, one row.
    expect(decodeHostBuckets(row.head, 0)[0]).toMatchObject({ start: restartMinute, coveredMs: MINUTE });
  });

  it('reads every window of the fleet views the same from the stored fields as from the JSON summaries', async () => {
    const repo = t.app.get(MetricsRepository);
    const ids = ((await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { hostId: string }[]).map((x) => x.hostId);
    const now = await h.nowMs();
    // Windows that carry in from before them, start before any row, end inside the last hour, and hold nothing.
    const windows = [[start - HOUR, now], [start + 90 * MINUTE, now], [start + 30 * MINUTE, start + 3 * HOUR + 7 * MINUTE], [restartMinute, restartMinute + MINUTE], [now + HOUR, now + 2 * HOUR]];
    let buckets = 0;
    for (const fields of FIELD_SETS) {
      for (const [fromMs, toMs] of windows) {
        const stored = await repo.windowMany('host', ids, fromMs, toMs, fields);
        const json = await repo.windowMany('host', ids, fromMs, toMs);
        for (const id of ids) {
          const expected = json.buckets(id).map((b) => projectBucket(b, fields));
          expect(stored.buckets(id)).toEqual(expected);
          const carry = json.carry(id);
          expect(stored.carry(id)).toEqual(carry && projectBucket(carry, fields));
          buckets += expected.length;
        }
      }
    }
    expect(buckets).toBeGreaterThan(1000);
  });

  it('a database written before host_metric_buckets existed gets it on migrating, and answers exactly as before', async () => {
    const queries = [
      `/v1/admin/fleet/heatmap?metric=cpu&period=3600&from=${iso(start - HOUR)}`,
      `/v1/admin/fleet/heatmap?metric=memory&period=600&from=${iso(start + 30 * MINUTE)}`,
      `/v1/admin/fleet/heatmap?metric=cpu&period=60&from=${iso(restartMinute - 5 * MINUTE)}&to=${iso(restartMinute + 20 * MINUTE)}`,
      `/v1/admin/fleet/availability?from=${iso(start)}`,
      `/v1/admin/fleet/availability?from=${iso(start + 2 * HOUR)}&period=3600`,
    ];
    const answers = async () => Promise.all(queries.map(async (q) => (await t.admin().get(q).expect(200)).text));
    const before = await answers();
    // The availability answers show the failed hour (not a comparison of empty answers).
    expect(JSON.parse(before[3]).zones[0].failedHostHours).toBeCloseTo(1 + 17 / 3600, 9);
    // The database as it was before the migration: the table gone, the JSON buckets kept.
    await t.app.close();
    const ds = await connect(t.db);
    // Reverts the later migrations (they add tables of their own), then this one.
    const after = MIGRATIONS.length - MIGRATIONS.findIndex((m) => new m().name === 'HostMetricBuckets1764570000000');
    expect(after).toBeLessThanOrEqual(MIGRATIONS.length);
    for (let i = 0; i < after; i++) await ds.undoLastMigration();
    expect(await ds.createQueryRunner().getTables(['host_metric_buckets'])).toEqual([]);
    await ds.destroy();
    t = await startApp(t.db);
    expect(await answers()).toEqual(before);
    await expectStoredFieldsAgree(t.app.get<DataSource>(getDataSourceToken()));
  });
});

describe('host_metric_buckets after kill -9', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });
  const advance = async (s: ServerProcess, seconds: number) => expect((await callServer(s, ADMIN_KEY, 'POST', '/v1/admin/clock/advance', { seconds })).status).toBe(200);

  it('holds exactly the buckets committed with it, and goes on agreeing after the restart', async () => {
    db = await createTestDatabase();
    server = await startServerProcess(db.url);
    expect((await callServer(server, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 2 })).status).toBe(201);
    const tenant = await (await callServer(server, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'crash', quotas: { onDemandVcpus: 100 } })).json();
    const key: string = tenant.apiKey.key;
    const run = await (await callServer(server, key, 'POST', '/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 2, maxCount: 2 })).json();
    for (const [k, i] of run.instances.entries()) {
      const cpu = { model: 'random-walk', meanCores: 1, volatility: 0.5, seed: k + 1, stepSeconds: 60 };
      expect((await callServer(server, key, 'PUT', `/v1/instances/${i.instanceId}/workload`, { cpu })).status).toBe(200);
    }
    await advance(server, 3600 + 20);
    // Killed mid-minute: the open minute is lost with the process (nothing of it written), the rest is as committed.
    await server.kill9();
    const ds = await connect(db);
    const atCrash = await expectStoredFieldsAgree(ds);
    expect(atCrash).toBeGreaterThan(40);
    server = await startServerProcess(db.url);
    await advance(server, 1800 + 7);
    await server.stop();
    server = undefined;
    expect(await expectStoredFieldsAgree(ds)).toBeGreaterThan(atCrash);
    await ds.destroy();
  });
});
