import { describe, expect, it } from 'vitest';
import { otherPrices, pricingRule, productLabel, riTerm } from './data';

describe('otherPrices', () => {
  it('lists every price of a version but the instance types\', at its path, values as given', () => {
    const version = {
      version: 'v2', effectiveFrom: '2025-06-01T00:00:00.000Z', currency: 'USD', region: 'us-east-1',
      instanceTypes: { 'm5.large': { hourly: { linux: '0.096' } } },
      publicIpv4: { inUsePerHour: '0.005', idlePerHour: '0.005' },
      ebs: { gp3: { perGiBMonth: '0.08', baselineIops: 3000 }, io2: { iopsTiers: [{ upTo: 32000, perIopsMonth: '0.065' }] } },
      licenses: { windows: [{ licenseProduct: 'windows-server', basis: 'folded', column: 'windows' }] },
    };
    expect(otherPrices(version)).toEqual([
      { path: 'publicIpv4.inUsePerHour', value: '0.005' },
      { path: 'publicIpv4.idlePerHour', value: '0.005' },
      { path: 'ebs.gp3.perGiBMonth', value: '0.08' },
      { path: 'ebs.gp3.baselineIops', value: '3000' },
      { path: 'ebs.io2.iopsTiers[0].upTo', value: '32000' },
      { path: 'ebs.io2.iopsTiers[0].perIopsMonth', value: '0.065' },
      { path: 'licenses.windows[0].licenseProduct', value: 'windows-server' },
      { path: 'licenses.windows[0].basis', value: 'folded' },
      { path: 'licenses.windows[0].column', value: 'windows' },
    ]);
  });

  it('has nothing to list for a version of instance prices only', () => {
    expect(otherPrices({ version: 'v', effectiveFrom: 'x', instanceTypes: { 't3.micro': { hourly: { linux: '0.0104' } } } })).toEqual([]);
  });
});

describe('productLabel, riTerm and the RI lines\' pricing rule', () => {
  it('labels the Reserved Instance product, leaves an unknown product as it comes', () => {
    expect(productLabel('ec2-reserved-instance')).toBe('EC2 Reserved Instances (upfront and hourly fees)');
    expect(productLabel('ec2-instance')).toBe('EC2 instances (On-Demand)');
    expect(productLabel('something-new')).toBe('something-new');
  });

  it('names the term as AWS does: 31,536,000 s is 1 yr, 94,608,000 s 3 yr', () => {
    expect([riTerm(31536000), riTerm(94608000), riTerm(undefined)]).toEqual(['1 yr', '3 yr', '—']);
  });

  it('tells the upfront line from the hourly one by the rater\'s words', () => {
    expect(pricingRule({ product: 'ec2-reserved-instance', description: 'Reserved Instance x: upfront fee $252.29 per instance, charged once, in the month of purchase' })).toBe('Reserved Instance upfront, once');
    expect(pricingRule({ product: 'ec2-reserved-instance', description: 'Reserved Instance x: $0.06 per reserved instance-hour, every hour of the term whether or not an instance uses it (HeavyUsage:m5.large)' }))
      .toBe('Reserved Instance, every hour of the term');
  });
});
