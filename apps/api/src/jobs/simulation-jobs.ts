/** The BullMQ queue of load-simulation runs: its name and its one job type. */
export const SIMULATIONS_QUEUE = 'simulations';

export enum JobName {
  RunSimulation = 'run-simulation',
}

/** A job carries only the run's id: the run (its scenario) is in the database. */
export interface RunSimulationJob {
  readonly name: JobName.RunSimulation;
  readonly data: { readonly simulationId: string };
}

/** Where the queue's keys live in Redis: deployments sharing a Redis keep apart by prefix (NIMBUS_QUEUE_PREFIX). */
export const DEFAULT_QUEUE_PREFIX = 'nimbus';

/** Retries of a job whose processing threw (a database error, a worker shutting down), not of a failed scenario. */
export const JOB_ATTEMPTS = 20;
export const JOB_BACKOFF_MS = 1000;
