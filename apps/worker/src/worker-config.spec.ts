import { loadWorkerSettings } from './worker-config';

describe('loadWorkerSettings', () => {
  it('defaults: one run at a time, a 30 s job lock', () => {
    expect(loadWorkerSettings({})).toEqual({ concurrency: 1, lockMs: 30_000 });
  });

  it('reads NIMBUS_WORKER_CONCURRENCY and NIMBUS_WORKER_LOCK_MS (NIMBUS_WORKER_THREADS is loadConfig\'s, shared with the API)', () => {
    expect(loadWorkerSettings({ NIMBUS_WORKER_CONCURRENCY: '2', NIMBUS_WORKER_LOCK_MS: '120000', NIMBUS_WORKER_THREADS: 'false' })).toEqual({ concurrency: 2, lockMs: 120_000 });
  });

  it('refuses a value it cannot read, naming the variable', () => {
    expect(() => loadWorkerSettings({ NIMBUS_WORKER_CONCURRENCY: '0' })).toThrow(/NIMBUS_WORKER_CONCURRENCY must be an integer from 1 to 64/);
    expect(() => loadWorkerSettings({ NIMBUS_WORKER_LOCK_MS: '10' })).toThrow(/NIMBUS_WORKER_LOCK_MS must be an integer from 1000 to 600000/);
  });
});
