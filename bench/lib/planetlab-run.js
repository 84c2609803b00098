// The measured part of bench:planetlab, in plain JavaScript on the built code (dist/), in a plain
// `node` process (with the V8 options the bench passes: the worker's, WORKER_V8_FLAGS): the way
// `npm run worker` (node --no-concurrent-recompilation dist/apps/worker/src/main.js) runs a job, without
// the TypeScript loader the benches use (about 90 MB resident and its own compiling). Validates the
// built-in scenario with the policy's overrides, loads its data, runs it with `runScenario` yielding
// after each slice as the job runner does, and writes one JSON line of measurements for the bench.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');

const dist = join(__dirname, '..', '..', 'dist');
const { applyScenarioOverrides, builtInScenario, formatScenarioError, runScenario, validateScenario } = require(join(dist, 'libs/simulation/src'));
const { loadScenarioData } = require(join(dist, 'apps/api/src/datasets/datasets'));

/** The main thread's CPU time, s (utime + stime of /proc/self/task/<pid>/stat), or null. */
function mainThreadCpuSeconds() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function main() {
  const policy = process.argv[2];
  const overrides = policy === 'thr-mmt' ? {} : { policies: { cloudsim: { policy, parameter: null } } };
  const v = validateScenario(applyScenarioOverrides(builtInScenario('cloudsim-planetlab-20110303'), overrides));
  if (!v.ok) throw new Error(v.errors.map(formatScenarioError).join('\n'));
  const data = await loadScenarioData(v.scenario);

  const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024;
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuSeconds();
  const wall0 = performance.now();
  const result = await runScenario(v.scenario, data, { onProgress: () => new Promise((r) => setImmediate(r)) });
  const simWallMs = performance.now() - wall0;
  const simCpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuSeconds();
  const all = process.cpuUsage();
  const c = v.scenario.policies.cloudsim;
  process.stdout.write(JSON.stringify({
    scenario: v.scenario.name, policy: c.policy, parameter: c.parameter ?? null, headline: result.headline, digest: result.digest,
    simCpuMs: (simCpu.user + simCpu.system) / 1000, simUserMs: simCpu.user / 1000, simSystemMs: simCpu.system / 1000,
    mainThreadMs: main0 !== null && main1 !== null ? (main1 - main0) * 1000 : null, simWallMs,
    processCpuMs: (all.user + all.system) / 1000, processWallMs: performance.now(),
    peakRssMB: process.resourceUsage().maxRSS / 1024, rssBeforeMB,
  }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
