import { runExperimentInProcess } from '../run-experiment';
import { builtInExperiment } from '../builtin';
import { Experiment } from '../experiment';

/**
 * The built-in `consolidation` on a small case whose every figure is worked by hand from the
 * model's published rules (docs/model.md §3.1, §3.2, §3.9, §5; docs/scenarios.md "Memory and
 * applications"): 80 applications of a fixed 1,536 MiB working set on one 512 MiB guest OS per
 * VM, 10 % of a vCPU reserved and used, on 4 small hosts (36 threads, 66,048 MiB, 64 MiB VMM
 * overhead per VM, power 50 W idle, 62 W at 10 %) at RAM ratio 1.15, for 24 hours.
 */
const SMALL: Experiment = (() => {
  const x = builtInExperiment('consolidation')!;
  return {
    ...x,
    repetitions: 1,
    base: {
      builtIn: 'consolidation-apps',
      overrides: {
        fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'small-host', count: 4 }] }] },
        tenants: [{
          id: 'apps',
          workloads: [{
            kind: 'synthetic', name: 'apps', zone: 'us-east-1a', image: 'linux', initial: 80, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
            size: { distribution: 'fit' }, utilization: { distribution: 'fixed', percent: 10 }, cpuReservation: 0.1,
            memory: { applicationsPerVm: 1, guestOsMiB: 512, workingSet: { distribution: 'fixed', mib: 1536 } },
          }],
        }],
        policies: { placement: { ramAllocationRatio: 1.15 } },
      },
    },
  };
})();

// Amazon Linux boots in 15 s: applications (and their instances' charges) count from then, the
// hosts' memory and occupancy from placement at the start.
const RUN_S = 86_400;
const UP_S = RUN_S - 15;
const boot = RUN_S / UP_S; // memory held for 86,400 s per application running 86,385 s
/** Energy (kWh) of a host idle (50 W) during the boot, then at `watts`. */
const hostKWh = (watts: number) => (50 * 15 + watts * UP_S) / 3.6e6;
/** The small host's curve between 0 % (50 W) and 10 % (62 W), at `cores` of its 36 threads. */
const watts = (cores: number) => 50 + 12 * ((cores / 36) / 0.1);

