import { SimTimeMs } from '../calendar/billing-month';
import { InvalidUsageRecord } from '../errors';

/**
 * Usage records: what the engine observed, in the units it observed them. Metering defines these
 * types itself (it imports neither the hypervisor nor the scheduler); the app maps engine events
 * onto them and stores them.
 *
 * Idempotency: every record carries a `recordId` derived from its source event (the builders
 * below), never a random or sequence id. Replaying the event log after a crash writes the same
 * ids again, and `dedupeUsage` / the invoice keep one record per id, so nothing is billed twice.
 */

export type Platform = 'linux' | 'windows' | 'rhel' | 'suse' | 'ubuntu-pro' | 'windows-sql-standard';
export const PLATFORMS: readonly Platform[] = ['linux', 'windows', 'rhel', 'suse', 'ubuntu-pro', 'windows-sql-standard'];
export type LicenseModel = 'license-included' | 'byol';
export type Tenancy = 'default' | 'dedicated' | 'host';
export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
export const VOLUME_TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];
export type TransferDirection = 'cross-az' | 'internet-out';

/**
 * One interval in which an instance was `running` (nothing else is billed). An interval is cut
 * wherever its description changes or a boundary needs it: at a stop (the next start begins a new
 * billing period), at a reboot and at a month boundary (neither begins a new period).
 */
export interface InstanceUsageRecord {
  readonly kind: 'instance-usage';
  readonly recordId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly instanceType: string;
  /** Active vCPUs (after any CPU options): per-vCPU and per-core licenses count these. */
  readonly vcpus: number;
  readonly platform: Platform;
  readonly licenseModel: LicenseModel;
  readonly tenancy: Tenancy;
  readonly availabilityZone: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
  /** True when this interval begins with a start or launch (it pays a new minimum). */
  readonly startsPeriod: boolean;
  /**
   * When the billing period this interval belongs to began (the start or launch): equals
   * `startMs` when `startsPeriod`, earlier for a continuation. Per-hour products count their hours
   * from here and a continuation pays only what is left of the minimum, so it must be carried.
   */
  readonly periodStartMs: SimTimeMs;
  /**
   * `spot` for a Spot Instance: its compute is billed at the Spot price of each hour (the rater;
   * pricing/spot-price.ts), its licence components as an On-Demand instance's. Absent: On-Demand.
   */
  readonly market?: 'spot';
  /**
   * Spot only, on the interval a Spot interruption ended (written in the termination's commit):
   * Amazon EC2, not the user, terminated the instance. A period so ended before a full hour of
   * running time is not charged (the rater; docs/model.md, "Spot interruptions and the first hour").
   */
  readonly interrupted?: true;
}

/**
 * Surplus CPU credits a burstable instance in `unlimited` mode spent beyond what it earned, charged
 * when EC2 charges them (stop, terminate, end of month, over the 24 h cap). One credit is one
 * vCPU-minute = 60,000 vCPU-ms; integer vCPU-ms keep sums exact (see `creditsToVcpuMs`).
 */
export interface CpuSurplusRecord {
  readonly kind: 'cpu-surplus';
  readonly recordId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly instanceType: string;
  readonly platform: Platform;
  readonly surplusVcpuMs: number;
  readonly atMs: SimTimeMs;
}

