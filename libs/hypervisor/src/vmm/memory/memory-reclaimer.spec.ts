import fc from 'fast-check';
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

  const vmArb = fc
    .record({
      configured: fc.integer({ min: 0, max: 16_384 }),
      ws: fc.double({ min: 0, max: 1, noNaN: true }),
      reserved: fc.double({ min: 0, max: 1, noNaN: true }),
      hasReservation: fc.boolean(),
      image: fc.integer({ min: 0, max: 3 }),
    })
    .map((x) => ({
      configured: x.configured,
      ws: Math.floor(x.configured * x.ws),
      reserved: x.hasReservation ? Math.floor(x.configured * x.reserved) : 0,
      image: `ami-${x.image}`,
    }));
  const scenario = fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.array(vmArb, { maxLength: 30 })).map(([capacity, xs]) => ({
    hostMemoryMiB: capacity,
    overcommitRatio: 2,
    vms: xs.map((x, i) => vm(`vm${i}`, x.configured, x.ws, x.image, x.reserved)),
  }));

  it('property: every page is accounted for, and host RAM stays within capacity whenever reclaim suffices', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const sut = reclaimMemory(input);
        sut.vms.forEach((s, i) => {
          expect(s.residentMiB + s.sharedMiB + s.balloonedMiB + s.swappedMiB).toBe(input.vms[i].configuredMiB);
          for (const x of [s.residentMiB, s.sharedMiB, s.balloonedMiB, s.swappedMiB]) expect(x).toBeGreaterThanOrEqual(0);
          expect(s.slowdownFactor).toBeGreaterThanOrEqual(1);
        });
        if (sut.host.pressureMiB === 0) expect(sut.host.residentMiB).toBe(sut.host.configuredMiB);
        else expect(sut.host.residentMiB).toBe(input.hostMemoryMiB + sut.host.shortfallMiB);
        if (sut.host.shortfallMiB === 0) expect(sut.host.residentMiB).toBeLessThanOrEqual(input.hostMemoryMiB);
      }),
    );
  });

  it('property: nothing is swapped while ballooning could have covered it, and the balloon spares working sets and reservations', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const sut = reclaimMemory(input);
        const balloonCap = (v: MemoryVm) => v.configuredMiB - Math.max(v.workingSetMiB, v.reservedMiB ?? 0);
        sut.vms.forEach((s, i) => expect(s.balloonedMiB).toBeLessThanOrEqual(balloonCap(input.vms[i])));
        if (sut.host.swappedMiB > 0) sut.vms.forEach((s, i) => expect(s.balloonedMiB).toBe(balloonCap(input.vms[i])));
        else sut.vms.forEach((s) => expect(s.slowdownFactor).toBe(1));
      }),
    );
  });

  it('property: reserved memory is swapped only after every unreserved page is gone', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const sut = reclaimMemory(input);
        if (!sut.vms.some((s) => s.guaranteeViolated)) return;
        sut.vms.forEach((s, i) => {
          const reserved = input.vms[i].reservedMiB ?? 0;
          expect(s.residentMiB + s.sharedMiB).toBeLessThanOrEqual(Math.max(reserved, s.sharedMiB));
        });
      }),
    );
  });
});

describe('swapSlowdownFactor', () => {
  it('is 1 with nothing swapped and doubles the run time at 10 % of the working set', () => {
    expect(swapSlowdownFactor(0, 1000)).toBe(1);
    expect(swapSlowdownFactor(100, 1000)).toBe(2);
    expect(swapSlowdownFactor(1000, 1000)).toBe(11);
  });
});
