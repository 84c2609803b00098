import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatScenarioError, runScenario, SCENARIO_SCHEMA, validateScenario } from '@nimbus/simulation';

const root = join(__dirname, '../../../..');
const doc = readFileSync(join(root, 'docs/scenarios.md'), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as { name: string });

describe('docs/scenarios.md', () => {
  it('has complete examples, every one of them valid', () => {
    expect(examples.map((e) => e.name)).toEqual(['minimal', 'two-zones-azure', 'consolidation', 'traces']);
    for (const e of examples) {
      const v = validateScenario(e);
      expect(v.ok ? [] : v.errors.map(formatScenarioError)).toEqual([]);
    }
  });

  it('runs the minimal example', async () => {
    const v = validateScenario(examples[0]);
    if (!v.ok) throw new Error('invalid');
    const r = await runScenario(v.scenario, {});
    expect(r.cancelled).toBe(false);
    expect(r.headline.instancesLaunched).toBeGreaterThan(10);
  });

  it('publishes the schema the code validates with (docs/scenario.schema.json)', () => {
    expect(JSON.parse(readFileSync(join(root, 'docs/scenario.schema.json'), 'utf8'))).toEqual(SCENARIO_SCHEMA);
  });
});
