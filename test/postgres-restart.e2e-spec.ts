import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { TestDatabase, usingPostgres } from './support/database';
import { freePort } from './support/server-process';

/** Debian's PostgreSQL server binaries, whichever version is installed. */
const BIN = join('/usr/lib/postgresql', readdirSync('/usr/lib/postgresql').sort().at(-1) ?? '15', 'bin');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * PostgreSQL stopped and started under Nimbus: on a cluster of the test's own (initdb in a temp
 * directory, run as the postgres user; the shared server is not touched), stopped while the app
 * runs. Meanwhile writes and reads answer 503 ServiceUnavailable with Retry-After and readiness
 * names the database; once it is back the app serves again without a restart, and the engine
 * agrees with the database. Runs in the PostgreSQL pass of the suite.
 */
(usingPostgres() ? describe : describe.skip)('PostgreSQL stopped and started mid-load', () => {
  let dir: string;
  let port: number;
  let t: TestApp | undefined;
  const pgCtl = (...args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/pg_ctl`, '-D', join(dir, 'data'), ...args], { stdio: 'ignore' });
  const start = () => pgCtl('-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nimbus-pg-'));
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString());
    chownSync(dir, id('-u'), id('-g'));
    execFileSync('runuser', ['-u', 'postgres', '--', `${BIN}/initdb`, '-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres'], { stdio: 'ignore' });
    port = await freePort();
    start();
  });
  afterAll(async () => {
    await t?.app.close().catch(() => undefined);
    try {
      pgCtl('-m', 'immediate', '-w', 'stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while it is down and serves again when it is back', async () => {
    const db: TestDatabase = { url: `postgres://postgres@127.0.0.1:${port}/postgres`, drop: async () => undefined };
    t = await startApp(db);
    const { key } = await t.tenant('pg-restart', { onDemandVcpus: 1000 });
    const [hostId] = await t.hosts('m5-host', 'us-east-1a', 1);
    const launch = () => t!.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' });
    const before = [(await launch().expect(201)).body.instances[0].instanceId, (await launch().expect(201)).body.instances[0].instanceId];

    pgCtl('-m', 'fast', '-w', 'stop');
    for (const res of [await launch(), await launch(), await t.as(key).get(`/v1/instances/${before[0]}`)]) {
      expect(expectError(res, 503, 'ServiceUnavailable').message).toMatch(/^The database is unavailable \(/);
      expect(res.headers['retry-after']).toBe('5');
    }
    const ready = await t.anonymous().get('/health/ready');
    expect(expectError(ready, 503, 'ServiceUnavailable').message).toMatch(/^not ready: database \(postgres does not answer: /);

    start();
    // Back: the pool reconnects; the first calls may still meet a connection the stop broke.
    let after: string | undefined;
    for (let i = 0; i < 50 && !after; i++) {
      const res = await launch();
      if (res.status === 201) after = res.body.instances[0].instanceId;
      else {
        expect(res.status).toBe(503);
        await sleep(100);
      }
    }
    expect(after).toBeDefined();
    await t.anonymous().get('/health/ready').expect(200);
    const listed = (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    expect(listed.sort()).toEqual([...before, after!].sort());
    expect((await t.admin().get(`/v1/admin/hosts/${hostId}`).expect(200)).body.allocated.vcpus).toBe(6);
    t = await t.restart();
    expect((await t.admin().get(`/v1/admin/hosts/${hostId}`).expect(200)).body.allocated.vcpus).toBe(6);
  });
});
