import Database from 'better-sqlite3';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { usingPostgres } from './support/database';

/**
 * When the database cannot serve (here: SQLite locked by another writer), a write answers 503
 * ServiceUnavailable with Retry-After and keeps nothing of itself; reads go on (WAL); when the lock
 * is released the server serves again, and the engine agrees with the database: no instance, no
 * host allocation, no quota use from the refused launch. SQLite-specific (a second process holding
 * the write lock); on PostgreSQL the suite runs the rest.
 */
(usingPostgres() ? describe.skip : describe)('SQLite locked by another writer', () => {
  let t: TestApp;
  let key: string;
  let hostId: string;
  beforeAll(async () => {
    t = await startApp();
    ({ key } = await t.tenant('faults', { onDemandVcpus: 100 }));
    [hostId] = await t.hosts('m5-host', 'us-east-1a', 1);
  });
  afterAll(() => t.close());

  const launch = () => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' });
  const allocated = async () => (await t.admin().get(`/v1/admin/hosts/${hostId}`).expect(200)).body.allocated.vcpus;

  it('answers 503 with Retry-After while locked, keeps nothing, then serves again', async () => {
    const first = (await launch().expect(201)).body.instances[0].instanceId;
    expect(await allocated()).toBe(2);

    const other = new Database(t.db.url.replace(/^sqlite:/, ''));
    other.exec('BEGIN IMMEDIATE'); // another process's write transaction: the write lock is taken
    try {
      const refused = await launch();
      expect(expectError(refused, 503, 'ServiceUnavailable').message).toMatch(/^The database is unavailable \(SQLITE_BUSY: .*\); nothing of this request was kept, retry shortly\.$/);
      expect(refused.headers['retry-after']).toBe('5');
      // Reads do not wait for the lock (WAL).
      await t.as(key).get(`/v1/instances/${first}`).expect(200);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }

    // Nothing of the refused launch: one instance, the host's books as before, the quota as before.
    expect((await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual([first]);
    expect(await allocated()).toBe(2);
    const second = (await launch().expect(201)).body.instances[0].instanceId;
    expect(await allocated()).toBe(4);
    expect((await t.as(key).get('/v1/instances').expect(200)).body.instances).toHaveLength(2);
    // And after a restart the database agrees with what the engine showed.
    t = await t.restart();
    const after = (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    expect(after.sort()).toEqual([first, second].sort());
    expect(await allocated()).toBe(4);
  });
});
