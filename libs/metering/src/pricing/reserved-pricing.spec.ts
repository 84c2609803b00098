import { normalizationFactor, reservedPrice } from './reserved-pricing';

/** Prices worked by hand from m5.large's $0.096 On-Demand and the table (1 year = 8,760 h, 3 years = 26,280 h). */
describe('Standard Reserved Instance prices (derived from On-Demand)', () => {
  const p = (term: 1 | 3, option: 'No Upfront' | 'Partial Upfront' | 'All Upfront') => {
    const r = reservedPrice('0.096', term, option);
    return [r.fixedPrice.toFixed(), r.hourlyPrice.toFixed()];
  };

  it('1-year No Upfront: nothing up front, 0.096 × 0.625 = $0.06 an hour (half of m5.xlarge\'s quoted $0.120)', () => {
    expect(p(1, 'No Upfront')).toEqual(['0', '0.06']);
  });

  it('1-year Partial Upfront: 0.096 × 0.6 = 0.0576 effective, half up front (0.0576 × 8760 / 2 = 252.288 → $252.29), $0.0288 an hour', () => {
    expect(p(1, 'Partial Upfront')).toEqual(['252.29', '0.0288']);
  });

  it('1-year All Upfront: 0.096 × 0.59 × 8760 = 496.1664 → $496.17, no hourly charge', () => {
    expect(p(1, 'All Upfront')).toEqual(['496.17', '0']);
  });

  it('3-year: No Upfront 0.096 × 0.42 = $0.04032; Partial 0.03744 × 26280 / 2 = 491.9616 → $491.96 + $0.01872; All 0.03504 × 26280 = 920.8512 → $920.85', () => {
    expect(p(3, 'No Upfront')).toEqual(['0', '0.04032']);
    expect(p(3, 'Partial Upfront')).toEqual(['491.96', '0.01872']);
    expect(p(3, 'All Upfront')).toEqual(['920.85', '0']);
  });

  it("AWS's normalization factors: nano 0.25 … xlarge 8, 2xlarge 16, 9xlarge 72, 24xlarge 192; none for metal", () => {
    expect(['t3.nano', 't3.micro', 't3.small', 't3.medium', 'm5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.9xlarge', 'm5.24xlarge'].map(normalizationFactor))
      .toEqual([0.25, 0.5, 1, 2, 4, 8, 16, 72, 192]);
    expect(normalizationFactor('m5.metal')).toBeUndefined();
  });
});
