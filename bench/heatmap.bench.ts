/**
 * The fleet heatmap and availability routes at fleet scale (issue 13 item 5), before and after a
 * change, in the same run:
 *
 *   npm run bench:heatmap [-- --hosts 10000 --hours 24 --runs 3 --baseline <git ref>]
 *
 * Method (also in docs/benchmarks.md, "Dashboard (bench:dashboard)"):
 * - Nimbus started as a user starts it, in its own process (SQLite in a temp directory, or
 *   DATABASE_URL=postgres://…; manual clock; no Redis).
 * - The fleet built through the admin and tenant APIs: `--hosts` m5 hosts over three zones (1,000
 *   per call), the scheduler's `spread` weigher, one m5.large per host, each with a random-walk CPU
 *   workload stepping every hour (its own seed); then the clock advanced `--hours` one hour at a
 *   time. Every host so has a metric row each hour, as a busy fleet would.
 * - Timed from the client, answer read whole: `GET /v1/admin/fleet/heatmap?metric=cpu&period=3600`
 *   (the last `--hours` hours) and `GET /v1/admin/fleet/availability` over the same hours, `--runs`
 *   times each after one warm-up call.
 * - `--baseline REF`: the API of that commit (its `git archive`, run with this checkout's
 *   node_modules) measured on the same database between two measurements of this checkout's:
 *   current, baseline, current, one server at a time (each stopped before the next starts). The
 *   answers of both are compared byte for byte, and the ratio baseline / current of the medians printed.
 * Prints min / median / max of each, and the machine's load average.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, LINUX_AMI } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { ServerProcess, startServerProcess } from '../test/support/server-process';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const HOSTS = opt('hosts', 10_000);
const HOURS = opt('hours', 24);
const RUNS = opt('runs', 3);
const BASELINE = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : null;
const ROOT = join(__dirname, '..');
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const START_SECONDS = 600;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(0)}  median ${median(s).toFixed(0)}  max ${s[s.length - 1].toFixed(0)} ms`;
};
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

async function call(s: ServerProcess, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${s.url}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool<T>(items: readonly T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function buildFleet(s: ServerProcess): Promise<void> {
  const t0 = performance.now();
  await call(s, ADMIN_KEY, 'PUT', '/v1/admin/scheduler', { weigher: 'spread' });
  const perZone = ZONES.map((_, z) => Math.floor(HOSTS / ZONES.length) + (z < HOSTS % ZONES.length ? 1 : 0));
  for (const [z, n] of perZone.entries()) {
    for (let left = n; left > 0; left -= 1000) await call(s, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: ZONES[z], count: Math.min(1000, left) });
  }
  const tenant = await call(s, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'bench', quotas: { onDemandVcpus: 4 * HOSTS, provisionedIops: 1_000_000 } });
  const key: string = tenant.apiKey.key;
  // A limit increase, as an operator grants one: EC2's request rates would make this setup take hours.
  await call(s, ADMIN_KEY, 'PATCH', `/v1/admin/tenants/${tenant.tenant.tenantId}`, { requestLimits: { multiplier: 10_000 } });
  const ids: string[] = [];
  for (const [z, n] of perZone.entries()) {
    for (let left = n; left > 0; left -= 1000) {
      const count = Math.min(1000, left);
      const r = await call(s, key, 'POST', '/v1/instances', { availabilityZone: ZONES[z], imageId: LINUX_AMI, instanceType: 'm5.large', minCount: count, maxCount: count });
      ids.push(...r.instances.map((i: { instanceId: string }) => i.instanceId));
    }
  }
  const t1 = performance.now();
  await pool(ids.map((id, i) => [id, i] as const), 32, async ([id, i]) => {
    await call(s, key, 'PUT', `/v1/instances/${id}/workload`, { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.5, seed: i + 1, stepSeconds: 3600 } });
  });
  const t2 = performance.now();
  for (let h = 0; h < HOURS; h++) await call(s, ADMIN_KEY, 'POST', '/v1/admin/clock/advance', { seconds: 3600 });
  const t3 = performance.now();
  const hosts = await call(s, ADMIN_KEY, 'GET', '/v1/admin/hosts');
  const busy = (hosts.hosts as { allocated: { instances: number } }[]).filter((x) => x.allocated.instances > 0).length;
  console.log(`fleet: ${HOSTS} hosts (${busy} with an instance), ${ids.length} instances; built in ${((t1 - t0) / 1000).toFixed(1)} s, workloads set in ${((t2 - t1) / 1000).toFixed(1)} s, ${HOURS} h advanced in ${((t3 - t2) / 1000).toFixed(1)} s`);
}

/** Times both routes on a server; returns the times and the answers (of the last run). */
async function measure(s: ServerProcess, name: string) {
  const clock = await call(s, ADMIN_KEY, 'GET', '/v1/admin/clock');
  const from = new Date(Date.parse(clock.now) - HOURS * 3_600_000).toISOString();
  const routes = {
    heatmap: `/v1/admin/fleet/heatmap?metric=cpu&period=3600&from=${encodeURIComponent(from)}`,
    availability: `/v1/admin/fleet/availability?from=${encodeURIComponent(from)}`,
  };
  const out: Record<string, { ms: number[]; body: string }> = {};
  for (const [route, path] of Object.entries(routes)) {
    const ms: number[] = [];
    let body = '';
    for (let i = 0; i <= RUNS; i++) {
      const t0 = performance.now();
      const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      body = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 300)}`);
      // The first call warms the server's code paths (JIT) and the database's cache.
      if (i > 0) ms.push(performance.now() - t0);
    }
    out[route] = { ms, body };
    const cells = route === 'heatmap' ? (JSON.parse(body) as { hosts: { values: unknown[] }[] }).hosts.reduce((n, h) => n + h.values.length, 0) : 0;
    console.log(`${name}: GET ${route} ${stats(ms)}${cells ? ` (${cells} cells, ${(body.length / 1024 / 1024).toFixed(1)} MB)` : ''}; load ${load()}`);
  }
  return out;
}

async function main() {
  console.log(`load average at start: ${load()}`);
  const db = await createTestDatabase();
  let baseDir: string | null = null;
  const env = { REDIS_URL: 'redis://127.0.0.1:1' };
  let server: ServerProcess | null = null;
  try {
    server = await startServerProcess(db.url, env, START_SECONDS);
    await buildFleet(server);
    const results: { name: string; r: Awaited<ReturnType<typeof measure>> }[] = [];
    results.push({ name: 'current', r: await measure(server, 'current') });
    if (BASELINE) {
      const commit = execSync(`git rev-parse --short ${BASELINE}`, { cwd: ROOT }).toString().trim();
      baseDir = mkdtempSync(join(tmpdir(), 'nimbus-baseline-'));
      execSync(`git archive ${commit} | tar -x -C ${baseDir}`, { cwd: ROOT, shell: '/bin/bash' });
      symlinkSync(join(ROOT, 'node_modules'), join(baseDir, 'node_modules'));
      await server.stop();
      server = await startServerProcess(db.url, env, START_SECONDS, baseDir);
      results.push({ name: `baseline ${commit}`, r: await measure(server, `baseline ${commit}`) });
      await server.stop();
      server = await startServerProcess(db.url, env, START_SECONDS);
      results.push({ name: 'current (again)', r: await measure(server, 'current (again)') });
    }
    await server.stop();
    server = null;
    if (BASELINE) {
      const [cur, base, cur2] = results.map((x) => x.r);
      for (const route of ['heatmap', 'availability']) {
        const c = median([...cur[route].ms, ...cur2[route].ms]);
        const b = median(base[route].ms);
        const same = cur[route].body === base[route].body && cur2[route].body === base[route].body;
        console.log(`${route}: baseline median ${b.toFixed(0)} ms / current median ${c.toFixed(0)} ms = ${(b / c).toFixed(1)}×; answers identical byte for byte: ${same ? 'yes' : 'NO'}`);
      }
    }
  } finally {
    await server?.stop();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
    await db.drop();
  }
  console.log(`load average at end: ${load()}`);
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
