import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadWorkerSettings, missingWorkerV8Flags, WORKER_V8_FLAGS } from './worker-config';

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

describe('WORKER_V8_FLAGS', () => {
  it('are what `npm run worker` starts the built worker with (package.json\'s script, the one way users start it)', () => {
    const scripts = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).scripts as Record<string, string>;
    const run = /(?:^|&& )node((?: --[\w-]+(?:=\S+)?)*) dist\/apps\/worker\/src\/main\.js$/.exec(scripts.worker);
    expect(run).not.toBeNull();
    expect(run![1].trim().split(' ')).toEqual(WORKER_V8_FLAGS);
  });

  it('missingWorkerV8Flags names those a process was started without', () => {
    expect(missingWorkerV8Flags(['--no-concurrent-recompilation', '--max-old-space-size=4096'])).toEqual([]);
    expect(missingWorkerV8Flags(['-r', '@swc-node/register'])).toEqual(['--no-concurrent-recompilation']);
  });
});
