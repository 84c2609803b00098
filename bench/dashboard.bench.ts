/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: DOM types for it.
/**
 * Dashboard benchmark, in the browser (Debian's Chromium through playwright-core):
 *
 *   npm run bench:dashboard [-- --runs 5 --hosts 10000 --hours 24 --no-build]
 *
 * Method (also in docs/benchmarks.md, "Dashboard (bench:dashboard)"):
 * - `npm run build:dashboard` (unless `--no-build`); the bundle's size is the gzip (level 9) of
 *   each file in apps/dashboard/dist, summed (what a browser downloads for the first page).
 * - Nimbus started as a user starts it, in its own process on a free port (SQLite in a temp
 *   directory, NIMBUS_DEMO=true: the demo fleet and tenant, manual clock advanced one day).
 * - First page load: `--runs` times, each in a fresh browser context (empty cache), with the
 *   admin key already in sessionStorage: the time from navigation start to the Overview drawn
 *   (its first chart's canvas painted and no loading state left), and the browser's
 *   DOMContentLoaded and load times.
 * - Heatmap: the Fleet page with the heatmap's API answer replaced (page.route) by a synthetic one
 *   of `--hosts` hosts × `--hours` hourly values (seeded, 5 % nulls); the time drawHeatmap takes
 *   (the canvas's data-render-ms, measured in the page around the drawing), and the time from the
 *   answer's arrival to the heatmap drawn (parse, React render and drawing), `--runs` times.
 * Prints min / median / max of each, and the machine's load average.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ADMIN_KEY } from '../test/support/app';
import { createTestDatabase } from '../test/support/database';
import { launchChromium } from '../test/support/dashboard';
import { startServerProcess } from '../test/support/server-process';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = opt('runs', 5);
const HOSTS = opt('hosts', 10_000);
const HOURS = opt('hours', 24);
const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'apps', 'dashboard', 'dist');

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(1)}  median ${s[Math.floor(s.length / 2)].toFixed(1)}  max ${s[s.length - 1].toFixed(1)} ms`;
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

/** A deterministic heatmap answer: hosts × hours of utilization (a diurnal wave per host, 5 % gaps). */
function syntheticHeatmap(hosts: number, hours: number) {
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const start = Date.UTC(2025, 3, 1);
  return {
    metric: 'cpu', periodSeconds: 3600,
    times: Array.from({ length: hours }, (_, i) => new Date(start + i * 3_600_000).toISOString()),
    hosts: Array.from({ length: hosts }, (_, h) => ({
      hostId: `h-${h.toString(16).padStart(17, '0')}`, availabilityZone: `us-east-1${'abc'[h % 3]}`, state: 'available',
      values: Array.from({ length: hours }, (_, t) => (rand() < 0.05 ? null : Math.round((0.45 + 0.35 * Math.sin(((t + h) / 24) * 2 * Math.PI) + 0.2 * (rand() - 0.5)) * 1000) / 1000)),
    })),
  };
}

async function main() {
  if (!args.includes('--no-build')) {
    const b = spawnSync('npm', ['run', 'build:dashboard', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build:dashboard failed');
  }
  const sizes = files(DIST).map((f) => ({ f: f.slice(DIST.length + 1), raw: statSync(f).size, gz: gzipSync(readFileSync(f), { level: 9 }).length }));
  const totalGz = sizes.reduce((s, x) => s + x.gz, 0);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('bundle (apps/dashboard/dist):');
  for (const s of sizes) console.log(`  ${s.f}: ${(s.raw / 1024).toFixed(1)} kB, ${(s.gz / 1024).toFixed(1)} kB gzipped`);
  console.log(`  total gzipped: ${(totalGz / 1024).toFixed(1)} kB (budget 500 kB)`);

  const db = await createTestDatabase();
  const server = await startServerProcess(db.url, { NIMBUS_DEMO: 'true', REDIS_URL: 'redis://127.0.0.1:1' });
  const browser = await launchChromium();
  try {
    await fetch(`${server.url}/v1/admin/clock/advance`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 86_400 }) });
    const first: number[] = [];
    const dcl: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await ctx.addInitScript((key) => sessionStorage.setItem('nimbus.adminKey', key), ADMIN_KEY);
      const page = await ctx.newPage();
      await page.goto(`${server.url}/admin`);
      await page.waitForFunction(() => document.querySelector('[data-testid=chart] canvas') && !document.querySelector('[role=status].status'), undefined, { timeout: 30_000, polling: 'raf' });
      const t = await page.evaluate(() => {
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { drawn: performance.now(), dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
      });
      // The first run warms the server's code paths (JIT), as a user's second visit would find them.
      if (i > 0) {
        first.push(t.drawn);
        dcl.push(t.dcl);
        load.push(t.load);
      }
      await ctx.close();
    }
    console.log(`first page load, Overview drawn (${RUNS} runs, fresh context each): ${stats(first)}`);
    console.log(`  DOMContentLoaded: ${stats(dcl)}; load: ${stats(load)}`);

    const body = JSON.stringify(syntheticHeatmap(HOSTS, HOURS));
    console.log(`heatmap answer: ${HOSTS} hosts × ${HOURS} h, ${(body.length / 1024 / 1024).toFixed(1)} MB of JSON`);
    const draw: number[] = [];
    const total: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await ctx.addInitScript((key) => sessionStorage.setItem('nimbus.adminKey', key), ADMIN_KEY);
      const page = await ctx.newPage();
      await page.route('**/v1/admin/fleet/heatmap**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
      await page.goto(`${server.url}/admin/fleet`);
      await page.waitForSelector('[data-testid=heatmap][data-render-ms]', { timeout: 60_000 });
      const t = await page.evaluate(() => {
        const answer = performance.getEntriesByType('resource').find((e) => e.name.includes('/fleet/heatmap')) as PerformanceResourceTiming;
        const canvas = document.querySelector('[data-testid=heatmap]') as HTMLCanvasElement;
        return { renderMs: Number(canvas.dataset.renderMs), sinceAnswer: Number(canvas.dataset.drawnAt) - answer.responseEnd };
      });
      draw.push(t.renderMs);
      total.push(t.sinceAnswer);
      await ctx.close();
    }
    console.log(`heatmap ${HOSTS} × ${HOURS}: drawing ${stats(draw)}`);
    console.log(`  answer received → heatmap drawn (parse, render, draw): ${stats(total)}`);
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await browser.close();
    await server.stop();
    await db.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
