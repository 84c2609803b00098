import { ScenarioProgress, validateScenario } from '@nimbus/simulation';
import { IN_THIS_THREAD, ScenarioFailure, failureMessage } from '../application/simulations/scenario-executor';
import { defaultThreadExecArgv, scenarioExecutor, WorkerThreadExecutor } from './worker-thread-executor';

/** As the API and the worker make it: Jest compiles this process's TypeScript itself, so the thread is given the loader (defaultThreadExecArgv). */
const executor = new WorkerThreadExecutor();

describe('scenarioExecutor: what the worker and the API provide (NIMBUS_WORKER_THREADS)', () => {
  it('true: a thread per run; false: the calling thread', () => {
    expect(scenarioExecutor(true)).toBeInstanceOf(WorkerThreadExecutor);
    expect(scenarioExecutor(false)).toBe(IN_THIS_THREAD);
  });
});

describe('defaultThreadExecArgv: a thread can load the code it runs', () => {
  it('built code (.js): the process\'s own options, which a thread inherits', () => {
    expect(defaultThreadExecArgv('/app/dist/apps/api/src/jobs/scenario-thread.js', ['--max-old-space-size=4096'])).toBeUndefined();
  });
  it('TypeScript under the process\'s loader (`npm run worker` from source): inherited as they are', () => {
    expect(defaultThreadExecArgv('/app/apps/api/src/jobs/scenario-thread.ts', ['-r', '@swc-node/register'])).toBeUndefined();
  });
  it('TypeScript with no loader in the options (Jest): the loader added after the process\'s own', () => {
    expect(defaultThreadExecArgv('/app/apps/api/src/jobs/scenario-thread.ts', ['--expose-gc'])).toEqual(['--expose-gc', '-r', '@swc-node/register']);
  });
});

/** A real scenario (docs/scenarios.md): one zone of four hosts, a few dozen VMs coming and going. */
function scenario(hours: number, extra: object = {}) {
  const v = validateScenario({
    version: 1, name: 'thread', seed: 7, durationHours: hours,
    fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 4 }] }] },
    tenants: [{
      id: 'acme',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', initial: 20, arrivals: { ratePerHour: 6 },
        lifetime: { distribution: 'exponential', meanHours: 3 }, size: { distribution: 'fixed', instanceType: 'm5.large' },
        utilization: { distribution: 'fixed', percent: 40, model: 'random-walk' },
      }],
    }],
    ...extra,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.scenario;
}

async function collect(run: typeof IN_THIS_THREAD, s: ReturnType<typeof scenario>, signal = new AbortController().signal) {
  const progress: ScenarioProgress[] = [];
  const result = await run.run(s, { signal, onProgress: async (p) => void progress.push(p) });
  return { result, progress };
}

describe('WorkerThreadExecutor: a scenario on a thread of its own', () => {
  jest.setTimeout(60_000);

  it('gives the result the calling thread gives, byte for byte, with the same progress in the same order', async () => {
    const s = scenario(24);
    const here = await collect(IN_THIS_THREAD, s);
    const there = await collect(executor, s);
    expect(JSON.stringify(there.result)).toBe(JSON.stringify(here.result));
    expect(there.result.digest).toBe(here.result.digest);
    expect(there.result.cancelled).toBe(false);
    // One progress per slice (an hour each here), every one handled before the run's end.
    expect(there.progress).toEqual(here.progress);
    expect(there.progress.length).toBeGreaterThanOrEqual(24);
    expect(there.progress[there.progress.length - 1].simulatedMs).toBe(there.result.simulatedMs);
  });

  it('an abort stops the thread at its next slice, with the partial results marked cancelled', async () => {
    const abort = new AbortController();
    const progress: ScenarioProgress[] = [];
    const result = await executor.run(scenario(24 * 365), {
      signal: abort.signal,
      onProgress: async (p) => {
        progress.push(p);
        if (progress.length === 3) abort.abort();
      },
    });
    expect(result.cancelled).toBe(true);
    expect(result.simulatedMs).toBeGreaterThanOrEqual(progress[2].simulatedMs);
    expect(result.simulatedMs).toBeLessThan(24 * 365 * 3_600_000);
  });

  it('a scenario that fails fails the same way, in the words the run shows', async () => {
    const s = scenario(1, { tenants: [{ id: 'bb', workloads: [{ kind: 'trace', zone: 'us-east-1a', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/not-there' }, limit: 2 }] }] });
    const here = await IN_THIS_THREAD.run(s, { signal: new AbortController().signal, onProgress: async () => undefined }).then(() => undefined, (e: unknown) => e);
    const there = await executor.run(s, { signal: new AbortController().signal, onProgress: async () => undefined }).then(() => undefined, (e: unknown) => e);
    expect(there).toBeInstanceOf(ScenarioFailure);
    expect(failureMessage(there)).toBe(failureMessage(here));
    expect(failureMessage(there)).toMatch(/^a dataset the scenario needs is missing: .*'bitbrains\/bitbrains-rnd\/not-there'/);
  });
});
