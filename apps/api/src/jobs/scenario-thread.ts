/**
 * The body of a worker thread that runs one scenario (WorkerThreadExecutor): the same executor as
 * the API's in-process fallback, on a thread of its own. It posts its progress after each slice,
 * stops at the next slice when told `abort`, and ends with the result (as JSON) or the failure.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '@nimbus/simulation';
import { failureMessage, IN_THIS_THREAD } from '../application/simulations/scenario-executor';
import type { FromScenarioThread } from './worker-thread-executor';

const port = parentPort!;
const abort = new AbortController();
port.on('message', (m: unknown) => {
  if (m === 'abort') abort.abort();
});
const post = (m: FromScenarioThread) => port.postMessage(m);

IN_THIS_THREAD.run((workerData as { scenario: Scenario }).scenario, {
  signal: abort.signal,
  onProgress: (progress) => {
    post({ kind: 'progress', progress: { simulatedMs: progress.simulatedMs, untilMs: progress.untilMs, events: progress.events } });
    // Let the thread's event loop turn between slices, so that an `abort` is seen.
    return new Promise<void>((resolve) => setImmediate(resolve));
  },
}).then(
  (result) => post({ kind: 'result', json: JSON.stringify(result) }),
  (err: unknown) => post({ kind: 'failed', message: failureMessage(err) }),
).finally(() => port.close());
