import fc from 'fast-check';
import { uniformIn } from '../../../../../test/support/arbitraries';
import { EnergyMeter, HP_PROLIANT_ML110_G4_WATTS as G4, energyKWh, powerWatts } from './power-model';

describe('powerWatts (CloudSim HP ProLiant ML110 G4)', () => {
  it('returns the table at each 10 % step', () => {
    expect([0, 0.1, 0.5, 0.9, 1].map((u) => powerWatts(G4, u))).toEqual([86, 89.4, 102, 114, 117]);
  });

  it('interpolates linearly between steps, as CloudSim’s PowerModelSpecPower does', () => {
    expect(powerWatts(G4, 0.55)).toBeCloseTo(104, 12); // between 102 and 106
    expect(powerWatts(G4, 0.25)).toBeCloseTo(94.3, 12); // between 92.6 and 96
    expect(powerWatts(G4, 0.97)).toBeCloseTo(116.1, 12);
  });

  it('refuses a utilization outside 0..1 and a curve without 11 points', () => {
    expect(() => powerWatts(G4, 1.01)).toThrow(RangeError);
    expect(() => powerWatts(G4, -0.01)).toThrow(RangeError);
    expect(() => powerWatts([1, 2, 3], 0.5)).toThrow(RangeError);
  });

  it('property: power is monotone in utilization for a monotone curve', () => {
    fc.assert(
      fc.property(uniformIn(0, 1), uniformIn(0, 1), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(powerWatts(G4, lo)).toBeLessThanOrEqual(powerWatts(G4, hi) + 1e-12);
      }),
    );
  });
});

describe('energyKWh', () => {
  it('is watts × time: an hour at 50 % is 0.102 kWh', () => {
    expect(energyKWh(G4, 0.5, 3_600_000)).toBeCloseTo(0.102, 15);
  });
});

describe('EnergyMeter', () => {
  it('integrates the draw exactly between events, and a switched-off host draws nothing', () => {
    const sut = new EnergyMeter(G4, 0, 0); // idle: 86 W
    sut.setUtilization(3_600_000, 1); // 1 h idle = 0.086 kWh; then 117 W
    sut.switchOff(5_400_000); // 30 min at 117 W = 0.0585 kWh
    sut.switchOn(9_000_000); // 1 h off: nothing
    expect(sut.watts).toBe(117);
    sut.advance(9_000_000 + 1_800_000); // 30 min at 117 W
    expect(sut.energyKWh).toBeCloseTo(0.086 + 0.0585 + 0.0585, 12);
  });

  it('property: 200,000 small events add up to the same energy as one interval', () => {
    fc.assert(
      fc.property(uniformIn(0, 1), fc.integer({ min: 1, max: 7 }), (u, step) => {
        const one = new EnergyMeter(G4, 0, u);
        const many = new EnergyMeter(G4, 0, u);
        const total = 200_000 * step;
        one.advance(total);
        for (let t = step; t <= total; t += step) many.advance(t);
        expect(Math.abs(many.energyJoules - one.energyJoules)).toBeLessThanOrEqual(1e-12 * one.energyJoules);
      }),
      { numRuns: 20 },
    );
  });
});
