/**
 * bench:planetlab (issue 11, item 8): CloudSim's THR-MMT (0.8) experiment on PlanetLab day
 * 20110303, run as a user runs it: the built-in scenario `cloudsim-planetlab-20110303` (24 h),
 * validated, its data loaded from data/ and run with `runScenario`, as SimulationRunner.execute
 * does for a job, on the built code (`npm run build` first, unless --no-build) in a plain `node`
 * process as `npm run worker` runs it, with the worker's V8 options (bench/lib/planetlab-run.js;
 * `--v8-flags none` runs it with node's defaults instead). Prints the simulation's CPU and
 * wall time, that process's CPU, wall time and peak RSS, and the figures CloudSim reports.
 *
 *   npm run bench:planetlab            # THR-MMT 0.8 [--no-build]
 *   npm run bench:planetlab -- iqr-mmt # another policy (its default parameter)
 *   npm run bench:planetlab -- --cloudsim DIR [--cloudsim-runs 3] [--java java] [--runs 5] [--v8-flags worker|none]
 *
 * CloudSim beside it (`--cloudsim DIR`, or NIMBUS_BENCH_CLOUDSIM=DIR): DIR holds a build of CloudSim's
 * PlanetLab examples as docs/benchmarks.md ("CloudSim beside Nimbus") describes: `classes/` (the
 * compiled classes), `resources/` (the examples' resources, with workload/planetlab/20110303) and
 * `lib/` (commons-math3's jar). None of CloudSim is in this repository. After each of Nimbus's first
 * --cloudsim-runs runs (so that both see the machine at the same minutes), the bench runs the same policy's example (`org.cloudbus.cloudsim.examples.power.planetlab.ThrMmt`, …) in
 * `java` and prints its CPU (user + system of the JVM, all its threads, from bash's `times`), peak
 * RSS (VmHWM, read while it runs), the figures it reports, and CloudSim ÷ Nimbus for CPU and memory
 * (of the medians, and CPU run by run).
 * The issue's target in this machine's terms: at least 50× less CPU and 10× less memory.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ScenarioResult } from '@nimbus/simulation';
import { WORKER_V8_FLAGS } from '../apps/worker/src/worker-config';
import { arg, buildUnlessTold } from './lib/processes';
import { median } from './lib/stats';

const CLOUDSIM_DIR = arg('cloudsim', process.env.NIMBUS_BENCH_CLOUDSIM ?? '');
const JAVA = arg('java', 'java');
/** Runs of the simulation, each in a fresh process; the figures printed are their medians. */
const RUNS = Number(arg('runs', '5'));
if (!(Number.isInteger(RUNS) && RUNS >= 1)) throw new Error('--runs must be a whole number ≥ 1');
/** CloudSim's runs (with --cloudsim), each after one of Nimbus's: at most --runs. */
const CLOUDSIM_RUNS = Math.min(RUNS, Number(arg('cloudsim-runs', '3')));
if (!(Number.isInteger(CLOUDSIM_RUNS) && CLOUDSIM_RUNS >= 1)) throw new Error('--cloudsim-runs must be a whole number ≥ 1');

/** The flags that take a value. */
const VALUED = new Set(['--cloudsim', '--cloudsim-runs', '--java', '--runs']);

/** The policy named on the command line (the first argument that is neither a flag nor a flag's value), else THR-MMT. */
function policyArg(): string {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (VALUED.has(args[i])) i++;
    else if (!args[i].startsWith('--')) return args[i];
  }
  return 'thr-mmt';
}

interface CloudSimRun { readonly cpuS: number; readonly hwmMB: number; readonly wallS: number; readonly figures: string }

/** CloudSim's example class of a policy: thr-mmt → ThrMmt, npa → NonPowerAware, dvfs → Dvfs. */
function cloudSimClass(policy: string): string {
  const name = policy === 'npa' ? 'NonPowerAware' : policy.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  return `org.cloudbus.cloudsim.examples.power.planetlab.${name}`;
}

/**
 * The policy's CloudSim example in a JVM from the build in `dir`. Its CPU is the JVM's user + system
 * time as bash's `times` reports it for its finished child (every thread); its peak RSS is the JVM's
 * VmHWM, read every 50 ms while it runs (the high-water mark only grows, so the last reading is the peak
 * but for its last 50 ms).
 */