describe('built-in experiment consolidation (small case, hand-worked)', () => {
  jest.setTimeout(60_000);
  let figures: Record<string, Record<string, number>>;
  let derived: Record<string, Record<string, number | null>>;
  beforeAll(async () => {
    const x = await runExperimentInProcess(SMALL);
    const { report } = x;
    figures = Object.fromEntries(report.variants.map((v) => [`${v.values.packing}/${v.values.pageSharing}`, Object.fromEntries(Object.entries(v.figures).map(([k, f]) => [k, f.mean as number]))]));
    derived = Object.fromEntries(report.derived.map((d) => [d.name, Object.fromEntries(d.values.map((v) => [v.label, v.value]))]));
  });

  it('a VM per application: 80 VMs of 2 GiB on 3 hosts, swapping on two of them unless pages are shared', () => {
    // Working set 512 + 1,536 = 2,048 MiB: `fit` picks vm-2g (2,048 MiB, 1 vCPU, $0.024/h); footprint 2,048 + 64 = 2,112.
    // Admission: ⌊66,048 × 1.15⌋ = 75,955 MiB ÷ 2,112 = 35.96 → 35 a host (CPU: 35 × 0.1 reserved of 35.28); 80 = 35 + 35 + 10 → 3 hosts.
    for (const sharing of ['off', 'on']) {
      const f = figures[`vm-per-app/${sharing}`];
      expect(f.hostsUsedPeak).toBe(3);
      // $300 a host-month.
      expect(f.monthlyHostCostUsd).toBe(900);
      // 80 × $0.024 an hour over the 86,385 s running, per 730-hour month.
      expect(f.instancesMonthlyUsd).toBeCloseTo(((80 * 0.024 * UP_S) / 3600) * (730 / 24), 9);
      // 35 VMs use 3.5 cores (61.667 W), 10 use 1 core (53.333 W); the fourth host idles at 50 W.
      const used = 2 * hostKWh(watts(3.5)) + hostKWh(watts(1));
      expect(f.energyHostsUsedKWh).toBeCloseTo(used, 6);
      expect(f.energyKWh).toBeCloseTo(used + (50 * RUN_S) / 3.6e6, 6);
    }
    // A full host: configured 35 × 2,048 = 71,680 MiB against 66,048 − 35 × 64 = 63,808: 7,872 MiB of pressure, nothing to balloon (working set = memory).
    // Sharing off: all 7,872 swapped, from all 35 VMs: 70 VMs swap all day, violated from their boot; resident = 63,808 on each full host.
    const off = figures['vm-per-app/off'];
    expect(off.swappedGuestHours).toBeCloseTo(70 * 24, 9);
    expect(off.guaranteeViolationHours).toBeCloseTo((70 * UP_S) / 3600, 6);
    // Credits: 10 % of each violated instance's compute for the violated time: 70 × 10 % × $0.024 × 86,385 s = $4.03.
    expect(off.slaCreditsUsd).toBeCloseTo(4.03, 2);
    // Host RAM per application: (2 × 63,808 + 10 × 2,048 resident + 80 × 64 VMM) ÷ 80 = 1,915.2 MiB.
    expect(off.memoryPerApplicationMiB).toBeCloseTo(((2 * 63_808 + 10 * 2048 + 80 * 64) / 80) * boot, 6);
    // Sharing on: 35 same-image VMs share 256 MiB each, one copy kept: 34 × 256 = 8,704 saved ≥ 7,872, so nothing swaps; resident 71,680 − 8,704 = 62,976.
    const on = figures['vm-per-app/on'];
    expect(on.swappedGuestHours).toBe(0);
    expect(on.guaranteeViolationHours).toBe(0);
    expect(on.slaCreditsUsd).toBe(0);
    expect(on.memoryPerApplicationMiB).toBeCloseTo(((2 * 62_976 + 10 * 2048 + 80 * 64) / 80) * boot, 6);
  });

  it('a shared OS: 10 VMs of 8 applications (13 GiB) on 2 hosts, relieved by ballooning or sharing', () => {
    // Working set 512 + 8 × 1,536 = 12,800 MiB: vm-13g (13,312 MiB, 4 vCPUs, $0.156/h); footprint 13,376; 75,955 ÷ 13,376 = 5.68 → 5 a host, 2 hosts.
    for (const sharing of ['off', 'on']) {
      const f = figures[`shared-os/${sharing}`];
      expect(f.hostsUsedPeak).toBe(2);
      expect(f.monthlyHostCostUsd).toBe(600);
      expect(f.instancesMonthlyUsd).toBeCloseTo(((10 * 0.156 * UP_S) / 3600) * (730 / 24), 9);
      // 5 VMs × 10 % of 4 vCPUs = 2 cores: 56.667 W; two hosts idle.
      const used = 2 * hostKWh(watts(2));
      expect(f.energyHostsUsedKWh).toBeCloseTo(used, 6);
      expect(f.energyKWh).toBeCloseTo(used + (2 * 50 * RUN_S) / 3.6e6, 6);
      expect(f.swappedGuestHours).toBe(0);
      expect(f.guaranteeViolationHours).toBe(0);
      expect(f.slaCreditsUsd).toBe(0);
    }
    // Pressure 5 × 13,312 − (66,048 − 5 × 64) = 66,560 − 65,728 = 832 MiB. Off: ballooned from 5 × 512 MiB idle: resident 65,728.
    expect(figures['shared-os/off'].memoryPerApplicationMiB).toBeCloseTo(((2 * 65_728 + 10 * 64) / 80) * boot, 6);
    // On: 4 × 256 = 1,024 MiB shared away ≥ 832: resident 66,560 − 1,024 = 65,536.
    expect(figures['shared-os/on'].memoryPerApplicationMiB).toBeCloseTo(((2 * 65_536 + 10 * 64) / 80) * boot, 6);
  });

  it('derives the consolidation ratio, 3 hosts ÷ 2, and the memory per application ratio', () => {
    expect(derived.consolidationRatio).toEqual({ off: 1.5, on: 1.5 });
    expect(derived.memoryPerApplicationRatio.off).toBeCloseTo((2 * 63_808 + 10 * 2048 + 80 * 64) / (2 * 65_728 + 10 * 64), 9);
    expect(derived.memoryPerApplicationRatio.on).toBeCloseTo((2 * 62_976 + 10 * 2048 + 80 * 64) / (2 * 65_536 + 10 * 64), 9);
  });
});
