import { runScenario, Scenario, ScenarioDataMissing, ScenarioProgress, ScenarioResult } from '@nimbus/simulation';
import { DatasetNotFound, loadScenarioData } from '../../datasets/datasets';

/** How a run's scenario is executed: its data loaded, then run to its end or until `signal` aborts it. */
export interface ScenarioExecutor {
  run(scenario: Scenario, options: { readonly signal: AbortSignal; readonly onProgress: (p: ScenarioProgress) => Promise<void> }): Promise<ScenarioResult>;
}

export const SCENARIO_EXECUTOR = Symbol('SCENARIO_EXECUTOR');

/** On this thread's event loop, between whatever else it serves (the API's in-process fallback). */
export const IN_THIS_THREAD: ScenarioExecutor = {
  async run(scenario, options) {
    // Datasets (docs/scenarios.md, "Data") are loaded inside the run: one that is missing fails the
    // run, naming it (DatasetNotFound, ScenarioDataMissing), as any error of the scenario.
    const data = await loadScenarioData(scenario);
    return runScenario(scenario, data, options);
  },
};

/** A failure already put in the words a run's `error` shows (from another thread, say). */
export class ScenarioFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioFailure';
  }
}

/** Why a run failed, for its `error`: a missing dataset says which and where it was looked for. */
export function failureMessage(err: unknown): string {
  if (err instanceof DatasetNotFound || err instanceof ScenarioDataMissing) return `a dataset the scenario needs is missing: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}
