import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { probeRedis } from '../../apps/api/src/jobs/redis';
import { WORKER_V8_FLAGS } from '../../apps/worker/src/worker-config';

export interface TestScenarioOptions {
  /** Simulated hours (hourly buckets). */
  readonly hours?: number;
  readonly seed?: number;
  /** How many zones (us-east-1a, b, c…), 2 unless told. One zone runs whole; more run as one cell per zone on BullMQ. */
  readonly zones?: number;
  /** m5-host hosts in each zone. */
  readonly hostsPerZone?: number;
  /** VMs each zone's workload launches at the start. */
  readonly vmsPerZone?: number;
  /** Further launch requests per hour and zone (Poisson). */
  readonly ratePerHour?: number;
}

/**
 * A real scenario (docs/scenarios.md): two zones of m5 hosts, one tenant with a synthetic
 * workload in each (m5.large VMs, exponential lifetimes, a random walk around 40 % CPU), hourly
 * buckets. It reads no dataset. The default (a day) runs in about 0.1 s on plain Node, 0.25-0.45 s in Jest.
 */
export function scenario(o: TestScenarioOptions = {}) {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d', 'us-east-1e', 'us-east-1f'].slice(0, o.zones ?? 2);
  return {
    version: 1, name: 'test', seed: o.seed ?? 1, durationHours: o.hours ?? 24, bucketSeconds: 3600,
    fleet: { zones: zones.map((name) => ({ name, hosts: [{ type: 'm5-host', count: o.hostsPerZone ?? 4 }] })) },
    tenants: [{
      id: 'acme',
      workloads: zones.map((zone) => ({
        kind: 'synthetic', name: `web-${zone}`, zone, initial: o.vmsPerZone ?? 20, arrivals: { ratePerHour: o.ratePerHour ?? 8 },
        lifetime: { distribution: 'exponential', meanHours: 4 }, size: { distribution: 'fixed', instanceType: 'm5.large' },
        utilization: { distribution: 'fixed', percent: 40, p95Percent: 70, model: 'random-walk' },
      })),
    }],
  };
}

/**
 * Runs long enough to act on mid-run (cancel one, kill its worker, restart Redis or the API under
 * it), and to see several progress writes (every 250 ms). Scenarios have no slow-down knob: tests
 * wait for progress > 0, then act. Every run goes to a worker thread (NIMBUS_WORKER_THREADS), in
 * the API's in-process fallback too, so runs go at plain Node's speed even under Jest: a week of
 * this bigger fleet takes about 1.6 s on the 2-core test machine, alone (a busy machine is slower).
 * A day of the default fleet takes about 0.2 s: too short to be seen under way reliably (a restart
 * test that used one failed in CI on 5 December 2026).
 */
export const LONG: TestScenarioOptions = { hours: 168, hostsPerZone: 20, vmsPerZone: 150, ratePerHour: 60 };

/** REDIS_URL for the tests (the machine's Redis by default). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Whether the BullMQ tests run: with CI=true a missing Redis fails them (never a skip); elsewhere
 * they are skipped, saying why.
 */
export async function redisForTests(): Promise<boolean> {
  if (await probeRedis(TEST_REDIS_URL)) return true;
  if (process.env.CI === 'true') throw new Error(`CI: no Redis at ${TEST_REDIS_URL}: the BullMQ tests need one (a missing Redis is a failure in CI)`);
  process.stderr.write(`No Redis at ${TEST_REDIS_URL}: the BullMQ tests are skipped (they fail with CI=true)\n`);
  return false;
}

/** A queue of one's own on a shared Redis. */
export const queuePrefix = () => `nimbus-test-${randomBytes(4).toString('hex')}`;

export interface WorkerProcess {
  readonly child: ChildProcess;
  output(): string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** apps/worker as its own process (as `npm run worker` runs it, with its V8 options, from TypeScript), ready once it says so. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, [...WORKER_V8_FLAGS, '-r', '@swc-node/register', join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`worker exited early:\n${output}`);
    if (output.includes('simulation worker ready')) break;
    if (i === 300) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start in 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => output,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. An error that
 * `check` throws is retried, unless it is marked `fatal`: that one fails at once.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'the condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      if ((err as { fatal?: boolean }).fatal) throw err;
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * The result of a scenario run whole, in one plain Node process (the library's runScenario, no
 * queue, no cells): what a run split into cells must equal.
 */
export async function runWholeInChildProcess(doc: object): Promise<{ digest: string; simulatedMs: number; report: string }> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'test/support/run-scenario-whole.ts')], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  child.stdin!.end(JSON.stringify(doc));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`run-scenario-whole exited ${code}:\n${err}`);
  const result = JSON.parse(out) as { digest: string; simulatedMs: number };
  return { digest: result.digest, simulatedMs: result.simulatedMs, report: out };
}
