import { runExperimentInProcess } from '../run-experiment';
import { expandExperiment, Experiment, setPointer } from '../experiment';
import { LICENSING_MODELS } from './licensing-models';

/**
 * The licensing-models experiment's four models on a small case, every headline figure and the
 * crossovers against the price book's rules and the licence rules worked by hand (docs/model.md §5,
 * docs/experiments/licensing-models.md).
 *
 * Two m5.xlarge (4 vCPUs) SQL Server Standard servers on Windows, 1–2 February 2026 (48 h), each
 * running from 00:00 UTC for 25 %, 50 % or 100 % of every day. A start boots for 240 s (the image's
 * boot time) before it runs and is billed; a stop ends the billing at once. So each server runs
 * 2 × (6 h − 4 min) = 11.8667 h at 25 %, 2 × (12 h − 4 min) = 23.8667 h at 50 %, 48 h − 4 min =
 * 47.9333 h at 100 %, and both together T = 23.7333, 47.7333, 95.8667 instance-hours.
 */
function smallCase(): Experiment {
  let x: unknown = LICENSING_MODELS;
  x = setPointer(x, '/base/scenario/durationHours', 48);
  x = { ...(x as Experiment), variables: (x as Experiment).variables.map((v) => (v.name === 'utilization' ? { ...v, values: [0.25, 0.5, 1] } : { ...v, values: v.values.map((t) => setPointer(t, '/workloads/0/initial', 2)) })) };
  return x as Experiment;
}

describe('licensing-models (built-in experiment)', () => {
  it('expands at its default size: 4 models × 8 utilizations', () => {
    const e = expandExperiment(LICENSING_MODELS);
    expect(e.ok ? e.runs.length : e.errors).toBe(32);
  });

  it('gives, on a small case, the costs and crossovers worked by hand', async () => {
    const e = await runExperimentInProcess(smallCase());
    const { report } = e;
    const fig = (model: string, u: string, f: string) => report.variants.find((v) => v.values.model === model && v.values.utilization === u)!.figures[f].mean;
    // Both servers: 2 × 2 days × (6 h − 4 min), 2 × 2 × (12 h − 4 min), 2 × (48 h − 4 min).
    const T: Record<string, number> = { '0.25': 4 * (6 - 4 / 60), '0.5': 4 * (12 - 4 / 60), '1': 2 * (48 - 4 / 60) };
    for (const model of ['licence-included', 'byol-vcpu', 'byol-dedicated-host', 'metered']) {
      for (const u of Object.keys(T)) {
        expect(fig(model, u, 'instanceHours')).toBeCloseTo(T[u], 9);
        expect(fig(model, u, 'vcpuHours')).toBeCloseTo(4 * T[u], 9);
      }
    }

    // AWS's bill, per second, each invoice line to the cent (both servers on one line per product):
    //   compute (m5.xlarge Linux) $0.192/h:   T × 0.192 = 4.5568 → 4.56 | 9.1648 → 9.16 | 18.4064 → 18.41
    //   Windows licence ($0.376 − $0.192):    T × 0.184 = 4.3669 → 4.37 | 8.7829 → 8.78 | 17.6395 → 17.64
    //   SQL Server licence-included, $0.125 per core-hour, 4 cores (max(4 vCPUs, 4-core minimum)):
    //                                         T × 0.5 = 11.8667 → 11.87 | 23.8667 → 23.87 | 47.9333 → 47.93
    //   SQL Server metered, $0.10 per vCPU-hour: T × 0.4 = 9.4933 → 9.49 | 19.0933 → 19.09 | 38.3467 → 38.35
    //   Dedicated Host (m5) $5.069/h × 48 h = 243.312 → 243.31, whatever runs; no compute charge on it.
    // BYOL SQL Server, $36.50 per licence-month, for 48 h of February's 672 h (1/14 of the month):
    //   per vCPU: 2 servers × 4 vCPUs = 8 licences: 8 × 36.5 / 14 = 20.857 → 20.86
    //   per physical core of the Dedicated Host: m5-host 2 × 28 = 56 cores: 56 × 36.5 / 14 = 146.00
    const expected: Record<string, { aws: number[]; byol: number }> = {
      'licence-included': { aws: [4.56 + 4.37 + 11.87, 9.16 + 8.78 + 23.87, 18.41 + 17.64 + 47.93], byol: 0 }, // 20.80, 41.81, 83.98
      'byol-vcpu': { aws: [4.56 + 4.37, 9.16 + 8.78, 18.41 + 17.64], byol: 20.86 }, // + 20.86: 29.79, 38.80, 56.91
      'byol-dedicated-host': { aws: [243.31 + 4.37, 243.31 + 8.78, 243.31 + 17.64], byol: 146 }, // + 146: 393.68, 398.09, 406.95
      metered: { aws: [4.56 + 4.37 + 9.49, 9.16 + 8.78 + 19.09, 18.41 + 17.64 + 38.35], byol: 0 }, // 18.42, 37.03, 74.40
    };
    for (const [model, { aws, byol }] of Object.entries(expected)) {
      ['0.25', '0.5', '1'].forEach((u, i) => {
        expect(fig(model, u, 'revenueUsd')).toBeCloseTo(aws[i], 9);
        expect(fig(model, u, 'byolLicenceUsd')).toBeCloseTo(byol, 9);
        expect(fig(model, u, 'tenantCostUsd')).toBeCloseTo(aws[i] + byol, 9);
      });
    }

    // Crossovers of the tenant's cost, by linear interpolation between 0.25, 0.5 and 1:
    //   licence-included − byol-vcpu: −8.99 at 0.25, +3.01 at 0.5 → 0.25 + 0.25 × 8.99 / 12.00 = 0.4372917
    //   byol-vcpu − metered: +11.37, +1.77, −17.49 → 0.5 + 0.5 × 1.77 / 19.26 = 0.5459502
    //   every other pair keeps its sign (the Dedicated Host costs more than $390 for two servers; metered stays below licence-included): none.
    const crossovers = Object.fromEntries(report.derived.find((d) => d.name === 'crossovers')!.values.map((v) => [v.label, v.value]));
    expect(crossovers['licence-included × byol-vcpu']).toBeCloseTo(0.25 + (0.25 * 8.99) / 12, 9);
    expect(crossovers['byol-vcpu × metered']).toBeCloseTo(0.5 + (0.5 * 1.77) / 19.26, 9);
    expect(crossovers['licence-included × byol-dedicated-host']).toBeNull();
    expect(crossovers['licence-included × metered']).toBeNull();
    expect(crossovers['byol-vcpu × byol-dedicated-host']).toBeNull();
    expect(crossovers['byol-dedicated-host × metered']).toBeNull();
  });
});
