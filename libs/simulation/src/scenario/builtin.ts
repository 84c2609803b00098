import { mergePatch } from './merge-patch';
import { HostTypeSpec, Scenario } from './scenario';

/**
 * Scenarios that ship with Nimbus (docs/scenarios.md). Their data ships too (data/), so they run
 * on a fresh clone.
 */
const AZURE_SMALL: Scenario = {
  version: 1,
  name: 'azure-small',
  description:
    'Three zones of catalog hosts for one day. Three tenants, one per zone, launch VMs as Poisson arrivals (one diurnal), with sizes, ' +
    'lifetimes and CPU utilization drawn from the Azure 2019 distributions.',
  seed: 2019,
  start: '2026-01-05T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  fleet: {
    zones: [
      { name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 6 }, { type: 'c5-host', count: 2 }, { type: 'r5-host', count: 2 }] },
      { name: 'us-east-1b', hosts: [{ type: 'm5-host', count: 6 }, { type: 'c5-host', count: 2 }, { type: 'r5-host', count: 2 }] },
      { name: 'us-east-1c', hosts: [{ type: 'm5-host', count: 6 }, { type: 'c5-host', count: 2 }, { type: 'r5-host', count: 2 }] },
    ],
  },
  tenants: [
    {
      id: 'acme',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', image: 'linux', initial: 40, arrivals: { ratePerHour: 40 },
        lifetime: { distribution: 'azure2019' }, size: { distribution: 'azure2019' }, utilization: { distribution: 'azure2019', model: 'random-walk' },
      }],
    },
    {
      id: 'globex',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1b', image: 'windows', initial: 20, arrivals: { ratePerHour: 25, diurnal: { amplitude: 0.6, peakHourUtc: 15 } },
        lifetime: { distribution: 'azure2019' }, size: { distribution: 'azure2019' }, utilization: { distribution: 'azure2019', model: 'diurnal' },
      }],
    },
    {
      id: 'initech',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1c', image: 'rhel', initial: 30, arrivals: { ratePerHour: 30, deployments: 'azure2019', bursts: [{ atHours: 9, durationHours: 1, multiplier: 3 }] },
        lifetime: { distribution: 'azure2019' }, size: { distribution: 'azure2019' }, utilization: { distribution: 'azure2019', model: 'constant' },
      }],
    },
  ],
  policies: { placement: { weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 } },
};

/**
 * CloudSim's PlanetLab setup (Beloglazov & Buyya, CCPE 2012) as data: 800 HP ProLiant ML110 hosts
 * (400 G4, 400 G5) with their SPECpower curves, one VM per trace file of 3 March 2011 (1,052), in
 * CloudSim's four types by position, 300 s buckets over 24 h. The consolidation policies of the
 * paper (THR/IQR/MAD/LR/LRR with MMT) are not part of it yet: placement is Nimbus's.
 */
