import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { HP_PROLIANT_ML110_G4_WATTS } from '@nimbus/hypervisor';
import {
  builtInScenario, joinCellResults, parseAzureDistributions, resultToCsv, runScenario, Scenario, ScenarioData, ScenarioResult, splitIntoCells, validateScenario,
} from '@nimbus/simulation';

const azure = parseAzureDistributions(JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../data/azure2019-distributions.json.gz'))).toString()).files);
const DATA: ScenarioData = { azure2019: azure };

const valid = (doc: unknown): Scenario => {
  const v = validateScenario(doc);
  if (!v.ok) throw new Error(v.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  return v.scenario;
};
const series = (r: ScenarioResult, name: string, groupBy = 'fleet', group = 'fleet') => r.series.find((s) => s.name === name && s.groupBy === groupBy && s.group === group)?.points;
const table = (r: ScenarioResult, name: string) => r.tables.find((t) => t.name === name)!;

/** Where two results first differ (a short message: jest's diff of two large results would take minutes). */
function firstDifference(a: ScenarioResult, b: ScenarioResult): string | null {
  for (const key of ['cancelled', 'simulatedMs', 'events', 'headline'] as const)
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) return `${key}: ${JSON.stringify(a[key])} ≠ ${JSON.stringify(b[key])}`;
  if (a.series.length !== b.series.length) return `series: ${a.series.length} ≠ ${b.series.length}`;
  for (let i = 0; i < a.series.length; i++) {
    const x = a.series[i];
    const y = b.series[i];
    if (JSON.stringify(x) !== JSON.stringify(y)) return `series ${x.name}/${x.groupBy}/${x.group} ≠ ${y.name}/${y.groupBy}/${y.group}: ${x.points.find((p, k) => p !== y.points[k])} vs ${y.points.find((p, k) => p !== x.points[k])}`;
  }
  for (let i = 0; i < a.tables.length; i++) if (JSON.stringify(a.tables[i]) !== JSON.stringify(b.tables[i])) return `table ${a.tables[i].name}: ${JSON.stringify(a.tables[i].rows)} ≠ ${JSON.stringify(b.tables[i]?.rows)}`;
  return a.digest === b.digest ? null : 'digest';
}

/**
 * 2 hosts of 4 cores (one thread each) and 16 GiB, with the HP ML110 G4 power curve; 3 requests
 * for one m5.large (2 vCPUs, 8 GiB) at the start, each VM using 50 % of its vCPUs, for one hour.
 */
const handWorked = valid({
  version: 1,
  name: 'hand-worked',
  seed: 1,
  durationHours: 1,
  hostTypes: [{
    name: 'quad', sockets: 1, coresPerSocket: 4, threadsPerCore: 1, memoryMiB: 16_384, families: ['m5'], virtualization: 'hardware-assisted',
    nic: { gbps: 10, sriov: true }, storage: { iops: 10_000, mibps: 500 }, power: 'hp-proliant-ml110-g4',
  }],
  fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'quad', count: 2 }] }] },
  tenants: [{
    id: 'acme',
    workloads: [{
      kind: 'synthetic', zone: 'us-east-1a', initial: 3, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
      size: { distribution: 'fixed', instanceType: 'm5.large' }, utilization: { distribution: 'fixed', percent: 50 },
    }],
  }],
});

