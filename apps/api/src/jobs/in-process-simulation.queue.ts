import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import { SimulationRunner } from '../application/simulations/simulation-runner';
import { SimulationQueue } from '../application/simulations/simulation-writes';
import { SimulationsRepository } from '../persistence/simulations.repository';

const RETRY_AFTER_MS = 5000;

/**
 * The fallback when no Redis is reachable: runs execute in the API's own process, one at a time,
 * in the order they were queued, through the same SimulationRunner as a BullMQ worker. On start it
 * takes up the runs the database holds as queued or running (a previous process died under them).
 */
export class InProcessSimulationQueue extends SimulationQueue implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly mode = 'in-process' as const;

  /** Runs here need nothing outside the process. */
  async unavailable(): Promise<string | undefined> {
    return undefined;
  }
  private readonly logger = new Logger('SimulationQueue');
  private readonly pending: string[] = [];
  private readonly stop = new AbortController();
  private active?: Promise<void>;
  private readonly worker = `${hostname()}:${process.pid}:api`;

  constructor(
    private readonly runner: SimulationRunner,
    private readonly runs: SimulationsRepository,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const left = await this.runs.inStates(this.runs.reader, ['queued', 'running']);
    for (const r of left) this.pending.push(r.id);
    if (left.length > 0) this.logger.log({ runs: left.length }, 'simulations: taking up the runs left queued or running');
    this.drain();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.pending.length = 0;
    this.stop.abort();
    await this.active;
  }

  /** In one process a run always runs whole: its cells would only take turns, and the result is the same (joinCellResults). */
  async enqueue(run: { readonly id: string }): Promise<void> {
    const simulationId = run.id;
    if (!this.pending.includes(simulationId)) this.pending.push(simulationId);
    this.drain();
  }

  async enqueueExperiment(_experimentId: string, runs: readonly { readonly id: string }[]): Promise<void> {
    for (const r of runs) await this.enqueue(r);
  }

  async withdraw(simulationId: string): Promise<void> {
    const i = this.pending.indexOf(simulationId);
    if (i >= 0) this.pending.splice(i, 1);
  }

  private drain(): void {
    if (this.active || this.stop.signal.aborted) return;
    const next = this.pending.shift();
    if (next === undefined) return;
    this.active = (async () => {
      try {
        const outcome = await this.runner.execute({ simulationId: next, worker: this.worker, stop: this.stop.signal });
        this.logger.log({ simulationId: next, outcome }, 'simulation run ended (in-process)');
      } catch (err) {
        // The database failed under the run: it is still running in the database; try it again shortly.
        this.logger.error({ simulationId: next, err }, `simulation run interrupted (in-process): tried again in ${RETRY_AFTER_MS / 1000} s`);
        setTimeout(() => void this.enqueue({ id: next }), RETRY_AFTER_MS).unref();
      } finally {
        this.active = undefined;
        // Later runs wait their turn behind the event loop, not behind this one's last promise.
        setImmediate(() => this.drain());
      }
    })();
  }
}
