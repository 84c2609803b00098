import * as fc from 'fast-check';
import { Money } from '../money/money';
import { fnv1a32, SPOT_CEILING_PERCENT, SPOT_FLOOR_PERCENT, spotHourOf, spotPercent, spotPriceAt, spotPriceOf } from './spot-price';

const HOUR = 3_600_000;

describe('the simulated Spot price (spot-price.ts)', () => {
  it('hashes with FNV-1a 32 (the published offset basis and the reference value of "a")', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
  });

  it('takes the percent from the hash of "<type>|<zone>|<hour>", 30 + h mod 61 (worked by hand)', () => {
    // fnv1a32('t3.micro|us-east-1a|0') = 3161405229; 3161405229 mod 61 = 14 → 44 %.
    expect(fnv1a32('t3.micro|us-east-1a|0')).toBe(3161405229);
    expect(spotPercent('t3.micro', 'us-east-1a', 0)).toBe(44);
    // The next hour, and another zone: their own hashes (3144627610 mod 61 = 18; 1624262268 mod 61 = 18).
    expect(spotPercent('t3.micro', 'us-east-1a', 1)).toBe(48);
    expect(spotPercent('t3.micro', 'us-east-1b', 0)).toBe(48);
    // Hour 491640 (2026-02-01T00:00Z) lands on the floor: 1655230059 mod 61 = 0 → 30 %.
    expect(spotPercent('t3.micro', 'us-east-1a', 491640)).toBe(30);
  });

  it('prices exactly: t3.micro at $0.0104 On-Demand × 30 % = $0.00312, × 44 % = $0.004576', () => {
    expect(spotPriceOf('0.0104', 30).toFixed()).toBe('0.00312');
    expect(spotPriceOf('0.0104', 44).toFixed()).toBe('0.004576');
    expect(spotPriceAt('0.0104', 't3.micro', 'us-east-1a', 491640 * HOUR + 59 * 60_000).toFixed()).toBe('0.00312');
    // One ms later is the next hour: 1638452440 mod 61 = 4 → 34 % → $0.003536.
    expect(spotPriceAt('0.0104', 't3.micro', 'us-east-1a', 491641 * HOUR).toFixed()).toBe('0.003536');
  });

  it('keeps every hour between the floor and the ceiling, constant within the hour, the same on every call (fast-check, seeded)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('t3.micro', 'm5.large', 'c7g.16xlarge', 'x'), fc.constantFrom('us-east-1a', 'us-east-1b', 'eu-west-1c'),
        fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: HOUR - 1 }), fc.integer({ min: 1, max: 100_000 }),
        (type, zone, hour, offset, cents) => {
          const od = new Money(cents).div(10_000);
          const p = spotPriceAt(od, type, zone, hour * HOUR + offset);
          expect(spotHourOf(hour * HOUR + offset)).toBe(hour);
          expect(p.eq(spotPriceAt(od, type, zone, hour * HOUR))).toBe(true);
          expect(p.gte(od.times(SPOT_FLOOR_PERCENT).div(100))).toBe(true);
          expect(p.lte(od.times(SPOT_CEILING_PERCENT).div(100))).toBe(true);
          expect(p.lt(od)).toBe(true);
        },
      ),
      { seed: 20261206, numRuns: 500 },
    );
  });

  it('spreads over the whole range (every percent from 30 to 90 is reached over a year of one type and zone)', () => {
    const seen = new Set<number>();
    for (let h = 0; h < 24 * 365; h++) seen.add(spotPercent('t3.micro', 'us-east-1a', 491640 + h));
    expect(Math.min(...seen)).toBe(SPOT_FLOOR_PERCENT);
    expect(Math.max(...seen)).toBe(SPOT_CEILING_PERCENT);
    expect(seen.size).toBe(61);
  });
});
