import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { SimulationQueue } from '../application/simulations/simulation-writes';
import { SimulationsRepository } from '../persistence/simulations.repository';
import { probeRedis, producerConnectionOptions, redisLabel } from './redis';
import { JOB_ATTEMPTS, JOB_BACKOFF_MS, JobName, SIMULATIONS_QUEUE } from './simulation-jobs';

const ENQUEUE_WAIT_MS = 3000;

export interface BullmqQueueOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  /** How often the database's queued and abandoned runs are checked against the queue (wall ms). */
  readonly reconcileEveryMs?: number;
  /** A running run whose worker has been silent this long, and whose job is not active, is queued again. */
  readonly staleAfterMs?: number;
}

/**
 * Queues runs on BullMQ, for apps/worker's workers. The job's id is the run's id, so queueing a
 * run twice is a no-op while its job exists.
 *
 * The database is the source of truth; Redis may lose a job (a restart without persistence, an
 * outage at submit time). Reconciliation queues again every queued run whose job is missing, and
 * every running run whose worker has gone silent and whose job is not active (BullMQ's own
 * stalled-job check covers a dead worker whose job still exists).
 */
export class BullmqSimulationQueue extends SimulationQueue implements OnModuleInit, OnApplicationShutdown {
  readonly mode = 'bullmq' as const;
  private readonly logger = new Logger('SimulationQueue');
  private queueRef?: Queue;
  private timer?: NodeJS.Timeout;
  private reconciling = false;

  constructor(
    private readonly options: BullmqQueueOptions,
    private readonly runs: SimulationsRepository,
  ) {
    super();
  }

  /** Connected on first use: an API that runs no simulation holds no Redis connection. */
  private get queue(): Queue {
    if (!this.queueRef) {
      this.queueRef = new Queue(SIMULATIONS_QUEUE, { connection: { url: this.options.redisUrl, ...producerConnectionOptions() }, prefix: this.options.prefix });
      this.queueRef.on('error', (err) => this.logger.warn({ err: err.message }, 'simulation queue: Redis error'));
    }
    return this.queueRef;
  }

  onModuleInit(): void {
    const every = this.options.reconcileEveryMs ?? 5000;
    this.timer = setInterval(() => void this.reconcile(), every);
    this.timer.unref();
    void this.reconcile();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    const queue = this.queueRef;
    if (!queue) return;
    // With Redis away, close would wait for it: give up after a while and drop the connection.
    const closed = queue.close().then(() => true, () => true);
    if (!(await Promise.race([closed, new Promise<false>((r) => setTimeout(() => r(false), 3000).unref())]))) {
      await Promise.race([queue.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
    }
  }

  async unavailable(): Promise<string | undefined> {
    return (await probeRedis(this.options.redisUrl)) ? undefined : `Redis at ${redisLabel(this.options.redisUrl)} does not answer`;
  }

  async enqueue(simulationId: string): Promise<void> {
    const data: { simulationId: string } = { simulationId };
    const added = this.queue.add(JobName.RunSimulation, data, {
      jobId: simulationId, attempts: JOB_ATTEMPTS, backoff: { type: 'fixed', delay: JOB_BACKOFF_MS }, removeOnComplete: true, removeOnFail: { count: 1000 },
    });
    // Redis away: the submit answers anyway (the run is stored, queued); the add goes through when
    // Redis is back, or reconciliation queues the run again.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('Redis did not answer in time')), ENQUEUE_WAIT_MS)));
    try {
      await Promise.race([added, timeout]);
    } finally {
      clearTimeout(timer);
      added.catch(() => undefined);
    }
  }

  async withdraw(simulationId: string): Promise<void> {
    const job = await this.queue.getJob(simulationId);
    // An active job is locked by its worker: that worker sees the run cancelled and skips it.
    if (job && !(await job.isActive())) await job.remove();
  }

  /** Queues again what the database says is to run and Redis has lost. */
  async reconcile(): Promise<void> {
    if (this.reconciling) return;
    this.reconciling = true;
    try {
      const now = Date.now();
      const stale = this.options.staleAfterMs ?? 60_000;
      const runs = await this.runs.inStates(this.runs.reader, ['queued', 'running']);
      for (const run of runs) {
        if (run.state === 'running' && (run.heartbeatAt ?? 0) > now - stale) continue;
        if (run.state === 'queued' && run.createdAt > now - 2000) continue; // being queued by its submit
        const job = await this.queue.getJob(run.id);
        const state = job ? await job.getState() : 'missing';
        if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
        if (job) await job.remove();
        await this.enqueue(run.id);
        this.logger.warn({ simulationId: run.id, runState: run.state, jobState: state }, 'simulation queued again (its job was missing from Redis)');
      }
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'simulation queue reconciliation skipped (Redis or database unavailable)');
    } finally {
      this.reconciling = false;
    }
  }
}