async function runCloudSim(dir: string, policy: string): Promise<CloudSimRun> {
  const lib = join(dir, 'lib');
  for (const need of ['classes', 'resources/workload/planetlab/20110303', 'lib'])
    if (!existsSync(join(dir, need))) throw new Error(`--cloudsim ${dir}: no ${need} there; see docs/benchmarks.md, "CloudSim beside Nimbus"`);
  const classpath = [join(dir, 'classes'), join(dir, 'resources'), ...readdirSync(lib).filter((f) => f.endsWith('.jar')).map((f) => join(lib, f))].join(':');
  const wall0 = performance.now();
  const child = spawn('bash', ['-c', '"$@"; code=$?; times >&2; exit $code', 'bash', JAVA, '-cp', classpath, cloudSimClass(policy)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-20_000); });
  child.stderr.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
  let hwmKB = 0;
  const poll = setInterval(() => {
    try {
      for (const pid of readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
      }
    } catch { /* the JVM has not started or has just ended */ }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  const wallS = (performance.now() - wall0) / 1000;
  if (code !== 0) throw new Error(`CloudSim (${JAVA} ${cloudSimClass(policy)}) exited with ${code}:\n${err.slice(-3000)}`);
  // `times` prints the shell's own times, then its children's: "0m41.020s 0m4.240s".
  const lines = err.trim().split('\n');
  const t = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1]);
  if (!t) throw new Error(`CloudSim's CPU time could not be read from bash's times: ${lines[lines.length - 1]}`);
  const cpuS = Number(t[1]) * 60 + Number(t[2]) + Number(t[3]) * 60 + Number(t[4]);
  const pick = (label: string) => new RegExp(`${label}: ([^\n]+)`).exec(out)?.[1]?.trim() ?? '?';
  const figures = `energy ${pick('Energy consumption')}, migrations ${pick('Number of VM migrations')}, SLATAH ${pick('SLA time per active host')}, ` +
    `PDM ${pick('SLA perf degradation due to migration')}, SLAV ${pick('SLA')}, host shutdowns ${pick('Number of host shutdowns')}`;
  return { cpuS, hwmMB: hwmKB / 1024, wallS, figures };
}

interface Measured {
  readonly scenario: string; readonly policy: string; readonly parameter: number | null; readonly headline: ScenarioResult['headline']; readonly digest: string;
  readonly simCpuMs: number; readonly simUserMs: number; readonly simSystemMs: number; readonly mainThreadMs: number | null; readonly simWallMs: number;
  readonly processCpuMs: number; readonly processWallMs: number; readonly peakRssMB: number; readonly rssBeforeMB: number;
}

/**
 * The V8 options of the measured process: the worker's (WORKER_V8_FLAGS, as `npm run worker` starts
 * it), or with `--v8-flags none` plain node's defaults (to see what they change).
 */
const V8_FLAGS_MODE = arg('v8-flags', 'worker');
if (V8_FLAGS_MODE !== 'worker' && V8_FLAGS_MODE !== 'none') throw new Error('--v8-flags is worker (the default) or none');
const V8_FLAGS: readonly string[] = V8_FLAGS_MODE === 'worker' ? WORKER_V8_FLAGS : [];

