import { builtInExperiment, runExperimentInProcess } from '@nimbus/simulation';

/**
 * The built-in experiment's figures against the model's published rule (docs/model.md §3.1), worked
 * by hand: capacity C = threads × 1000 × (1 − overhead), overhead = base + per-op term × (privileged
 * ops/s per hardware thread ÷ 10,000). Hosts: 3 × 32 threads; 8 m5.xlarge per host at 100 %, so
 * 32,000 millicores demanded per host, from the end of the 15 s boot (86,385 s of the 86,400 s day).
 */
const BASE = { 'hardware-assisted': 0.02, paravirtual: 0.04, 'trap-and-emulate': 0.1 } as const;
const PER_10K = { 'hardware-assisted': 0.005, paravirtual: 0.01, 'trap-and-emulate': 0.05 } as const;
const LOADED = 86_385;
const DAY = 86_400;

describe('built-in experiment: virtualization-overhead', () => {
  it('gives the hand-worked efficiency, overhead, steal, hosts and ratios per mode', async () => {
    const x = await runExperimentInProcess(builtInExperiment('virtualization-overhead'));
    expect(x.runs).toHaveLength(6);
    const { report } = x;

    const expected: Record<string, Record<string, number>> = {};
    for (const mode of ['hardware-assisted', 'paravirtual', 'trap-and-emulate'] as const) {
      for (const [workload, ops] of [['cpu-bound', 0], ['syscall-heavy', 20_000]] as const) {
        // The host's rate: 20,000 ops/s per core × 32 cores demanded ÷ 32 threads = 20,000 per thread, i.e. 2 × the per-10,000 term.
        const overhead = BASE[mode] + PER_10K[mode] * (ops / 10_000);
        const c = 32_000 * (1 - overhead); // e.g. trap-and-emulate, syscall-heavy: 32,000 × (1 − 0.1 − 0.1) = 25,600
        const c0 = 32_000 * (1 - BASE[mode]); // while the VMs boot they run nothing, so make no privileged operations
        expected[`${mode}·${workload}`] = {
          // Demand exceeds capacity on every host: the VMs get all of C of the 32,000 they ask for.
          cpuEfficiencyPercent: (100 * c) / 32_000,
          // Threads less capacity, 3 hosts, averaged over the day (the base overhead only during the boot).
          virtualizationOverheadCores: (3 * ((32_000 - c0) * 15 + (32_000 - c) * LOADED)) / DAY / 1000,
          // 32,000 − C millicores per host stolen for 86,385 s.
          stealCoreHours: (3 * (32_000 - c) * LOADED) / 3600 / 1000,
          // Hosts on (3) × demand ÷ capacity, each summed over the day.
          hostsForCpuDemand: (3 * 32_000 * LOADED) / (c0 * 15 + c * LOADED),
        };
      }
    }
    for (const row of report.variants) {
      const want = expected[`${row.values.mode}·${row.values.workload}`];
      for (const [figure, value] of Object.entries(want)) expect([row.values, figure, row.figures[figure].mean]).toEqual([row.values, figure, expect.closeTo(value, 9)]);
    }
    // Headline spot checks in plain numbers: 98 % and 97 % hardware-assisted; 90 % and 80 % trap-and-emulate.
    expect(expected['hardware-assisted·cpu-bound'].cpuEfficiencyPercent).toBeCloseTo(98, 12);
    expect(expected['trap-and-emulate·syscall-heavy'].cpuEfficiencyPercent).toBeCloseTo(80, 12);

    const derived = Object.fromEntries(report.derived.map((d) => [d.name, Object.fromEntries(d.values.map((v) => [v.label, v.value]))]));
    // 96/98 and 94/97; 90/98 and 80/97.
    expect(derived.efficiencyParavirtualVsHardwareAssisted).toEqual({ 'cpu-bound': expect.closeTo(96 / 98, 9), 'syscall-heavy': expect.closeTo(94 / 97, 9) });
    expect(derived.efficiencyTrapAndEmulateVsHardwareAssisted).toEqual({ 'cpu-bound': expect.closeTo(90 / 98, 9), 'syscall-heavy': expect.closeTo(80 / 97, 9) });
    const hosts = (m: string, w: string) => expected[`${m}·${w}`].hostsForCpuDemand;
    expect(derived.hostsTrapAndEmulateVsHardwareAssisted).toEqual({
      'cpu-bound': expect.closeTo(hosts('trap-and-emulate', 'cpu-bound') / hosts('hardware-assisted', 'cpu-bound'), 9),
      'syscall-heavy': expect.closeTo(hosts('trap-and-emulate', 'syscall-heavy') / hosts('hardware-assisted', 'syscall-heavy'), 9),
    });
    expect(report.answer).toBe('efficiencyTrapAndEmulateVsHardwareAssisted');
  });
});
