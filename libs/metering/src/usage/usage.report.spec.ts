import { InvalidUsageRecord } from '../errors';
import { APRIL_START, MAY_START, address, at, hours, min, monitored, natBytes, natGateway, running, sec, snapshot, surplus, transfer, volume } from '../testing/usage-fixtures';
import { usageReport } from './usage.report';

describe('usageReport', () => {
  const records = [
    running('i-1', at(0), at(sec(30))),
    running('i-2', at(hours(23)), at(hours(26)), { platform: 'windows' }),
    volume('v-1', at(0), at(hours(360)), { iops: 6000, throughputMiBps: 250 }),
    surplus('i-1', at(hours(1)), 90 * 60_000),
    transfer('i-1', 'internet-out', at(hours(1)), 5e9),
    snapshot('snap-1', at(0), at(hours(360)), { sizeGiB: 8 }),
    address('eni-1', at(0), at(hours(3))),
    address('eipalloc-1', at(0), at(hours(90)), { state: 'idle' }),
    address('eipalloc-1', at(hours(90)), at(hours(91))),
    monitored('i-1', at(0), at(hours(360))),
  ];
  const window = { fromMs: APRIL_START, toMs: MAY_START };

  it('reports running time as it was, before any minimum, by usage type', () => {
    const sut = usageReport(records, { ...window, groupBy: 'type' });
    expect(sut).toEqual([
      { usageType: 'BoxUsage:m5.large', product: 'ec2-instance', unit: 'instance-hour', quantity: '0.00833333' }, // 30 s, not the billed 60 s
      { usageType: 'BoxUsage:m5.large:windows', product: 'ec2-instance', unit: 'instance-hour', quantity: '3' },
      { usageType: 'CPUCredits:linux', product: 'ec2-cpu-credits', unit: 'vcpu-hour', quantity: '1.5' },
      // Detailed monitoring for half of a 30-day month: 7 metrics × 360 / 720 = 3.5 metric-months.
      { usageType: 'CW:MetricMonitorUsage', product: 'detailed-monitoring', unit: 'metric-month', quantity: '3.5' },
      { usageType: 'DataTransfer-Out-Bytes', product: 'data-transfer', unit: 'gb', quantity: '5' },
      // 8 GiB for half of the month: 4 GiB-months of snapshot storage.
      { usageType: 'EBS:SnapshotUsage', product: 'ebs-snapshot', unit: 'gib-month', quantity: '4' },
      // Half of a 30-day month: 100 GiB → 50 GiB-months; 3,000 IOPS and 125 MiB/s above the gp3 baseline → 1,500 and 62.5.
      { usageType: 'EBS:VolumeP-IOPS.gp3', product: 'ebs-iops', unit: 'iops-month', quantity: '1500' },
      { usageType: 'EBS:VolumeP-Throughput.gp3', product: 'ebs-throughput', unit: 'mibps-month', quantity: '62.5' },
      { usageType: 'EBS:VolumeUsage.gp3', product: 'ebs-storage', unit: 'gib-month', quantity: '50' },
      // 3 h of an instance's address and 1 h of an associated Elastic IP in use; 90 h of it idle.
      { usageType: 'PublicIPv4:IdleAddress', product: 'public-ipv4', unit: 'address-hour', quantity: '90' },
      { usageType: 'PublicIPv4:InUseAddress', product: 'public-ipv4', unit: 'address-hour', quantity: '4' },
    ]);
  });

  it("reports detailed monitoring as sent (not by whole hours), with the price book's metrics per instance", () => {
    // 90 minutes of 720 hours with 10 metrics: 10 × 1.5 / 720 = 0.02083333 metric-month (the invoice would count 2 hours).
    expect(usageReport([monitored('i-1', at(0), at(hours(1.5)))], { ...window, groupBy: 'type', metricsPerInstance: 10 })).toEqual([
      { usageType: 'CW:MetricMonitorUsage', product: 'detailed-monitoring', unit: 'metric-month', quantity: '0.02083333' },
    ]);
  });

  it('groups by product', () => {
    expect(usageReport(records, { ...window, groupBy: 'product' }).find((r) => r.product === 'ec2-instance')).toEqual({ product: 'ec2-instance', unit: 'instance-hour', quantity: '3.00833333' });
  });

  it('cuts intervals at UTC midnight by day, and at the window', () => {
    const sut = usageReport([records[1]], { fromMs: at(hours(24)), toMs: MAY_START, groupBy: 'day' });
    expect(sut).toEqual([{ usageType: 'BoxUsage:m5.large:windows', product: 'ec2-instance', day: '2025-04-02', unit: 'instance-hour', quantity: '2' }]);
    expect(usageReport([records[1]], { ...window, groupBy: 'day' }).map((r) => [r.day, r.quantity])).toEqual([['2025-04-01', '1'], ['2025-04-02', '2']]);
  });

  it('reports NAT gateways\' hours and the bytes they processed apart (NatGateway-Hours, NatGateway-Bytes in GB of 10^9 bytes), by product too', () => {
    const nat = [natGateway('nat-1', at(0), at(min(90))), natBytes('nat-1', 'i-1', at(hours(1)), 2.5e9, 2.5e9), transfer('i-1', 'internet-out', at(hours(1)), 2.5e9)];
    expect(usageReport(nat, { ...window, groupBy: 'type' })).toEqual([
      { usageType: 'DataTransfer-Out-Bytes', product: 'data-transfer', unit: 'gb', quantity: '2.5' },
      { usageType: 'NatGateway-Bytes', product: 'nat-gateway', unit: 'gb', quantity: '2.5' },
      { usageType: 'NatGateway-Hours', product: 'nat-gateway', unit: 'gateway-hour', quantity: '1.5' },
    ]);
    expect(usageReport(nat, { ...window, groupBy: 'product' }).filter((r) => r.product === 'nat-gateway')).toEqual([
      { product: 'nat-gateway', unit: 'gateway-hour', quantity: '1.5' },
      { product: 'nat-gateway', unit: 'gb', quantity: '2.5' },
    ]);
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => usageReport(records, { fromMs: MAY_START, toMs: APRIL_START, groupBy: 'type' })).toThrow(InvalidUsageRecord);
  });
});
