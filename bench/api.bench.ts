/**
 * REST API load benchmark: Nimbus started as a user starts it (the built server, `node
 * dist/apps/api/src/main.js`, as a child process on 127.0.0.1), driven over HTTP by 16 concurrent
 * clients, each its own tenant, each doing launch-then-describe rounds.
 *
 *   npm run bench:api [-- --db sqlite|postgres|both --rounds 200 --warmup 200 --clients 16
 *                         --background 1000 --plain | --ticking --no-build --max-seconds 600
 *                         --cpu-prof DIR --count-queries --describes 1]
 *
 * Method (also in docs/benchmarks.md, "API load (bench:api)"):
 * - `npm run build` (unless `--no-build`), then per database and scenario a fresh server: PORT a
 *   free port, DATABASE_URL a SQLite file in a temp directory (removed afterwards) or a PostgreSQL
 *   database created for the run on postgres://postgres@127.0.0.1:5432 and dropped afterwards,
 *   NIMBUS_ADMIN_KEY chosen here, NIMBUS_DEMO=false, LOG_LEVEL=warn, NIMBUS_CLOCK=1 (the default
 *   pacing a user gets). The server is always stopped at the end, also on error or Ctrl-C.
 * - Setup through the admin API: m5-hosts over us-east-1a/b/c for every instance the run launches
 *   (at most 100 vCPUs per host, half of what the CPU allocation ratio admits), `--clients`
 *   tenants each with its own key, their quotas raised (PATCH /v1/admin/tenants/{id} `quotas`) and
 *   their throttling limits raised ×1000 (PATCH … `requestLimits`); if the API refuses the latter,
 *   the output says so and the run goes on at the default limits.
 * - Load: each client its own tenant, on its own keep-alive connection (an http.Agent with
 *   keepAlive and maxSockets 1), doing `--rounds` rounds of POST /v1/instances (one t3.micro,
 *   ami-0a1e0c00000000a23) then GET /v1/instances/{id} of the instance it got; `--warmup` rounds
 *   before, not counted (`--describes N`: N describes per round, 0 for launches alone; the
 *   server's CPU per round at two values of N splits it between a launch and a describe). Each
 *   request is timed from its start to the end of its body. Every non-2xx answer (and every
 *   failed connection) is an error, counted by operation, status and code, and left out of the
 *   latency figures; a failed launch is followed by no describe.
 * - Scenario `ticking`: before the warm-up, `--background` m5.large instances are launched (a
 *   quarter with a gp3 volume) and given workloads (PUT /v1/instances/{id}/workload: a random-walk
 *   or diurnal CPU stepping every simulated minute, memory, internet egress, every third a flow to
 *   a neighbour, IO on the volume); once they run, the clock goes to 60× (PUT /v1/admin/clock) and
 *   ticks for 5 s, so that its ticks (every 100 ms of wall time, a simulated minute per second)
 *   compete with the requests. Setup calls wait up to 300 s; measured requests 30 s.
 * - Printed per run: requests/s over the measured phase (all answered requests ÷ its wall time),
 *   count, p50, p99, p99.9 and max latency and errors per operation, the server process's CPU
 *   time over the measured phase (/proc/<pid>/stat) and its peak RSS (VmHWM), the machine's load
 *   average at start and end, and the simulated time that passed.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findInstanceType } from '@nimbus/hypervisor';
import { BenchDatabase as Database, createBenchDatabase } from './lib/database';
import { fixed, int, summarize, table } from './lib/stats';
import { queryReport, readQueryCounts } from './lib/query-count';
import { freePort } from '../test/support/server-process';

// ---- options ----

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);
function positiveInt(name: string, fallback: number, min = 1): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer ≥ ${min}`);
  return v;
}

const ROOT = join(__dirname, '..');
const DB_ARG = arg('db', 'both');
if (!['sqlite', 'postgres', 'both'].includes(DB_ARG)) throw new Error('--db must be sqlite, postgres or both');
const DATABASES: readonly Db[] = DB_ARG === 'both' ? ['sqlite', 'postgres'] : [DB_ARG as Db];
const SCENARIOS: readonly Scenario[] = flag('ticking') && !flag('plain') ? ['ticking'] : flag('plain') && !flag('ticking') ? ['plain'] : ['plain', 'ticking'];
const CLIENTS = positiveInt('clients', 16);
const ROUNDS = positiveInt('rounds', 200);
/**
 * Warm-up rounds per client, not counted. V8 compiles the server's hot code while it runs: on this
 * machine the rate climbs for about the first 150 rounds (16 clients; ~5,000 requests) and the
 * process's other threads, which do that compiling, spend ~15 % of a core more meanwhile. 200
 * measures the server as it runs once warm; the warm-up's own rate is printed beside it.
 */
