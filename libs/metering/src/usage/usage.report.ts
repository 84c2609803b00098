import { Decimal } from 'decimal.js';
import { billingMonthOf, MS_PER_DAY, MS_PER_HOUR, SimTimeMs } from '../calendar/billing-month';
import { InvalidUsageRecord } from '../errors';
import { Product } from '../invoice/invoice-line';
import { formatQuantity, Money } from '../money/money';
import { UsageRecord, validateUsageRecord } from './usage-record';
import { dedupeUsage } from './usage.dedupe';

export const USAGE_GROUPINGS = ['type', 'product', 'day'] as const;
export type UsageGrouping = (typeof USAGE_GROUPINGS)[number];

export interface UsageReportOptions {
  readonly fromMs: SimTimeMs;
  readonly toMs: SimTimeMs;
  readonly groupBy: UsageGrouping;
  /** gp3 IOPS and MiB/s included in the storage price: only provisioning above them is reported. Defaults: 3,000 and 125. */
  readonly gp3BaselineIops?: number;
  readonly gp3BaselineMiBps?: number;
  /** Bytes per reported GB. Default 10^9, as the seeded price book. */
  readonly bytesPerGB?: number;
  /** Metrics a detailed-monitored instance sends (the price book's). Default 7, as the seeded price book. */
  readonly metricsPerInstance?: number;
}

export interface UsageReportRow {
  /** groupBy `type` and `day`: the AWS-style usage type, e.g. `BoxUsage:m5.large`, `EBS:VolumeUsage.gp3`. */
  readonly usageType?: string;
  readonly product: Product;
  /** groupBy `day`: the UTC day, YYYY-MM-DD. */
  readonly day?: string;
  readonly unit: string;
  /** Decimal string, exact usage before any billing minimum or rounding (8 places). */
  readonly quantity: string;
}

interface Piece {
  readonly usageType: string;
  readonly product: Product;
  readonly unit: string;
}

const dayOf = (t: number): string => new Date(t).toISOString().slice(0, 10);

/**
 * What a tenant used in [fromMs, toMs), grouped by usage type, by product or by day (× usage
 * type): running time as it was (no 60 s minimum, no hour rounding — that is rating's job, and
 * the invoice shows it), volume and snapshot GiB-months prorated by each calendar month's length, surplus
 * vCPU-hours and GB. Intervals are cut at the window, at month boundaries (a GiB-month depends on
 * the month) and, by day, at UTC midnights. Open intervals must be closed by the caller (at now).
 */
