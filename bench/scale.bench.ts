/**
 * Scale benchmark of load-simulation runs (issue 11, "Beyond one machine"): a fleet of three zones
 * that do not interact, run on ONE worker whole, then as THREE CELLS (one per zone, a BullMQ flow)
 * on TWO workers. Nimbus is started as a user starts it: the built API (`dist/apps/api/src/main.js`)
 * and `apps/worker` processes (`dist/apps/worker/src/main.js`), a real Redis and a SQLite file (or
 * PostgreSQL with --db postgres). Each worker runs up to `--concurrency` runs or cells at once
 * (NIMBUS_WORKER_CONCURRENCY; default 2, this machine's cores), each on a thread of its own: so the
 * three cells run at once on the two workers and share the machine's cores, where at concurrency 1
 * the third cell waits for one of the first two (three equal cells then take two cells' time).
 *
 *   npm run bench:scale [-- --scale 1 --days 30 --db sqlite|postgres --concurrency 2 --cells-first --no-build]
 *
 * At --scale 1 the fleet is 30,000 m5 hosts and 300,000 m5.large VMs (10,000 hosts and 100,000
 * VMs per zone; each zone's workload launches its VMs at the start and replaces departures, mean
 * lifetime 30 days, a random walk around 40 % CPU), for --days 30 of simulated time, hourly
 * buckets. --scale 0.1 is a tenth of the fleet.
 *
 * Printed per phase: the wall time from submission to the stored result, each worker's CPU time
 * (user + system, /proc/<pid>/stat) and peak resident memory (VmHWM), and the digest. Then the
 * speed-up (whole wall ÷ cells wall) and whether the two results are identical, byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createBenchDatabase } from './lib/database';
import { freePort } from '../test/support/server-process';
import { adminApi, arg, buildUnlessTold, procStats, ProcStats, startApi, startWorkers, WORKER_NODE_ARGS } from './lib/processes';

const SCALE = Number(arg('scale', '1'));
const DAYS = Number(arg('days', '30'));
const DB = arg('db', 'sqlite');
const CONCURRENCY = Number(arg('concurrency', '2'));
/** The cells' phase first (a machine that gets quieter as the bench goes on then favours the whole run, not the cells). */
const CELLS_FIRST = process.argv.includes('--cells-first');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!(SCALE > 0 && SCALE <= 1) || !(DAYS > 0) || !['sqlite', 'postgres'].includes(DB)) throw new Error('--scale must be in (0, 1], --days > 0, --db sqlite|postgres');
if (!(Number.isInteger(CONCURRENCY) && CONCURRENCY >= 1)) throw new Error('--concurrency must be a whole number ≥ 1');

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const HOSTS_PER_ZONE = Math.round(10_000 * SCALE);
const VMS_PER_ZONE = Math.round(100_000 * SCALE);
const LIFETIME_HOURS = 720;

function scenario() {
  return {
    version: 1, name: 'scale', seed: 11, durationHours: DAYS * 24, bucketSeconds: 3600,
    fleet: { zones: ZONES.map((name) => ({ name, hosts: [{ type: 'm5-host', count: HOSTS_PER_ZONE }] })) },
    tenants: ZONES.map((zone, i) => ({
      id: `tenant-${i + 1}`,
      workloads: [{
        kind: 'synthetic', name: `fleet-${zone}`, zone, initial: VMS_PER_ZONE, arrivals: { ratePerHour: VMS_PER_ZONE / LIFETIME_HOURS },
        lifetime: { distribution: 'exponential', meanHours: LIFETIME_HOURS }, size: { distribution: 'fixed', instanceType: 'm5.large' },
        utilization: { distribution: 'fixed', percent: 40, p95Percent: 70, model: 'random-walk' },
      }],
    })),
  };
}

interface Phase { readonly name: string; readonly wallS: number; readonly workers: ProcStats[]; readonly digest: string; readonly report: string; readonly cells: number; readonly load: string }