const WARMUP = positiveInt('warmup', 200, 0);
const DESCRIBES = positiveInt('describes', 1, 0);
const BACKGROUND = positiveInt('background', 1000, 0);
const MAX_SECONDS = positiveInt('max-seconds', 600);
const PG_BASE = arg('pg', 'postgres://postgres@127.0.0.1:5432');
const BUILD = !flag('no-build');
/** NIMBUS_CLOCK of the server: `1` (the default pacing a user gets) or `manual` (no ticks at all in the plain scenario). */
const CLOCK = arg('clock', '1');
/** `--cpu-prof DIR`: the server writes a V8 CPU profile (.cpuprofile) per run into DIR when it stops. */
const CPU_PROF = arg('cpu-prof', '');
/** `--count-queries`: the server counts its SQL statements (bench/lib/query-counter.ts, preloaded); printed per request. */
const COUNT_QUERIES = flag('count-queries');

const IMAGE = 'ami-0a1e0c00000000a23';
/** The measured launches' type: t3.micro (2 vCPUs, 1 GiB), the README's, by default. */
const LOAD_TYPE = arg('type', 't3.micro');
const BACKGROUND_TYPE = 'm5.large'; // 2 vCPUs, 8 GiB
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
/** vCPUs per m5-host the bench plans for: 112 hardware threads × CPU ratio 2 = 224 admitted; half of that, less than its memory's 504 GiB allow of m5.large. */
const VCPUS_PER_HOST = 100;
/** A measured request not answered in this time is an error ("no answer"); setup calls may take longer, they are not measured. */
const REQUEST_TIMEOUT_MS = 30_000;
const SETUP_TIMEOUT_MS = 300_000;
const LIMIT_MULTIPLIER = 1000;
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

type Db = 'sqlite' | 'postgres';
type Scenario = 'plain' | 'ticking';

// ---- HTTP ----

interface Reply {
  /** 0 when no answer came (connection error or timeout). */
  readonly status: number;
  readonly body: any;
  readonly ms: number;
  readonly reused: boolean;
  readonly error?: string;
}

/** One JSON request on `agent`'s connection to 127.0.0.1:port; never rejects. */
function call(agent: Agent, port: number, key: string, method: string, path: string, body?: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Reply> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const t0 = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - t0) / 1e6;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Reply) => {
      if (!done) {
        done = true;
        resolve(r);
      }
    };
    const req = request(
      {
        host: '127.0.0.1', port, method, path, agent,
        headers: {
          authorization: `Bearer ${key}`, accept: 'application/json',
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => finish({ status: 0, body: undefined, ms: elapsed(), reused: req.reusedSocket, error: err.message }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          finish({ status: res.statusCode ?? 0, body: parsed, ms: elapsed(), reused: req.reusedSocket });
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => finish({ status: 0, body: undefined, ms: elapsed(), reused: req.reusedSocket, error: err.code ?? err.message }));
    req.end(payload);
  });
}

const ok = (r: Reply) => r.status >= 200 && r.status < 300;
const errorCode = (r: Reply) => (r.status === 0 ? r.error ?? 'no answer' : (r.body?.error?.code as string | undefined) ?? 'no error code');
const errorMessage = (r: Reply) => (r.status === 0 ? r.error ?? 'no answer' : (r.body?.error?.message as string | undefined) ?? JSON.stringify(r.body)?.slice(0, 300));

