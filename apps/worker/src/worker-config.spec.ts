import { ConfigError } from '../../api/src/config/app-config';
import { loadWorkerSettings } from './worker-config';

describe('loadWorkerSettings', () => {
  it('defaults: one run at a time, on a thread of its own, a 30 s job lock', () => {
    expect(loadWorkerSettings({})).toEqual({ concurrency: 1, lockMs: 30_000, threads: true });
  });

  it('reads NIMBUS_WORKER_CONCURRENCY, NIMBUS_WORKER_LOCK_MS and NIMBUS_WORKER_THREADS', () => {
    expect(loadWorkerSettings({ NIMBUS_WORKER_CONCURRENCY: '2', NIMBUS_WORKER_LOCK_MS: '120000', NIMBUS_WORKER_THREADS: 'false' })).toEqual({ concurrency: 2, lockMs: 120_000, threads: false });
    expect(loadWorkerSettings({ NIMBUS_WORKER_THREADS: '0' }).threads).toBe(false);
    expect(loadWorkerSettings({ NIMBUS_WORKER_THREADS: 'true' }).threads).toBe(true);
  });

  it('refuses a value it cannot read, naming the variable', () => {
    expect(() => loadWorkerSettings({ NIMBUS_WORKER_THREADS: 'yes' })).toThrow(new ConfigError('Invalid configuration: NIMBUS_WORKER_THREADS must be true or false'));
    expect(() => loadWorkerSettings({ NIMBUS_WORKER_CONCURRENCY: '0' })).toThrow(/NIMBUS_WORKER_CONCURRENCY must be an integer from 1 to 64/);
  });
});
