import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { FlowJob, FlowProducer, Queue } from 'bullmq';
import { SimulationQueue } from '../application/simulations/simulation-writes';
import { SimulationsRepository } from '../persistence/simulations.repository';
import { probeRedis, producerConnectionOptions, redisLabel } from './redis';
import { cellJobId, JOB_ATTEMPTS, JOB_BACKOFF_MS, JobName, SIMULATIONS_QUEUE, SimulationJobData } from './simulation-jobs';

const ENQUEUE_WAIT_MS = 3000;
const JOB_OPTS = { attempts: JOB_ATTEMPTS, backoff: { type: 'fixed' as const, delay: JOB_BACKOFF_MS }, removeOnComplete: true, removeOnFail: { count: 1000 } };

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
  private flowRef?: FlowProducer;
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

  /** Adds a run split into cells as one flow: a JoinCells parent with one RunCell child per cell. */
  private get flow(): FlowProducer {
    if (!this.flowRef) {
      this.flowRef = new FlowProducer({ connection: { url: this.options.redisUrl, ...producerConnectionOptions() }, prefix: this.options.prefix });
      this.flowRef.on('error', (err) => this.logger.warn({ err: err.message }, 'simulation flow producer: Redis error'));
    }
    return this.flowRef;
  }

  onModuleInit(): void {
    const every = this.options.reconcileEveryMs ?? 5000;
    this.timer = setInterval(() => void this.reconcile(), every);
    this.timer.unref();
    void this.reconcile();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const q of [this.queueRef, this.flowRef]) {
      if (!q) continue;
      // With Redis away, close would wait for it: give up after a while and drop the connection.
      const closed = q.close().then(() => true, () => true);
      if (!(await Promise.race([closed, new Promise<false>((r) => setTimeout(() => r(false), 3000).unref())]))) {
        await Promise.race([q.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      }
    }
  }

  async unavailable(): Promise<string | undefined> {
    return (await probeRedis(this.options.redisUrl)) ? undefined : `Redis at ${redisLabel(this.options.redisUrl)} does not answer`;
  }

  /** The flow node of a run: a whole run's job, or a run of cells' join with its cells as children. */
  private nodeOf(run: { readonly id: string; readonly cells: number }): FlowJob {
    const simulationId = run.id;
    const data: SimulationJobData = { simulationId };
    // A run split into cells: the cells on whichever workers are free, the join when all are done.
    // A cell whose processing throws is retried as any job; one whose scenario fails fails the run
    // and completes, so the join always comes (and finds the run failed).
    if (run.cells > 1) {
      return {
        name: JobName.JoinCells, queueName: SIMULATIONS_QUEUE, data, opts: { ...JOB_OPTS, jobId: simulationId, failParentOnFailure: true },
        children: Array.from({ length: run.cells }, (_, cell) => ({
          name: JobName.RunCell, queueName: SIMULATIONS_QUEUE, data: { simulationId, cell } satisfies SimulationJobData, opts: { ...JOB_OPTS, jobId: cellJobId(simulationId, cell), failParentOnFailure: true },
        })),
      };
    }
    return { name: JobName.RunSimulation, queueName: SIMULATIONS_QUEUE, data, opts: { ...JOB_OPTS, jobId: simulationId, failParentOnFailure: true } };
  }

  async enqueue(run: { readonly id: string; readonly cells: number }): Promise<void> {
    const node = this.nodeOf(run);
    const added: Promise<unknown> = run.cells > 1 ? this.flow.add(node) : this.queue.add(JobName.RunSimulation, node.data as SimulationJobData, { ...JOB_OPTS, jobId: run.id });
    await this.bounded(added);
  }

  async enqueueExperiment(experimentId: string, runs: readonly { readonly id: string; readonly cells: number }[]): Promise<void> {
    const data: SimulationJobData = { simulationId: '', experimentId };
    await this.bounded(this.flow.add({ name: JobName.FinishExperiment, queueName: SIMULATIONS_QUEUE, data, opts: { ...JOB_OPTS, jobId: experimentId }, children: runs.map((r) => this.nodeOf(r)) }));
  }

  /** Waits for Redis a short while at most. */
  private async bounded(added: Promise<unknown>): Promise<void> {
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
        // A whole run's worker goes on without Redis and stores its results: only a silent one is
        // queued again. A run of cells needs its cells' jobs, and the heartbeat says only that one
        // cell is alive: its flow is added again at once (its done cells are skipped).
        if (run.state === 'running' && run.cells <= 1 && (run.heartbeatAt ?? 0) > now - stale) continue;
        if (run.state === 'queued' && run.createdAt > now - 2000) continue; // being queued by its submit
        const job = await this.queue.getJob(run.id);
        const state = job ? await job.getState() : 'missing';
        if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
        if (job) await job.remove();
        await this.enqueue(run);
        this.logger.warn({ simulationId: run.id, runState: run.state, jobState: state }, 'simulation queued again (its job was missing from Redis)');
      }
    } catch (err) {
      this.logger.debug({ err: (err as Error).message }, 'simulation queue reconciliation skipped (Redis or database unavailable)');
    } finally {
      this.reconciling = false;
    }
  }
}
