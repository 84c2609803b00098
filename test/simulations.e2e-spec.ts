import { builtInScenario, builtInScenarioNames, formatScenarioError, runScenario, SCENARIO_SCHEMA, ScenarioError, validateScenario } from '@nimbus/simulation';
import { loadScenarioData } from '../apps/api/src/datasets/datasets';
import { ADMIN_KEY, expectError, startApp, TestApp } from './support/app';
import { eventually, LONG, scenario } from './support/simulations';
import { SCENARIO_EXECUTOR } from '../apps/api/src/application/simulations/scenario-executor';
import { WorkerThreadExecutor } from '../apps/api/src/jobs/worker-thread-executor';

const HOUR_MS = 3_600_000;

/** A report as the API answers it, less the run's own fields: the scenario library's result. */
const resultOf = (report: Record<string, unknown>) => {
  const { simulationId: _id, state: _state, ...result } = report;
  return result;
};

/**
 * Load-simulation runs through the REST API with no Redis reachable: the in-process fallback (the
 * same runner as a BullMQ worker, one run at a time), running the scenario library
 * (@nimbus/simulation). test/simulation-workers.e2e-spec.ts runs them on BullMQ with worker processes.
 */
describe('simulations (in-process fallback: no Redis reachable)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(undefined, { REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterAll(async () => t?.close());

  const submit = async (body: object) => {
    const res = await t.admin().post('/v1/admin/simulations', body);
    expect(res.status).toBe(202);
    return res;
  };
  const get = async (id: string) => (await t.admin().get(`/v1/admin/simulations/${id}`).expect(200)).body;
  const until = (id: string, state: string, timeoutMs = 30_000) =>
    eventually(async () => {
      const run = await get(id);
      return run.state === state ? run : undefined;
    }, timeoutMs, `${id} to be ${state}`);
  const underWay = (id: string) =>
    eventually(async () => {
      const run = await get(id);
      // A run that ended before it was seen under way cannot be acted on mid-run: say so now,
      // rather than after the timeout.
      if (run.state !== 'queued' && run.state !== 'running') throw Object.assign(new Error(`${id} was ${run.state} before it was seen under way`), { fatal: true });
      return run.state === 'running' && run.progress.simulatedTime > 0 ? run : undefined;
    }, 30_000, `${id} to be under way`);

  it('runs each scenario on a worker thread of its own (NIMBUS_WORKER_THREADS, default true): the API\'s event loop never runs a slice', () => {
    // Every run in this file goes through it; `false` puts runs back on the event loop (config spec).
    expect(t.app.get(SCENARIO_EXECUTOR)).toBeInstanceOf(WorkerThreadExecutor);
  });

  it('submit → progress → completion; the report as JSON, CSV and chart-ready series; compare', async () => {
    const res = await submit({ scenario: scenario({ hours: 6, seed: 1 }) });
    expect(res.body).toMatchObject({ simulationId: expect.stringMatching(/^sim-[0-9a-f]{17}$/), state: 'queued', progress: { simulatedTime: 0, simulatedDuration: 6 * 3600, fraction: 0, events: 0 } });
    expect(res.headers.location).toBe(`/v1/admin/simulations/${res.body.simulationId}`);
    const id = res.body.simulationId;
    const done = await until(id, 'completed');
    expect(done.progress).toEqual({ simulatedTime: 6 * 3600, simulatedDuration: 6 * 3600, fraction: 1, events: expect.any(Number), wallSeconds: expect.any(Number), etaSeconds: null });
    expect(done.progress.events).toBeGreaterThan(0);
    expect(done).toMatchObject({ attempt: 1, worker: expect.stringContaining(':api'), cancelRequested: false, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(done.report).toMatchObject({ version: 1, scenario: 'test', seed: 1, cancelled: false, simulatedMs: 6 * HOUR_MS, bucketMs: HOUR_MS, digest: done.digest });
    expect(done.progress.events).toBe(done.report.events);

    const report = (await t.admin().get(`/v1/admin/simulations/${id}/report`).expect(200)).body;
    expect(report).toMatchObject({ simulationId: id, state: 'completed', cancelled: false, digest: done.digest });
    expect(report.headline).toMatchObject({ energyKWh: expect.any(Number), instancesLaunched: expect.any(Number), revenueUsd: expect.any(Number) });
    expect(report.headline.instancesLaunched).toBeGreaterThanOrEqual(40); // 20 per zone at the start
    expect(report.series.filter((s: { name: string }) => s.name === 'energyKWh').map((s: { groupBy: string; group: string }) => `${s.groupBy}/${s.group}`)).toEqual(
      ['fleet/fleet', 'zone/us-east-1a', 'zone/us-east-1b', 'hostType/m5-host'],
    );
    expect(report.tables.map((x: { name: string }) => x.name)).toEqual(['tenants', 'refusals', 'migrations', 'revenue', 'licences', 'hosts', 'byolLicences']);

    const csv = await t.admin().get(`/v1/admin/simulations/${id}/csv?series=energyKWh`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${id}-energyKWh.csv"`);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('time,fleet (kWh),zone:us-east-1a (kWh),zone:us-east-1b (kWh),hostType:m5-host (kWh)');
    expect(lines).toHaveLength(1 + 6);
    expect(lines[1]).toMatch(/^2026-01-05T00:00:00\.000Z,/);
    const table = await t.admin().get(`/v1/admin/simulations/${id}/csv?table=hosts`).expect(200);
    expect(table.text.split('\n')[0]).toBe('zone,hostType,hosts,energyKWh,failures,drains,poweredOff');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/csv?series=nope`), 400, 'InvalidParameterValue');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/csv`), 400, 'InvalidParameterValue');

    const chart = (await t.admin().get(`/v1/admin/simulations/${id}/series/hostsOn`).expect(200)).body;
    expect(chart).toMatchObject({ simulationId: id, name: 'hostsOn', unit: 'hosts', bucketMs: HOUR_MS, offsetsMs: [0, 1, 2, 3, 4, 5].map((h) => h * HOUR_MS) });
    expect(chart.datasets).toEqual([
      { groupBy: 'fleet', group: 'fleet', values: [8, 8, 8, 8, 8, 8] },
      { groupBy: 'zone', group: 'us-east-1a', values: [4, 4, 4, 4, 4, 4] },
      { groupBy: 'zone', group: 'us-east-1b', values: [4, 4, 4, 4, 4, 4] },
      { groupBy: 'hostType', group: 'm5-host', values: [8, 8, 8, 8, 8, 8] },
    ]);
    const chartCsv = await t.admin().get(`/v1/admin/simulations/${id}/series/hostsOn`).set('Accept', 'text/csv').expect(200);
    expect(chartCsv.text.split('\n')[0]).toBe('time,fleet (hosts),zone:us-east-1a (hosts),zone:us-east-1b (hosts),hostType:m5-host (hosts)');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/series/nope`), 404, 'InvalidSeries.NotFound');

    // A bigger fleet, the same workload: the compare shows the series side by side and the deltas.
    const other = (await submit({ scenario: scenario({ hours: 6, seed: 1, hostsPerZone: 6 }) })).body.simulationId;
    await until(other, 'completed');
    const cmp = (await t.admin().get(`/v1/admin/simulations/compare?a=${id}&b=${other}`).expect(200)).body;
    expect(cmp.a).toMatchObject({ simulationId: id, state: 'completed', cancelled: false, digest: done.digest });
    expect(cmp.b).toMatchObject({ simulationId: other, state: 'completed' });
    const e = cmp.headline.energyKWh;
    expect(e.delta).toBeCloseTo(e.b - e.a, 9);
    expect(e.b).toBeGreaterThan(e.a); // more hosts draw more idle power
    expect(e.relativeDelta).toBeCloseTo((e.b - e.a) / e.a, 9);
    expect(cmp.headline.hostsPeak).toMatchObject({ a: 8, b: 12, delta: 4, relativeDelta: 0.5 });
    expect(cmp.series).toHaveLength(report.series.length);
    expect(cmp.series.find((s: { name: string; groupBy: string }) => s.name === 'hostsOn' && s.groupBy === 'fleet')).toEqual(
      { name: 'hostsOn', unit: 'hosts', bucketMs: HOUR_MS, groupBy: 'fleet', group: 'fleet', a: [8, 8, 8, 8, 8, 8], b: [12, 12, 12, 12, 12, 12] },
    );
    expectError(await t.admin().get(`/v1/admin/simulations/compare?a=${id}`), 400, 'MissingParameter');
  });

  it('streams progress as server-sent events until the run ends', async () => {
    // Long enough for several progress writes (every 250 ms) whatever the machine's speed: a day ran in under half a second once the random walk got faster.
    const id = (await submit({ scenario: scenario(LONG) })).body.simulationId;
    const res = await fetch(`${await t.app.getUrl()}/v1/admin/simulations/${id}/events`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text(); // the server closes the stream at the end
    const events = text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => ({
      event: /^event: (\w+)/.exec(b)![1],
      data: JSON.parse(/\ndata: (.*)$/m.exec(b)![1]),
    }));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { simulationId: id, state: 'completed', progress: { fraction: 1 } } });
    const running = events.filter((e) => e.event === 'progress' && e.data.state === 'running').map((e) => e.data.progress);
    expect(running.length).toBeGreaterThanOrEqual(2);
    const times = running.map((p) => p.simulatedTime);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(running.some((p) => p.fraction > 0 && p.fraction < 1 && p.events > 0 && p.etaSeconds !== null)).toBe(true);
    expectError(await t.admin().get('/v1/admin/simulations/sim-00000000000000000/events'), 404, 'InvalidSimulationID.NotFound');
  });

  it('cancels: a running run keeps its partial results, marked cancelled; a queued one (behind it: one at a time) is cancelled at once', async () => {
    const running = (await submit({ scenario: scenario(LONG) })).body.simulationId;
    const queued = (await submit({ scenario: scenario({ hours: 2 }) })).body.simulationId;
    await underWay(running);
    expect((await get(queued)).state).toBe('queued');

    const q = (await t.admin().post(`/v1/admin/simulations/${queued}/cancel`).expect(200)).body;
    expect(q).toMatchObject({ state: 'cancelled', cancelRequested: true });
    const r = (await t.admin().post(`/v1/admin/simulations/${running}/cancel`).expect(200)).body;
    expect(r).toMatchObject({ state: 'running', cancelRequested: true });

    const cancelled = await until(running, 'cancelled');
    const total = LONG.hours! * HOUR_MS;
    expect(cancelled.report).toMatchObject({ cancelled: true, digest: cancelled.digest });
    expect(cancelled.report.simulatedMs).toBeGreaterThan(0);
    expect(cancelled.report.simulatedMs).toBeLessThan(total);
    expect(cancelled.progress.simulatedTime * 1000).toBe(cancelled.report.simulatedMs);
    // Buckets past where it stopped are there, and empty.
    const hostsOn = cancelled.report.series.find((s: { name: string; groupBy: string }) => s.name === 'hostsOn' && s.groupBy === 'fleet').points as number[];
    const reached = cancelled.report.simulatedMs / HOUR_MS;
    expect(hostsOn).toHaveLength(LONG.hours!);
    expect(hostsOn.slice(0, reached).every((x) => x === 2 * LONG.hostsPerZone!)).toBe(true); // both zones' hosts, all on
    expect(hostsOn.slice(reached).every((x) => x === 0)).toBe(true);
    expect((await t.admin().get(`/v1/admin/simulations/${running}/report`).expect(200)).body).toMatchObject({ state: 'cancelled', cancelled: true });

    expect((await get(queued)).state).toBe('cancelled'); // never run
    expectError(await t.admin().post(`/v1/admin/simulations/${queued}/cancel`), 409, 'IncorrectSimulationState');
    expectError(await t.admin().get(`/v1/admin/simulations/${queued}/report`), 409, 'IncorrectSimulationState');
  });

  it('a bad scenario is a 400 InvalidScenario that lists the validator\'s errors, each naming the JSON path of a bad field', async () => {
    const bad = scenario();
    (bad.fleet.zones[0] as { hosts: object[] }).hosts.push({ type: 'm5-host', count: 0 });
    const doc = { ...bad, durationHours: -1, tenants: [{ ...bad.tenants[0], workloads: [{ ...bad.tenants[0].workloads[0], color: 'red' }] }] };
    const e = expectError(await t.admin().post('/v1/admin/simulations', { scenario: doc }), 400, 'InvalidScenario');
    expect(e.message).toContain('/fleet/zones/0/hosts/1/count: must be ≥ 1');
    expect(e.message).toContain('/durationHours: must be > 0');
    expect(e.message).toContain('/tenants/0/workloads/0/color: is not a known field');
    const v = validateScenario(doc);
    expect(v.ok).toBe(false);
    expect(e.message).toBe(`The scenario is not valid: ${(v as { errors: ScenarioError[] }).errors.map(formatScenarioError).join('; ')}`);
    // What only the catalog can say is named by path too.
    const unknownType = scenario();
    unknownType.fleet.zones[1].hosts[0].type = 'nope-host';
    expect(expectError(await t.admin().post('/v1/admin/simulations', { scenario: unknownType }), 400, 'InvalidScenario').message).toMatch(/\/fleet\/zones\/1\/hosts\/0\/type: /);
    // A built-in scenario's overrides are validated after they are applied.
    const o = expectError(await t.admin().post('/v1/admin/simulations', { builtIn: 'azure-small', overrides: { fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 0 }] }] } } }), 400, 'InvalidScenario');
    expect(o.message).toContain('/fleet/zones/0/hosts/0/count: must be ≥ 1');
    expect(expectError(await t.admin().post('/v1/admin/simulations', { builtIn: 'nope' }), 400, 'InvalidParameterValue').message).toContain(`(built-in: ${builtInScenarioNames().join(', ')})`);
    expectError(await t.admin().post('/v1/admin/simulations', {}), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), builtIn: 'azure-small' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), overrides: { seed: 2 } }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: 'x' }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), extra: 1 }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), execution: { split: 'no' } }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), execution: { cells: 3 } }), 400, 'ValidationError');
  });

  it('a run of zones that do not interact is split into one cell per zone unless told not to; a run whose zones interact is whole; in-process, every run runs whole, to the same result', async () => {
    const two = await submit({ scenario: scenario({ hours: 2, seed: 4 }) });
    expect(two.body.execution).toEqual({ cells: 2 });
    const whole = await submit({ scenario: scenario({ hours: 2, seed: 4 }), execution: { split: false } });
    expect(whole.body.execution).toEqual({ cells: 1 });
    // A workload with no zone may land in either: the zones interact, so the run is whole.
    const anyZone = scenario({ hours: 2, seed: 4 });
    delete (anyZone.tenants[0].workloads[0] as { zone?: string }).zone;
    expect((await submit({ scenario: anyZone })).body.execution).toEqual({ cells: 1 });
    const a = await until(two.body.simulationId, 'completed');
    const b = await until(whole.body.simulationId, 'completed');
    expect(a.execution.cells).toBe(2);
    expect(a.digest).toBe(b.digest);
  });

  it('a scenario whose dataset is missing is accepted, and its run fails saying which dataset', async () => {
    const doc = { ...scenario({ hours: 2 }), tenants: [{ id: 'bb', workloads: [{ kind: 'trace', zone: 'us-east-1a', dataset: { kind: 'bitbrains', path: 'bitbrains-rnd/not-there' }, limit: 3 }] }] };
    const id = (await submit({ scenario: doc })).body.simulationId;
    const failed = await until(id, 'failed');
    expect(failed.error).toMatch(/^a dataset the scenario needs is missing: .*'bitbrains\/bitbrains-rnd\/not-there'/);
    expect(failed).not.toHaveProperty('report');
    expect(expectError(await t.admin().get(`/v1/admin/simulations/${id}/report`), 409, 'IncorrectSimulationState').message).toContain('bitbrains/bitbrains-rnd/not-there');
    // The runner carries on with the next run.
    await until((await submit({ scenario: scenario({ hours: 1 }) })).body.simulationId, 'completed');
  });

  it('a built-in scenario with overrides runs; runs list newest first, paged; delete', async () => {
    const b = (await submit({ builtIn: 'azure-small', overrides: { seed: 7, durationHours: 12 } })).body;
    expect(b).toMatchObject({ builtIn: 'azure-small', scenario: { name: 'azure-small', seed: 7, durationHours: 12 }, progress: { simulatedDuration: 12 * 3600 } });
    expect(b.scenario.fleet).toEqual(builtInScenario('azure-small')!.fleet);
    const done = await until(b.simulationId, 'completed');
    expect(done.report).toMatchObject({ scenario: 'azure-small', seed: 7, cancelled: false, simulatedMs: 12 * HOUR_MS });
    expect(done.report.headline.instancesLaunched).toBeGreaterThan(0);

    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await submit({ scenario: scenario({ hours: 1, seed: i }) })).body.simulationId);
    for (const id of ids) await until(id, 'completed');
    const first = (await t.admin().get('/v1/admin/simulations?maxResults=5').expect(200)).body;
    expect(first.simulations.map((s: { simulationId: string }) => s.simulationId)).toEqual([...ids].reverse().slice(0, 5));
    expect(first.simulations[0]).not.toHaveProperty('report');
    const second = (await t.admin().get(`/v1/admin/simulations?maxResults=5&nextToken=${first.nextToken}`).expect(200)).body;
    expect(second.simulations[0].simulationId).toBe(ids[0]);
    expectError(await t.admin().get('/v1/admin/simulations?nextToken=bad'), 400, 'InvalidPaginationToken');

    await t.admin().delete(`/v1/admin/simulations/${ids[0]}`).expect(204);
    expectError(await t.admin().get(`/v1/admin/simulations/${ids[0]}`), 404, 'InvalidSimulationID.NotFound');
    expectError(await t.admin().delete(`/v1/admin/simulations/${ids[0]}`), 404, 'InvalidSimulationID.NotFound');

    const running = (await submit({ scenario: scenario(LONG) })).body.simulationId;
    await until(running, 'running');
    expectError(await t.admin().delete(`/v1/admin/simulations/${running}`), 409, 'IncorrectSimulationState');
    await t.admin().post(`/v1/admin/simulations/${running}/cancel`).expect(200);
    await until(running, 'cancelled');
    await t.admin().delete(`/v1/admin/simulations/${running}`).expect(204);
  });

  it('is deterministic: the same scenario and seed, run twice, give byte-identical reports and the same digest, as the library alone does', async () => {
    const doc = scenario({ hours: 24, seed: 5 });
    const [a, b] = [(await submit({ scenario: doc })).body.simulationId, (await submit({ scenario: doc })).body.simulationId];
    const [ra, rb] = [(await until(a, 'completed')).digest, (await until(b, 'completed')).digest];
    expect(rb).toBe(ra);
    const reportA = (await t.admin().get(`/v1/admin/simulations/${a}/report`).expect(200)).text;
    const reportB = (await t.admin().get(`/v1/admin/simulations/${b}/report`).expect(200)).text;
    expect(reportB.replace(b, a)).toBe(reportA);
    // And it is the library's result, byte for byte, as runScenario gives it here.
    const v = validateScenario(doc);
    if (!v.ok) throw new Error('the test scenario does not validate');
    const local = await runScenario(v.scenario, await loadScenarioData(v.scenario));
    expect(local.digest).toBe(ra);
    expect(JSON.stringify(resultOf(JSON.parse(reportA)))).toBe(JSON.stringify(local));
    // Another seed, another run.
    const other = (await submit({ scenario: { ...doc, seed: 6 } })).body.simulationId;
    expect((await until(other, 'completed')).digest).not.toBe(ra);
  });

  it('lists the built-in scenarios and serves the scenario JSON Schema', async () => {
    const list = (await t.admin().get('/v1/admin/scenarios').expect(200)).body;
    expect(list.scenarios.map((s: { name: string }) => s.name)).toEqual(builtInScenarioNames());
    expect(list.scenarios.map((s: { name: string }) => s.name)).toEqual(['azure-small', 'cloudsim-planetlab-20110303', 'consolidation-apps', 'driver-domain', 'overcommit-fleet', 'planetlab-20110303', 'virtualization-overhead']);
    const azure = list.scenarios[0];
    expect(azure).toEqual({ name: 'azure-small', description: expect.any(String), scenario: builtInScenario('azure-small'), summary: {
      durationHours: 24, bucketSeconds: 3600, zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], hosts: 30, tenants: 3, workloads: 3, datasets: ['azure2019'],
    } });
    expect(list.scenarios[1].summary).toMatchObject({ hosts: 800, bucketSeconds: 3600, datasets: ['planetlab/20110303'] });
    expect(list.scenarios.find((s: { name: string }) => s.name === 'planetlab-20110303').summary).toMatchObject({ hosts: 800, bucketSeconds: 300, datasets: ['planetlab/20110303'] });
    // The consolidation experiment's applications come from the Azure 2019 distributions; the overcommit experiment's VMs need no dataset.
    expect(list.scenarios.find((s: { name: string }) => s.name === 'consolidation-apps').summary).toMatchObject({ hosts: 240, tenants: 1, datasets: ['azure2019'] });
    expect(list.scenarios.find((s: { name: string }) => s.name === 'overcommit-fleet').summary).toMatchObject({ hosts: 12, tenants: 1, datasets: [] });
    expect(list.scenarios.find((s: { name: string }) => s.name === 'driver-domain').summary).toMatchObject({ hosts: 3, tenants: 2, workloads: 2, datasets: [] });
    for (const s of list.scenarios) expect(validateScenario(s.scenario).ok).toBe(true);

    const schema = (await t.admin().get('/v1/admin/scenarios/schema').expect(200)).body;
    expect(schema).toEqual(JSON.parse(JSON.stringify(SCENARIO_SCHEMA)));
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('is admin-only, and described in OpenAPI', async () => {
    const doc = (await t.anonymous().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/admin/simulations', '/v1/admin/simulations/compare', '/v1/admin/simulations/{id}', '/v1/admin/simulations/{id}/events',
      '/v1/admin/simulations/{id}/cancel', '/v1/admin/simulations/{id}/report', '/v1/admin/simulations/{id}/csv', '/v1/admin/simulations/{id}/series/{name}',
      '/v1/admin/scenarios', '/v1/admin/scenarios/schema',
    ]));
    expect(doc.paths['/v1/admin/simulations'].post.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SimulationResponseDto' });
    expect(doc.paths['/v1/admin/scenarios'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/BuiltInScenarioListResponseDto' });
    for (const [path, method] of [['/v1/admin/simulations', 'post'], ['/v1/admin/scenarios', 'get'], ['/v1/admin/scenarios/schema', 'get']]) {
      expect(doc.paths[path][method].security).toEqual([{ bearer: [] }]);
    }
    const { key } = await t.tenant('sims');
    for (const path of ['/v1/admin/simulations', '/v1/admin/scenarios', '/v1/admin/scenarios/schema']) {
      expectError(await t.as(key).get(path), 403, 'UnauthorizedOperation');
      expectError(await t.anonymous().get(path), 401, 'AuthFailure');
    }
    expectError(await t.as(key).post('/v1/admin/simulations', { scenario: scenario() }), 403, 'UnauthorizedOperation');
  });

  it('a run interrupted by a restart of the API is taken up again at the next start, and stored once', async () => {
    const id = (await submit({ scenario: scenario(LONG) })).body.simulationId;
    await underWay(id);
    t = await t.restart();
    const done = await until(id, 'completed');
    expect(done.attempt).toBe(2);
    expect(done.report.simulatedMs).toBe(LONG.hours! * HOUR_MS);
  });
});
