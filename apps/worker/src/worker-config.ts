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

export function loadWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  return {
    concurrency: int(env, 'NIMBUS_WORKER_CONCURRENCY', 1, 1, 64),
    lockMs: int(env, 'NIMBUS_WORKER_LOCK_MS', 30_000, 1000, 600_000),
  };
}
