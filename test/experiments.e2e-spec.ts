import { expectError, startApp, TestApp } from './support/app';
import { eventually, scenario } from './support/simulations';

/**
 * Experiments through the REST API with no Redis reachable (the in-process fallback runs the
 * runs; the report is made at the first read after the last run). test/simulation-workers.e2e-spec.ts
 * runs one as a BullMQ flow on a worker process.
 */
describe('experiments (in-process fallback)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(undefined, { REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => t?.close());

  const small = (name = 'weigher') => ({
    version: 1, name, question: 'Does the weigher change the energy?', seed: 7, repetitions: 2, headline: ['energyKWh', 'instanceHours'],
    base: { scenario: scenario({ hours: 3, zones: 1, vmsPerZone: 10 }) },
    variables: [{ name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread'] }],
  });
  const until = (id: string, state: string) =>
    eventually(async () => {
      const x = (await t.admin().get(`/v1/admin/experiments/${id}`).expect(200)).body;
      return x.state === state ? x : undefined;
    }, 60_000, `${id} to be ${state}`);
  const headlineOf = async (simulationId: string) => (await t.admin().get(`/v1/admin/simulations/${simulationId}/report`).expect(200)).body.headline;

  it('runs every variant × repetition as a simulation run and reports each variant\'s figures: the mean and the 95 % interval of its runs\' figures', async () => {
    const res = await t.admin().post('/v1/admin/experiments', { experiment: small() });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/v1/admin/experiments/${res.body.experimentId}`);
    expect(res.body).toMatchObject({ experimentId: expect.stringMatching(/^exp-[0-9a-f]{17}$/), name: 'weigher', state: 'running', progress: { runs: 4, reused: 0 } });
    expect(res.body.runs.map((r: { variant: number; repetition: number; values: object }) => [r.variant, r.repetition, r.values])).toEqual([
      [0, 0, { weigher: 'pack' }], [0, 1, { weigher: 'pack' }], [1, 0, { weigher: 'spread' }], [1, 1, { weigher: 'spread' }],
    ]);
    const done = await until(res.body.experimentId, 'completed');
    expect(done.progress).toMatchObject({ runs: 4, finished: 4, fraction: 1 });
    // Each repetition is its own seed (7, 8): its own run, its own scenario.
    const scenarios = await Promise.all(done.runs.map(async (r: { simulationId: string }) => (await t.admin().get(`/v1/admin/simulations/${r.simulationId}`).expect(200)).body.scenario));
    expect(scenarios.map((s: { seed: number; policies: { placement: { weigher: string } } }) => [s.seed, s.policies.placement.weigher])).toEqual([[7, 'pack'], [8, 'pack'], [7, 'spread'], [8, 'spread']]);
    // The figures, from the runs' own reports: mean, and with two runs t(0.975, 1) = 12.706, half-width 12.706 × s / √2 = 12.706 × |a − b| / 2.
    for (const [variant, row] of done.report.variants.entries()) {
      const [a, b] = await Promise.all(done.runs.filter((r: { variant: number }) => r.variant === variant).map((r: { simulationId: string }) => headlineOf(r.simulationId)));
      for (const f of ['energyKWh', 'instanceHours']) {
        const mean = (a[f] + b[f]) / 2;
        const half = (12.706 * Math.abs(a[f] - b[f])) / 2;
        expect(row.figures[f].mean).toBeCloseTo(mean, 9);
        expect(row.figures[f].ci95[0]).toBeCloseTo(mean - half, 6);
        expect(row.figures[f].ci95[1]).toBeCloseTo(mean + half, 6);
      }
    }
    expect(done.report).toMatchObject({ name: 'weigher', question: 'Does the weigher change the energy?', repetitions: 2, figures: ['energyKWh', 'instanceHours'] });
    expect(done.report.series[0]).toMatchObject({ figure: 'energyKWh', labels: ['pack', 'spread'], means: done.report.variants.map((v: { figures: { energyKWh: { mean: number } } }) => v.figures.energyKWh.mean) });
    // CSV: a row per variant.
    const csv = await t.admin().get(`/v1/admin/experiments/${done.experimentId}/csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('weigher,energyKWh_mean,energyKWh_ci95_low,energyKWh_ci95_high,instanceHours_mean,instanceHours_ci95_low,instanceHours_ci95_high');
    expect(lines.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[1])])).toEqual(done.report.variants.map((v: { values: { weigher: string }; figures: { energyKWh: { mean: number } } }) => [v.values.weigher, v.figures.energyKWh.mean]));

    // The same experiment again: every run was computed (same scenario, seed and code), so none runs again.
    const again = (await t.admin().post('/v1/admin/experiments', { experiment: small('weigher-again') }).expect(202)).body;
    expect(again.progress).toMatchObject({ runs: 4, reused: 4 });
    expect(again.runs.map((r: { simulationId: string }) => r.simulationId)).toEqual(done.runs.map((r: { simulationId: string }) => r.simulationId));
    const againDone = await until(again.experimentId, 'completed');
    expect(againDone.report.variants).toEqual(done.report.variants);
    // A single run submitted with a scenario an experiment computed is a new run (runs are not deduplicated), but an experiment reuses it.
    const list = (await t.admin().get('/v1/admin/experiments').expect(200)).body.experiments;
    expect(list.map((x: { experimentId: string }) => x.experimentId).slice(0, 2)).toEqual([again.experimentId, done.experimentId]);
  }, 120_000);

  // ---- driver-domain and virtualization-overhead, end to end ----
  it('runs the built-in virtualization-overhead and driver-domain experiments: the model\'s figures, the derived ratios, per-tenant figures in the CSV', async () => {
    const vo = (await t.admin().post('/v1/admin/experiments', { builtIn: 'virtualization-overhead' }).expect(202)).body;
    const voDone = await until(vo.experimentId, 'completed');
    type Row = { values: Record<string, string>; figures: Record<string, { mean: number }> };
    const efficiency = Object.fromEntries(voDone.report.variants.map((v: Row) => [`${v.values.mode}·${v.values.workload}`, v.figures.cpuEfficiencyPercent.mean]));
    // Capacity ÷ demand: 1 − base − per-op term × 2 (20,000 ops/s per thread), docs/model.md §3.1.
    expect(efficiency).toEqual({
      'hardware-assisted·cpu-bound': expect.closeTo(98, 9), 'hardware-assisted·syscall-heavy': expect.closeTo(97, 9),
      'paravirtual·cpu-bound': expect.closeTo(96, 9), 'paravirtual·syscall-heavy': expect.closeTo(94, 9),
      'trap-and-emulate·cpu-bound': expect.closeTo(90, 9), 'trap-and-emulate·syscall-heavy': expect.closeTo(80, 9),
    });
    expect(voDone.report.answer).toBe('efficiencyTrapAndEmulateVsHardwareAssisted');
    expect(voDone.report.derived.find((d: { name: string }) => d.name === voDone.report.answer).values).toEqual([
      { label: 'cpu-bound', value: expect.closeTo(90 / 98, 9) }, { label: 'syscall-heavy', value: expect.closeTo(80 / 97, 9) },
    ]);

    const dd = (await t.admin().post('/v1/admin/experiments', { builtIn: 'driver-domain' }).expect(202)).body;
    const ddDone = await until(dd.experimentId, 'completed');
    const pv = ddDone.report.variants.find((v: Row) => v.values.platform === 'paravirtual' && v.values.iops === '10000');
    // 2,067 − 220 millicores stolen per host for 3 × 86,385 s − 1 h, of 84 cores demanded for 86,385 s.
    expect(pv.figures['cpuLostPercent:neighbours'].mean).toBeCloseTo((100 * 1.847 * ((3 * 86_385) / 3600 - 1)) / ((84 * 86_385) / 3600), 9);
    expect(pv.figures.instancesImpairedPerDriverDomainFailure.mean).toBe(9);
    const csv = (await t.admin().get(`/v1/admin/experiments/${ddDone.experimentId}/csv`).expect(200)).text;
    expect(csv.split('\n')[0]).toMatch(/^platform,iops,cpuLostPercent:neighbours_mean,cpuLostPercent:neighbours_ci95_low,/);
  }, 120_000);

  it('a bad experiment is a 400 InvalidExperiment naming the JSON path; unknown ones are 404; built-ins are listed and valid', async () => {
    const e = expectError(await t.admin().post('/v1/admin/experiments', { experiment: { ...small(), variables: [{ name: 'w', path: '/policies/placement/weigher', values: ['pack', 'sideways'] }] } }), 400, 'InvalidExperiment');
    expect(e.message).toContain('/variants/1/policies/placement/weigher');
    expect(expectError(await t.admin().post('/v1/admin/experiments', { experiment: { ...small(), repetitions: 0 } }), 400, 'InvalidExperiment').message).toContain('/repetitions');
    expectError(await t.admin().post('/v1/admin/experiments', {}), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/experiments', { builtIn: 'nope' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/experiments', { experiment: small(), builtIn: 'placement-policy' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/experiments', { experiment: 'x' }), 400, 'ValidationError');
    expectError(await t.admin().get('/v1/admin/experiments/exp-0123456789abcdef0'), 404, 'InvalidExperimentID.NotFound');
    expectError(await t.admin().get('/v1/admin/experiments/nope'), 404, 'InvalidExperimentID.NotFound');
    expectError(await t.admin().get('/v1/admin/experiments?nextToken=garbage'), 400, 'InvalidPaginationToken');
    const builtIns = (await t.admin().get('/v1/admin/experiments/built-in').expect(200)).body.experiments;
    expect(builtIns.map((b: { name: string }) => b.name)).toContain('placement-policy');
    expect(builtIns.find((b: { name: string }) => b.name === 'placement-policy').runs).toBe(18);
    // The memory experiments: 2 packings × 2 page-sharing settings × 3 seeds; 5 RAM ratios × 2 series × 5 seeds.
    expect(builtIns.find((b: { name: string }) => b.name === 'consolidation').runs).toBe(12);
    expect(builtIns.find((b: { name: string }) => b.name === 'memory-overcommit').runs).toBe(50);
    expect(builtIns.find((b: { name: string }) => b.name === 'live-migration').runs).toBe(6);
    expect(builtIns.find((b: { name: string }) => b.name === 'licensing-models').runs).toBe(32);
    // ---- driver-domain and virtualization-overhead (3 × 2 variants each, one repetition) ----
    expect(builtIns.find((b: { name: string }) => b.name === 'driver-domain').runs).toBe(6);
    expect(builtIns.find((b: { name: string }) => b.name === 'virtualization-overhead').runs).toBe(6);
    expect((await t.admin().get('/v1/admin/experiments/schema').expect(200)).body.required).toEqual(['version', 'name', 'base', 'variables']);
    // A built-in with overrides is validated after they apply.
    expect(expectError(await t.admin().post('/v1/admin/experiments', { builtIn: 'placement-policy', overrides: { repetitions: 100 } }), 400, 'InvalidExperiment').message).toContain('/repetitions');
    // Admin only.
    const { key } = await t.tenant('experimenter');
    expectError(await t.as(key).get('/v1/admin/experiments'), 403, 'UnauthorizedOperation');
    expectError(await t.as(key).post('/v1/admin/experiments', { experiment: small() }), 403, 'UnauthorizedOperation');
    expectError(await t.anonymous().get('/v1/admin/experiments'), 401, 'AuthFailure');
  });
});
