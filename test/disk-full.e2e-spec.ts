import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LINUX_AMI, startApp, TestApp } from './support/app';
import { TestDatabase, usingPostgres } from './support/database';

/**
 * SQLite on a tiny filesystem that fills up (a tmpfs with a size limit, mounted and unmounted
 * here: the tests run as root, as CI does). Once the app has started (migrations run, a tenant and a
 * host made, the log checkpointed), the filesystem is shrunk to what it holds plus 600 KiB, so the room left does not
 * depend on how large the schema has grown or how far the log was from its last checkpoint.
 * Launches go on until the disk is full; then each
 * answers 503 ServiceUnavailable with Retry-After and keeps nothing; once the filesystem grows
 * (the fault clears), launches succeed again and the engine agrees with the database.
 */
(usingPostgres() ? describe.skip : describe)('SQLite on a full disk', () => {
  let dir: string;
  let t: TestApp | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nimbus-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]);
  });
  afterAll(async () => {
    await t?.app.close();
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while full, keeps nothing, and serves again once there is room', async () => {
    const db: TestDatabase = { url: `sqlite:${join(dir, 'nimbus.sqlite')}`, drop: async () => undefined };
    t = await startApp(db);
    const { key } = await t.tenant('full', { onDemandVcpus: 100000 });
    const [hostId] = await t.hosts('m5-host', 'us-east-1a', 1);
    const launch = () => t!.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.micro', tags: { pad: 'x'.repeat(200) } });
    // The log folded into the database first: a checkpoint after the shrink would need room of its
    // own (the pages it copies), and could take the 600 KiB before any launch does.
    await t.app.get(DataSource).query('PRAGMA wal_checkpoint(TRUNCATE)');
    const { blocks, bfree, bsize } = statfsSync(dir);
    const usedKiB = Math.ceil(((blocks - bfree) * bsize) / 1024);
    execFileSync('mount', ['-o', `remount,size=${usedKiB + 600}k`, dir]);

    const acknowledged: string[] = [];
    let full: { status: number; body: any; headers: Record<string, string> } | undefined;
    for (let i = 0; i < 2000 && !full; i++) {
      const res = await launch();
      if (res.status === 201) acknowledged.push(res.body.instances[0].instanceId);
      else full = res;
    }
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(full).toBeDefined();
    expect({ status: full!.status, code: full!.body.error.code, retryAfter: full!.headers['retry-after'] }).toEqual({ status: 503, code: 'ServiceUnavailable', retryAfter: '5' });
    expect(full!.body.error.message).toMatch(/^The database is unavailable \(SQLITE_(FULL|IOERR)/);

    // The fault clears: the filesystem grows. Launches succeed, and nothing of the refused one is there.
    execFileSync('mount', ['-o', 'remount,size=64m', dir]);
    const after = (await launch().expect(201)).body.instances[0].instanceId;
    const listed = (await t.as(key).get('/v1/instances?maxResults=1000').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    expect(listed.sort()).toEqual([...acknowledged, after].sort());
    const vcpus = (await t.admin().get(`/v1/admin/hosts/${hostId}`).expect(200)).body.allocated.vcpus;
    expect(vcpus).toBe(2 * (acknowledged.length + 1)); // t3.micro: 2 vCPUs each

    // A restart on the same file: the database agrees with what was answered.
    t = await t.restart();
    const again = (await t.as(key).get('/v1/instances?maxResults=1000').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    expect(again.sort()).toEqual([...acknowledged, after].sort());
  });
});
