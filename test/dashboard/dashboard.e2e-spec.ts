/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: DOM types for it.
import { readFileSync } from 'node:fs';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_KEY } from '../support/app';
import { productLabel } from '../../apps/dashboard/src/data';
import { createTestDatabase, TestDatabase } from '../support/database';
import { callServer, ServerProcess, startServerProcess } from '../support/server-process';
import { canvasInkPixels, chromiumPresent, ensureDashboardBuilt, launchChromium, screenshot, seedMonth, SeededMonth } from '../support/dashboard';

/**
 * The admin dashboard in a real browser (Debian's Chromium through playwright-core), against
 * Nimbus started as a user starts it (its own process, on a port) with a seeded month of usage.
 * Screenshots of each page go to test-results/dashboard/ (CI artifacts, not committed).
 */
const present = chromiumPresent();
const describeBrowser = present ? describe : describe.skip;
if (!present) process.stderr.write('dashboard browser tests skipped: /usr/bin/chromium is missing (CI=true makes this a failure)\n');

jest.setTimeout(300_000);

const PAGES: [string, string][] = [
  ['overview', '/'], ['tenants', '/tenants'], ['invoices', '/invoices'], ['reserved-instances', '/reserved-instances'], ['licenses', '/licenses'], ['sla', '/sla'],
  ['fleet', '/fleet'], ['prices', '/prices'], ['simulations', '/simulations'], ['experiments', '/experiments'],
];

