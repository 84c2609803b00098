import fc from 'fast-check';
import { Reach } from '../../../../../test/support/reach';
import { HOST_TYPES, HostType, findHostType } from '../../catalog/host-types';
import { Host } from '../../fleet/host';
import { CpuDemand, allocateCpu, hostCpuCapacityMillicores } from './cpu-allocator';

const vm = (id: string, d: number, r: number, c: number, w: number): CpuDemand => ({
  id, demandMillicores: d, reservationMillicores: r, limitMillicores: c, weight: w,
});
const grant = (a: ReturnType<typeof allocateCpu>, id: string) => a.vms.find((g) => g.id === id)!;

describe('allocateCpu', () => {
  it('two VMs weighted 1:3 on a saturated host get 25 % / 75 %', () => {
    const sut = allocateCpu(4000, [vm('a', 4000, 0, 4000, 1), vm('b', 4000, 0, 4000, 3)]);
    expect(sut.vms.map((g) => g.allocatedMillicores)).toEqual([1000, 3000]);
    expect(sut.vms.map((g) => g.stealMillicores)).toEqual([3000, 1000]);
    expect(sut.idleMillicores).toBe(0);
  });

  it('a VM reserving 2 cores gets them beside ten greedy neighbours, plus its share of the rest', () => {
    const greedy = Array.from({ length: 10 }, (_, i) => vm(`g${i}`, 8000, 0, 8000, 1024));
    const sut = allocateCpu(8000, [vm('reserved', 2000, 2000, 2000, 1024), ...greedy]);
    expect(grant(sut, 'reserved')).toEqual({ id: 'reserved', allocatedMillicores: 2000, stealMillicores: 0, guaranteeViolated: false });
    expect(greedy.map((g) => grant(sut, g.id).allocatedMillicores)).toEqual(Array(10).fill(600));

    // With more demand than its reservation it keeps the 2 cores and competes for the rest by weight.
    const more = allocateCpu(8000, [vm('reserved', 4000, 2000, 4000, 1024), ...greedy]);
    expect(grant(more, 'reserved').allocatedMillicores).toBe(2000 + 546); // 6000 / 11 = 545.45…, first gets the spare unit
    expect(more.allocatedMillicores).toBe(8000);
  });

  it('a capped VM never exceeds its cap, even alone on an idle host', () => {
    const sut = allocateCpu(64_000, [vm('capped', 8000, 0, 1500, 1024)]);
    expect(grant(sut, 'capped').allocatedMillicores).toBe(1500);
    expect(grant(sut, 'capped').stealMillicores).toBe(0); // steal is measured against min(d, c)
    expect(sut.idleMillicores).toBe(62_500);
  });

  it('is work-conserving: what a capped or idle VM leaves goes to the others', () => {
    const sut = allocateCpu(6000, [vm('light', 500, 0, 4000, 1), vm('capped', 4000, 0, 1000, 1), vm('hungry', 6000, 0, 6000, 1)]);
    expect(sut.vms.map((g) => g.allocatedMillicores)).toEqual([500, 1000, 4500]);
  });

  it('scales guarantees down in proportion and flags violations when reservations exceed capacity', () => {
    // A failed-over host: 3 + 3 cores reserved on 4 cores.
    const sut = allocateCpu(4000, [vm('a', 3000, 3000, 3000, 1), vm('b', 3000, 3000, 3000, 1), vm('c', 1000, 0, 1000, 1)]);
    expect(sut.reservationsScaled).toBe(true);
    expect(sut.vms.map((g) => g.allocatedMillicores)).toEqual([2000, 2000, 0]);
    expect(sut.vms.map((g) => g.guaranteeViolated)).toEqual([true, true, false]);
  });

  it('a VM demanding less than its reservation is only guaranteed its demand', () => {
    const sut = allocateCpu(1000, [vm('idle-ish', 200, 1000, 1000, 1), vm('b', 5000, 0, 5000, 1)]);
    expect(sut.vms.map((g) => g.allocatedMillicores)).toEqual([200, 800]);
    expect(sut.vms.some((g) => g.guaranteeViolated)).toBe(false);
  });

  it('refuses malformed parameters', () => {
    expect(() => allocateCpu(1000, [vm('x', 100, 2000, 1000, 1)])).toThrow(RangeError);
    expect(() => allocateCpu(1000, [vm('x', 100, 0, 1000, 0)])).toThrow(RangeError);
    expect(() => allocateCpu(1000, [vm('x', 0.5, 0, 1000, 1)])).toThrow(RangeError);
    expect(() => allocateCpu(-1, [])).toThrow(RangeError);
  });

  const vmArb = fc
    .record({
      d: fc.integer({ min: 0, max: 16_000 }),
      r: fc.integer({ min: 0, max: 16_000 }),
      c: fc.integer({ min: 0, max: 16_000 }),
      w: fc.integer({ min: 1, max: 100_000 }),
    })
    .map(({ d, r, c, w }) => ({ d, r: Math.min(r, c), c: Math.max(r, c), w }));
  /** A fraction in thousandths (fc.double is uniform over representable doubles: mostly tiny). */
  const fraction = (max: number) => fc.integer({ min: 0, max: Math.round(max * 1000) }).map((n) => n / 1000);
  const wantedOf = (vms: CpuDemand[]) => vms.reduce((s, v) => s + Math.min(v.demandMillicores, v.limitMillicores), 0);
  const reservedOf = (vms: CpuDemand[]) => vms.reduce((s, v) => s + v.reservationMillicores, 0);
  /**
   * VMs, then a capacity around what they want (0–130 % of Σ min(d, c)), so that most hosts are
   * contended and some idle. A capacity drawn independently of the VMs left the outcome to chance.
   */
  const scenario = fc.tuple(fc.array(vmArb, { minLength: 1, maxLength: 40 }), fraction(1.3)).map(([xs, f]) => {
    const vms = xs.map((x, i) => vm(`vm${i}`, x.d, x.r, x.c, x.w));
    return { capacity: Math.floor(wantedOf(vms) * f), vms };
  });

  it('property: Σ allocations ≤ capacity and no VM above min(d, c)', () => {
    fc.assert(
      fc.property(scenario, ({ capacity, vms }) => {
        const sut = allocateCpu(capacity, vms);
        expect(sut.allocatedMillicores).toBeLessThanOrEqual(capacity);
        expect(sut.vms.reduce((s, g) => s + g.allocatedMillicores, 0)).toBe(sut.allocatedMillicores);
        sut.vms.forEach((g, i) => {
          expect(g.allocatedMillicores).toBeGreaterThanOrEqual(0);
          expect(g.allocatedMillicores).toBeLessThanOrEqual(Math.min(vms[i].demandMillicores, vms[i].limitMillicores));
          expect(g.stealMillicores).toBe(Math.min(vms[i].demandMillicores, vms[i].limitMillicores) - g.allocatedMillicores);
        });
      }),
    );
  });

  it('property: work-conserving — capacity idles only when every VM is at min(d, c)', () => {
    const idle = new Reach();
    fc.assert(
      fc.property(scenario, ({ capacity, vms }) => {
        idle.run();
        const sut = allocateCpu(capacity, vms);
        // Exactly min(capacity, Σ min(d, c)) is handed out: contended hosts idle nothing.
        expect(sut.allocatedMillicores).toBe(Math.min(capacity, wantedOf(vms)));
        if (sut.idleMillicores > 0) {
          idle.hit();
          sut.vms.forEach((g) => expect(g.stealMillicores).toBe(0));
        }
      }),
    );
    idle.expectAtLeast(0.15, 'cpu: idle hosts');
  });

  it('property: every reservation is met when Σ r ≤ capacity', () => {
    // Capacity from Σ r up to what the VMs want: admitted, and (mostly) contended, where a
    // reservation has to be defended against the others' weights.
    const admitted = fc.tuple(fc.array(vmArb, { minLength: 1, maxLength: 40 }), fraction(0.95)).map(([xs, f]) => {
      const vms = xs.map((x, i) => vm(`vm${i}`, x.d, x.r, x.c, x.w));
      const r = reservedOf(vms);
      return { capacity: r + Math.floor(Math.max(0, wantedOf(vms) - r) * f), vms };
    });
    const contended = new Reach();
    fc.assert(
      fc.property(admitted, ({ capacity, vms }) => {
        contended.run();
        expect(reservedOf(vms)).toBeLessThanOrEqual(capacity);
        if (wantedOf(vms) > capacity) contended.hit();
        const sut = allocateCpu(capacity, vms);
        sut.vms.forEach((g, i) => {
          expect(g.allocatedMillicores).toBeGreaterThanOrEqual(Math.min(vms[i].demandMillicores, vms[i].reservationMillicores));
          expect(g.guaranteeViolated).toBe(false);
        });
        expect(sut.reservationsScaled).toBe(false);
      }),
    );
    contended.expectAtLeast(0.5, 'cpu: reservations under contention');
  });

  it('property: deterministic — the same input gives the same output', () => {
    fc.assert(fc.property(scenario, ({ capacity, vms }) => expect(allocateCpu(capacity, vms)).toEqual(allocateCpu(capacity, vms))));
  });
});

