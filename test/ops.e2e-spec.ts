import { HealthService } from '../apps/api/src/application/health/health.service';
import { SimulationQueue } from '../apps/api/src/application/simulations/simulation-writes';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/** The value of one sample of a Prometheus text exposition (undefined when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (want.every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe('operations: liveness, readiness and Prometheus metrics', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startApp();
    ({ key } = await t.tenant('ops', { onDemandVcpus: 100 }));
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(() => t.close());

  const metrics = async () => (await t.admin().get('/metrics').expect(200)).text;

  it('GET /health/live answers 200 without a key', async () => {
    expect((await t.anonymous().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
  });

  it('GET /health/ready checks the database, the engine, and Redis when simulations use it', async () => {
    const res = await t.anonymous().get('/health/ready').expect(200);
    const viaRedis = t.app.get(SimulationQueue).mode === 'bullmq';
    expect(res.body).toEqual({
      status: 'ok',
      checks: {
        database: { status: 'up', kind: expect.stringMatching(/^(sqlite|postgres)$/) },
        // The manual clock never lags.
        engine: { status: 'up', pacingLagSeconds: 0, queued: 0 },
        ...(viaRedis ? { redis: { status: 'up' } } : {}),
      },
    });
    // CI runs with Redis (.ci/run starts it): there, simulations go through it.
    if (process.env.CI === 'true') expect(viaRedis).toBe(true);
  });

  it('Redis down, when simulations use it, makes /health/ready 503 naming it', async () => {
    const queue = t.app.get(SimulationQueue);
    const real = { mode: queue.mode, unavailable: queue.unavailable.bind(queue) };
    Object.assign(queue, { mode: 'bullmq', unavailable: async () => 'Redis at redis://127.0.0.1:6379 does not answer' });
    try {
      const res = await t.anonymous().get('/health/ready');
      expect(expectError(res, 503, 'ServiceUnavailable').message).toBe('not ready: redis (Redis at redis://127.0.0.1:6379 does not answer)');
    } finally {
      Object.assign(queue, real);
    }
  });

  it('a dependency that is down makes /health/ready 503 ServiceUnavailable naming it, with Retry-After', async () => {
    const health = t.app.get(HealthService);
    const real = health.database.bind(health);
    health.database = async () => ({ up: false, reason: 'sqlite does not answer: disk I/O error' });
    try {
      const res = await t.anonymous().get('/health/ready');
      expect(expectError(res, 503, 'ServiceUnavailable').message).toBe('not ready: database (sqlite does not answer: disk I/O error)');
      expect(res.headers['retry-after']).toBe('5');
    } finally {
      health.database = real;
    }
    await t.anonymous().get('/health/ready').expect(200);
  });

  it('GET /metrics is the admin\'s: 401 without a key, 403 with a tenant\'s', async () => {
    expectError(await t.anonymous().get('/metrics'), 401, 'AuthFailure');
    expectError(await t.as(key).get('/metrics'), 403, 'UnauthorizedOperation');
  });

  it('GET /metrics counts requests by route template, the write path\'s commits, and the fleet by state', async () => {
    const before = await metrics();
    const launchesBefore = sample(before, 'nimbus_http_requests_total', { route: '/v1/instances', method: 'POST', status: '201' }) ?? 0;
    const commitsBefore = sample(before, 'nimbus_commit_batch_size_count') ?? 0;
    const { instances } = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 2, maxCount: 2 }).expect(201)).body;
    await t.as(key).get(`/v1/instances/${instances[0].instanceId}`).expect(200);
    await t.as(key).get('/v1/instances/i-00000000000000000').expect(404);

    const res = await t.admin().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(sample(text, 'nimbus_http_requests_total', { route: '/v1/instances', method: 'POST', status: '201' })).toBe(launchesBefore + 1);
    // By the route's template, not its URL: both describes count under /v1/instances/:id.
    expect(sample(text, 'nimbus_http_requests_total', { route: '/v1/instances/:id', method: 'GET', status: '200' })).toBe(1);
    expect(sample(text, 'nimbus_http_requests_total', { route: '/v1/instances/:id', method: 'GET', status: '404' })).toBe(1);
    expect(sample(text, 'nimbus_http_request_duration_seconds_count', { route: '/v1/instances/:id', method: 'GET' })).toBe(2);
    expect(sample(text, 'nimbus_commit_batch_size_count')).toBeGreaterThan(commitsBefore);
    expect(sample(text, 'nimbus_write_queue_depth')).toBe(0);
    expect(sample(text, 'nimbus_instances', { state: 'pending' })).toBe(2);
    expect(sample(text, 'nimbus_hosts', { state: 'available' })).toBe(2);
    expect(sample(text, 'nimbus_clock_rate')).toBe(0);
    expect(sample(text, 'nimbus_simulation_runs', { state: 'completed' })).toBe(0);
    // Node's own metrics, under the same prefix.
    expect(sample(text, 'nimbus_process_cpu_seconds_total')).toBeGreaterThan(0);

    // Once they run (boot over), the fleet's memory is in use and the engine has run events.
    await t.advance(120);
    const after = await metrics();
    expect(sample(after, 'nimbus_instances', { state: 'running' })).toBe(2);
    expect(sample(after, 'nimbus_engine_events_total')).toBeGreaterThan(0);
    expect(sample(after, 'nimbus_fleet_utilization_ratio', { resource: 'memory' })).toBeGreaterThan(0);
  });
});
