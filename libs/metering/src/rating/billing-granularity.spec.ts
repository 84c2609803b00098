import fc from 'fast-check';
import { LifecycleOp, hours, min, recordsOf, sec } from '../testing/usage-fixtures';
import { BillingGranularity, PER_HOUR, PER_SECOND_60S_MINIMUM, billedMs, billedMsByVersion } from './billing-granularity';

const NO_MINIMUM: BillingGranularity = { name: 'per-second', unitMs: 1_000, minimumMs: 0 };
const seg = (periodStartMs: number, startMs: number, endMs: number) => ({ periodStartMs, startMs, endMs });

describe('billedMs', () => {
  it('bills 60 s for a start that ran 30 s (per-second products)', () => {
    expect(billedMs(seg(0, 0, sec(30)), PER_SECOND_60S_MINIMUM)).toBe(sec(60));
  });

  it('rounds a per-second period up to the whole second past the minimum', () => {
    expect(billedMs(seg(0, 0, sec(61) + 200), PER_SECOND_60S_MINIMUM)).toBe(sec(62));
  });

  it('bills 2 hours for 61 minutes of a per-hour product', () => {
    expect(billedMs(seg(0, 0, min(61)), PER_HOUR)).toBe(hours(2));
  });

  it('charges a continuation only what is left after the minimum, counted from the period start', () => {
    // Started at 0, cut at 20 s (reboot or month end), stopped at 70 s: 60 s + 10 s, as uncut.
    expect(billedMs(seg(0, 0, sec(20)), PER_SECOND_60S_MINIMUM)).toBe(sec(60));
    expect(billedMs(seg(0, sec(20), sec(70)), PER_SECOND_60S_MINIMUM)).toBe(sec(10));
    // A per-hour period cut at 30 min and stopped at 75 min: hour 1 in the first piece, hour 2 (starting at 60 min) in the second.
    expect(billedMs(seg(0, 0, min(30)), PER_HOUR)).toBe(hours(1));
    expect(billedMs(seg(0, min(30), min(75)), PER_HOUR)).toBe(hours(1));
    expect(billedMs(seg(0, min(30), min(59)), PER_HOUR)).toBe(0);
  });

  it('attributes the minimum to the version at the period start and each later unit to the version at its start', () => {
    const starts = [0, hours(1) + min(30)];
    const indexAt = (t: number) => (t >= starts[1] ? 1 : 0);
    const out: number[] = [];
    // Per hour from 0 to 3 h 10 min: hours start at 0 (v0), 1 h (v0), 2 h (v1), 3 h (v1).
    const n = billedMsByVersion(seg(0, 0, hours(3) + min(10)), PER_HOUR, starts, indexAt, out);
    expect(out.slice(0, n)).toEqual([0, hours(1), 0, hours(1), 1, hours(2)]);
  });
});

// A random lifecycle over a window that crosses two month boundaries: (gap, op) steps of at least one unit
// (the engine never does two lifecycle steps in the same millisecond).
const lifecycle = (unitMs: number) =>
  fc
    .array(fc.tuple(fc.integer({ min: 1, max: 3 * 86_400 }), fc.constantFrom<LifecycleOp['op']>('start', 'stop', 'reboot', 'stop')), { maxLength: 40 })
    .map((steps) => {
      let t = Date.UTC(2025, 2, 29); // 29 March, so runs cross into April and May
      const ops: LifecycleOp[] = steps.map(([gap, op]) => ({ atMs: (t += gap * unitMs), op }));
      return [...ops, { atMs: t + unitMs, op: 'stop' as const }];
    });

/** Running periods (start → stop) of a lifecycle, as durations; a reboot does not end one. */
function periods(ops: readonly LifecycleOp[]): number[] {
  const out: number[] = [];
  let since: number | undefined;
  for (const { atMs, op } of ops) {
    if (op === 'start' && since === undefined) since = atMs;
    if (op === 'stop' && since !== undefined) {
      out.push(atMs - since);
      since = undefined;
    }
  }
  return out;
}

const billedTotal = (ops: readonly LifecycleOp[], g: BillingGranularity) => recordsOf('i-p', ops).reduce((sum, r) => sum + billedMs(r, g), 0);

describe('billing a lifecycle (property)', () => {
  it('bills exactly the running seconds, before minimums, however reboots and month boundaries cut it', () => {
    fc.assert(
      fc.property(lifecycle(1_000), (ops) => {
        const running = periods(ops).reduce((a, b) => a + b, 0);
        expect(billedTotal(ops, NO_MINIMUM)).toBe(running);
      }),
    );
  });

  it('adds exactly one 60 s minimum per start and rounds each period up to the second', () => {
    fc.assert(
      fc.property(lifecycle(137), (ops) => {
        const expected = periods(ops).reduce((sum, d) => sum + Math.max(sec(60), Math.ceil(d / 1_000) * 1_000), 0);
        expect(billedTotal(ops, PER_SECOND_60S_MINIMUM)).toBe(expected);
      }),
    );
  });

  it('bills per-hour products ⌈period / 1 h⌉ hours per start, however the period is cut', () => {
    fc.assert(
      fc.property(lifecycle(1_000), (ops) => {
        const expected = periods(ops).reduce((sum, d) => sum + Math.max(1, Math.ceil(d / hours(1))) * hours(1), 0);
        expect(billedTotal(ops, PER_HOUR)).toBe(expected);
      }),
    );
  });
});
