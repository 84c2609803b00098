import { Experiment } from '../experiment';

/**
 * Consolidation: a VM per application against applications sharing one OS (docs/experiments/consolidation.md).
 * The same 5,000 applications drawn from the Azure 2019 distributions (the built-in scenario
 * `consolidation-apps`), one per VM or eight per VM on one guest OS, with the VMMs' page sharing
 * off and on.
 */
export const CONSOLIDATION: Experiment = {
  version: 1,
  name: 'consolidation',
  title: 'Consolidation: a VM per application against applications sharing one OS',
  question:
    'The same applications, drawn from the Azure 2019 distributions, packed one per VM (each VM paying a guest OS and the VMM\'s per-VM overhead) ' +
    'or eight per VM on one guest OS, with page sharing off and on: how many hosts does each need, how much memory per application, ' +
    'what energy and monthly cost, and does either swap?',
  base: { builtIn: 'consolidation-apps' },
  variables: [
    { name: 'packing', path: '/tenants/0/workloads/0/memory/applicationsPerVm', labels: ['vm-per-app', 'shared-os'], values: [1, 8] },
    { name: 'pageSharing', path: '/policies/memory/pageSharing', labels: ['off', 'on'], values: [false, true] },
  ],
  seed: 2019,
  repetitions: 3,
  headline: [
    'hostsUsedPeak', 'memoryPerApplicationMiB', 'energyHostsUsedKWh', 'energyKWh', 'monthlyHostCostUsd', 'instancesMonthlyUsd', 'swappedGuestHours', 'guaranteeViolationHours', 'slaCreditsUsd',
  ],
  answer: 'consolidationRatio',
  derived: [
    {
      name: 'consolidationRatio', kind: 'ratio', figure: 'hostsUsedPeak', numerator: { packing: 'vm-per-app' }, denominator: { packing: 'shared-os' },
      description: 'hosts needed with a VM per application ÷ hosts needed with applications sharing one OS (per page-sharing setting)',
    },
    {
      name: 'memoryPerApplicationRatio', kind: 'ratio', figure: 'memoryPerApplicationMiB', numerator: { packing: 'vm-per-app' }, denominator: { packing: 'shared-os' },
      description: 'host memory per application, a VM per application ÷ shared OS',
    },
  ],
};
