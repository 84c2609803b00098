import { mergePatch } from '../scenario/merge-patch';
import { Experiment } from './experiment';
import { CONSOLIDATION } from './builtins/consolidation';
import { MEMORY_OVERCOMMIT } from './builtins/memory-overcommit';
import { LIVE_MIGRATION } from './builtins/live-migration';
import { LICENSING_MODELS } from './builtins/licensing-models';
import { DRIVER_DOMAIN_EXPERIMENT } from './builtins/driver-domain';
import { VIRTUALIZATION_OVERHEAD_EXPERIMENT } from './builtins/virtualization-overhead';

/**
 * Experiments that ship with Nimbus (docs/experiments/). Each one's doc states the question, the
 * model's assumptions and how to read the answer.
 */
const PLACEMENT_POLICY: Experiment = {
  version: 1,
  name: 'placement-policy',
  title: 'Placement policy what-if: pack, spread and balance, with and without the rebalancer',
  question:
    'On the same workload and seed, what does the scheduler\'s weigher (pack, spread, balance) change in refusals, utilization, energy, ' +
    'migrations, revenue and SLA credits, and what does the rebalancer (hot-spot relief and consolidation) add?',
  base: { builtIn: 'azure-small' },
  variables: [
    { name: 'weigher', path: '/policies/placement/weigher', values: ['pack', 'spread', 'balance'] },
    {
      name: 'rebalancer', path: '/policies/rebalancer', labels: ['off', 'on'],
      values: [
        { hotSpot: { enabled: false }, consolidation: { enabled: false } },
        { hotSpot: { enabled: true }, consolidation: { enabled: true, powerOff: true } },
      ],
    },
  ],
  seed: 2019,
  repetitions: 3,
  headline: ['refused', 'meanCpuUtilization', 'energyKWh', 'hostsOffHours', 'migrations', 'revenueUsd', 'slaCreditsUsd', 'netRevenueUsd'],
  answer: 'energyKWh',
};

const BUILT_IN: readonly Experiment[] = [
  PLACEMENT_POLICY,
  CONSOLIDATION,
  MEMORY_OVERCOMMIT,
  LIVE_MIGRATION,
  LICENSING_MODELS,
  DRIVER_DOMAIN_EXPERIMENT,
  VIRTUALIZATION_OVERHEAD_EXPERIMENT,
];

export function builtInExperimentNames(): string[] {
  return BUILT_IN.map((x) => x.name);
}

export function builtInExperiment(name: string): Experiment | undefined {
  const x = BUILT_IN.find((e) => e.name === name);
  return x === undefined ? undefined : (JSON.parse(JSON.stringify(x)) as Experiment);
}

/** A built-in experiment with overrides: a JSON Merge Patch (RFC 7386), as for scenarios. The result is validated by expandExperiment. */
export function applyExperimentOverrides(base: Experiment, overrides: unknown): unknown {
  return mergePatch(base, overrides);
}
