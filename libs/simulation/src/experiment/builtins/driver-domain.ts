import { builtInScenario } from '../../scenario/builtin';
import { Experiment } from '../experiment';

/** The driver-domain scenario's 32-thread host as paravirtual or hardware-assisted, with or without an SR-IOV NIC (the variable). */
const host = (virtualization: 'paravirtual' | 'hardware-assisted', sriov: boolean) => {
  const base = builtInScenario('driver-domain')!.hostTypes![0];
  return { ...base, virtualization, nic: { ...base.nic, sriov } };
};

/**
 * The driver domain's cost (docs/experiments/driver-domain.md): an IO- and network-heavy tenant
 * next to CPU-bound neighbours, on paravirtual hosts whose driver domain carries every block IO
 * and packet, the same with an SR-IOV NIC (packets bypass it, block IO does not), then on
 * hardware-assisted hosts with SR-IOV (no driver domain); at two IO rates.
 */
export const DRIVER_DOMAIN_EXPERIMENT: Experiment = {
  version: 1,
  name: 'driver-domain',
  title: "The driver domain's cost: paravirtual IO against hardware-assisted hosts with SR-IOV",
  question:
    'An IO- and network-heavy tenant (2 Gbit/s out and 2,500 or 10,000 IOPS per VM) shares hosts with CPU-bound neighbours. On paravirtual hosts ' +
    "every block IO and packet costs the driver domain host CPU: how much CPU do the neighbours lose to it, what IO does the heavy tenant get, " +
    'and how many VMs does one driver-domain failure impair? What changes with an SR-IOV NIC (packets bypass the driver domain), and on ' +
    'hardware-assisted hosts with SR-IOV, which have no driver domain?',
  base: { builtIn: 'driver-domain' },
  variables: [
    {
      name: 'platform', path: '/hostTypes/0',
      values: [host('paravirtual', false), host('paravirtual', true), host('hardware-assisted', true)],
      labels: ['paravirtual', 'paravirtual+sr-iov', 'hardware-assisted+sr-iov'],
    },
    { name: 'iops', path: '/tenants/0/workloads/0/io/iops', values: [2_500, 10_000] },
  ],
  seed: 1,
  // Constant demand, fixed sizes and one scheduled failure: every repetition would give the same figures.
  repetitions: 1,
  headline: [
    'cpuLostPercent:neighbours', 'stealCoreHours:neighbours', 'driverDomainCores', 'cpuEfficiencyPercent',
    'iopsDelivered:io-heavy', 'throughputMiBps:io-heavy', 'driverDomainFailures', 'instancesImpairedPerDriverDomainFailure',
  ],
  answer: 'cpuLostPercent:neighbours',
};
