/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser: DOM types for it.
/**
 * Dashboard benchmark, in the browser (Debian's Chromium through playwright-core):
 *
 *   npm run bench:dashboard [-- --runs 5 --hosts 10000 --hours 24 --no-build --baseline DIR [--baseline-server ROOT]]
 *
 * Method (also in docs/benchmarks.md, "Dashboard (bench:dashboard)"):
 * - `npm run build:dashboard` (unless `--no-build`); the bundle's size is the gzip (level 9) of
 *   each file in apps/dashboard/dist, summed (what a browser downloads for the first page).
 * - Nimbus started as a user starts it, in its own process on a free port (SQLite in a temp
 *   directory, NIMBUS_DEMO=true: the demo fleet and tenant, manual clock advanced one day).
 * - First page load: `--runs` times, each in a fresh browser context (empty cache), with the
 *   admin key already in sessionStorage: the time from navigation start to the Overview drawn
 *   (its first chart's canvas painted and no loading state left), then to every chart in the
 *   viewport drawn (charts are drawn one per frame, so the first comes before the others), and
 *   the browser's DOMContentLoaded and load times.
 * - Heatmap: the Fleet page with the heatmap's API answer replaced (page.route) by a synthetic one
 *   of `--hosts` hosts × `--hours` hourly values (seeded, 5 % nulls); the time drawHeatmap takes
 *   (the canvas's data-render-ms, measured in the page around the drawing), and the time from the
 *   answer's arrival to the heatmap drawn (parse, React render and drawing), `--runs` times.
 * - `--baseline DIR`: another build of the dashboard (e.g. the commit before a change, built and
 *   copied aside) measured in the same run, against the same server, interleaved with this one
 *   (baseline, current, baseline, …) so that both see the same load; each build is then served by
 *   a small front of its own in this process (its files under /admin, every other path passed to
 *   the server), the same way for both, and the ratio baseline / current of each median is
 *   printed. Not page.route: with a route, Chromium hands every request of the page, the API
 *   calls included, to this process before sending it, which delayed each call 50–200 ms here.
 * - `--baseline-server ROOT`: the baseline is another checkout (e.g. `git archive` of the base
 *   commit, node_modules linked, its dashboard built), started as a user starts it on a database
 *   of its own seeded the same way; each build is then served by its own server, as a user gets
 *   it (the API's changes measured too, and the files in the same queue as the API calls).
 * Prints min / median / max of each, and the machine's load average.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { extname, join } from 'node:path';
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
const BASELINE_SERVER = args.includes('--baseline-server') ? args[args.indexOf('--baseline-server') + 1] : null;
const BASELINE = args.includes('--baseline') ? args[args.indexOf('--baseline') + 1] : BASELINE_SERVER && join(BASELINE_SERVER, 'apps', 'dashboard', 'dist');
const ROOT = join(__dirname, '..');
const DIST = join(ROOT, 'apps', 'dashboard', 'dist');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `min ${s[0].toFixed(1)}  median ${median(s).toFixed(1)}  max ${s[s.length - 1].toFixed(1)} ms`;
};

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

/**
 * A front for one build: the dashboard's files from `dir` under /admin (index.html for the app's
 * own routes), as the API would serve them, and every other request passed on to `apiUrl`.
 */
async function frontFor(dir: string, apiUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const api = new URL(apiUrl);
  const agent = new Agent({ keepAlive: true });
  const front = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://front');
    if (pathname === '/admin' || pathname.startsWith('/admin/')) {
      const path = pathname.replace(/^\/admin\/?/, '');
      const file = path && statSync(join(dir, path), { throwIfNoEntry: false })?.isFile() ? join(dir, path) : join(dir, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      return;
    }
    const upstream = request({ host: api.hostname, port: api.port, method: req.method, path: req.url, headers: { ...req.headers, host: api.host }, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => res.writeHead(502).end(String(err)));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => { agent.destroy(); front.closeAllConnections(); front.close(() => resolve()); }),
  };
}