/** An interval in which a volume existed with one configuration; a modification cuts a new record. */
export interface VolumeUsageRecord {
  readonly kind: 'volume-usage';
  readonly recordId: string;
  readonly tenantId: string;
  readonly volumeId: string;
  readonly volumeType: VolumeType;
  readonly sizeGiB: number;
  /** Provisioned IOPS (gp3, io1, io2); informational for the other types. */
  readonly iops: number;
  /** Provisioned throughput (gp3); informational otherwise. */
  readonly throughputMiBps: number;
  readonly availabilityZone: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

/**
 * An interval in which an EBS snapshot was stored (from CreateSnapshot, CreateImage or CopySnapshot
 * until DeleteSnapshot). Billed at `sizeGiB`, the size of the volume it was taken of: Nimbus does not
 * model written or changed blocks, so the full size is an upper bound of what EC2 bills.
 */
export interface SnapshotUsageRecord {
  readonly kind: 'snapshot-usage';
  readonly recordId: string;
  readonly tenantId: string;
  readonly snapshotId: string;
  readonly sizeGiB: number;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

/**
 * An interval in which the tenant held a public IPv4 address (AWS's charge since 1 February 2024):
 * `in-use` while it is mapped to a network interface (an instance's auto-assigned address, an
 * associated Elastic IP), `idle` while an Elastic IP is associated with nothing. Both are priced
 * per address-hour and shown as two usage types (PublicIPv4:InUseAddress, PublicIPv4:IdleAddress).
 */
export interface PublicIpv4UsageRecord {
  readonly kind: 'public-ipv4';
  readonly recordId: string;
  readonly tenantId: string;
  readonly publicIp: string;
  readonly state: PublicIpv4State;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}
export const PUBLIC_IPV4_STATES = ['in-use', 'idle'] as const;
export type PublicIpv4State = (typeof PUBLIC_IPV4_STATES)[number];

/**
 * An interval in which an instance was `running` with detailed monitoring enabled (EC2's
 * `Monitoring.Enabled`, MonitorInstances): it sent its metrics to CloudWatch every minute, which
 * CloudWatch bills as custom metrics, prorated by the hour (docs/model.md §5). Enabled from the
 * instant it was asked (the launch, MonitorInstances) until UnmonitorInstances, a stop or a
 * termination; only the running part is metered.
 */
export interface MonitoringUsageRecord {
  readonly kind: 'monitoring';
  readonly recordId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

/** An interval in which a Dedicated Host was allocated to the tenant (billed whether or not instances run). */
export interface HostUsageRecord {
  readonly kind: 'host-usage';
  readonly recordId: string;
  readonly tenantId: string;
  readonly hostId: string;
  /** The instance family the host was allocated for (EC2's AllocateHosts `InstanceFamily`): the price key. */
  readonly hostFamily: string;
  readonly availabilityZone: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
  readonly startsPeriod: boolean;
  readonly periodStartMs: SimTimeMs;
}

/**
 * An interval in which a NAT gateway was provisioned for the tenant (CreateNatGateway until
 * DeleteNatGateway). Amazon VPC pricing: "Each partial NAT Gateway-hour consumed is billed as a
 * full hour", so it is billed per hour from the period's start (PER_HOUR), like SUSE instances.
 */
export interface NatGatewayUsageRecord {
  readonly kind: 'nat-gateway';
  readonly recordId: string;
  readonly tenantId: string;
  readonly natGatewayId: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
  readonly startsPeriod: boolean;
  readonly periodStartMs: SimTimeMs;
}

/**
 * Bytes metered at one endpoint. `cross-az`: bytes this instance sent to or received from another
 * AZ (EC2 charges each direction, so a transfer between two instances is metered at both ends);
 * `internet-out`: bytes sent to the internet. Inbound internet and same-AZ traffic are free and not
 * recorded.
 */
export interface DataTransferRecord {
  readonly kind: 'data-transfer';
  readonly recordId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly direction: TransferDirection;
  readonly bytes: number;
  readonly atMs: SimTimeMs;
}

/**
 * Bytes a NAT gateway processed: an instance's internet-bound bytes sent through the gateway its
 * subnet's route table sends 0.0.0.0/0 to (the app decides which: docs/model.md §5, "NAT
 * gateways"). The same bytes are also a `data-transfer` record (`internet-out`): AWS charges the
 * processing, then the egress. Keyed by the instance's internet-out reading it ends at, as that
 * record is, so a replay adds nothing.
 */
export interface NatBytesRecord {
  readonly kind: 'nat-bytes';
  readonly recordId: string;
  readonly tenantId: string;
  readonly natGatewayId: string;
  /** The instance whose bytes the gateway processed. */
  readonly instanceId: string;
  readonly bytes: number;
  readonly atMs: SimTimeMs;
}

/**
 * I/O requests a volume served, metered where EC2 bills them: previous-generation Magnetic
 * (`standard`) volumes, per million requests. A delta of the volume's cumulative counter.
 */
export interface VolumeIoRecord {
  readonly kind: 'volume-io';
  readonly recordId: string;
  readonly tenantId: string;
  readonly volumeId: string;
  readonly volumeType: 'standard';
  readonly requests: number;
  readonly atMs: SimTimeMs;
}

/**
 * A Standard Reserved Instance's term, or the part of it billed so far (docs/model.md §5, "Reserved
 * Instances"): Linux/UNIX, default tenancy, `instanceCount` instances of `instanceType`, regional
 * (`scope` Region) or zonal (`Availability Zone`, `availabilityZone`). Its prices were fixed at
 * purchase and travel with it. The upfront `fixedPrice` (per instance) is charged once, in the month
 * of `termStartMs`; `usagePrice` (per instance-hour) for every ms of [startMs, endMs) whether or not
 * it is used; and in each clock hour it covers matching On-Demand usage (rating/reserved-coverage.ts).
 * `startMs` is the term's start, `endMs` its end or, in an estimate, now.
 */
export interface ReservedInstanceRecord {
  readonly kind: 'reserved-instance';
  readonly recordId: string;
  readonly tenantId: string;
  readonly reservedInstancesId: string;
  readonly instanceType: string;
  readonly scope: 'Region' | 'Availability Zone';
  readonly availabilityZone?: string;
  readonly instanceCount: number;
  /** `1 yr` or `3 yr` and the payment option, for the invoice's words: `1 yr No Upfront`. */
  readonly offering: string;
  /** Decimal strings, USD. */
  readonly fixedPrice: string;
  readonly usagePrice: string;
  readonly termStartMs: SimTimeMs;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

export type UsageRecord =
  | InstanceUsageRecord
  | ReservedInstanceRecord
  | CpuSurplusRecord
  | VolumeUsageRecord
  | SnapshotUsageRecord
  | PublicIpv4UsageRecord
  | MonitoringUsageRecord
  | HostUsageRecord
  | NatGatewayUsageRecord
  | DataTransferRecord
  | NatBytesRecord
  | VolumeIoRecord;
/** Records of a quantity at one instant (the others are intervals). */
export type PointUsageRecord = CpuSurplusRecord | DataTransferRecord | NatBytesRecord | VolumeIoRecord;
export const isPointRecord = (r: UsageRecord): r is PointUsageRecord => r.kind === 'cpu-surplus' || r.kind === 'data-transfer' || r.kind === 'nat-bytes' || r.kind === 'volume-io';
export type IntervalUsageRecord = InstanceUsageRecord | ReservedInstanceRecord | VolumeUsageRecord | SnapshotUsageRecord | PublicIpv4UsageRecord | MonitoringUsageRecord | HostUsageRecord | NatGatewayUsageRecord;
/**
 * Interval records with no billing period and no minimum: prorated by the millisecond (storage,
 * public IPv4 address-hours), or by the clock hour (detailed monitoring).
 */
export type ProratedUsageRecord = VolumeUsageRecord | SnapshotUsageRecord | PublicIpv4UsageRecord | MonitoringUsageRecord | ReservedInstanceRecord;
export const isProratedRecord = (r: UsageRecord): r is ProratedUsageRecord =>
  r.kind === 'reserved-instance' || r.kind === 'volume-usage' || r.kind === 'snapshot-usage' || r.kind === 'public-ipv4' || r.kind === 'monitoring';

/*
 * Idempotency keys. The rule: `<kind>:<source id>:<event time>` (plus the direction for transfer),
 * where the event time is when the interval began or when the meter was read. A source cannot
 * produce two intervals beginning at the same millisecond, so the key is unique per real usage and
 * identical on every replay. Month-split continuations get `<recordId>#<YYYY-MM>`.
 */
export function instanceUsageRecordId(instanceId: string, startMs: SimTimeMs): string {
  return `instance:${instanceId}:${startMs}`;
}
export function reservedInstanceRecordId(reservedInstancesId: string): string {
  return `reserved-instance:${reservedInstancesId}`;
}
export function volumeUsageRecordId(volumeId: string, startMs: SimTimeMs): string {
  return `volume:${volumeId}:${startMs}`;
}
export function snapshotUsageRecordId(snapshotId: string, startMs: SimTimeMs): string {
  return `snapshot:${snapshotId}:${startMs}`;
}
/**
 * A holding of a public address: `holderId` is what holds it (an Elastic IP's allocation id, or the
 * network interface an auto-assigned address is given to), so two holders of one address (one
 * releasing it, the next taking it, in one commit) never share a key.
 */
export function publicIpv4UsageRecordId(holderId: string, publicIp: string, startMs: SimTimeMs): string {
  return `public-ipv4:${holderId}:${publicIp}:${startMs}`;
}
/** An instance's detailed monitoring from `startMs` (it began running monitored, or monitoring was enabled while it ran). */
export function monitoringUsageRecordId(instanceId: string, startMs: SimTimeMs): string {
  return `monitoring:${instanceId}:${startMs}`;
}
export function hostUsageRecordId(hostId: string, startMs: SimTimeMs): string {
  return `host:${hostId}:${startMs}`;
}
export function natGatewayUsageRecordId(natGatewayId: string, startMs: SimTimeMs): string {
  return `nat-gateway:${natGatewayId}:${startMs}`;
}
export function cpuSurplusRecordId(instanceId: string, atMs: SimTimeMs): string {
  return `surplus:${instanceId}:${atMs}`;
}
export function dataTransferRecordId(instanceId: string, direction: TransferDirection, atMs: SimTimeMs): string {
  return `transfer:${instanceId}:${direction}:${atMs}`;
}

/*
 * Meter readings. Surplus credits and data transfer are cumulative counters on the VMM (they only
 * grow); the app meters them as deltas between two readings. Keying the delta by the reading it
 * ends at (`<counter value>`, not the time it was read) makes the key unique even when two
 * readings fall in the same millisecond, and identical when a crash makes the app read again:
 * two deltas that end at the same counter value cannot both be real usage.
 */
export function cpuSurplusMeterRecordId(instanceId: string, cumulativeVcpuMs: number): string {
  return `surplus:${instanceId}:@${cumulativeVcpuMs}`;
}
export function dataTransferMeterRecordId(instanceId: string, direction: TransferDirection, cumulativeBytes: number): string {
  return `transfer:${instanceId}:${direction}:@${cumulativeBytes}`;
}
/** A NAT gateway's processed bytes end at the instance's internet-out reading, as its `data-transfer` record does. */
export function natBytesMeterRecordId(instanceId: string, cumulativeInternetBytes: number): string {
  return `nat-bytes:${instanceId}:@${cumulativeInternetBytes}`;
}
export function volumeIoMeterRecordId(volumeId: string, cumulativeRequests: number): string {
  return `volume-io:${volumeId}:@${cumulativeRequests}`;
}

/** Credits (vCPU-minutes, possibly fractional from ms accounting) to the integer vCPU-ms a record carries. */
export function creditsToVcpuMs(credits: number): number {
  return Math.round(credits * 60_000);
}

const isTime = (t: unknown): t is number => typeof t === 'number' && Number.isSafeInteger(t) && t >= 0;
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

function checkInterval(r: IntervalUsageRecord): void {
  if (!isTime(r.startMs) || !isTime(r.endMs)) throw new InvalidUsageRecord(r.recordId, 'startMs and endMs must be non-negative integer milliseconds');
  if (r.endMs < r.startMs) throw new InvalidUsageRecord(r.recordId, `endMs ${r.endMs} is before startMs ${r.startMs}`);
}

function checkPeriod(r: InstanceUsageRecord | HostUsageRecord | NatGatewayUsageRecord): void {
  if (!isTime(r.periodStartMs) || r.periodStartMs > r.startMs) {
    throw new InvalidUsageRecord(r.recordId, 'periodStartMs must be an integer millisecond at or before startMs');
  }
  if (r.startsPeriod !== (r.periodStartMs === r.startMs)) {
    throw new InvalidUsageRecord(r.recordId, 'startsPeriod must be true exactly when periodStartMs equals startMs');
  }
}

/** Throws `InvalidUsageRecord` naming the record and what is wrong. Cheap: the rater calls it per record. */
export function validateUsageRecord(r: UsageRecord): void {
  if (typeof r.recordId !== 'string' || r.recordId === '') throw new InvalidUsageRecord(String(r.recordId), 'recordId is required');
  if (typeof r.tenantId !== 'string' || r.tenantId === '') throw new InvalidUsageRecord(r.recordId, 'tenantId is required');
  switch (r.kind) {
    case 'instance-usage':
      checkInterval(r);
      checkPeriod(r);
      if (!Number.isSafeInteger(r.vcpus) || r.vcpus < 1) throw new InvalidUsageRecord(r.recordId, 'vcpus must be a positive integer');
      if (!PLATFORMS.includes(r.platform)) throw new InvalidUsageRecord(r.recordId, `unknown platform '${r.platform}'`);
      if (r.licenseModel !== 'license-included' && r.licenseModel !== 'byol') throw new InvalidUsageRecord(r.recordId, `unknown licenseModel '${r.licenseModel}'`);
      if (r.tenancy !== 'default' && r.tenancy !== 'dedicated' && r.tenancy !== 'host') throw new InvalidUsageRecord(r.recordId, `unknown tenancy '${r.tenancy}'`);
      if (r.market !== undefined && (r.market !== 'spot' || r.tenancy !== 'default')) throw new InvalidUsageRecord(r.recordId, `market must be 'spot' on default tenancy, or absent`);
      if (r.interrupted !== undefined && (r.interrupted !== true || r.market !== 'spot')) throw new InvalidUsageRecord(r.recordId, `interrupted must be true on a Spot Instance's interval, or absent`);
      return;
    case 'reserved-instance':
      checkInterval(r);
      if (!isTime(r.termStartMs) || r.termStartMs > r.startMs) throw new InvalidUsageRecord(r.recordId, 'termStartMs must be an integer millisecond at or before startMs');
      if (!Number.isSafeInteger(r.instanceCount) || r.instanceCount < 1) throw new InvalidUsageRecord(r.recordId, 'instanceCount must be a positive integer');
      if (r.scope !== 'Region' && !(r.scope === 'Availability Zone' && typeof r.availabilityZone === 'string' && r.availabilityZone !== '')) {
        throw new InvalidUsageRecord(r.recordId, `scope must be 'Region', or 'Availability Zone' with an availabilityZone`);
      }
      if (!/^\d+(\.\d+)?$/.test(r.fixedPrice) || !/^\d+(\.\d+)?$/.test(r.usagePrice)) throw new InvalidUsageRecord(r.recordId, 'fixedPrice and usagePrice must be non-negative decimal strings');
      return;
    case 'host-usage':
    case 'nat-gateway':
      checkInterval(r);
      checkPeriod(r);
      return;
    case 'volume-usage':
      checkInterval(r);
      if (!VOLUME_TYPES.includes(r.volumeType)) throw new InvalidUsageRecord(r.recordId, `unknown volumeType '${r.volumeType}'`);
      if (!isCount(r.sizeGiB) || !isCount(r.iops) || !isCount(r.throughputMiBps)) {
        throw new InvalidUsageRecord(r.recordId, 'sizeGiB, iops and throughputMiBps must be non-negative integers');
      }
      return;
    case 'snapshot-usage':
      checkInterval(r);
      if (!isCount(r.sizeGiB)) throw new InvalidUsageRecord(r.recordId, 'sizeGiB must be a non-negative integer');
      return;
    case 'public-ipv4':
      checkInterval(r);
      if (!PUBLIC_IPV4_STATES.includes(r.state)) throw new InvalidUsageRecord(r.recordId, `unknown public IPv4 address state '${r.state}'`);
      if (typeof r.publicIp !== 'string' || r.publicIp === '') throw new InvalidUsageRecord(r.recordId, 'publicIp is required');
      return;
    case 'monitoring':
      checkInterval(r);
      if (typeof r.instanceId !== 'string' || r.instanceId === '') throw new InvalidUsageRecord(r.recordId, 'instanceId is required');
      return;
    case 'cpu-surplus':
      if (!isTime(r.atMs)) throw new InvalidUsageRecord(r.recordId, 'atMs must be a non-negative integer millisecond');
      if (!PLATFORMS.includes(r.platform)) throw new InvalidUsageRecord(r.recordId, `unknown platform '${r.platform}'`);
      if (!isCount(r.surplusVcpuMs)) throw new InvalidUsageRecord(r.recordId, 'surplusVcpuMs must be a non-negative integer (1 credit = 60,000 vCPU-ms)');
      return;
    case 'data-transfer':
      if (!isTime(r.atMs)) throw new InvalidUsageRecord(r.recordId, 'atMs must be a non-negative integer millisecond');
      if (r.direction !== 'cross-az' && r.direction !== 'internet-out') throw new InvalidUsageRecord(r.recordId, `unknown direction '${r.direction}'`);
      if (!isCount(r.bytes)) throw new InvalidUsageRecord(r.recordId, 'bytes must be a non-negative integer');
      return;
    case 'nat-bytes':
      if (!isTime(r.atMs)) throw new InvalidUsageRecord(r.recordId, 'atMs must be a non-negative integer millisecond');
      if (typeof r.natGatewayId !== 'string' || r.natGatewayId === '') throw new InvalidUsageRecord(r.recordId, 'natGatewayId is required');
      if (!isCount(r.bytes)) throw new InvalidUsageRecord(r.recordId, 'bytes must be a non-negative integer');
      return;
    case 'volume-io':
      if (!isTime(r.atMs)) throw new InvalidUsageRecord(r.recordId, 'atMs must be a non-negative integer millisecond');
      if ((r.volumeType as string) !== 'standard') throw new InvalidUsageRecord(r.recordId, `I/O requests are metered for standard volumes only, not '${r.volumeType as string}'`);
      if (!isCount(r.requests)) throw new InvalidUsageRecord(r.recordId, 'requests must be a non-negative integer');
      return;
    default:
      throw new InvalidUsageRecord((r as { recordId: string }).recordId, `unknown kind '${(r as { kind: string }).kind}'`);
  }
}