async function phase(name: string, port: number, adminKey: string, env: Record<string, string>, workers: number, split: boolean): Promise<Phase> {
  const ws = await startWorkers(workers, env, CONCURRENCY);
  const before = ws.map((w) => procStats(w.child.pid!));
  const load0 = loadavg()[0];
  const started = Date.now();
  const submitted = await adminApi(port, adminKey, 'POST', '/v1/admin/simulations', { scenario: scenario(), execution: { split } });
  const id = submitted.simulationId as string;
  let run: any;
  let lastPrint = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    run = await adminApi(port, adminKey, 'GET', `/v1/admin/simulations/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(run.state)) break;
    if (Date.now() - lastPrint > 30_000) {
      lastPrint = Date.now();
      process.stdout.write(`  ${name}: ${run.state}, ${(run.progress.fraction * 100).toFixed(1)} % after ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  const wallS = (Date.now() - started) / 1000;
  if (run.state !== 'completed') throw new Error(`${name}: the run ended ${run.state}: ${run.error ?? ''}`);
  const after = ws.map((w) => procStats(w.child.pid!));
  const report = JSON.stringify(await adminApi(port, adminKey, 'GET', `/v1/admin/simulations/${id}/report`));
  for (const w of ws) await w.stop();
  return {
    name, wallS, cells: run.execution.cells, digest: run.digest, report: report.replace(id, 'sim'), load: `${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
    workers: after.map((a, i) => ({ cpuSeconds: a.cpuSeconds - before[i].cpuSeconds, hwmMiB: a.hwmMiB })),
  };
}

async function main(): Promise<void> {
  buildUnlessTold();
  const adminKey = `nmbadmin_${randomBytes(16).toString('hex')}`;
  const prefix = `nimbus-bench-${randomBytes(4).toString('hex')}`;
  const database = await createBenchDatabase(DB as 'sqlite' | 'postgres', 'scale');
  const port = await freePort();
  const env = { DATABASE_URL: database.url, REDIS_URL, NIMBUS_QUEUE_PREFIX: prefix };
  const server = await startApi(port, adminKey, env);
  const phases: Phase[] = [];
  try {
    const fleet = `${ZONES.length} zones, ${(HOSTS_PER_ZONE * ZONES.length).toLocaleString('en-US')} m5 hosts, ${(VMS_PER_ZONE * ZONES.length).toLocaleString('en-US')} m5.large VMs, ${DAYS} days`;
    process.stdout.write(`bench:scale — ${fleet}; ${DB}, Redis ${REDIS_URL}; workers at concurrency ${CONCURRENCY} (each run or cell on a thread of its own), ${WORKER_NODE_ARGS.join(' ')}\n`);
    const whole = () => phase('whole, one worker', port, adminKey, env, 1, false);
    const cells = () => phase('three cells, two workers', port, adminKey, env, 2, true);
    if (CELLS_FIRST) {
      const c = await cells();
      phases.push(await whole(), c);
    } else {
      const w = await whole();
      phases.push(w, await cells());
    }
  } finally {
    await server.stop();
    await database.drop();
  }
  const rows = phases.map((p) => [
    p.name, String(p.cells), p.wallS.toFixed(1), p.workers.map((w) => w.cpuSeconds.toFixed(1)).join(' + '),
    p.workers.reduce((n, w) => n + w.cpuSeconds, 0).toFixed(1), p.workers.map((w) => w.hwmMiB.toFixed(0)).join(' / '), p.digest.slice(0, 12), p.load,
  ]);
  const head = ['phase', 'cells', 'wall s', 'CPU s per worker', 'CPU s total', 'peak RSS MiB per worker', 'digest', 'load average (1 min) start → end'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) process.stdout.write(r.map((c, i) => c.padEnd(widths[i])).join('  ') + '\n');
  const [whole, cells] = phases;
  const speedUp = whole.wallS / cells.wallS;
  process.stdout.write(`speed-up with two workers: ×${speedUp.toFixed(2)} (target ≥ ×1.7)\n`);
  process.stdout.write(`results identical: ${whole.digest === cells.digest && whole.report === cells.report ? 'yes (same digest, same report byte for byte)' : 'NO'}\n`);
  if (whole.digest !== cells.digest || whole.report !== cells.report) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
