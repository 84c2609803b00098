import fc from 'fast-check';
import { Gp2Bucket } from './gp2-bucket';

describe('Gp2Bucket', () => {
  it('a 100 GiB gp2 volume bursts at 3,000 IOPS until its bucket empties, then falls to its 300 IOPS baseline', () => {
    // 5,400,000 credits drain at 3,000 − 300 = 2,700 per second: 2,000 s exactly.
    const sut = new Gp2Bucket(100, 0);
    expect(sut.limitIops()).toBe(3000);
    const t = sut.timeUntilEmptyMs(3000);
    expect(t).toBe(2_000_000);
    sut.advance(t - 1, 3000);
    expect(sut.limitIops()).toBe(3000);
    sut.advance(t, 3000);
    expect(sut.balanceCredits).toBe(0);
    expect(sut.limitIops()).toBe(300);
    expect(sut.burstBalancePercent).toBe(0);
  });

  it('refills at the baseline rate while the volume runs below it, up to 5.4 M credits', () => {
    const sut = new Gp2Bucket(100, 0, 0);
    sut.advance(10_000, 0); // 10 s × 300 credits/s
    expect(sut.balanceCredits).toBe(3000);
    expect(sut.limitIops()).toBe(3000); // any credit restores the burst
    sut.advance(10_000 + 1000, 100); // 200 net per second
    expect(sut.balanceCredits).toBe(3200);
    sut.advance(100_000_000, 0);
    expect(sut.balanceCredits).toBe(5_400_000);
    expect(sut.burstBalancePercent).toBe(100);
  });

  it('refuses to run above the baseline past the empty-bucket event', () => {
    const sut = new Gp2Bucket(100, 0, 27); // 27 credits at 2,700 net per second: 10 ms
    expect(sut.timeUntilEmptyMs(3000)).toBe(10);
    expect(() => sut.advance(11, 3000)).toThrow(RangeError);
    expect(() => sut.advance(5, 3001)).toThrow(RangeError); // above the burst ceiling
  });

  it('volumes of 1 TiB and more never need the bucket: their baseline is at least the burst rate', () => {
    const sut = new Gp2Bucket(1000, 0);
    expect(sut.baselineIops).toBe(3000);
    expect(sut.timeUntilEmptyMs(3000)).toBe(Infinity);
  });

  it('property: many small events integrate exactly like one long one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.array(fc.integer({ min: 1, max: 60_000 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 3000 }), (size, steps, iops) => {
        const one = new Gp2Bucket(size, 0);
        const many = new Gp2Bucket(size, 0);
        const total = Math.min(steps.reduce((a, b) => a + b, 0), one.timeUntilEmptyMs(iops));
        one.advance(total, iops);
        let t = 0;
        for (const s of steps) {
          if (t + s > total) break;
          many.advance((t += s), iops);
        }
        many.advance(total, iops);
        expect(many.balanceCredits).toBe(one.balanceCredits);
      }),
    );
  });

  describe('carry: the bucket emptying within an interval', () => {
    // 100 GiB: 300 IOPS baseline, 3,000 burst. With 2,700 credits left, 3,000 IOPS drain
    // 3,000 − 300 = 2,700 credits per second: empty after exactly 1 s.
    it('falls to the baseline from the millisecond it empties, and returns the rate at the end', () => {
      expect(() => new Gp2Bucket(100, 0, 2700).advance(5000, 3000)).toThrow(RangeError); // what a plain advance refuses
      const sut = new Gp2Bucket(100, 0, 2700);
      expect(sut.carry(5000, 3000)).toBe(300);
      expect(sut.now).toBe(5000);
      expect(sut.balanceCredits).toBe(0); // 1 s at 3,000, then 4 s at 300: neither drains nor refills
    });

    it('keeps the rate when the bucket lasts the interval', () => {
      const sut = new Gp2Bucket(100, 0, 2700);
      expect(sut.carry(500, 3000)).toBe(3000);
      expect(sut.balanceCredits).toBe(1350); // 2,700 − 2,700 × 0.5
    });

    it('refills below the baseline, and does nothing at its own time', () => {
      const sut = new Gp2Bucket(100, 0, 0);
      expect(sut.carry(10_000, 100)).toBe(100);
      expect(sut.balanceCredits).toBe(2000); // (300 − 100) × 10 s
      expect(sut.carry(10_000, 3000)).toBe(3000);
      expect(sut.balanceCredits).toBe(2000);
    });
  });
});
