/**
 * Nimbus started as a user starts it, for benchmarks: the built API (`dist/apps/api/src/main.js`)
 * and `apps/worker` processes, with their CPU time and peak memory read from /proc.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKER_V8_FLAGS } from '../../apps/worker/src/worker-config';

export const ROOT = join(__dirname, '..', '..');
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

export interface ProcStats { readonly cpuSeconds: number; readonly hwmMiB: number }

/** A process's CPU time so far (user + system) and its peak resident memory (VmHWM). */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { cpuSeconds: statCpuSeconds(`/proc/${pid}/stat`), hwmMiB: Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) / 1024 };
}

/** User + system CPU time, s, from a /proc …/stat file (utime and stime, fields 14 and 15). */
function statCpuSeconds(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const live = new Set<ChildProcess>();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });
process.on('SIGINT', () => process.exit(130));

export interface Started { readonly child: ChildProcess; stop(): Promise<void>; output(): string }

/** The Node options the benches start Nimbus's processes with: room for a full-size fleet's heap. */
export const BENCH_NODE_ARGS: readonly string[] = ['--max-old-space-size=12288'];

/** The Node options of a bench's worker processes: the worker's own (as `npm run worker` starts it), and BENCH_NODE_ARGS. */
export const WORKER_NODE_ARGS: readonly string[] = [...WORKER_V8_FLAGS, ...BENCH_NODE_ARGS];

/** Starts `node <script>` from the project's root with `env`, resolved once `ready(output)` says so (120 s at most). */
export function startProcess(script: string, env: Record<string, string>, ready: (out: string) => boolean, what: string, nodeArgs: readonly string[] = BENCH_NODE_ARGS): Promise<Started> {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  child.stdout!.on('data', (d) => (out = (out + d).slice(-50_000)));
  child.stderr!.on('data', (d) => (out = (out + d).slice(-50_000)));
  const exited = new Promise<void>((r) => child.once('exit', () => { live.delete(child); r(); }));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (child.exitCode !== null) { clearInterval(poll); reject(new Error(`${what} exited at start:\n${out}`)); }
      else if (ready(out)) { clearInterval(poll); resolve({ child, stop, output: () => out }); }
      else if (Date.now() - started > 120_000) { clearInterval(poll); void stop(); reject(new Error(`${what} did not start in 120 s:\n${out}`)); }
    }, 100);
  });
}

/** The API on `port` with the environment `env` (database, Redis, queue prefix), ready once /health/ready answers 200. */
export async function startApi(port: number, adminKey: string, env: Record<string, string>): Promise<Started> {
  let healthy = false;
  const check = setInterval(() => void fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => (healthy = r.status === 200), () => undefined), 200);
  try {
    return await startProcess('dist/apps/api/src/main.js', { ...env, PORT: String(port), NIMBUS_ADMIN_KEY: adminKey, NIMBUS_DEMO: 'false', LOG_LEVEL: 'warn' }, () => healthy, 'the API');
  } finally {
    clearInterval(check);
  }
}

/** `count` simulation workers (`concurrency` runs at once each, on threads of their own; default 1), with WORKER_NODE_ARGS, ready once each says so. */
export async function startWorkers(count: number, env: Record<string, string>, concurrency = 1): Promise<Started[]> {
  const ws: Started[] = [];
  for (let i = 0; i < count; i++) {
    ws.push(await startProcess('dist/apps/worker/src/main.js', { ...env, NIMBUS_WORKER_CONCURRENCY: String(concurrency), NIMBUS_WORKER_LOCK_MS: '120000', LOG_LEVEL: 'info' }, (o) => o.includes('simulation worker ready'), `worker ${i + 1}`, WORKER_NODE_ARGS));
  }
  return ws;
}

/** One admin call; throws on a status ≥ 300. JSON answers are parsed, others returned as text. */
export async function adminApi(port: number, key: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

/** `npm run build`, unless --no-build. */
export function buildUnlessTold(): void {
  if (process.argv.includes('--no-build')) return;
  process.stdout.write('building (npm run build)…\n');
  const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) throw new Error('build failed');
}
