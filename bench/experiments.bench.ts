/**
 * Speed of the built-in experiments (issue 12, item 4): each one, at its default size, submitted
 * to Nimbus started as a user starts it — the built API and TWO `apps/worker` processes
 * (concurrency 1 each) on a real Redis, a fresh SQLite file per experiment so that no run is
 * reused from another — and timed from `POST /v1/admin/experiments` to the stored report.
 *
 *   npm run bench:experiments [-- --only consolidation,licensing-models --no-build]
 *
 * Printed per experiment: the runs, the wall time (target: under 120 s), each worker's CPU time
 * and peak resident memory, and the answer's figure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInExperiment, builtInExperimentNames, expandExperiment } from '@nimbus/simulation';
import { freePort } from '../test/support/server-process';
import { adminApi, arg, buildUnlessTold, procStats, startApi, startWorkers } from './lib/processes';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TARGET_S = 120;

interface Row { readonly name: string; readonly runs: number; readonly wallS: number; readonly cpuS: readonly number[]; readonly hwmMiB: readonly number[]; readonly answer: string }

async function one(name: string): Promise<Row> {
  const expanded = expandExperiment(builtInExperiment(name));
  if (!expanded.ok) throw new Error(`${name} does not expand: ${JSON.stringify(expanded.errors)}`);
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-experiments-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'nimbus.db')}`, REDIS_URL, NIMBUS_QUEUE_PREFIX: `nimbus-bench-${randomBytes(4).toString('hex')}` };
  const adminKey = `nmbadmin_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const api = await startApi(port, adminKey, env);
  const workers = await startWorkers(2, env);
  try {
    const before = workers.map((w) => procStats(w.child.pid!));
    const started = Date.now();
    const submitted = await adminApi(port, adminKey, 'POST', '/v1/admin/experiments', { builtIn: name });
    let x: any;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      x = await adminApi(port, adminKey, 'GET', `/v1/admin/experiments/${submitted.experimentId}`);
      if (['completed', 'failed', 'cancelled'].includes(x.state)) break;
    }
    const wallS = (Date.now() - started) / 1000;
    if (x.state !== 'completed') throw new Error(`${name} ended ${x.state}: ${JSON.stringify(x.error ?? x.runs?.filter((r: any) => r.state !== 'completed'))}`);
    const after = workers.map((w) => procStats(w.child.pid!));
    return {
      name, runs: expanded.runs.length, wallS,
      cpuS: after.map((a, i) => a.cpuSeconds - before[i].cpuSeconds), hwmMiB: after.map((a) => a.hwmMiB),
      answer: answerOf(x.report),
    };
  } finally {
    for (const w of workers) await w.stop();
    await api.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report's answer: a derived figure's values, or the answer figure's mean per variant. */
function answerOf(report: any): string {
  const name = report?.answer;
  if (!name) return '';
  const d = (report.derived ?? []).find((f: any) => f.name === name);
  const num = (v: number | null) => (v === null ? '—' : Number(v.toPrecision(4)).toString());
  if (d) return `${name}: ${d.values.map((v: any) => (v.label ? `${v.label} ${num(v.value)}` : num(v.value))).join(', ')}`;
  const s = (report.series ?? []).find((f: any) => f.figure === name);
  return s ? `${name}: ${s.labels.map((l: string, i: number) => `${l} ${num(s.means[i])}`).join(', ')}` : '';
}

async function main(): Promise<void> {
  buildUnlessTold();
  const only = arg('only', '');
  const names = only ? only.split(',') : builtInExperimentNames();
  process.stdout.write(`bench:experiments — ${names.length} built-in experiments, each on a fresh SQLite database, two workers (concurrency 1), Redis ${REDIS_URL}\n`);
  const rows: Row[] = [];
  for (const name of names) {
    const r = await one(name);
    rows.push(r);
    process.stdout.write(`  ${r.name}: ${r.runs} runs in ${r.wallS.toFixed(1)} s (CPU ${r.cpuS.map((c) => c.toFixed(1)).join(' + ')} s; peak ${r.hwmMiB.map((m) => m.toFixed(0)).join(' / ')} MiB) ${r.wallS < TARGET_S ? 'under' : 'OVER'} ${TARGET_S} s\n    ${r.answer}\n`);
  }
  const head = ['experiment', 'runs', 'wall s', 'worker CPU s', 'target'];
  const table = rows.map((r) => [r.name, String(r.runs), r.wallS.toFixed(1), r.cpuS.map((c) => c.toFixed(1)).join(' + '), r.wallS < TARGET_S ? `< ${TARGET_S} s` : `OVER ${TARGET_S} s`]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  for (const t of [head, ...table]) process.stdout.write(t.map((c, i) => c.padEnd(widths[i])).join('  ') + '\n');
  if (rows.some((r) => r.wallS >= TARGET_S)) process.exitCode = 1;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
