import { BeforeApplicationShutdown, Logger } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { ExecutionOutcome, SimulationRunner } from '../application/simulations/simulation-runner';
import { ExperimentFinisher, FinishOutcome } from '../application/experiments/experiment-finisher';
import { redisLabel, workerConnectionOptions } from './redis';
import { JobName, SIMULATIONS_QUEUE, SimulationJobData } from './simulation-jobs';

const CLOSE_WAIT_MS = 5000;

/** Whether `p` settled true within `ms`. */
const within = (p: Promise<boolean>, ms: number) => Promise.race([p, new Promise<false>((r) => setTimeout(() => r(false), ms).unref())]);

export interface SimulationWorkerOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** Runs at once in this process. */
  readonly concurrency: number;
  /**
   * BullMQ's lock on an active job (renewed at half of it): a worker silent this long (killed, or
   * its event loop blocked) has its job moved back to the queue by another worker's stalled-job check.
   */
  readonly lockMs: number;
  /** Whether each run has a thread of its own (WorkerThreadExecutor); only said in the log here. */
  readonly threads?: boolean;
}

/**
 * apps/worker's BullMQ consumer: each job runs SimulationRunner.execute, the same method the
 * in-process fallback calls. A job has exactly one handler, by its name.
 */
export class SimulationWorker implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SimulationWorker');
  private readonly stop = new AbortController();
  private worker?: Worker<SimulationJobData, ExecutionOutcome | FinishOutcome, JobName>;
  readonly name = `${hostname()}:${process.pid}`;

  constructor(
    private readonly options: SimulationWorkerOptions,
    private readonly runner: SimulationRunner,
    private readonly finisher?: ExperimentFinisher,
  ) {}

  /** Starts consuming; resolves once the worker is connected and waiting for jobs. */
  async start(): Promise<void> {
    const o = this.options;
    this.worker = new Worker(SIMULATIONS_QUEUE, (job) => this.handle(job), {
      connection: { url: o.redisUrl, ...workerConnectionOptions() }, prefix: o.prefix, concurrency: o.concurrency,
      lockDuration: o.lockMs, stalledInterval: Math.max(500, Math.round(o.lockMs / 2)), maxStalledCount: 5,
    });
    this.worker.on('stalled', (jobId) => this.logger.warn({ simulationId: jobId }, 'a worker stalled on this run (killed or blocked): it is queued again'));
    this.worker.on('failed', (job, err) => this.logger.warn({ simulationId: job?.id, err: err.message, attemptsMade: job?.attemptsMade }, 'simulation job failed (retried while attempts remain)'));
    this.worker.on('error', (err) => this.logger.warn({ err: err.message }, 'simulation worker: Redis error (reconnecting)'));
    await this.worker.waitUntilReady();
    this.logger.log(`simulation worker ready: ${this.name}, queue '${SIMULATIONS_QUEUE}' at ${redisLabel(o.redisUrl)} (prefix '${o.prefix}'), concurrency ${o.concurrency}${o.threads ? ', each run on a thread of its own' : ', runs on the event loop'}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // The runs in progress stop at their next slice and go back to the queue for another worker.
    this.stop.abort();
    if (!this.worker) return;
    // With Redis away, a graceful close would wait for it forever: give up after a while.
    const closed = this.worker.close().then(() => true);
    if (!(await within(closed, CLOSE_WAIT_MS))) {
      // Even a forced close waits for Redis to take the QUIT: drop the connections instead.
      this.logger.warn('Redis did not answer at shutdown: closing the worker without it');
      this.worker.close(true).catch(() => undefined);
      await within(this.worker.disconnect().then(() => true, () => true), 1000);
    }
  }

  private async handle(job: Job<SimulationJobData, ExecutionOutcome | FinishOutcome, JobName>): Promise<ExecutionOutcome | FinishOutcome> {
    if (job.name === JobName.FinishExperiment) {
      if (!this.finisher || !job.data.experimentId) throw new Error(`job ${job.id}: no experiment finisher here, or no experiment`);
      const ended = await this.finisher.finish(job.data.experimentId);
      this.logger.log({ experimentId: job.data.experimentId, outcome: ended }, 'experiment job done');
      return ended;
    }
    const cmd = { simulationId: job.data.simulationId, worker: this.name, stop: this.stop.signal };
    let outcome: ExecutionOutcome;
    switch (job.name) {
      case JobName.RunSimulation:
        outcome = await this.runner.execute(cmd);
        break;
      case JobName.RunCell:
        if (!Number.isInteger(job.data.cell)) throw new Error(`job ${job.id}: a cell's job without its cell`);
        outcome = await this.runner.executeCell({ ...cmd, cell: job.data.cell! });
        break;
      case JobName.JoinCells:
        outcome = await this.runner.joinCells(cmd);
        break;
      default:
        throw new Error(`no handler for job '${String(job.name)}'`);
    }
    this.logger.log({ simulationId: job.data.simulationId, cell: job.data.cell, job: job.name, outcome, attemptsMade: job.attemptsMade }, 'simulation job done');
    if (outcome === 'stopped') throw new Error('the worker is shutting down: the job goes back to the queue');
    return outcome;
  }
}
