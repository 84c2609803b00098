import { Invoice } from '../invoice/invoice';
import { InvoiceLine } from '../invoice/invoice-line';
import { seedPriceBook } from '../pricing/price-book.seed';
import { LISTED_TYPES } from './listed-types';
import { splitAtMonthBoundaries } from '../usage/usage.month-split';
import {
  CpuSurplusRecord,
  DataTransferRecord,
  HostUsageRecord,
  InstanceUsageRecord,
  NatBytesRecord,
  NatGatewayUsageRecord,
  MonitoringUsageRecord,
  PublicIpv4UsageRecord,
  ReservedInstanceRecord,
  SnapshotUsageRecord,
  VolumeIoRecord,
  VolumeUsageRecord,
  cpuSurplusRecordId,
  dataTransferRecordId,
  hostUsageRecordId,
  instanceUsageRecordId,
  natBytesMeterRecordId,
  natGatewayUsageRecordId,
  monitoringUsageRecordId,
  publicIpv4UsageRecordId,
  reservedInstanceRecordId,
  snapshotUsageRecordId,
  volumeIoMeterRecordId,
  volumeUsageRecordId,
} from '../usage/usage-record';

/** Test fixtures: records as the app would write them, in April 2025 (30 days) unless told otherwise. */
export const APRIL = '2025-04';
export const APRIL_START = Date.UTC(2025, 3, 1);
export const MAY_START = Date.UTC(2025, 4, 1);
export const APRIL_MS = 30 * 86_400_000;
export const BOOK = seedPriceBook(0, LISTED_TYPES);

export const sec = (n: number): number => n * 1_000;
export const min = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const at = (offsetMs: number): number => APRIL_START + offsetMs;

type InstanceOpts = Partial<Omit<InstanceUsageRecord, 'kind' | 'instanceId' | 'startMs' | 'endMs'>>;

export function running(instanceId: string, startMs: number, endMs: number, opts: InstanceOpts = {}): InstanceUsageRecord {
  const periodStartMs = opts.periodStartMs ?? startMs;
  return {
    kind: 'instance-usage',
    recordId: instanceUsageRecordId(instanceId, startMs),
    tenantId: 't-1',
    instanceId,
    instanceType: 'm5.large',
    vcpus: 2,
    platform: 'linux',
    licenseModel: 'license-included',
    tenancy: 'default',
    availabilityZone: 'us-east-1a',
    startsPeriod: periodStartMs === startMs,
    ...opts,
    periodStartMs,
    startMs,
    endMs,
  };
}

export type LifecycleOp = { readonly atMs: number; readonly op: 'start' | 'stop' | 'reboot' };

/**
 * What the engine's usage writer does with a lifecycle: one record per running stretch, cut at a
 * reboot (same period) and at month boundaries (same period). Ops must alternate sensibly.
 */
export function recordsOf(instanceId: string, ops: readonly LifecycleOp[], opts: InstanceOpts = {}): InstanceUsageRecord[] {
  const out: InstanceUsageRecord[] = [];
  let periodStart: number | undefined;
  let since: number | undefined;
  for (const { atMs, op } of ops) {
    if (op === 'start' && since === undefined) {
      periodStart = since = atMs;
    } else if (op === 'reboot' && since !== undefined) {
      out.push(...splitAtMonthBoundaries(running(instanceId, since, atMs, { ...opts, periodStartMs: periodStart })));
      since = atMs;
    } else if (op === 'stop' && since !== undefined) {
      out.push(...splitAtMonthBoundaries(running(instanceId, since, atMs, { ...opts, periodStartMs: periodStart })));
      since = periodStart = undefined;
    }
  }
  return out;
}

export function volume(volumeId: string, startMs: number, endMs: number, opts: Partial<VolumeUsageRecord> = {}): VolumeUsageRecord {
  return {
    kind: 'volume-usage',
    recordId: volumeUsageRecordId(volumeId, startMs),
    tenantId: 't-1',
    volumeId,
    volumeType: 'gp3',
    sizeGiB: 100,
    iops: 3000,
    throughputMiBps: 125,
    availabilityZone: 'us-east-1a',
    ...opts,
    startMs,
    endMs,
  };
}

export function snapshot(snapshotId: string, startMs: number, endMs: number, opts: Partial<SnapshotUsageRecord> = {}): SnapshotUsageRecord {
  return { kind: 'snapshot-usage', recordId: snapshotUsageRecordId(snapshotId, startMs), tenantId: 't-1', snapshotId, sizeGiB: 100, ...opts, startMs, endMs };
}

