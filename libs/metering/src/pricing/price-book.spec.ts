import { InvalidPriceBook, PriceNotFound } from '../errors';
import { PriceBookVersion, priceAt, validatePriceBook } from './price-book';
import { compilePriceBook } from './price-book.compiled';
import { listPrices, seedPriceBook, withListPrices } from './price-book.seed';
import { LISTED_TYPES } from '../testing/listed-types';

const [seed] = seedPriceBook(0, LISTED_TYPES);
const hourly = (type: string, column = 'linux') => seed.instanceTypes[type].hourly[column];

describe('seedPriceBook', () => {
  it('carries the Linux On-Demand list prices it is given verbatim (AWS us-east-1)', () => {
    expect(['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge'].map((s) => hourly(`t3.${s}`))).toEqual(['0.0052', '0.0104', '0.0208', '0.0416', '0.0832', '0.1664', '0.3328']);
    expect(['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'].map((s) => hourly(`m5.${s}`))).toEqual(['0.096', '0.192', '0.384', '0.768', '1.536', '2.304', '3.072', '4.608']);
    expect(['large', 'xlarge', '2xlarge', '4xlarge', '9xlarge', '12xlarge', '18xlarge', '24xlarge'].map((s) => hourly(`c5.${s}`))).toEqual(['0.085', '0.17', '0.34', '0.68', '1.53', '2.04', '3.06', '4.08']);
    expect(['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'].map((s) => hourly(`r5.${s}`))).toEqual(['0.126', '0.252', '0.504', '1.008', '2.016', '3.024', '4.032', '6.048']);
  });

  it('derives Windows prices that match AWS’s published ones', () => {
    // Fixed-performance: + $0.046 per vCPU-hour. Burstable: only on the baseline share.
    expect(hourly('m5.large', 'windows')).toBe('0.188');
    expect(hourly('c5.large', 'windows')).toBe('0.177');
    expect(hourly('r5.large', 'windows')).toBe('0.218');
    expect(hourly('t3.nano', 'windows')).toBe('0.0098');
    expect(hourly('t3.micro', 'windows')).toBe('0.0196');
    expect(hourly('t3.medium', 'windows')).toBe('0.06');
    expect(hourly('t3.2xlarge', 'windows')).toBe('0.48');
  });

  it('prices RHEL per vCPU to match both published points (c5.xlarge +0.0576, c5.4xlarge +0.1728)', () => {
    const book = compilePriceBook(seedPriceBook(0, LISTED_TYPES));
    const [rhel] = book.licenseComponents(0, 'rhel');
    expect(book.licenseHourly(0, rhel, 'c5.xlarge', 4).toFixed()).toBe('0.0576');
    expect(book.licenseHourly(0, rhel, 'c5.4xlarge', 16).toFixed()).toBe('0.1728');
  });

  it('prices a Dedicated Host as the family\'s largest size × 1.1 where AWS lists no other figure', () => {
    const [book] = seedPriceBook(0, [...LISTED_TYPES, { name: 'm4.large', vcpus: 2, linuxHourly: '0.1' }, { name: 'm4.16xlarge', vcpus: 64, linuxHourly: '3.2' }]);
    expect(book.dedicatedHostHourly.m4).toBe('3.52');
    // The figures AWS lists win: m5 4.608 × 1.1 = 5.0688 → listed $5.069; t3 is listed $4.992.
    expect(book.dedicatedHostHourly.m5).toBe('5.069');
    expect(book.dedicatedHostHourly.t3).toBe('4.992');
  });

  it('completes a stored version with list prices of types it does not name, never over its own', () => {
    const v2 = { ...seed, version: 'v2', instanceTypes: { 'm5.large': { hourly: { linux: '0.5' } } }, dedicatedHostHourly: {} };
    const listed = listPrices([{ name: 'm5.large', vcpus: 2, linuxHourly: '0.096' }, { name: 'x9.large', vcpus: 2, linuxHourly: '1', windows: false }]);
    const [sut] = withListPrices([v2], listed);
    expect(sut.instanceTypes['m5.large'].hourly.linux).toBe('0.5');
    expect(sut.instanceTypes['x9.large'].hourly).toEqual({ linux: '1' });
    expect(sut.dedicatedHostHourly).toEqual({ m5: '0.106', x9: '1.1' });
  });

  it('completes a version written before snapshot storage was priced with the list price ($0.05 per GiB-month), never over its own', () => {
    const { snapshot: _snapshot, ...older } = seed.ebs;
    const [completed] = withListPrices([{ ...seed, ebs: older }], { instanceTypes: {}, dedicatedHostHourly: {} });
    expect(completed.ebs.snapshot).toEqual({ perGiBMonth: '0.05' });
    const [own] = withListPrices([{ ...seed, ebs: { ...seed.ebs, snapshot: { perGiBMonth: '0.06' } } }], { instanceTypes: {}, dedicatedHostHourly: {} });
    expect(own.ebs.snapshot).toEqual({ perGiBMonth: '0.06' });
  });

  it('completes a version written before public IPv4 addresses were priced with the list price ($0.005 per address-hour, in use or idle), never over its own', () => {
    const { publicIpv4: _publicIpv4, ...older } = seed;
    const [completed] = withListPrices([older], { instanceTypes: {}, dedicatedHostHourly: {} });
    expect(completed.publicIpv4).toEqual({ inUsePerHour: '0.005', idlePerHour: '0.005' });
    const own = { inUsePerHour: '0.004', idlePerHour: '0.006' };
    expect(withListPrices([{ ...seed, publicIpv4: own }], { instanceTypes: {}, dedicatedHostHourly: {} })[0].publicIpv4).toEqual(own);
  });

  it('completes a version written before detailed monitoring was priced with the list price ($0.30 per metric-month, 7 metrics per instance), never over its own', () => {
    const { detailedMonitoring: _m, ...older } = seed;
    const [completed] = withListPrices([older], { instanceTypes: {}, dedicatedHostHourly: {} });
    expect(completed.detailedMonitoring).toEqual({ perMetricMonth: '0.30', metricsPerInstance: 7 });
    const own = { perMetricMonth: '0.10', metricsPerInstance: 9 };
    expect(withListPrices([{ ...seed, detailedMonitoring: own }], { instanceTypes: {}, dedicatedHostHourly: {} })[0].detailedMonitoring).toEqual(own);
  });

  it('is a valid book', () => {
    expect(() => validatePriceBook(seedPriceBook(0, LISTED_TYPES))).not.toThrow();
  });
});

