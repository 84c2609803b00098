import fc from 'fast-check';
import { Reach } from '../../../../../test/support/reach';
import { MemoryVm, SHAREABLE_OS_MIB, reclaimMemory, swapSlowdownFactor } from './memory-reclaimer';

const vm = (id: string, configuredMiB: number, workingSetMiB: number, imageId = `ami-${id}`, reservedMiB?: number): MemoryVm => ({
  id, configuredMiB, workingSetMiB, imageId, ...(reservedMiB !== undefined ? { reservedMiB } : {}),
});

describe('reclaimMemory', () => {
  it('reclaims nothing while Σ configured fits (no oversubscription by default)', () => {
    const sut = reclaimMemory({ hostMemoryMiB: 16_384, overcommitRatio: 1, vms: [vm('a', 4096, 1024, 'ami-1'), vm('b', 4096, 512, 'ami-1')] });
    expect(sut.vms.map((v) => [v.residentMiB, v.sharedMiB, v.balloonedMiB, v.swappedMiB])).toEqual([
      [4096, 0, 0, 0],
      [4096, 0, 0, 0],
    ]);
    expect(sut.host).toMatchObject({ residentMiB: 8192, pressureMiB: 0, sharingSavedMiB: 0, overcommitExceeded: false });
  });

  it('page sharing saves more the more same-image VMs share a host: (k − 1) × the OS footprint', () => {
    const saved = [2, 3, 4, 5].map((k) => {
      const vms = Array.from({ length: k }, (_, i) => vm(`v${i}`, 1024, 768, 'ami-linux'));
      return reclaimMemory({ hostMemoryMiB: k * 1024 - 1, overcommitRatio: 1.5, vms }).host.sharingSavedMiB;
    });
    expect(saved).toEqual([1, 2, 3, 4].map((k) => k * SHAREABLE_OS_MIB));
    // Different images share nothing.
    const mixed = reclaimMemory({ hostMemoryMiB: 2047, overcommitRatio: 1.5, vms: [vm('a', 1024, 768, 'ami-1'), vm('b', 1024, 768, 'ami-2')] });
    expect(mixed.host.sharingSavedMiB).toBe(0);
  });

  it('shares first, then balloons only what is still needed, from idle memory', () => {
    // 8192 configured on 7000: sharing saves 256, ballooning covers the remaining 936, 468 each.
    const sut = reclaimMemory({ hostMemoryMiB: 7000, overcommitRatio: 1.5, vms: [vm('a', 4096, 1024, 'ami-1'), vm('b', 4096, 1024, 'ami-1')] });
    expect(sut.vms.map((v) => [v.residentMiB, v.sharedMiB, v.balloonedMiB, v.swappedMiB, v.slowdownFactor])).toEqual([
      [4096 - 256 - 468, 256, 468, 0, 1],
      [4096 - 256 - 468, 256, 468, 0, 1],
    ]);
    expect(sut.host).toMatchObject({ residentMiB: 7000, sharedMiB: 512, sharingSavedMiB: 256, balloonedMiB: 936, swappedMiB: 0, shortfallMiB: 0 });
  });

  it('swaps last, only once every idle page is ballooned, and swapping the working set slows the VM', () => {
    // 8192 configured on 6000, distinct images: 2048 idle ballooned, 144 swapped from working sets.
    const sut = reclaimMemory({ hostMemoryMiB: 6000, overcommitRatio: 1.5, vms: [vm('a', 4096, 3072), vm('b', 4096, 3072)] });
    expect(sut.vms.map((v) => [v.balloonedMiB, v.swappedMiB])).toEqual([
      [1024, 72],
      [1024, 72],
    ]);
    expect(sut.vms[0].slowdownFactor).toBeCloseTo(1 + (10 * 72) / 3072, 12);
    expect(sut.vms.every((v) => !v.guaranteeViolated)).toBe(true);
  });

  it('protects reserved memory: the unreserved VM is ballooned and swapped first', () => {
    const sut = reclaimMemory({ hostMemoryMiB: 5000, overcommitRatio: 2, vms: [vm('reserved', 4096, 1024, 'ami-1', 4096), vm('other', 4096, 1024, 'ami-2')] });
    const [reserved, other] = sut.vms;
    expect(reserved).toMatchObject({ residentMiB: 4096, balloonedMiB: 0, swappedMiB: 0, guaranteeViolated: false, slowdownFactor: 1 });
    expect(other).toMatchObject({ balloonedMiB: 3072, swappedMiB: 120, guaranteeViolated: false });
    expect(other.slowdownFactor).toBeCloseTo(1 + (10 * 120) / 1024, 12);
  });

  it('swapping reserved memory, as a last resort, is a guarantee violation', () => {
    const sut = reclaimMemory({ hostMemoryMiB: 3000, overcommitRatio: 1, vms: [vm('reserved', 4096, 1024, 'ami-1', 4096), vm('other', 4096, 1024, 'ami-2')] });
    const [reserved, other] = sut.vms;
    expect(other).toMatchObject({ residentMiB: 0, balloonedMiB: 3072, swappedMiB: 1024, guaranteeViolated: false });
    expect(reserved).toMatchObject({ residentMiB: 3000, swappedMiB: 1096, guaranteeViolated: true });
    // The swap took its idle (reserved but untouched) pages first: its working set is intact.
    expect(reserved.slowdownFactor).toBe(1);
    expect(sut.host).toMatchObject({ residentMiB: 3000, shortfallMiB: 0, overcommitExceeded: true });
  });

  it('reports a shortfall when only shared copies are left to take', () => {
    const vms = [vm('a', 1024, 1024, 'ami-1'), vm('b', 1024, 1024, 'ami-1')];
    const sut = reclaimMemory({ hostMemoryMiB: 100, overcommitRatio: 4, vms });
    expect(sut.host.residentMiB).toBe(256); // the one shared copy
    expect(sut.host.shortfallMiB).toBe(156);
  });

  it('refuses malformed VMs', () => {
    expect(() => reclaimMemory({ hostMemoryMiB: 1, overcommitRatio: 1, vms: [vm('x', 100, 200)] })).toThrow(RangeError);
    expect(() => reclaimMemory({ hostMemoryMiB: 1, overcommitRatio: 1, vms: [vm('x', 100, 50, 'a', 101)] })).toThrow(RangeError);
    expect(() => reclaimMemory({ hostMemoryMiB: 1, overcommitRatio: 0.5, vms: [] })).toThrow(RangeError);
  });

  // Fractions in thousandths: fc.double is uniform over representable doubles, not over [0, 1], so
  // it gives mostly tiny values (working sets of 0, capacities of 0).
  const unit = (max: number) => fc.integer({ min: 0, max: Math.round(max * 1000) - 1 }).map((n) => n / 1000);
  const vmArb = (reservationChance: number) =>
    fc
      .record({
        configured: fc.integer({ min: 0, max: 16_384 }),
        ws: unit(1.001),
        reserved: unit(1.001),
        hasReservation: unit(1).map((u) => u < reservationChance),
        image: fc.integer({ min: 0, max: 3 }),
      })
      .map((x) => ({
        configured: x.configured,
        ws: Math.floor(x.configured * x.ws),
        reserved: x.hasReservation ? Math.floor(x.configured * x.reserved) : 0,
        image: `ami-${x.image}`,
      }));
  type VmChoice = { configured: number; ws: number; reserved: number; image: string };
  /**
   * A host under memory pressure: its capacity depends on what the VMs bring, so that reclamation
   * has work to do. A capacity drawn independently of the VMs (0–100,000 MiB) left most cases with
   * nothing to reclaim, and almost none swapping reserved memory.
   */
  const pressured = (capacity: (xs: VmChoice[], f: number) => number, reservationChance: number) =>
    fc.tuple(fc.array(vmArb(reservationChance), { minLength: 1, maxLength: 30 }), unit(1)).map(([xs, f]) => ({
      hostMemoryMiB: Math.floor(capacity(xs, f)),
      overcommitRatio: 2,
      vms: xs.map((x, i) => vm(`vm${i}`, x.configured, x.ws, x.image, x.reserved)),
    }));
  const configuredOf = (xs: VmChoice[]) => xs.reduce((s, x) => s + x.configured, 0);
  /** What is left once every idle page is ballooned: the working sets and reservations. */
  const unballoonableOf = (xs: VmChoice[]) => xs.reduce((s, x) => s + Math.max(x.ws, x.reserved), 0);
  /**
   * Half the cases below what the balloon can reach (they swap), half between that and Σ
   * configured (the balloon covers them), a few without pressure; half the VMs reserve.
   */
  const scenario = fc.constantFrom('swap', 'balloon', 'balloon', 'swap', 'none').chain((region) =>
    pressured((xs, f) => {
      if (region === 'swap') return unballoonableOf(xs) * f;
      if (region === 'balloon') return unballoonableOf(xs) + (configuredOf(xs) - unballoonableOf(xs)) * f;
      return configuredOf(xs) * (1 + f / 10);
    }, 0.5),
  );

  it('property: every page is accounted for, and host RAM stays within capacity whenever reclaim suffices', () => {
    const reach = new Reach();
    fc.assert(
      fc.property(scenario, (input) => {
        reach.run();
        const sut = reclaimMemory(input);
        sut.vms.forEach((s, i) => {
          expect(s.residentMiB + s.sharedMiB + s.balloonedMiB + s.swappedMiB).toBe(input.vms[i].configuredMiB);
          for (const x of [s.residentMiB, s.sharedMiB, s.balloonedMiB, s.swappedMiB]) expect(x).toBeGreaterThanOrEqual(0);
          expect(s.slowdownFactor).toBeGreaterThanOrEqual(1);
        });
        const configured = input.vms.reduce((s, v) => s + v.configuredMiB, 0);
        if (sut.host.pressureMiB === 0) expect(sut.host.residentMiB).toBe(configured);
        else {
          // Under pressure (the region this property is about). Sharing is free, so all of it is
          // taken, even past what was needed; ballooning and swapping take only what is still needed.
          reach.hit();
          expect(sut.host.pressureMiB).toBe(configured - input.hostMemoryMiB);
          const afterSharing = configured - sut.host.sharingSavedMiB;
          expect(sut.host.residentMiB).toBe(Math.min(afterSharing, input.hostMemoryMiB) + sut.host.shortfallMiB);
          if (afterSharing <= input.hostMemoryMiB) expect(sut.host.balloonedMiB + sut.host.swappedMiB).toBe(0);
        }
        if (sut.host.shortfallMiB === 0) expect(sut.host.residentMiB).toBeLessThanOrEqual(input.hostMemoryMiB);
      }),
    );
    reach.expectAtLeast(0.6, 'memory: pages accounted under pressure');
  });

  it('property: nothing is swapped while ballooning could have covered it, and the balloon spares working sets and reservations', () => {
    const reclaiming = new Reach();
    const swapping = new Reach();
    const ballooningOnly = new Reach();
    fc.assert(
      fc.property(scenario, (input) => {
        reclaiming.run();
        swapping.run();
        ballooningOnly.run();
        const sut = reclaimMemory(input);
        const balloonCap = (v: MemoryVm) => v.configuredMiB - Math.max(v.workingSetMiB, v.reservedMiB ?? 0);
        sut.vms.forEach((s, i) => expect(s.balloonedMiB).toBeLessThanOrEqual(balloonCap(input.vms[i])));
        if (sut.host.swappedMiB + sut.host.balloonedMiB > 0) reclaiming.hit();
        if (sut.host.swappedMiB > 0) {
          swapping.hit();
          sut.vms.forEach((s, i) => expect(s.balloonedMiB).toBe(balloonCap(input.vms[i])));
        } else {
          if (sut.host.balloonedMiB > 0) ballooningOnly.hit();
          sut.vms.forEach((s) => expect(s.slowdownFactor).toBe(1));
        }
      }),
    );
    // Both sides of the rule are exercised: cases that swap, and cases the balloon alone covers.
    reclaiming.expectAtLeast(0.6, 'memory: reclaiming');
    swapping.expectAtLeast(0.2, 'memory: swapping');
    ballooningOnly.expectAtLeast(0.2, 'memory: ballooning alone');
  });

  it('property: reserved memory is swapped only after every unreserved page is gone', () => {
    // Capacity below what the reservations hold, most VMs reserving: reserved memory must go.
    const reservedOf = (xs: VmChoice[]) => xs.reduce((s, x) => s + x.reserved, 0);
    const reach = new Reach();
    fc.assert(
      fc.property(pressured((xs, f) => reservedOf(xs) * f * 0.9, 0.8), (input) => {
        reach.run();
        const sut = reclaimMemory(input);
        if (!sut.vms.some((s) => s.guaranteeViolated)) return;
        reach.hit();
        sut.vms.forEach((s, i) => {
          const reserved = input.vms[i].reservedMiB ?? 0;
          expect(s.residentMiB + s.sharedMiB).toBeLessThanOrEqual(Math.max(reserved, s.sharedMiB));
        });
      }),
    );
    reach.expectAtLeast(0.5, 'memory: reserved memory swapped');
  });
});

describe('swapSlowdownFactor', () => {
  it('is 1 with nothing swapped and doubles the run time at 10 % of the working set', () => {
    expect(swapSlowdownFactor(0, 1000)).toBe(1);
    expect(swapSlowdownFactor(100, 1000)).toBe(2);
    expect(swapSlowdownFactor(1000, 1000)).toBe(11);
  });
});