/** Setup calls must succeed: anything else stops the run with the API's own answer. */
async function must(agent: Agent, port: number, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const r = await call(agent, port, key, method, path, body, SETUP_TIMEOUT_MS);
  if (!ok(r)) throw new Error(`${method} ${path} answered ${r.status} ${errorCode(r)}: ${errorMessage(r)}`);
  return r.body;
}

// ---- what the server's metrics say about the phase ----

/** A sample's value from Prometheus text: `name{labels} value` (labels matched as given, in order). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The event loop's delay over the phase (Node's monitorEventLoopDelay, as prom-client exports it:
 * reset at each scrape, so the scrape after the phase covers the phase alone), and the group
 * commits' durations over the phase (the histogram's buckets after minus before): how long the
 * server stood still, for everyone, while one thing ran.
 */
function stallReport(before: string, after: string): string[] {
  const ms = (s: number | undefined) => (s === undefined ? '?' : fixed(s * 1000, 1));
  const out = [`event loop delay over the phase: p50 ${ms(sample(after, 'nimbus_nodejs_eventloop_lag_p50_seconds'))} ms, ` +
    `p99 ${ms(sample(after, 'nimbus_nodejs_eventloop_lag_p99_seconds'))} ms, max ${ms(sample(after, 'nimbus_nodejs_eventloop_lag_max_seconds'))} ms`];
  const buckets = (text: string) => text.split('\n').filter((l) => l.startsWith('nimbus_commit_duration_seconds_bucket{') && l.includes('outcome="committed"'))
    .map((l) => ({ le: l.match(/le="([^"]+)"/)![1], n: Number(l.slice(l.lastIndexOf(' ') + 1)) }));
  const b0 = new Map(buckets(before).map((b) => [b.le, b.n]));
  const diff = buckets(after).map((b) => ({ le: b.le, n: b.n - (b0.get(b.le) ?? 0) }));
  const total = diff.find((b) => b.le === '+Inf')?.n ?? 0;
  if (total > 0) {
    const within = (q: number) => diff.find((b) => b.n >= q * total)?.le ?? '+Inf';
    const sum = (sample(after, 'nimbus_commit_duration_seconds_sum', 'outcome="committed"') ?? 0) - (sample(before, 'nimbus_commit_duration_seconds_sum', 'outcome="committed"') ?? 0);
    out.push(`group commits over the phase: ${int(total)}, mean ${fixed((sum / total) * 1000, 1)} ms; p50 ≤ ${within(0.5)} s, p99 ≤ ${within(0.99)} s (histogram buckets)`);
  }
  return out;
}

// ---- the server process ----

interface ProcStats {
  readonly cpuSeconds: number;
  readonly hwmKiB: number;
  readonly rssKiB: number;
}

/** The process's user+system CPU time and its resident set (peak and current), from /proc; undefined where /proc is not readable. */
function procStats(pid: number | undefined): ProcStats | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime: the 14th and 15th
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuSeconds, hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
  } catch {
    return undefined;
  }
}

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  /** Server log lines at warn level or above (pino JSON: level ≥ 40), the first few kept. */
  readonly warnings: { count: number; first: string[] };
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const queryFile = (port: number) => join(tmpdir(), `nimbus-bench-queries-${process.pid}-${port}.json`);
/** Databases to remove if the bench is interrupted. */
const liveDatabases = new Set<Database>();

