import fc from 'fast-check';
import { uniformIn } from '../../../../test/support/arbitraries';
import { Reach } from '../../../../test/support/reach';
import { MS_PER_HOUR, MS_PER_MINUTE } from '../engine/sim-time';
import { resolveVolume } from '../vmm/io/ebs-volume';
import { CpuWorkload } from '../vmm/workload/workload';
import { TestWorld as World } from '@nimbus/simulation/testing';

/** Instance types that fit the m5-host family, small enough for many per host. */
const TYPES = ['t3.micro', 't3.large', 'm5.large', 'm5.xlarge', 'm5.4xlarge', 'm5.12xlarge'];

/** Demands over the whole range, the upper half more often (busy guests contend for the host). */
const coresOf = (vcpus: number) => fc.oneof(uniformIn(0, vcpus), uniformIn(vcpus / 2, vcpus), uniformIn(vcpus / 2, vcpus));

const cpuModel = (vcpus: number): fc.Arbitrary<CpuWorkload> =>
  fc.oneof(
    fc.record({ model: fc.constant('constant' as const), cores: coresOf(vcpus) }),
    fc.record({
      model: fc.constant('random-walk' as const), meanCores: coresOf(vcpus),
      volatility: uniformIn(0, vcpus / 2), seed: fc.integer(), stepSeconds: fc.constantFrom(60, 300, 3600),
    }),
    fc.record({
      model: fc.constant('trace' as const), periodSeconds: fc.constantFrom(60, 600),
      cores: fc.array(coresOf(vcpus), { minLength: 1, maxLength: 8 }), repeat: fc.boolean(),
    }),
  );

const vmArb = fc.record({
  type: fc.constantFrom(...TYPES),
  reservationShare: fc.constantFrom(0, 0.5, 1),
  weightFactor: fc.integer({ min: 1, max: 4 }),
});

interface VmChoice {
  type: string;
  reservationShare: number;
  weightFactor: number;
}

const VCPUS: Record<string, number> = { 't3.micro': 2, 't3.large': 2, 'm5.large': 2, 'm5.xlarge': 4, 'm5.4xlarge': 16, 'm5.12xlarge': 48 };
const BASELINE: Record<string, number> = { 't3.micro': 0.1, 't3.large': 0.3 };
/** What the VM reserves: T3 their baseline, others the chosen share of their vCPUs. */
const reservationOf = (v: VmChoice) => (BASELINE[v.type] !== undefined ? Math.round(BASELINE[v.type] * VCPUS[v.type] * 1000) : Math.round(VCPUS[v.type] * 1000 * v.reservationShare));

/** Launches the scenario's VMs on one host, with CPU workloads that change at events. */
function build(choices: VmChoice[], cpu: CpuWorkload[]) {
  const w = new World();
  const h = w.host();
  const vms = choices.map((v) => w.vm(h, v.type, { reservationMillicores: reservationOf(v), weight: VCPUS[v.type] * 1024 * v.weightFactor }));
  vms.forEach((vm, i) => w.dataPlane.setWorkload(vm.vmId, { cpu: cpu[i] }));
  return { w, h, vms };
}

/**
 * Only what admission allows: Σ reservations within the host's capacity (109.76 cores). Rather
 * than discard the rest (fc.pre), drop reservations from the last VMs until the sum fits.
 */
function admitted(vms: VmChoice[]): VmChoice[] {
  let total = vms.reduce((s, v) => s + reservationOf(v), 0);
  return vms
    .slice()
    .reverse()
    .map((v) => {
      if (total <= 109_760 || BASELINE[v.type] !== undefined || v.reservationShare === 0) return v;
      total -= reservationOf(v);
      return { ...v, reservationShare: 0 };
    })
    .reverse();
}

