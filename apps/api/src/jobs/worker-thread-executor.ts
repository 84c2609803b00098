import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Scenario, ScenarioProgress, ScenarioResult } from '@nimbus/simulation';
import { IN_THIS_THREAD, ScenarioExecutor, ScenarioFailure } from '../application/simulations/scenario-executor';

/** What a scenario's thread posts (scenario-thread.ts). */
export type FromScenarioThread =
  | { readonly kind: 'progress'; readonly progress: ScenarioProgress }
  | { readonly kind: 'result'; readonly json: string }
  | { readonly kind: 'failed'; readonly message: string };

/** scenario-thread beside this file, in the same form (.js when built, .ts under a TypeScript loader). */
const THREAD_FILE = join(__dirname, `scenario-thread${extname(__filename)}`);

/**
 * A thread's Node options by default: the process's own, which a thread inherits (`npm run worker`
 * from source runs under `-r @swc-node/register`). Running from TypeScript without that loader in
 * them (Jest compiles its own process's TypeScript itself), the thread is given it.
 */
export function defaultThreadExecArgv(threadFile = THREAD_FILE, execArgv: readonly string[] = process.execArgv): string[] | undefined {
  if (extname(threadFile) !== '.ts' || execArgv.some((a) => a.includes('@swc-node/register'))) return undefined;
  return [...execArgv, '-r', '@swc-node/register'];
}

/**
 * Each scenario on a worker thread of its own (apps/worker, and the API's in-process fallback): a
 * run's CPU-bound slices never hold up the event loop (BullMQ's lock renewals, progress writes,
 * shutdown; the API's requests), and a worker with
 * `NIMBUS_WORKER_CONCURRENCY` N runs N scenarios on N cores at once, where on one event loop they
 * would only take turns. The result is the same as on the calling thread: the same executor
 * (IN_THIS_THREAD) runs there, and the result comes back as the JSON the run stores.
 */
export class WorkerThreadExecutor implements ScenarioExecutor {
  /** `execArgv`: the thread's Node options; by default the process's own, with a TypeScript loader when the code is TypeScript (defaultThreadExecArgv). */
  constructor(private readonly options: { readonly execArgv?: string[] } = { execArgv: defaultThreadExecArgv() }) {}

  run(scenario: Scenario, run: { readonly signal: AbortSignal; readonly onProgress: (p: ScenarioProgress) => Promise<void> }): Promise<ScenarioResult> {
    return new Promise<ScenarioResult>((resolve, reject) => {
      // Loaded by `require` so that a TypeScript loader the process runs under (its execArgv, which a
      // thread inherits) compiles it as it compiled this file; a Worker takes only .js files by path.
      const thread = new Worker(`require(${JSON.stringify(THREAD_FILE)})`, {
        eval: true, workerData: { scenario }, ...(this.options.execArgv ? { execArgv: this.options.execArgv } : {}),
      });
      let progress: Promise<void> = Promise.resolve();
      let ended = false;
      const onAbort = () => thread.postMessage('abort');
      // Every progress reported before the end is handled before the run ends, as on one thread.
      const end = (settle: () => void) => {
        if (ended) return;
        ended = true;
        run.signal.removeEventListener('abort', onAbort);
        progress.then(settle, reject);
      };
      if (run.signal.aborted) onAbort();
      else run.signal.addEventListener('abort', onAbort);
      thread.on('message', (m: FromScenarioThread) => {
        if (m.kind === 'progress') progress = progress.then(() => run.onProgress(m.progress));
        else if (m.kind === 'result') end(() => resolve(JSON.parse(m.json) as ScenarioResult));
        else end(() => reject(new ScenarioFailure(m.message)));
      });
      thread.on('error', (err) => end(() => reject(err)));
      thread.on('exit', (code) => end(() => reject(new Error(`the scenario's thread ended (exit code ${code}) without a result`))));
    });
  }
}

/**
 * Where a process runs its scenarios (NIMBUS_WORKER_THREADS, AppConfig.simulationThreads): each on
 * a thread of its own, or on the process's event loop between its other work. The worker and the
 * API's in-process fallback both provide this as SCENARIO_EXECUTOR.
 */
export function scenarioExecutor(threads: boolean): ScenarioExecutor {
  return threads ? new WorkerThreadExecutor() : IN_THIS_THREAD;
}
