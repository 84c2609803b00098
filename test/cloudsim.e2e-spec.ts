import { applyScenarioOverrides, builtInScenario, runScenario, validateScenario } from '@nimbus/simulation';
import { loadScenarioData } from '../apps/api/src/datasets/datasets';
import { expectError, startApp, TestApp } from './support/app';
import { eventually } from './support/simulations';

const HOUR_MS = 3_600_000;
const SHORT_DAY = { durationHours: 2 };

/**
 * The built-in CloudSim reproduction (issue 11, item 5) as a user runs it: through
 * /v1/admin/simulations, here on the in-process fallback (no Redis), on a shortened day.
 */
describe('the CloudSim PlanetLab reproduction through the API (in-process fallback)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(undefined, { REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => t?.close());

  const submit = async (body: object): Promise<string> => {
    const res = await t.admin().post('/v1/admin/simulations', body);
    expect(res.status).toBe(202);
    return res.body.simulationId;
  };
  const completed = (id: string) =>
    eventually(async () => {
      const run = (await t.admin().get(`/v1/admin/simulations/${id}`).expect(200)).body;
      if (run.state === 'failed') throw new Error(`run failed: ${run.error}`);
      return run.state === 'completed' ? run : undefined;
    }, 120_000, `${id} to complete`);

  it("runs THR-MMT 0.8 on 2 h of 20110303: CloudSim's figures in the report, the same digest twice, the library's result", async () => {
    const [a, b] = [await submit({ builtIn: 'cloudsim-planetlab-20110303', overrides: SHORT_DAY }), await submit({ builtIn: 'cloudsim-planetlab-20110303', overrides: SHORT_DAY })];
    const runA = await completed(a);
    const runB = await completed(b);
    expect(runB.digest).toBe(runA.digest);

    const report = (await t.admin().get(`/v1/admin/simulations/${a}/report`).expect(200)).body;
    expect(report).toMatchObject({ scenario: 'cloudsim-planetlab-20110303', cancelled: false, simulatedMs: 2 * HOUR_MS, bucketMs: HOUR_MS, digest: runA.digest });
    const h = report.headline;
    expect(h).toMatchObject({
      energyKWh: expect.any(Number), migrations: expect.any(Number), slatah: expect.any(Number), pdm: expect.any(Number), slav: expect.any(Number),
      hostShutdowns: expect.any(Number), vms: 1052, instancesLaunched: 1052, refused: 0,
    });
    // Two hours of 800 hosts that CloudSim's PABFD first spreads the VMs over, then consolidates:
    // far less than all hosts at full power (100.8 kW), and many migrations and shutdowns.
    expect(h.energyKWh).toBeGreaterThan(0);
    expect(h.energyKWh).toBeLessThan((100_800 * 2) / 1000);
    expect(h.migrations).toBeGreaterThan(100);
    expect(h.hostShutdowns).toBeGreaterThan(100);
    expect(h.slatah).toBeGreaterThan(0);
    expect(h.slatah).toBeLessThan(1);
    expect(h.pdm).toBeGreaterThan(0);
    expect(h.slav).toBeCloseTo(h.slatah * h.pdm, 15);
    const energy = report.series.find((s: { name: string; groupBy: string }) => s.name === 'energyKWh' && s.groupBy === 'fleet');
    expect(energy.points).toHaveLength(2);
    expect(energy.points[0] + energy.points[1]).toBeCloseTo(h.energyKWh, 9);
    const byType = report.series.filter((s: { name: string; groupBy: string }) => s.name === 'energyKWh' && s.groupBy === 'hostType').map((s: { group: string }) => s.group);
    expect(byType).toEqual(['hp-proliant-ml110-g4', 'hp-proliant-ml110-g5']);
    const csv = await t.admin().get(`/v1/admin/simulations/${a}/csv?table=migrations`).expect(200);
    expect(csv.text.split('\n')[0]).toBe('zone,reason,outcome,count,downtimeMs,durationMs');

    const reportB = (await t.admin().get(`/v1/admin/simulations/${b}/report`).expect(200)).text;
    expect(JSON.parse(reportB).headline).toEqual(h);

    // The job's result is the library's, byte for byte.
    const v = validateScenario(applyScenarioOverrides(builtInScenario('cloudsim-planetlab-20110303')!, SHORT_DAY));
    if (!v.ok) throw new Error('the built-in does not validate');
    const local = await runScenario(v.scenario, await loadScenarioData(v.scenario));
    expect(local.digest).toBe(runA.digest);
  });

  it('runs another policy given as an override, with different figures', async () => {
    const thr = await submit({ builtIn: 'cloudsim-planetlab-20110303', overrides: SHORT_DAY });
    const dvfs = await submit({ builtIn: 'cloudsim-planetlab-20110303', overrides: { ...SHORT_DAY, policies: { cloudsim: { policy: 'dvfs', parameter: null } } } });
    const [a, b] = [await completed(thr), await completed(dvfs)];
    expect(b.report.headline.migrations).toBe(0);
    expect(b.report.headline.pdm).toBe(0);
    expect(b.report.headline.energyKWh).toBeGreaterThan(a.report.headline.energyKWh);
  });

  it('refuses a bad CloudSim policy with a 400 naming the field', async () => {
    const over = expectError(await t.admin().post('/v1/admin/simulations', {
      builtIn: 'cloudsim-planetlab-20110303', overrides: { policies: { cloudsim: { policy: 'thr-mmt', parameter: 1.5 } } },
    }), 400, 'InvalidScenario');
    expect(over.message).toContain('/policies/cloudsim/parameter: must be ≤ 1');
    const unknown = expectError(await t.admin().post('/v1/admin/simulations', {
      builtIn: 'cloudsim-planetlab-20110303', overrides: { policies: { cloudsim: { policy: 'thr-mc' } } },
    }), 400, 'InvalidScenario');
    expect(unknown.message).toContain('/policies/cloudsim/policy: must be one of');
    const long = expectError(await t.admin().post('/v1/admin/simulations', { builtIn: 'cloudsim-planetlab-20110303', overrides: { durationHours: 48 } }), 400, 'InvalidScenario');
    expect(long.message).toContain('/durationHours: must be ≤ 24 for a CloudSim run');
    const catalogHosts = expectError(await t.admin().post('/v1/admin/simulations', {
      builtIn: 'cloudsim-planetlab-20110303', overrides: { fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }] } },
    }), 400, 'InvalidScenario');
    expect(catalogHosts.message).toContain('/fleet/zones/0/hosts/0/type: ');
  });
});
