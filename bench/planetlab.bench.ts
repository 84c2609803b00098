/**
 * bench:planetlab (issue 11, item 8): CloudSim's THR-MMT (0.8) experiment on PlanetLab day
 * 20110303, run as a user runs it: the built-in scenario `cloudsim-planetlab-20110303` (24 h),
 * validated, its data loaded from data/ and run with `runScenario`, as SimulationRunner.execute
 * does for a job, in this one process. Prints the simulation's CPU and wall time, the whole
 * process's CPU, wall time and peak RSS, and the figures CloudSim reports.
 *
 *   npm run bench:planetlab            # THR-MMT 0.8
 *   npm run bench:planetlab -- iqr-mmt # another policy (its default parameter)
 */
import { performance } from 'node:perf_hooks';
import { applyScenarioOverrides, builtInScenario, formatScenarioError, runScenario, validateScenario } from '@nimbus/simulation';
import { loadScenarioData } from '../apps/api/src/datasets/datasets';
import { mainThreadCpuSeconds } from './lib/processes';

async function main(): Promise<void> {
  const policy = process.argv[2] ?? 'thr-mmt';
  const overrides = policy === 'thr-mmt' ? {} : { policies: { cloudsim: { policy, parameter: null } } };
  const v = validateScenario(applyScenarioOverrides(builtInScenario('cloudsim-planetlab-20110303')!, overrides));
  if (!v.ok) throw new Error(v.errors.map(formatScenarioError).join('\n'));
  const data = await loadScenarioData(v.scenario);

  const rssBeforeMB = process.memoryUsage().rss / 1024 / 1024;
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuSeconds();
  const wall0 = performance.now();
  // As the job runner does: yield to the event loop after each slice.
  const result = await runScenario(v.scenario, data, { onProgress: () => new Promise<void>((r) => setImmediate(r)) });
  const simWallMs = performance.now() - wall0;
  const simCpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuSeconds();

  const all = process.cpuUsage();
  const h = result.headline;
  const ms = (us: number) => (us / 1000).toFixed(0);
  console.log(`bench:planetlab — ${v.scenario.name}, policy ${v.scenario.policies!.cloudsim!.policy}${v.scenario.policies!.cloudsim!.parameter !== undefined ? ` ${v.scenario.policies!.cloudsim!.parameter}` : ''}, ${h.vms} VMs, 24 h`);
  // The main thread runs the simulation; V8 compiles the hot code and collects garbage on others.
  const mainMs = main0 !== undefined && main1 !== undefined ? (main1 - main0) * 1000 : undefined;
  const threads = mainMs !== undefined ? `; main thread ${mainMs.toFixed(0)} ms, V8's other threads ${((simCpu.user + simCpu.system) / 1000 - mainMs).toFixed(0)} ms` : '';
  console.log(`simulation: CPU ${ms(simCpu.user + simCpu.system)} ms (user ${ms(simCpu.user)}, system ${ms(simCpu.system)}${threads}), wall ${simWallMs.toFixed(0)} ms`);
  console.log(`process:    CPU ${ms(all.user + all.system)} ms, wall ${performance.now().toFixed(0)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB (RSS ${rssBeforeMB.toFixed(1)} MB before the run)`);
  console.log(`figures:    energy ${h.energyKWh.toFixed(2)} kWh, migrations ${h.migrations}, SLATAH ${(h.slatah * 100).toFixed(2)} %, PDM ${(h.pdm * 100).toFixed(3)} %, ` +
    `SLAV ${(h.slav * 100).toFixed(5)} %, host shutdowns ${h.hostShutdowns}, VMs destroyed ${h.vmsDestroyed} (digest ${result.digest.slice(0, 12)})`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