describe('priceAt', () => {
  const v1 = { ...seed, version: 'v1', effectiveFromMs: 1_000 };
  const v2 = { ...seed, version: 'v2', effectiveFromMs: 5_000 };

  it('picks the version in effect at an instant, whatever the array order', () => {
    expect(priceAt([v2, v1], 1_000).version).toBe('v1');
    expect(priceAt([v2, v1], 4_999).version).toBe('v1');
    expect(priceAt([v2, v1], 5_000).version).toBe('v2');
  });

  it('has no price before the first version', () => {
    expect(() => priceAt([v1, v2], 999)).toThrow(PriceNotFound);
  });
});

describe('validatePriceBook', () => {
  const broken = (patch: Partial<PriceBookVersion>) => [{ ...seed, ...patch }];

  it.each<[string, PriceBookVersion[]]>([
    ['no versions', []],
    ['a float price', broken({ dedicatedHostHourly: { m5: 5.069 as unknown as string } })],
    ['a negative price', broken({ dedicatedInstanceMultiplier: '-1' })],
    ['a price of 23 decimal places', broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '0.00000000000000000000001' } })],
    ['a price of 11 decimal places', broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '5.06900000001' } })],
    ['a price above a million', broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '1000000.01' } })],
    ['a price of 26 digits', broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '99999999999999999999999999' } })],
    ['a missing platform', broken({ licenses: { ...seed.licenses, suse: undefined as never } })],
    ['two versions at one instant', [seed, { ...seed, version: 'other' }]],
    // Shapes JSON can have and a version cannot (PUT /v1/admin/prices takes JSON).
    ['instance types that are a number', broken({ instanceTypes: 1 as never })],
    ['instance types that are a string', broken({ instanceTypes: 'x' as never })],
    ['an instance type without hourly prices', broken({ instanceTypes: { 'm5.large': { hourly: 'x' } } as never })],
    ['licenses of a platform that are not a list', broken({ licenses: { ...seed.licenses, linux: 'x' as never } })],
    ['EBS prices that are a number', broken({ ebs: 1 as never })],
    ['a snapshot storage price that is not a decimal string', broken({ ebs: { ...seed.ebs, snapshot: { perGiBMonth: '5 cents' } } })],
    ['snapshot storage prices that are not an object', broken({ ebs: { ...seed.ebs, snapshot: '0.05' as never } })],
    ['an idle public IPv4 price that is not a decimal string', broken({ publicIpv4: { inUsePerHour: '0.005', idlePerHour: 'half a cent' } })],
    ['public IPv4 prices that are not an object', broken({ publicIpv4: '0.005' as never })],
    ['a detailed monitoring price that is not a decimal string', broken({ detailedMonitoring: { perMetricMonth: 0.3 as never, metricsPerInstance: 7 } })],
    ['detailed monitoring with no metrics per instance', broken({ detailedMonitoring: { perMetricMonth: '0.30', metricsPerInstance: 0 } })],
    ['detailed monitoring with fractional metrics per instance', broken({ detailedMonitoring: { perMetricMonth: '0.30', metricsPerInstance: 7.5 } })],
    ['detailed monitoring prices that are not an object', broken({ detailedMonitoring: '0.30' as never })],
    ['tiers that are not a list', broken({ dataTransfer: { ...seed.dataTransfer, internetOutTiers: {} as never } })],
    ['tiers that do not increase', broken({ dataTransfer: { ...seed.dataTransfer, internetOutTiers: [{ upTo: 100, price: '0' }, { upTo: 50, price: '1' }, { upTo: null, price: '1' }] } })],
  ])('refuses %s', (_why, versions) => {
    expect(() => validatePriceBook(versions)).toThrow(InvalidPriceBook);
  });

  it('accepts prices at the bounds: 10 decimal places, a million', () => {
    expect(() => validatePriceBook(broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '0.0000000001' } }))).not.toThrow();
    expect(() => validatePriceBook(broken({ dedicatedHostHourly: { ...seed.dedicatedHostHourly, m5: '1000000' } }))).not.toThrow();
  });
});
