import fc from 'fast-check';
import { uniformIn } from '../../../../../test/support/arbitraries';
import { splitProportionalInt, waterFillFloat, waterFillInt } from './fair-share';

const items = fc.array(fc.record({ cap: fc.integer({ min: 0, max: 100_000 }), weight: fc.integer({ min: 1, max: 10_000 }) }), { maxLength: 60 });

describe('waterFillInt', () => {
  it('gives everyone their cap when the caps fit', () => {
    const out: number[] = [];
    expect(waterFillInt(100, [10, 20, 30], [1, 1, 1], out)).toBe(60);
    expect(out).toEqual([10, 20, 30]);
  });

  it('splits a scarce capacity by weight, and a capped item’s unused share goes to the others', () => {
    const out: number[] = [];
    waterFillInt(1000, [1000, 1000], [1, 3], out);
    expect(out).toEqual([250, 750]);
    // Item 0 wants only 100 of its 333 share: the other two split the rest 1:1.
    waterFillInt(1000, [100, 1000, 1000], [1, 1, 1], out);
    expect(out).toEqual([100, 450, 450]);
  });

  it('rounds deterministically: leftover units go to the largest remainders, ties to the earlier item', () => {
    const out: number[] = [];
    waterFillInt(10, [10, 10, 10], [1, 1, 1], out);
    expect(out).toEqual([4, 3, 3]);
  });

  it('property: Σ = min(capacity, Σ caps), nobody above its cap, and max-min fair up to one unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), items, (capacity, xs) => {
        const caps = xs.map((x) => x.cap);
        const weights = xs.map((x) => x.weight);
        const out: number[] = [];
        const total = waterFillInt(capacity, caps, weights, out);
        const sum = out.reduce((a, b) => a + b, 0);
        expect(sum).toBe(Math.min(capacity, caps.reduce((a, b) => a + b, 0)));
        expect(total).toBe(sum);
        out.forEach((x, i) => {
          expect(Number.isInteger(x)).toBe(true);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThanOrEqual(caps[i]);
        });
        // Fairness: an item below its cap has a weighted share no smaller (by more than rounding)
        // than anyone else's.
        out.forEach((xi, i) => {
          if (xi >= caps[i]) return;
          out.forEach((xj, j) => expect((xj - 1) * weights[i]).toBeLessThan((xi + 1) * weights[j]));
        });
      }),
    );
  });
});

describe('splitProportionalInt', () => {
  it('splits exactly, in proportion, and never more than an integer cap when the amount is below the total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000 }), { minLength: 1, maxLength: 40 }), uniformIn(0, 1), (caps, f) => {
        const total = caps.reduce((a, b) => a + b, 0);
        const amount = Math.floor(total * f);
        const idx = Int32Array.from(caps.keys());
        const out: number[] = [];
        expect(splitProportionalInt(amount, idx, caps.length, caps, out)).toBe(amount);
        expect(out.reduce((a, b) => a + b, 0)).toBe(amount);
        out.forEach((x, i) => expect(x).toBeLessThanOrEqual(caps[i]));
      }),
    );
  });
});

describe('waterFillFloat', () => {
  it('property: Σ = min(capacity, Σ caps) within 1e-9, nobody above its cap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.array(fc.record({ cap: fc.double({ min: 0, max: 1e5, noNaN: true }), weight: fc.double({ min: 0.01, max: 1e4, noNaN: true }) }), { maxLength: 40 }),
        (capacity, xs) => {
          const caps = xs.map((x) => x.cap);
          const out: number[] = [];
          waterFillFloat(capacity, caps, xs.map((x) => x.weight), out);
          const sum = out.reduce((a, b) => a + b, 0);
          const expected = Math.min(capacity, caps.reduce((a, b) => a + b, 0));
          expect(Math.abs(sum - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, expected));
          out.forEach((x, i) => expect(x).toBeLessThanOrEqual(caps[i]));
        },
      ),
    );
  });
});
