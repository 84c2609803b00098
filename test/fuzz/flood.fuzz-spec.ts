import { spawn } from 'node:child_process';
import http from 'node:http';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeysRepository } from '../../apps/api/src/persistence/api-keys.repository';
import { READ_DB } from '../../apps/api/src/persistence/data-source';
import { LINUX_AMI, startApp, TestApp } from '../support/app';

/**
 * Flood isolation (issue 14, item 6): while one tenant floods a read route from 32 concurrent
 * loops, far past its bucket, another tenant's latency on the same route stays near its quiet
 * value. The ratio of the two p99s is measured and printed, not asserted (a timing assertion on a
 * shared machine flakes); what is asserted is why it holds: the flood is refused (429) without a
 * single database query and without looking a key up, and its refusals are held until its bucket
 * could hold a token again, which paces each of its loops to the bucket's rate, so it costs the
 * other tenant only the CPU of refusing a few hundred requests a second.
 */

const FLOOD_LOOPS = 32;
const SAMPLES = 400;

interface Timed {
  status: number;
  ms: number;
}

function get(agent: http.Agent, port: number, path: string, key: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'GET', path, headers: { authorization: `Bearer ${key}` }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface FloodResult {
  count: number;
  statuses: Record<string, number>;
  p50: number;
  /** From its first request to its last. */
  seconds: number;
}

/**
 * `FLOOD_LOOPS` loops of GET /v1/instances with `key`, in a child process, until stopped: `ready`
 * once 200 have been answered (the bucket is empty by then); `stop` ends it and returns what it saw.
 */
function startFlood(port: number, key: string): { ready: Promise<void>; stop: () => Promise<FloodResult> } {
  const script = `
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: ${FLOOD_LOOPS} });
    const began = performance.now(); const statuses = {}; const ms = []; let count = 0; let stopping = false; let announced = false;
    const one = () => new Promise((resolve) => {
      const t0 = performance.now();
      const req = http.request({ host: '127.0.0.1', port: ${port}, path: '/v1/instances', headers: { authorization: 'Bearer ${key}' }, agent }, (res) => {
        res.resume();
        res.on('end', () => { count++; statuses[res.statusCode] = (statuses[res.statusCode] || 0) + 1; ms.push(performance.now() - t0); resolve(); });
      });
      req.on('error', () => { statuses.error = (statuses.error || 0) + 1; resolve(); });
      req.end();
    });
    const loop = async () => { while (!stopping) { await one(); if (!announced && count >= 200) { announced = true; process.stdout.write('ready\\n'); } } };
    const loops = Array.from({ length: ${FLOOD_LOOPS} }, loop);
    process.stdin.on('data', async () => {
      stopping = true; await Promise.all(loops);
      ms.sort((a, b) => a - b);
      process.stdout.write(JSON.stringify({ count, statuses, p50: ms[Math.floor(ms.length / 2)] || 0, seconds: (performance.now() - began) / 1000 }) + '\\n');
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  let onLine: ((line: string) => void) | undefined;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      onLine?.(line);
    }
  });
  const next = () => new Promise<string>((resolve) => (onLine = resolve));
  const ready = next().then(() => undefined);
  return {
    ready,
    stop: async () => {
      const result = next();
      child.stdin.write('stop\n');
      return JSON.parse(await result) as FloodResult;
    },
  };
}

const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

describe('flood isolation', () => {
  let t: TestApp;
  let port: number;
  const victimAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  beforeAll(async () => {
    // EC2's own request limits on the process's clock: the flood is really throttled.
    t = await startApp(undefined, {}, { throttle: {} });
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    victimAgent.destroy();
    await t?.close();
  });

  it('a tenant flooding a read route leaves another tenant\'s p99 near its quiet value: the flood is refused without a database query', async () => {
    await t.hosts('m5-host', 'us-east-1a', 1);
    const victim = await t.tenant('victim');
    const flooder = await t.tenant('flooder');
    // The victim's own limits raised, so that its measurement is never throttled itself.
    await t.admin().patch(`/v1/admin/tenants/${victim.tenantId}`, { requestLimits: { multiplier: 1000 } }).expect(200);
    const id = (await t.as(victim.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' }).expect(201)).body.instances[0].instanceId;
    const path = `/v1/instances/${id}`;
    const sample = async (): Promise<Timed[]> => {
      const out: Timed[] = [];
      for (let i = 0; i < SAMPLES; i++) out.push(await get(victimAgent, port, path, victim.key));
      return out;
    };
    // Warm up both keys (cached from here on) and the route.
    for (let i = 0; i < 50; i++) await get(victimAgent, port, path, victim.key);
    await get(victimAgent, port, '/v1/instances', flooder.key);

    // Every query either connection runs, counted at TypeORM's logger (each query runner reports there).
    const writer = t.app.get(DataSource);
    const reader: DataSource = t.app.get(getDataSourceToken(READ_DB));
    const queries = [jest.spyOn(writer.logger, 'logQuery'), ...(reader !== writer ? [jest.spyOn(reader.logger, 'logQuery')] : [])];
    const keyLookups = jest.spyOn(t.app.get(ApiKeysRepository), 'findByHash');
    const count = () => queries.reduce((n, q) => n + q.mock.calls.length, 0);

    const quietStart = count();
    const quiet = await sample();
    const quietQueries = count() - quietStart;
    if (process.env.FUZZ_DEBUG) {
      const texts = new Map<string, number>();
      for (const q of queries) for (const [sql] of q.mock.calls) texts.set(String(sql).slice(0, 120), (texts.get(String(sql).slice(0, 120)) ?? 0) + 1);
      process.stdout.write(`${[...texts].sort((x, y) => y[1] - x[1]).slice(0, 12).map(([k, v]) => `${v} ${k}`).join('\n')}\n`);
    }

    // The flood comes from another process, as a real client's would: its own requests' cost stays there.
    const flood = startFlood(port, flooder.key);
    await flood.ready;
    const floodStart = count();
    const started = performance.now();
    const loud = await sample();
    const seconds = (performance.now() - started) / 1000;
    const floodQueries = count() - floodStart;
    const floodDuring = await flood.stop();
    queries.forEach((q) => q.mockRestore());
    const lookups = keyLookups.mock.calls.length;
    keyLookups.mockRestore();

    const q99 = percentile(quiet.map((x) => x.ms), 99);
    const l99 = percentile(loud.map((x) => x.ms), 99);
    const throttled = floodDuring.statuses['429'] ?? 0;
    process.stdout.write(
      `\nflood isolation: victim p50 ${percentile(quiet.map((x) => x.ms), 50).toFixed(2)} ms, p99 ${q99.toFixed(2)} ms quiet; ` +
        `p50 ${percentile(loud.map((x) => x.ms), 50).toFixed(2)} ms, p99 ${l99.toFixed(2)} ms under a flood of ${FLOOD_LOOPS} loops ` +
        `(${floodDuring.count} requests from another process in ${seconds.toFixed(1)} s, ${(floodDuring.count / seconds).toFixed(0)}/s, ${throttled} answered 429, ` +
        `the flood's p50 ${floodDuring.p50.toFixed(2)} ms): p99 ratio ${(l99 / q99).toFixed(2)}× (target ≤ 2×)\n` +
        `flood isolation: database queries ${quietQueries} for ${SAMPLES} quiet requests, ${floodQueries} for ${SAMPLES} requests beside ${floodDuring.count} flooding ones; key look-ups ${lookups}\n`,
    );

    expect(quiet.every((x) => x.status === 200) && loud.every((x) => x.status === 200)).toBe(true);
    // The flood was throttled: all but its bucket (50 bare DescribeInstances) and what refilled while it ran (10/s) were 429.
    expect(throttled).toBeGreaterThan(FLOOD_LOOPS);
    expect(floodDuring.count - throttled).toBeLessThanOrEqual(50 + Math.ceil(floodDuring.seconds * 10) + 1);
    // … and paced: a refusal at the door is answered when the bucket could hold a token again (every
    // 100 ms at 10/s), so each loop sends about one request per refill (an upper bound: a slower
    // machine only sends fewer); without the hold, the loops sent 10,000 a second here.
    expect(floodDuring.count).toBeLessThanOrEqual(50 + FLOOD_LOOPS * (Math.ceil(floodDuring.seconds * 10) + 2));
    // … and refusing it cost no database query and no key look-up: the victim's requests alone account for every query.
    expect(lookups).toBe(0);
    // (Each request the flood had allowed costs what a victim's costs, at most.)
    expect(floodQueries).toBeLessThanOrEqual(quietQueries + (floodDuring.count - throttled) * Math.max(1, Math.ceil(quietQueries / SAMPLES)));
  }, 120_000);
});