function gzipTotal(dir: string): number {
  return files(dir).reduce((s, f) => s + gzipSync(readFileSync(f), { level: 9 }).length, 0);
}

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
  const firstPageFiles = (dir: string) => {
    // What the first page fetches: index.html's script and style, and the chunks they import statically.
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f) || !statSync(join(dir, f), { throwIfNoEntry: false })) return;
      seen.add(f);
      if (f.endsWith('.js')) for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:from|import)\s*["']\.\/([\w.-]+\.js)["']/g)) visit(`assets/${m[1]}`);
    };
    for (const m of html.matchAll(/(?:src|href)="\/admin\/(assets\/[^"]+)"/g)) visit(m[1]);
    return [...seen].reduce((n, f) => n + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);
  };
  console.log(`  loaded before the app starts (index.html's script and style and their static imports): ${(firstPageFiles(DIST) / 1024).toFixed(1)} kB gzipped`);
  if (BASELINE) console.log(`  baseline ${BASELINE}: total ${(gzipTotal(BASELINE) / 1024).toFixed(1)} kB gzipped, before the app starts ${(firstPageFiles(BASELINE) / 1024).toFixed(1)} kB; its API: ${BASELINE_SERVER ? `the server of ${BASELINE_SERVER}` : "this checkout's server"}`);

  const started: { close: () => Promise<void> }[] = [];
  /** Nimbus as a user starts it (from `root`), on a database of its own, the clock advanced a day. */
  const startNimbus = async (root?: string) => {
    const db = await createTestDatabase();
    const server = await startServerProcess(db.url, { NIMBUS_DEMO: 'true', REDIS_URL: 'redis://127.0.0.1:1' }, 60, root);
    started.push({ close: async () => { await server.stop(); await db.drop(); } });
    await fetch(`${server.url}/v1/admin/clock/advance`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ seconds: 86_400 }) });
    return server;
  };
  const server = await startNimbus();
  const baselineServer = BASELINE_SERVER ? await startNimbus(BASELINE_SERVER) : server;
  const browser = await launchChromium();
  const fronts: { close: () => Promise<void> }[] = [];
  try {
    // Without a baseline (or with a baseline server), each server serves its own build, as for a user.
    const builds = BASELINE_SERVER
      ? [{ name: 'baseline', url: baselineServer.url, close: async () => undefined }, { name: 'current', url: server.url, close: async () => undefined }]
      : BASELINE
      ? [{ name: 'baseline', ...(await frontFor(BASELINE, server.url)) }, { name: 'current', ...(await frontFor(DIST, server.url)) }]
      : [{ name: 'current', url: server.url, close: async () => undefined }];
    fronts.push(...builds);
    const firstOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    const inSightOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    const drawOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    const totalOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    const dclOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    const loadOf = new Map(builds.map((b) => [b.name, [] as number[]]));
    // Interleaved (baseline, current, baseline, …): both builds see the same load on the machine.
    for (let i = 0; i < RUNS + 1; i++) {
      for (const b of builds) {
        const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        await ctx.addInitScript((key) => sessionStorage.setItem('nimbus.adminKey', key), ADMIN_KEY);
        await ctx.addInitScript(() => {
          const tasks: [number, number][] = ((window as any).__longTasks = []);
          new PerformanceObserver((l) => l.getEntries().forEach((e) => tasks.push([e.startTime, e.duration]))).observe({ type: 'longtask' });
        });
        const page = await ctx.newPage();
        await page.goto(`${b.url}/admin`);
        await page.waitForFunction(() => document.querySelector('[data-testid=chart] canvas') && !document.querySelector('[role=status].status'), undefined, { timeout: 30_000, polling: 'raf' });
        const t = await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          return { drawn: performance.now(), dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
        });
        // Every chart in the viewport drawn (a canvas in each), not only the first.
        await page.waitForFunction(
          () => Array.from(document.querySelectorAll('[data-testid=chart]')).every((c) => { const r = c.getBoundingClientRect(); return r.bottom <= 0 || r.top >= innerHeight || c.querySelector('canvas'); }),
          undefined, { timeout: 30_000, polling: 'raf' },
        );
        const inSight = await page.evaluate(() => performance.now());
        // Where the time goes, for the last run: each request's start and end, and the main thread's long tasks.
        if (i === RUNS) {
          const b2 = await page.evaluate(() => ({
            resources: performance.getEntriesByType('resource').map((e) => {
              const r = e as PerformanceResourceTiming;
              return `${new URL(r.name).pathname.replace(/^\/admin\/assets\//, '').replace(/^\/v1\/admin\//, 'api ')} ${r.startTime.toFixed(0)}→${r.responseEnd.toFixed(0)}`;
            }),
            longTasks: ((window as any).__longTasks ?? []) as [number, number][],
          }));
          const busy = b2.longTasks.reduce((n, [, d]) => n + d, 0);
          console.log(`  ${b.name}, run ${i}: drawn at ${t.drawn.toFixed(0)} ms; requests (start→end ms): ${b2.resources.join('; ')}`);
          console.log(`    long tasks (≥ 50 ms): ${b2.longTasks.length}, ${busy.toFixed(0)} ms in all: ${b2.longTasks.map(([s0, d]) => `${d.toFixed(0)} ms at ${s0.toFixed(0)}`).join(', ')}`);
        }
        // The first run warms the server's code paths (JIT), as a user's second visit would find them.
        if (i > 0) {
          firstOf.get(b.name)!.push(t.drawn);
          inSightOf.get(b.name)!.push(inSight);
          dclOf.get(b.name)!.push(t.dcl);
          loadOf.get(b.name)!.push(t.load);
        }
        await ctx.close();
      }
    }
    for (const b of builds) {
      console.log(`${b.name}: first page load, Overview drawn (${RUNS} runs, fresh context each): ${stats(firstOf.get(b.name)!)}`);
      console.log(`  every chart in the viewport drawn: ${stats(inSightOf.get(b.name)!)}`);
      console.log(`  DOMContentLoaded: ${stats(dclOf.get(b.name)!)}; load: ${stats(loadOf.get(b.name)!)}`);
    }

    // The real route, on the demo fleet: does the API's answer or the drawing dominate?
    const routeMs: number[] = [];
    let routeHosts = 0;
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/v1/admin/fleet/heatmap?metric=cpu&period=3600`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      routeHosts = ((await res.json()) as { hosts: unknown[] }).hosts.length;
      routeMs.push(performance.now() - t0);
    }
    console.log(`GET /v1/admin/fleet/heatmap on the demo fleet, ${routeHosts} hosts × 24 h: ${stats(routeMs)} (${(median(routeMs) / Math.max(1, routeHosts)).toFixed(2)} ms per host)`);

    const body = JSON.stringify(syntheticHeatmap(HOSTS, HOURS));
    console.log(`heatmap answer: ${HOSTS} hosts × ${HOURS} h, ${(body.length / 1024 / 1024).toFixed(1)} MB of JSON`);
    for (let i = 0; i < RUNS; i++) {
      for (const b of builds) {
        const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
        await ctx.addInitScript((key) => sessionStorage.setItem('nimbus.adminKey', key), ADMIN_KEY);
        const page = await ctx.newPage();
        await page.route('**/v1/admin/fleet/heatmap**', (route) => route.fulfill({ status: 200, contentType: 'application/json', body }));
        await page.goto(`${b.url}/admin/fleet`);
        await page.waitForSelector('[data-testid=heatmap][data-render-ms]', { timeout: 60_000 });
        const t = await page.evaluate(() => {
          const answer = performance.getEntriesByType('resource').find((e) => e.name.includes('/fleet/heatmap')) as PerformanceResourceTiming;
          const canvas = document.querySelector('[data-testid=heatmap]') as HTMLCanvasElement;
          return { renderMs: Number(canvas.dataset.renderMs), sinceAnswer: Number(canvas.dataset.drawnAt) - answer.responseEnd };
        });
        drawOf.get(b.name)!.push(t.renderMs);
        totalOf.get(b.name)!.push(t.sinceAnswer);
        await ctx.close();
      }
    }
    for (const b of builds) {
      console.log(`${b.name}: heatmap ${HOSTS} × ${HOURS}: drawing ${stats(drawOf.get(b.name)!)}`);
      console.log(`  answer received → heatmap drawn (parse, render, draw): ${stats(totalOf.get(b.name)!)}`);
    }
    if (BASELINE) {
      const ratio = (m: Map<string, number[]>) => `${median(m.get('baseline')!).toFixed(1)} → ${median(m.get('current')!).toFixed(1)} ms, ×${(median(m.get('baseline')!) / median(m.get('current')!)).toFixed(2)} faster`;
      console.log(`baseline → current (medians): first page ${ratio(firstOf)}; every chart in the viewport ${ratio(inSightOf)}; heatmap drawing ${ratio(drawOf)}; heatmap answer → drawn ${ratio(totalOf)}`);
    }
    console.log(`load average at end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    for (const f of fronts) await f.close();
    await browser.close();
    for (const s of started) await s.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