const PLANETLAB_20110303: Scenario = {
  version: 1,
  name: 'planetlab-20110303',
  description: "CloudSim's PlanetLab workload of 3 March 2011 on 800 HP ProLiant ML110 G4/G5 hosts, 300 s buckets over 24 h (no consolidation policy yet).",
  seed: 20110303,
  start: '2011-03-03T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 300,
  hostTypes: [
    {
      name: 'hp-proliant-ml110-g4', description: 'HP ProLiant ML110 G4 (Xeon 3040, 2 × 1,860 MIPS, 4 GB)', sockets: 1, coresPerSocket: 2, threadsPerCore: 1,
      memoryMiB: 4096, hypervisorReserveMiB: 0, families: ['m5'], virtualization: 'hardware-assisted', nic: { gbps: 1, sriov: false },
      storage: { iops: 1000, mibps: 100 }, power: 'hp-proliant-ml110-g4', mipsPerCore: 1860,
    },
    {
      name: 'hp-proliant-ml110-g5', description: 'HP ProLiant ML110 G5 (Xeon 3075, 2 × 2,660 MIPS, 4 GB)', sockets: 1, coresPerSocket: 2, threadsPerCore: 1,
      memoryMiB: 4096, hypervisorReserveMiB: 0, families: ['m5'], virtualization: 'hardware-assisted', nic: { gbps: 1, sriov: false },
      storage: { iops: 1000, mibps: 100 }, power: 'hp-proliant-ml110-g5', mipsPerCore: 2660,
    },
  ],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'hp-proliant-ml110-g4', count: 400 }, { type: 'hp-proliant-ml110-g5', count: 400 }] }] },
  instanceTypes: {
    catalog: [],
    custom: [
      { name: 'cloudsim-2500', family: 'm5', vcpus: 1, memoryMiB: 870, network: { baselineGbps: 0.1, burstGbps: 0.1 }, price: { linux: '0' }, mips: 2500 },
      { name: 'cloudsim-2000', family: 'm5', vcpus: 1, memoryMiB: 1740, network: { baselineGbps: 0.1, burstGbps: 0.1 }, price: { linux: '0' }, mips: 2000 },
      { name: 'cloudsim-1000', family: 'm5', vcpus: 1, memoryMiB: 1740, network: { baselineGbps: 0.1, burstGbps: 0.1 }, price: { linux: '0' }, mips: 1000 },
      { name: 'cloudsim-500', family: 'm5', vcpus: 1, memoryMiB: 613, network: { baselineGbps: 0.1, burstGbps: 0.1 }, price: { linux: '0' }, mips: 500 },
    ],
  },
  tenants: [
    {
      id: 'planetlab',
      workloads: [{
        kind: 'trace', name: 'vms', zone: 'us-east-1a', dataset: { kind: 'planetlab', day: '20110303' },
        instanceTypes: ['cloudsim-2500', 'cloudsim-2000', 'cloudsim-1000', 'cloudsim-500'], assign: 'blocks', cpuReservation: 0,
      }],
    },
  ],
  policies: { placement: { weigher: 'pack', cpuAllocationRatio: 4, ramAllocationRatio: 1 } },
};

/**
 * The reproduction of CloudSim's PlanetLab experiment (`org.cloudbus.cloudsim.examples.power.planetlab`,
 * Beloglazov & Buyya, CCPE 2012) on the same data as `planetlab-20110303`: the same hosts (taken
 * in turn, G4 and G5 alternating as in CloudSim) and VMs, run as CloudSim's data centre with
 * THR-MMT at 0.8; another policy is an override (`{"policies": {"cloudsim": {"policy": "iqr-mmt"}}}`).
 */
const CLOUDSIM_PLANETLAB_20110303: Scenario = {
  version: 1,
  name: 'cloudsim-planetlab-20110303',
  description: "CloudSim's PlanetLab consolidation experiment of 3 March 2011 (800 HP ProLiant ML110 G4/G5 hosts, 1,052 VMs, 300 s interval over 24 h), THR-MMT 0.8.",
  seed: 20110303,
  start: '2011-03-03T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  hostTypes: PLANETLAB_20110303.hostTypes,
  fleet: PLANETLAB_20110303.fleet,
  instanceTypes: PLANETLAB_20110303.instanceTypes,
  tenants: PLANETLAB_20110303.tenants,
  policies: { cloudsim: { policy: 'thr-mmt', parameter: 0.8 } },
};

// ---- memory: consolidation and overcommit (docs/experiments/consolidation.md, memory-overcommit.md) ----

/**
 * A small one-socket virtualization host for the memory experiments: 18 cores × 2 threads and
 * 64 GiB for guests plus 512 MiB, so that eight 8 GiB VMs fit exactly with their 64 MiB of VMM
 * overhead each (8 × 8,256 MiB = 66,048 MiB). Its power curve is an estimate for a one-socket
 * server (SPECpower_ssj2008 results of one-socket Xeon servers idle near 50 W and peak near 140 W).
 */
const SMALL_HOST: HostTypeSpec = {
  name: 'small-host', description: '1 × 18-core Xeon, 64.5 GiB, hardware-assisted (memory experiments)', sockets: 1, coresPerSocket: 18, threadsPerCore: 2,
  memoryMiB: 66_048, hypervisorReserveMiB: 0, families: ['m5'], virtualization: 'hardware-assisted', nic: { gbps: 25, sriov: true },
  storage: { iops: 100_000, mibps: 2_000 }, power: [50, 62, 70, 77, 84, 91, 99, 108, 118, 129, 140],
};

/** An estimate of one such host's monthly cost: ≈ $8,000 amortized over four years, plus power, space and operations (docs/experiments/consolidation.md). */
const SMALL_HOST_MONTHLY_USD = '300';

