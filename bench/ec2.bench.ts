/**
 * EC2 Query protocol load benchmark: Nimbus as its own process on 127.0.0.1, driven by 16 clients
 * of the AWS SDK for JavaScript (@aws-sdk/client-ec2, every request signed with SigV4 and verified
 * by the server), each its own tenant with its own access key, doing rounds of RunInstances (one
 * t3.micro) then DescribeInstances (InstanceId.1 = the instance it got).
 *
 *   npm run bench:ec2 [-- --rounds 200 --warmup 10 --clients 16 --db sqlite|postgres --built --cpu-prof DIR --count-queries --clock 1|manual]
 *
 * Method (also in docs/benchmarks.md, "EC2 protocol load (bench:ec2)"):
 * - The server: `node -r @swc-node/register apps/api/src/main.ts` (the same code as the built
 *   server, transpiled at start), or `dist/apps/api/src/main.js` after `npm run build` with
 *   `--built`; PORT a free port, DATABASE_URL a SQLite file in a temp directory (removed afterwards)
 *   or a PostgreSQL database created for the run and dropped afterwards, NIMBUS_CLOCK=1,
 *   NIMBUS_DEMO=false, LOG_LEVEL=warn, NIMBUS_ADMIN_KEY and NIMBUS_SECRET_KEY chosen here.
 * - Setup through the admin REST API: m5-hosts over the three zones for every instance the run
 *   launches; the tenants, their quotas raised, their throttling limits raised ×1000 through the
 *   admin setting (PATCH /v1/admin/tenants/{id} `requestLimits`, printed), an access key each.
 * - Load: each client an EC2Client with its own keep-alive connection (maxSockets 1) and no retries
 *   (an error is counted, not hidden); `--warmup` rounds first, not counted. Each call is timed from
 *   `send` to its parsed answer, so the figures include the SDK's signing and XML parsing.
 * - Printed: requests/s over the measured phase (answered requests ÷ wall time), p50, p99, p99.9
 *   and max per action and overall, errors by code, the server's CPU time and the machine's load.
 */
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixed, int, summarize, table } from './lib/stats';
import { queryReport, readQueryCounts } from './lib/query-count';
import { createBenchDatabase } from './lib/database';
import { freePort } from '../test/support/server-process';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const positiveInt = (name: string, fallback: number, min = 1) => {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return v;
};

const ROOT = join(__dirname, '..');
const CLIENTS = positiveInt('clients', 16);
const ROUNDS = positiveInt('rounds', 200);
const WARMUP = positiveInt('warmup', 10, 0);
const DB = arg('db', 'sqlite');
if (DB !== 'sqlite' && DB !== 'postgres') throw new Error('--db must be sqlite or postgres');
const BUILT = process.argv.includes('--built');
/** `--cpu-prof DIR`: the server writes a V8 CPU profile into DIR when it stops. */
const CPU_PROF = arg('cpu-prof', '');
/** `--count-queries`: the server counts its SQL statements (bench/lib/query-counter.ts, preloaded); printed per request. */
const COUNT_QUERIES = process.argv.includes('--count-queries');
/** NIMBUS_CLOCK of the server: `1` (the default pacing) or `manual` (no ticks: only the requests' own work is measured). */
const CLOCK = arg('clock', '1');
const PG_BASE = arg('pg', 'postgres://postgres@127.0.0.1:5432');
const IMAGE = 'ami-0a1e0c00000000a23';
const TYPE = 't3.micro';
const LIMIT_MULTIPLIER = 1000;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
/** vCPUs per m5-host the bench plans for (as bench:api): half of what the CPU allocation ratio admits. */
const VCPUS_PER_HOST = 100;

const queryFile = (port: number) => join(tmpdir(), `nimbus-bench-queries-${process.pid}-${port}.json`);

interface Server {
  readonly child: ChildProcess;
  readonly url: string;
}

