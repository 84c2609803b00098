import { formatScenarioError, joinCellResults, runScenario, Scenario, ScenarioResult, splitIntoCells, validateScenario, zonesInteract } from '@nimbus/simulation';

/**
 * Scenario workloads beyond CPU (docs/scenarios.md): IO on a volume of each VM's own, egress to
 * the internet, privileged operations; scheduled failures; per-instance metrics summed by tenant.
 */
const valid = (doc: unknown): Scenario => {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.map(formatScenarioError).join('\n'));
  return v.scenario;
};
const errorsOf = (doc: unknown): string[] => {
  const v = validateScenario(doc);
  return v.ok ? [] : v.errors.map(formatScenarioError);
};
const series = (r: ScenarioResult, name: string, groupBy = 'fleet', group = 'fleet') => r.series.find((s) => s.name === name && s.groupBy === groupBy && s.group === group)?.points;

/** A 32-thread paravirtual host (16 cores × 2 threads), 160 GiB: nine m5.xlarge fill it. */
const PV_HOST = {
  name: 'pv-32', sockets: 1, coresPerSocket: 16, threadsPerCore: 2, memoryMiB: 163_840, families: ['m5'], virtualization: 'paravirtual',
  nic: { gbps: 25, sriov: false }, storage: { iops: 200_000, mibps: 4_000 }, power: 'hp-proliant-ml110-g5',
};
const heavy = (zone: string) => ({
  kind: 'synthetic', zone, cpuReservation: 0, initial: 2, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'fixed', hours: 2 },
  size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 25 },
  io: { iops: 10_000, throughputMiBps: 40 }, network: { internetMbps: 2_000 },
});
const neighbour = (zone: string) => ({
  kind: 'synthetic', zone, cpuReservation: 0, initial: 7, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
  size: { distribution: 'fixed', instanceType: 'm5.xlarge' }, utilization: { distribution: 'fixed', percent: 100 },
});
/** Two zones of one host each: two IO-heavy VMs (for 2 h) and seven CPU-bound ones per host; zone b's driver domain fails from 1 h to 2 h. */
const doc = () => ({
  version: 1, name: 'devices', seed: 3, durationHours: 3, hostTypes: [PV_HOST],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'pv-32', count: 1 }] }, { name: 'us-east-1b', hosts: [{ type: 'pv-32', count: 1 }] }] },
  tenants: [
    { id: 'io-heavy', workloads: [{ name: 'a', ...heavy('us-east-1a') }, { name: 'b', ...heavy('us-east-1b') }] },
    { id: 'neighbours', workloads: [{ name: 'a', ...neighbour('us-east-1a') }, { name: 'b', ...neighbour('us-east-1b') }] },
  ],
  faults: { failures: [{ atHours: 1, hosts: 1, component: 'driver-domain', durationHours: 1, zone: 'us-east-1b' }] },
  outputs: { instanceMetrics: true },
});

