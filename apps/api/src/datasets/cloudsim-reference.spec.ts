import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyScenarioOverrides, builtInScenario, runScenario, ScenarioData, validateScenario } from '@nimbus/simulation';
import { loadScenarioData } from './datasets';

/** The order CloudSim's own run took the day's files in (its platform's directory listing, unsorted). */
const listing = (JSON.parse(readFileSync(join(__dirname, 'cloudsim-listing-20110303.json'), 'utf8')) as { files: string[] }).files;

/** The shipped day, its VMs in CloudSim's listing order instead of name order. */
async function inCloudSimOrder(overrides: unknown): Promise<{ s: Parameters<typeof runScenario>[0]; data: ScenarioData }> {
  const v = validateScenario(applyScenarioOverrides(builtInScenario('cloudsim-planetlab-20110303')!, overrides));
  if (!v.ok) throw new Error('the built-in does not validate');
  const data = await loadScenarioData(v.scenario, {});
  const day = data.planetlab!['20110303'];
  const byName = new Map(day.vms.map((vm) => [vm.name, vm]));
  return { s: v.scenario, data: { ...data, planetlab: { '20110303': { day: '20110303', vms: listing.map((n) => byName.get(n)!) } } } };
}

/**
 * The reproduction against CloudSim's own output (docs/benchmarks.md): CloudSim's `ThrMmt` and
 * `Dvfs` examples, built from Cloudslab/cloudsim with 3.0.3's creation delay and VM-removal rule,
 * on the same day's files in the same order, printed these figures (2 decimals, as it prints them).
 */
describe("the CloudSim reproduction gives CloudSim's own figures", () => {
  it('THR-MMT 0.8 on 20110303: 198.08 kWh, 27,728 migrations, SLATAH 5.00 %, PDM 0.07 %, SLAV 0.00357 %, 6,109 shutdowns', async () => {
    const { s, data } = await inCloudSimOrder({});
    const h = (await runScenario(s, data)).headline;
    expect(h.energyKWh.toFixed(2)).toBe('198.08');
    expect(h.migrations).toBe(27_728);
    expect((h.slav * 100).toFixed(5)).toBe('0.00357');
    expect((h.slatah * 100).toFixed(2)).toBe('5.00');
    expect((h.pdm * 100).toFixed(2)).toBe('0.07');
    expect((h.overallSlaViolation * 100).toFixed(2)).toBe('0.08');
    expect((h.averageSlaViolation * 100).toFixed(2)).toBe('10.16');
    expect(h.hostShutdowns).toBe(6_109);
  });

  it('DVFS on 20110303: 764.96 kWh, no migration', async () => {
    const { s, data } = await inCloudSimOrder({ policies: { cloudsim: { policy: 'dvfs', parameter: null } } });
    const h = (await runScenario(s, data)).headline;
    expect(h.energyKWh.toFixed(2)).toBe('764.96');
    expect(h.migrations).toBe(0);
  });
});