describe('runScenario', () => {
  it('gives the hand-worked figures of a small run: placement, energy from the SPECpower curve, instance-hours × price', async () => {
    const r = await runScenario(handWorked, {});
    // An m5.large reserves both its vCPUs (2 of 3.92 cores) and 8 GiB + 64 MiB of VMM overhead (of 16 GiB): one per host, the third refused.
    expect(r.headline.requestsAccepted).toBe(2);
    expect(r.headline.refused).toBe(1);
    expect(table(r, 'refusals').rows).toEqual([
      ['us-east-1a', 'acme', 'm5.large', 'InsufficientInstanceCapacity', 'capacity: cpu-reservation', 1, 1],
      ['us-east-1a', 'acme', 'm5.large', 'InsufficientInstanceCapacity', 'capacity: memory', 1, 1],
    ]);
    // Amazon Linux boots in 15 s; then each VM uses 1 core of its host's 4 threads (25 %): between the
    // curve's 20 % (92.6 W) and 30 % (96 W) points, 94.3 W; 86 W idle while it boots.
    const g4 = HP_PROLIANT_ML110_G4_WATTS;
    const watts25 = (g4[2] + g4[3]) / 2;
    const hostJoules = g4[0] * 15 + watts25 * 3585;
    expect(r.headline.energyKWh).toBeCloseTo((2 * hostJoules) / 3.6e6, 12);
    expect(series(r, 'powerWatts')![0]).toBeCloseTo((2 * hostJoules) / 3600, 9);
    // Billed per second from running: 2 × 3,585 s at $0.096 an hour = $0.1912, invoiced as $0.19.
    expect(r.headline.instanceHours).toBeCloseTo((2 * 3585) / 3600, 12);
    expect(r.headline.accruedRevenueUsd).toBeCloseTo((0.096 * 2 * 3585) / 3600, 12);
    expect(r.headline.revenueUsd).toBe(0.19);
    expect(table(r, 'revenue').rows).toEqual([['us-east-1a', 'acme', '2026-01', 'ec2-instance', '', 0.19]]);
    // CPU: 2 cores allocated for 3,585 s of 3,600, of 2 × 3.92 guaranteeable (2 % virtualization overhead).
    expect(series(r, 'cpuUtilization')![0]).toBeCloseTo((100 * 2 * 3585) / 3600 / 7.84, 9);
    expect(series(r, 'hostsOn')).toEqual([2]);
    expect(table(r, 'tenants').rows).toEqual([['acme', 2, 1, 2, (2 * 3585) / 3600, (4 * 3585) / 3600, 0, 0, 0.19, 0]]);
  });

  it('carries the hosts\' values through buckets in which nothing changed (no metric row)', async () => {
    const r = await runScenario({ ...handWorked, durationHours: 3 }, {});
    const g4 = HP_PROLIANT_ML110_G4_WATTS;
    const watts25 = (g4[2] + g4[3]) / 2;
    const power = series(r, 'powerWatts')!;
    expect(power[0]).toBeCloseTo((2 * (g4[0] * 15 + watts25 * 3585)) / 3600, 9);
    expect(power[1]).toBeCloseTo(2 * watts25, 9);
    expect(power[2]).toBeCloseTo(2 * watts25, 9);
    expect(series(r, 'energyKWh')![2]).toBeCloseTo((2 * watts25) / 1000, 12);
    expect(series(r, 'cpuAllocatedCores')).toEqual([(2 * 3585) / 3600, 2, 2]);
    expect(series(r, 'instances', 'tenant', 'acme')).toEqual([(2 * 3585) / 3600, 2, 2]);
    expect(series(r, 'powerWatts', 'hostType', 'quad')).toEqual(power);
    expect(r.headline.revenueUsd).toBe(0.58); // 2 × (3 h − 15 s) × $0.096 = $0.5752, to the cent
  });

  const twoZones = (seed: number): Scenario =>
    valid({
      version: 1,
      name: 'two-zones',
      seed,
      durationHours: 12,
      bucketSeconds: 1800,
      fleet: {
        zones: [
          { name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }, { type: 'c5-host', count: 1 }] },
          { name: 'us-east-1b', hosts: [{ type: 'm5-xen-pv-host', count: 2 }, { type: 'm5-host', count: 1 }] },
        ],
      },
      tenants: [
        {
          id: 'acme',
          workloads: [
            {
              kind: 'synthetic', zone: 'us-east-1a', initial: 10, arrivals: { ratePerHour: 30, diurnal: { amplitude: 0.5, peakHourUtc: 6 } },
              lifetime: { distribution: 'azure2019' }, size: { distribution: 'azure2019' }, utilization: { distribution: 'azure2019', model: 'random-walk' },
            },
            {
              kind: 'synthetic', zone: 'us-east-1b', image: 'windows', arrivals: { ratePerHour: 10, deployments: 'azure2019' },
              lifetime: { distribution: 'exponential', meanHours: 2 }, size: { distribution: 'mix', mix: [{ instanceType: 'm5.xlarge', weight: 1 }, { instanceType: 't3.large', weight: 2 }] },
              utilization: { distribution: 'azure2019', model: 'diurnal' },
            },
          ],
        },
        {
          id: 'globex',
          workloads: [{
            kind: 'synthetic', zone: 'us-east-1b', image: 'rhel', initial: 5, arrivals: { ratePerHour: 20, bursts: [{ atHours: 3, durationHours: 1, multiplier: 4 }] },
            lifetime: { distribution: 'azure2019' }, size: { distribution: 'azure2019' }, utilization: { distribution: 'fixed', percent: 60, p95Percent: 90, model: 'constant' },
          }],
        },
      ],
      faults: { hosts: { mtbfHours: 20, mttrHours: 1 }, driverDomains: { mtbfHours: 10, mttrHours: 0.5 } },
    });

  it('is deterministic: the same seed gives byte-identical JSON and digest; another seed another result', async () => {
    const a = await runScenario(twoZones(7), DATA);
    const b = await runScenario(twoZones(7), DATA);
    const c = await runScenario(twoZones(8), DATA);
    expect(firstDifference(a, b)).toBeNull();
    expect(JSON.stringify(b) === JSON.stringify(a)).toBe(true);
    expect(b.digest).toBe(a.digest);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(c.digest).not.toBe(a.digest);
    expect(JSON.stringify(c.headline)).not.toBe(JSON.stringify(a.headline));
    // The run did something worth checking: VMs launched and refused, faults and their credits.
    expect(a.headline.instancesLaunched).toBeGreaterThan(100);
    expect(a.headline.energyKWh).toBeGreaterThan(0);
    expect(series(a, 'hostsFailed')!.some((x) => x > 0)).toBe(true);
  });

  it('splits a scenario whose zones do not interact into cells whose joined result equals the single run', async () => {
    // The whole scenario's outputs apply to the joined result; the cells keep everything (the join needs it).
    const s: Scenario = { ...twoZones(11), outputs: { series: ['cpuUtilization', 'energyKWh', 'instances', 'revenueUsd'], groupBy: ['fleet', 'zone', 'tenant'], tables: ['tenants', 'revenue'] } };
    const cells = splitIntoCells(s)!;
    expect(cells.every((c) => c.outputs === undefined)).toBe(true);
    expect(cells.map((c) => c.fleet.zones.map((z) => z.name))).toEqual([['us-east-1a'], ['us-east-1b']]);
    expect(cells.map((c) => c.tenants.map((t) => `${t.id}:${t.workloads.map((w) => w.name).join('+')}`))).toEqual([['acme:w0'], ['acme:w1', 'globex:w0']]);
    const single = await runScenario(s, DATA);
    const results = await Promise.all(cells.map((c) => runScenario(c, DATA)));
    const joined = joinCellResults(s, results.reverse());
    expect(new Set(single.series.map((x) => x.name))).toEqual(new Set(['cpuUtilization', 'energyKWh', 'instances', 'revenueUsd']));
    expect(single.tables.map((t) => t.name)).toEqual(['tenants', 'revenue']);
    expect(firstDifference(joined, single)).toBeNull();
    expect(JSON.stringify(joined) === JSON.stringify(single)).toBe(true);
    expect(joined.digest).toBe(single.digest);
  });

  it('joins cells to the single run for any seed, three zones (property, seeded)', async () => {
    const threeZones = (seed: number): Scenario => {
      const s = twoZones(seed);
      return {
        ...s,
        durationHours: 6,
        fleet: { zones: [...s.fleet.zones, { name: 'us-east-1c', hosts: [{ type: 'r5-host', count: 1 }, { type: 'm5-host', count: 1 }] }] },
        tenants: [...s.tenants, { id: 'initech', workloads: [{ ...s.tenants[0].workloads[0], zone: 'us-east-1c', image: 'suse' }] }],
      };
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1_000_000 }), async (seed) => {
        const s = threeZones(seed);
        const cells = splitIntoCells(s)!;
        expect(cells).toHaveLength(3);
        const single = await runScenario(s, DATA);
        const joined = joinCellResults(s, await Promise.all(cells.map((c) => runScenario(c, DATA))));
        expect(firstDifference(joined, single)).toBeNull();
        expect(joined.digest).toBe(single.digest);
      }),
      { seed: 21, numRuns: 3 },
    );
  });

  it('joins cells to the single run with memory working sets, applications per VM, swapping and host cost', async () => {
    // The memory experiments' figures (hosts used, swapped guests, VMM memory, applications, host cost) add across zones.
    const base = builtInScenario('overcommit-fleet')!;
    const w = base.tenants[0].workloads[0];
    const s = valid({
      ...base,
      durationHours: 6,
      fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'small-host', count: 4 }] }, { name: 'us-east-1b', hosts: [{ type: 'small-host', count: 4 }] }] },
      instanceTypes: { catalog: ['m5.large', 'm5.2xlarge', 'm5.4xlarge'] },
      tenants: [
        { id: 'a', workloads: [{ ...w, initial: 40 }] },
        {
          id: 'b',
          workloads: [{
            ...w, zone: 'us-east-1b', initial: 30, size: { distribution: 'fit' }, arrivals: { ratePerHour: 4 }, lifetime: { distribution: 'exponential', meanHours: 3 },
            memory: { applicationsPerVm: 4, guestOsMiB: 512, workingSet: { distribution: 'uniform', minMiB: 1024, maxMiB: 6144 } },
          }],
        },
      ],
      policies: { ...base.policies, placement: { weigher: 'pack', cpuAllocationRatio: 4, ramAllocationRatio: 2 }, memory: { pageSharing: false } },
    });
    const cells = splitIntoCells(s)!;
    expect(cells).toHaveLength(2);
    const single = await runScenario(s, DATA);
    const joined = joinCellResults(s, await Promise.all(cells.map((c) => runScenario(c, DATA))));
    expect(firstDifference(joined, single)).toBeNull();
    expect(joined.digest).toBe(single.digest);
    // The run exercised what it is about: swapping, several applications per VM, a host cost.
    expect(single.headline.swappedGuestHours).toBeGreaterThan(0);
    expect(series(single, 'applications', 'tenant', 'b')!.some((x, i) => x > series(single, 'instances', 'tenant', 'b')![i])).toBe(true);
    expect(single.headline.hostCostUsd).toBeGreaterThan(0);
  });

  it('is deterministic with consolidation, hot-spot relief, power-off and drains', async () => {
    const s = valid({
      version: 1, name: 'rebalancing', seed: 9, durationHours: 12, bucketSeconds: 900,
      fleet: { zones: [{ name: 'us-east-1c', hosts: [{ type: 'm5-host', count: 8 }] }] },
      tenants: [{
        id: 'batch',
        workloads: [{
          kind: 'synthetic', zone: 'us-east-1c', initial: 120, arrivals: { ratePerHour: 10 }, lifetime: { distribution: 'fixed', hours: 3 },
          size: { distribution: 'mix', mix: [{ instanceType: 't3.large', weight: 1 }, { instanceType: 'm5.xlarge', weight: 1 }] },
          utilization: { distribution: 'azure2019', model: 'random-walk' },
        }],
      }],
      policies: { rebalancer: { hotSpot: { enabled: true, cpuThreshold: 0.85 }, consolidation: { enabled: true, cpuThreshold: 0.25, windowSeconds: 1800 }, maxConcurrentMigrations: 4 } },
      faults: { drains: [{ atHours: 2, hosts: 2, durationHours: 3 }] },
    });
    const a = await runScenario(s, DATA);
    const b = await runScenario(s, DATA);
    expect(firstDifference(a, b)).toBeNull();
    expect(a.headline.migrations).toBeGreaterThan(0);
    expect(a.headline.hostsOffHours).toBeGreaterThan(0);
    expect(table(a, 'migrations').rows.map((r) => r[1])).toEqual(expect.arrayContaining(['consolidation', 'maintenance']));
  });

  it('does not split a scenario whose zones interact', () => {
    const s = twoZones(1);
    const anyZone = { ...s, tenants: [{ ...s.tenants[0], workloads: [{ ...s.tenants[0].workloads[0], zone: undefined }] }] };
    expect(splitIntoCells(anyZone)).toBeNull();
    expect(splitIntoCells({ ...s, policies: { rebalancer: { consolidation: { enabled: true } } } })).toBeNull();
    expect(splitIntoCells({ ...s, faults: { drains: [{ atHours: 1, hosts: 1, durationHours: 1 }] } })).toBeNull();
    expect(splitIntoCells({ ...s, tenants: [{ ...s.tenants[0], vcpuQuota: 64 }] })).toBeNull();
  });

  it('reports its progress after each bucket, so that a caller turns its event loop at least once per bucket of simulated time', async () => {
    // 51 h in 30-minute buckets: 102 of them, each its own slice (not one slice per 1 % of the run).
    const seen: number[] = [];
    await runScenario({ ...twoZones(7), durationHours: 51 }, DATA, { onProgress: (p) => void seen.push(p.simulatedMs) });
    expect(seen).toEqual(Array.from({ length: 102 }, (_, i) => (i + 1) * 1_800_000));
  });

  it('stops when cancelled and keeps the partial results, marked so', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const r = await runScenario(twoZones(7), DATA, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p.simulatedMs);
        if (p.simulatedMs >= 3 * 3_600_000) controller.abort();
      },
    });
    expect(r.cancelled).toBe(true);
    expect(r.simulatedMs).toBe(3 * 3_600_000);
    expect(seen[seen.length - 1]).toBe(3 * 3_600_000);
    const launched = series(r, 'instancesLaunched')!;
    expect(launched.slice(0, 6).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(launched.slice(6)).toEqual(new Array(launched.length - 6).fill(0));
    expect(series(r, 'hostsOn')!.slice(6).every((x) => x === 0)).toBe(true);
  });

  it('refuses to start without the datasets the scenario needs', async () => {
    await expect(runScenario(twoZones(1), {})).rejects.toThrow("the scenario needs the dataset 'azure2019', which was not loaded (see datasetsNeeded)");
  });

  it('writes a series and a table as CSV', async () => {
    const r = await runScenario(handWorked, {});
    expect(resultToCsv(r, { series: 'hostsOn' })).toBe('time,fleet (hosts),zone:us-east-1a (hosts),hostType:quad (hosts)\n2026-01-05T00:00:00.000Z,2,2,2\n');
    expect(resultToCsv(r, { table: 'revenue' })).toBe('zone,tenant,month,product,licenceProduct,amountUsd\nus-east-1a,acme,2026-01,ec2-instance,,0.19\n');
  });

  // ---- licensing-models experiment (issue 12): schedules, Dedicated Hosts and BYOL licences in cells ----
  it('joins cells with daily schedules, Dedicated Hosts and priced BYOL licences to the single run, byte for byte', async () => {
    const workload = (zone: string, image: string, tenancy: 'default' | 'host') => ({
      kind: 'synthetic', zone, image, tenancy, initial: 3, arrivals: { ratePerHour: 0.5 }, lifetime: { distribution: 'exponential', meanHours: 20 },
      size: { distribution: 'mix', mix: [{ instanceType: 'm5.large', weight: 1 }, { instanceType: 'm5.xlarge', weight: 1 }] }, utilization: { distribution: 'fixed', percent: 30 },
      schedule: { runFraction: 0.4, startHourUtc: 6 },
    });
    const s = valid({
      version: 1, name: 'licensing-cells', seed: 3, durationHours: 48,
      fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }, { name: 'us-east-1b', hosts: [{ type: 'm5-host', count: 2 }] }] },
      tenants: [
        { id: 'acme', dedicatedHosts: [{ zone: 'us-east-1a', hostType: 'm5-host', count: 1 }], workloads: [workload('us-east-1a', 'ami-0f3d0c00000003f22', 'host'), workload('us-east-1b', 'ami-0f3d0c00000003f22', 'default')] },
        { id: 'globex', workloads: [workload('us-east-1b', 'windows-sql-standard', 'default')] },
      ],
      policies: { priceBook: { byolLicenses: { 'sql-server-standard': { countingType: 'Core', monthlyUsd: '36.5' } } } },
    });
    const cells = splitIntoCells(s)!;
    expect(cells).toHaveLength(2);
    const single = await runScenario(s, DATA);
    expect(single.headline.byolLicenceUsd).toBeGreaterThan(0);
    expect(table(single, 'revenue').rows.some((r) => r[3] === 'ec2-dedicated-host')).toBe(true);
    const joined = joinCellResults(s, await Promise.all(cells.map((c) => runScenario(c, DATA))));
    expect(firstDifference(joined, single)).toBeNull();
    expect(joined.digest).toBe(single.digest);
  });
});
