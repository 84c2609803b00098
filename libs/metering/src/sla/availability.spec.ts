import { Money } from '../money/money';
import { APRIL, APRIL_START, at, hours } from '../testing/usage-fixtures';
import { availability, mergeIntervals, regionUnavailability } from './availability';
import { DEFAULT_CREDIT_POLICY, slaCreditPercent } from './credit-policy';

describe('availability', () => {
  it('is the share of the calendar month that was not unavailable', () => {
    const sut = availability([{ startMs: at(hours(216)), endMs: at(hours(224)) }], APRIL);
    // 8 of 720 hours: 98.8888… %.
    expect(sut).toMatchObject({ periodMs: hours(720), unavailableMs: hours(8), uptimePercent: '98.8888888889' });
  });

  it('counts overlapping outages once and only inside the month', () => {
    const sut = availability(
      [
        { startMs: at(hours(1)), endMs: at(hours(3)) },
        { startMs: at(hours(2)), endMs: at(hours(4)) },
        { startMs: APRIL_START - hours(5), endMs: at(hours(1)) },
      ],
      APRIL,
    );
    expect(sut.unavailableMs).toBe(hours(4));
  });

  it('merges touching intervals', () => {
    expect(mergeIntervals([{ startMs: 5, endMs: 9 }, { startMs: 0, endMs: 5 }, { startMs: 3, endMs: 3 }])).toEqual([{ startMs: 0, endMs: 9 }]);
  });
});

describe('regionUnavailability', () => {
  const outages = [
    { availabilityZone: 'us-east-1a', startMs: 100, endMs: 300 },
    { availabilityZone: 'us-east-1a', startMs: 150, endMs: 250 },
    { availabilityZone: 'us-east-1b', startMs: 200, endMs: 400 },
    { availabilityZone: 'us-east-1c', startMs: 350, endMs: 500 },
  ];

  it('is the time more than one of the tenant’s zones is down at once', () => {
    expect(regionUnavailability(outages, new Set(['us-east-1a', 'us-east-1b', 'us-east-1c']))).toEqual([
      { startMs: 200, endMs: 300 },
      { startMs: 350, endMs: 400 },
    ]);
  });

  it('ignores zones the tenant does not use, and one zone down twice is still one zone', () => {
    expect(regionUnavailability(outages, new Set(['us-east-1a', 'us-east-1c']))).toEqual([]);
  });
});

describe('slaCreditPercent with the Amazon Compute SLA region tiers', () => {
  it.each([
    ['100', '0'],
    ['99.99', '0'],
    ['99.9899', '10'],
    ['99.0', '10'],
    ['98.99', '30'],
    ['95.0', '30'],
    ['94.99', '100'],
  ])('uptime %s %% earns %s %%', (uptime, credit) => {
    expect(slaCreditPercent(new Money(uptime), DEFAULT_CREDIT_POLICY.regionTiers).toFixed()).toBe(credit);
  });
});
