import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY } from './app';

/** The real server as its own process (for crash tests): TypeScript run through @swc-node/register. */
export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves with the first line of the process's output that matches (fails after `timeoutMs`). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the server on `databaseUrl`; `env` adds variables (e.g. NIMBUS_TEST_HOLD_ANSWERS_FILE); it must answer within `startSeconds`.
 * `root`: another checkout's source to run (a benchmark's baseline), by default this one.
 */
export async function startServerProcess(databaseUrl: string, env: Record<string, string> = {}, startSeconds = 30, root = join(__dirname, '..', '..')): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps/api/src/main.ts')], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), NIMBUS_CLOCK: 'manual', NIMBUS_ADMIN_KEY: ADMIN_KEY, NIMBUS_DEMO: 'false', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // DEBUG_SERVER=1: the server's whole output on stderr when it exits (to see why a test's server stopped).
  if (process.env.DEBUG_SERVER) child.once('exit', () => process.stderr.write(`SERVER OUTPUT:\n${output}\n`));
  const url = `http://127.0.0.1:${port}`;
  const tries = startSeconds * 10;
  for (let i = 0; i < tries; i++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
    if (i === tries - 1) throw new Error(`server did not start in ${startSeconds} s:\n${output}`);
  }
  return {
    url,
    child,
    waitForOutput: async (pattern, timeoutMs = 20_000) => {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
        const line = output.split('\n').find((l) => pattern.test(l));
        if (line !== undefined) return line;
      }
      throw new Error(`no output matching ${pattern} in ${timeoutMs} ms:\n${output}`);
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** One JSON call to a server process, as a client would make it. */
export function callServer(s: ServerProcess, key: string, method: string, path: string, body?: object): Promise<Response> {
  return fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/**
 * The engine's crash-test hook (NIMBUS_TEST_HOLD_ANSWERS_FILE, apps/api/src/config/app-config.ts):
 * pass `env` to the server; `arm()` makes the next group that commits go unanswered and stop the
 * queue; `held(s)` waits for the server to say so and returns how many commands that group held.
 */
export function answerHold() {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-hold-'));
  const path = join(dir, 'hold');
  return {
    env: { NIMBUS_TEST_HOLD_ANSWERS_FILE: path },
    arm: () => writeFileSync(path, ''),
    held: async (s: ServerProcess): Promise<number> => Number(/committed (\d+) command/.exec(await s.waitForOutput(/nimbus test hook: committed \d+ command/))![1]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Sets a fresh server's manual clock to a fixed point of a month, 00:00 UTC on its 2nd day (the
 * clock starts at the wall-clock second the database was made and only moves forward: this is the
 * next such point), so that a test's run never straddles a month boundary. Returns the month's start (ms).
 */
export async function toFixedTimeOfMonth(s: ServerProcess): Promise<number> {
  const clock = async (res: Promise<Response>) => Date.parse(((await (await res).json()) as { now: string }).now);
  const now = await clock(callServer(s, ADMIN_KEY, 'GET', '/v1/admin/clock'));
  const d = new Date(now);
  const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const target = monthStart + 86_400_000;
  const reached = await clock(callServer(s, ADMIN_KEY, 'POST', '/v1/admin/clock/advance', { seconds: (target - now) / 1000 }));
  if (reached !== target) throw new Error(`clock at ${new Date(reached).toISOString()}, not ${new Date(target).toISOString()}`);
  return monthStart;
}
