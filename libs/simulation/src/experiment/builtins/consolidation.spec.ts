import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAzureDistributions } from '../../scenario/datasets';
import { RandomStream, streamSeed } from '../../scenario/random';
import { runExperimentInProcess } from '../run-experiment';
import { builtInExperiment } from '../builtin';
import { Experiment } from '../experiment';

const azure2019 = parseAzureDistributions(JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../../data/azure2019-distributions.json.gz'))).toString()).files);

/**
 * The built-in `consolidation` on a small case whose every figure is worked by hand from the
 * applications it draws and the model's published rules (docs/model.md §3.1, §3.2, §3.9, §5;
 * docs/scenarios.md "Memory and applications"): 6 applications from the Azure 2019 distributions
 * (seed 11), a 512 MiB guest OS per VM, VMs sized to the GiB up to 64 GiB, on 3 hosts of 32
 * threads and 65,536 MiB (64 MiB of VMM overhead per VM, power linear from 100 W idle to 200 W
 * busy, $300 a month) at RAM ratio 1.1, for 24 hours.
 */
const HOST = {
  name: 'test-host', sockets: 1, coresPerSocket: 16, threadsPerCore: 2, memoryMiB: 65_536, families: ['m5'], virtualization: 'hardware-assisted',
  nic: { gbps: 25, sriov: true }, storage: { iops: 100_000, mibps: 2_000 }, power: [100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200],
};
/** vm-1g … vm-64g: one vCPU per 4 GiB, $0.012 per GiB-hour. */
const TYPES = Array.from({ length: 64 }, (_, i) => ({ name: `vm-${i + 1}g`, family: 'm5', vcpus: Math.ceil((i + 1) / 4), memoryMiB: (i + 1) * 1024, price: { linux: (0.012 * (i + 1)).toFixed(3) } }));
const SMALL: Experiment = (() => {
  const x = builtInExperiment('consolidation')!;
  return {
    ...x,
    seed: 11,
    repetitions: 1,
    base: {
      builtIn: 'consolidation-apps',
      overrides: {
        hostTypes: [HOST],
        fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'test-host', count: 3 }] }] },
        instanceTypes: { catalog: [], custom: TYPES },
        tenants: [{
          id: 'apps',
          workloads: [{
            kind: 'synthetic', name: 'apps', zone: 'us-east-1a', image: 'linux', initial: 6, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
            size: { distribution: 'fit' }, utilization: { distribution: 'azure2019', per: 'application' }, cpuReservation: 0,
            memory: { applicationsPerVm: 1, guestOsMiB: 512, workingSet: { distribution: 'azure2019' } },
          }],
        }],
        policies: { placement: { weigher: 'pack', cpuAllocationRatio: 4, ramAllocationRatio: 1.1 }, hostCost: { monthlyUsd: '300' } },
      },
    },
  };
})();

/**
 * The applications, as the workload's `apps` stream draws them: per application u (its size
 * quantile) then q (its CPU quantile). Memory (memory.txt's percentages sum to 100.1, so its
 * cumulative shares are 12.09, 28.57, 61.34, 90.01, 96.40, 100 % for 2, 4, 8, 32, 64, 70 GB) and
 * cores (58.2, 81.1, 93.1 … % for 2, 4, 8 …) are the buckets u falls in; the average CPU is
 * cpu.txt's avg column interpolated at q.
 */
const APPS = [
  // u 0.3367: 8 GB (28.57–61.34 %), 2 cores (≤ 58.2 %); q 0.2005 between 0 % (8.707 %) and 1 % (20.769 %).
  { u: 0.33670206849341255, q: 0.20052427007277218, gib: 8, cores: 2, cpuPercent: (0.20052427007277218 - 0.08707) / (0.20769 - 0.08707) },
  // u 0.3851: 8 GB, 2 cores; q 0.2749 between 1 % (20.769 %) and 2 % (28.728 %).
  { u: 0.3850607825620157, q: 0.27492133628286197, gib: 8, cores: 2, cpuPercent: 1 + (0.27492133628286197 - 0.20769) / (0.28728 - 0.20769) },
  // u 0.3279: 8 GB, 2 cores; q 0.2796 between 1 % and 2 %.
  { u: 0.32791033075487974, q: 0.27959745579471007, gib: 8, cores: 2, cpuPercent: 1 + (0.27959745579471007 - 0.20769) / (0.28728 - 0.20769) },
  // u 0.8798: 32 GB (61.34–90.01 %), 8 cores (81.1–93.1 %); q 0.6710 between 14 % (65.813 %) and 15 % (67.387 %).
  { u: 0.8798257784867056, q: 0.6709720800789258, gib: 32, cores: 8, cpuPercent: 14 + (0.6709720800789258 - 0.65813) / (0.67387 - 0.65813) },
  // u 0.4043: 8 GB, 2 cores; q 0.9975 between 96 % (99.606 %) and 97 % (99.809 %): 96.73 % of 2 cores.
  { u: 0.4042514851950537, q: 0.9975486335553603, gib: 8, cores: 2, cpuPercent: 96 + (0.9975486335553603 - 0.99606) / (0.99809 - 0.99606) },
  // u 0.5740: 8 GB, 2 cores (58.2 % ≥ u); q 0.0444 below 8.707 %: 0 % (8.7 % of Azure's VMs average 0 %).
  { u: 0.5739773691027704, q: 0.044350864368859044, gib: 8, cores: 2, cpuPercent: 0 },
];
/** Each application's demand, cores: its average CPU of its cores. */
const cores = APPS.map((a) => (a.cpuPercent / 100) * a.cores);
/** All six demand 0.0188 + 0.0369 + 0.0381 + 1.1853 + 1.9347 + 0 = 3.2137 cores. */
const allCores = cores.reduce((s, c) => s + c, 0);

