/**
 * Runs a scenario document (read from stdin) whole with the scenario library, as one process, and
 * prints its result (JSON) on stdout: the reference a run split into cells is checked against.
 */
import { runScenario, validateScenario } from '@nimbus/simulation';
import { loadScenarioData } from '../../apps/api/src/datasets/datasets';

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  const v = validateScenario(JSON.parse(input));
  if (!v.ok) throw new Error(`invalid scenario: ${JSON.stringify(v.errors)}`);
  const result = await runScenario(v.scenario, await loadScenarioData(v.scenario));
  process.stdout.write(JSON.stringify(result));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
