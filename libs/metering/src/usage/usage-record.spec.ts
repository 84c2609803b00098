import { InvalidUsageRecord, UsageRecordConflict } from '../errors';
import { APRIL_START, MAY_START, address, at, hours, monitored, running, snapshot, surplus, transfer, volume } from '../testing/usage-fixtures';
import { dedupeUsage } from './usage.dedupe';
import { splitAtMonthBoundaries } from './usage.month-split';
import { UsageRecord, creditsToVcpuMs, instanceUsageRecordId, monitoringUsageRecordId, publicIpv4UsageRecordId, snapshotUsageRecordId, validateUsageRecord } from './usage-record';

describe('validateUsageRecord', () => {
  it('accepts what the fixtures write', () => {
    for (const r of [running('i-1', at(0), at(5)), volume('v-1', at(0), at(5)), snapshot('snap-1', at(0), at(5)), address('eni-1', at(0), at(5)), address('eipalloc-1', at(0), at(5), { state: 'idle' }), monitored('i-1', at(0), at(5)), surplus('i-1', at(1), 5), transfer('i-1', 'internet-out', at(1), 5)]) {
      expect(() => validateUsageRecord(r)).not.toThrow();
    }
  });

  it.each<[string, UsageRecord]>([
    ['an interval that ends before it starts', running('i-1', at(10), at(5))],
    ['fractional milliseconds', running('i-1', at(0) + 0.5, at(5))],
    ['a continuation that claims to start a period', { ...running('i-1', at(10), at(20), { periodStartMs: at(0) }), startsPeriod: true }],
    ['a period start after the interval start', running('i-1', at(10), at(20), { periodStartMs: at(11) })],
    ['an unknown platform', running('i-1', at(0), at(5), { platform: 'beos' as never })],
    ['fractional bytes (floats would make sums order-dependent)', transfer('i-1', 'cross-az', at(0), 1.5)],
    ['fractional surplus vCPU-ms', surplus('i-1', at(0), 0.25)],
    ['a negative volume size', volume('v-1', at(0), at(5), { sizeGiB: -1 })],
    ['a fractional snapshot size', snapshot('snap-1', at(0), at(5), { sizeGiB: 1.5 })],
    ['a snapshot that ends before it starts', snapshot('snap-1', at(5), at(0))],
    ['a public address in an unknown state', address('eni-1', at(0), at(5), { state: 'reserved' as 'idle' })],
    ['a public address held until before it was taken', address('eni-1', at(5), at(0))],
    ['monitoring that ends before it starts', monitored('i-1', at(5), at(0))],
    ['monitoring of no instance', monitored('', at(0), at(5))],
  ])('refuses %s', (_why, record) => {
    expect(() => validateUsageRecord(record)).toThrow(InvalidUsageRecord);
  });
});

describe('record ids', () => {
  it('derives the key from the source event, so a replay writes the same key', () => {
    expect(running('i-1', 1_000, 2_000).recordId).toBe(instanceUsageRecordId('i-1', 1_000));
    expect(instanceUsageRecordId('i-1', 1_000)).toBe('instance:i-1:1000');
    expect(snapshotUsageRecordId('snap-0123456789abcdef0', 1_000)).toBe('snapshot:snap-0123456789abcdef0:1000');
    expect(publicIpv4UsageRecordId('eipalloc-0123456789abcdef0', '198.51.100.7', 1_000)).toBe('public-ipv4:eipalloc-0123456789abcdef0:198.51.100.7:1000');
    expect(monitoringUsageRecordId('i-0123456789abcdef0', 1_000)).toBe('monitoring:i-0123456789abcdef0:1000');
  });

  it('converts credits (vCPU-minutes) to integer vCPU-ms', () => {
    expect(creditsToVcpuMs(1.5)).toBe(90_000);
  });
});

describe('dedupeUsage', () => {
  const a = running('i-1', at(0), at(hours(1)));
  const b = running('i-2', at(0), at(hours(1)));

  it('keeps one record per id, first occurrence, in order', () => {
    expect(dedupeUsage([a, b, { ...a }, b])).toEqual([a, b]);
  });

  it('refuses one id with two contents', () => {
    expect(() => dedupeUsage([a, { ...a, endMs: at(hours(2)) }])).toThrow(UsageRecordConflict);
  });
});

describe('splitAtMonthBoundaries', () => {
  it('cuts an interval at each UTC month start into a head and continuations', () => {
    const marchEnd = APRIL_START - hours(1);
    const sut = splitAtMonthBoundaries(running('i-1', marchEnd, MAY_START + hours(2)));
    expect(sut.map((r) => [r.startMs, r.endMs, r.startsPeriod, r.periodStartMs])).toEqual([
      [marchEnd, APRIL_START, true, marchEnd],
      [APRIL_START, MAY_START, false, marchEnd],
      [MAY_START, MAY_START + hours(2), false, marchEnd],
    ]);
    expect(sut.map((r) => r.recordId)).toEqual(['instance:i-1:' + marchEnd, `instance:i-1:${marchEnd}#2025-04`, `instance:i-1:${marchEnd}#2025-05`]);
  });

  it('leaves an interval inside one month and point records whole', () => {
    const inside = running('i-1', at(0), at(hours(5)));
    expect(splitAtMonthBoundaries(inside)).toEqual([inside]);
    const point = transfer('i-1', 'cross-az', at(0), 1);
    expect(splitAtMonthBoundaries(point)).toEqual([point]);
  });

  it('cuts snapshots as volumes, without inventing billing periods', () => {
    const sut = splitAtMonthBoundaries(snapshot('snap-1', APRIL_START - 1, APRIL_START + 1));
    expect(sut.map((r) => [r.recordId, r.startMs, r.endMs])).toEqual([
      [`snapshot:snap-1:${APRIL_START - 1}`, APRIL_START - 1, APRIL_START],
      [`snapshot:snap-1:${APRIL_START - 1}#2025-04`, APRIL_START, APRIL_START + 1],
    ]);
    expect(sut.every((r) => !('startsPeriod' in r))).toBe(true);
  });

  it('cuts volumes without inventing billing periods', () => {
    const sut = splitAtMonthBoundaries(volume('v-1', APRIL_START - 1, APRIL_START + 1));
    expect(sut).toHaveLength(2);
    expect(sut.every((r) => !('startsPeriod' in r))).toBe(true);
  });
});
