import { findImage, findInstanceType, MS_PER_HOUR, MS_PER_MINUTE, resolveVolume } from '@nimbus/hypervisor';
import { computeInvoice, seedPriceBook, UsageRecord } from '@nimbus/metering';
import { launch } from '../commands/launch';
import { setWorkload } from '../commands/lifecycle';
import { World } from '../world/world';
import { StoredUsageRecord, UsageMeter, UsageWrite } from './usage-meter';

const LINUX = findImage('ami-0a1e0c00000000a23')!;
const VOL = 'vol-0000000000000000a';
const BOOK = seedPriceBook(0, []);

/** A world with one running m5.large and a 100 GiB standard volume attached to it, from `startMs`. */
function standardVolumeWorld(startMs: number) {
  const w = World.create({ startMs, hosts: [{ hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 1 }] });
  const vm = launch(w, { tenantId: 'tenant-a', instanceType: findInstanceType('m5.large')!, image: LINUX, minCount: 1, maxCount: 1, newVmId: () => 'i-00000000000000001' }).vms[0];
  w.runUntil(startMs + MS_PER_MINUTE); // booted
  w.dataPlane.addVolume({ volumeId: VOL, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', spec: resolveVolume({ type: 'standard', sizeGiB: 100 }) });
  w.dataPlane.attachVolume(VOL, vm.vmId);
  w.takeChanges();
  /** `iops` of 16 KiB I/Os on the volume from now. */
  const io = (iops: number) => setWorkload(w, 'tenant-a', vm.vmId, { io: [{ volumeId: VOL, iops, throughputMiBps: iops / 64 }] });
  /** What a store would write for the changes since the last take (UsageWriter.write's plan). */
  const plan = (): UsageWrite[] => {
    const { changes, snapshots } = w.takeChanges();
    return w.usage.plan(changes.usage, snapshots.vms, w.now, () => undefined, snapshots.volumes);
  };
  return { w, io, plan };
}

const records = (writes: readonly UsageWrite[]): StoredUsageRecord[] => writes.flatMap((x) => (x.op === 'insert-usage' && x.record.kind === 'volume-io' ? [x.record] : []));
const asUsage = (r: StoredUsageRecord): UsageRecord => ({ kind: 'volume-io', recordId: r.recordId, tenantId: r.tenantId, volumeId: r.resourceId, volumeType: 'standard', requests: r.quantity!, atMs: r.startMs });

describe('UsageMeter: standard volumes\' I/O requests (EBS Magnetic, $0.05 per million)', () => {
  it('meters 150 IOPS for an hour as 540,000 requests, one record keyed by the reading, billed $0.027 → $0.03', () => {
    const start = Date.UTC(2026, 3, 10, 12); // noon, 10 April 2026
    const { w, io, plan } = standardVolumeWorld(start);
    io(150);
    w.runUntil(start + MS_PER_MINUTE + MS_PER_HOUR);
    const writes = plan();
    // 150 IOPS × 3,600 s = 540,000 requests.
    expect(records(writes)).toEqual([{
      recordId: `volume-io:${VOL}:@540000`, tenantId: 'tenant-a', kind: 'volume-io', resourceId: VOL, startMs: w.now, endMs: w.now, periodStartMs: null,
      quantity: 540_000, attrs: { volumeType: 'standard', availabilityZone: 'us-east-1a' },
    }]);
    expect(writes).toContainEqual({ op: 'meter', instanceId: VOL, meter: 'volume-io', value: 540_000, atMs: w.now });
    // 0.54 million × $0.05 = $0.027, rounded half up to the cent once on the line: $0.03.
    const invoice = computeInvoice({ tenantId: 'tenant-a', month: '2026-04', usage: records(writes).map(asUsage), priceBook: BOOK });
    expect(invoice.lines.map((l) => [l.lineId.split('/').slice(0, 2).join('/'), l.quantity, l.unitPrice, l.amount])).toEqual([['ebs-io-requests/standard', '0.54', '0.05', '0.03']]);
  });

  it('bills nothing twice: a reading already stored adds nothing; one whose store failed is planned again with the same key', () => {
    const start = Date.UTC(2026, 3, 10, 12);
    const { w, io, plan } = standardVolumeWorld(start);
    io(100);
    w.runUntil(start + MS_PER_MINUTE + 10_000); // 1,000 requests
    const first = records(plan());
    expect(first.map((r) => [r.recordId, r.quantity])).toEqual([[`volume-io:${VOL}:@1000`, 1000]]);
    // The store failed: the same reading again is the same record (its insert is idempotent by key).
    w.usage.discard();
    expect(records(w.usage.plan([], [], w.now, () => undefined, [{ volumeId: VOL, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', ioIopsMs: 1_000_000 }]))).toEqual(first);
    w.usage.commit();
    // Stored: the same reading (a replay after a crash) adds nothing; the next delta starts from it.
    expect(records(w.usage.plan([], [], w.now, () => undefined, [{ volumeId: VOL, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', ioIopsMs: 1_000_000 }]))).toEqual([]);
    w.runUntil(w.now + 10_000);
    // (A steady rate is read at the next change of it, the next UTC midnight, or for an estimate: here a change.)
    io(50);
    w.engine.runUntil(w.now); // the host's recomputation at this instant
    expect(records(plan()).map((r) => [r.recordId, r.quantity])).toEqual([[`volume-io:${VOL}:@2000`, 1000]]);
    // A meter loaded from the store (a restart) starts from the stored reading.
    const restarted = new UsageMeter();
    restarted.load([[`${VOL}|volume-io`, 2000]]);
    expect(records(restarted.plan([], [], w.now, () => undefined, [{ volumeId: VOL, tenantId: 'tenant-a', availabilityZone: 'us-east-1a', ioIopsMs: 2_500_000 }])).map((r) => r.quantity)).toEqual([500]);
  });

  it('reads the count at each UTC midnight, so each month gets the requests served in it', () => {
    const start = Date.UTC(2026, 3, 30, 23); // 23:00 on 30 April
    const { w, io, plan } = standardVolumeWorld(start);
    io(200);
    w.runUntil(Date.UTC(2026, 4, 1, 0, 30) + MS_PER_MINUTE); // 00:31 on 1 May
    const got = records(plan());
    // April: 59 min × 60 s × 200 = 708,000, read at midnight and stamped at April's last ms;
    // May: 31 min = 372,000 more (a reading of 1,080,000).
    expect(got.map((r) => [r.startMs, r.quantity, r.recordId])).toEqual([
      [Date.UTC(2026, 4, 1) - 1, 708_000, `volume-io:${VOL}:@708000`],
      [w.now, 372_000, `volume-io:${VOL}:@1080000`],
    ]);
    const april = computeInvoice({ tenantId: 'tenant-a', month: '2026-04', usage: got.map(asUsage), priceBook: BOOK });
    // 0.708 M × $0.05 = $0.0354 → $0.04.
    expect(april.lines.map((l) => [l.quantity, l.amount])).toEqual([['0.708', '0.04']]);
  });
});

describe('UsageMeter: detailed monitoring follows the running interval', () => {
  const instance = { tenantId: 'tenant-a', instanceType: 'm5.large', vcpus: 2, platform: 'linux' as const, licenseModel: 'license-included', tenancy: 'default', availabilityZone: 'us-east-1a' };
  const vmId = 'i-00000000000000001';
  const running = (time: number) => ({ kind: 'running' as const, vmId, tenantId: 'tenant-a', time });
  const notRunning = (time: number) => ({ kind: 'not-running' as const, vmId, tenantId: 'tenant-a', time });
  const monitoringWrites = (writes: readonly UsageWrite[]): unknown[][] =>
    writes.flatMap((w): unknown[][] => (w.op === 'insert-usage' && w.record.kind === 'monitoring' ? [[w.record.recordId, w.record.startMs, w.record.endMs]] : w.op === 'close-usage' && w.kind === 'monitoring' ? [['close', w.resourceIds, w.endMs]] : []));

  it('opens a monitoring interval where a monitored instance starts running, and closes it where it stops', () => {
    const meter = new UsageMeter();
    // Enabled at the launch (1,000); running at 60,000; leaves running at 7,260,000.
    const writes = meter.plan([running(60_000), notRunning(7_260_000)], [], 7_300_000, () => ({ ...instance, monitoredSince: 1_000 }));
    expect(monitoringWrites(writes)).toEqual([[`monitoring:${vmId}:60000`, 60_000, null], ['close', [vmId], 7_260_000]]);
  });

  it('opens none for an instance without monitoring, nor for one whose monitoring was enabled after it began running (MonitorInstances opened it)', () => {
    const meter = new UsageMeter();
    expect(monitoringWrites(meter.plan([running(60_000)], [], 60_000, () => instance))).toEqual([]);
    expect(monitoringWrites(meter.plan([running(60_000)], [], 90_000, () => ({ ...instance, monitoredSince: null })))).toEqual([]);
    expect(monitoringWrites(meter.plan([running(60_000)], [], 90_000, () => ({ ...instance, monitoredSince: 60_001 })))).toEqual([]);
    expect(monitoringWrites(meter.plan([running(60_000)], [], 90_000, () => ({ ...instance, monitoredSince: 60_000 })))).toEqual([[`monitoring:${vmId}:60000`, 60_000, null]]);
  });
});

describe('UsageMeter: bytes a NAT gateway processes (the app says which gateway, at the reading\'s time)', () => {
  const instance = (natGatewayAt?: (time: number) => string | undefined) => ({
    tenantId: 'tenant-a', instanceType: 'm5.large', vcpus: 2, platform: 'linux' as const, licenseModel: 'license-included', tenancy: 'default', availabilityZone: 'us-east-1a',
    ...(natGatewayAt ? { natGatewayAt } : {}),
  });
  const reading = (time: number, internetBytes: number) => ({ kind: 'meter' as const, vmId: 'i-1', tenantId: 'tenant-a', time, internetBytes, crossAzBytes: 0 });
  const inserted = (writes: readonly UsageWrite[]) => writes.flatMap((x) => (x.op === 'insert-usage' ? [[x.record.kind, x.record.recordId, x.record.resourceId, x.record.quantity, x.record.tenantId]] : []));

  it('meters an instance\'s internet-out bytes twice when its route reaches a gateway: as transfer out, and as bytes that gateway processed (keyed by the same reading: a replay adds nothing)', () => {
    const sut = new UsageMeter();
    const asked: number[] = [];
    const nat = (t: number) => (asked.push(t), t >= 1_000 ? 'nat-0123456789abcdef0' : undefined);
    // 3 GB by 2,000 ms: the gateway, available from 1,000 ms, processed them all.
    const first = sut.plan([reading(2_000, 3e9)], [], 2_000, () => instance(nat));
    expect(inserted(first)).toEqual([
      ['data-transfer', 'transfer:i-1:internet-out:@3000000000', 'i-1', 3e9, 'tenant-a'],
      ['nat-bytes', 'nat-bytes:i-1:@3000000000', 'nat-0123456789abcdef0', 3e9, 'tenant-a'],
    ]);
    expect(first.find((x) => x.op === 'insert-usage' && x.record.kind === 'nat-bytes')).toMatchObject({ record: { startMs: 2_000, endMs: 2_000, attrs: { instanceId: 'i-1' } } });
    expect(asked).toEqual([2_000]);
    sut.commit();
    // The same reading again (a replay): nothing.
    expect(inserted(sut.plan([reading(2_000, 3e9)], [], 2_000, () => instance(nat)))).toEqual([]);
    // 2 GB more, read at a time the answer is no gateway (500 ms, before it was available): transfer only.
    expect(inserted(sut.plan([reading(500, 5e9)], [], 2_500, () => instance(nat)))).toEqual([['data-transfer', 'transfer:i-1:internet-out:@5000000000', 'i-1', 2e9, 'tenant-a']]);
  });

  it('a reading that says its gateway (taken before a routing change) is metered so, whatever the instance answers now', () => {
    const sut = new UsageMeter();
    const now = () => 'nat-new';
    expect(inserted(sut.plan([{ ...reading(1_000, 1e9), natGatewayId: 'nat-old' }], [], 1_000, () => instance(now))).map((r) => r.slice(0, 3))).toEqual([
      ['data-transfer', 'transfer:i-1:internet-out:@1000000000', 'i-1'], ['nat-bytes', 'nat-bytes:i-1:@1000000000', 'nat-old'],
    ]);
    sut.commit();
    // Routed to none until the change (null): transfer only, though the instance is behind a gateway now.
    expect(inserted(sut.plan([{ ...reading(2_000, 3e9), natGatewayId: null }], [], 2_000, () => instance(now))).map((r) => r[0])).toEqual(['data-transfer']);
  });

  it('meters no processed bytes for an instance no NAT route reaches, nor for bytes that did not grow', () => {
    const sut = new UsageMeter();
    expect(inserted(sut.plan([reading(2_000, 1e9)], [], 2_000, () => instance()))).toEqual([['data-transfer', 'transfer:i-1:internet-out:@1000000000', 'i-1', 1e9, 'tenant-a']]);
    sut.commit();
    const asked: number[] = [];
    expect(inserted(sut.plan([reading(3_000, 1e9)], [], 3_000, () => instance((t) => (asked.push(t), 'nat-1'))))).toEqual([]);
    expect(asked).toEqual([]);
  });
});
