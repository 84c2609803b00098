import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseAzureDistributions, runScenario, Scenario, ScenarioResult, validateScenario } from '@nimbus/simulation';
import { RandomStream } from './random';
import { drawApplication, workingSetMiB } from './scenario.driver';
import { MemorySpec } from './scenario';

const azure = parseAzureDistributions(JSON.parse(gunzipSync(readFileSync(join(__dirname, '../../../../data/azure2019-distributions.json.gz'))).toString()).files);

/** A stream that returns these uniforms, in order. */
const fixedStream = (...us: number[]) => ({ uniform: () => us.shift()! }) as unknown as RandomStream;

/** GiB-sized types vm-1g … vm-<n>g: one vCPU per 4 GiB, $0.012 per GiB-hour. */
const gibTypes = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `vm-${i + 1}g`, family: 'm5', vcpus: Math.ceil((i + 1) / 4), memoryMiB: (i + 1) * 1024, price: { linux: (0.012 * (i + 1)).toFixed(3) } }));

/** `initial` applications (seed 11) for an hour on two m5-hosts, VMs sized to fit from `types`. */
function apps(initial: number, memory: MemorySpec, utilization: unknown, types: unknown[]): Scenario {
  const v = validateScenario({
    version: 1, name: 'apps', seed: 11, durationHours: 1,
    fleet: { zones: [{ name: 'us-east-1a', hosts: [{ type: 'm5-host', count: 2 }] }] },
    instanceTypes: { catalog: [], custom: types },
    tenants: [{
      id: 'apps',
      workloads: [{
        kind: 'synthetic', name: 'apps', zone: 'us-east-1a', initial, arrivals: { ratePerHour: 0 }, lifetime: { distribution: 'forever' },
        size: { distribution: 'fit' }, utilization, cpuReservation: 0, memory,
      }],
    }],
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.scenario;
}
/** Instances launched of each type. */
const launched = (r: ScenarioResult) =>
  Object.fromEntries(r.series.filter((s) => s.name === 'instancesLaunched' && s.groupBy === 'product').map((s) => [s.group, s.points.reduce((a, b) => a + b, 0)]));
const fleetMean = (r: ScenarioResult, name: string) => r.series.find((s) => s.name === name && s.groupBy === 'fleet')!.points[0];

describe('applications from the Azure 2019 distributions', () => {
  it("have an Azure VM's memory less the guest OS as their working set (by hand)", () => {
    // memory.txt's percentages sum to 100.1: cumulative 12.09 % ≤ 2 GB, 28.57 % ≤ 4, 61.34 % ≤ 8, 90.01 % ≤ 32, 96.40 % ≤ 64, the rest 70 (GB read as GiB).
    const m: MemorySpec = { guestOsMiB: 512, workingSet: { distribution: 'azure2019' } };
    expect(workingSetMiB(m, [0.1], 0, azure)).toBe(2048); // the guest OS and a 2 GB VM's application: the 2 GB VM
    expect(workingSetMiB(m, [0.2, 0.95], 0, azure)).toBe(512 + (4096 - 512) + (65_536 - 512)); // one guest OS for two applications
    expect(workingSetMiB(m, [0.999], 0, azure)).toBe(70 * 1024);
    // An application in a VM smaller than the guest OS brings nothing more.
    expect(workingSetMiB({ ...m, guestOsMiB: 4096 }, [0.1], 0, azure)).toBe(4096);
  });

  it('have the cores at the same quantile and their CPU from cpu.txt, in cores (by hand)', () => {
    // u 0.95: cores.txt cumulative 58.2 % ≤ 2, 81.1 % ≤ 4, 93.1 % ≤ 8, 93.2 % ≤ 12, 98.8 % ≤ 24: 24 cores (and 64 GB of memory).
    // q 0.58223: the average's CDF reaches 58.223 % at 10 %; the P95's lies between 54 % (57.452 %) and 55 % (58.320 %).
    const a = drawApplication(fixedStream(0.95, 0.58223), azure);
    expect(a.u).toBe(0.95);
    expect(a.cpu!.meanCores).toBeCloseTo(0.1 * 24, 9);
    const p95 = 54 + (0.58223 - 0.57452) / (0.5832 - 0.57452);
    expect(a.cpu!.spreadCores).toBeCloseTo(((p95 - 10) / 100) * 24, 9);
    // Without CPU per application, one draw: the working set's.
    expect(drawApplication(fixedStream(0.3, 0.9))).toEqual({ u: 0.3 });
  });

  it("get VMs whose vCPUs cover their average demand, not only their memory", async () => {
    // Seed 11's first six applications demand 0.019, 0.037, 0.038, 1.185, 1.935 and 0 cores (consolidation.spec.ts lists them).
    // A working set of 512 + 1,024 MiB fits vm-2g (1 vCPU); the 4th and 5th need 2 vCPUs: vm-5g, the smallest with 2.
    const r = await runScenario(apps(6, { guestOsMiB: 512, workingSet: { distribution: 'fixed', mib: 1024 } }, { distribution: 'azure2019', per: 'application' }, gibTypes(16)), { azure2019: azure });
    expect(launched(r)).toEqual({ 'vm-2g': 4, 'vm-5g': 2 });
  });

  it('are packed into fewer VMs where the largest type holds no more, and alone (capped) where it holds not even one', async () => {
    // 512 + 3 × 1,024 = 3,584 MiB fits vm-4g, a fourth application would not: 8 applications make VMs of 3, 3 and 2 (512 + 2,048: vm-3g).
    const utilization = { distribution: 'fixed', percent: 10 };
    const r = await runScenario(apps(8, { applicationsPerVm: 8, guestOsMiB: 512, workingSet: { distribution: 'fixed', mib: 1024 } }, utilization, gibTypes(4)), {});
    expect(launched(r)).toEqual({ 'vm-3g': 1, 'vm-4g': 2 });
    expect(fleetMean(r, 'applications')).toBeCloseTo(8 * (3600 - 15) / 3600, 9); // each from its VM's boot
    // 512 + 8,192 MiB fits no type: each application has the largest to itself.
    const big = await runScenario(apps(3, { applicationsPerVm: 8, guestOsMiB: 512, workingSet: { distribution: 'fixed', mib: 8192 } }, utilization, gibTypes(4)), {});
    expect(launched(big)).toEqual({ 'vm-4g': 3 });
  });

  it('demand the same CPU however they are packed', async () => {
    const memory = (k: number): MemorySpec => ({ applicationsPerVm: k, guestOsMiB: 512, workingSet: { distribution: 'azure2019' } });
    const run = (k: number) => runScenario(apps(40, memory(k), { distribution: 'azure2019', per: 'application' }, gibTypes(384)), { azure2019: azure });
    const [one, eight] = [await run(1), await run(8)];
    expect(fleetMean(one, 'instances')).toBeGreaterThan(fleetMean(eight, 'instances') * 5);
    // The same 40 applications' cores, summed per VM: they differ by the VMs' rounding to whole millicores (≤ 0.5 m each).
    expect(Math.abs(fleetMean(one, 'cpuAllocatedCores') - fleetMean(eight, 'cpuAllocatedCores'))).toBeLessThanOrEqual(0.0005 * 45);
    expect(fleetMean(one, 'cpuAllocatedCores')).toBeGreaterThan(1);
  });
});
