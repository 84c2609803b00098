import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/**
 * Numbers an operator (or a tenant) types are held to the bounds docs/model.md gives them: an
 * absurd one is a 400 that changes nothing, never accepted and never a 500.
 */
describe('numeric inputs at and past their bounds', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  it('scheduler: allocation ratios from 0.1 to 64, the violation window up to a day', async () => {
    const before = (await t.admin().get('/v1/admin/scheduler').expect(200)).body;
    for (const body of [
      { ramAllocationRatio: 2.5e-114 },
      { cpuAllocationRatio: 0.05 },
      { cpuAllocationRatio: 65 },
      { overrides: { hostTypes: { 'm5-host': { ramAllocationRatio: 1e-10 } } } },
      { avoidViolationsWithinMs: Number.MAX_SAFE_INTEGER },
    ]) {
      const e = expectError(await t.admin().put('/v1/admin/scheduler', body), 400, 'InvalidParameterValue');
      expect(e.message).toMatch(/must be (from 0\.1 to 64|an integer of milliseconds from 0 to 86400000)/);
    }
    expect((await t.admin().get('/v1/admin/scheduler').expect(200)).body).toEqual(before);
    const ok = await t.admin().put('/v1/admin/scheduler', { cpuAllocationRatio: 0.1, ramAllocationRatio: 64 }).expect(200);
    expect(ok.body).toMatchObject({ cpuAllocationRatio: 0.1, ramAllocationRatio: 64 });
  });

  it('rebalancer: CPU thresholds from 0.01', async () => {
    const e = expectError(await t.admin().put('/v1/admin/rebalancer', { hotSpot: { cpuThreshold: 1e-300 }, consolidation: { cpuThreshold: 1e-301 } }), 400, 'InvalidParameterValue');
    expect(e.message).toMatch(/cpuThreshold must be from 0.01 to 1/);
  });

  it('prices: at most a million, with at most 10 decimal places', async () => {
    const put = (linux: string) => t.admin().put('/v1/admin/prices', { effectiveFrom: '2030-01-01T00:00:00Z', instanceTypes: { 'm5.large': { hourly: { linux, windows: '9' } } } });
    expectError(await put('0.00000000000000000000001'), 400, 'InvalidPriceBook');
    expectError(await put('1000000.5'), 400, 'InvalidPriceBook');
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body.versions).toHaveLength(1);
  });

  it('credit policy: a minimum duration of at most 31 days', async () => {
    const e = expectError(await t.admin().put('/v1/admin/billing/credit-policy', { guaranteeViolation: { creditPercent: '10', minimumDurationMs: Number.MAX_SAFE_INTEGER } }), 400, 'InvalidCreditPolicy');
    expect(e.message).toMatch(/from 0 to 2678400000/);
  });

  it('a number written with an exponent is checked, not a 500: the clock\'s seconds, an instance\'s CPU reservation', async () => {
    const e = expectError(await t.admin().post('/v1/admin/clock/advance', { seconds: 1e-9 }), 400, 'ValidationError');
    expect(e.message).toMatch(/seconds must be a number with at most 3 decimal places/);
    await t.hosts('m5-host', 'us-east-1a', 1);
    const { key } = await t.tenant('bounds');
    const launch = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 1, maxCount: 1, cpu: { reservation: 1e-9 } });
    expect(expectError(launch, 400, 'ValidationError').message).toMatch(/reservation must be a number with at most 3 decimal places/);
    await t.admin().post('/v1/admin/clock/advance', { seconds: 0.001 }).expect(200);
  });
});
