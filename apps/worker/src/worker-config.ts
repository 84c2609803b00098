import { ConfigError } from '../../api/src/config/app-config';

/** The worker's own settings, beside API.md's (DATABASE_URL, REDIS_URL, LOG_LEVEL). */
export interface WorkerSettings {
  /** Runs at once in this process (NIMBUS_WORKER_CONCURRENCY, default 1): each takes a core, on a thread of its own. */
  readonly concurrency: number;
  /**
   * Each run on a worker thread of its own (NIMBUS_WORKER_THREADS, default true): the worker's event
   * loop stays free, and N runs at once use N cores. `false` runs them on the event loop, taking turns.
   */
  readonly threads: boolean;
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

function bool(env: NodeJS.ProcessEnv, name: string, dflt: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return dflt;
  if (!['true', 'false', '1', '0'].includes(raw)) throw new ConfigError(`Invalid configuration: ${name} must be true or false`);
  return raw === 'true' || raw === '1';
}

export function loadWorkerSettings(env: NodeJS.ProcessEnv): WorkerSettings {
  return {
    concurrency: int(env, 'NIMBUS_WORKER_CONCURRENCY', 1, 1, 64),
    lockMs: int(env, 'NIMBUS_WORKER_LOCK_MS', 30_000, 1000, 600_000),
    threads: bool(env, 'NIMBUS_WORKER_THREADS', true),
  };
}