async function startServer(databaseUrl: string, adminKey: string): Promise<Server> {
  const port = await freePort();
  const profile = CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF] : [];
  const counter = COUNT_QUERIES ? ['-r', '@swc-node/register', '-r', join(ROOT, 'bench/lib/query-counter.ts')] : [];
  const child = spawn(process.execPath, [...profile, ...counter, join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NIMBUS_ADMIN_KEY: adminKey, NIMBUS_DEMO: 'false', LOG_LEVEL: 'warn', NIMBUS_CLOCK: CLOCK, NIMBUS_BENCH_QUERY_FILE: queryFile(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => live.delete(child));
  let tail = '';
  const warnings = { count: 0, first: [] as string[] };
  let partial = '';
  const onData = (d: Buffer) => {
    const text = d.toString('utf8');
    tail = (tail + text).slice(-20_000);
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const level = /"level":(\d+)/.exec(line);
      if (level && Number(level[1]) >= 40) {
        warnings.count++;
        if (warnings.first.length < 5) warnings.first.push(line.slice(0, 400));
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start:\n${tail}`);
    const r = await call(new Agent(), port, '', 'GET', '/health');
    if (r.status === 200) break;
    if (Date.now() - started > 60_000) {
      await stop();
      throw new Error(`the server did not answer /health in 60 s:\n${tail}`);
    }
    await new Promise((res) => setTimeout(res, 100));
  }
  return { port, child, warnings, output: () => tail, stop };
}

function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the server(s) and removing the database(s)`);
    killAll();
    const drops = [...liveDatabases].map((d) => d.drop().catch(() => undefined));
    const bound = new Promise((res) => setTimeout(res, 5_000).unref());
    void Promise.race([Promise.all(drops), bound]).finally(() => process.exit(130));
  });
}

// ---- databases ----

async function createDatabase(db: Db): Promise<Database> {
  return createBenchDatabase(db, 'bench-api', PG_BASE);
}

// ---- setup ----

interface Tenant {
  readonly tenantId: string;
  readonly key: string;
}

async function setUp(port: number, adminKey: string, vcpus: number): Promise<{ tenants: Tenant[]; hosts: number; limitsRaised: boolean }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const hosts = Math.max(ZONES.length, Math.ceil(vcpus / VCPUS_PER_HOST));
    const perZone = Math.ceil(hosts / ZONES.length);
    for (const zone of ZONES) {
      for (let left = perZone; left > 0; left -= 1000) {
        await must(agent, port, adminKey, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: zone, count: Math.min(1000, left) });
      }
    }
    const tenants: Tenant[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const created = await must(agent, port, adminKey, 'POST', '/v1/admin/tenants', { name: `bench-api-${i}` });
      tenants.push({ tenantId: created.tenant.tenantId, key: created.apiKey.key });
    }
    for (const t of tenants) {
      await must(agent, port, adminKey, 'PATCH', `/v1/admin/tenants/${t.tenantId}`, { quotas: { onDemandVcpus: 1_000_000, provisionedIops: 100_000_000 } });
    }
    const refusals: string[] = [];
    for (const t of tenants) {
      const r = await call(agent, port, adminKey, 'PATCH', `/v1/admin/tenants/${t.tenantId}`, { requestLimits: { multiplier: LIMIT_MULTIPLIER } }, SETUP_TIMEOUT_MS);
      if (!ok(r)) refusals.push(`${r.status} ${errorCode(r)}: ${errorMessage(r)}`);
    }
    if (refusals.length === 0) {
      console.log(`  throttling limits raised ×${LIMIT_MULTIPLIER} for the ${CLIENTS} tenants via PATCH /v1/admin/tenants/{id} requestLimits`);
    } else {
      const distinct = [...new Set(refusals)];
      console.log(`  throttling limits NOT raised (the API refused: ${distinct.join(' | ')})${refusals.length < CLIENTS ? ` for ${refusals.length} of ${CLIENTS} tenants` : ''}`);
    }
    return { tenants, hosts: perZone * ZONES.length, limitsRaised: refusals.length === 0 };
  } finally {
    agent.destroy();
  }
}

