import request from 'supertest';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from '../apps/api/src/persistence/data-source';
import { AuthService } from '../apps/api/src/application/auth/auth.service';
import { expectError, LINUX_AMI, ManualClock, startApp, TestApp } from './support/app';

/**
 * EC2's request throttling (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html)
 * at EC2's own figures, on a throttle clock the test steps: nothing here depends on how fast the
 * machine answers.
 */
describe('request throttling (EC2 token buckets per tenant and operation)', () => {
  let t: TestApp;
  const clock = new ManualClock();
  beforeAll(async () => {
    t = await startApp(undefined, {}, { throttle: { clockMs: clock.now } });
  });
  afterAll(() => t.close());

  type Send = () => Promise<request.Response>;
  /** Sends until the first 429 (at most `max`); returns how many were not throttled, and that 429. */
  async function untilThrottled(send: Send, max = 500) {
    for (let passed = 0; passed < max; passed++) {
      const res = await send();
      if (res.status === 429) return { passed, res };
    }
    throw new Error(`not throttled after ${max} requests`);
  }

  it('answers 429 RequestLimitExceeded with Retry-After past a bucket, naming the operation, and refills at its rate', async () => {
    const a = await t.tenant('describe-a');
    // DescribeInstances with neither filter nor pagination: EC2's smaller bucket, 50 at 10/s.
    const { passed, res } = await untilThrottled(() => t.as(a.key).get('/v1/instances'));
    expect(passed).toBe(50);
    const err = expectError(res, 429, 'RequestLimitExceeded');
    expect(err.message).toContain('DescribeInstances');
    expect(res.headers['retry-after']).toBe('1');
    clock.advanceSeconds(2);
    expect((await untilThrottled(() => t.as(a.key).get('/v1/instances'))).passed).toBe(20);
  });

  it('keeps the buckets apart: per operation, per tenant, and filtered or paginated describes apart from bare ones', async () => {
    const a = await t.tenant('apart-a');
    const b = await t.tenant('apart-b');
    expect((await untilThrottled(() => t.as(a.key).get('/v1/instances'))).passed).toBe(50);
    await t.as(a.key).get('/v1/volumes').expect(200); // DescribeVolumes
    await t.as(a.key).get('/v1/dedicated-hosts').expect(200); // DescribeHosts
    await t.as(b.key).get('/v1/instances').expect(200); // another tenant
    // Filtered or paginated, DescribeInstances draws from its standard bucket: 100 at 20/s.
    expect((await untilThrottled(() => t.as(a.key).get('/v1/instances?maxResults=5'))).passed).toBe(100);
    expectError(await t.as(a.key).get('/v1/instances?state=running'), 429, 'RequestLimitExceeded');
    expectError(await t.as(a.key).get('/v1/instances/i-0123456789abcdef0'), 429, 'RequestLimitExceeded'); // an id is a filter
    await t.as(a.key).get('/v1/volumes?maxResults=5').expect(200);
  });

  it('sizes each bucket by its operation’s category on the page', async () => {
    const c = await t.tenant('categories');
    // Non-mutating (DescribeHosts): 100. Mutating (CreatePlacementGroup): 50. CreateTags, its own: 100.
    // RunInstances, its own: 5. A request that is then refused for its content has still used its token.
    expect((await untilThrottled(() => t.as(c.key).get('/v1/dedicated-hosts'))).passed).toBe(100);
    expect((await untilThrottled(() => t.as(c.key).post('/v1/placement-groups', {}))).passed).toBe(50);
    expect((await untilThrottled(() => t.as(c.key).put('/v1/instances/i-0123456789abcdef0/tags', { tags: { a: 'b' } }))).passed).toBe(100);
    const run = await untilThrottled(() => t.as(c.key).post('/v1/instances', {}));
    expect(run.passed).toBe(5);
    expect(run.res.body.error.message).toBe('Request limit exceeded for RunInstances: its request bucket (5 tokens, refilled at 2/s) is empty; retry after 1 s.');
    expect(run.res.headers['retry-after']).toBe('1');
  });

  it('takes one resource token per instance RunInstances may launch (maxCount, else 1): 1000 at 2/s', async () => {
    const r = await t.tenant('resources');
    const run = (maxCount?: number) => t.as(r.key).post('/v1/instances', { imageId: 'ami-00000000000000000', instanceType: 't3.micro', ...(maxCount ? { maxCount } : {}) });
    // More instances than the bucket holds: refused for good.
    const never = expectError(await run(1001), 429, 'RequestLimitExceeded');
    expect(never.message).toBe('Request limit exceeded for RunInstances: its resource bucket (1000 instances, refilled at 2/s) cannot cover 1001 instances, and never can; ask for fewer.');
    // A launch that fails (here: no such image) affected no instance, so its tokens come back: 1000 may be asked again and again.
    for (let i = 0; i < 3; i++) {
      const failed = await run(1000);
      expect(failed.status).toBeGreaterThanOrEqual(400);
      expect(failed.status).not.toBe(429);
    }

    // Launches that succeed keep their tokens: a tenant whose bucket is 10 instances at 1/s.
    await t.hosts('m5-host', 'us-east-1a', 1);
    const small = await t.tenant('resources-small');
    await t.admin().patch(`/v1/admin/tenants/${small.tenantId}`, { requestLimits: { multiplier: 1, operations: { RunInstances: { resourceBucketSize: 10, resourceRefillPerSecond: 1 } } } }).expect(200);
    const launch = (maxCount?: number) => t.as(small.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.micro', ...(maxCount ? { maxCount } : {}) });
    expect((await launch(6)).status).toBe(201); // 4 instances left
    const refused = await launch(5);
    const err = expectError(refused, 429, 'RequestLimitExceeded');
    expect(err.message).toContain('RunInstances: its resource bucket (10 instances, refilled at 1/s) cannot cover 5 instances');
    expect(refused.headers['retry-after']).toBe('1'); // 1 instance short, at 1 a second
    expect((await launch(4)).status).toBe(201); // the refusal took nothing
    expect((await launch()).status).toBe(429); // 0 left: even one instance waits
    clock.advanceSeconds(2); // 2 instances back (and 4 requests)
    expect((await launch(2)).status).toBe(201);
    expect((await launch()).status).toBe(429);
  });

  it('lets an admin raise a tenant’s limits, at once and across a restart; bad input is a 400 that changes nothing', async () => {
    const { tenantId, key } = await t.tenant('raised');
    expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.requestLimits).toEqual({ multiplier: 1, operations: {} });
    expect((await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'))).passed).toBe(100);

    const limits = { multiplier: 2, operations: { RunInstances: { bucketSize: 20, refillPerSecond: 4 } } };
    const patched = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: limits }).expect(200);
    expect(patched.body).toMatchObject({ tenantId, quotas: { onDemandVcpus: 64, provisionedIops: 100000 }, requestLimits: limits });
    // At once: the emptied bucket gains the raise's extra 100; RunInstances has 20 × 2.
    expect((await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'))).passed).toBe(100);
    expect((await untilThrottled(() => t.as(key).post('/v1/instances', {}))).passed).toBe(40);

    for (const bad of [
      { multiplier: 0 }, { multiplier: 100_001 }, { operations: { LaunchRockets: { bucketSize: 5 } } },
      { operations: { RunInstances: { bucketSize: -1 } } }, { operations: { RunInstances: { burst: 5 } } }, 'fast',
    ]) {
      const err = expectError(await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: bad }), 400, 'ValidationError');
      expect(err.message).toContain('requestLimits');
    }
    // One part alone keeps the other.
    const multiplierOnly = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: { multiplier: 3 } }).expect(200);
    expect(multiplierOnly.body.requestLimits).toEqual({ ...limits, multiplier: 3 });

    t = await t.restart();
    expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.requestLimits).toEqual({ ...limits, multiplier: 3 });
    expect((await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'), 1000)).passed).toBe(300);
    expect((await untilThrottled(() => t.as(key).post('/v1/instances', {}))).passed).toBe(60);

    // null gives EC2's figures back.
    expect((await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: null }).expect(200)).body.requestLimits).toEqual({ multiplier: 1, operations: {} });
  });

  it('a tenant whose limits were raised launches, describes and is described with them', async () => {
    await t.hosts('m5-host', 'us-east-1a');
    const { tenantId, key } = await t.tenant('raised-and-running');
    const limits = { multiplier: 10, operations: { RunInstances: { bucketSize: 7, refillPerSecond: 3 } } };
    await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: limits }).expect(200);
    const id = (await t.as(key).post('/v1/instances', { imageId: 'ami-0a1e0c00000000a23', instanceType: 'm5.large' }).expect(201)).body.instances[0].instanceId;
    await t.as(key).get(`/v1/instances/${id}`).expect(200);
    expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.requestLimits).toMatchObject(limits);
  });

  it('refuses a throttled request, and a malformed key, without a database round trip', async () => {
    const { key } = await t.tenant('cheap');
    expect((await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'))).passed).toBe(100);
    // Reads go through the read connection (the committed state); watch it and the writer.
    const reader: DataSource = t.app.get(getDataSourceToken(READ_DB));
    const getRepository = jest.spyOn(reader, 'getRepository');
    const query = jest.spyOn(reader, 'query');
    const writerQuery = jest.spyOn(t.app.get(DataSource), 'query');
    try {
      for (let i = 0; i < 20; i++) expectError(await t.as(key).get('/v1/dedicated-hosts'), 429, 'RequestLimitExceeded');
      for (const bad of ['nope', `${key}x`, 'nmb_' + '!'.repeat(43), 'x'.repeat(5000)]) expectError(await t.as(bad).get('/v1/dedicated-hosts'), 401, 'AuthFailure');
      expect([getRepository.mock.calls.length, query.mock.calls.length, writerQuery.mock.calls.length]).toEqual([0, 0, 0]);
      // The spies see the look-ups there are: a well-formed key not yet known is looked up.
      expectError(await t.as(`nmb_${'A'.repeat(43)}`).get('/v1/dedicated-hosts'), 401, 'AuthFailure');
      expect(getRepository.mock.calls.length).toBeGreaterThan(0);
    } finally {
      getRepository.mockRestore();
      query.mockRestore();
      writerQuery.mockRestore();
    }
  });

  it('refuses a key its bucket just refused at the door, before its body is read or it is authenticated, until the bucket refills', async () => {
    const { tenantId, key } = await t.tenant('door');
    expect((await untilThrottled(() => t.as(key).post('/v1/placement-groups', { groupName: 'x', strategy: 'nonsense' }))).passed).toBe(50);
    const identify = jest.spyOn(t.app.get(AuthService), 'identify');
    try {
      // Malformed JSON: a request that got as far as its body would be a 400.
      const res = await t.as(key).post('/v1/placement-groups').set('content-type', 'application/json').send('{"groupName":');
      const err = expectError(res, 429, 'RequestLimitExceeded');
      expect(err.message).toContain('CreatePlacementGroup');
      expect(res.headers['retry-after']).toBe('1');
      expect(identify).not.toHaveBeenCalled();
      // Another route, or a stranger's key, is not refused by it.
      await t.as(key).get('/v1/placement-groups').expect(200);
      expectError(await t.as('nope').post('/v1/placement-groups', {}), 401, 'AuthFailure');
      identify.mockClear();
      // Just before the bucket holds a token again (5/s for a mutating action: 0.2 s), still refused; then it goes through.
      clock.advanceSeconds(0.19);
      expectError(await t.as(key).post('/v1/placement-groups', {}), 429, 'RequestLimitExceeded');
      expect(identify).not.toHaveBeenCalled();
      clock.advanceSeconds(0.01);
      expectError(await t.as(key).post('/v1/placement-groups', { groupName: 'x', strategy: 'nonsense' }), 400, 'ValidationError');
      expect(identify).toHaveBeenCalledTimes(1);
      // Refused again at once; an admin raising the tenant's limits ends that at once too.
      expectError(await t.as(key).post('/v1/placement-groups', {}), 429, 'RequestLimitExceeded');
      await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { requestLimits: { multiplier: 10 } }).expect(200);
      expectError(await t.as(key).post('/v1/placement-groups', { groupName: 'x', strategy: 'nonsense' }), 400, 'ValidationError');
    } finally {
      identify.mockRestore();
    }
  });

  it('holds a refusal at the door until the bucket could hold a token again, so that a looping client is paced to its rate', async () => {
    const { key } = await t.tenant('door-held');
    await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'));
    // DescribeHosts (non-mutating) refills at 20/s: the throttle clock is still where the first
    // refusal was, so a door refusal now waits the whole 50 ms for its answer.
    const t0 = performance.now();
    expectError(await t.as(key).get('/v1/dedicated-hosts'), 429, 'RequestLimitExceeded');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(48);
    // 40 ms of those 50 pass: the next refusal waits only the rest.
    clock.advanceSeconds(0.04);
    const t1 = performance.now();
    expectError(await t.as(key).get('/v1/dedicated-hosts'), 429, 'RequestLimitExceeded');
    expect(performance.now() - t1).toBeGreaterThanOrEqual(8);
    clock.advanceSeconds(0.01);
    await t.as(key).get('/v1/dedicated-hosts').expect(200);
  });

  it('a revoked key is a 401 at once, even while its refusal is remembered', async () => {
    const { tenantId } = await t.tenant('door-revoked');
    const { keyId, key } = (await t.admin().post(`/v1/admin/tenants/${tenantId}/api-keys`).expect(201)).body.apiKey;
    await untilThrottled(() => t.as(key).get('/v1/dedicated-hosts'));
    expectError(await t.as(key).get('/v1/dedicated-hosts'), 429, 'RequestLimitExceeded');
    await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/${keyId}`).expect(204);
    expectError(await t.as(key).get('/v1/dedicated-hosts'), 401, 'AuthFailure');
  });

  it('refuses a revoked key at once; the tenant’s new key works', async () => {
    const { tenantId } = await t.tenant('revoked');
    const created = await t.admin().post(`/v1/admin/tenants/${tenantId}/api-keys`).expect(201);
    const { keyId, key } = created.body.apiKey;
    await t.as(key).get('/v1/quotas').expect(200); // known, and now cached
    await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/${keyId}`).expect(204);
    expectError(await t.as(key).get('/v1/quotas'), 401, 'AuthFailure');
    const second = (await t.admin().post(`/v1/admin/tenants/${tenantId}/api-keys`).expect(201)).body.apiKey.key;
    await t.as(second).get('/v1/quotas').expect(200);
  });
});