const scenario = fc
  // Four or five 48-vCPU VMs among up to eight others: enough to overrun the host when busy.
  .tuple(fc.array(vmArb.map((v) => ({ ...v, type: 'm5.12xlarge' })), { minLength: 4, maxLength: 5 }), fc.array(vmArb, { maxLength: 8 }))
  .map(([big, others]) => admitted([...big, ...others]))
  .chain((vms) =>
    fc.tuple(
      fc.constant(vms),
      fc.tuple(...vms.map((v) => cpuModel(VCPUS[v.type]))),
    ),
  );

describe('DataPlane properties', () => {
  it('never allocates more than a host has, is work-conserving, and meets every admitted reservation', () => {
    const contended = new Reach();
    fc.assert(
      fc.property(scenario, fc.array(fc.integer({ min: 1, max: 90 * MS_PER_MINUTE }), { minLength: 1, maxLength: 6 }), ([vms, cpu], steps) => {
        contended.run();
        expect(vms.reduce((s, v) => s + reservationOf(v), 0)).toBeLessThanOrEqual(109_760);
        const { w, h, vms: launched } = build(vms, cpu);
        let wasContended = false;
        for (const step of steps) {
          w.run(step);
          const host = w.dataPlane.hostView(h);
          const views = launched.map((vm) => w.dataPlane.vmView(vm.vmId));
          const total = views.reduce((s, v) => s + v.allocatedCores, 0);
          expect(total).toBeLessThanOrEqual(host.cpuCapacityCores + 1e-9);
          expect(Math.abs(total - host.cpuAllocatedCores)).toBeLessThan(1e-9);
          const idle = host.cpuCapacityCores - total > 1e-6;
          if (views.reduce((s, v) => s + Math.min(v.demandCores, v.limitCores), 0) > host.cpuCapacityCores) wasContended = true;
          views.forEach((v, i) => {
            const vm = launched[i];
            // Nobody is held back while capacity idles (min(d, c) reached by all)…
            if (idle) expect(v.allocatedCores).toBeCloseTo(Math.min(v.demandCores, v.limitCores), 9);
            // …and what the admission allowed (Σ reservations ≤ capacity) is always delivered.
            expect(v.allocatedCores + 1e-9).toBeGreaterThanOrEqual(Math.min(v.demandCores, vm.cpu.reservationMillicores / 1000, v.limitCores));
            expect(v.allocatedCores).toBeLessThanOrEqual(v.limitCores + 1e-9);
            expect(v.guaranteeViolated).toBe(false);
          });
        }
        // The region where sharing matters: more demanded than the host has, at some step.
        if (wasContended) contended.hit();
      }),
      { numRuns: 60 },
    );
    contended.expectAtLeast(0.5, 'data plane: contended host');
  });

  it('counts a standard volume\'s I/O requests as exactly the integral of its delivered IOPS, through attach, detach and workload changes', () => {
    type Op =
      | { readonly kind: 'workload'; readonly vm: number; readonly vol: number; readonly iops: number; readonly dtMs: number }
      | { readonly kind: 'attach'; readonly vm: number; readonly vol: number; readonly dtMs: number }
      | { readonly kind: 'detach' | 'snapshot'; readonly vol: number; readonly dtMs: number };
    const dtMs = fc.integer({ min: 0, max: 2 * MS_PER_HOUR });
    const vm = fc.integer({ min: 0, max: 1 });
    const vol = fc.integer({ min: 0, max: 1 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('workload' as const), vm, vol, iops: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 1_000 })), dtMs }),
      fc.record({ kind: fc.constant('attach' as const), vm, vol, dtMs }),
      fc.record({ kind: fc.constantFrom('detach' as const, 'snapshot' as const), vol, dtMs }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        const w = new World();
        const h = w.host();
        const vms = [w.vm(h, 'm5.large'), w.vm(h, 'm5.large')].map((v) => v.vmId);
        const vols = ['vol-00000000000000001', 'vol-00000000000000002'];
        for (const id of vols) w.dataPlane.addVolume({ volumeId: id, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'standard', sizeGiB: 50 }) });
        const holder: (number | null)[] = [null, null];
        const demand = [0, 0];
        const expected = [0, 0]; // Σ delivered IOPS × ms, from the volumes' views between changes
        const requests = () => vols.map((id) => w.dataPlane.ioRequestCounters().find((c) => c.volumeId === id)!.ioIopsMs);
        // What a VM asks of each of its volumes (16 KiB I/Os: 0.015625 MiB each).
        const ask = (v: number) => w.dataPlane.setWorkload(vms[v], { io: [0, 1].filter((i) => holder[i] === v).map((i) => ({ volumeId: vols[i], iops: demand[i], throughputMiBps: demand[i] * 0.015625 })) });
        for (const o of ops) {
          if (o.kind === 'attach' && holder[o.vol] === null) {
            w.dataPlane.attachVolume(vols[o.vol], vms[o.vm]);
            holder[o.vol] = o.vm;
            demand[o.vol] = 0; // a new attachment is asked nothing until the workload names it
          } else if (o.kind === 'detach' && holder[o.vol] !== null) {
            w.dataPlane.detachVolume(vols[o.vol]);
            holder[o.vol] = null;
          } else if (o.kind === 'workload' && holder[o.vol] === o.vm) {
            demand[o.vol] = o.iops;
            ask(o.vm);
          } else if (o.kind === 'snapshot') {
            w.dataPlane.takeSnapshots(); // taking a snapshot changes nothing of the count
          }
          w.run(0); // the host's recomputation at this instant
          const delivered = vols.map((id) => w.dataPlane.volumeView(id).iopsDelivered);
          // The rule: up to the type's 200 IOPS while attached (the m5.large's EBS and the host's path never bind here).
          expect(delivered).toEqual([0, 1].map((i) => (holder[i] === null ? 0 : Math.min(demand[i], 200))));
          w.run(o.dtMs);
          delivered.forEach((d, i) => (expected[i] += d * o.dtMs));
          expect(requests()).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives the same seed and input a byte-identical event trace and metrics', () => {
    const run = (seed: number) => {
      const w = new World({ ramRatio: 1.5 });
      const a = w.host('m5-xen-pv-host');
      const b = w.host('m5-host');
      const vms = [w.vm(a, 't3.large'), w.vm(a, 'm5.xlarge'), w.vm(a, 'm5.large'), w.vm(b, 'm5.large')];
      w.dataPlane.setCreditMode(vms[0].vmId, 'standard');
      w.dataPlane.addVolume({ volumeId: 'vol-00000000000000001', tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'gp2', sizeGiB: 20 }) });
      w.dataPlane.attachVolume('vol-00000000000000001', vms[1].vmId);
      vms.forEach((vm, i) =>
        w.dataPlane.setWorkload(vm.vmId, {
          cpu: { model: 'random-walk', meanCores: 1, volatility: 0.5, seed: seed + i, stepSeconds: 300 },
          memory: { workingSetMiB: 1000, dirtyRateMiBps: 100 * i },
          network: [{ to: 'internet', mbps: 50 }, ...(i > 0 ? [{ to: vms[0].vmId, mbps: 100 }] : [])],
        }),
      );
      w.dataPlane.setWorkload(vms[1].vmId, { io: [{ volumeId: 'vol-00000000000000001', iops: 2_000, throughputMiBps: 20 }] });
      w.run(2 * MS_PER_HOUR);
      w.dataPlane.migrate(vms[2].vmId, b, 'test');
      w.dataPlane.failDriverDomain(a);
      w.run(MS_PER_HOUR);
      w.dataPlane.repairDriverDomain(a);
      w.run(3 * MS_PER_HOUR);
      return JSON.stringify({ timeline: w.timeline, buckets: w.buckets, views: vms.map((vm) => w.dataPlane.vmView(vm.vmId)) });
    };
    const first = run(42);
    expect(run(42)).toBe(first);
    expect(run(43)).not.toBe(first);
  });
});