/** The ticking scenario's background: `count` m5.large instances with workloads, spread over the tenants, running before the load starts. */
async function startBackground(port: number, adminKey: string, tenants: readonly Tenant[], count: number): Promise<string> {
  const admin = new Agent({ keepAlive: true, maxSockets: 1 });
  const t0 = Date.now();
  try {
    const launched = await Promise.all(
      tenants.map(async (t, ti) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const share = Math.floor(count / tenants.length) + (ti < count % tenants.length ? 1 : 0);
          const ids: { id: string; volumeId?: string }[] = [];
          // In requests of up to 25; every fourth request's instances get a gp3 volume.
          for (let batch = 0, left = share; left > 0; batch++) {
            const n = Math.min(25, left);
            left -= n;
            const withVolume = batch % 4 === 3;
            const body = await must(agent, port, t.key, 'POST', '/v1/instances', {
              imageId: IMAGE, instanceType: BACKGROUND_TYPE, minCount: n, maxCount: n, tags: { role: 'background' },
              ...(withVolume ? { volumes: [{ sizeGiB: 20, type: 'gp3' }] } : {}),
            });
            for (const i of body.instances as { instanceId: string; volumes: { volumeId: string }[] }[]) {
              ids.push({ id: i.instanceId, ...(withVolume && i.volumes[0] ? { volumeId: i.volumes[0].volumeId } : {}) });
            }
          }
          for (let k = 0; k < ids.length; k++) {
            const { id, volumeId } = ids[k];
            const seed = ti * 10_000 + k;
            const network: { to: string; mbps: number }[] = [{ to: 'internet', mbps: 5 + (seed % 20) }];
            if (k % 3 === 2) network.push({ to: ids[k - 1].id, mbps: 50 });
            await must(agent, port, t.key, 'PUT', `/v1/instances/${id}/workload`, {
              cpu: k % 2 === 0
                ? { model: 'random-walk', meanCores: 0.6, volatility: 0.2, seed, stepSeconds: 60 }
                : { model: 'diurnal', meanCores: 0.6, amplitudeCores: 0.4, peakHourUtc: 14, stepSeconds: 60 },
              memory: { workingSetMiB: 2048, dirtyRateMiBps: 5 },
              network,
              ...(volumeId ? { io: [{ volumeId, iops: 400, throughputMiBps: 8 }] } : {}),
            });
          }
          return ids.length;
        } finally {
          agent.destroy();
        }
      }),
    );
    const total = launched.reduce((s, n) => s + n, 0);
    // Wait (bounded) until they all run: Linux boots in 15 simulated seconds (at the server's 1×,
    // 15 s; they were launched before their workloads were set, so mostly booted already).
    let running = 0;
    for (let attempt = 0; attempt < 120; attempt++) {
      running = 0;
      for (const t of tenants) {
        let token: string | undefined;
        for (let page = 0; page < 100; page++) {
          const q = `/v1/instances?state=running&tag:role=background&maxResults=1000${token ? `&nextToken=${encodeURIComponent(token)}` : ''}`;
          const body = await must(admin, port, t.key, 'GET', q);
          running += (body.instances as unknown[]).length;
          token = body.nextToken;
          if (!token) break;
        }
      }
      if (running >= total) break;
      await new Promise((res) => setTimeout(res, 1000));
    }
    // Then the clock to 60×: set earlier, its ticks (a simulated minute per wall second, 1,000
    // workloads stepping every simulated minute) slowed the setup's own calls past 30 s each.
    await must(admin, port, adminKey, 'PUT', '/v1/admin/clock', { rate: 60 });
    // A few simulated minutes of ticking before the load: metric buckets closing, random walks stepping.
    await new Promise((res) => setTimeout(res, 5_000));
    const clock = await must(admin, port, adminKey, 'GET', '/v1/admin/clock');
    return `${int(total)} ${BACKGROUND_TYPE} instances launched with workloads, ${int(running)} running, in ${fixed((Date.now() - t0) / 1000)} s; clock ${clock.mode} ${clock.rate}×, simulated now ${clock.now}`;
  } finally {
    admin.destroy();
  }
}

// ---- load ----