/**
 * VMs sized to the GiB, as a private cloud sizes them (1–384 GiB, the largest m5's memory; one
 * vCPU per 4 GiB as m5; priced as m5 per GiB: $0.096 ÷ 8 GiB = $0.012 per GiB-hour), so that
 * `size: fit` wastes less than a GiB.
 */
const GIB_TYPES = Array.from({ length: 384 }, (_, i) => ({
  name: `vm-${i + 1}g`, family: 'm5' as const, vcpus: Math.ceil((i + 1) / 4), memoryMiB: (i + 1) * 1024, price: { linux: (0.012 * (i + 1)).toFixed(3) },
}));

/** An estimate of one `m5-host`'s monthly cost (2 × 28 cores, 512 GiB): ≈ $30,000 amortized over four years, plus power, space and operations (docs/experiments/consolidation.md). */
const M5_HOST_MONTHLY_USD = '800';

/**
 * 5,000 applications drawn from the Azure 2019 distributions (each one Azure VM: its memory less a
 * 512 MiB guest OS as its working set, its cores and CPU utilization; docs/scenarios.md "Memory
 * and applications"), one guest OS per VM, VMs sized to fit (`size: fit`), packed on up to 240
 * `m5-host`s for a day at RAM ratio 1.01. The experiment `consolidation` sets
 * `memory.applicationsPerVm` (1: a VM per application; 8: shared OS) and page sharing.
 */
const CONSOLIDATION_APPS: Scenario = {
  version: 1,
  name: 'consolidation-apps',
  description:
    '5,000 applications with memory, cores and CPU from the Azure 2019 distributions, for a day, one per VM or eight per VM on one guest OS, ' +
    'VMs sized to fit, on up to 240 m5 hosts (RAM ratio 1.01).',
  seed: 2019,
  start: '2026-01-05T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 240 }] }] },
  instanceTypes: { catalog: [], custom: GIB_TYPES },
  tenants: [
    {
      id: 'apps',
      workloads: [{
        kind: 'synthetic', name: 'apps', zone: 'us-east-1a', image: 'linux', initial: 5000, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
        size: { distribution: 'fit' }, utilization: { distribution: 'azure2019', per: 'application' }, cpuReservation: 0,
        memory: { applicationsPerVm: 1, guestOsMiB: 512, workingSet: { distribution: 'azure2019' } },
      }],
    },
  ],
  policies: { placement: { weigher: 'pack', cpuAllocationRatio: 4, ramAllocationRatio: 1.01 }, memory: { pageSharing: true }, hostCost: { monthlyUsd: M5_HOST_MONTHLY_USD } },
};

/**
 * 96 m5.large VMs (8 GiB) for a day on 12 small hosts: at RAM ratio 1.0 they fill all 12 exactly
 * (eight each). Each VM's working set is its guest OS's 512 MiB plus a fraction, uniform in
 * 0.2–0.8, of the rest. A provider that sells memory as guaranteed credits swapped time in full
 * (guarantee-violation credit 100 %). The experiment `memory-overcommit` raises the RAM ratio.
 */
const OVERCOMMIT_FLEET: Scenario = {
  version: 1,
  name: 'overcommit-fleet',
  description: '96 m5.large VMs (working sets 20–80 % of their memory) for a day on 12 small hosts that hold them exactly at RAM ratio 1.0; swapped time credited in full.',
  seed: 2019,
  start: '2026-01-05T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  hostTypes: [SMALL_HOST],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'small-host', count: 12 }] }] },
  instanceTypes: { catalog: ['m5.large'] },
  tenants: [
    {
      id: 'tenants',
      workloads: [{
        kind: 'synthetic', name: 'vms', zone: 'us-east-1a', image: 'linux', initial: 96, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
        size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 10 },
        memory: { guestOsMiB: 512, workingSet: { distribution: 'fraction', min: 0.3, max: 0.9 } },
      }],
    },
  ],
  policies: {
    placement: { weigher: 'pack', cpuAllocationRatio: 4, ramAllocationRatio: 1 },
    credits: { guaranteeViolation: { creditPercent: '100', minimumDurationMs: 0 } },
    memory: { pageSharing: true },
    hostCost: { monthlyUsd: SMALL_HOST_MONTHLY_USD },
  },
};

// ---- driver domain and virtualization overhead (docs/experiments/driver-domain.md, virtualization-overhead.md) ----