// Amazon Linux boots in 15 s: applications (and their instances' charges) count from then, the
// hosts' memory and occupancy from placement at the start.
const RUN_S = 86_400;
const UP_S = RUN_S - 15;
const boot = RUN_S / UP_S; // memory held for 86,400 s per application running 86,385 s
/** A VM's demand as the engine keeps it: whole millicores (§3.1). */
const millicores = (c: number) => Math.round(c * 1000);
/** Energy (kWh) of a host idle (100 W) during the boot, then running `m` millicores on its 32 threads, on the linear curve. */
const hostKWh = (m: number) => (100 * 15 + (100 + 100 * (m / 32_000)) * UP_S) / 3.6e6;
const idleKWh = (100 * RUN_S) / 3.6e6;
/** A month (730 h) of charges at `usdPerHour` while running. */
const monthly = (usdPerHour: number) => ((usdPerHour * UP_S) / 3600) * (730 / 24);

describe('built-in experiment consolidation (small case, hand-worked)', () => {
  jest.setTimeout(60_000);
  let figures: Record<string, Record<string, number>>;
  let derived: Record<string, Record<string, number | null>>;
  beforeAll(async () => {
    const x = await runExperimentInProcess(SMALL, { azure2019 });
    const { report } = x;
    figures = Object.fromEntries(report.variants.map((v) => [`${v.values.packing}/${v.values.pageSharing}`, Object.fromEntries(Object.entries(v.figures).map(([k, f]) => [k, f.mean as number]))]));
    derived = Object.fromEntries(report.derived.map((d) => [d.name, Object.fromEntries(d.values.map((v) => [v.label, v.value]))]));
  });

  it('draws the applications listed above, the same for every packing', () => {
    const apps = new RandomStream(streamSeed(11, 'apps', 'apps', 'apps'));
    for (const a of APPS) expect([apps.uniform(), apps.uniform()]).toEqual([a.u, a.q]);
    expect(cores.map((c) => Number(c.toFixed(4)))).toEqual([0.0188, 0.0369, 0.0381, 1.1853, 1.9347, 0]);
  });

  it('a VM per application: six VMs of their Azure size on 2 hosts, swapping on the full one unless pages are shared', () => {
    // An application's working set is its Azure memory less the 512 MiB guest OS; with its guest OS, a VM needs exactly the Azure memory:
    // vm-8g (2 vCPUs, $0.096/h; application 5's 1.93 cores fit 2 vCPUs) ×5 and vm-32g (8 vCPUs, $0.384/h); footprints 8,256 and 32,832 MiB.
    // Admission: ⌊65,536 × 1.1⌋ = 72,089 MiB a host. Pack puts each VM on the host with the fewest slots left for it (ties: the first):
    // 8g, 8g, 8g on host 1 (8, 7, 6 slots against 8), the 32g there too (47,321 MiB left: 1 slot, against 2), the fifth 8g too (14,489: 1),
    // the sixth on host 2 (host 1 has 6,233 left). Host 1 holds applications 1–5, host 2 application 6.
    for (const sharing of ['off', 'on']) {
      const f = figures[`vm-per-app/${sharing}`];
      expect(f.hostsUsedPeak).toBe(2);
      expect(f.monthlyHostCostUsd).toBe(600);
      expect(f.instancesMonthlyUsd).toBeCloseTo(monthly(5 * 0.096 + 0.384), 9);
      // Host 1 runs 19 + 37 + 38 + 1,185 + 1,935 = 3,214 millicores of 32 threads (110.04 W), host 2 nothing (100 W); host 3 idles.
      const used = hostKWh(cores.slice(0, 5).reduce((s, c) => s + millicores(c), 0)) + hostKWh(millicores(cores[5]));
      expect(f.energyHostsUsedKWh).toBeCloseTo(used, 9);
      expect(f.energyKWh).toBeCloseTo(used + idleKWh, 9);
    }
    // Host 1: configured 4 × 8,192 + 32,768 = 65,536 MiB against 65,536 − 5 × 64 = 65,216: 320 MiB of pressure, nothing to balloon (working set = memory).
    // Sharing off: the 320 MiB are swapped from all five, all day; resident 65,216. Violated from boot; credits 10 % of their charges, one line rounded to the cent.
    const off = figures['vm-per-app/off'];
    expect(off.swappedGuestHours).toBeCloseTo(5 * 24, 9);
    expect(off.guaranteeViolationHours).toBeCloseTo((5 * UP_S) / 3600, 9);
    expect(off.slaCreditsUsd).toBe(Math.round(0.1 * (((4 * 0.096 + 0.384) * UP_S) / 3600) * 100) / 100); // 0.1 × $18.43 = $1.84
    // Host RAM per application: (65,216 + 8,192 resident + 6 × 64 VMM) ÷ 6.
    expect(off.memoryPerApplicationMiB).toBeCloseTo(((65_216 + 8192 + 6 * 64) / 6) * boot, 6);
    // Sharing on: five same-image VMs share 256 MiB each, one copy kept: 4 × 256 = 1,024 saved ≥ 320, so nothing swaps; resident 65,536 − 1,024 = 64,512.
    const on = figures['vm-per-app/on'];
    expect(on.swappedGuestHours).toBe(0);
    expect(on.guaranteeViolationHours).toBe(0);
    expect(on.slaCreditsUsd).toBe(0);
    expect(on.memoryPerApplicationMiB).toBeCloseTo(((64_512 + 8192 + 6 * 64) / 6) * boot, 6);
  });

  it('a shared OS: the applications in two VMs (the largest type holds only five) on 1 host, swapping with or without sharing', () => {
    // Up to 8 applications a VM, in order, while a type holds them: 512 + 3 × 7,680 + 32,256 + 7,680 = 63,488 MiB for applications 1–5
    // (4 vCPUs of demand); with application 6 it would be 71,168 > 65,536 (vm-64g), so 6 opens a second VM of 512 + 7,680 = 8,192.
    // vm-62g (16 vCPUs, $0.744/h, footprint 63,552) takes host 1; vm-8g goes there too (8,537 MiB left: 1 slot, against 8 on an empty host).
    for (const sharing of ['off', 'on']) {
      const f = figures[`shared-os/${sharing}`];
      expect(f.hostsUsedPeak).toBe(1);
      expect(f.monthlyHostCostUsd).toBe(300);
      expect(f.instancesMonthlyUsd).toBeCloseTo(monthly(0.744 + 0.096), 9);
      // The same 3,214 millicores (VM A's 3.2137 cores), on one host; two hosts idle.
      const used = hostKWh(millicores(allCores - cores[5]) + millicores(cores[5]));
      expect(f.energyHostsUsedKWh).toBeCloseTo(used, 9);
      expect(f.energyKWh).toBeCloseTo(used + 2 * idleKWh, 9);
      // Pressure 63,488 + 8,192 − (65,536 − 2 × 64) = 6,272 MiB; sharing saves at most 256 (two VMs, one copy): both VMs swap all day either way.
      expect(f.swappedGuestHours).toBeCloseTo(2 * 24, 9);
      expect(f.guaranteeViolationHours).toBeCloseTo((2 * UP_S) / 3600, 9);
      expect(f.slaCreditsUsd).toBe(Math.round(0.1 * (((0.744 + 0.096) * UP_S) / 3600) * 100) / 100); // 0.1 × $20.16 = $2.02
      // Resident is the host's capacity, 65,408, plus 2 × 64 VMM, for 6 applications.
      expect(f.memoryPerApplicationMiB).toBeCloseTo(((65_408 + 2 * 64) / 6) * boot, 6);
    }
  });

  it('derives the consolidation ratio, 2 hosts ÷ 1, and the memory per application ratio', () => {
    expect(derived.consolidationRatio).toEqual({ off: 2, on: 2 });
    expect(derived.memoryPerApplicationRatio.off).toBeCloseTo((65_216 + 8192 + 6 * 64) / (65_408 + 2 * 64), 9); // 1.126
    expect(derived.memoryPerApplicationRatio.on).toBeCloseTo((64_512 + 8192 + 6 * 64) / (65_408 + 2 * 64), 9); // 1.115
  });
});