class OpStats {
  readonly samplesMs: number[] = [];
  readonly errors = new Map<string, number>();
  errorCount = 0;
  record(r: Reply, label: string): void {
    if (ok(r)) {
      this.samplesMs.push(r.ms);
      return;
    }
    this.errorCount++;
    const key = `${label} ${r.status || 'no answer'} ${errorCode(r)}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

interface Phase {
  readonly launch: OpStats;
  readonly describe: OpStats;
  readonly wallSeconds: number;
  readonly cut: boolean;
  /** Requests that went out on a new connection (not a reused keep-alive one). */
  readonly connections: number;
  /** The first message of each distinct error, to print. */
  readonly messages: Map<string, string>;
}

async function runPhase(port: number, tenants: readonly Tenant[], agents: readonly Agent[], rounds: number, phaseName: string): Promise<Phase> {
  const launch = new OpStats();
  const describe = new OpStats();
  const messages = new Map<string, string>();
  let connections = 0;
  const deadline = Date.now() + MAX_SECONDS * 1000;
  let cut = false;
  const note = (r: Reply, stats: OpStats, label: string) => {
    stats.record(r, label);
    if (!r.reused) connections++;
    if (!ok(r)) {
      const key = `${label} ${r.status || 'no answer'} ${errorCode(r)}`;
      if (!messages.has(key)) messages.set(key, errorMessage(r));
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(
    tenants.map(async (t, ti) => {
      for (let round = 0; round < rounds; round++) {
        if (Date.now() > deadline) {
          cut = true;
          return;
        }
        const r = await call(agents[ti], port, t.key, 'POST', '/v1/instances', {
          imageId: IMAGE, instanceType: LOAD_TYPE, tags: { role: 'load', phase: phaseName },
        });
        note(r, launch, 'launch');
        const id = ok(r) ? (r.body?.instances?.[0]?.instanceId as string | undefined) : undefined;
        if (!id) continue;
        for (let d = 0; d < DESCRIBES; d++) note(await call(agents[ti], port, t.key, 'GET', `/v1/instances/${id}`), describe, 'describe');
      }
    }),
  );
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { launch, describe, wallSeconds, cut, connections, messages };
}

// ---- one run ----

interface RunResult {
  readonly db: Db;
  readonly scenario: Scenario;
  readonly phase: Phase;
  readonly serverCpuSeconds?: number;
  readonly peakRssMiB?: number;
  readonly limitsRaised: boolean;
}

const ms = (us: number) => fixed(us / 1000, 1);

function opRow(name: string, s: OpStats): string[] {
  if (s.samplesMs.length === 0) return [name, '0', '-', '-', '-', '-', '-', int(s.errorCount)];
  const sum = summarize(Float64Array.from(s.samplesMs, (x) => x * 1e6));
  return [name, int(sum.count), ms(sum.meanUs), ms(sum.p50Us), ms(sum.p99Us), ms(sum.p999Us), ms(sum.maxUs), int(s.errorCount)];
}

async function runOne(db: Db, scenario: Scenario): Promise<RunResult> {
  console.log(`\n=== ${db === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, ${scenario === 'plain' ? 'plain (clock 1×, no other instances)' : `ticking (clock 60×, ${int(BACKGROUND)} running instances with workloads)`} ===`);
  console.log(`  load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const database = await createDatabase(db);
  liveDatabases.add(database);
  const adminKey = `nmbadmin_bench_${randomBytes(16).toString('hex')}`;
  let server: Server | undefined;
  try {
    console.log(`  database: ${database.label}`);
    const tStart = Date.now();
    server = await startServer(database.url, adminKey);
    console.log(`  server pid ${server.child.pid} on 127.0.0.1:${server.port}, ready in ${fixed((Date.now() - tStart) / 1000)} s`);
    const background = scenario === 'ticking' ? BACKGROUND : 0;
    const loadInstances = CLIENTS * (ROUNDS + WARMUP);
    const vcpus = (name: string) => findInstanceType(name)?.vcpus ?? 8;
    const setup = await setUp(server.port, adminKey, loadInstances * vcpus(LOAD_TYPE) + background * vcpus(BACKGROUND_TYPE));
    console.log(`  setup: ${int(setup.hosts)} m5-hosts over ${ZONES.join(', ')}; ${CLIENTS} tenants with their own keys, quotas raised`);
    if (background > 0) console.log(`  background: ${await startBackground(server.port, adminKey, setup.tenants, background)}`);

    const agents = setup.tenants.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
    let opened = 0;
    try {
      if (WARMUP > 0) {
        const w = await runPhase(server.port, setup.tenants, agents, WARMUP, 'warmup');
        const werr = w.launch.errorCount + w.describe.errorCount;
        opened = w.connections;
        const wAnswered = w.launch.samplesMs.length + w.describe.samplesMs.length;
        console.log(`  warm-up: ${WARMUP} rounds per client in ${fixed(w.wallSeconds, 1)} s (${fixed(wAnswered / w.wallSeconds, 1)} 2xx answers/s), not counted; ${w.connections} connection(s) opened${werr ? `; ${werr} errors: ${[...w.launch.errors, ...w.describe.errors].map(([k, n]) => `${k} ×${n}`).join(', ')}` : ''}`);
      }
      const admin = new Agent({ keepAlive: true, maxSockets: 1 });
      const clock0 = await must(admin, server.port, adminKey, 'GET', '/v1/admin/clock');
      // A scrape resets the event loop's delay histogram: the one after the phase covers the phase alone.
      const metrics0 = String(await must(admin, server.port, adminKey, 'GET', '/metrics'));
      const queries0 = COUNT_QUERIES ? await readQueryCounts(server.child, queryFile(server.port)) : undefined;
      const before = procStats(server.child.pid);
      const clientCpu0 = process.cpuUsage();
      const phase = await runPhase(server.port, setup.tenants, agents, ROUNDS, 'measured');
      const clientCpu = process.cpuUsage(clientCpu0);
      const after = procStats(server.child.pid);
      const queries1 = COUNT_QUERIES ? await readQueryCounts(server.child, queryFile(server.port)) : undefined;
      const clock1 = await must(admin, server.port, adminKey, 'GET', '/v1/admin/clock');
      const metrics1 = String(await must(admin, server.port, adminKey, 'GET', '/metrics'));
      admin.destroy();

      const answered = phase.launch.samplesMs.length + phase.describe.samplesMs.length + phase.launch.errorCount + phase.describe.errorCount;
      const succeeded = phase.launch.samplesMs.length + phase.describe.samplesMs.length;
      console.log(`  measured: ${CLIENTS} clients × ${ROUNDS} rounds in ${fixed(phase.wallSeconds, 2)} s${phase.cut ? ` (CUT at --max-seconds ${MAX_SECONDS})` : ''}; ${phase.connections} new connection(s) opened (${opened + phase.connections} in all for ${CLIENTS} clients)`);
      console.log(`  requests/s: ${fixed(answered / phase.wallSeconds, 1)} (${int(answered)} answered${answered !== succeeded ? `, ${fixed(succeeded / phase.wallSeconds, 1)}/s of them 2xx` : ', all 2xx'})`);
      console.log(
        table(['operation', 'count', 'mean ms', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms', 'errors'].map((h, i) => (i === 0 ? `  ${h}` : h)), [
          opRow('  POST /v1/instances', phase.launch),
          opRow('  GET /v1/instances/{id}', phase.describe),
        ]),
      );
      const errors = [...phase.launch.errors, ...phase.describe.errors];
      if (errors.length) {
        console.log('  errors by status and code:');
        for (const [k, n] of errors) console.log(`    ${k}: ${int(n)}  (e.g. "${phase.messages.get(k)}")`);
      } else console.log('  errors: none (every answer 2xx)');
      const cpu = before && after ? after.cpuSeconds - before.cpuSeconds : undefined;
      if (cpu !== undefined && after) {
        console.log(`  server process: ${fixed(cpu, 1)} s CPU over the measured phase (${fixed((100 * cpu) / phase.wallSeconds, 0)} % of one core; ${fixed((cpu * 1000) / Math.max(1, succeeded), 2)} ms per request), peak RSS ${int(after.hwmKiB / 1024)} MiB`);
      } else console.log('  server process: /proc not readable, no CPU time or RSS');
      const clientSeconds = (clientCpu.user + clientCpu.system) / 1e6;
      // The clients share the machine with the server: what they use is not the server's to use.
      console.log(`  bench clients (this process): ${fixed(clientSeconds, 1)} s CPU over the measured phase (${fixed((100 * clientSeconds) / phase.wallSeconds, 0)} % of one core; ${fixed((clientSeconds * 1000) / Math.max(1, answered), 2)} ms per request)`);
      if (queries0 && queries1) for (const line of queryReport(queries0, queries1, succeeded)) console.log(`  ${line}`);
      const simSeconds = (Date.parse(clock1.now) - Date.parse(clock0.now)) / 1000;
      console.log(`  simulated time over the measured phase: ${int(simSeconds)} s (clock ${clock1.mode === 'manual' ? 'manual' : `${clock1.rate}×`})`);
      for (const line of stallReport(metrics0, metrics1)) console.log(`  ${line}`);
      console.log(`  server warnings/errors logged: ${server.warnings.count}${server.warnings.first.length ? `; first: ${server.warnings.first.join('\n    ')}` : ''}`);
      console.log(`  load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
      return { db, scenario, phase, serverCpuSeconds: cpu, peakRssMiB: after ? after.hwmKiB / 1024 : undefined, limitsRaised: setup.limitsRaised };
    } finally {
      for (const a of agents) a.destroy();
    }
  } finally {
    if (server) await server.stop();
    await database.drop().catch((err) => console.error(`  could not remove the database: ${(err as Error).message}`));
    liveDatabases.delete(database);
  }
}

async function main(): Promise<void> {
  console.log(`API load benchmark: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; commit ${spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() || '?'}`);
  console.log(`${CLIENTS} clients, each its own tenant on one keep-alive connection; ${WARMUP} warm-up + ${ROUNDS} measured rounds of POST /v1/instances (1 × ${LOAD_TYPE}) then ${DESCRIBES === 1 ? 'GET /v1/instances/{id}' : `${DESCRIBES} × GET /v1/instances/{id}`}`);
  console.log(`databases: ${DATABASES.join(', ')}; scenarios: ${SCENARIOS.join(', ')}; load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (BUILD) {
    const t0 = Date.now();
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    if (b.status !== 0) throw new Error(`npm run build failed:\n${b.stdout}\n${b.stderr}`);
    console.log(`npm run build: ${fixed((Date.now() - t0) / 1000)} s`);
  } else console.log('--no-build: using the existing dist/');

  const results: RunResult[] = [];
  let failed = 0;
  for (const db of DATABASES) {
    for (const scenario of SCENARIOS) {
      try {
        results.push(await runOne(db, scenario));
      } catch (err) {
        failed++;
        console.log(`  RUN FAILED: ${(err as Error).stack ?? err}`);
      }
    }
  }

  console.log('\nSummary (measured phase; latencies in ms of 2xx answers):');
  console.log(
    table(
      ['database', 'scenario', 'req/s', 'launch p50', 'p99', 'p99.9', 'describe p50', 'p99', 'p99.9', 'errors', 'server CPU s', 'peak RSS MiB'],
      results.map((r) => {
        const l = r.phase.launch.samplesMs.length ? summarize(Float64Array.from(r.phase.launch.samplesMs, (x) => x * 1e6)) : undefined;
        const d = r.phase.describe.samplesMs.length ? summarize(Float64Array.from(r.phase.describe.samplesMs, (x) => x * 1e6)) : undefined;
        const answered = r.phase.launch.samplesMs.length + r.phase.describe.samplesMs.length + r.phase.launch.errorCount + r.phase.describe.errorCount;
        return [
          r.db, r.scenario, fixed(answered / r.phase.wallSeconds, 1),
          l ? ms(l.p50Us) : '-', l ? ms(l.p99Us) : '-', l ? ms(l.p999Us) : '-',
          d ? ms(d.p50Us) : '-', d ? ms(d.p99Us) : '-', d ? ms(d.p999Us) : '-',
          int(r.phase.launch.errorCount + r.phase.describe.errorCount),
          r.serverCpuSeconds !== undefined ? fixed(r.serverCpuSeconds, 1) : '-',
          r.peakRssMiB !== undefined ? int(r.peakRssMiB) : '-',
        ];
      }),
    ),
  );
  if (results.some((r) => !r.limitsRaised)) console.log('note: throttling limits were NOT raised in some runs (see above): 429s there are the default limits at work');
  console.log(`load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