describe('scenarios: IO, network, privileged operations, scheduled failures, per-instance metrics', () => {
  it('validates the new fields, naming the path', () => {
    expect(errorsOf(doc())).toEqual([]);
    const d: any = doc();
    d.tenants[0].workloads[0].io.iops = 70_000; // the default io2 volume cannot be provisioned above 64,000 IOPS
    d.tenants[0].workloads[1].io.volume = { type: 'gp2', sizeGiB: 100, iops: 3000 };
    d.tenants[1].workloads[0].privilegedOpsPerSecPerCore = -1;
    d.faults.failures.push({ atHours: 3, hosts: 1, component: 'host', durationHours: 1 }, { atHours: 0, hosts: 1, component: 'disk', durationHours: 1 });
    expect(errorsOf(d)).toEqual([
      '/tenants/1/workloads/0/privilegedOpsPerSecPerCore: must be ≥ 0',
      '/faults/failures/2/component: must be one of "host", "driver-domain"',
    ]);
    d.tenants[1].workloads[0].privilegedOpsPerSecPerCore = 10;
    d.faults.failures.pop();
    const errors = errorsOf(d);
    expect(errors[0]).toMatch(/^\/tenants\/0\/workloads\/0\/io\/iops: .*64000.*give a volume\)$/);
    expect(errors[1]).toMatch(/^\/tenants\/0\/workloads\/1\/io\/volume: IOPS cannot be provisioned for gp2 volumes/);
    expect(errors[2]).toBe('/faults/failures/1/atHours: must be within the run (< 3 h)');
    expect(errors).toHaveLength(3);
  });

  it('makes zones interact when a scheduled failure names no zone (its hosts are drawn fleet-wide)', () => {
    expect(zonesInteract(valid(doc()))).toBeNull();
    const d: any = doc();
    delete d.faults.failures[0].zone;
    expect(zonesInteract(valid(d))).toMatch(/scheduled failure names no zone/);
  });

  it('gives the hand-worked driver-domain CPU, steal, IO and blast radius', async () => {
    const r = await runScenario(valid(doc()), {});
    // Every VM boots in 15 s (Amazon Linux), so the first hour has 3,585 s of load.
    const boot = 3585 / 3600;
    // Driver domain per host with both heavy VMs: 2 × 10,000 IOPS × 20 µs = 0.4 core-s/s; 2 × 2,000 Mbit/s
    // = 4e9 / (8 × 1500) = 333,333.3 packets/s × 5 µs = 1.6667 core-s/s; together 2,066.67 → 2,067 millicores.
    expect(series(r, 'driverDomainCores', 'zone', 'us-east-1a')).toEqual([2.067 * boot, 2.067, 0].map((x) => expect.closeTo(x, 9)));
    // Zone b's driver domain is down in the second hour: it costs nothing then, and its IO and packets stop.
    expect(series(r, 'driverDomainCores', 'zone', 'us-east-1b')).toEqual([2.067 * boot, 0, 0].map((x) => expect.closeTo(x, 9)));
    // Capacity 32 × 1000 × (1 − 4 %) = 30,720 − 2,067 = 28,653 millicores; demand 2 × 1,000 + 7 × 4,000 = 30,000.
    // Equal weights: the heavy VMs get their 1,000 (below the fair share), the neighbours 26,653: 1,347 stolen.
    // Without the driver domain 30,720 ≥ 30,000: nothing stolen; after the heavy VMs end at 2 h, neither.
    const steal = 1.347;
    expect(r.headline['stealCoreHours:neighbours']).toBeCloseTo(steal * (boot + 1) + steal * boot, 9);
    expect(r.headline['stealCoreHours:io-heavy']).toBe(0);
    // The neighbours asked 2 × 7 × 4 cores for 3 h less the boot: what they lost, as a share of it.
    expect(r.headline['cpuLostPercent:neighbours']).toBeCloseTo((100 * steal * (2 * boot + 1)) / (56 * (3 - 15 / 3600)), 9);
    // IOPS delivered to the heavy tenant, mean over the 3 h: 40,000 × boot, then zone a's 20,000 alone, then none.
    expect(r.headline['iopsDelivered:io-heavy']).toBeCloseTo((40_000 * boot + 20_000) / 3, 6);
    expect(r.headline['iopsDemanded:io-heavy']).toBeCloseTo((40_000 * boot + 40_000) / 3, 6);
    expect(r.headline['throughputMiBps:io-heavy']).toBeCloseTo((160 * boot + 80) / 3, 6);
    expect(series(r, 'instanceNetworkOutMbps', 'tenant', 'io-heavy')).toEqual([8000 * boot, 4000, 0].map((x) => expect.closeTo(x, 6)));
    // One driver-domain failure, and the nine VMs on its host impaired by it.
    expect(r.headline.driverDomainFailures).toBe(1);
    expect(r.headline.instancesImpairedPerDriverDomainFailure).toBe(9);
    expect(series(r, 'impairedInstances', 'tenant', 'neighbours')).toEqual([0, 7, 0]);
    // The hosts' hardware threads, and the VMM's 4 % of them.
    expect(series(r, 'cpuHardwareCores')).toEqual([64, 64, 64]);
    expect(r.headline.virtualizationOverheadCores).toBeCloseTo(64 * 0.04, 9);
  });

  it('joins cells that record per-instance metrics to the single run, byte for byte', async () => {
    const s = valid(doc());
    const cells = splitIntoCells(s)!;
    expect(cells.map((c) => c.outputs)).toEqual([{ instanceMetrics: true }, { instanceMetrics: true }]);
    const single = await runScenario(s, {});
    const joined = joinCellResults(s, await Promise.all(cells.map((c) => runScenario(c, {}))));
    expect(JSON.stringify(joined) === JSON.stringify(single)).toBe(true);
  });

  it('records no per-instance series unless asked', async () => {
    const r = await runScenario(valid({ ...doc(), outputs: undefined }), {});
    expect(r.series.filter((s) => s.name.startsWith('instance') && s.name !== 'instances' && s.name !== 'instancesLaunched')).toEqual([]);
    expect(Object.keys(r.headline).filter((k) => k.includes(':'))).toEqual([]);
    expect(r.headline.driverDomainFailures).toBe(1);
  });
});
