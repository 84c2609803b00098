import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness, HOUR_MS } from './support/billing';

/**
 * The admin routes the dashboard reads that the API did not have: revenue by day, product and
 * tenant; the fleet heatmap; a tenant's keys, usage and instances; every tenant's licence
 * configurations. Figures are hand-worked from the seed price book (m5.large Linux $0.096/h).
 */
describe('dashboard admin routes', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  let alpha: { tenantId: string; key: string };
  let beta: { tenantId: string; key: string };
  let month: string;
  let busyHost: string;

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    [, , month] = await h.nextMonth();
    alpha = await h.tenant('alpha');
    beta = await h.tenant('beta');
    const a = await h.launch(alpha.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await t.as(beta.key).post('/v1/instances', { availabilityZone: 'us-east-1a', imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 2, maxCount: 2 }).expect(201);
    await t.as(alpha.key).put(`/v1/instances/${a}/workload`, { cpu: { model: 'constant', cores: 2 } }).expect(200);
    busyHost = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts.find((x: { allocated: { instances: number } }) => x.allocated.instances > 0).hostId;
    // Launched at the month's first instant: each runs from 15 s (its boot) to now, two days in.
    await t.advance(2 * 86_400);
  });
  afterAll(() => t.close());

  it('revenue by day: each day the change of the month’s invoices, adding up to them to the cent', async () => {
    const r = (await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body;
    // Compute, per second: day 1's 86,385 s of three m5.large: alpha 23.9958 h × 0.096 = 2.3036 → 2.30,
    // beta twice that 4.6072 → 4.61; to now, alpha 47.9958 h × 0.096 = 4.6076 → 4.61, beta 9.2152 → 9.22.
    // Each instance's public IPv4 address, held from its launch at the month's first instant, $0.005
    // an hour: day 1, alpha 24 h = 0.12, beta 48 address-hours = 0.24; to now, 0.24 and 0.48.
    // Day 1: 2.30 + 0.12 + 4.61 + 0.24 = 7.27; to now: alpha 4.85, beta 9.70, 14.55; day 2 is 14.55 − 7.27.
    expect(r).toMatchObject({ month, status: 'estimate', currency: 'USD', subtotal: '14.55', credits: '0.00', total: '14.55' });
    expect(r.days).toEqual([
      { day: `${month}-01`, subtotal: '7.27', credits: '0.00', total: '7.27' },
      { day: `${month}-02`, subtotal: '7.28', credits: '0.00', total: '7.28' },
    ]);
    expect(r.byProduct).toEqual([{ product: 'ec2-instance', amount: '13.83' }, { product: 'public-ipv4', amount: '0.72' }]);
    expect(r.topTenants).toEqual([
      { tenantId: beta.tenantId, invoiceId: `est-${month}-${beta.tenantId}`, subtotal: '9.70', credits: '0.00', total: '9.70' },
      { tenantId: alpha.tenantId, invoiceId: `est-${month}-${alpha.tenantId}`, subtotal: '4.85', credits: '0.00', total: '4.85' },
    ]);
    expect(r.others).toEqual({ tenants: 0, subtotal: '0.00', credits: '0.00', total: '0.00' });
    expect(r.creditLines).toEqual([]);
  });

  it('revenue: the same figures as the invoices (estimates) it summarises', async () => {
    const r = (await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body;
    for (const top of r.topTenants) {
      const inv = (await t.admin().get(`/v1/admin/invoices/${top.invoiceId}`).expect(200)).body;
      expect({ subtotal: inv.subtotal, credits: inv.credits, total: inv.total }).toEqual({ subtotal: top.subtotal, credits: top.credits, total: top.total });
    }
  });

  it('revenue of month=current and month=previous: the simulated clock\'s month and the one before, the same answers as by YYYY-MM', async () => {
    const [year, m] = month.split('-').map(Number);
    const before = m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`;
    const current = (await t.admin().get('/v1/admin/billing/revenue').query({ month: 'current' }).expect(200)).body;
    expect(current).toMatchObject({ month, total: '14.55' });
    expect(current).toEqual((await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body);
    const previous = (await t.admin().get('/v1/admin/billing/revenue').query({ month: 'previous' }).expect(200)).body;
    // Nothing ran before the harness's month began: the month before has no revenue, every day of it zero.
    expect(previous).toMatchObject({ month: before, status: 'estimate', subtotal: '0.00', credits: '0.00', total: '0.00' });
    expect(previous.days.every((d: { total: string }) => d.total === '0.00')).toBe(true);
    expect(previous).toEqual((await t.admin().get('/v1/admin/billing/revenue').query({ month: before }).expect(200)).body);
  });

  it('revenue: a bad or future month is a 400, a tenant key a 403', async () => {
    expectError(await t.admin().get('/v1/admin/billing/revenue').query({ month: '2025-13' }), 400, 'InvalidParameterValue');
    expect(expectError(await t.admin().get('/v1/admin/billing/revenue').query({ month: 'last' }), 400, 'InvalidParameterValue').message)
      .toBe('month must be a calendar month as YYYY-MM, current or previous, got "last"');
    expectError(await t.admin().get('/v1/admin/billing/revenue'), 400, /InvalidParameterValue|MissingParameter/);
    expectError(await t.admin().get('/v1/admin/billing/revenue').query({ month: '2999-01' }), 400, 'InvalidParameterValue');
    expectError(await t.as(alpha.key).get('/v1/admin/billing/revenue').query({ month }), 403, 'UnauthorizedOperation');
  });

  it('fleet heatmap: every host × hour as a fraction, the busy host hot and the idle one cold', async () => {
    const r = (await t.admin().get('/v1/admin/fleet/heatmap').query({ metric: 'cpu', period: '3600' }).expect(200)).body;
    expect(r.metric).toBe('cpu');
    expect(r.periodSeconds).toBe(3600);
    expect(r.times).toHaveLength(24);
    expect(r.hosts).toHaveLength(2);
    const busy = r.hosts.find((x: { hostId: string }) => x.hostId === busyHost);
    const idle = r.hosts.find((x: { hostId: string }) => x.hostId !== busyHost);
    for (const x of r.hosts) for (const v of x.values) expect(v === null || (v >= 0 && v <= 1)).toBe(true);
    expect(busy.values.every((v: number) => v > 0)).toBe(true);
    expect(idle.values.every((v: number) => v === 0)).toBe(true);
    const mem = (await t.admin().get('/v1/admin/fleet/heatmap').query({ metric: 'memory', period: '3600' }).expect(200)).body;
    expect(mem.hosts.find((x: { hostId: string }) => x.hostId === busyHost).values.every((v: number) => v > 0 && v < 1)).toBe(true);
  });

  it('fleet heatmap: a bad metric or period is a 400', async () => {
    expectError(await t.admin().get('/v1/admin/fleet/heatmap').query({ metric: 'disk' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().get('/v1/admin/fleet/heatmap').query({ period: '59' }), 400, 'InvalidParameterValue');
  });

  it("a tenant's keys, usage and instances, as the tenant's own routes show them", async () => {
    const keys = (await t.admin().get(`/v1/admin/tenants/${alpha.tenantId}/api-keys`).expect(200)).body.apiKeys;
    expect(keys).toHaveLength(1);
    const added = (await t.admin().post(`/v1/admin/tenants/${alpha.tenantId}/api-keys`).expect(201)).body.apiKey;
    const after = (await t.admin().get(`/v1/admin/tenants/${alpha.tenantId}/api-keys`).expect(200)).body.apiKeys;
    expect(after.map((k: { keyId: string }) => k.keyId)).toEqual([keys[0].keyId, added.keyId]);
    expect(JSON.stringify(after)).not.toContain(added.key);

    const asAdmin = (await t.admin().get(`/v1/admin/tenants/${alpha.tenantId}/usage`).query({ groupBy: 'day' }).expect(200)).body;
    expect(asAdmin).toEqual(await h.usage(alpha.key, { groupBy: 'day' }));
    const mine = (await t.as(beta.key).get('/v1/instances').expect(200)).body;
    expect((await t.admin().get(`/v1/admin/tenants/${beta.tenantId}/instances`).expect(200)).body).toEqual(mine);
    expect(mine.instances).toHaveLength(2);
  });

  it('tenant routes: a missing tenant is a 404, a tenant key a 403', async () => {
    for (const p of ['api-keys', 'usage', 'instances']) {
      expectError(await t.admin().get(`/v1/admin/tenants/t-0123456789abcdef0/${p}`), 404, 'InvalidTenantID.NotFound');
      expectError(await t.as(alpha.key).get(`/v1/admin/tenants/${alpha.tenantId}/${p}`), 403, 'UnauthorizedOperation');
    }
  });

  it("every tenant's licence configurations, with their tenant", async () => {
    const created = (await t.as(beta.key).post('/v1/license-configurations', { name: 'SQL', countingType: 'vCPU', limit: 4, hardLimit: false }).expect(201)).body;
    const list = (await t.admin().get('/v1/admin/license-configurations').expect(200)).body.licenseConfigurations;
    expect(list).toEqual([{ tenantId: beta.tenantId, ...created }]);
    expectError(await t.as(beta.key).get('/v1/admin/license-configurations'), 403, 'UnauthorizedOperation');
  });

  it("a licence configuration's consumption over time, counted by its rule (vCPUs) from launch to termination", async () => {
    const lic = (await t.as(beta.key).post('/v1/license-configurations', { name: 'SQL 2', countingType: 'vCPU', limit: 1, hardLimit: false }).expect(201)).body;
    const hour = Math.ceil((await h.nowMs()) / 3_600_000) * 3_600_000;
    await h.advanceTo(hour);
    const id = await h.launch(beta.key, { imageId: 'ami-0f3d0c00000003f22', instanceType: 'm5.large', licenseConfigurationId: lic.licenseConfigurationId });
    await t.advance(2 * 3600);
    await h.terminate(beta.key, id);
    await t.advance(2 * 3600);
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = (await t.admin().get(`/v1/admin/license-configurations/${lic.licenseConfigurationId}/history`).query({ from: iso(hour - 3_600_000), to: iso(hour + 4 * 3_600_000), period: '3600' }).expect(200)).body;
    expect(r).toMatchObject({ licenseConfigurationId: lic.licenseConfigurationId, tenantId: beta.tenantId, countingType: 'vCPU', limit: 1, periodSeconds: 3600 });
    // An m5.large is 2 vCPUs: from its launch (on the hour) until it terminated, 10 s after the third point.
    expect(r.points).toEqual([0, 2, 2, 2, 0].map((consumedLicenses, i) => ({ time: iso(hour + (i - 1) * 3_600_000), consumedLicenses })));
    expectError(await t.admin().get('/v1/admin/license-configurations/lic-0123456789abcdef0/history'), 404, 'InvalidLicenseConfigurationId.NotFound');
    expectError(await t.admin().get(`/v1/admin/license-configurations/${lic.licenseConfigurationId}/history`).query({ period: '61' }), 400, 'InvalidParameterValue');
  });

  it("counts an operator's licensed image on an operator's custom type, as the launch admitted it (the world's catalog)", async () => {
    await t.admin().post('/v1/admin/images', { imageId: 'ami-0b10c0ffee0000001', name: 'team SQL Server', platform: 'windows', byolProduct: 'sql-server-standard', bootSeconds: 60 }).expect(201);
    await t.admin().post('/v1/admin/instance-types', { name: 'm5.licensed', vcpus: 6, memoryMiB: 8192, hourlyPrices: { linux: '0.30' } }).expect(201);
    const lic = (await t.as(beta.key).post('/v1/license-configurations', { name: 'SQL 3', countingType: 'vCPU', limit: 8, hardLimit: false }).expect(201)).body;
    const hour = Math.ceil((await h.nowMs()) / 3_600_000) * 3_600_000;
    await h.advanceTo(hour);
    await h.launch(beta.key, { imageId: 'ami-0b10c0ffee0000001', instanceType: 'm5.licensed', licenseConfigurationId: lic.licenseConfigurationId });
    await t.advance(2 * 3600);
    const now = (await t.as(beta.key).get(`/v1/license-configurations/${lic.licenseConfigurationId}`).expect(200)).body;
    expect(now.consumedLicenses).toBe(6);
    const iso = (ms: number) => new Date(ms).toISOString();
    const r = (await t.admin().get(`/v1/admin/license-configurations/${lic.licenseConfigurationId}/history`).query({ from: iso(hour - 3_600_000), to: iso(hour + 2 * 3_600_000), period: '3600' }).expect(200)).body;
    // The custom type's 6 vCPUs from its launch on, as the configuration counts them now.
    expect(r.points.map((p: { consumedLicenses: number }) => p.consumedLicenses)).toEqual([0, 6, 6]);
  });

  it('availability per zone: the share of host-time not failed (one of two hosts failed 12 h of 24: 75 %)', async () => {
    const idle = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts.find((x: { hostId: string }) => x.hostId !== busyHost).hostId;
    await t.admin().post(`/v1/admin/hosts/${idle}/fail`, {}).expect(200);
    await t.advance(12 * 3600);
    await t.admin().post(`/v1/admin/hosts/${idle}/repair`).expect(200);
    await t.advance(12 * 3600);
    const now = await h.nowMs();
    const r = (await t.admin().get('/v1/admin/fleet/availability').query({ from: new Date(now - 86_400_000).toISOString() }).expect(200)).body;
    expect(r.zones).toEqual([{ availabilityZone: 'us-east-1a', hosts: 2, hostHours: 48, failedHostHours: 12, availability: 0.75 }]);
    expectError(await t.admin().get('/v1/admin/fleet/availability').query({ from: 'yesterday' }), 400, 'InvalidParameterValue');
  });

  it('revenue of a closed month: the closed invoices, its days adding up to them to the cent, the same on every read', async () => {
    const [, next] = await h.nextMonth();
    await h.advanceTo(next + 3600_000);
    await t.admin().post('/v1/admin/billing/close', { month }).expect(200);
    const r = (await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body;
    expect(r.status).toBe('closed');
    const closed = (await t.admin().get('/v1/admin/invoices').query({ month }).expect(200)).body.invoices;
    const cents = (x: string) => Math.round(Number(x) * 100);
    expect(r.topTenants.map((x: { invoiceId: string; total: string }) => [x.invoiceId, x.total]).sort()).toEqual(closed.map((i: { invoiceId: string; total: string }) => [i.invoiceId, i.total]).sort());
    expect(r.days.reduce((c: number, d: { total: string }) => c + cents(d.total), 0)).toBe(cents(r.total));
    expect(r.days).toHaveLength(new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate());
    expect((await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body).toEqual(r);
  });
});

/**
 * Revenue by day puts each usage interval's charge on the days it ran: a day's figure is the
 * invoices as they stood at its end less the day before's, so an interval closed later in the
 * month counts to each day's end only, and one that began later not at all. Hand-worked from the
 * seed price book (m5.large Linux $0.096/h, per second), each instance running from its boot (15 s),
 * and its public IPv4 address ($0.005 an hour) held from its launch.
 */
describe('revenue by day: intervals closed later and begun later', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
  });
  afterAll(() => t.close());

  it('a stopped instance and one that ran on the third day only: each day the part that ran in it', async () => {
    const [start, , month] = await h.nextMonth();
    const gamma = await h.tenant('gamma');
    const delta = await h.tenant('delta');
    const a = await h.launch(gamma.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await h.advanceTo(start + 36 * HOUR_MS);
    await h.op(gamma.key, a, 'stop');
    await h.advanceTo(start + 48 * HOUR_MS);
    const b = await h.launch(delta.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await h.advanceTo(start + 54 * HOUR_MS);
    await h.terminate(delta.key, b);
    await h.advanceTo(start + 84 * HOUR_MS);
    // gamma ran 15 s → 36 h: 129,585 s × 0.096 / 3,600 = 3.4556 → 3.46; of it, day 1's 86,385 s = 2.3036 → 2.30.
    // Its public IPv4 address, held from the launch until it reached `stopped` (36 h + 10 s), $0.005
    // an hour: 0.18; day 1's 24 h of it, 0.12. So 3.64 in all, 2.42 at day 1's end, 1.22 on day 2.
    // delta ran 48 h 15 s → 54 h: 21,585 s = 0.5756 → 0.58, and held its address 48 h → 54 h 10 s:
    // 6.0028 h × 0.005 = 0.03; 0.61, all of it on day 3.
    expect((await h.invoice(gamma.key, month)).subtotal).toBe('3.64');
    expect((await h.invoice(delta.key, month)).subtotal).toBe('0.61');
    const r = (await t.admin().get('/v1/admin/billing/revenue').query({ month }).expect(200)).body;
    expect(r.subtotal).toBe('4.25');
    expect(r.days.map((d: { day: string; subtotal: string }) => [d.day, d.subtotal])).toEqual([
      [`${month}-01`, '2.42'],
      [`${month}-02`, '1.22'],
      [`${month}-03`, '0.61'],
      [`${month}-04`, '0.00'],
    ]);
  });
});