async function startServer(databaseUrl: string, adminKey: string): Promise<Server> {
  const port = await freePort();
  const args = [
    ...(CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : []),
    ...(COUNT_QUERIES ? ['-r', '@swc-node/register', '-r', join(ROOT, 'bench/lib/query-counter.ts')] : []),
    ...(BUILT ? [join(ROOT, 'dist/apps/api/src/main.js')] : ['-r', '@swc-node/register', join(ROOT, 'apps/api/src/main.ts')]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NIMBUS_ADMIN_KEY: adminKey, NIMBUS_SECRET_KEY: randomBytes(32).toString('hex'),
      NIMBUS_DEMO: 'false', NIMBUS_CLOCK: CLOCK, LOG_LEVEL: 'warn', NIMBUS_BENCH_QUERY_FILE: queryFile(port),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${stderr}`);
    try {
      if ((await fetch(`${url}/health/live`)).ok) return { child, url };
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start in 60 s:\n${stderr}`);
}

async function adminCall(url: string, adminKey: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url + path, { method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** The server process's CPU seconds so far (user + system, /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
  const database = await createBenchDatabase(DB === 'sqlite' ? 'sqlite' : 'postgres', 'bench-ec2', PG_BASE);
  let server: Server | undefined;
  const stop = () => server?.child.kill('SIGTERM');
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    console.log(`bench:ec2 — ${CLIENTS} JS SDK clients (SigV4), each its own tenant; ${ROUNDS} rounds (+${WARMUP} warm-up) of RunInstances(1 ${TYPE}) then DescribeInstances(its id)`);
    console.log(`  machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}`);
    console.log(`  server: ${BUILT ? 'dist/apps/api/src/main.js' : 'apps/api/src/main.ts via @swc-node/register'} on ${database.label}, NIMBUS_CLOCK=${CLOCK}`);
    server = await startServer(database.url, adminKey);

    const instances = CLIENTS * (ROUNDS + WARMUP);
    const hosts = Math.max(ZONES.length, Math.ceil((instances * 2) / VCPUS_PER_HOST));
    for (const zone of ZONES) await adminCall(server.url, adminKey, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: zone, count: Math.ceil(hosts / ZONES.length) });
    const keys: { accessKeyId: string; secretAccessKey: string }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const created = await adminCall(server.url, adminKey, 'POST', '/v1/admin/tenants', { name: `bench-ec2-${i}`, quotas: { onDemandVcpus: 1_000_000, provisionedIops: 100_000_000 } });
      const tenantId = (created.tenant as { tenantId: string }).tenantId;
      await adminCall(server.url, adminKey, 'PATCH', `/v1/admin/tenants/${tenantId}`, { requestLimits: { multiplier: LIMIT_MULTIPLIER } });
      keys.push((await adminCall(server.url, adminKey, 'POST', `/v1/admin/tenants/${tenantId}/access-keys`)) as unknown as { accessKeyId: string; secretAccessKey: string });
    }
    console.log(`  setup: ${int(Math.ceil(hosts / ZONES.length) * ZONES.length)} m5-hosts over ${ZONES.join(', ')}; ${CLIENTS} tenants, quotas raised, an access key each`);
    console.log(`  throttling limits raised ×${LIMIT_MULTIPLIER} for the ${CLIENTS} tenants via the admin setting (PATCH /v1/admin/tenants/{id} requestLimits)`);

    const agents = keys.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    const clients = keys.map((k, i) => new EC2Client({
      endpoint: server!.url, region: 'us-east-1', credentials: k, maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ httpAgent: agents[i] }),
    }));
    const samples = { RunInstances: [] as number[], DescribeInstances: [] as number[] };
    const errors = new Map<string, number>();
    const fail = (op: string, err: unknown) => {
      const key = `${op} ${(err as { name?: string }).name ?? 'Error'} ${(err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? ''}`;
      errors.set(key, (errors.get(key) ?? 0) + 1);
    };
    const round = async (c: EC2Client, measured: boolean) => {
      let t0 = process.hrtime.bigint();
      let id: string | undefined;
      try {
        id = (await c.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: TYPE, MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
        if (measured) samples.RunInstances.push(Number(process.hrtime.bigint() - t0));
      } catch (err) {
        if (measured) fail('RunInstances', err);
        return;
      }
      t0 = process.hrtime.bigint();
      try {
        await c.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
        if (measured) samples.DescribeInstances.push(Number(process.hrtime.bigint() - t0));
      } catch (err) {
        if (measured) fail('DescribeInstances', err);
      }
    };
    await Promise.all(clients.map(async (c) => {
      for (let r = 0; r < WARMUP; r++) await round(c, false);
    }));
    const queryPath = queryFile(Number(new URL(server.url).port));
    const queries0 = COUNT_QUERIES ? await readQueryCounts(server.child, queryPath) : undefined;
    const cpu0 = cpuSeconds(server.child.pid!);
    const start = process.hrtime.bigint();
    await Promise.all(clients.map(async (c) => {
      for (let r = 0; r < ROUNDS; r++) await round(c, true);
    }));
    const wallS = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = cpuSeconds(server.child.pid!) - cpu0;
    const queries1 = COUNT_QUERIES ? await readQueryCounts(server.child, queryPath) : undefined;
    clients.forEach((c) => c.destroy());
    agents.forEach((a) => a.destroy());

    const all = [...samples.RunInstances, ...samples.DescribeInstances];
    const answered = all.length + [...errors.values()].reduce((s, n) => s + n, 0);
    const ms = (us: number) => fixed(us / 1000, 2);
    const rows = (Object.entries(samples) as [string, number[]][]).concat([['all', all]]).map(([op, s]) => {
      const x = summarize(Float64Array.from(s));
      return [op, int(x.count), ms(x.p50Us), ms(x.p99Us), ms(x.p999Us), ms(x.maxUs)];
    });
    console.log('');
    console.log(table(['action', 'count', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms'], rows));
    console.log('');
    console.log(`  ${fixed(answered / wallS, 1)} requests/s (${int(answered)} answered in ${fixed(wallS, 2)} s); errors: ${errors.size === 0 ? 'none' : [...errors].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    console.log(`  server CPU: ${fixed(cpu, 1)} s over the measured phase (${fixed((cpu / wallS) * 100, 0)}% of one core, ${fixed((cpu * 1000) / Math.max(1, all.length), 2)} ms per request); load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (queries0 && queries1) for (const line of queryReport(queries0, queries1, all.length)) console.log(`  ${line}`);
  } finally {
    stop();
    await new Promise((r) => setTimeout(r, CPU_PROF ? 3000 : 500));
    await database.drop().catch(() => undefined);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
