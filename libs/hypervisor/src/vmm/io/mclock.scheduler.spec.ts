import fc from 'fast-check';
import { Reach } from '../../../../../test/support/reach';
import { IoCapacity, VolumeIoDemand, allocateIo } from './mclock.scheduler';

const KiB4 = 4 / 1024;
const vol = (id: string, o: Partial<VolumeIoDemand> & { demandIops: number }): VolumeIoDemand => ({
  id,
  instanceId: o.instanceId ?? `i-${id}`,
  demandIops: o.demandIops,
  demandMiBps: o.demandMiBps ?? o.demandIops * KiB4,
  reservationIops: o.reservationIops ?? 0,
  limitIops: o.limitIops ?? 1e9,
  limitMiBps: o.limitMiBps ?? 1e9,
  weight: o.weight ?? 1,
});
const host: IoCapacity = { iops: 10_000, mibps: 10_000 };
const iops = (a: ReturnType<typeof allocateIo>) => a.volumes.map((v) => Math.round(v.deliveredIops * 1e6) / 1e6);

describe('allocateIo (mClock semantics)', () => {
  it('serves reservations first, then divides the spare by shares', () => {
    const sut = allocateIo(host, [vol('io2', { demandIops: 6000, reservationIops: 6000 }), vol('a', { demandIops: 16_000 }), vol('b', { demandIops: 16_000 })]);
    expect(iops(sut)).toEqual([6000, 2000, 2000]);
    expect(sut.volumes.every((v) => v.reservationMet)).toBe(true);
    expect(sut.volumes.map((v) => v.throttledBy)).toEqual(['none', 'host', 'host']);
  });

  it('divides a saturated path by weight (1:3 → 2,500 / 7,500)', () => {
    const sut = allocateIo(host, [vol('a', { demandIops: 10_000, weight: 1 }), vol('b', { demandIops: 10_000, weight: 3 })]);
    expect(iops(sut)).toEqual([2500, 7500]);
    expect(sut.volumes[0].throttledIops).toBeCloseTo(7500, 9);
  });

  it('never delivers above a volume’s limit, even on an idle host', () => {
    const sut = allocateIo(host, [vol('gp3', { demandIops: 9000, limitIops: 3000 })]);
    expect(iops(sut)).toEqual([3000]);
    expect(sut.volumes[0].throttledBy).toBe('volume-limit');
  });

  it('caps all of an instance’s volumes together at its EBS bandwidth, leaving the rest to others', () => {
    const sut = allocateIo(
      host,
      [vol('a1', { instanceId: 'i-a', demandIops: 5000 }), vol('a2', { instanceId: 'i-a', demandIops: 5000 }), vol('b', { instanceId: 'i-b', demandIops: 8000 })],
      new Map([['i-a', { iops: 3000, mibps: 1e9 }]]),
    );
    expect(iops(sut)).toEqual([1500, 1500, 7000]);
    expect(sut.volumes.map((v) => v.throttledBy)).toEqual(['instance-cap', 'instance-cap', 'host']);
  });

  it('applies MiB/s limits at the stream’s IO size: 256 KiB IOs hit a 250 MiB/s limit at 1,000 IOPS', () => {
    const sut = allocateIo({ iops: 100_000, mibps: 1000 }, [vol('big', { demandIops: 8000, demandMiBps: 2000, limitMiBps: 250 })]);
    expect(sut.volumes[0].deliveredIops).toBeCloseTo(1000, 9);
    expect(sut.volumes[0].deliveredMiBps).toBeCloseTo(250, 9);
    const hostBound = allocateIo({ iops: 100_000, mibps: 1000 }, [vol('big', { demandIops: 8000, demandMiBps: 2000 })]);
    expect(hostBound.volumes[0].deliveredMiBps).toBeCloseTo(1000, 9); // the path's bandwidth binds first
    expect(hostBound.volumes[0].deliveredIops).toBeCloseTo(4000, 9);
  });

  it('charges a large IO more: equal shares of the path give 4 KiB and 1 MiB streams equal device time', () => {
    // Costs: a 4 KiB IO is 1/10,000 of the path (IOPS-bound); a 1 MiB IO is 1/1,000 (MiB/s-bound).
    const sut = allocateIo({ iops: 10_000, mibps: 1000 }, [vol('small', { demandIops: 10_000 }), vol('large', { demandIops: 1000, demandMiBps: 1000 })]);
    expect(sut.volumes[0].deliveredIops).toBeCloseTo(5000, 9);
    expect(sut.volumes[1].deliveredIops).toBeCloseTo(500, 9);
    expect(sut.deliveredIops).toBeLessThanOrEqual(10_000);
    expect(sut.deliveredMiBps).toBeLessThanOrEqual(1000);
  });

  it('scales reservations down in proportion when they cannot all be met', () => {
    const sut = allocateIo(host, [vol('a', { demandIops: 8000, reservationIops: 8000 }), vol('b', { demandIops: 12_000, reservationIops: 12_000 })]);
    expect(iops(sut)).toEqual([4000, 6000]);
    expect(sut.volumes.map((v) => v.reservationMet)).toEqual([false, false]);
  });

  it('a stopped storage path (driver domain down) delivers nothing to anyone', () => {
    const sut = allocateIo({ iops: 0, mibps: 0 }, [vol('a', { demandIops: 100, reservationIops: 100 })]);
    expect(iops(sut)).toEqual([0]);
    expect(sut.volumes[0].throttledBy).toBe('host');
  });

  const volArb = fc.record({
    instance: fc.integer({ min: 0, max: 4 }),
    demandIops: fc.integer({ min: 0, max: 20_000 }),
    ioKiB: fc.constantFrom(4, 16, 64, 256, 1024),
    reservationIops: fc.integer({ min: 0, max: 5_000 }),
    limitIops: fc.integer({ min: 100, max: 20_000 }),
    limitMiBps: fc.integer({ min: 10, max: 1000 }),
    weight: fc.integer({ min: 1, max: 16_000 }),
  });
  const scenario = fc
    .record({
      host: fc.record({ iops: fc.integer({ min: 1000, max: 100_000 }), mibps: fc.integer({ min: 100, max: 5000 }) }),
      caps: fc.array(fc.option(fc.record({ iops: fc.integer({ min: 500, max: 40_000 }), mibps: fc.integer({ min: 50, max: 2000 }) }), { nil: undefined }), {
        minLength: 5,
        maxLength: 5,
      }),
      vols: fc.array(volArb, { maxLength: 25 }),
    })
    .map(({ host: h, caps, vols }) => ({
      host: h,
      caps: new Map(caps.flatMap((c, i) => (c ? [[`i-${i}`, c] as const] : []))),
      volumes: vols.map((v, k) =>
        vol(`v${k}`, {
          instanceId: `i-${v.instance}`,
          demandIops: v.demandIops,
          demandMiBps: (v.demandIops * v.ioKiB) / 1024,
          reservationIops: Math.min(v.reservationIops, v.limitIops),
          limitIops: v.limitIops,
          limitMiBps: v.limitMiBps,
          weight: v.weight,
        }),
      ),
    }));
  const within = (x: number, bound: number) => expect(x).toBeLessThanOrEqual(bound * (1 + 1e-9) + 1e-9);

  it('property: Σ delivered within the path’s IOPS and MiB/s, each instance within its cap, each volume within its limits', () => {
    fc.assert(
      fc.property(scenario, ({ host: h, caps, volumes }) => {
        const sut = allocateIo(h, volumes, caps);
        within(sut.deliveredIops, h.iops);
        within(sut.deliveredMiBps, h.mibps);
        for (const [id, cap] of caps) {
          const mine = sut.volumes.filter((v) => v.instanceId === id);
          within(mine.reduce((s, v) => s + v.deliveredIops, 0), cap.iops);
          within(mine.reduce((s, v) => s + v.deliveredMiBps, 0), cap.mibps);
        }
        sut.volumes.forEach((g, i) => {
          const v = volumes[i];
          expect(g.deliveredIops).toBeGreaterThanOrEqual(0);
          expect(g.deliveredIops).toBeLessThanOrEqual(Math.min(v.demandIops, v.limitIops));
          within(g.deliveredMiBps, v.limitMiBps);
          expect(g.throttledIops).toBeCloseTo(v.demandIops - g.deliveredIops, 6);
        });
      }),
    );
  });

  it('property: reservations are met whenever they fit the instance caps and the path', () => {
    // The fraction of a capacity one reserved IO/s takes is the larger of its two dimensions.
    const owed = (v: VolumeIoDemand) => {
      const size = v.demandIops > 0 ? v.demandMiBps / v.demandIops : 0;
      return Math.min(v.reservationIops, v.demandIops, v.limitIops, size > 0 ? v.limitMiBps / size : Infinity);
    };
    const load = (vs: VolumeIoDemand[], c: IoCapacity) =>
      vs.reduce((s, v) => s + owed(v) * Math.max(1 / c.iops, (v.demandIops > 0 ? v.demandMiBps / v.demandIops : 0) / c.mibps), 0);
    const worstLoad = (volumes: VolumeIoDemand[], h: IoCapacity, caps: Map<string, IoCapacity>) =>
      Math.max(load(volumes, h), ...[...caps].map(([id, cap]) => load(volumes.filter((v) => v.instanceId === id), cap)));
    /** Reservations scaled down until they fit the path and every instance cap (rather than discarding the case). */
    const fitting = scenario.map(({ host: h, caps, volumes }) => {
      let vs = volumes;
      for (let l = worstLoad(vs, h, caps); l > 1; l = worstLoad(vs, h, caps)) vs = vs.map((v) => ({ ...v, reservationIops: Math.floor((v.reservationIops * 0.9) / l) }));
      return { host: h, caps, volumes: vs };
    });
    const contended = new Reach();
    fc.assert(
      fc.property(fitting, ({ host: h, caps, volumes }) => {
        contended.run();
        expect(worstLoad(volumes, h, caps)).toBeLessThanOrEqual(1);
        const sut = allocateIo(h, volumes, caps);
        sut.volumes.forEach((g) => expect(g.reservationMet).toBe(true));
        // Interesting when something is reserved and the demand is more than the path delivers.
        if (volumes.some((v) => owed(v) > 0) && sut.volumes.some((g) => g.throttledBy === 'host' || g.throttledBy === 'instance-cap')) contended.hit();
      }),
    );
    contended.expectAtLeast(0.5, 'io: reservations under contention');
  });

  it('property: with no contention every volume gets min(demand, limits)', () => {
    fc.assert(
      fc.property(scenario, ({ volumes }) => {
        const sut = allocateIo({ iops: Infinity, mibps: Infinity }, volumes);
        sut.volumes.forEach((g, i) => {
          const v = volumes[i];
          const size = v.demandIops > 0 ? v.demandMiBps / v.demandIops : 0;
          expect(g.deliveredIops).toBeCloseTo(Math.min(v.demandIops, v.limitIops, size > 0 ? v.limitMiBps / size : Infinity), 6);
        });
      }),
    );
  });
});