describeBrowser('admin dashboard in a browser', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let seeded: SeededMonth;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const consoleErrors: string[] = [];
  let collecting = false;
  const api = async (path: string, accept = 'application/json') => {
    const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, accept } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return accept === 'text/csv' ? res.text() : res.json();
  };
  const admin = (p = '/') => `${server.url}/admin${p === '/' ? '' : p}`;
  const noAlert = async () => expect(await page.locator('[role=alert]').allTextContents()).toEqual([]);
  const settle = async () => {
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !document.querySelector('[role=status].status'), undefined, { timeout: 30_000 });
  };

  beforeAll(async () => {
    ensureDashboardBuilt();
    db = await createTestDatabase();
    // No Redis for this server: simulations run in-process, as on a machine without Redis.
    // Compiled as it starts (swc): on a busy CI machine that can take longer than the usual 30 s.
    server = await startServerProcess(db.url, { NIMBUS_DEMO: 'true', REDIS_URL: 'redis://127.0.0.1:1' }, 120);
    seeded = await seedMonth(server);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (m) => collecting && m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => collecting && consoleErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await db?.drop();
  });

  it('refuses a wrong admin key with the API’s message and request id, and signs in with the right one', async () => {
    await page.goto(admin());
    await page.fill('input[name=adminKey]', 'not-the-admin-key');
    await page.click('button[type=submit]');
    const alert = page.locator('[role=alert]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/AuthFailure: The admin key was not accepted: .+Request id: [\w-]{8,}/);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await page.fill('input[name=adminKey]', ADMIN_KEY);
    await page.click('button[type=submit]');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('nimbus.adminKey'))).toBe(ADMIN_KEY);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    collecting = true;
  });

  it.each(PAGES)('shows the %s page with its data, every chart drawn, and no serious or critical axe-core violation', async (name, path) => {
    await page.goto(admin(path));
    await page.locator('main h1').waitFor();
    await settle();
    await noAlert();
    const charts = await page.locator('[data-testid=chart]').count();
    for (let i = 0; i < charts; i++) {
      const sel = `[data-testid=chart] >> nth=${i}`;
      // Charts draw as they come near the viewport (chart.tsx): canvasInkPixels scrolls to each, as a user would.
      const ink = await canvasInkPixels(page, sel);
      expect({ chart: await page.locator(sel).getAttribute('data-chart'), inked: ink > 500 }).toEqual({ chart: expect.any(String), inked: true });
    }
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
      return r.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    expect(violations).toEqual([]);
    await screenshot(page, name);
  });

  it('overview: revenue this month and last, with charts of the seeded usage', async () => {
    await page.goto(admin('/'));
    await settle();
    const rev = await api(`/v1/admin/billing/revenue?month=${seeded.lastMonth}`);
    expect(Number(rev.total)).toBeGreaterThan(0);
    expect(rev.topTenants).toHaveLength(10);
    expect(rev.others.tenants).toBe(3); // 12 seeded + the demo tenant
    const text = await page.locator('main').textContent();
    expect(text).toContain(`$${Number(rev.total).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    expect(text).toContain('3 other tenants');
    expect(await page.locator('[data-testid=chart]').count()).toBeGreaterThanOrEqual(8);
  });

  it('reserved instances: last month\'s utilization, coverage and RI fees are the API\'s, each tenant\'s RIs with their terms; the revenue names the product', async () => {
    const r = await api(`/v1/admin/billing/reserved-instances?month=${seeded.lastMonth}`);
    await page.goto(admin(`/reserved-instances?month=${seeded.lastMonth}`));
    await settle();
    await noAlert();
    expect(await page.getByTestId('ri-utilization').textContent()).toBe(`${r.utilization.utilizationPercentage} %`);
    expect(await page.getByTestId('ri-coverage').textContent()).toBe(`${r.coverage.coverageHoursPercentage} %`);
    expect(await page.getByTestId('ri-fees').textContent()).toBe(`$${Number(r.fees.total).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    // tenant-05's m5.xlarge RI covers its two m5.large (4 + 4 units of its 8) whenever both run: its utilization is the API's, and above zero.
    const t5 = r.tenants.find((t: any) => t.tenantId === seeded.tenants[4].tenantId);
    expect(Number(t5.utilization.utilizationPercentage)).toBeGreaterThan(90);
    expect(Number(t5.fees.upfront)).toBeGreaterThan(0);
    const riTable = page.locator('table', { has: page.locator('caption', { hasText: /^Reserved Instances/ }) });
    const row = riTable.locator('tr', { hasText: t5.reservedInstances[0].reservedInstancesId });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(2, 8)).toEqual(['m5.xlarge', 'Region', '1', '1 yr', 'All Upfront', 'active']);
    expect(cells[11]).toBe(`${t5.reservedInstances[0].utilizationPercentage} %`);
    const tenantTable = page.locator('table', { has: page.locator('caption', { hasText: 'by tenant' }) });
    const t3 = r.tenants.find((t: any) => t.tenantId === seeded.tenants[2].tenantId);
    const t3cells = await tenantTable.locator('tr', { hasText: seeded.tenants[2].name }).locator('td').allTextContents();
    expect([t3cells[3], t3cells[6]]).toEqual([`${t3.utilization.utilizationPercentage} %`, `${t3.coverage.coverageHoursPercentage} %`]);
    expect(await page.locator('[data-testid=chart]').count()).toBe(1);
    // The Overview's revenue by product names the RI fees' product (its numbers' table).
    await page.goto(admin('/'));
    await settle();
    const byProduct = page.locator('figure', { has: page.locator('figcaption', { hasText: 'Revenue by product' }) }).first();
    await byProduct.getByRole('button', { name: 'Show numbers' }).click();
    expect(await byProduct.locator('table').textContent()).toContain('EC2 Reserved Instances (upfront and hourly fees)');
  });

  it('drills from revenue by tenant down to an invoice line, whose figures are the API’s', async () => {
    await page.goto(admin('/'));
    await settle();
    const rev = await api(`/v1/admin/billing/revenue?month=${seeded.lastMonth}`);
    const top = rev.topTenants[0];
    const name = seeded.tenants.find((t) => t.tenantId === top.tenantId)!.name;
    await page.locator('#rev-last table').getByRole('link', { name }).click();
    await page.getByRole('heading', { name: new RegExp(`Invoice ${top.invoiceId}`) }).waitFor();
    await settle();
    expect(new URL(page.url()).searchParams.get('invoice')).toBe(top.invoiceId);
    const invoice = await api(`/v1/admin/invoices/${top.invoiceId}`);
    const line = invoice.lines[0];
    const row = page.locator('table', { has: page.locator('caption', { hasText: /^Lines$/ }) }).locator('tbody tr').first();
    const cells = await row.locator('td').allTextContents();
    expect(cells[0]).toBe(productLabel(line.product));
    expect(cells[1]).toBe(line.description);
    expect(cells[2]).toMatch(/^(per-second, 60 s minimum|per-hour|licence|credit|per unit|Reserved Instance upfront, once|Reserved Instance, every hour of the term)$/);
    expect(cells[5]).toBe(`$${Number(line.amount).toLocaleString('en-US', { minimumFractionDigits: 2 })}`);
    await screenshot(page, 'invoice-drill');
  });

  it('downloads an invoice’s CSV that is byte for byte the API’s', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).first().click()]);
    const file = readFileSync((await download.path())!, 'utf8');
    const invoiceId = new URL(page.url()).searchParams.get('invoice')!;
    expect(file).toBe(await api(`/v1/admin/invoices/${invoiceId}`, 'text/csv'));
    expect(file.split('\n').length).toBeGreaterThan(2);
  });

  it('downloads a chart’s numbers as CSV that match the API’s revenue figures', async () => {
    await page.goto(admin('/'));
    await settle();
    const chart = page.locator('figure', { has: page.locator('figcaption', { hasText: `Revenue by tenant, ` }) }).nth(1);
    const [download] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Download CSV' }).click()]);
    const rows = readFileSync((await download.path())!, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    const rev = await api(`/v1/admin/billing/revenue?month=${seeded.lastMonth}`);
    expect(rows.slice(0, 10).map((r) => Number(r[1]))).toEqual(rev.topTenants.map((t: { total: string }) => Number(t.total)));
    expect(Number(rows[10][1])).toBe(Number(rev.others.total));
  });

  it('closes the month that ended, after a confirmation, and its invoices match their recomputation', async () => {
    await page.goto(admin(`/invoices?month=${seeded.lastMonth}`));
    await settle();
    await page.getByRole('button', { name: /^Close / }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await screenshot(page, 'close-month-confirm');
    await dialog.getByRole('button', { name: /^Close / }).click();
    await page.locator('.notice').waitFor();
    expect(await page.locator('.notice').textContent()).toMatch(/is closed: 13 invoices/);
    const list = await api(`/v1/admin/invoices?month=${seeded.lastMonth}`);
    expect(list.status).toBe('closed');
    await settle();
    await page.locator('table tbody tr').first().getByRole('button').click();
    await page.getByRole('button', { name: 'Compare with recomputation' }).click();
    await page.getByTestId('recompute-result').waitFor();
    expect(await page.getByTestId('recompute-result').textContent()).toBe('The recomputation gives the same cents.');
  });

  it('fleet: the heatmap draws hosts × time and reads a cell by keyboard; the clock advances', async () => {
    await page.goto(admin('/fleet?metric=cpu'));
    await settle();
    expect(await canvasInkPixels(page, '[data-testid=heatmap]')).toBeGreaterThan(1000);
    await page.locator('[data-testid=heatmap]').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.readout').textContent()).toMatch(/^h-[0-9a-f]{17} at .+ UTC: (\d+\.\d %|no data)$/);
    const before = (await api('/v1/admin/clock')).now;
    await page.getByRole('button', { name: 'Advance' }).click();
    await page.waitForFunction((b) => !document.querySelector('[data-testid=clock-now]')?.textContent?.includes(b), before.slice(0, 16).replace('T', ' '));
    expect(Date.parse((await api('/v1/admin/clock')).now) - Date.parse(before)).toBe(3_600_000);
    expect(await page.locator('tr', { has: page.locator('td', { hasText: /^operator$/ }) }).count()).toBe(1);
  });

  it('licences: the configuration past its soft limit stands out', async () => {
    await page.goto(admin('/licenses'));
    await settle();
    const row = page.locator('tr', { hasText: 'SQL Server Standard' });
    expect(await row.locator('.badge.over').textContent()).toBe('over limit');
  });

  it('tenants: search in the URL, the detail page, quotas saved, a key issued and revoked', async () => {
    await page.goto(admin('/tenants?q=tenant-03'));
    await settle();
    await page.getByRole('link', { name: 'tenant-03' }).click();
    await page.getByRole('heading', { name: /tenant-03/ }).waitFor();
    await settle();
    await noAlert();
    await page.getByLabel('On-demand vCPUs').fill('300');
    await page.getByRole('button', { name: 'Save quotas' }).click();
    await page.getByText('Saved.').waitFor();
    const t = seeded.tenants[2];
    expect((await api(`/v1/admin/tenants/${t.tenantId}`)).quotas.onDemandVcpus).toBe(300);
    await page.getByRole('button', { name: 'Issue a key' }).click();
    const created = (await page.getByTestId('new-key').textContent())!;
    const [keyId, key] = created.split(': ');
    expect((await callServer(server, key, 'GET', '/v1/quotas')).status).toBe(200);
    await page.getByRole('button', { name: `Revoke ${keyId}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: `Revoke ${keyId}` }).waitFor({ state: 'detached' });
    expect((await callServer(server, key, 'GET', '/v1/quotas')).status).toBe(401);
    await screenshot(page, 'tenant-detail');
  });

  it('tenants: an EC2 access key issued on the page signs the AWS SDK as the tenant; a third is refused as the API refuses it; revoked, it is refused', async () => {
    const t = seeded.tenants[2];
    await page.goto(admin(`/tenants/${t.tenantId}`));
    await settle();
    await noAlert();
    const accountId = (await page.getByTestId('account-id').textContent())!;
    expect(accountId).toMatch(/^\d{12}$/);
    expect(accountId).toBe((await api(`/v1/admin/tenants/${t.tenantId}`)).accountId);
    await page.getByRole('button', { name: 'Issue an access key' }).click();
    const accessKeyId = (await page.getByTestId('new-access-key-id').textContent())!;
    const secretAccessKey = (await page.getByTestId('new-secret-access-key').textContent())!;
    expect(accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(secretAccessKey).toHaveLength(40);
    expect(await page.getByTestId('new-access-key-cli').textContent()).toContain(`aws ec2 describe-instances --endpoint-url ${server.url}`);
    await page.getByRole('button', { name: `Revoke access key ${accessKeyId}` }).waitFor();
    expect((await api(`/v1/admin/tenants/${t.tenantId}/access-keys`)).accessKeys.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([accessKeyId]);

    // The key signs the SDK's requests as this tenant: its own instances, under its account id.
    const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    try {
      const described = await ec2.send(new DescribeInstancesCommand({}));
      expect(new Set(described.Reservations!.map((r) => r.OwnerId))).toEqual(new Set([accountId]));
      const own = (await (await callServer(server, t.key, 'GET', '/v1/instances')).json()) as { instances: { instanceId: string }[] };
      expect(described.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort()).toEqual(own.instances.map((i) => i.instanceId).sort());

      // A second key is issued; a third is the API's refusal, shown as the API answers it.
      await page.getByRole('button', { name: 'Issue an access key' }).click();
      await page.getByTestId('new-access-key-id').filter({ hasNotText: accessKeyId }).waitFor();
      const second = (await page.getByTestId('new-access-key-id').textContent())!;
      collecting = false; // the API's 409 is logged by the browser as a failed resource: expected here
      await page.getByRole('button', { name: 'Issue an access key' }).click();
      await page.getByRole('alert').filter({ hasText: 'AccessKeyLimitExceeded' }).waitFor();
      collecting = true;
      expect((await api(`/v1/admin/tenants/${t.tenantId}/access-keys`)).accessKeys).toHaveLength(2);
      // The refusal does not hide the secret just issued: it is shown only once.
      expect(await page.getByTestId('new-access-key-id').textContent()).toBe(second);

      await page.getByRole('button', { name: `Revoke access key ${accessKeyId}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('button', { name: `Revoke access key ${accessKeyId}` }).waitFor({ state: 'detached' });
      await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' });
      expect((await api(`/v1/admin/tenants/${t.tenantId}/access-keys`)).accessKeys.map((k: { accessKeyId: string }) => k.accessKeyId)).toEqual([second]);
      await screenshot(page, 'tenant-access-keys');
    } finally {
      ec2.destroy();
    }
  });

  it('tenants: request limits saved on the page throttle the tenant\'s EC2 calls; a bad figure is the API\'s 400, naming its path', async () => {
    const t = seeded.tenants[3];
    await page.goto(admin(`/tenants/${t.tenantId}`));
    await settle();
    await noAlert();
    const form = page.getByRole('form', { name: 'Request limits' });
    expect(await form.getByLabel(/Multiplier/).inputValue()).toBe('1');
    // A JSON syntax error is caught before anything is sent.
    await form.getByLabel(/Per-operation limits/).fill('{"DescribeInstances": ');
    await form.getByRole('button', { name: 'Save request limits' }).click();
    await form.getByText(/not valid JSON/).waitFor();
    // A figure the API refuses: its message names the path.
    collecting = false; // the API's 400 is logged by the browser as a failed resource: expected here
    await form.getByLabel(/Per-operation limits/).fill('{"DescribeInstances": {"bucketSize": 0}}');
    await form.getByRole('button', { name: 'Save request limits' }).click();
    await form.getByRole('alert').filter({ hasText: 'requestLimits.operations.DescribeInstances.bucketSize' }).waitFor();
    collecting = true;
    expect((await api(`/v1/admin/tenants/${t.tenantId}`)).requestLimits).toEqual({ multiplier: 1, operations: {} });

    await form.getByLabel(/Per-operation limits/).fill('{"DescribeInstances": {"bucketSize": 2, "refillPerSecond": 0.001}}');
    await form.getByRole('button', { name: 'Save request limits' }).click();
    await form.getByText('Saved.').waitFor();
    expect((await api(`/v1/admin/tenants/${t.tenantId}`)).requestLimits).toEqual({ multiplier: 1, operations: { DescribeInstances: { bucketSize: 2, refillPerSecond: 0.001 } } });

    // The tenant's EC2 calls now meet a bucket of two: the third in a row is throttled.
    const key = (await (await callServer(server, ADMIN_KEY, 'POST', `/v1/admin/tenants/${t.tenantId}/access-keys`)).json()) as { accessKeyId: string; secretAccessKey: string };
    const ec2 = new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: key, maxAttempts: 1 });
    try {
      const answers: string[] = [];
      for (let i = 0; i < 4; i++) answers.push(await ec2.send(new DescribeInstancesCommand({})).then(() => 'ok', (e: { name: string }) => e.name));
      expect(answers.filter((a) => a === 'ok').length).toBeLessThanOrEqual(2);
      expect(answers.slice(2)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded']);
    } finally {
      ec2.destroy();
    }
    await screenshot(page, 'tenant-request-limits');
  });

  it('prices: the rates besides instance prices are on the page as the API has them, found by path; a change saved there is a new version that shows its rates', async () => {
    await page.goto(admin('/prices'));
    await settle();
    await noAlert();
    type Version = { version: string; publicIpv4: { inUsePerHour: string; idlePerHour: string }; ebs: { gp3: { perGiBMonth: string }; snapshot: { perGiBMonth: string } } };
    const book = (await api('/v1/admin/prices')) as { current: string; versions: Version[] };
    const current = book.versions.find((v) => v.version === book.current)!;
    // The rows once the filter has applied (React renders after the input event): none without the path asked.
    const rows = async (version: string, path: string) => {
      const table = page.getByRole('table', { name: `Other prices, ${version}` });
      await table.waitFor();
      const body = table.locator('tbody tr');
      await body.filter({ hasNotText: path }).first().waitFor({ state: 'detached' });
      return body.allInnerTexts();
    };
    const find = page.getByLabel('Find a price by its path');
    await find.fill('publicIpv4');
    expect(await rows(book.current, 'publicIpv4')).toEqual([`publicIpv4.inUsePerHour\t${current.publicIpv4.inUsePerHour}`, `publicIpv4.idlePerHour\t${current.publicIpv4.idlePerHour}`]);
    expect(current.publicIpv4).toEqual({ inUsePerHour: '0.005', idlePerHour: '0.005' });
    await find.fill('ebs.snapshot');
    expect(await rows(book.current, 'ebs.snapshot')).toEqual(['ebs.snapshot.perGiBMonth\t0.05']);
    await find.fill('ebs.gp3.perGiB');
    expect(await rows(book.current, 'ebs.gp3.perGiB')).toEqual([`ebs.gp3.perGiBMonth\t${current.ebs.gp3.perGiBMonth}`]);

    // A new version a year ahead (months already billed keep their prices), its public IPv4 rates changed on the page.
    const now = Date.parse((await api('/v1/admin/clock')).now);
    const from = new Date(now + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await page.getByLabel(/Version name/).fill('ipv4-next-year');
    await page.getByLabel(/Effective from/).fill(from);
    await page.getByLabel(/Prices to change/).fill('{"publicIpv4": {"inUsePerHour": "0.006", "idlePerHour": "0.0065"}}');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    await page.getByRole('status').filter({ hasText: 'Version ipv4-next-year takes effect' }).waitFor();
    const saved = ((await api('/v1/admin/prices')) as { versions: Version[] }).versions.find((v) => v.version === 'ipv4-next-year')!;
    expect(saved.publicIpv4).toEqual({ inUsePerHour: '0.006', idlePerHour: '0.0065' });
    expect(saved.ebs).toEqual(current.ebs);
    await page.getByRole('button', { name: 'ipv4-next-year' }).click();
    await find.fill('publicIpv4');
    expect(await rows('ipv4-next-year', 'publicIpv4')).toEqual(['publicIpv4.inUsePerHour\t0.006', 'publicIpv4.idlePerHour\t0.0065']);
    await screenshot(page, 'prices');
  });

  it('simulations: a bad override is shown beside its field', async () => {
    await page.goto(admin('/simulations'));
    await settle();
    // The browser logs the API's 400 as a failed resource: expected here, so not collected.
    collecting = false;
    await page.getByLabel('Duration (hours)').fill('-5');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.locator('#err-duration').waitFor();
    expect(await page.locator('#err-duration').textContent()).toMatch(/./);
    expect(await page.getByLabel('Duration (hours)').getAttribute('aria-invalid')).toBe('true');
    collecting = true;
  });

  const runs: string[] = [];
  it.each([[1], [2]])('simulations: run %i is submitted and watched to completion over server-sent events, with its charts', async (seed) => {
    await page.goto(admin('/simulations'));
    await settle();
    await page.getByLabel('Seed').fill(String(seed));
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.waitForURL(/\/admin\/simulations\/sim-/);
    runs.push(page.url().split('/').pop()!);
    // Every progress value the page shows, as it shows it.
    await page.evaluate(() => {
      const seen: string[] = ((window as any).progressSeen = []);
      new MutationObserver(() => {
        const v = document.querySelector('progress')?.getAttribute('value');
        if (v && seen[seen.length - 1] !== v) seen.push(v);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.waitForFunction(() => document.querySelector('[data-testid=sim-state]')?.textContent === 'completed', undefined, { timeout: 120_000 });
    const seen: string[] = await page.evaluate(() => (window as any).progressSeen);
    expect(seen.some((v) => Number(v) > 0 && Number(v) < 1)).toBe(true);
    expect(await page.locator('progress').getAttribute('value')).toBe('1');
    await page.locator('[data-testid=chart]').first().waitFor();
    expect(await canvasInkPixels(page, '[data-testid=chart] >> nth=0')).toBeGreaterThan(500);
    await screenshot(page, `simulation-${seed}`);
  });

  it('compares two runs side by side with their deltas', async () => {
    expect(runs).toHaveLength(2);
    await page.goto(admin('/simulations'));
    await settle();
    for (const id of runs) await page.getByLabel(`Select ${id} to compare`).check();
    await page.getByRole('button', { name: 'Compare the two selected runs' }).click();
    await page.getByRole('heading', { name: 'Compare runs' }).waitFor();
    await settle();
    const cmp = await api(`/v1/admin/simulations/compare?a=${runs[0]}&b=${runs[1]}`);
    const row = page.locator('tr', { has: page.locator('td', { hasText: /^energyKWh$/ }) });
    const cells = await row.locator('td').allTextContents();
    const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 3 });
    expect(cells.slice(1, 3)).toEqual([fmt(cmp.headline.energyKWh.a), fmt(cmp.headline.energyKWh.b)]);
    expect(cells[3]).toBe(`${cmp.headline.energyKWh.delta > 0 ? '+' : ''}${fmt(cmp.headline.energyKWh.delta)}`);
    expect(await canvasInkPixels(page, '[data-testid=chart] >> nth=0')).toBeGreaterThan(500);
    await screenshot(page, 'simulation-compare');
  });

  it('experiments: a bad document is shown beside the field, naming the JSON path', async () => {
    await page.goto(admin('/experiments'));
    await settle();
    collecting = false; // the API's 400 is logged by the browser as a failed resource: expected here
    await page.getByLabel('JSON document (paste or upload)').check();
    await page.getByLabel('Experiment document (JSON)').fill('{"version": 1, "name": "x", "base": {"builtIn": "azure-small"}');
    await page.getByRole('button', { name: 'Run experiment' }).click();
    expect(await page.locator('#err-exp-document').textContent()).toMatch(/^not valid JSON: /);
    await page.getByLabel('Experiment document (JSON)').fill(JSON.stringify({ version: 1, name: 'bad', base: { builtIn: 'azure-small' }, repetitions: 0, variables: [{ name: 'w', path: '/policies/placement/weigher', values: ['pack'] }] }));
    await page.getByRole('button', { name: 'Run experiment' }).click();
    await page.locator('#err-experiment').waitFor();
    expect(await page.locator('#err-experiment li').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^\/repetitions: ./)]));
    expect(await page.getByLabel('Experiment document (JSON)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^InvalidExperiment: The experiment is not valid: .*Request id: /);
    collecting = true;
  });

  it('experiments: a posted experiment is watched to completion; its table is the API’s report, its charts drawn, its CSV the API’s', async () => {
    // The azure-small scenario cut to 2 hours (its bursts after that dropped: a JSON Merge Patch replaces arrays whole, so the document is posted).
    const scenario = (await api('/v1/admin/scenarios')).scenarios.find((x: { name: string }) => x.name === 'azure-small').scenario;
    scenario.durationHours = 2;
    for (const t of scenario.tenants) for (const w of t.workloads ?? []) if (w.arrivals?.bursts) w.arrivals.bursts = w.arrivals.bursts.filter((b: { atHours: number }) => b.atHours < 2);
    const experiment = {
      version: 1, name: 'weigher-small', question: 'Does the weigher change the energy on a small fleet?', seed: 3, repetitions: 2, headline: ['energyKWh', 'instanceHours'],
      base: { scenario },
      variables: [{ name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread'] }],
    };
    await page.goto(admin('/experiments'));
    await settle();
    await page.getByLabel('JSON document (paste or upload)').check();
    await page.getByLabel('Experiment document (JSON)').fill(JSON.stringify(experiment, null, 2));
    await page.getByRole('button', { name: 'Run experiment' }).click();
    await page.waitForURL(/\/admin\/experiments\/exp-[0-9a-f]{17}$/);
    const id = page.url().split('/').pop()!;
    // Progress, as the page shows it while polling, until the report.
    await page.waitForFunction(() => document.querySelector('[data-testid=experiment-state]')?.textContent === 'completed', undefined, { timeout: 180_000 });
    await settle();
    await noAlert();
    const x = await api(`/v1/admin/experiments/${id}`);
    expect(x.state).toBe('completed');
    expect(await page.getByTestId('experiment-progress').textContent()).toBe(`4 of 4 runs finished (100.0 %), ${x.progress.reused} reused from earlier runs`);
    expect(await page.locator('progress').getAttribute('value')).toBe('1');
    expect(await page.getByTestId('experiment-question').textContent()).toBe(experiment.question);
    // Each run links to its simulation page.
    const runLinks = await page.locator('table', { has: page.locator('caption', { hasText: /^Runs:/ }) }).getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(runLinks).toEqual(x.runs.map((r: { simulationId: string }) => `/admin/simulations/${r.simulationId}`));
    // The table: a row per variant, each figure's mean and 95 % interval as the API's report has them.
    const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 3 });
    const table = page.locator('table', { has: page.locator('caption', { hasText: /^Headline figures by variant/ }) });
    expect(await table.locator('thead th').allTextContents()).toEqual(['weigher', 'energyKWh mean', 'energyKWh 95 % interval', 'instanceHours mean', 'instanceHours 95 % interval']);
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows).toEqual(x.report.variants.map((v: { values: { weigher: string }; figures: Record<string, { mean: number; ci95: [number, number] }> }) => [
      v.values.weigher,
      ...['energyKWh', 'instanceHours'].flatMap((f) => [fmt(v.figures[f].mean), `${fmt(v.figures[f].ci95[0])} to ${fmt(v.figures[f].ci95[1])}`]),
    ]));
    expect(rows.map((r) => r[0])).toEqual(['pack', 'spread']);
    // A bar chart with error bars per figure, drawn with data.
    const charts = page.locator('[data-testid=chart]');
    expect(await charts.evaluateAll((cs) => cs.map((c) => c.getAttribute('data-chart')))).toEqual(['energyKWh by variant', 'instanceHours by variant']);
    for (let i = 0; i < 2; i++) {
      expect(await canvasInkPixels(page, `[data-testid=chart] >> nth=${i}`)).toBeGreaterThan(500);
    }
    // The chart's numbers are the report's series.
    const chart = page.locator('figure', { has: page.locator('figcaption', { hasText: 'energyKWh by variant' }) });
    const [chartCsv] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: 'Download CSV' }).click()]);
    const chartRows = readFileSync((await chartCsv.path())!, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(','));
    const energy = x.report.series.find((s: { figure: string }) => s.figure === 'energyKWh');
    expect(chartRows.map((r) => [r[0], Number(r[1]), Number(r[2]), Number(r[3])])).toEqual(energy.labels.map((l: string, i: number) => [l, energy.means[i], energy.ci95[i][0], energy.ci95[i][1]]));
    // The report's CSV is the API's, byte for byte.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download the report’s CSV/ }).click()]);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(await api(`/v1/admin/experiments/${id}/csv`, 'text/csv'));
    await screenshot(page, 'experiment-detail');
    // Listed, linked to its page (a deep link).
    await page.goto(admin('/experiments'));
    await settle();
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: `Experiment ${id}` }).waitFor();
    await page.locator('[data-testid=experiment-state]').waitFor();
    expect(await page.getByTestId('experiment-state').textContent()).toBe('completed');
  });

  it('experiments: an unknown experiment shows the API’s error and request id', async () => {
    collecting = false; // the 404 is logged by the browser as a failed resource: expected here
    await page.goto(admin('/experiments/exp-0123456789abcdef0'));
    await page.locator('[role=alert]').waitFor();
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^InvalidExperimentID\.NotFound: The experiment ID 'exp-0123456789abcdef0' does not exist.*Request id: /);
    collecting = true;
  });

  it('cancels a running simulation from its progress view', async () => {
    await page.goto(admin('/simulations'));
    await settle();
    // 100 days: several times what the page needs to show progress and be cancelled, however fast
    // the machine (14 days of azure-small take about 2.4 s on a worker thread, and a run that ends
    // first leaves nothing to cancel).
    await page.getByLabel('Duration (hours)').fill('2400');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await page.waitForURL(/\/admin\/simulations\/sim-/);
    await page.waitForFunction(() => Number(document.querySelector('progress')?.getAttribute('value')) > 0, undefined, { timeout: 60_000 });
    // The progress line: simulated time of the run's length, and the ETA.
    await page.waitForFunction(() => / left$/.test(document.querySelector('section[aria-label=Progress] p:nth-of-type(2)')?.textContent?.trim() ?? ''), undefined, { timeout: 30_000 });
    expect(await page.locator('section[aria-label=Progress] p').nth(1).textContent()).toMatch(/simulated .+ of 100 d · .+ events · .+ of wall time · about .+ left/);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid=sim-state]')?.textContent === 'cancelled', undefined, { timeout: 60_000 });
    const id = page.url().split('/').pop()!;
    expect((await api(`/v1/admin/simulations/${id}`)).state).toBe('cancelled');
  });

  it('is usable at 375 px: no page scrolls sideways', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [name, path] of PAGES) {
      await page.goto(admin(path));
      await settle();
      expect({ name, width: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({ name, width: 375 });
      await screenshot(page, `${name}-375`);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  it('signs out and forgets the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('input[name=adminKey]').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('nimbus.adminKey'))).toBeNull();
  });

  it('logged no console error while signed in', () => {
    expect(consoleErrors).toEqual([]);
  });
});
