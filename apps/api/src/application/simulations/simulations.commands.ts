/** The operator's commands and queries on load-simulation runs (SimulationsService, SimulationRunner). */

/** A scenario document, or the name of a built-in one with overrides (a JSON Merge Patch). */
export interface SubmitSimulationCommand {
  readonly scenario?: unknown;
  readonly builtIn?: string;
  readonly overrides?: unknown;
  /** false: run whole even when the zones could run as cells (default true). */
  readonly split?: boolean;
}

export interface SimulationIdCommand {
  readonly simulationId: string;
}

export interface ListSimulationsCommand {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** One series (its groups as columns) or one table of a run's report, as CSV. */
export interface SimulationCsvCommand {
  readonly simulationId: string;
  readonly series?: string;
  readonly table?: string;
}

export interface SimulationSeriesCommand {
  readonly simulationId: string;
  readonly name: string;
}

export interface CompareSimulationsCommand {
  readonly a: string;
  readonly b: string;
}

/** Runs a stored run: what a queue worker, and the in-process fallback, call. */
export interface ExecuteSimulationCommand {
  readonly simulationId: string;
  /** Who runs it (host and process), shown on the run. */
  readonly worker: string;
  /** Aborted when the process shuts down: the run stops and is left to be run again, nothing stored. */
  readonly stop?: AbortSignal;
}

/** Runs one cell of a run split into cells (SimulationRunner.executeCell). */
export interface ExecuteCellCommand extends ExecuteSimulationCommand {
  /** The cell's index in `splitIntoCells`' order (the scenario's zones in order). */
  readonly cell: number;
}
