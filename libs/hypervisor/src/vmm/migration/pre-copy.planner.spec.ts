import fc from 'fast-check';
import { planPreCopy } from './pre-copy.planner';

describe('planPreCopy (Clark et al. pre-copy)', () => {
  const base = { memoryMiB: 1024, dirtyRateMiBps: 32, bandwidthMiBps: 128, stopThresholdMiB: 50, maxRounds: 30, resumeCostMs: 20 };

  it('copies M, then what was dirtied, shrinking by D/B each round, until below the threshold', () => {
    // D/B = 1/4: 1024 MiB in 8 s → 256 in 2 s → 64 in 0.5 s, leaving 16 < 50 for stop-and-copy (125 ms).
    const sut = planPreCopy(base);
    expect(sut.rounds.map((r) => [r.copiedMiB, r.durationMs])).toEqual([
      [1024, 8000],
      [256, 2000],
      [64, 500],
    ]);
    expect(sut).toMatchObject({ converged: true, completed: true, stopReason: 'threshold', stopAndCopyMiB: 16, stopAndCopyMs: 125 });
    expect(sut.downtimeMs).toBe(125 + 20);
    expect(sut.totalMs).toBe(8000 + 2000 + 500 + 145);
    expect(sut.transferredMiB).toBe(1024 + 256 + 64 + 16);
  });

  it('stops after the maximum number of rounds and pays for the larger remainder in downtime', () => {
    const sut = planPreCopy({ ...base, maxRounds: 2 });
    expect(sut.rounds).toHaveLength(2);
    expect(sut).toMatchObject({ converged: false, completed: true, stopReason: 'max-rounds', stopAndCopyMiB: 64, stopAndCopyMs: 500, downtimeMs: 520, totalMs: 10_520 });
  });

  it('gives up when D ≥ B and auto-converge is off: the VM stays put', () => {
    const sut = planPreCopy({ ...base, dirtyRateMiBps: 128 });
    expect(sut).toMatchObject({ converged: false, completed: false, stopReason: 'not-converging', rounds: [], downtimeMs: 0, totalMs: 0 });
    expect(sut.reason).toMatch(/dirty rate 128 MiB\/s ≥ bandwidth 128 MiB\/s/);
  });

  it('with auto-converge throttles the guest as QEMU does: 20 %, then +10 points every second too-dirty round', () => {
    // M = 100 MiB, D = B = 100 MiB/s, threshold 10 MiB. A round is too dirty when it dirtied more than
    // half of what it sent; every second such round raises the throttle, which scales D by (1 − θ):
    // r0 100 MiB/1000 ms dirties 100 · r1 same → θ 20 · r2 100/1000 dirties 80 · r3 80/800 dirties 64 → θ 30
    // r4 64/640 dirties 44.8 · r5 44.8/448 dirties 31.36 → θ 40 · r6 31.36/313.6 dirties 18.816
    // r7 18.816/188.16 dirties 11.2896 → θ 50 · r8 11.2896/112.896 dirties 5.6448 < 10: stop-and-copy 56.448 ms.
    const sut = planPreCopy({ memoryMiB: 100, dirtyRateMiBps: 100, bandwidthMiBps: 100, stopThresholdMiB: 10, maxRounds: 30, resumeCostMs: 30, autoConverge: true });
    expect(sut.rounds.map((r) => r.throttlePercent)).toEqual([0, 0, 20, 20, 30, 30, 40, 40, 50]);
    expect(sut.rounds.map((r) => r.durationMs)).toEqual([1000, 1000, 1000, 800, 640, 448, 314, 189, 113]);
    expect(sut.stopAndCopyMiB).toBeCloseTo(5.6448, 9);
    expect(sut).toMatchObject({ converged: true, completed: true, stopAndCopyMs: 57, downtimeMs: 87, finalThrottlePercent: 50, throttledDirtyRateMiBps: 50 });
    expect(sut.totalMs).toBe(1000 + 1000 + 1000 + 800 + 640 + 448 + 314 + 189 + 113 + 87);
  });

  it('never dirties more than the VM’s memory in a round', () => {
    const sut = planPreCopy({ ...base, dirtyRateMiBps: 1000, maxRounds: 3, autoConverge: { initialThrottlePercent: 20, incrementPercent: 10 } });
    sut.rounds.forEach((r) => expect(r.dirtiedMiB).toBeLessThanOrEqual(1024));
  });

  it('refuses nonsense parameters', () => {
    expect(() => planPreCopy({ ...base, bandwidthMiBps: 0 })).toThrow(RangeError);
    expect(() => planPreCopy({ ...base, maxRounds: 0 })).toThrow(RangeError);
    expect(() => planPreCopy({ ...base, autoConverge: { maxThrottlePercent: 100 } })).toThrow(RangeError);
  });

  it('property: V(i) = V(i−1) × D / B (capped at M), totals add up, and convergence means a remainder below the threshold', () => {
    fc.assert(
      fc.property(
        // A dirty rate below the bandwidth (the case this law is about), drawn as such rather than
        // discarded half the time by fc.pre.
        fc
          .record({
            memoryMiB: fc.integer({ min: 1, max: 65_536 }),
            dirtyShare: fc.integer({ min: 0, max: 999 }),
            bandwidthMiBps: fc.integer({ min: 1, max: 2000 }),
            stopThresholdMiB: fc.integer({ min: 0, max: 512 }),
            maxRounds: fc.integer({ min: 1, max: 30 }),
            resumeCostMs: fc.integer({ min: 0, max: 100 }),
          })
          .map(({ dirtyShare, ...x }) => ({ ...x, dirtyRateMiBps: Math.floor((x.bandwidthMiBps * dirtyShare) / 1000) })),
        (input) => {
          expect(input.dirtyRateMiBps).toBeLessThan(input.bandwidthMiBps);
          const sut = planPreCopy(input);
          const ratio = input.dirtyRateMiBps / input.bandwidthMiBps;
          expect(sut.rounds[0].copiedMiB).toBe(input.memoryMiB);
          for (let i = 1; i < sut.rounds.length; i++) expect(sut.rounds[i].copiedMiB).toBeCloseTo(Math.min(input.memoryMiB, sut.rounds[i - 1].copiedMiB * ratio), 6);
          expect(sut.rounds.length).toBeLessThanOrEqual(input.maxRounds);
          expect(sut.converged).toBe(sut.stopAndCopyMiB < input.stopThresholdMiB);
          expect(sut.downtimeMs).toBe(sut.stopAndCopyMs + input.resumeCostMs);
          expect(sut.totalMs).toBe(sut.rounds.reduce((s, r) => s + r.durationMs, 0) + sut.downtimeMs);
          sut.rounds.forEach((r) => expect(Number.isInteger(r.durationMs)).toBe(true));
        },
      ),
    );
  });
});
