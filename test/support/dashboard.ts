/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: DOM types for it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { ADMIN_KEY, LINUX_AMI, WINDOWS_AMI } from './app';
import { callServer, ServerProcess } from './server-process';

/** SQL Server Standard on Windows, bring-your-own-licence (the catalog's). */
const SQL_BYOL_AMI = 'ami-0f3d0c00000003f22';
const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'apps', 'dashboard');
const DIST = join(SRC, 'dist', 'index.html');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');

function newestMs(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMs(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard once when its build is missing or older than its sources (as `npm start` would). */
export function ensureDashboardBuilt(): void {
  if (existsSync(DIST) && statSync(DIST).mtimeMs >= newestMs(SRC)) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(SRC, 'vite.config.mts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Debian's Chromium, driven by playwright-core (no browser download). Missing, the tests fail
 * under CI=true (.ci/run installs it) and are skipped with a notice elsewhere.
 */
export function chromiumPresent(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true') throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
  return false;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Whether a canvas has pixels other than its background (a chart drew marks). Charts are drawn
 * when they come near the viewport (chart.tsx), so the chart is scrolled into view first, as a
 * user would, and given two frames to draw.
 */
export async function canvasInkPixels(page: Page, selector: string): Promise<number> {
  const target = page.locator(selector).first();
  await target.scrollIntoViewIfNeeded();
  if (await target.evaluate((el) => el.tagName !== 'CANVAS')) await target.locator('canvas').first().waitFor();
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return page.$eval(selector, (el) => {
    const canvas = (el.tagName === 'CANVAS' ? el : el.querySelector('canvas')) as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && !(data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245)) ink++;
    return ink;
  });
}

async function json<T>(s: ServerProcess, key: string, method: string, path: string, body?: object): Promise<T> {
  const res = await callServer(s, key, method, path, body);
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export interface SeededMonth {
  /** The month that ended (closable), and the one running. */
  readonly lastMonth: string;
  readonly thisMonth: string;
  readonly tenants: { tenantId: string; name: string; key: string }[];
}

/**
 * A month of usage through the API, as operators and tenants make it: twelve tenants (so the top
 * ten and "the rest" both show), Linux and Windows instances with CPU workloads, one licence
 * configuration past its soft limit, two Reserved Instances, a host failure (SLA credits), then the clock advanced from
 * the first of a month to the third of the next.
 */
export async function seedMonth(s: ServerProcess): Promise<SeededMonth> {
  const admin = (m: string, p: string, b?: object) => json<any>(s, ADMIN_KEY, m, p, b);
  const clock = await admin('GET', '/v1/admin/clock');
  // Start on the 1st of the next month at 00:00, so the month that ends is a whole one.
  const now = new Date(clock.now);
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  await admin('POST', '/v1/admin/clock/advance', { seconds: Math.ceil((start - now.getTime()) / 1000) });
  const tenants: SeededMonth['tenants'] = [];
  for (let i = 0; i < 12; i++) {
    const r = await admin('POST', '/v1/admin/tenants', { name: `tenant-${String(i + 1).padStart(2, '0')}`, quotas: { onDemandVcpus: 256 } });
    tenants.push({ tenantId: r.tenant.tenantId, name: r.tenant.name, key: r.apiKey.key });
  }
  // Reserved Instances from the month's first instant (the RI page): tenant-03 (three Linux m5.large) a regional
  // m5.large No Upfront, tenant-05 (two Linux m5.large) a regional m5.xlarge All Upfront that covers both by normalization.
  const offering = async (key: string, instanceType: string, offeringType: string) =>
    (await json<any>(s, key, 'GET', `/v1/reserved-instance-offerings?instanceType=${instanceType}&term=1yr&offeringType=${encodeURIComponent(offeringType)}&scope=Region`)).offerings[0].offeringId;
  await json<any>(s, tenants[2].key, 'POST', '/v1/reserved-instances', { offeringId: await offering(tenants[2].key, 'm5.large', 'No Upfront'), instanceCount: 1 });
  await json<any>(s, tenants[4].key, 'POST', '/v1/reserved-instances', { offeringId: await offering(tenants[4].key, 'm5.xlarge', 'All Upfront'), instanceCount: 1 });
  const lic = await json<any>(s, tenants[0].key, 'POST', '/v1/license-configurations', { name: 'SQL Server Standard', countingType: 'vCPU', limit: 2, hardLimit: false });
  for (const [i, t] of tenants.entries()) {
    const tenant = (m: string, p: string, b?: object) => json<any>(s, t.key, m, p, b);
    const count = 1 + (i % 3);
    const body = i === 0
      ? { imageId: SQL_BYOL_AMI, instanceType: 'm5.large', minCount: 2, maxCount: 2, licenseConfigurationId: lic.licenseConfigurationId }
      : { imageId: i % 4 === 1 ? WINDOWS_AMI : LINUX_AMI, instanceType: i % 2 ? 'm5.xlarge' : 'm5.large', minCount: count, maxCount: count };
    const r = await tenant('POST', '/v1/instances', body);
    await admin('POST', '/v1/admin/clock/advance', { seconds: 60 });
    for (const inst of r.instances) await tenant('PUT', `/v1/instances/${inst.instanceId}/workload`, { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 0.8, peakHourUtc: 14 } });
  }
  await admin('POST', '/v1/admin/clock/advance', { seconds: 10 * 86400 });
  // An operator's live migration (the Fleet page's migrations): to the first host of the zone that takes it.
  const hosts = (await admin('GET', '/v1/admin/hosts')).hosts as { hostId: string; hostType: string; availabilityZone: string; allocated: { instances: number } }[];
  const busy = hosts.find((h) => h.allocated.instances > 0)!;
  const moved = (await admin('GET', `/v1/admin/hosts/${busy.hostId}`)).instanceIds[0];
  const candidates = hosts.filter((h) => h.hostId !== busy.hostId && h.availabilityZone === busy.availabilityZone);
  let migrated = false;
  for (const c of candidates) {
    if ((await callServer(s, ADMIN_KEY, 'POST', `/v1/admin/instances/${moved}/migrate`, { targetHostId: c.hostId })).ok) {
      migrated = true;
      break;
    }
  }
  if (!migrated) throw new Error(`no host of ${busy.availabilityZone} took ${moved}`);
  await admin('POST', '/v1/admin/clock/advance', { seconds: 3600 });
  // A host failure for a few hours: its instances are unavailable (SLA credits).
  await admin('POST', `/v1/admin/hosts/${busy.hostId}/fail`, {});
  await admin('POST', '/v1/admin/clock/advance', { seconds: 12 * 3600 });
  await admin('POST', `/v1/admin/hosts/${busy.hostId}/repair`, {});
  const end = new Date(start);
  const next = Date.UTC(end.getUTCFullYear(), end.getUTCMonth() + 1, 3);
  const nowMs = Date.parse((await admin('GET', '/v1/admin/clock')).now);
  await admin('POST', '/v1/admin/clock/advance', { seconds: Math.ceil((next - nowMs) / 1000) });
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 7);
  return { lastMonth: iso(start), thisMonth: iso(next), tenants };
}