/** A public IPv4 address held by `holderId` (an interface, in use by default, or an Elastic IP's allocation). */
export function address(holderId: string, startMs: number, endMs: number, opts: Partial<PublicIpv4UsageRecord> = {}): PublicIpv4UsageRecord {
  const publicIp = opts.publicIp ?? '198.51.100.7';
  return { kind: 'public-ipv4', recordId: publicIpv4UsageRecordId(holderId, publicIp, startMs), tenantId: 't-1', publicIp, state: 'in-use', ...opts, startMs, endMs };
}

/** A NAT gateway provisioned over [startMs, endMs) (a period of its own by default). */
export function natGateway(natGatewayId: string, startMs: number, endMs: number, opts: Partial<NatGatewayUsageRecord> = {}): NatGatewayUsageRecord {
  return {
    kind: 'nat-gateway', recordId: natGatewayUsageRecordId(natGatewayId, startMs), tenantId: 't-1', natGatewayId, startsPeriod: true, periodStartMs: startMs, ...opts, startMs, endMs,
  };
}

/** An instance running with detailed monitoring enabled from `startMs` to `endMs`. */
export function monitored(instanceId: string, startMs: number, endMs: number, opts: Partial<MonitoringUsageRecord> = {}): MonitoringUsageRecord {
  return { kind: 'monitoring', recordId: monitoringUsageRecordId(instanceId, startMs), tenantId: 't-1', instanceId, ...opts, startMs, endMs };
}

export function host(hostId: string, startMs: number, endMs: number, opts: Partial<HostUsageRecord> = {}): HostUsageRecord {
  return {
    kind: 'host-usage',
    recordId: hostUsageRecordId(hostId, startMs),
    tenantId: 't-1',
    hostId,
    hostFamily: 'm5',
    availabilityZone: 'us-east-1a',
    startsPeriod: true,
    periodStartMs: startMs,
    ...opts,
    startMs,
    endMs,
  };
}

export function surplus(instanceId: string, atMs: number, surplusVcpuMs: number, opts: Partial<CpuSurplusRecord> = {}): CpuSurplusRecord {
  return {
    kind: 'cpu-surplus',
    recordId: cpuSurplusRecordId(instanceId, atMs),
    tenantId: 't-1',
    instanceId,
    instanceType: 't3.large',
    platform: 'linux',
    ...opts,
    surplusVcpuMs,
    atMs,
  };
}

export function transfer(instanceId: string, direction: DataTransferRecord['direction'], atMs: number, bytes: number, opts: Partial<DataTransferRecord> = {}): DataTransferRecord {
  return { kind: 'data-transfer', recordId: dataTransferRecordId(instanceId, direction, atMs), tenantId: 't-1', instanceId, direction, ...opts, bytes, atMs };
}

/** Bytes a NAT gateway processed for an instance, keyed by the instance's cumulative internet-out reading. */
export function natBytes(natGatewayId: string, instanceId: string, atMs: number, cumulativeBytes: number, bytes: number, opts: Partial<NatBytesRecord> = {}): NatBytesRecord {
  return { kind: 'nat-bytes', recordId: natBytesMeterRecordId(instanceId, cumulativeBytes), tenantId: 't-1', natGatewayId, instanceId, ...opts, bytes, atMs };
}

export function volumeIo(volumeId: string, atMs: number, cumulativeRequests: number, requests: number, opts: Partial<VolumeIoRecord> = {}): VolumeIoRecord {
  return { kind: 'volume-io', recordId: volumeIoMeterRecordId(volumeId, cumulativeRequests), tenantId: 't-1', volumeId, volumeType: 'standard', ...opts, requests, atMs };
}

export function lineOf(invoice: Invoice, lineIdPrefix: string): InvoiceLine {
  const found = invoice.lines.filter((l) => l.lineId.startsWith(lineIdPrefix));
  if (found.length !== 1) throw new Error(`expected one line ${lineIdPrefix}, found ${found.map((l) => l.lineId).join(', ') || 'none'}`);
  return found[0];
}

/** A Reserved Instance's record: by default a regional m5.large 1-year No Upfront ($0.06/h) from April 1. */
export function reservedInstance(id: string, opts: Partial<ReservedInstanceRecord> = {}): ReservedInstanceRecord {
  const termStartMs = opts.termStartMs ?? opts.startMs ?? APRIL_START;
  return {
    kind: 'reserved-instance', recordId: reservedInstanceRecordId(id), tenantId: 't-1', reservedInstancesId: id, instanceType: 'm5.large', scope: 'Region',
    instanceCount: 1, offering: '1 yr No Upfront', fixedPrice: '0', usagePrice: '0.06', termStartMs, startMs: termStartMs, endMs: termStartMs + hours(8760), ...opts,
  };
}
