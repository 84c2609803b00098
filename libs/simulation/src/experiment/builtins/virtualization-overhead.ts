import { Experiment } from '../experiment';

/**
 * Virtualization overhead by mode (docs/experiments/virtualization-overhead.md): the same
 * CPU-bound workload, plain and system-call heavy, on hardware-assisted, paravirtual and
 * trap-and-emulate hosts. Popek and Goldberg's efficiency property as a number: the CPU delivered
 * per CPU demanded, and against hardware-assisted virtualization.
 */
export const VIRTUALIZATION_OVERHEAD_EXPERIMENT: Experiment = {
  version: 1,
  name: 'virtualization-overhead',
  title: 'Virtualization overhead by mode: hardware-assisted, paravirtual, trap-and-emulate',
  question:
    'The same CPU-bound workload, plain and with 20,000 privileged operations per second per core (system-call heavy), runs on hardware-assisted, ' +
    'paravirtual and trap-and-emulate hosts with as many vCPUs as hardware threads: how much of the CPU it asks for does it get (the efficiency), ' +
    'how many cores does the VMM keep, how much throughput is lost, and how many such hosts would carry the demand?',
  base: { builtIn: 'virtualization-overhead' },
  variables: [
    { name: 'mode', path: '/hostTypes/0/virtualization', values: ['hardware-assisted', 'paravirtual', 'trap-and-emulate'] },
    { name: 'workload', path: '/tenants/0/workloads/0/privilegedOpsPerSecPerCore', values: [0, 20_000], labels: ['cpu-bound', 'syscall-heavy'] },
  ],
  seed: 1,
  // Constant demand, fixed sizes and no faults: every repetition would give the same figures.
  repetitions: 1,
  headline: ['cpuEfficiencyPercent', 'virtualizationOverheadCores', 'stealCoreHours', 'hostsForCpuDemand'],
  answer: 'efficiencyTrapAndEmulateVsHardwareAssisted',
  derived: [
    {
      name: 'efficiencyParavirtualVsHardwareAssisted', kind: 'ratio', figure: 'cpuEfficiencyPercent',
      numerator: { mode: 'paravirtual' }, denominator: { mode: 'hardware-assisted' },
      description: 'CPU delivered per CPU demanded on paravirtual hosts ÷ on hardware-assisted ones, per workload',
    },
    {
      name: 'efficiencyTrapAndEmulateVsHardwareAssisted', kind: 'ratio', figure: 'cpuEfficiencyPercent',
      numerator: { mode: 'trap-and-emulate' }, denominator: { mode: 'hardware-assisted' },
      description: 'CPU delivered per CPU demanded under binary translation ÷ under hardware assistance, per workload',
    },
    {
      name: 'hostsTrapAndEmulateVsHardwareAssisted', kind: 'ratio', figure: 'hostsForCpuDemand',
      numerator: { mode: 'trap-and-emulate' }, denominator: { mode: 'hardware-assisted' },
      description: 'hosts needed for the same demand under binary translation ÷ under hardware assistance, per workload',
    },
  ],
};
