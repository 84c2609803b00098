import { Tx } from '../../persistence/tx';

/**
 * Where the bookkeeping of simulation runs is written, one transaction per call. In the API it is
 * the engine's write path (on SQLite the one writer connection is the engine's: a second writer in
 * the same process would wait, synchronously, for a lock the engine holds across awaits); in a
 * worker, its own connection.
 */
export abstract class SimulationWrites {
  abstract run<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/**
 * Where runs go to be run: BullMQ when Redis is reachable, else the API's own process, one run at a
 * time (jobs/). Both end in SimulationRunner.execute.
 */
export abstract class SimulationQueue {
  abstract readonly mode: 'bullmq' | 'in-process';
  /**
   * Queues a stored run: whole, or (cells > 1) as one job per cell and a join once all are done.
   * A failure leaves the run queued in the database, to be queued again.
   */
  abstract enqueue(run: { readonly id: string; readonly cells: number }): Promise<void>;
  /**
   * Queues an experiment's new runs as one unit: on BullMQ one flow, a `finish-experiment` parent
   * (which stores the experiment's report) with each run's job as a child; in-process, the runs in
   * turn (the report is then made when the experiment is next read).
   */
  abstract enqueueExperiment(experimentId: string, runs: readonly { readonly id: string; readonly cells: number }[]): Promise<void>;
  /** Takes a cancelled or deleted run off the queue, if it is still there (best effort). */
  abstract withdraw(simulationId: string): Promise<void>;
  /** Why the queue cannot take runs now (its Redis does not answer), or undefined when it can. */
  abstract unavailable(): Promise<string | undefined>;
}
