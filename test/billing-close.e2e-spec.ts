import { Decimal } from 'decimal.js';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness, HOUR_MS, iso } from './support/billing';

const half = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/**
 * Closing a month (docs/model.md §5): a month with a host failure gets the availability and credit
 * tier by hand; close happens once and only after the month ended; a closed invoice is immutable,
 * reproducible from usage to the cent, and downloadable as CSV; tenants see only their own.
 */
describe('billing: a month with a host failure, closed', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  let key: string;
  let tenantId: string;
  let other: string;
  let hostId: string;
  let instanceId: string;
  let start: number;
  let end: number;
  let month: string;
  const failedAfterMs = 10 * 24 * HOUR_MS;
  const downMs = 8 * HOUR_MS;

  beforeAll(async () => {
    t = await startApp();
    [hostId] = await t.hosts('m5-host', 'us-east-1a', 1);
    ({ key, tenantId } = await h.tenant('sla'));
    ({ key: other } = await h.tenant('other'));
    const d = new Date(await h.nowMs());
    start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 1);
    month = iso(start).slice(0, 7);
    // Running from the first millisecond of the month (Amazon Linux boots in 15 s), with auto-recovery off,
    // so the instance waits for its host's repair: 8 hours impaired.
    await h.advanceTo(start - 15_000);
    instanceId = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large', maintenanceOptions: { autoRecovery: 'disabled' } });
    await h.launch(other, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await t.advance(15);
    await h.advanceTo(start + failedAfterMs);
    await t.admin().post(`/v1/admin/hosts/${hostId}/fail`).expect(200);
    await t.advance(downMs / 1000);
    expect(await t.as(key).get(`/v1/instances/${instanceId}`).expect(200).then((r) => r.body.statusCheck)).toBe('impaired');
    await t.admin().post(`/v1/admin/hosts/${hostId}/repair`).expect(200);
  });
  afterAll(() => t.close());

  // By hand: the instance ran (and was billed) all month, H hours; it was unavailable 8 h of them.
  const hours = () => new Decimal(end - start).div(HOUR_MS);
  const compute = () => hours().times('0.096');
  // Its public IPv4 address, held from its launch 15 s before the month: the month's H hours × $0.005 (not credited: the SLA credits compute).
  const address = () => hours().times('0.005');

  it('refuses to close a month that has not ended yet, and shows it as an estimate', async () => {
    expectError(await t.admin().post('/v1/admin/billing/close', { month }), 409, 'BillingMonthNotEnded');
    const inv = await h.invoice(key, month);
    expect(inv.status).toBe('estimate');
  });

  it('closes the month: availability 1 − 8 h / H falls in the 30 % instance tier (below 99.0 %)', async () => {
    await h.advanceTo(end);
    const closed = await t.admin().post('/v1/admin/billing/close', { month }).expect(200);
    expect(closed.body).toMatchObject({ month, invoices: 2, currency: 'USD' });
    const inv = await h.invoice(key, month);
    expect(inv.status).toBe('closed');
    expect(h.line(inv, 'ec2-instance/m5.large/linux')).toMatchObject({ quantity: hours().toFixed(), amount: half(compute()) });
    const uptime = new Decimal(1).minus(new Decimal(downMs).div(end - start)).times(100);
    expect(uptime.lt(99) && uptime.gte(95)).toBe(true);
    const credit = h.line(inv, 'sla-credit/instance/30pct');
    // 30 % of the month's compute, rounded once: e.g. 30 days → 720 h × 0.096 = 69.12 × 0.3 = 20.736 → −20.74.
    expect(credit).toMatchObject({ unitPrice: '-0.30', amount: half(compute().times('0.3').neg()) });
    expect(credit.description).toContain(`${instanceId} (uptime ${uptime.toDecimalPlaces(3).toFixed()} %)`);
    // One zone: the region is never unavailable to this tenant (the SLA needs more than one zone down).
    expect(inv.lines.some((l) => l.lineId === 'sla-credit/region')).toBe(false);
    expect(h.line(inv, 'public-ipv4/in-use')).toMatchObject({ quantity: hours().toFixed(), amount: half(address()) });
    expect(inv).toMatchObject({ subtotal: new Decimal(half(compute())).plus(half(address())).toFixed(2), credits: half(compute().times('0.3').neg()) });
    expect(inv.total).toBe(new Decimal(inv.subtotal).plus(inv.credits).toFixed(2));
  });

  it('refuses to close it twice (409) and leaves the invoice exactly as it was, reproducible from usage', async () => {
    const before = await h.invoice(key, month);
    expectError(await t.admin().post('/v1/admin/billing/close', { month }), 409, 'InvoiceAlreadyClosed');
    await t.advance(3 * 24 * 3600); // the instance keeps running into the next month
    const after = await h.invoice(key, month);
    expect(after).toEqual(before);
    const recomputed = (await t.admin().get(`/v1/admin/invoices/${before.invoiceId}`).query({ recompute: 'true' }).expect(200)).body.recomputed;
    expect(recomputed).toEqual({ subtotal: before.subtotal, credits: before.credits, total: before.total, matches: true });
  });

  it('lists closed invoices for the admin by month and tenant, and downloads one as CSV', async () => {
    const list = (await t.admin().get('/v1/admin/invoices').query({ month }).expect(200)).body;
    expect(list).toMatchObject({ month, status: 'closed' });
    expect(list.invoices).toHaveLength(2);
    const mine = list.invoices.find((i: { tenantId: string }) => i.tenantId === tenantId);
    const res = await t.admin().get(`/v1/admin/invoices/${mine.invoiceId}`).set('Accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = res.text.trim().split('\r\n');
    expect(rows[0]).toBe('tenantId,month,lineId,product,licenseProduct,description,quantity,unit,unitPrice,amount,currency');
    expect(rows.at(-1)).toBe(`${mine.tenantId},${month},total,,,,,,,${mine.total},USD`);
  });

  it('summarises the month: revenue by tenant and product, credits', async () => {
    const s = (await t.admin().get('/v1/admin/billing/summary').query({ month }).expect(200)).body;
    expect(s).toMatchObject({ month, status: 'closed', currency: 'USD' });
    expect(s.revenueByTenant).toHaveLength(2);
    expect(s.revenueByProduct).toEqual([
      { product: 'ec2-instance', amount: new Decimal(half(compute())).times(2).toFixed(2) },
      { product: 'public-ipv4', amount: new Decimal(half(address())).times(2).toFixed(2) },
    ]);
    // The other tenant's instance was on the same (only) host: auto-recovery found no room, so it too was down 8 h.
    expect(s.credits.total).toBe(new Decimal(half(compute().times('0.3').neg())).times(2).toFixed(2));
    expect(s.total).toBe(new Decimal(s.subtotal).plus(s.credits.total).toFixed(2));
  });

  it("answers another tenant's invoice as 404, like a missing one", async () => {
    const mine = await h.invoice(key, month);
    expectError(await t.as(other).get(`/v1/invoices/${mine.invoiceId}`), 404, 'InvalidInvoiceID.NotFound');
    expectError(await t.as(other).get('/v1/invoices/inv-0123456789abcdef0'), 404, 'InvalidInvoiceID.NotFound');
    const estimate = (await t.as(key).get('/v1/invoices').expect(200)).body.invoices.find((i: { status: string }) => i.status === 'estimate');
    expectError(await t.as(other).get(`/v1/invoices/${estimate.invoiceId}`), 404, 'InvalidInvoiceID.NotFound');
  });

  it('refuses bad input with a clear 4xx, never a 500', async () => {
    expectError(await t.admin().post('/v1/admin/billing/close', { month: '2025-13' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/billing/close', {}), 400, 'MissingParameter');
    expectError(await t.admin().post('/v1/admin/billing/close', { month, extra: 1 }), 400, 'InvalidParameterValue');
    expectError(await t.admin().get('/v1/admin/billing/summary').query({ month: 'April' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().get('/v1/admin/billing/summary'), 400, 'InvalidParameterValue');
    expectError(await t.admin().get('/v1/admin/invoices').query({ tenantId: 'nope' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().get('/v1/admin/invoices/bogus'), 400, 'InvalidInvoiceID.Malformed');
    expectError(await t.as(key).get('/v1/usage').query({ groupBy: 'colour' }), 400, 'InvalidParameterValue');
    expectError(await t.as(key).get('/v1/usage').query({ from: 'yesterday' }), 400, 'InvalidParameterValue');
    expectError(await t.as(key).get('/v1/usage').query({ from: iso(end), to: iso(start) }), 400, 'InvalidParameterValue');
    for (const path of ['/v1/admin/prices', '/v1/admin/billing/summary?month=2025-01', '/v1/admin/invoices', '/v1/admin/billing/credit-policy']) {
      expectError(await t.as(key).get(path), 403, 'UnauthorizedOperation');
    }
    expectError(await t.as(key).post('/v1/admin/billing/close', { month }), 403, 'UnauthorizedOperation');
  });
});

describe('billing: the price book and the credit policy (admin)', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
  });
  afterAll(() => t.close());

  it('is seeded with AWS us-east-1 On-Demand list prices', async () => {
    const book = (await t.admin().get('/v1/admin/prices').expect(200)).body;
    expect(book.current).toBe('aws-us-east-1-seed');
    expect(book.versions[0]).toMatchObject({ version: 'aws-us-east-1-seed', effectiveFrom: iso(0), currency: 'USD' });
    expect(book.versions[0].instanceTypes['m5.large'].hourly).toEqual({ linux: '0.096', windows: '0.188' });
    // Amazon VPC pricing, "Public IPv4 address": $0.005 per IP per hour, in use or idle.
    expect(book.versions[0].publicIpv4).toEqual({ inUsePerHour: '0.005', idlePerHour: '0.005' });
    // Amazon VPC pricing, "NAT Gateway pricing": $0.045 per NAT gateway-hour, and $0.045 per GB processed.
    expect(book.versions[0].natGateway).toEqual({ perHour: '0.045', perGbProcessed: '0.045' });
    // Amazon CloudWatch pricing: detailed monitoring as custom metrics, $0.30 per metric-month, 7 metrics an instance (its Example 1).
    expect(book.versions[0].detailedMonitoring).toEqual({ perMetricMonth: '0.30', metricsPerInstance: 7 });
  });

  it('takes a price change as a new version from its effective time; usage before it keeps the old price', async () => {
    const { key } = await h.tenant('repriced');
    const [start, , month] = await h.nextMonth();
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    const change = start + 4 * HOUR_MS + 15_000;
    const put = await t.admin().put('/v1/admin/prices', { version: 'm5-up', effectiveFrom: iso(change), instanceTypes: { 'm5.large': { hourly: { linux: '0.100' } } } }).expect(200);
    expect(put.body).toMatchObject({ version: 'm5-up', effectiveFrom: iso(change) });
    expect(put.body.instanceTypes['m5.large'].hourly).toEqual({ linux: '0.100', windows: '0.188' });
    expect(put.body.instanceTypes['c5.large'].hourly.linux).toBe('0.085');
    await t.advance(15 + 10 * 3600);
    await h.op(key, id, 'stop');
    const inv = await h.invoice(key, month);
    // 4 h × 0.096 = 0.384 → 0.38 at the old price; 6 h × 0.100 = 0.60 at the new one.
    expect(h.line(inv, 'ec2-instance/m5.large/linux/license-included/default/aws-us-east-1-seed')).toMatchObject({ quantity: '4', amount: '0.38' });
    expect(h.line(inv, 'ec2-instance/m5.large/linux/license-included/default/m5-up')).toMatchObject({ quantity: '6', amount: '0.60' });
    // The catalog shows the version in effect now.
    const types = (await t.as(key).get('/v1/instance-types').expect(200)).body.instanceTypes;
    expect(types.find((x: { name: string }) => x.name === 'm5.large').hourlyPriceUsd.linux).toBe('0.10');
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body.current).toBe('m5-up');
  });

  it('refuses a price change in the past, a float price, a duplicate version and unknown fields', async () => {
    expectError(await t.admin().put('/v1/admin/prices', { effectiveFrom: '2000-01-01T00:00:00Z', dedicatedInstanceMultiplier: '1.2' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().put('/v1/admin/prices', { instanceTypes: { 'm5.large': { hourly: { linux: 0.1 } } } }), 400, 'InvalidPriceBook');
    expectError(await t.admin().put('/v1/admin/prices', { version: 'm5-up' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().put('/v1/admin/prices', { colour: 'blue' }), 400, 'InvalidParameterValue');
    // JSON of the wrong shape: a clear 400, and no version added (a 500, and a version with `instanceTypes: 1`, before).
    const before = (await t.admin().get('/v1/admin/prices').expect(200)).body;
    for (const body of [{ instanceTypes: 'x' }, { instanceTypes: 1 }, { ebs: 1 }, { publicIpv4: 1 }, { publicIpv4: { idlePerHour: 0.006 } }, { natGateway: 1 }, { natGateway: { perHour: 0.05 } }, { natGateway: { perGbProcessed: 0.05 } }, { detailedMonitoring: 1 }, { detailedMonitoring: { metricsPerInstance: 0 } }, { detailedMonitoring: { perMetricMonth: 0.3 } }, { licenses: { linux: 'x' } }, { dataTransfer: { internetOutTiers: {} } }])
      expectError(await t.admin().put('/v1/admin/prices', body), 400, 'InvalidPriceBook');
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body).toEqual(before);
  });

  it('refuses a price change that changes no price, and adds no version for it', async () => {
    const before = (await t.admin().get('/v1/admin/prices').expect(200)).body;
    expectError(await t.admin().put('/v1/admin/prices', {}), 400, 'MissingParameter');
    expectError(await t.admin().put('/v1/admin/prices', { version: 'nothing-new' }), 400, 'MissingParameter');
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body).toEqual(before);
  });

  it('takes a change of the public IPv4 prices, merged onto the version in effect', async () => {
    const put = await t.admin().put('/v1/admin/prices', { version: 'idle-up', publicIpv4: { idlePerHour: '0.006' } }).expect(200);
    expect(put.body.publicIpv4).toEqual({ inUsePerHour: '0.005', idlePerHour: '0.006' });
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body.current).toBe('idle-up');
  });

  it('takes a change of the NAT gateway-hour price, merged onto the version in effect', async () => {
    await t.advance(1); // one version per instant: the one before took effect now
    const put = await t.admin().put('/v1/admin/prices', { version: 'nat-up', natGateway: { perHour: '0.05' } }).expect(200);
    expect(put.body.natGateway).toEqual({ perHour: '0.05', perGbProcessed: '0.045' });
    expect(put.body.publicIpv4).toEqual({ inUsePerHour: '0.005', idlePerHour: '0.006' });
  });

  it('takes a change of the detailed monitoring price, merged onto the version in effect', async () => {
    // A minute on: the version before took effect at the previous instant.
    await t.advance(60);
    const put = await t.admin().put('/v1/admin/prices', { version: 'monitoring-up', detailedMonitoring: { perMetricMonth: '0.35' } }).expect(200);
    expect(put.body.detailedMonitoring).toEqual({ perMetricMonth: '0.35', metricsPerInstance: 7 });
    expect((await t.admin().get('/v1/admin/prices').expect(200)).body.current).toBe('monitoring-up');
  });

  it('takes a change of the NAT gateway\'s price per GB processed alone, the hourly price kept', async () => {
    await t.advance(1);
    const put = await t.admin().put('/v1/admin/prices', { version: 'nat-bytes-up', natGateway: { perGbProcessed: '0.05' } }).expect(200);
    expect(put.body.natGateway).toEqual({ perHour: '0.05', perGbProcessed: '0.05' });
  });

  it('sets the credit policy for guarantee violations', async () => {
    const policy = (await t.admin().put('/v1/admin/billing/credit-policy', { guaranteeViolation: { creditPercent: '25', minimumDurationMs: 60_000 } }).expect(200)).body;
    expect(policy.guaranteeViolation).toEqual({ creditPercent: '25', minimumDurationMs: 60_000 });
    expect((await t.admin().get('/v1/admin/billing/credit-policy').expect(200)).body).toEqual(policy);
    expectError(await t.admin().put('/v1/admin/billing/credit-policy', { guaranteeViolation: { creditPercent: '150', minimumDurationMs: 0 } }), 400, 'InvalidCreditPolicy');
  });
});

describe('billing: a guarantee violation is credited by the credit policy', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('c5-host', 'us-east-1a', 1); // 248 GiB for guests
  });
  afterAll(() => t.close());

  it('credits memory the hypervisor swapped (RAM overcommitted 2:1), by the admin policy, and reports it per tenant', async () => {
    await t.admin().put('/v1/admin/scheduler', { overrides: { hostTypes: { 'c5-host': { ramAllocationRatio: 2 } } } }).expect(200);
    await t.admin().put('/v1/admin/billing/credit-policy', { guaranteeViolation: { creditPercent: '50', minimumDurationMs: 0 } }).expect(200);
    const [start, , month] = await h.nextMonth();
    const { key, tenantId } = await h.tenant('swapped');
    // 40 × c5.xlarge (8 GiB each): 320 GiB configured on 248 GiB (no CPU reserved, so that the CPU admits them).
    const ids = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'c5.xlarge', availabilityZone: 'us-east-1a', minCount: 40, maxCount: 40, cpu: { reservation: 0 } }).expect(201))
      .body.instances.map((i: { instanceId: string }) => i.instanceId) as string[];
    await h.advanceTo(start + 60_000); // all running (Amazon Linux boots in 15 s)
    const workingSet = async (mib: number) => {
      for (const id of ids) await t.as(key).put(`/v1/instances/${id}/workload`, { memory: { workingSetMiB: mib, dirtyRateMiBps: 0 } }).expect(200);
    };
    await workingSet(7_000); // 280 GiB of working sets: shared, ballooned, then swapped
    await h.advanceTo(start + 60_000 + 2 * HOUR_MS);
    await workingSet(1_000); // nothing swapped any more: the violations end
    await h.advanceTo(start + 3 * HOUR_MS);
    for (const id of ids) await h.op(key, id, 'stop');
    await t.advance(60);

    const summary = (await t.admin().get('/v1/admin/billing/summary').query({ month }).expect(200)).body;
    const reported = summary.guaranteeViolations.find((v: { tenantId: string }) => v.tenantId === tenantId);
    expect(reported.violations).toBeGreaterThan(0);
    // Each violated instance was short for the 2 hours of big working sets, to the millisecond.
    expect(reported.violatedSeconds).toBe(reported.violations * 2 * 3600);
    const inv = await h.invoice(key, month);
    const compute = h.line(inv, 'ec2-instance/c5.xlarge/linux');
    const credit = h.line(inv, 'guarantee-credit/instances');
    // 50 % of $0.17 per instance-hour for the violated instance-hours.
    const expected = new Decimal(0.17).times(reported.violatedSeconds / 3600).times(0.5);
    expect(credit.amount).toBe(expected.neg().toFixed(2));
    expect(credit.description).toContain('memory');
    // And their 40 public IPv4 addresses, held 3 h and the 10 s shutdown each: 120.11 h × $0.005 = 0.6006 → $0.60.
    const addresses = h.line(inv, 'public-ipv4/in-use');
    expect(addresses.amount).toBe('0.60');
    expect(new Decimal(inv.total).toFixed(2)).toBe(new Decimal(compute.amount).plus(addresses.amount).plus(credit.amount).toFixed(2));
  });
});