/** bench/lib/planetlab-run.js in a plain `node` on the built code, as the worker runs a job; its JSON line. */
async function runNimbus(policy: string): Promise<Measured> {
  const child = spawn(process.execPath, [...V8_FLAGS, join(__dirname, 'lib', 'planetlab-run.js'), policy], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the simulation's process exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as Measured;
}

async function main(): Promise<void> {
  const policy = policyArg();
  buildUnlessTold();
  const runs: Measured[] = [];
  // CloudSim's runs alternate with Nimbus's (N C N C … N), so both see the machine as it is at the
  // time: its speed drifts by up to 2× within minutes, and a ratio of runs made minutes apart shows it.
  const csRuns: CloudSimRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await runNimbus(policy));
    if (CLOUDSIM_DIR && i < CLOUDSIM_RUNS) csRuns.push(await runCloudSim(CLOUDSIM_DIR, policy));
  }
  if (new Set(runs.map((r) => r.digest)).size !== 1) throw new Error(`the runs' digests differ: ${runs.map((r) => r.digest.slice(0, 12)).join(', ')}`);
  const med = (f: (r: Measured) => number) => median(runs.map(f));
  const each = (f: (r: Measured) => number) => (RUNS > 1 ? ` [${runs.map((r) => f(r).toFixed(0)).join(', ')}]` : '');
  const m = runs[0];
  const h = m.headline;
  const simCpuMs = med((r) => r.simCpuMs);
  const peakRssMB = med((r) => r.peakRssMB);
  const processCpuMs = med((r) => r.processCpuMs);
  console.log(`bench:planetlab — ${m.scenario}, policy ${m.policy}${m.parameter !== null ? ` ${m.parameter}` : ''}, ${h.vms} VMs, 24 h; built code in a plain node process, as the worker runs it (V8 options: ${V8_FLAGS.length > 0 ? V8_FLAGS.join(' ') : "node's defaults, --v8-flags none"}); ` +
    `${RUNS} run(s), each in a fresh process: medians${RUNS > 1 ? ' [each run]' : ''}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  // The main thread runs the simulation; V8 compiles the hot code and collects garbage on others.
  const threads = runs.every((r) => r.mainThreadMs !== null)
    ? `; main thread ${med((r) => r.mainThreadMs!).toFixed(0)} ms, V8's other threads ${med((r) => r.simCpuMs - r.mainThreadMs!).toFixed(0)} ms` : '';
  console.log(`simulation: CPU ${simCpuMs.toFixed(0)} ms${each((r) => r.simCpuMs)} (user ${med((r) => r.simUserMs).toFixed(0)}, system ${med((r) => r.simSystemMs).toFixed(0)}${threads}), ` +
    `wall ${med((r) => r.simWallMs).toFixed(0)} ms${each((r) => r.simWallMs)}`);
  console.log(`process:    CPU ${processCpuMs.toFixed(0)} ms, wall ${med((r) => r.processWallMs).toFixed(0)} ms, peak RSS ${peakRssMB.toFixed(1)} MB${each((r) => r.peakRssMB)} ` +
    `(RSS ${med((r) => r.rssBeforeMB).toFixed(1)} MB before the run)`);
  console.log(`figures:    energy ${h.energyKWh.toFixed(2)} kWh, migrations ${h.migrations}, SLATAH ${(h.slatah * 100).toFixed(2)} %, PDM ${(h.pdm * 100).toFixed(3)} %, ` +
    `SLAV ${(h.slav * 100).toFixed(5)} %, host shutdowns ${h.hostShutdowns}, VMs destroyed ${h.vmsDestroyed} (digest ${m.digest.slice(0, 12)}, the same in every run)`);

  if (!CLOUDSIM_DIR) {
    console.log('CloudSim:   not run (--cloudsim DIR runs it beside Nimbus; see docs/benchmarks.md, "CloudSim beside Nimbus")');
    return;
  }
  const csMed = (f: (r: CloudSimRun) => number) => median(csRuns.map(f));
  const csEach = (f: (r: CloudSimRun) => number, digits: number) => (csRuns.length > 1 ? ` [${csRuns.map((r) => f(r).toFixed(digits)).join(', ')}]` : '');
  const csCpuS = csMed((r) => r.cpuS);
  const csHwmMB = csMed((r) => r.hwmMB);
  console.log(`CloudSim:   CPU ${csCpuS.toFixed(1)} s${csEach((r) => r.cpuS, 1)} (the JVM, every thread), wall ${csMed((r) => r.wallS).toFixed(1)} s, ` +
    `peak RSS ${csHwmMB.toFixed(0)} MB${csEach((r) => r.hwmMB, 0)} (${JAVA} ${cloudSimClass(policy)} from ${CLOUDSIM_DIR}; ${csRuns.length} run(s), each after Nimbus's run of the same number)`);
  if (new Set(csRuns.map((r) => r.figures)).size !== 1) throw new Error(`CloudSim's runs' figures differ:\n${csRuns.map((r) => r.figures).join('\n')}`);
  console.log(`            ${csRuns[0].figures} (CloudSim's VM order is its folder listing's; the built-in's is by name: docs/scenarios.md)`);
  // Each CloudSim run over the Nimbus run just before it: the same minutes of the machine.
  const paired = csRuns.map((c, i) => (c.cpuS * 1000) / runs[i].simCpuMs);
  console.log(`CloudSim ÷ Nimbus (medians): CPU ${(csCpuS * 1000 / simCpuMs).toFixed(1)}× the simulation's (${(csCpuS * 1000 / processCpuMs).toFixed(1)}× the whole process's; ` +
    `run by run ${paired.map((x) => `${x.toFixed(1)}×`).join(', ')}), memory ${(csHwmMB / peakRssMB).toFixed(1)}× (issue 11's target: at least 50× and 10×); ` +
    `load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
