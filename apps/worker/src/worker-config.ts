import { ConfigError } from '../../api/src/config/app-config';

/**
 * The worker's own settings, beside API.md's (DATABASE_URL, REDIS_URL, LOG_LEVEL) and what it shares
 * with the API's in-process fallback (NIMBUS_WORKER_THREADS: loadConfig's `simulationThreads`).
 */
export interface WorkerSettings {
  /** Runs at once in this process (NIMBUS_WORKER_CONCURRENCY, default 1): each takes a core, on a thread of its own. */
  readonly concurrency: number;
  /** BullMQ's job lock (NIMBUS_WORKER_LOCK_MS, default 30000): how long a killed worker's run waits before another takes it. */
  readonly lockMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new ConfigError(`Invalid configuration: ${name} must be an integer from ${min} to ${max}`);
  return v;
}

/**
 * The V8 options a worker runs with: package.json's `worker` script starts it with them
 * (worker-config.spec checks that); the benches and the tests start their worker processes with them.
 *
 * `--no-concurrent-recompilation`: V8 compiles a hot function's optimized code on the thread that
 * runs it, instead of handing it to a background thread while the function goes on in slower code.
 * The concurrent way costs more CPU in all (the job's copy of the heap's data, the slower code run
 * meanwhile), and a worker is a batch runner: its CPU is what limits how many runs it gets through,
 * and with its cores full a background compiler only competes with the runs. Measured on the
 * PlanetLab day's run (docs/benchmarks.md, "Thirteenth session"), alternated: 14 % less CPU per run
 * (557 → 478 ms); whole processes, as many as the cores or more, finish sooner (three at once on
 * two cores 2.67 → 2.46 s, two 1.60 → 1.53 s). The cost: a lone short run on an idle machine
 * takes about a quarter longer (1.05 → 1.31 s), as its compiles no longer overlap it. A run of
 * minutes, whose compiling is over in its first seconds, does not change either way (bench:scale:
 * ×1.89 with two workers, as before). The API does not take it: it answers requests, and their
 * latency is what counts there.
 */
export const WORKER_V8_FLAGS: readonly string[] = ['--no-concurrent-recompilation'];

/** The WORKER_V8_FLAGS a process was started without (`execArgv`: its Node and V8 options). */
export function missingWorkerV8Flags(execArgv: readonly string[] = process.execArgv): string[] {
  return WORKER_V8_FLAGS.filter((f) => !execArgv.includes(f));
}

export function loadWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  return {
    concurrency: int(env, 'NIMBUS_WORKER_CONCURRENCY', 1, 1, 64),
    lockMs: int(env, 'NIMBUS_WORKER_LOCK_MS', 30_000, 1000, 600_000),
  };
}
