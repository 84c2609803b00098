import { runExperimentInProcess } from '../run-experiment';
import { expandExperiment, Experiment } from '../experiment';
import { LIVE_MIGRATION } from './live-migration';

/**
 * The live-migration experiment's variants on a small case, every headline figure against the
 * model's published rules worked by hand (docs/model.md §3.7, §3.8, §5).
 *
 * Two m5 hosts, spread: two Windows m5.large (2 vCPUs, 8,192 MiB, boot 180 s), one per host, 10 %
 * CPU, dirtying 200 MiB/s, for 4 h. At 1 h one host goes down for maintenance for 1 h.
 */
function smallCase(): Experiment {
  const drains = (mode: string) => [{ atHours: 1, hosts: 1, durationHours: 1, mode }];
  return {
    ...LIVE_MIGRATION,
    base: {
      scenario: {
        version: 1, name: 'small', seed: 1, durationHours: 4,
        fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }] },
        tenants: [{
          id: 't', workloads: [{
            kind: 'synthetic', zone: 'us-east-1a', image: 'windows', initial: 2, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
            size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 10 },
            memory: { workingSet: { distribution: 'fixed', mib: 0 }, dirtyRateMiBps: 200 },
          }],
        }],
        policies: { placement: { weigher: 'spread' } },
        faults: { drains: drains('live-migrate') },
      },
    },
    variables: [{ name: 'maintenance', path: '/faults/drains', labels: ['live-migrate', 'restart'], values: [drains('live-migrate'), drains('restart')] }],
    seed: 1,
    repetitions: 1,
  };
}

describe('live-migration (built-in experiment)', () => {
  it('expands at its default size', () => {
    const e = expandExperiment(LIVE_MIGRATION);
    expect(e.ok ? e.runs.length : e.errors).toBe(6);
  });

  it('gives, on a small case, the figures worked by hand from the model', async () => {
    const e = await runExperimentInProcess(smallCase());
    const { report } = e;
    const [live, restart] = report.variants.map((v) => Object.fromEntries(Object.entries(v.figures).map(([k, f]) => [k, f.mean])));

    // Both VMs run from the end of their boot (180 s) to the end: 2 × (4 h − 0.05 h) = 7.9 instance-hours, either way.
    expect(live.instanceHours).toBeCloseTo(7.9, 9);
    expect(restart.instanceHours).toBeCloseTo(7.9, 9);

    // Live migration (§3.7): M = 8,192 MiB, D = 200 MiB/s, B = 10 Gbit/s = 1,192.0929 MiB/s, stop below B × 0.3 s = 357.63 MiB.
    // Round 0 sends 8,192 and 200 × 8,192 / 1,192.0929 = 1,374.39 MiB are dirtied (16.8 % of what was sent: no throttle);
    // round 1 sends 1,374.39 and 200 × 1,374.39 / 1,192.0929 = 230.59 MiB are dirtied, below 357.63: stop.
    // Stop-and-copy: 230.59 / 1,192.0929 s = 193.43 ms → 194 ms (whole ms, up), + 50 ms resume = 244 ms of downtime.
    // Sent: 8,192 + 1,374.39 + 230.59 = 9,796.98 MiB → 9,797 MiB in the event = 9.5674 GiB.
    expect(live.migrations).toBe(1);
    expect(live.migrationDowntimeMs).toBe(244);
    expect(live.migrationGiB).toBeCloseTo(9797 / 1024, 9);
    expect(live.unavailableHours).toBeCloseTo(244 / 3_600_000, 12);
    expect(live.availabilityPercent).toBeCloseTo(100 * (1 - 244 / 3_600_000 / 7.9), 9); // 99.99999142

    // Crash-only (§3.8): the VM on the host is impaired at 1 h, noticed 3 min later, placed on the other host and rebooted (180 s):
    // 6 min = 0.1 h unavailable; no migration.
    expect(restart.migrations).toBe(0);
    expect(restart.migrationGiB).toBe(0);
    expect(restart.unavailableHours).toBeCloseTo(0.1, 9);
    expect(restart.availabilityPercent).toBeCloseTo(100 * (1 - 0.1 / 7.9), 9); // 98.7342

    // SLA credits (Amazon Compute SLA, instance tiers): 6 min of a 31-day month is 99.9866 % uptime, above 99.5 %: no credit either way.
    expect(live.slaCreditsUsd).toBe(0);
    expect(restart.slaCreditsUsd).toBe(0);
    // Windows is billed per second (§5): m5.large Windows $0.188/h = $0.096 compute + $0.092 Windows licence, 7.9 instance-hours:
    // compute 7.9 × 0.096 = 0.7584 → $0.76, licence 7.9 × 0.092 = 0.7268 → $0.73 (each line to the cent): $1.49. Moving does not change it.
    expect(live.revenueUsd).toBeCloseTo(1.49, 9);
    expect(restart.revenueUsd).toBeCloseTo(1.49, 9);

    const ratio = report.derived.find((d) => d.name === 'unavailabilityRestartOverLive')!;
    expect(ratio.values[0].value).toBeCloseTo(0.1 / (244 / 3_600_000), 6); // 1,475.4
  });
});
