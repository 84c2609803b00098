/** The BullMQ queue of load-simulation runs: its name and its one job type. */
export const SIMULATIONS_QUEUE = 'simulations';

export enum JobName {
  /** A whole run. */
  RunSimulation = 'run-simulation',
  /** One cell (zone) of a run split into cells: a child of the run's JoinCells job in a BullMQ flow. */
  RunCell = 'run-cell',
  /** The parent of a run's cells: runs once every cell's job has completed, and stores the joined result. */
  JoinCells = 'join-cells',
  /** The parent of an experiment's runs: runs once every run's job has completed, and stores the experiment's report. */
  FinishExperiment = 'finish-experiment',
}

/** A job carries only the run's id (and its cell's index): the run (its scenario) is in the database. */
export interface SimulationJobData {
  readonly simulationId: string;
  readonly cell?: number;
  /** FinishExperiment: the experiment (its simulationId is unused, empty). */
  readonly experimentId?: string;
}

/** A cell's job id: the run's id and the cell's index (BullMQ's custom ids may not hold ':'). */
export const cellJobId = (simulationId: string, cell: number) => `${simulationId}-cell-${cell}`;

/** Where the queue's keys live in Redis: deployments sharing a Redis keep apart by prefix (NIMBUS_QUEUE_PREFIX). */
export const DEFAULT_QUEUE_PREFIX = 'nimbus';

/** Retries of a job whose processing threw (a database error, a worker shutting down), not of a failed scenario. */
export const JOB_ATTEMPTS = 20;
export const JOB_BACKOFF_MS = 1000;
