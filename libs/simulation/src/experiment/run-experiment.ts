import { ScenarioData } from '../scenario/datasets';
import { ScenarioResult } from '../scenario/results/result';
import { runScenario } from '../scenario/run-scenario';
import { expandExperiment, experimentReport } from './experiment';

/**
 * Runs an experiment in this process, its runs one after another, and reports it (tests and
 * examples; the API runs experiments as jobs, apps/api/src/application/experiments). Throws, naming
 * the paths, when the document is not a valid experiment.
 */
export async function runExperimentInProcess(doc: unknown, data: ScenarioData = {}) {
  const x = expandExperiment(doc);
  if (!x.ok) throw new RangeError(`not a valid experiment: ${JSON.stringify(x.errors)}`);
  const results: ScenarioResult[] = [];
  for (const run of x.runs) results.push(await runScenario(run.scenario, data));
  return { ...x, results, report: experimentReport(x.experiment, x.runs, x.variants, results) };
}
