import { Experiment } from '../experiment';

/**
 * Memory overcommit (docs/experiments/memory-overcommit.md): RAM allocation ratios 1.0–2.0 on the
 * built-in scenario `overcommit-fleet`, against the same VMs at 1.0: the `reference` variable's
 * `ratio-1.0` sets the fleet's host type back to ratio 1.0 (a host type's ratio wins over the
 * default, docs/model.md §3.2), whatever `ramRatio` says.
 */
export const MEMORY_OVERCOMMIT: Experiment = {
  version: 1,
  name: 'memory-overcommit',
  title: 'Memory overcommit: RAM allocation ratios from 1.0 to 2.0, with sharing, ballooning and swapping',
  question:
    'Raising the RAM allocation ratio from 1.0 to 2.0 (page sharing, ballooning and swapping under pressure): how many hosts does it save, how many guests swap, ' +
    'what guarantee violations and SLA credits follow, and up to which ratio does it still pay, net of the hosts\' cost?',
  base: { builtIn: 'overcommit-fleet' },
  variables: [
    { name: 'ramRatio', path: '/policies/placement/ramAllocationRatio', values: [1, 1.25, 1.5, 1.75, 2] },
    { name: 'reference', path: '/policies/placement/overrides', labels: ['overcommit', 'ratio-1.0'], values: [{}, { hostTypes: { 'small-host': { ramAllocationRatio: 1 } } }] },
  ],
  seed: 2019,
  repetitions: 5,
  headline: [
    'hostsUsedPeak', 'swappedGuestHours', 'guaranteeViolationHours', 'slaCreditsUsd', 'revenueUsd', 'netRevenueUsd', 'hostCostUsd', 'netOfHostCostUsd', 'memoryPerApplicationMiB', 'refused',
  ],
  answer: 'breakEvenRatio',
  derived: [
    {
      name: 'breakEvenRatio', kind: 'crossover', figure: 'netOfHostCostUsd', x: 'ramRatio',
      description:
        'the RAM ratio above 1.0 where the net revenue less the hosts\' cost falls back to that of no overcommit (the ratio-1.0 series); ' +
        'the crossing at 1.0 itself is the identity (both series are the same run there)',
    },
    {
      name: 'hostsSavedFactor', kind: 'ratio', figure: 'hostsUsedPeak', numerator: { reference: 'ratio-1.0' }, denominator: { reference: 'overcommit' },
      description: 'hosts needed at ratio 1.0 ÷ hosts needed at each ratio',
    },
  ],
};
