import { builtInExperiment, expandExperiment, experimentReport, runScenario } from '@nimbus/simulation';

/**
 * The built-in experiment's figures against the model's published rules (docs/model.md §3.1,
 * §3.3, §3.4), worked by hand. Per host (3 of 32 threads): two IO-heavy m5.xlarge (1 core each,
 * I IOPS and 40 MiB/s on their own volume, 2,000 Mbit/s to the internet) and seven neighbours
 * (4 cores each), all weighted alike and reserving nothing; load from the end of the 15 s boot
 * (86,385 s of the day); one driver domain down from hour 12 to 13 on the paravirtual hosts.
 */
const LOADED = 86_385;
const DAY = 86_400;
const HOST_HOURS_LOADED = (3 * LOADED) / 3600; // 71.9875
/** Demand within limits, core-hours: (6 × 1 + 21 × 4) cores while loaded. */
const DEMAND_CORE_HOURS = (90 * LOADED) / 3600;
const NEIGHBOUR_CORE_HOURS = (84 * LOADED) / 3600;

describe('built-in experiment: driver-domain', () => {
  it('gives the hand-worked steal, driver-domain CPU, IO delivered and blast radius per platform', async () => {
    const x = expandExperiment(builtInExperiment('driver-domain'));
    if (!x.ok) throw new Error(JSON.stringify(x.errors));
    expect(x.runs).toHaveLength(4);
    const results = [];
    for (const run of x.runs) results.push(await runScenario(run.scenario, {}));
    const report = experimentReport(x.experiment, x.runs, x.variants, results);

    const expected: Record<string, Record<string, number>> = {};
    for (const iops of [2_500, 10_000]) {
      // Paravirtual: the driver domain spends 20 µs per IO and 5 µs per 1,500-byte packet. Per host:
      // 2 × I × 20 µs + 2 × 2,000 Mbit/s ÷ (8 × 1,500 bit) × 5 µs = 40·I + 1,666,666.7 µs/s,
      // rounded up to whole millicores: 1,767 (I = 2,500), 2,067 (I = 10,000).
      const dd = Math.ceil((2 * iops * 20 + (2 * 2_000e6 * 5) / (8 * 1500)) / 1000);
      expect(dd).toBe(iops === 2_500 ? 1767 : 2067);
      // Capacity 32,000 × 0.96 − dd; the heavy VMs' 1,000 are below the fair share, so they get them;
      // the neighbours share the rest of 30,000 demanded: they lose dd − 720 millicores per host.
      const steal = (dd - 720) / 1000;
      // Every host all day, but for the failed one's hour, when its driver domain costs nothing (30,720 ≥ 30,000).
      const stealCoreHours = steal * (HOST_HOURS_LOADED - 1);
      expected[`paravirtual·${iops}`] = {
        'cpuLostPercent:neighbours': (100 * stealCoreHours) / NEIGHBOUR_CORE_HOURS,
        'stealCoreHours:neighbours': stealCoreHours,
        driverDomainCores: ((dd / 1000) * (HOST_HOURS_LOADED - 1)) / 24,
        cpuEfficiencyPercent: 100 * (1 - stealCoreHours / DEMAND_CORE_HOURS),
        // Six VMs' IO, less the failed host's two for an hour, averaged over the day.
        'iopsDelivered:io-heavy': (6 * iops * LOADED - 2 * iops * 3600) / DAY,
        'throughputMiBps:io-heavy': (6 * 40 * LOADED - 2 * 40 * 3600) / DAY,
        driverDomainFailures: 1,
        // Every VM on the host: two heavy and seven neighbours.
        instancesImpairedPerDriverDomainFailure: 9,
      };
      // Hardware-assisted with SR-IOV: no driver domain (Nitro-class offload); capacity 31,360 ≥ 30,000.
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
    // In plain numbers, the 10,000-IOPS paravirtual case: 1.347 cores × 70.9875 host-hours = 95.62 core-hours stolen.
    expect(expected['paravirtual·10000']['stealCoreHours:neighbours']).toBeCloseTo(95.6201625, 9);
    for (const row of report.variants) {
      const want = expected[`${row.values.platform}·${row.values.iops}`];
      expect(Object.keys(row.figures).sort()).toEqual(Object.keys(want).sort());
      for (const [figure, value] of Object.entries(want)) expect([row.values, figure, row.figures[figure].mean]).toEqual([row.values, figure, expect.closeTo(value, 9)]);
    }
    expect(report.answer).toBe('cpuLostPercent:neighbours');
  });
});
