import { builtInExperiment, runExperimentInProcess } from '@nimbus/simulation';

/**
 * The built-in experiment's figures against the model's published rules (docs/model.md §3.1,
 * §3.3, §3.4), worked by hand. Per host (3 of 32 threads): two IO-heavy m5.xlarge (1.25 cores
 * each, I IOPS and 40 MiB/s on their own volume, 2,000 Mbit/s to the internet) and seven
 * neighbours (4 cores each), all weighted alike and reserving nothing; load from the end of the
 * 15 s boot (86,385 s of the day); one driver domain down from hour 12 to 13 where there is one.
 */
const LOADED = 86_385;
const DAY = 86_400;
const HOST_HOURS_LOADED = (3 * LOADED) / 3600; // 71.9875
/** Demand within limits, core-hours: (6 × 1.25 + 21 × 4) cores while loaded. */
const DEMAND_CORE_HOURS = (91.5 * LOADED) / 3600;
const NEIGHBOUR_CORE_HOURS = (84 * LOADED) / 3600;

describe('built-in experiment: driver-domain', () => {
  it('gives the hand-worked steal, driver-domain CPU, IO delivered and blast radius per platform', async () => {
    const x = await runExperimentInProcess(builtInExperiment('driver-domain'));
    expect(x.runs).toHaveLength(6);
    const { report } = x;

    const expected: Record<string, Record<string, number>> = {};
    for (const iops of [2_500, 10_000]) {
      for (const sriov of [false, true]) {
        // Paravirtual: the driver domain spends 20 µs per IO and, without SR-IOV, 5 µs per 1,500-byte packet.
        // Per host: 2 × I × 20 µs (+ 2 × 2,000 Mbit/s ÷ (8 × 1,500 bit) × 5 µs = 1,666,666.7 µs/s), rounded up
        // to whole millicores: 1,767 and 2,067 without SR-IOV, 100 and 400 with it (I = 2,500, 10,000).
        const dd = Math.ceil((2 * iops * 20 + (sriov ? 0 : (2 * 2_000e6 * 5) / (8 * 1500))) / 1000);
        const byHand: Record<string, number> = { 'false-2500': 1767, 'false-10000': 2067, 'true-2500': 100, 'true-10000': 400 };
        expect(dd).toBe(byHand[`${sriov}-${iops}`]);
        // Capacity 32,000 × 0.96 − dd for a demand of 2 × 1,250 + 7 × 4,000 = 30,500: the heavy VMs' 1,250 are
        // below the fair share, so they get them; the neighbours lose what the driver domain takes beyond the
        // 220 millicores of headroom.
        const steal = Math.max(0, dd - 220) / 1000;
        // Every host all day but the failed one's hour, when its driver domain costs nothing.
        const stealCoreHours = steal * (HOST_HOURS_LOADED - 1);
        expected[`${sriov ? 'paravirtual+sr-iov' : 'paravirtual'}·${iops}`] = {
          'cpuLostPercent:neighbours': (100 * stealCoreHours) / NEIGHBOUR_CORE_HOURS,
          'stealCoreHours:neighbours': stealCoreHours,
          driverDomainCores: ((dd / 1000) * (HOST_HOURS_LOADED - 1)) / 24,
          cpuEfficiencyPercent: 100 * (1 - stealCoreHours / DEMAND_CORE_HOURS),
          // Six VMs' IO, less the failed host's two for an hour (a driver-domain failure takes block IO even with SR-IOV).
          'iopsDelivered:io-heavy': (6 * iops * LOADED - 2 * iops * 3600) / DAY,
          'throughputMiBps:io-heavy': (6 * 40 * LOADED - 2 * 40 * 3600) / DAY,
          driverDomainFailures: 1,
          // Every VM on the host: two heavy and seven neighbours.
          instancesImpairedPerDriverDomainFailure: 9,
        };
      }
      // Hardware-assisted with SR-IOV: no driver domain (Nitro-class offload); capacity 31,360 ≥ 30,500.
      expected[`hardware-assisted+sr-iov·${iops}`] = {
        'cpuLostPercent:neighbours': 0,
        'stealCoreHours:neighbours': 0,
        driverDomainCores: 0,
        cpuEfficiencyPercent: 100,
        'iopsDelivered:io-heavy': (6 * iops * LOADED) / DAY,
        'throughputMiBps:io-heavy': (6 * 40 * LOADED) / DAY,
        driverDomainFailures: 0,
        instancesImpairedPerDriverDomainFailure: 0,
      };
    }
    // In plain numbers, the 10,000-IOPS paravirtual case: 1.847 cores × 70.9875 host-hours = 131.11 core-hours stolen.
    expect(expected['paravirtual·10000']['stealCoreHours:neighbours']).toBeCloseTo(131.1139125, 9);
    expect(report.variants).toHaveLength(6);
    for (const row of report.variants) {
      const want = expected[`${row.values.platform}·${row.values.iops}`];
      expect(Object.keys(row.figures).sort()).toEqual(Object.keys(want).sort());
      for (const [figure, value] of Object.entries(want)) expect([row.values, figure, row.figures[figure].mean]).toEqual([row.values, figure, expect.closeTo(value, 9)]);
    }
    expect(report.answer).toBe('cpuLostPercent:neighbours');
  });
});