export function usageReport(records: readonly UsageRecord[], o: UsageReportOptions): UsageReportRow[] {
  if (!(Number.isSafeInteger(o.fromMs) && Number.isSafeInteger(o.toMs) && o.fromMs <= o.toMs)) throw new InvalidUsageRecord('report', 'the window must have fromMs <= toMs');
  const baseIops = o.gp3BaselineIops ?? 3000;
  const baseMiBps = o.gp3BaselineMiBps ?? 125;
  const bytesPerGB = o.bytesPerGB ?? 1_000_000_000;
  const metricsPerInstance = o.metricsPerInstance ?? 7;
  const rows = new Map<string, { row: Omit<UsageReportRow, 'quantity'>; qty: Decimal }>();
  const add = (p: Piece, atMs: number, qty: Decimal) => {
    if (qty.isZero()) return;
    const day = o.groupBy === 'day' ? dayOf(atMs) : undefined;
    const key = o.groupBy === 'product' ? `${p.product}|${p.unit}` : `${day ?? ''}|${p.usageType}`;
    let r = rows.get(key);
    if (!r) {
      const row = o.groupBy === 'product' ? { product: p.product, unit: p.unit } : { usageType: p.usageType, product: p.product, ...(day ? { day } : {}), unit: p.unit };
      rows.set(key, (r = { row, qty: new Money(0) }));
    }
    r.qty = r.qty.plus(qty);
  };

  for (const r of dedupeUsage(records)) {
    validateUsageRecord(r);
    if (r.kind === 'cpu-surplus' || r.kind === 'data-transfer' || r.kind === 'nat-bytes' || r.kind === 'volume-io') {
      if (r.atMs < o.fromMs || r.atMs >= o.toMs) continue;
      if (r.kind === 'nat-bytes') add({ usageType: 'NatGateway-Bytes', product: 'nat-gateway', unit: 'gb' }, r.atMs, new Money(r.bytes).div(bytesPerGB));
      else if (r.kind === 'cpu-surplus') add({ usageType: `CPUCredits:${r.platform}`, product: 'ec2-cpu-credits', unit: 'vcpu-hour' }, r.atMs, new Money(r.surplusVcpuMs).div(MS_PER_HOUR));
      else if (r.kind === 'volume-io') add({ usageType: 'EBS:VolumeIOUsage', product: 'ebs-io-requests', unit: 'million-requests' }, r.atMs, new Money(r.requests).div(1_000_000));
      else {
        const p: Piece = r.direction === 'cross-az'
          ? { usageType: 'DataTransfer-Regional-Bytes', product: 'data-transfer', unit: 'gb' }
          : { usageType: 'DataTransfer-Out-Bytes', product: 'data-transfer', unit: 'gb' };
        add(p, r.atMs, new Money(r.bytes).div(bytesPerGB));
      }
      continue;
    }
    let from = Math.max(r.startMs, o.fromMs);
    const end = Math.min(r.endMs, o.toMs);
    while (from < end) {
      const month = billingMonthOf(from);
      const cut = o.groupBy === 'day' ? Math.min(month.endMs, from - (from % MS_PER_DAY) + MS_PER_DAY) : month.endMs;
      const to = Math.min(end, cut);
      const ms = to - from;
      if (r.kind === 'instance-usage') {
        // AWS's usage types: SpotUsage:<type> for a Spot Instance (us-east-1, no region prefix), BoxUsage for On-Demand.
        const prefix = r.market === 'spot' ? 'SpotUsage' : r.tenancy === 'host' ? 'HostBoxUsage' : r.tenancy === 'dedicated' ? 'DedicatedUsage' : 'BoxUsage';
        const suffix = r.platform === 'linux' ? '' : `:${r.platform}${r.licenseModel === 'byol' ? '-byol' : ''}`;
        add({ usageType: `${prefix}:${r.instanceType}${suffix}`, product: 'ec2-instance', unit: 'instance-hour' }, from, new Money(ms).div(MS_PER_HOUR));
      } else if (r.kind === 'reserved-instance') {
        // A Reserved Instance's hours, used or not (AWS's cost and usage report: HeavyUsage:<type>, the RIFee lines).
        add({ usageType: `HeavyUsage:${r.instanceType}`, product: 'ec2-reserved-instance', unit: 'instance-hour' }, from, new Money(r.instanceCount).times(ms).div(MS_PER_HOUR));
      } else if (r.kind === 'host-usage') {
        add({ usageType: `HostUsage:${r.hostFamily}`, product: 'ec2-dedicated-host', unit: 'host-hour' }, from, new Money(ms).div(MS_PER_HOUR));
      } else if (r.kind === 'nat-gateway') {
        add({ usageType: 'NatGateway-Hours', product: 'nat-gateway', unit: 'gateway-hour' }, from, new Money(ms).div(MS_PER_HOUR));
      } else if (r.kind === 'public-ipv4') {
        const usageType = r.state === 'in-use' ? 'PublicIPv4:InUseAddress' : 'PublicIPv4:IdleAddress';
        add({ usageType, product: 'public-ipv4', unit: 'address-hour' }, from, new Money(ms).div(MS_PER_HOUR));
      } else if (r.kind === 'monitoring') {
        // Metric-months as sent (the invoice counts each clock hour whole): metrics × the month's share.
        add({ usageType: 'CW:MetricMonitorUsage', product: 'detailed-monitoring', unit: 'metric-month' }, from, new Money(metricsPerInstance).times(ms).div(month.endMs - month.startMs));
      } else if (r.kind === 'snapshot-usage') {
        add({ usageType: 'EBS:SnapshotUsage', product: 'ebs-snapshot', unit: 'gib-month' }, from, new Money(r.sizeGiB).times(ms).div(month.endMs - month.startMs));
      } else {
        const monthMs = month.endMs - month.startMs;
        const share = (units: number) => new Money(units).times(ms).div(monthMs);
        add({ usageType: `EBS:VolumeUsage.${r.volumeType}`, product: 'ebs-storage', unit: 'gib-month' }, from, share(r.sizeGiB));
        const iops = r.volumeType === 'gp3' ? Math.max(0, r.iops - baseIops) : r.volumeType === 'io1' || r.volumeType === 'io2' ? r.iops : 0;
        add({ usageType: `EBS:VolumeP-IOPS.${r.volumeType}`, product: 'ebs-iops', unit: 'iops-month' }, from, share(iops));
        if (r.volumeType === 'gp3') add({ usageType: 'EBS:VolumeP-Throughput.gp3', product: 'ebs-throughput', unit: 'mibps-month' }, from, share(Math.max(0, r.throughputMiBps - baseMiBps)));
      }
      from = to;
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows.entries()].sort(([a], [b]) => cmp(a, b)).map(([, { row, qty }]) => ({ ...row, quantity: formatQuantity(qty) }));
}
