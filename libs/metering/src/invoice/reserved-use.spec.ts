import { rateInvoice } from './invoice';
import { riUseReport } from './reserved-use';
import { APRIL, APRIL_START, BOOK, MAY_START, hours, reservedInstance, running } from '../testing/usage-fixtures';
import { UsageRecord } from '../usage/usage-record';

/**
 * RI utilization and coverage (AWS Cost Explorer's reports), worked by hand. April 2025 has 720
 * hours. Utilization = RI hours used ÷ RI hours purchased; coverage = eligible instance hours the RIs
 * covered ÷ all eligible (On-Demand Linux/UNIX, default tenancy) instance hours.
 */
const ri = reservedInstance;
const reportOf = (...usage: UsageRecord[]) => riUseReport([rateInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: BOOK }).reservedInstances]);
const allApril = (id: string, opts: Parameters<typeof running>[3] = {}) => running(id, APRIL_START, MAY_START, opts);

describe('RI utilization and coverage (from the rater)', () => {
  it('1 regional m5.large RI all April, one m5.large running 360 of 720 h: utilization 360/720 = 50 %, coverage 360/360 = 100 %', () => {
    const r = reportOf(ri('ri-a'), running('i-1', APRIL_START, APRIL_START + hours(360)));
    expect(r.utilization).toEqual({ purchasedHours: '720', usedHours: '360', unusedHours: '360', utilizationPercentage: '50' });
    expect(r.coverage).toEqual({ reservedHours: '360', onDemandHours: '0', totalRunningHours: '360', coverageHoursPercentage: '100' });
    expect(r.reservations).toEqual([expect.objectContaining({ reservedInstancesId: 'ri-a', instanceType: 'm5.large', scope: 'Region', purchasedHours: '720', usedHours: '360', utilizationPercentage: '50' })]);
  });

  it('the same RI, two m5.large all month: utilization 720/720 = 100 %, coverage 720/1440 = 50 %', () => {
    const r = reportOf(ri('ri-a'), allApril('i-1'), allApril('i-2'));
    expect(r.utilization).toMatchObject({ purchasedHours: '720', usedHours: '720', unusedHours: '0', utilizationPercentage: '100' });
    expect(r.coverage).toEqual({ reservedHours: '720', onDemandHours: '720', totalRunningHours: '1440', coverageHoursPercentage: '50' });
  });

  it('an m5.xlarge RI (8 units) covering two m5.large (4 each) by normalization: its 720 h fully used, both instances covered', () => {
    const r = reportOf(ri('ri-x', { instanceType: 'm5.xlarge', usagePrice: '0.12' }), allApril('i-1'), allApril('i-2', { availabilityZone: 'us-east-1b' }));
    expect(r.utilization).toMatchObject({ purchasedHours: '720', usedHours: '720', utilizationPercentage: '100' });
    expect(r.coverage).toMatchObject({ reservedHours: '1440', totalRunningHours: '1440', coverageHoursPercentage: '100' });
  });

  it('an m5.xlarge RI with one m5.large all month: half its units used (50 %), the instance fully covered', () => {
    const r = reportOf(ri('ri-x', { instanceType: 'm5.xlarge', usagePrice: '0.12' }), allApril('i-1'));
    expect(r.utilization).toMatchObject({ purchasedHours: '720', usedHours: '360', utilizationPercentage: '50' });
    expect(r.coverage).toMatchObject({ reservedHours: '720', coverageHoursPercentage: '100' });
  });

  it('a zonal RI in us-east-1a and an m5.large there for 360 of 720 h, another in 1b all month: utilization 50 %, coverage 360/1080 = 33.33 %', () => {
    const r = reportOf(ri('ri-z', { scope: 'Availability Zone', availabilityZone: 'us-east-1a' }), running('i-1', APRIL_START, APRIL_START + hours(360)), allApril('i-2', { availabilityZone: 'us-east-1b' }));
    expect(r.utilization).toMatchObject({ purchasedHours: '720', usedHours: '360', utilizationPercentage: '50' });
    expect(r.coverage).toEqual({ reservedHours: '360', onDemandHours: '720', totalRunningHours: '1080', coverageHoursPercentage: '33.33' });
  });

  it('a zonal RI in us-east-1a does not cover an instance in 1b: utilization 0 %, coverage 0 %', () => {
    const r = reportOf(ri('ri-z', { scope: 'Availability Zone', availabilityZone: 'us-east-1a' }), allApril('i-1', { availabilityZone: 'us-east-1b' }));
    expect(r.utilization.utilizationPercentage).toBe('0');
    expect(r.coverage).toMatchObject({ reservedHours: '0', totalRunningHours: '720', coverageHoursPercentage: '0' });
  });

  it('Windows, Spot and dedicated hours are not eligible; with no RI the eligible hours are still counted (coverage 0 %), and no hours at all give null', () => {
    const r = reportOf(allApril('i-w', { platform: 'windows', licenseModel: 'license-included' }), allApril('i-d', { tenancy: 'dedicated' }), allApril('i-1'));
    expect(r.coverage).toEqual({ reservedHours: '0', onDemandHours: '720', totalRunningHours: '720', coverageHoursPercentage: '0' });
    expect(r.utilization).toEqual({ purchasedHours: '0', usedHours: '0', unusedHours: '0', utilizationPercentage: null });
    expect(reportOf().coverage.coverageHoursPercentage).toBeNull();
  });

  it('an RI bought mid-month (April 16, 00:00) has 360 purchased hours in April; one m5.large all month: utilization 100 %, coverage 360/720 = 50 %', () => {
    const r = reportOf(ri('ri-m', { termStartMs: APRIL_START + hours(360) }), allApril('i-1'));
    expect(r.utilization).toMatchObject({ purchasedHours: '360', usedHours: '360', utilizationPercentage: '100' });
    expect(r.coverage).toMatchObject({ reservedHours: '360', totalRunningHours: '720', coverageHoursPercentage: '50' });
  });

  it('across tenants the hours are summed before dividing: (360 + 720) / (720 + 720) = 75 %', () => {
    const a = rateInvoice({ tenantId: 't-1', month: APRIL, usage: [ri('ri-a'), running('i-1', APRIL_START, APRIL_START + hours(360))], priceBook: BOOK }).reservedInstances;
    const b = rateInvoice({ tenantId: 't-1', month: APRIL, usage: [ri('ri-b'), allApril('i-2'), allApril('i-3')], priceBook: BOOK }).reservedInstances;
    const r = riUseReport([a, b]);
    expect(r.utilization).toMatchObject({ purchasedHours: '1440', usedHours: '1080', utilizationPercentage: '75' });
    // coverage: (360 + 720) / (360 + 1440) = 60 %
    expect(r.coverage).toMatchObject({ reservedHours: '1080', totalRunningHours: '1800', coverageHoursPercentage: '60' });
    expect(r.reservations.map((x) => x.reservedInstancesId)).toEqual(['ri-a', 'ri-b']);
  });
});
