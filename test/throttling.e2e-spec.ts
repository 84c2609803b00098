import { expectError, startApp, TestApp } from './support/app';

describe('request throttling (EC2 token buckets)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('answers 429 RequestLimitExceeded past the bucket, per tenant and per action', async () => {
    const a = await t.tenant('busy');
    const b = await t.tenant('calm');
    // 100 tokens at 20/s: 140 back-to-back describes cannot all pass.
    const statuses: number[] = [];
    for (let i = 0; i < 140; i++) {
      const res = await t.as(a.key).get('/v1/instances');
      statuses.push(res.status);
      if (res.status === 429) {
        const err = expectError(res, 429, 'RequestLimitExceeded');
        expect(err.message).toContain('InstancesController.list');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses).toContain(429);
    // Another action of the same tenant, and another tenant, have their own buckets.
    await t.as(a.key).get('/v1/quotas').expect(200);
    await t.as(b.key).get('/v1/instances').expect(200);
  });
});