/** A one-socket server of 16 cores and 2 threads per core (32 hardware threads), 160 GiB: paravirtual with a driver domain, no SR-IOV. */
const SMALL_PV_HOST = {
  name: 'host-32', description: 'Xen-style paravirtual host: IO through a driver domain, no SR-IOV', sockets: 1, coresPerSocket: 16, threadsPerCore: 2, memoryMiB: 163_840,
  families: ['m5'], virtualization: 'paravirtual', nic: { gbps: 25, sriov: false }, storage: { iops: 200_000, mibps: 4_000 },
  power: [60, 80, 92, 103, 114, 125, 137, 151, 166, 183, 203],
} as const;

/**
 * An IO- and network-heavy tenant next to CPU-bound neighbours on three paravirtual hosts, spread
 * so that each host runs two heavy VMs and seven neighbours (nine m5.xlarge fill its memory); at
 * hour 12 one driver domain fails for an hour. Everything is constant: one run tells all.
 */
const DRIVER_DOMAIN: Scenario = {
  version: 1,
  name: 'driver-domain',
  description: 'Three 32-thread paravirtual hosts; per host two m5.xlarge using 1.25 cores, 10,000 IOPS and 2 Gbit/s to the internet beside seven CPU-bound m5.xlarge; one driver-domain failure at hour 12.',
  seed: 1,
  start: '2026-01-05T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  hostTypes: [SMALL_PV_HOST],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'host-32', count: 3 }] }] },
  tenants: [
    {
      id: 'io-heavy',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', cpuReservation: 0, initial: 6, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
        size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 31.25 },
        io: { iops: 10_000, throughputMiBps: 40 }, network: { internetMbps: 2_000 },
      }],
    },
    {
      id: 'neighbours',
      workloads: [{
        kind: 'synthetic', zone: 'us-east-1a', cpuReservation: 0, initial: 21, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
        size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 100 },
      }],
    },
  ],
  policies: { placement: { weigher: 'spread' } },
  faults: { failures: [{ atHours: 12, hosts: 1, component: 'driver-domain', durationHours: 1 }] },
  outputs: { instanceMetrics: true },
};

/**
 * The same CPU-bound workload on three 32-thread hosts of one virtualization mode (hardware-assisted
 * here; the experiment changes it): 24 m5.xlarge at 100 %, spread eight per host, so their vCPUs
 * equal the hosts' hardware threads. `privilegedOpsPerSecPerCore` makes it system-call heavy.
 */
const VIRTUALIZATION_OVERHEAD: Scenario = {
  version: 1,
  name: 'virtualization-overhead',
  description: 'Three 32-thread hosts of one virtualization mode, 24 CPU-bound m5.xlarge (as many vCPUs as hardware threads).',
  seed: 1,
  start: '2026-01-05T00:00:00Z',
  durationHours: 24,
  bucketSeconds: 3600,
  hostTypes: [{ ...SMALL_PV_HOST, description: 'a 32-thread host; its virtualization mode is the variable', virtualization: 'hardware-assisted' }],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'host-32', count: 3 }] }] },
  tenants: [{
    id: 'cpu-bound',
    workloads: [{
      kind: 'synthetic', zone: 'us-east-1a', cpuReservation: 0, initial: 24, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
      size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 100 }, privilegedOpsPerSecPerCore: 0,
    }],
  }],
  policies: { placement: { weigher: 'spread' } },
};

const BUILT_IN: ReadonlyMap<string, Scenario> = new Map(
  [AZURE_SMALL, PLANETLAB_20110303, CLOUDSIM_PLANETLAB_20110303, CONSOLIDATION_APPS, OVERCOMMIT_FLEET, DRIVER_DOMAIN, VIRTUALIZATION_OVERHEAD].map((s) => [s.name, s]),
);

export function builtInScenarioNames(): string[] {
  return [...BUILT_IN.keys()].sort();
}

/** A copy of a built-in scenario (the caller may change it). */
export function builtInScenario(name: string): Scenario | undefined {
  const s = BUILT_IN.get(name);
  return s === undefined ? undefined : (JSON.parse(JSON.stringify(s)) as Scenario);
}

/** `base` with `overrides` applied as a JSON Merge Patch (RFC 7386); the caller validates the result. */
export function applyScenarioOverrides(base: Scenario, overrides: unknown): unknown {
  return mergePatch(JSON.parse(JSON.stringify(base)), overrides);
}
