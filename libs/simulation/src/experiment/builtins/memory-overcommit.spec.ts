import { runExperimentInProcess } from '../run-experiment';
import { builtInExperiment } from '../builtin';
import { Experiment } from '../experiment';

/**
 * The built-in `memory-overcommit` on a small case worked by hand from the model's published rules
 * (docs/model.md §3.2 admission and reclamation, §5 billing and credits; docs/scenarios.md "Memory
 * and applications", "Headline figures"): 24 m5.large VMs (8,192 MiB, 2 vCPUs reserved, $0.096/h)
 * whose working set is 512 MiB of guest OS plus half of the other 7,680 MiB (4,352 MiB), on 3 small
 * hosts (66,048 MiB; 64 MiB of VMM overhead per VM; $300 a month), for 24 hours.
 */
const SMALL: Experiment = (() => {
  const x = builtInExperiment('memory-overcommit')!;
  return {
    ...x,
    repetitions: 1,
    base: {
      builtIn: 'overcommit-fleet',
      overrides: {
        fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'small-host', count: 3 }] }] },
        tenants: [{
          id: 'tenants',
          workloads: [{
            kind: 'synthetic', name: 'vms', zone: 'us-east-1a', image: 'linux', initial: 24, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
            size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 10 },
            memory: { guestOsMiB: 512, workingSet: { distribution: 'fraction', min: 0.5, max: 0.5 } },
          }],
        }],
      },
    },
  };
})();

const UP_S = 86_400 - 15; // Amazon Linux boots in 15 s; charges and applications count from then
const boot = 86_400 / UP_S;
/** Hours in the cost month (365 × 24 ÷ 12). */
const MONTH_H = 730;
/** The hosts' cost over the run, in cents as the results round it: hosts × $300 × 24 h ÷ 730 h. */
const hostCost = (hosts: number) => Math.round((hosts * 30_000 * 24) / MONTH_H) / 100;
// Per-second billing: each VM runs 86,385 s at $0.096/h = $2.30360; the month's invoice rounds to the cent.
const REVENUE = Math.round(24 * 0.096 * UP_S / 36) / 100; // $55.29
const RATIOS = ['1', '1.25', '1.5', '1.75', '2'];

describe('built-in experiment memory-overcommit (small case, hand-worked)', () => {
  jest.setTimeout(60_000);
  let figures: Record<string, Record<string, number>>;
  let derived: Record<string, readonly { readonly label: string; readonly value: number | null }[]>;
  beforeAll(async () => {
    const x = await runExperimentInProcess(SMALL);
    const { report } = x;
    figures = Object.fromEntries(report.variants.map((v) => [`${v.values.ramRatio}/${v.values.reference}`, Object.fromEntries(Object.entries(v.figures).map(([k, f]) => [k, f.mean as number]))]));
    derived = Object.fromEntries(report.derived.map((d) => [d.name, d.values]));
  });

  // Admission: VMs a host takes = ⌊66,048 × ratio⌋ ÷ (8,192 + 64): 1.0 → 8, 1.25 → 10, 1.5 → 12, 1.75 → 14, 2.0 → 16
  // (CPU: 16 × 2 reserved cores ≤ 35.28). Pack placement fills hosts in turn.
  const hosts: Record<string, number> = { '1': 3, '1.25': 3, '1.5': 2, '1.75': 2, '2': 2 }; // 8+8+8, 10+10+4, 12+12, 14+10, 16+8

  it('needs fewer hosts as the ratio rises, and swaps only at 2.0', () => {
    for (const r of RATIOS) {
      const f = figures[`${r}/overcommit`];
      expect(f.hostsUsedPeak).toBe(hosts[r]);
      expect(f.refused).toBe(0);
      expect(f.revenueUsd).toBeCloseTo(REVENUE, 9);
      expect(f.hostCostUsd).toBeCloseTo(hostCost(hosts[r]), 9);
    }
    // A host of n VMs needs n × 4,352 MiB of working set less (n − 1) × 256 shared, against 66,048 − 64 n:
    // it swaps when n × 4,160 + 256 > 66,048, i.e. n ≥ 16. At 2.0 the 16-VM host swaps 768 MiB, taken from all 16.
    for (const r of ['1', '1.25', '1.5', '1.75']) {
      const f = figures[`${r}/overcommit`];
      expect(f.swappedGuestHours).toBe(0);
      expect(f.guaranteeViolationHours).toBe(0);
      expect(f.slaCreditsUsd).toBe(0);
      expect(f.netRevenueUsd).toBeCloseTo(REVENUE, 9);
    }
    const two = figures['2/overcommit'];
    expect(two.swappedGuestHours).toBeCloseTo(16 * 24, 9);
    expect(two.guaranteeViolationHours).toBeCloseTo((16 * UP_S) / 3600, 6);
    // Swapped time is credited in full (the scenario's guarantee-violation credit is 100 %): 16 × $2.30360 = $36.86.
    expect(two.slaCreditsUsd).toBeCloseTo(36.86, 9);
    expect(two.netRevenueUsd).toBeCloseTo(REVENUE - 36.86, 9);
    expect(two.netOfHostCostUsd).toBeCloseTo(REVENUE - 36.86 - hostCost(2), 9);
  });

  it('holds less host memory per VM as the ratio rises', () => {
    // 1.0: 8 × (8,192 + 64) per host, no pressure. 1.25: two hosts of 10 under pressure hold 66,048 − 640 resident
    // (ballooned) + 640 VMM, the third 4 × 8,256: (2 × 66,048 + 33,024) ÷ 24 = 6,880. From 1.5 on both hosts are full: 2 × 66,048 ÷ 24 = 5,504.
    const perVm: Record<string, number> = { '1': 8256, '1.25': 6880, '1.5': 5504, '1.75': 5504, '2': 5504 };
    for (const r of RATIOS) expect(figures[`${r}/overcommit`].memoryPerApplicationMiB).toBeCloseTo(perVm[r] * boot, 6);
  });

  it('keeps the reference series at ratio 1.0 whatever the ratio variable says', () => {
    for (const r of RATIOS) {
      const f = figures[`${r}/ratio-1.0`];
      expect(f.hostsUsedPeak).toBe(3);
      expect(f.swappedGuestHours).toBe(0);
      expect(f.netOfHostCostUsd).toBeCloseTo(REVENUE - hostCost(3), 9);
    }
  });

  it('derives the break-even ratio and the hosts saved', () => {
    // Net of host cost less the reference's: 0, 0, +9.86, +9.86 (one host fewer), then 2.0: −36.86 + 9.86 = −27.00.
    // The crossing at 1.0 is the identity; the break-even interpolates between 1.75 and 2.0.
    const gain = hostCost(3) - hostCost(2);
    const drop = gain - 36.86;
    expect(derived.breakEvenRatio.map((v) => v.value)).toEqual([1, expect.closeTo(1.75 + (0.25 * gain) / (gain - drop), 9)]);
    expect(derived.hostsSavedFactor.map((v) => [v.label, v.value])).toEqual([['1', 1], ['1.25', 1], ['1.5', 1.5], ['1.75', 1.5], ['2', 1.5]]);
  });
});
