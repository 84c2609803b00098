import { runCloudSimScenario } from '../cloudsim/cloudsim-scenario';
import { runWorldAsync } from '../run/runner';
import { World } from '../world/world';
import { DatasetRef, datasetsNeeded, ScenarioData } from './datasets';
import { assembleResult } from './results/assemble';
import { ScenarioRecorder } from './results/recorder';
import { ScenarioResult } from './results/result';
import { Scenario } from './scenario';
import { resolveScenario } from './scenario.defaults';
import { hostRecords, ScenarioDataMissing, ScenarioDriver } from './scenario.driver';

/** Where a run stands: simulated time since the scenario's start, of how much, and fleet events so far. */
export interface ScenarioProgress {
  readonly simulatedMs: number;
  readonly untilMs: number;
  readonly events: number;
}

export interface RunScenarioOptions {
  /** Checked between slices: an aborted run stops there and returns its partial results, `cancelled: true`. */
  readonly signal?: AbortSignal;
  /** After each slice (one bucket of the scenario's time); awaited before the next. */
  readonly onProgress?: (p: ScenarioProgress) => void | Promise<void>;
}

/**
 * Runs a scenario offline (docs/scenarios.md): a scenario with `policies.cloudsim` runs as
 * CloudSim's data centre (`runCloudSimScenario`); any other builds its world (`World.create`, the same
 * construction as the API's), drives its workloads, faults and drains through the world's
 * commands, runs it with the offline runner, and returns its results. The scenario must have
 * passed `validateScenario`; `data` must hold what `datasetsNeeded` lists.
 */
export async function runScenario(s: Scenario, data: ScenarioData, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const r = resolveScenario(s);
  for (const ref of datasetsNeeded(s)) if (!hasDataset(data, ref)) throw new ScenarioDataMissing(ref);
  if (s.policies?.cloudsim) return runCloudSimScenario(s, data, options);
  const world = World.create(
    { startMs: r.startMs, hosts: hostRecords(r), scheduler: r.scheduler, rebalancer: r.rebalancer },
    {
      metrics: { vms: s.outputs?.instanceMetrics === true, periodMs: r.bucketMs }, hostTypes: r.inlineHostTypes,
      ...(s.policies?.memory?.pageSharing !== undefined ? { pageSharing: s.policies.memory.pageSharing } : {}),
    },
  );
  try {
    const recorder = new ScenarioRecorder(r, world);
    const off = world.observe((e) => recorder.event(e));
    const offRefusals = world.onRefusal((x) => recorder.refusal(x));
    new ScenarioDriver(r, data, world, recorder).start();
    // One bucket per slice: between slices a job's caller turns its event loop (BullMQ renews the
    // job's lock, an in-process API answers), so a slice must stay short however large the fleet
    // (at 300,000 VMs a simulated hour is seconds of CPU). The results do not depend on the slicing.
    const sliceMs = r.bucketMs;
    const outcome = await runWorldAsync(world, {
      until: r.endMs,
      sliceMs,
      signal: options.signal,
      sink: { bucket: (b) => recorder.bucket(b), usage: (u) => recorder.usage(u), slice: (_, t) => recorder.meterUsage(t) },
      onProgress: options.onProgress && ((p) => options.onProgress!({ simulatedMs: p.simulatedTime - r.startMs, untilMs: r.endMs - r.startMs, events: recorder.events })),
    });
    off();
    offRefusals();
    const partials = recorder.finish(outcome.reachedMs);
    return assembleResult(
      {
        scenario: s.name, seed: s.seed, startMs: r.startMs, bucketMs: r.bucketMs, buckets: r.buckets, cancelled: !outcome.completed,
        simulatedMs: outcome.reachedMs - r.startMs, outputs: s.outputs, hostMonthlyUsd: s.policies?.hostCost?.monthlyUsd,
      },
      partials,
    );
  } finally {
    world.dispose();
  }
}

function hasDataset(data: ScenarioData, ref: DatasetRef): boolean {
  if (ref.kind === 'azure2019') return data.azure2019 !== undefined;
  if (ref.kind === 'planetlab') return data.planetlab?.[ref.day] !== undefined;
  return data.bitbrains?.[ref.path] !== undefined;
}
