import { expectError, startApp, TestApp } from './support/app';

/** A route refuses query parameters it does not take (400 ValidationError), and changes nothing. */
describe('unknown query parameters', () => {
  let t: TestApp;
  let tenant: { tenantId: string; key: string };
  beforeAll(async () => {
    t = await startApp();
    tenant = await t.tenant('q');
  });
  afterAll(() => t?.close());

  it('are refused by the admin PUT and PATCH routes, which then change nothing', async () => {
    const scheduler = (await t.admin().get('/v1/admin/scheduler').expect(200)).body;
    const e = expectError(await t.admin().put('/v1/admin/scheduler?ramRatio=2', { ramAllocationRatio: 2 }), 400, 'ValidationError');
    expect(e.message).toBe("unknown query parameter 'ramRatio' (this route takes none)");
    expect((await t.admin().get('/v1/admin/scheduler').expect(200)).body).toEqual(scheduler);

    const rebalancer = (await t.admin().get('/v1/admin/rebalancer').expect(200)).body;
    expectError(await t.admin().put('/v1/admin/rebalancer?__proto__[x]=1', { maxConcurrentMigrations: 3 }), 400, 'ValidationError');
    expect((await t.admin().get('/v1/admin/rebalancer').expect(200)).body).toEqual(rebalancer);

    const policy = (await t.admin().get('/v1/admin/billing/credit-policy').expect(200)).body;
    expectError(await t.admin().put('/v1/admin/billing/credit-policy?period=1', { guaranteeViolation: { creditPercent: '50' } }), 400, 'ValidationError');
    expect((await t.admin().get('/v1/admin/billing/credit-policy').expect(200)).body).toEqual(policy);

    expectError(await t.admin().patch(`/v1/admin/tenants/${tenant.tenantId}?a=1&b=2`, { quotas: { onDemandVcpus: 77 } }), 400, 'ValidationError');
    expect((await t.admin().get(`/v1/admin/tenants/${tenant.tenantId}`).expect(200)).body.quotas.onDemandVcpus).not.toBe(77);
  });

  it('are refused by tenant routes too, after authentication (a stranger still gets 401)', async () => {
    expectError(await t.as(tenant.key).post('/v1/access-keys?x=1'), 400, 'ValidationError');
    expect((await t.as(tenant.key).get('/v1/access-keys').expect(200)).body.accessKeys).toEqual([]);
    expectError(await t.anonymous().post('/v1/access-keys?x=1'), 401, 'AuthFailure');
  });

  it('leave the parameters a route names, and a query DTO\'s, accepted', async () => {
    await t.admin().get('/v1/admin/hosts?availabilityZone=us-east-1a').expect(200);
    expectError(await t.admin().get('/v1/admin/hosts?availabilityZone=us-east-1a&zone=x'), 400, 'ValidationError');
    await t.as(tenant.key).get('/v1/instances?maxResults=5').expect(200);
    expectError(await t.as(tenant.key).get('/v1/instances?maxResultz=5'), 400, 'ValidationError');
  });
});
