import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { probeRedis } from '../../apps/api/src/jobs/redis';

/**
 * Scenarios and workers for the simulation tests. The scenarios are the stand-in scenario library's
 * (apps/api/src/application/simulations/scenario-port.ts): when the real library is merged, only
 * `scenario` below changes (a scenario of the real schema that runs for a second or two).
 */
export function scenario(o: { hours?: number; wallMsPerSlice?: number; seed?: number; hostsPerZone?: number } = {}) {
  return {
    version: 1, name: 'test', seed: o.seed ?? 1, durationMs: (o.hours ?? 12) * 3_600_000, bucketMs: 3_600_000,
    fleet: { zones: ['us-east-1a', 'us-east-1b'].map((name) => ({ name, hosts: [{ hostType: 'm5-host', count: o.hostsPerZone ?? 2 }] })) },
    workload: { vmsPerZone: 6, instanceType: 'm5.large', meanCores: 1 },
    ...(o.wallMsPerSlice ? { pacing: { wallMsPerSlice: o.wallMsPerSlice } } : {}),
  };
}

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

/** apps/worker as its own process (as `npm run worker` runs it, from TypeScript), ready once it says so. */
export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/worker/src/main.ts')], {
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

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'the condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
