import request from 'supertest';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const MISSING_ID = 'i-0123456789abcdef0';

/** Tenant isolation: another tenant's instance answers exactly as a missing one, and is never listed or counted. */
describe('tenant isolation', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let aRunning: string;
  let aStopped: string;
  let aIds: string[];
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
    await t.hosts('m5-host', 'us-east-1b', 1);
    ({ key: a } = await t.tenant('alpha'));
    ({ key: b } = await t.tenant('bravo'));
    const run = async (key: string, body: object) =>
      (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', ...body }).expect(201)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    [aRunning] = await run(a, { availabilityZone: 'us-east-1a', tags: { env: 'prod', owner: 'alpha' } });
    [aStopped] = await run(a, { availabilityZone: 'us-east-1b', tags: { env: 'prod' } });
    const more = await run(a, { instanceType: 'm5.xlarge', minCount: 3, maxCount: 3, tags: { env: 'dev' } });
    await t.advance(15);
    await t.as(a).post(`/v1/instances/${aStopped}/stop`).expect(200);
    await t.advance(10);
    aIds = [aRunning, aStopped, ...more].sort();
    // B has one instance of its own, with a tag that collides with A's
    await run(b, { availabilityZone: 'us-east-1a', tags: { env: 'prod' } });
  });
  afterAll(() => t.close());

  /** A 404 body with the id replaced, so two answers can be compared whatever the id. */
  const shape = (res: request.Response, id: string) => {
    const err = expectError(res, 404, 'InvalidInstanceID.NotFound');
    return { status: res.status, code: err.code, message: err.message.split(id).join('<id>'), keys: Object.keys(res.body.error).sort() };
  };

  const routes: [string, (key: string, id: string) => request.Test][] = [
    ['GET /v1/instances/{id}', (key, id) => t.as(key).get(`/v1/instances/${id}`)],
    ['GET /v1/instances/{id}/password-data', (key, id) => t.as(key).get(`/v1/instances/${id}/password-data`)],
    ['POST /v1/instances/{id}/start', (key, id) => t.as(key).post(`/v1/instances/${id}/start`)],
    ['POST /v1/instances/{id}/stop', (key, id) => t.as(key).post(`/v1/instances/${id}/stop`)],
    ['POST /v1/instances/{id}/reboot', (key, id) => t.as(key).post(`/v1/instances/${id}/reboot`)],
    ['DELETE /v1/instances/{id}', (key, id) => t.as(key).delete(`/v1/instances/${id}`)],
    ['PUT /v1/instances/{id}/tags', (key, id) => t.as(key).put(`/v1/instances/${id}/tags`, { tags: { owner: 'bravo' } })],
    ['DELETE /v1/instances/{id}/tags/{key}', (key, id) => t.as(key).delete(`/v1/instances/${id}/tags/owner`)],
  ];

  it.each(routes)('%s on A\'s instance answers B exactly as a missing id does', async (_, call) => {
    for (const target of [aRunning, aStopped]) {
      const foreign = shape(await call(b, target), target);
      const missing = shape(await call(b, MISSING_ID), MISSING_ID);
      expect(foreign).toEqual(missing);
    }
  });

  it('none of B\'s attempts changed A\'s instances', async () => {
    const running = (await t.as(a).get(`/v1/instances/${aRunning}`).expect(200)).body;
    expect(running.state).toEqual({ name: 'running', code: 16 });
    expect(running.tags).toEqual({ env: 'prod', owner: 'alpha' });
    const stopped = (await t.as(a).get(`/v1/instances/${aStopped}`).expect(200)).body;
    expect(stopped.state).toEqual({ name: 'stopped', code: 80 });
    expect(stopped.tags).toEqual({ env: 'prod' });
  });

  it('B\'s list never shows A\'s instances, with or without filters', async () => {
    const ids = async (query: Record<string, string | number>) =>
      (await t.as(b).get('/v1/instances').query(query).expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    const own = await ids({});
    expect(own).toHaveLength(1);
    const queries: Record<string, string | number>[] = [
      {},
      { state: 'running' },
      { state: 'stopped' },
      { instanceType: 'm5.xlarge' },
      { availabilityZone: 'us-east-1a' },
      { availabilityZone: 'us-east-1b' },
      { 'tag:env': 'prod' },
      { 'tag:env': 'dev' },
      { 'tag:owner': 'alpha' },
      { maxResults: 5 },
    ];
    for (const query of queries) {
      const seen = await ids(query);
      for (const id of aIds) expect(seen).not.toContain(id);
    }
    expect(await ids({ 'tag:env': 'prod' })).toEqual(own);
    expect(await ids({ state: 'stopped' })).toEqual([]);
  });

  it('a page token starting before every id still shows B only its own instances', async () => {
    const token = Buffer.from(JSON.stringify({ after: 'i-00000000000000000' })).toString('base64url');
    const res = await t.as(b).get('/v1/instances').query({ nextToken: token, maxResults: 5 }).expect(200);
    for (const i of res.body.instances) expect(aIds).not.toContain(i.instanceId);
  });

  it('A still sees all of its own, and none of B\'s', async () => {
    const seen = (await t.as(a).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId).sort();
    expect(seen).toEqual(aIds);
  });

  it('B\'s quota is unaffected by A\'s instances', async () => {
    expect((await t.as(a).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 64, used: 2 + 3 * 4 });
    expect((await t.as(b).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 64, used: 2 });
    // B can use its whole quota regardless of A
    await t.as(b).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 31, maxCount: 31 }).expect(201);
    expect((await t.as(b).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 64, used: 64 });
    expect((await t.as(a).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(14);
  });
});