describe('hostCpuCapacityMillicores', () => {
  const m5 = findHostType('m5-host')!;
  const pv = findHostType('m5-xen-pv-host')!;

  it('is threads × 1000 × (1 − overhead): 112 threads at 2 % hardware-assisted overhead = 109,760', () => {
    expect(hostCpuCapacityMillicores(m5)).toBe(109_760);
    expect(hostCpuCapacityMillicores(pv)).toBe(107_520); // 4 % paravirtual
  });

  it('matches Host.cpuCapacityMillicores for every catalog host type', () => {
    for (const t of HOST_TYPES) expect(hostCpuCapacityMillicores(t)).toBe(new Host('h', t, 'az').cpuCapacityMillicores);
  });

  it('binary translation costs more as the guests’ privileged-operation rate grows', () => {
    const bt: HostType = { ...m5, virtualization: 'trap-and-emulate' };
    expect(hostCpuCapacityMillicores(bt)).toBe(100_800); // 10 %
    expect(hostCpuCapacityMillicores(bt, { privOpsPerSecPerCore: 20_000 })).toBe(89_600); // 10 % + 2 × 5 %
  });

  it('subtracts the driver domain’s own use', () => {
    expect(hostCpuCapacityMillicores(pv, { driverDomainMillicores: 2_500 })).toBe(105_020);
    expect(hostCpuCapacityMillicores(pv, { driverDomainMillicores: 1e9 })).toBe(0);
  });
});
