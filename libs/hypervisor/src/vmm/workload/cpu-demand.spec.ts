import fc from 'fast-check';
import { uniformIn } from '../../../../../test/support/arbitraries';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from '../../engine/sim-time';
import { CpuDemandCursor, RANDOM_WALK_REVERSION } from './cpu-demand';
import { CpuWorkload } from './workload';

const T0 = Date.UTC(2025, 0, 1); // midnight UTC: a fixed number, not the wall clock
const walk = (seed: number, extra: Partial<Extract<CpuWorkload, { model: 'random-walk' }>> = {}): CpuWorkload => ({
  model: 'random-walk',
  meanCores: 2,
  volatility: 0.3,
  seed,
  stepSeconds: 300,
  ...extra,
});

/** Values at each step of a cursor: follows nextChangeMs `steps` times. */
function sequence(cursor: CpuDemandCursor, steps: number): number[] {
  const out = [cursor.current];
  for (let i = 0; i < steps && Number.isFinite(cursor.nextChangeMs); i++) {
    cursor.advanceTo(cursor.nextChangeMs);
    out.push(cursor.current);
  }
  return out;
}

describe('CpuDemandCursor', () => {
  it('constant: the same demand forever, no change to schedule', () => {
    const sut = new CpuDemandCursor({ model: 'constant', cores: 1.5 }, T0, 4);
    expect(sut.current).toBe(1500);
    expect(sut.nextChangeMs).toBe(Infinity);
    expect(sut.advanceTo(T0 + 365 * MS_PER_DAY)).toBe(false);
    expect(sut.current).toBe(1500);
  });

  it('rounds to integer millicores and clamps to the vCPUs', () => {
    expect(new CpuDemandCursor({ model: 'constant', cores: 0.12345 }, T0, 1).current).toBe(123);
    expect(new CpuDemandCursor({ model: 'constant', cores: 0.0004 }, T0, 1).current).toBe(0);
    expect(new CpuDemandCursor({ model: 'constant', cores: 3 }, T0, 2).current).toBe(2000);
  });

  it('trace [1, 2, 0.5] every 60 s: 1000, 2000, 500 millicores at the right ms, then 0 for good', () => {
    const setAt = T0 + 12_345;
    const sut = new CpuDemandCursor({ model: 'trace', periodSeconds: 60, cores: [1, 2, 0.5], repeat: false }, setAt, 2);
    expect(sut.current).toBe(1000);
    expect(sut.nextChangeMs).toBe(setAt + MS_PER_MINUTE);
    expect(sut.advanceTo(setAt + MS_PER_MINUTE - 1)).toBe(false);
    expect(sut.current).toBe(1000);
    expect(sut.advanceTo(setAt + MS_PER_MINUTE)).toBe(true);
    expect(sut.current).toBe(2000);
    expect(sut.nextChangeMs).toBe(setAt + 2 * MS_PER_MINUTE);
    expect(sut.advanceTo(setAt + 2 * MS_PER_MINUTE + 30_000)).toBe(true);
    expect(sut.current).toBe(500);
    expect(sut.advanceTo(setAt + 3 * MS_PER_MINUTE)).toBe(true);
    expect(sut.current).toBe(0);
    expect(sut.nextChangeMs).toBe(Infinity);
    expect(sut.advanceTo(setAt + 10 * MS_PER_DAY)).toBe(false);
    expect(sut.current).toBe(0);
  });

  it('trace with repeat cycles forever, and jumping far ahead lands on the right point', () => {
    const sut = new CpuDemandCursor({ model: 'trace', periodSeconds: 60, cores: [1, 2, 0.5], repeat: true }, T0, 2);
    expect(sequence(sut, 7)).toEqual([1000, 2000, 500, 1000, 2000, 500, 1000, 2000]);
    const far = new CpuDemandCursor({ model: 'trace', periodSeconds: 60, cores: [1, 2, 0.5], repeat: true }, T0, 2);
    far.advanceTo(T0 + 1_000_001 * MS_PER_MINUTE); // point 1,000,001 mod 3 = 2
    expect(far.current).toBe(500);
    expect(far.nextChangeMs).toBe(T0 + 1_000_002 * MS_PER_MINUTE);
  });

  it('trace skips boundaries where the value does not change', () => {
    const sut = new CpuDemandCursor({ model: 'trace', periodSeconds: 10, cores: [1, 1, 1, 2, 0, 0], repeat: false }, T0, 2);
    expect(sut.nextChangeMs).toBe(T0 + 30 * MS_PER_SECOND);
    sut.advanceTo(sut.nextChangeMs);
    expect(sut.current).toBe(2000);
    sut.advanceTo(sut.nextChangeMs);
    expect(sut.current).toBe(0);
    expect(sut.nextChangeMs).toBe(Infinity); // trailing zeros, then finished: nothing left to change

    // Repeating, the run wraps around: [2, 1, 1, 2] cycles as 2 2 | 1 1 | 2 2 | 1 1 …
    const cyc = new CpuDemandCursor({ model: 'trace', periodSeconds: 10, cores: [2, 1, 1, 2], repeat: true }, T0, 2);
    expect(cyc.nextChangeMs).toBe(T0 + 10 * MS_PER_SECOND);
    cyc.advanceTo(T0 + 10 * MS_PER_SECOND);
    expect(cyc.nextChangeMs).toBe(T0 + 30 * MS_PER_SECOND);
    cyc.advanceTo(T0 + 30 * MS_PER_SECOND);
    expect(cyc.current).toBe(2000);
    expect(cyc.nextChangeMs).toBe(T0 + 50 * MS_PER_SECOND);

    const flat = new CpuDemandCursor({ model: 'trace', periodSeconds: 10, cores: [1.5, 1.5], repeat: true }, T0, 2);
    expect(flat.nextChangeMs).toBe(Infinity);
  });

  it('diurnal peaks at peakHourUtc and bottoms out 12 hours later', () => {
    const w: CpuWorkload = { model: 'diurnal', meanCores: 2, amplitudeCores: 1.5, peakHourUtc: 14, stepSeconds: 900 };
    const sut = new CpuDemandCursor(w, T0, 4);
    const day = sequence(sut, 96); // 96 quarter-hours, then the first step of the next day
    expect(day).toHaveLength(97);
    const max = Math.max(...day.slice(0, 96));
    const min = Math.min(...day.slice(0, 96));
    // Steps [13:45, 14:00) and [14:00, 14:15) straddle the peak, their midpoints 7.5 min either side.
    const nearPeak = Math.round(1000 * (2 + 1.5 * Math.cos((2 * Math.PI * (7.5 / 60)) / 24)));
    expect(max).toBe(nearPeak);
    expect(day[55]).toBe(max);
    expect(day[56]).toBe(max);
    expect(day.indexOf(max)).toBe(55);
    expect(day.lastIndexOf(max)).toBe(56);
    expect(min).toBe(4000 - nearPeak); // symmetric around the mean of 2 cores
    expect([day.indexOf(min), day.lastIndexOf(min)]).toEqual([7, 8]); // 01:45 and 02:00
    expect(day[96]).toBe(day[0]); // one day later, the same again
    expect(sut.position).toBe(T0 + MS_PER_DAY);
  });

  it('diurnal steps are aligned to the epoch, not to setAt, and clamp to 0..vcpus', () => {
    const w: CpuWorkload = { model: 'diurnal', meanCores: 1.5, amplitudeCores: 1, peakHourUtc: 0, stepSeconds: 900 };
    const setAt = T0 + 5 * MS_PER_MINUTE; // 00:05
    const sut = new CpuDemandCursor(w, setAt, 2);
    expect(sut.nextChangeMs).toBe(T0 + 15 * MS_PER_MINUTE);
    expect(sut.current).toBe(2000); // 1.5 + 1 × cos(≈0) > 2 vCPUs: clamped
    sut.advanceTo(T0 + 12 * MS_PER_HOUR);
    expect(sut.current).toBe(Math.round(1000 * (1.5 - Math.cos((2 * Math.PI * (7.5 / 60)) / 24))));
    const zero = new CpuDemandCursor({ ...w, meanCores: 0.5 }, T0 + 12 * MS_PER_HOUR, 2);
    expect(zero.current).toBe(0); // 0.5 − 1 < 0: clamped
  });

  it('diurnal without amplitude never changes', () => {
    const sut = new CpuDemandCursor({ model: 'diurnal', meanCores: 1, amplitudeCores: 0, peakHourUtc: 3, stepSeconds: 900 }, T0, 2);
    expect(sut.current).toBe(1000);
    expect(sut.nextChangeMs).toBe(Infinity);
  });

  it('random walk: steps on the epoch grid, starting at the mean until the first boundary after setAt', () => {
    // T0 (midnight) is a multiple of 300 s, so the grid is T0 + k × 5 min. Set 7 ms past T0, the mean
    // (2 cores) holds for a short first step, to T0 + 5 min (not setAt + 5 min), then every 5 min.
    const setAt = T0 + 7;
    const sut = new CpuDemandCursor(walk(42), setAt, 4);
    expect(sut.current).toBe(2000);
    expect(sut.nextChangeMs).toBe(T0 + 5 * MS_PER_MINUTE);
    expect(sut.advanceTo(T0 + 5 * MS_PER_MINUTE - 1)).toBe(false);
    expect(sut.current).toBe(2000);
    expect(sut.advanceTo(T0 + 5 * MS_PER_MINUTE)).toBe(true);
    expect(sut.nextChangeMs).toBe(T0 + 10 * MS_PER_MINUTE);
    // Set 4 min 59.999 s past a boundary, the first step lasts 1 ms.
    const late = new CpuDemandCursor(walk(42), T0 + 5 * MS_PER_MINUTE - 1, 4);
    expect(late.nextChangeMs).toBe(T0 + 5 * MS_PER_MINUTE);
    // Set on a boundary, a full first step, as when steps were counted from setAt.
    const onGrid = new CpuDemandCursor(walk(42), T0 + 5 * MS_PER_MINUTE, 4);
    expect(onGrid.nextChangeMs).toBe(T0 + 10 * MS_PER_MINUTE);
  });

  it('random walk: two VMs with the same step but different setAt change at the same instants, each through its own sequence', () => {
    // Steps of 300 s, set at T0 + 1 min 40 s and T0 + 13 min 20.5 s: both change at T0 + 15 min,
    // T0 + 20 min, … (multiples of 5 min); a is at 2 cores until T0 + 5 min, b until T0 + 15 min.
    const a = new CpuDemandCursor(walk(42), T0 + 100_000, 4);
    const b = new CpuDemandCursor(walk(42), T0 + 800_500, 4);
    a.advanceTo(T0 + 800_500);
    const instants = (c: CpuDemandCursor) => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) {
        out.push(c.nextChangeMs);
        c.advanceTo(c.nextChangeMs);
      }
      return out;
    };
    const expected = Array.from({ length: 12 }, (_, i) => T0 + (15 + 5 * i) * MS_PER_MINUTE);
    expect(instants(a)).toEqual(expected);
    expect(instants(b)).toEqual(expected);
    // Same seed, but at T0 + 70 min a has crossed 14 boundaries (5, 10, …, 70 min) and b 12
    // (15, …, 70 min): each is at the value of a walk set on the grid after as many steps.
    const fromSetAt = sequence(new CpuDemandCursor(walk(42), T0, 4), 14);
    expect([a.current, b.current]).toEqual([fromSetAt[14], fromSetAt[12]]);
  });

  it('random walk: the same seed gives the same sequence, another seed another one', () => {
    const a = sequence(new CpuDemandCursor(walk(42), T0, 4), 500);
    const b = sequence(new CpuDemandCursor(walk(42), T0 + MS_PER_DAY, 4), 500);
    const c = sequence(new CpuDemandCursor(walk(43), T0, 4), 500);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // Seeds beyond 32 bits and negative seeds are distinct seeds too.
    const big = sequence(new CpuDemandCursor(walk(42 + 2 ** 32), T0, 4), 50);
    const neg = sequence(new CpuDemandCursor(walk(-42), T0, 4), 50);
    expect(big).not.toEqual(a.slice(0, 51));
    expect(neg).not.toEqual(a.slice(0, 51));
  });

  it('random walk: step k depends on the step index, not on the step length or when it was set', () => {
    const fast = sequence(new CpuDemandCursor(walk(7, { stepSeconds: 60 }), T0, 4), 100);
    const slow = sequence(new CpuDemandCursor(walk(7, { stepSeconds: 3600 }), T0 + 123_456, 4), 100);
    expect(slow).toEqual(fast);
  });

  it('random walk: mean-reverting around its mean, with the stationary spread of an OU process', () => {
    const values = sequence(new CpuDemandCursor(walk(2024, { volatility: 0.2 }), T0, 4), 20_000).map((m) => m / 1000);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const theory = 0.2 / Math.sqrt(1 - (1 - RANDOM_WALK_REVERSION) ** 2); // ≈ 0.46, far from the clamps
    expect(Math.abs(mean - 2)).toBeLessThan(0.05);
    expect(Math.abs(sd - theory) / theory).toBeLessThan(0.1);
  });

  it('random walk without volatility stays at its mean and schedules nothing', () => {
    const sut = new CpuDemandCursor(walk(1, { volatility: 0, meanCores: 0.75 }), T0, 4);
    expect(sut.current).toBe(750);
    expect(sut.nextChangeMs).toBe(Infinity);
  });

  it('refuses to move backwards or to a non-integer time', () => {
    const sut = new CpuDemandCursor({ model: 'constant', cores: 1 }, T0, 2);
    sut.advanceTo(T0 + 10);
    expect(() => sut.advanceTo(T0 + 9)).toThrow(RangeError);
    expect(() => sut.advanceTo(T0 + 10.5)).toThrow(RangeError);
    expect(() => new CpuDemandCursor({ model: 'constant', cores: 1 }, -1, 2)).toThrow(RangeError);
    expect(() => new CpuDemandCursor({ model: 'constant', cores: 1 }, T0, 0)).toThrow(RangeError);
  });

  // ---- properties, over every model ----

  const vcpusArb = fc.integer({ min: 1, max: 8 });
  const workloadArb = (vcpus: number): fc.Arbitrary<CpuWorkload> => {
    const cores = uniformIn(0, vcpus);
    const step = fc.integer({ min: 60, max: 86_400 });
    return fc.oneof(
      fc.record({ model: fc.constant('constant' as const), cores }),
      fc.record({ model: fc.constant('diurnal' as const), meanCores: cores, amplitudeCores: cores, peakHourUtc: uniformIn(0, 23.99), stepSeconds: step }),
      fc.record({
        model: fc.constant('trace' as const),
        periodSeconds: fc.integer({ min: 1, max: 86_400 }),
        cores: fc.array(fc.oneof(cores, fc.constantFrom(0, 1)), { minLength: 1, maxLength: 12 }),
        repeat: fc.boolean(),
      }),
      fc.record({ model: fc.constant('random-walk' as const), meanCores: cores, volatility: cores, seed: fc.maxSafeInteger(), stepSeconds: step }),
    );
  };
  const scenario = vcpusArb.chain((vcpus) =>
    fc.record({
      vcpus: fc.constant(vcpus),
      workload: workloadArb(vcpus),
      setAt: fc.integer({ min: 0, max: 2 * 10 ** 12 }),
      // Gaps between observations: from 1 ms to a few days.
      gaps: fc.array(fc.oneof(fc.integer({ min: 0, max: 120_000 }), fc.integer({ min: 0, max: 3 * MS_PER_DAY })), { minLength: 1, maxLength: 40 }),
    }),
  );

  it('property: values are integer millicores within 0..vcpus × 1000; nextChangeMs is ahead and strictly increasing', () => {
    fc.assert(
      fc.property(scenario, ({ vcpus, workload, setAt, gaps }) => {
        const sut = new CpuDemandCursor(workload, setAt, vcpus);
        let now = setAt;
        let lastChange = sut.nextChangeMs;
        for (const gap of [0, ...gaps]) {
          now += gap;
          const before = sut.current;
          const changed = sut.advanceTo(now);
          expect(changed).toBe(sut.current !== before);
          expect(Number.isInteger(sut.current)).toBe(true);
          expect(sut.current).toBeGreaterThanOrEqual(0);
          expect(sut.current).toBeLessThanOrEqual(vcpus * 1000);
          expect(sut.nextChangeMs).toBeGreaterThan(now);
          expect(sut.nextChangeMs).toBeGreaterThanOrEqual(lastChange); // equal only within the same step
          lastChange = sut.nextChangeMs;
        }
        // Following the boundaries, each one moves strictly forward.
        for (let i = 0; i < 20 && Number.isFinite(sut.nextChangeMs); i++) {
          const next = sut.nextChangeMs;
          sut.advanceTo(next);
          expect(sut.nextChangeMs).toBeGreaterThan(next);
        }
      }),
    );
  });

  it('property: advancing in many small steps = advancing at once = a cursor rebuilt at setAt (restart)', () => {
    fc.assert(
      fc.property(scenario, ({ vcpus, workload, setAt, gaps }) => {
        const stepwise = new CpuDemandCursor(workload, setAt, vcpus);
        let now = setAt;
        for (const gap of gaps) {
          now += gap;
          stepwise.advanceTo(now);
        }
        const once = new CpuDemandCursor(workload, setAt, vcpus);
        once.advanceTo(now);
        expect([once.current, once.nextChangeMs]).toEqual([stepwise.current, stepwise.nextChangeMs]);
      }),
    );
  });

  it('property: random walk set on or off the grid: boundaries fall on multiples of the step, and a cursor rebuilt at setAt and advanced to t equals one advanced boundary by boundary', () => {
    const walkCase = vcpusArb.chain((vcpus) =>
      fc.record({
        vcpus: fc.constant(vcpus),
        workload: fc.record({ model: fc.constant('random-walk' as const), meanCores: uniformIn(0, vcpus), volatility: uniformIn(0.01, vcpus), seed: fc.maxSafeInteger(), stepSeconds: fc.integer({ min: 60, max: 86_400 }) }),
        gridIndex: fc.integer({ min: 0, max: 20_000 }), // the step that contains setAt (up to 20,000 days in)
        offset: fc.oneof(fc.constant(0), uniformIn(0, 0.999)), // where in it: on the grid, or past it
        boundaries: fc.integer({ min: 0, max: 150 }),
        into: uniformIn(0, 0.999), // where t falls between the last boundary (or setAt) and the next
      }),
    );
    fc.assert(
      fc.property(walkCase, ({ vcpus, workload, gridIndex, offset, boundaries, into }) => {
        const stepMs = workload.stepSeconds * MS_PER_SECOND;
        const gridMs = gridIndex * stepMs;
        const setAt = gridMs + Math.floor(offset * stepMs);
        const stepwise = new CpuDemandCursor(workload, setAt, vcpus);
        expect(stepwise.nextChangeMs).toBe(gridMs + stepMs); // the first boundary after setAt
        for (let i = 0; i < boundaries; i++) {
          const next = stepwise.nextChangeMs;
          expect(next % stepMs).toBe(0);
          stepwise.advanceTo(next);
        }
        const from = boundaries === 0 ? setAt : gridMs + boundaries * stepMs; // the last boundary, or setAt
        const t = from + Math.floor(into * (gridMs + (boundaries + 1) * stepMs - from)); // before the next one
        stepwise.advanceTo(t);
        const rebuilt = new CpuDemandCursor(workload, setAt, vcpus);
        rebuilt.advanceTo(t);
        expect([rebuilt.current, rebuilt.nextChangeMs]).toEqual([stepwise.current, stepwise.nextChangeMs]);
        // The value depends on the boundaries crossed, not on where in its first step the walk was set.
        const fromGrid = new CpuDemandCursor(workload, gridMs, vcpus);
        fromGrid.advanceTo(t);
        expect([fromGrid.current, fromGrid.nextChangeMs]).toEqual([stepwise.current, stepwise.nextChangeMs]);
      }),
    );
  });

  it('property: between two boundaries the value does not change', () => {
    fc.assert(
      fc.property(scenario, uniformIn(0, 1), ({ vcpus, workload, setAt }, f) => {
        const sut = new CpuDemandCursor(workload, setAt, vcpus);
        const value = sut.current;
        if (!Number.isFinite(sut.nextChangeMs)) {
          expect(sut.advanceTo(setAt + 10 * MS_PER_DAY)).toBe(false);
          return;
        }
        const inside = setAt + Math.floor(f * (sut.nextChangeMs - 1 - setAt));
        expect(sut.advanceTo(inside)).toBe(false);
        expect(sut.current).toBe(value);
      }),
    );
  });

  it('property: the same seed gives byte-identical sequences', () => {
    fc.assert(
      fc.property(scenario, ({ vcpus, workload, setAt }) => {
        const a = sequence(new CpuDemandCursor(workload, setAt, vcpus), 50);
        const b = sequence(new CpuDemandCursor(structuredClone(workload), setAt, vcpus), 50);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
    );
  });
});
