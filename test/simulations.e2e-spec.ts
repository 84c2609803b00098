import { ADMIN_KEY, expectError, startApp, TestApp } from './support/app';
import { eventually, scenario } from './support/simulations';

/**
 * Load-simulation runs through the REST API with no Redis reachable: the in-process fallback (the
 * same runner as a BullMQ worker, one run at a time). test/simulation-workers.e2e-spec.ts runs them
 * on BullMQ with worker processes.
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
  const until = (id: string, state: string, timeoutMs = 20_000) =>
    eventually(async () => {
      const run = await get(id);
      return run.state === state ? run : undefined;
    }, timeoutMs, `${id} to be ${state}`);

  it('submit → progress → completion; the report as JSON, CSV and chart-ready series; compare', async () => {
    const res = await submit({ scenario: scenario({ hours: 6, seed: 1 }) });
    expect(res.body).toMatchObject({ simulationId: expect.stringMatching(/^sim-[0-9a-f]{17}$/), state: 'queued' });
    expect(res.headers.location).toBe(`/v1/admin/simulations/${res.body.simulationId}`);
    const id = res.body.simulationId;
    const done = await until(id, 'completed');
    expect(done.progress).toEqual({ simulatedTime: 6 * 3600, simulatedDuration: 6 * 3600, fraction: 1, events: expect.any(Number), wallSeconds: expect.any(Number), etaSeconds: null });
    expect(done.progress.events).toBeGreaterThan(0);
    expect(done).toMatchObject({ attempt: 1, worker: expect.stringContaining(':api'), cancelRequested: false, digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(done.report).toMatchObject({ version: 1, cancelled: false, simulatedMs: 6 * 3_600_000, digest: done.digest });

    const report = (await t.admin().get(`/v1/admin/simulations/${id}/report`).expect(200)).body;
    expect(report).toMatchObject({ simulationId: id, state: 'completed', cancelled: false, digest: done.digest, headline: { energyKWh: expect.any(Number) } });
    expect(report.series.map((s: { name: string; group: string }) => `${s.name}/${s.group}`)).toEqual(
      ['energyKWh/us-east-1a', 'energyKWh/us-east-1b', 'runningVms/us-east-1a', 'runningVms/us-east-1b'],
    );

    const csv = await t.admin().get(`/v1/admin/simulations/${id}/csv?series=energyKWh`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('offsetMs,zone=us-east-1a,zone=us-east-1b');
    expect(lines).toHaveLength(1 + 6);
    const table = await t.admin().get(`/v1/admin/simulations/${id}/csv?table=zones`).expect(200);
    expect(table.text.split('\r\n')[0]).toBe('zone,hosts,energyKWh');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/csv?series=nope`), 400, 'InvalidParameterValue');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/csv`), 400, 'InvalidParameterValue');

    const chart = (await t.admin().get(`/v1/admin/simulations/${id}/series/runningVms`).expect(200)).body;
    expect(chart).toMatchObject({ simulationId: id, name: 'runningVms', unit: 'count', bucketMs: 3_600_000, offsetsMs: [0, 3.6e6, 7.2e6, 1.08e7, 1.44e7, 1.8e7] });
    expect(chart.datasets).toEqual([
      { groupBy: 'zone', group: 'us-east-1a', values: expect.any(Array) },
      { groupBy: 'zone', group: 'us-east-1b', values: expect.any(Array) },
    ]);
    const chartCsv = await t.admin().get(`/v1/admin/simulations/${id}/series/runningVms`).set('Accept', 'text/csv').expect(200);
    expect(chartCsv.text.split('\r\n')[0]).toBe('offsetMs,zone=us-east-1a,zone=us-east-1b');
    expectError(await t.admin().get(`/v1/admin/simulations/${id}/series/nope`), 404, 'InvalidSeries.NotFound');

    // A bigger fleet, the same workload: the compare shows the series side by side and the deltas.
    const other = (await submit({ scenario: scenario({ hours: 6, seed: 1, hostsPerZone: 3 }) })).body.simulationId;
    await until(other, 'completed');
    const cmp = (await t.admin().get(`/v1/admin/simulations/compare?a=${id}&b=${other}`).expect(200)).body;
    expect(cmp.a).toMatchObject({ simulationId: id, state: 'completed' });
    expect(cmp.b).toMatchObject({ simulationId: other, state: 'completed' });
    const e = cmp.headline.energyKWh;
    expect(e.delta).toBeCloseTo(e.b - e.a, 9);
    expect(e.b).toBeGreaterThan(e.a); // more hosts draw more idle power
    expect(e.relativeDelta).toBeCloseTo((e.b - e.a) / e.a, 9);
    expect(cmp.series).toHaveLength(4);
    expect(cmp.series[0]).toEqual({ name: 'energyKWh', unit: 'kWh', bucketMs: 3_600_000, groupBy: 'zone', group: 'us-east-1a', a: expect.any(Array), b: expect.any(Array) });
    expectError(await t.admin().get(`/v1/admin/simulations/compare?a=${id}`), 400, 'MissingParameter');
  });

  it('streams progress as server-sent events until the run ends', async () => {
    const id = (await submit({ scenario: scenario({ hours: 24, wallMsPerSlice: 60 }) })).body.simulationId;
    const res = await fetch(`${await t.app.getUrl()}/v1/admin/simulations/${id}/events`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text(); // the server closes the stream at the end
    const events = text.split('\n\n').filter((b) => b.startsWith('event:')).map((b) => ({
      event: /^event: (\w+)/.exec(b)![1],
      data: JSON.parse(/\ndata: (.*)$/m.exec(b)![1]),
    }));
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { simulationId: id, state: 'completed' } });
    const progress = events.filter((e) => e.event === 'progress' && e.data.state === 'running').map((e) => e.data.progress.simulatedTime);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expectError(await t.admin().get('/v1/admin/simulations/sim-00000000000000000/events'), 404, 'InvalidSimulationID.NotFound');
  });

  it('cancels: a running run keeps its partial results, marked cancelled; a queued one (behind it: one at a time) is cancelled at once', async () => {
    const running = (await submit({ scenario: scenario({ hours: 48, wallMsPerSlice: 100 }) })).body.simulationId;
    const queued = (await submit({ scenario: scenario({ hours: 2 }) })).body.simulationId;
    await eventually(async () => ((await get(running)).progress.simulatedTime >= 2 * 3600 ? true : undefined), 20_000, 'progress');
    expect((await get(queued)).state).toBe('queued');

    const q = (await t.admin().post(`/v1/admin/simulations/${queued}/cancel`).expect(200)).body;
    expect(q).toMatchObject({ state: 'cancelled', cancelRequested: true });
    const r = (await t.admin().post(`/v1/admin/simulations/${running}/cancel`).expect(200)).body;
    expect(r).toMatchObject({ state: 'running', cancelRequested: true });

    const cancelled = await until(running, 'cancelled');
    expect(cancelled.report).toMatchObject({ cancelled: true });
    expect(cancelled.report.simulatedMs).toBeLessThan(48 * 3_600_000);
    expect(cancelled.report.simulatedMs).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(cancelled.report.series[0].points.length).toBe(cancelled.report.simulatedMs / 3_600_000);
    expect((await t.admin().get(`/v1/admin/simulations/${running}/report`).expect(200)).body).toMatchObject({ state: 'cancelled', cancelled: true });

    expect((await get(queued)).state).toBe('cancelled'); // never run
    expectError(await t.admin().post(`/v1/admin/simulations/${queued}/cancel`), 409, 'IncorrectSimulationState');
    expectError(await t.admin().get(`/v1/admin/simulations/${queued}/report`), 409, 'IncorrectSimulationState');
  });

  it('a bad scenario is a 400 InvalidScenario that names the path of each bad field', async () => {
    const bad = scenario();
    (bad.fleet.zones[0] as { hosts: object[] }).hosts.push({ hostType: 'm5-host', count: 0 });
    const e = expectError(await t.admin().post('/v1/admin/simulations', { scenario: { ...bad, durationMs: -1 } }), 400, 'InvalidScenario');
    expect(e.message).toContain('/fleet/zones/0/hosts/1/count: must be ≥ 1');
    expect(e.message).toContain('/durationMs: must be ≥ 1');
    // A built-in scenario's overrides are validated after they are applied.
    const o = expectError(await t.admin().post('/v1/admin/simulations', { builtIn: 'two-zones-day', overrides: { fleet: { zones: [{ name: 'z', hosts: [{ hostType: 'm5-host', count: 0 }] }] } } }), 400, 'InvalidScenario');
    expect(o.message).toContain('/fleet/zones/0/hosts/0/count: must be ≥ 1');
    expectError(await t.admin().post('/v1/admin/simulations', { builtIn: 'nope' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', {}), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), builtIn: 'two-zones-day' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: 'x' }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/simulations', { scenario: scenario(), extra: 1 }), 400, 'ValidationError');
  });

  it('a built-in scenario with overrides runs; runs list newest first, paged; delete', async () => {
    const b = (await submit({ builtIn: 'two-zones-day', overrides: { durationMs: 2 * 3_600_000, seed: 9 } })).body;
    expect(b).toMatchObject({ builtIn: 'two-zones-day', scenario: { seed: 9, durationMs: 7_200_000, name: 'two-zones-day' } });
    await until(b.simulationId, 'completed');

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

    const running = (await submit({ scenario: scenario({ hours: 48, wallMsPerSlice: 50 }) })).body.simulationId;
    await until(running, 'running');
    expectError(await t.admin().delete(`/v1/admin/simulations/${running}`), 409, 'IncorrectSimulationState');
    await t.admin().post(`/v1/admin/simulations/${running}/cancel`).expect(200);
    await until(running, 'cancelled');
    await t.admin().delete(`/v1/admin/simulations/${running}`).expect(204);
  });

  it('is admin-only, and described in OpenAPI', async () => {
    const doc = (await t.anonymous().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/v1/admin/simulations', '/v1/admin/simulations/compare', '/v1/admin/simulations/{id}', '/v1/admin/simulations/{id}/events',
      '/v1/admin/simulations/{id}/cancel', '/v1/admin/simulations/{id}/report', '/v1/admin/simulations/{id}/csv', '/v1/admin/simulations/{id}/series/{name}',
    ]));
    expect(doc.paths['/v1/admin/simulations'].post.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SimulationResponseDto' });
    expect(doc.paths['/v1/admin/simulations'].post.security).toEqual([{ bearer: [] }]);
    const { key } = await t.tenant('sims');
    expectError(await t.as(key).get('/v1/admin/simulations'), 403, 'UnauthorizedOperation');
    expectError(await t.as(key).post('/v1/admin/simulations', { scenario: scenario() }), 403, 'UnauthorizedOperation');
    expectError(await t.anonymous().get('/v1/admin/simulations'), 401, 'AuthFailure');
  });

  it('a run interrupted by a restart of the API is taken up again at the next start, and stored once', async () => {
    const id = (await submit({ scenario: scenario({ hours: 24, wallMsPerSlice: 50 }) })).body.simulationId;
    await eventually(async () => ((await get(id)).progress.simulatedTime > 0 ? true : undefined), 20_000, 'progress');
    t = await t.restart();
    const done = await until(id, 'completed');
    expect(done.attempt).toBe(2);
    expect(done.report.simulatedMs).toBe(24 * 3_600_000);
  });
});
