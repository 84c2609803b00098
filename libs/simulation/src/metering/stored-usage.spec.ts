import { usageRecordOf } from './stored-usage';
import { StoredUsageRecord } from './usage-meter';

const base = { tenantId: 't-1', periodStartMs: null, quantity: null, endMs: null } as const;

describe('usageRecordOf: a stored record as the rater reads it', () => {
  it('an open interval ends at the close instant, never before it starts; its period start is its own unless continued', () => {
    const r: StoredUsageRecord = { ...base, recordId: 'instance:i-1:1000', kind: 'instance-usage', resourceId: 'i-1', startMs: 1_000, attrs: { instanceType: 'm5.large', vcpus: 2, platform: 'linux', licenseModel: 'license-included', tenancy: 'default', availabilityZone: 'us-east-1a' } };
    expect(usageRecordOf(r, 5_000)).toEqual({
      kind: 'instance-usage', recordId: 'instance:i-1:1000', tenantId: 't-1', instanceId: 'i-1', instanceType: 'm5.large', vcpus: 2, platform: 'linux',
      licenseModel: 'license-included', tenancy: 'default', availabilityZone: 'us-east-1a', startMs: 1_000, endMs: 5_000, startsPeriod: true, periodStartMs: 1_000,
    });
    expect(usageRecordOf(r, 500)).toMatchObject({ endMs: 1_000 });
    // a month-split continuation: same period, so it pays no new minimum
    const continued = usageRecordOf({ ...r, recordId: 'instance:i-1:1000#2026-12', startMs: 2_000, periodStartMs: 1_000, endMs: 3_000 }, 9_000);
    expect(continued).toMatchObject({ startMs: 2_000, endMs: 3_000, startsPeriod: false, periodStartMs: 1_000 });
  });

  it('a Spot interval keeps its market, and an interrupted one its waiver mark (the rater prices and waives by them)', () => {
    const r: StoredUsageRecord = { ...base, recordId: 'instance:i-2:0', kind: 'instance-usage', resourceId: 'i-2', startMs: 0, endMs: 60_000, attrs: { instanceType: 't3.micro', vcpus: 2, platform: 'linux', licenseModel: 'license-included', tenancy: 'default', availabilityZone: 'us-east-1b', market: 'spot', interrupted: true } };
    expect(usageRecordOf(r, 0)).toMatchObject({ market: 'spot', interrupted: true });
    expect(usageRecordOf({ ...r, attrs: { ...r.attrs, market: undefined, interrupted: undefined } }, 0)).not.toHaveProperty('market');
  });

  it('point records carry their quantity at their instant; a volume interval its configuration', () => {
    expect(usageRecordOf({ ...base, recordId: 'transfer:i-3:out:@5', kind: 'data-transfer', resourceId: 'i-3', startMs: 7, quantity: 5, attrs: { direction: 'internet-out' } }, 100))
      .toEqual({ kind: 'data-transfer', recordId: 'transfer:i-3:out:@5', tenantId: 't-1', instanceId: 'i-3', direction: 'internet-out', bytes: 5, atMs: 7 });
    expect(usageRecordOf({ ...base, recordId: 'volume:vol-1:0', kind: 'volume-usage', resourceId: 'vol-1', startMs: 0, attrs: { volumeType: 'gp3', sizeGiB: 8, iops: 3000, throughputMiBps: 125, availabilityZone: 'us-east-1a' } }, 10))
      .toEqual({ kind: 'volume-usage', recordId: 'volume:vol-1:0', tenantId: 't-1', volumeId: 'vol-1', volumeType: 'gp3', sizeGiB: 8, iops: 3000, throughputMiBps: 125, availabilityZone: 'us-east-1a', startMs: 0, endMs: 10 });
  });

  it("a Reserved Instance's term is billed to the close instant, never past the term's end; its count is the record's quantity", () => {
    const r: StoredUsageRecord = { ...base, recordId: 'reserved-instance:ri-1', kind: 'reserved', resourceId: 'ri1', startMs: 1_000, endMs: 9_000, quantity: 3,
      attrs: { reservedInstancesId: 'ri-1', instanceType: 'm5.large', scope: 'Region', offering: '1 yr No Upfront', fixedPrice: '0', usagePrice: '0.06' } };
    expect(usageRecordOf(r, 5_000)).toEqual({ kind: 'reserved-instance', recordId: 'reserved-instance:ri-1', tenantId: 't-1', reservedInstancesId: 'ri-1', instanceType: 'm5.large', scope: 'Region',
      instanceCount: 3, offering: '1 yr No Upfront', fixedPrice: '0', usagePrice: '0.06', termStartMs: 1_000, startMs: 1_000, endMs: 5_000 });
    expect(usageRecordOf(r, 20_000)).toMatchObject({ endMs: 9_000 });
    expect(usageRecordOf({ ...r, attrs: { ...r.attrs, scope: 'Availability Zone', availabilityZone: 'us-east-1c' } }, 0)).toMatchObject({ scope: 'Availability Zone', availabilityZone: 'us-east-1c', endMs: 1_000 });
  });
});
