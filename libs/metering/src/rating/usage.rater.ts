import { Decimal } from 'decimal.js';
import { BillingMonth, MS_PER_HOUR, monthLengthMs } from '../calendar/billing-month';
import { UsageRecordConflict } from '../errors';
import { PendingLine, Product } from '../invoice/invoice-line';
import { ExactSum, Money, ZERO, formatPrice } from '../money/money';
import { CompiledPriceBook } from '../pricing/price-book.compiled';
import { EbsPrices, LicenseComponent, PriceBookVersion } from '../pricing/price-book';
import { PriceNotFound } from '../errors';
import { sameUsageRecord } from '../usage/usage.dedupe';
import { InstanceUsageRecord, isProratedRecord, LicenseModel, Platform, PublicIpv4State, ReservedInstanceRecord, Tenancy, UsageRecord, VolumeType, validateUsageRecord } from '../usage/usage-record';
import { CoverablePiece, coverUsage, reservationUnits } from './reserved-coverage';
import { DEDICATED_HOST_BILLING, INSTANCE_BILLING, NAT_GATEWAY_BILLING, billedMsByVersion } from './billing-granularity';
import { mergeIntervals, TimeInterval } from '../sla/availability';
import { spotHourOf, spotPercent, spotPriceOf } from '../pricing/spot-price';

/** One instance's running time inside the month, kept only for instances the SLA inputs name. */
export type InstanceSegment = Pick<
  InstanceUsageRecord,
  'instanceId' | 'instanceType' | 'vcpus' | 'platform' | 'licenseModel' | 'tenancy' | 'availabilityZone' | 'periodStartMs' | 'startMs' | 'endMs'
>;

export interface RatedUsage {
  /** Charge lines, unrounded and unsorted. */
  readonly lines: PendingLine[];
  readonly segmentsByInstance: ReadonlyMap<string, InstanceSegment[]>;
  /** Availability zones where the tenant ran instances this month (the region-level SLA's scope). */
  readonly zonesInUse: ReadonlySet<string>;
  /** What the coverage rule decided this month: the quantities behind RI utilization and coverage. */
  readonly reservedInstances: ReservedInstanceUse;
}

/** One Reserved Instance's capacity in the month and what of it the coverage rule used. */
export interface ReservationUse {
  readonly reservedInstancesId: string;
  readonly instanceType: string;
  readonly scope: 'Region' | 'Availability Zone';
  readonly availabilityZone?: string;
  readonly instanceCount: number;
  /** Instance count × the hours of its term inside the month (AWS Cost Explorer's PurchasedHours). */
  readonly purchasedHours: Decimal;
  /** The part of those hours that covered usage, in hours of its own size (TotalActualHours). */
  readonly usedHours: Decimal;
}

/**
 * The quantities the rater computed for Reserved Instances: each RI's purchased and used hours, and
 * the On-Demand-eligible instance hours (Linux/UNIX, default tenancy, not Spot: what an RI may cover)
 * with the part the RIs covered. Utilization and coverage are ratios of these (invoice/reserved-use.ts).
 */
export interface ReservedInstanceUse {
  readonly reservations: readonly ReservationUse[];
  /** Eligible instance hours billed (covered + On-Demand): Cost Explorer's TotalRunningHours. */
  readonly eligibleHours: Decimal;
  /** Of those, the hours Reserved Instances covered: ReservedHours. */
  readonly coveredHours: Decimal;
}

export const PLATFORM_LABEL: Readonly<Record<Platform, string>> = {
  linux: 'Linux/UNIX',
  windows: 'Windows',
  rhel: 'Red Hat Enterprise Linux',
  suse: 'SUSE Linux Enterprise Server',
  'ubuntu-pro': 'Ubuntu Pro',
  'windows-sql-standard': 'Windows with SQL Server Standard',
};

const LICENSE_LABEL: Readonly<Record<string, string>> = {
  'windows-server': 'Windows Server',
  'sql-server-standard': 'SQL Server Standard',
  rhel: 'Red Hat Enterprise Linux',
  sles: 'SUSE Linux Enterprise Server',
  'ubuntu-pro': 'Ubuntu Pro',
};

interface InstanceAgg {
  /** Spot: its compute is on the Spot lines (spotLines), its licences here as On-Demand's. */
  readonly spot: boolean;
  readonly instanceType: string;
  readonly platform: Platform;
  readonly licenseModel: LicenseModel;
  readonly tenancy: Tenancy;
  readonly vcpus: number;
  readonly v: number;
  readonly ms: ExactSum;
}

interface Agg<M> {
  readonly meta: M;
  readonly sum: ExactSum;
}

function bump<M>(map: Map<string, Agg<M>>, key: string, meta: () => M, n: number): void {
  let a = map.get(key);
  if (a === undefined) {
    a = { meta: meta(), sum: new ExactSum() };
    map.set(key, a);
  }
  a.sum.add(n);
}

const pad = (v: number): string => String(v).padStart(6, '0');
const money = (d: Decimal): string => `$${formatPrice(d)}`;

/**
 * Rates one tenant's usage for one month in a single pass. Records are deduplicated by id,
 * validated, cut to the month, and their integer quantities (billed ms, GiB-ms, bytes, vCPU-ms)
 * summed per line key; Decimals appear only once per line, at the end. The result does not depend
 * on record order or on duplicated records.
 */
export function rateUsage(
  records: readonly UsageRecord[],
  month: BillingMonth,
  book: CompiledPriceBook,
  slaInstanceIds: ReadonlySet<string> = new Set(),
): RatedUsage {
  const { startMs: m0, endMs: m1 } = month;
  const seen = new Map<string, UsageRecord>();
  const instances = new Map<string, InstanceAgg>();
  const hosts = new Map<string, Agg<{ family: string; v: number }>>();
  const surplus = new Map<string, Agg<{ platform: Platform; v: number }>>();
  const transfer = new Map<string, Agg<{ direction: 'cross-az' | 'internet-out'; v: number }>>();
  const ioRequests = new Map<string, Agg<{ v: number }>>();
  const volumes = new Map<string, Agg<{ product: Product; volumeType: VolumeType; tier: number; v: number }>>();
  const snapshots = new Map<string, Agg<{ v: number }>>();
  const addresses = new Map<string, Agg<{ state: PublicIpv4State; v: number }>>();
  const natGateways = new Map<string, Agg<{ v: number }>>();
  const spot = new Map<string, Agg<{ instanceType: string; availabilityZone: string; percent: number; v: number }>>();
  const monitoredHours = new Map<string, TimeInterval[]>();
  const natBytes = new Map<string, Agg<{ v: number }>>();
  const segmentsByInstance = new Map<string, InstanceSegment[]>();
  const zonesInUse = new Set<string>();
  const pieces: number[] = [];
  const { starts, versionIndexAt } = book;
  const waived = waivedSpotPeriods(records);
  // Reserved Instances: their terms, and the On-Demand pieces (per clock hour) they may cover.
  const reserved: ReservedInstanceRecord[] = [];
  const mayCover = records.some((r) => r.kind === 'reserved-instance');
  const coverable: (CoverablePiece & { readonly r: InstanceUsageRecord; readonly v: number })[] = [];
  const eligibleMs = new ExactSum();
  const addInstanceMs = (r: InstanceUsageRecord, v: number, isSpot: boolean, ms: number) => {
    const key = `${r.instanceType}|${r.platform}|${r.licenseModel}|${r.tenancy}|${r.vcpus}|${v}|${isSpot ? 'spot' : ''}`;
    let a = instances.get(key);
    if (a === undefined) {
      a = { spot: isSpot, instanceType: r.instanceType, platform: r.platform, licenseModel: r.licenseModel, tenancy: r.tenancy, vcpus: r.vcpus, v, ms: new ExactSum() };
      instances.set(key, a);
    }
    a.ms.add(ms);
  };

  for (const r of records) {
    const first = seen.get(r.recordId);
    if (first !== undefined) {
      if (!sameUsageRecord(first, r)) throw new UsageRecordConflict(r.recordId);
      continue;
    }
    seen.set(r.recordId, r);
    validateUsageRecord(r);

    if (r.kind === 'reserved-instance') {
      // Its upfront fee belongs to the month of its term's start, even at the term's first instant.
      if ((r.termStartMs >= m0 && r.termStartMs < m1) || (r.startMs < m1 && r.endMs > m0)) reserved.push(r);
      continue;
    }
    if (r.kind === 'cpu-surplus' || r.kind === 'data-transfer' || r.kind === 'nat-bytes' || r.kind === 'volume-io') {
      if (r.atMs < m0 || r.atMs >= m1) continue;
      const v = versionIndexAt(r.atMs);
      if (r.kind === 'cpu-surplus') {
        const { platform } = r;
        bump(surplus, `${platform}|${v}`, () => ({ platform, v }), r.surplusVcpuMs);
      } else if (r.kind === 'volume-io') {
        bump(ioRequests, `${v}`, () => ({ v }), r.requests);
      } else if (r.kind === 'nat-bytes') {
        bump(natBytes, `${v}`, () => ({ v }), r.bytes);
      } else {
        const { direction } = r;
        bump(transfer, `${direction}|${v}`, () => ({ direction, v }), r.bytes);
      }
      continue;
    }

    // Interval records: the part inside the month. A zero-length interval that begins a period
    // (started and stopped in the same ms) still pays its minimum, so it is kept.
    if (r.startMs >= m1 || r.endMs < m0) continue;
    const s = Math.max(r.startMs, m0);
    const e = Math.min(r.endMs, m1);
    if (e === s && !(s === r.startMs && !isProratedRecord(r) && r.startsPeriod)) continue;

    if (r.kind === 'instance-usage') {
      zonesInUse.add(r.availabilityZone);
      const isSpot = r.market === 'spot';
      if (isSpot && waived.has(periodKey(r))) continue;
      // What a Reserved Instance may cover: On-Demand Linux/UNIX at default tenancy (never Spot).
      const eligible = !isSpot && r.tenancy === 'default' && r.platform === 'linux';
      const coverableByRi = mayCover && eligible;
      // A Spot interval (and one an RI may cover) is cut at every clock hour: each billed unit is priced
      // (or covered) by the hour it starts in (billedMs is the same however a period is cut, so the cuts
      // move no unit and add no minimum).
      for (let from = s; ; ) {
        const to = isSpot || coverableByRi ? Math.min(e, (Math.floor(from / MS_PER_HOUR) + 1) * MS_PER_HOUR) : e;
        const segment = { periodStartMs: r.periodStartMs, startMs: from, endMs: to };
        const n = billedMsByVersion(segment, INSTANCE_BILLING[r.platform], starts, versionIndexAt, pieces);
        for (let i = 0; i < n; i += 2) {
          const v = pieces[i];
          if (eligible) eligibleMs.add(pieces[i + 1]);
          if (coverableByRi) {
            coverable.push({ hour: Math.floor(from / MS_PER_HOUR), instanceType: r.instanceType, availabilityZone: r.availabilityZone, billedMs: pieces[i + 1], r, v });
            continue;
          }
          addInstanceMs(r, v, isSpot, pieces[i + 1]);
          if (isSpot) {
            const { instanceType, availabilityZone } = r;
            const percent = spotPercent(instanceType, availabilityZone, spotHourOf(from));
            bump(spot, `${instanceType}|${availabilityZone}|${percent}|${v}`, () => ({ instanceType, availabilityZone, percent, v }), pieces[i + 1]);
          }
        }
        if (to >= e) break;
        from = to;
      }
      if (slaInstanceIds.has(r.instanceId)) {
        let list = segmentsByInstance.get(r.instanceId);
        if (!list) segmentsByInstance.set(r.instanceId, (list = []));
        list.push({
          instanceId: r.instanceId, instanceType: r.instanceType, vcpus: r.vcpus, platform: r.platform, licenseModel: r.licenseModel,
          tenancy: r.tenancy, availabilityZone: r.availabilityZone, periodStartMs: r.periodStartMs, startMs: s, endMs: e,
        });
      }
    } else if (r.kind === 'host-usage') {
      const n = billedMsByVersion({ periodStartMs: r.periodStartMs, startMs: s, endMs: e }, DEDICATED_HOST_BILLING, starts, versionIndexAt, pieces);
      const family = r.hostFamily;
      for (let i = 0; i < n; i += 2) {
        const v = pieces[i];
        bump(hosts, `${family}|${v}`, () => ({ family, v }), pieces[i + 1]);
      }
    } else if (r.kind === 'nat-gateway') {
      // NAT gateways: whole hours from the gateway's creation (each partial hour billed as a full hour).
      const n = billedMsByVersion({ periodStartMs: r.periodStartMs, startMs: s, endMs: e }, NAT_GATEWAY_BILLING, starts, versionIndexAt, pieces);
      for (let i = 0; i < n; i += 2) {
        const v = pieces[i];
        bump(natGateways, `${v}`, () => ({ v }), pieces[i + 1]);
      }
    } else if (r.kind === 'snapshot-usage') {
      // Snapshots: the stored GiB (the source volume's size), prorated as volume storage is.
      const { sizeGiB } = r;
      forEachVersion(book, s, e, (v, ms) => bump(snapshots, `${v}`, () => ({ v }), sizeGiB * ms));
    } else if (r.kind === 'monitoring') {
      // Detailed monitoring: the clock hours [first, end) the instance sent metrics in, merged per
      // instance below (two intervals in one hour count it once). Usage before any version: PriceNotFound.
      versionIndexAt(s);
      let hours = monitoredHours.get(r.instanceId);
      if (!hours) monitoredHours.set(r.instanceId, (hours = []));
      hours.push({ startMs: Math.floor(s / MS_PER_HOUR), endMs: Math.ceil(e / MS_PER_HOUR) });
    } else if (r.kind === 'public-ipv4') {
      // Public IPv4 addresses: address-hours prorated by the millisecond, no minimum.
      const { state } = r;
      forEachVersion(book, s, e, (v, ms) => bump(addresses, `${state}|${v}`, () => ({ state, v }), ms));
    } else {
      // Volumes: prorated by the millisecond within each price version (no minimum, no rounding).
      const { volumeType, sizeGiB, iops, throughputMiBps } = r;
      forEachVersion(book, s, e, (v, ms) => {
        const ebs = book.versions[v].ebs;
        const vv = v;
        bump(volumes, `storage|${volumeType}|${v}`, () => ({ product: 'ebs-storage' as const, volumeType, tier: 0, v: vv }), sizeGiB * ms);
        if (volumeType === 'gp3') {
          const extraIops = Math.max(0, iops - ebs.gp3.baselineIops);
          const extraMiBps = Math.max(0, throughputMiBps - ebs.gp3.baselineMiBps);
          if (extraIops > 0) bump(volumes, `iops|gp3|0|${v}`, () => ({ product: 'ebs-iops' as const, volumeType, tier: 0, v: vv }), extraIops * ms);
          if (extraMiBps > 0) bump(volumes, `throughput|gp3|${v}`, () => ({ product: 'ebs-throughput' as const, volumeType, tier: 0, v: vv }), extraMiBps * ms);
        } else if (volumeType === 'io1') {
          if (iops > 0) bump(volumes, `iops|io1|0|${v}`, () => ({ product: 'ebs-iops' as const, volumeType, tier: 0, v: vv }), iops * ms);
        } else if (volumeType === 'io2') {
          let below = 0;
          ebs.io2.iopsTiers.forEach((t, tier) => {
            const inTier = Math.max(0, Math.min(iops, t.upTo ?? Infinity) - below);
            if (inTier > 0) bump(volumes, `iops|io2|${tier}|${vv}`, () => ({ product: 'ebs-iops' as const, volumeType, tier, v: vv }), inTier * ms);
            below = t.upTo ?? Infinity;
          });
        }
      });
    }
  }

  // Each clock hour's coverage: covered ms leave the On-Demand lines for the covered line ($0).
  const coveredMs = new Map<string, ExactSum>();
  const allCoveredMs = new ExactSum();
  const inMonth = reserved.map((r) => ({ ...r, startMs: Math.max(r.startMs, m0), endMs: Math.min(r.endMs, m1) }));
  const { covered, used } = coverUsage(coverable, inMonth);
  coverable.forEach((p, i) => {
    if (p.billedMs > covered[i]) addInstanceMs(p.r, p.v, false, p.billedMs - covered[i]);
    if (covered[i] > 0) {
      let sum = coveredMs.get(p.instanceType);
      if (!sum) coveredMs.set(p.instanceType, (sum = new ExactSum()));
      sum.add(covered[i]);
      allCoveredMs.add(covered[i]);
    }
  });
  const reservedInstances: ReservedInstanceUse = {
    reservations: inMonth.map((r, j) => ({
      reservedInstancesId: r.reservedInstancesId, instanceType: r.instanceType, scope: r.scope, ...(r.availabilityZone !== undefined ? { availabilityZone: r.availabilityZone } : {}),
      instanceCount: r.instanceCount,
      purchasedHours: new Decimal(r.instanceCount).times(Math.max(0, r.endMs - r.startMs)).div(MS_PER_HOUR),
      usedHours: new Decimal(used[j]).div(reservationUnits(r) * MS_PER_HOUR),
    })),
    eligibleHours: eligibleMs.toDecimal().div(MS_PER_HOUR),
    coveredHours: allCoveredMs.toDecimal().div(MS_PER_HOUR),
  };

  const lines: PendingLine[] = [
    ...instanceLines(instances, book),
    ...[...coveredMs].map(([instanceType, ms]) => coveredLine(instanceType, ms)),
    ...reserved.flatMap((r) => reservedInstanceLines(r, month)),
    ...[...spot.values()].map(({ meta, sum }) => spotLine(meta, sum, book)),
    ...[...hosts.values()].map(({ meta: { family, v }, sum }) => hostLine(family, v, sum, book)),
    ...[...surplus.values()].map(({ meta: { platform, v }, sum }) => surplusLine(platform, v, sum, book)),
    ...[...volumes.values()].map(({ meta, sum }) => volumeLine(meta, sum, book, monthLengthMs(month))),
    ...[...ioRequests.values()].map(({ meta: { v }, sum }) => ioRequestsLine(v, sum, book)),
    ...[...snapshots.values()].map(({ meta: { v }, sum }) => snapshotLine(v, sum, book, monthLengthMs(month))),
    ...[...addresses.values()].map(({ meta: { state, v }, sum }) => publicIpv4Line(state, v, sum, book)),
    ...[...natGateways.values()].map(({ meta: { v }, sum }) => natGatewayLine(v, sum, book)),
    ...monitoringLines(monitoredHours, book, monthLengthMs(month) / MS_PER_HOUR),
    ...[...natBytes.values()].map(({ meta: { v }, sum }) => natBytesLine(v, sum, book)),
    ...transferLines(transfer, book),
  ];
  return { lines, segmentsByInstance, zonesInUse, reservedInstances };
}

/** On-Demand usage Reserved Instances covered: shown at $0, their fee lines charge it. */
function coveredLine(instanceType: string, ms: ExactSum): PendingLine {
  return {
    lineId: `ec2-instance/${instanceType}/linux/default/reserved`,
    sortKey: `${instanceType}|linux|~reserved`,
    product: 'ec2-instance',
    description: `${instanceType} Linux/UNIX, default tenancy: usage covered by Reserved Instances, $0 per instance-hour (the Reserved Instance lines charge it)`,
    unit: 'instance-hour',
    unitPrice: ZERO,
    numerator: ms.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

/**
 * A Reserved Instance's charges in the month: its upfront fee in the month its term starts, and its
 * hourly fee × instance count for every hour of its term in the month, used or not (prorated by the
 * ms at the term's start and end; AWS's HeavyUsage:<type>). An All Upfront RI's hours show at $0.
 */
function reservedInstanceLines(r: ReservedInstanceRecord, month: BillingMonth): PendingLine[] {
  const where = r.scope === 'Region' ? 'regional' : `zonal, ${r.availabilityZone}`;
  const what = `Reserved Instance ${r.reservedInstancesId} (${r.instanceCount} × ${r.instanceType} Linux/UNIX, ${where}, Standard ${r.offering})`;
  const out: PendingLine[] = [];
  const fixed = new Money(r.fixedPrice);
  if (r.termStartMs >= month.startMs && r.termStartMs < month.endMs && !fixed.isZero()) {
    out.push({
      lineId: `ec2-reserved-instance/${r.reservedInstancesId}/upfront`,
      sortKey: `${r.reservedInstancesId}|0`,
      product: 'ec2-reserved-instance',
      description: `${what}: upfront fee ${money(fixed)} per instance, charged once, in the month of purchase`,
      unit: 'instance',
      unitPrice: fixed,
      numerator: new Decimal(r.instanceCount),
      denominator: 1,
    });
  }
  const ms = Math.min(r.endMs, month.endMs) - Math.max(r.startMs, month.startMs);
  if (ms > 0) {
    const hourly = new Money(r.usagePrice);
    out.push({
      lineId: `ec2-reserved-instance/${r.reservedInstancesId}/hours`,
      sortKey: `${r.reservedInstancesId}|1`,
      product: 'ec2-reserved-instance',
      description: `${what}: ${money(hourly)} per reserved instance-hour, every hour of the term whether or not an instance uses it (HeavyUsage:${r.instanceType})`,
      unit: 'instance-hour',
      unitPrice: hourly,
      numerator: new Decimal(r.instanceCount).times(ms),
      denominator: MS_PER_HOUR,
    });
  }
  return out;
}

const periodKey = (r: InstanceUsageRecord): string => `${r.instanceId}|${r.periodStartMs}`;

/**
 * The billing periods of Spot Instances that Amazon EC2 interrupted before a full hour of running
 * time: the EC2 User Guide's table, "Billing for interrupted Spot Instances", gives "No charge" for
 * a Linux or Windows Spot Instance interrupted by Amazon EC2 in its first hour, and "charged for the
 * seconds used" when you stop or terminate it. Their compute and licences are not charged, in every interval of
 * the period (a reboot or a month boundary cuts one). A user's own termination is billed as usual.
 */
function waivedSpotPeriods(records: readonly UsageRecord[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) if (r.kind === 'instance-usage' && r.interrupted === true && r.endMs - r.periodStartMs < MS_PER_HOUR) out.add(periodKey(r));
  return out;
}

/** Calls `each` with the part of [fromMs, toMs) in each price version: storage is prorated by the ms within each. */
function forEachVersion(book: CompiledPriceBook, fromMs: number, toMs: number, each: (v: number, ms: number) => void): void {
  const { starts } = book;
  let from = fromMs;
  for (let v = book.versionIndexAt(from); from < toMs; v++) {
    const to = Math.min(toMs, v + 1 < starts.length ? starts[v + 1] : Infinity);
    each(v, to - from);
    from = to;
  }
}

function instanceLines(instances: Map<string, InstanceAgg>, book: CompiledPriceBook): PendingLine[] {
  // Compute and license lines aggregate the same billed ms along different keys.
  const compute = new Map<string, { a: InstanceAgg; ms: ExactSum }>();
  const license = new Map<string, { a: InstanceAgg; c: LicenseComponent; ms: ExactSum }>();
  for (const a of instances.values()) {
    if (a.tenancy !== 'host' && !a.spot) {
      const key = `${a.instanceType}|${a.platform}|${a.licenseModel}|${a.tenancy}|${a.v}`;
      let c = compute.get(key);
      if (!c) compute.set(key, (c = { a, ms: new ExactSum() }));
      c.ms.addExact(a.ms);
    }
    // A Dedicated Host covers compute, not license-included software (as on EC2). BYOL pays no license.
    if (a.licenseModel === 'license-included') {
      for (const comp of book.licenseComponents(a.v, a.platform)) {
        const key = `${comp.licenseProduct}|${a.instanceType}|${a.vcpus}|${a.v}`;
        let l = license.get(key);
        if (!l) license.set(key, (l = { a, c: comp, ms: new ExactSum() }));
        l.ms.addExact(a.ms);
      }
    }
  }
  const out: PendingLine[] = [];
  for (const { a, ms } of compute.values()) {
    const version = book.versions[a.v].version;
    const unitPrice = book.computeHourly(a.v, a.instanceType, a.tenancy);
    const g = INSTANCE_BILLING[a.platform];
    const byol = a.licenseModel === 'byol' ? ' (BYOL: license not included)' : '';
    out.push({
      lineId: `ec2-instance/${a.instanceType}/${a.platform}/${a.licenseModel}/${a.tenancy}/${version}`,
      sortKey: `${a.instanceType}|${a.platform}|${a.licenseModel}|${a.tenancy}|${pad(a.v)}`,
      product: 'ec2-instance',
      description:
        `${a.instanceType} ${PLATFORM_LABEL[a.platform]}${byol}, ${a.tenancy} tenancy: On-Demand compute at ${money(unitPrice)} per instance-hour, ` +
        `${g.name === 'per-hour' ? 'billed per hour, partial hours rounded up' : 'billed per second, 60 s minimum per start'} (price book ${version})`,
      unit: 'instance-hour',
      unitPrice,
      numerator: ms.toDecimal(),
      denominator: MS_PER_HOUR,
    });
  }
  for (const { a, c, ms } of license.values()) {
    const version = book.versions[a.v].version;
    const unitPrice = book.licenseHourly(a.v, c, a.instanceType, a.vcpus);
    const label = LICENSE_LABEL[c.licenseProduct] ?? c.licenseProduct;
    out.push({
      lineId: `ec2-license/${c.licenseProduct}/${a.instanceType}/${a.vcpus}vcpu/${version}`,
      sortKey: `${c.licenseProduct}|${a.instanceType}|${pad(a.vcpus)}|${pad(a.v)}`,
      product: 'ec2-license',
      licenseProduct: c.licenseProduct,
      description: `${label} (license included) on ${a.instanceType}: ${licenseBasisText(c, a.vcpus, unitPrice)} (price book ${version})`,
      unit: 'instance-hour',
      unitPrice,
      numerator: ms.toDecimal(),
      denominator: MS_PER_HOUR,
    });
  }
  return out;
}

function licenseBasisText(c: LicenseComponent, vcpus: number, perInstanceHour: Decimal): string {
  const units = CompiledPriceBook.licensedUnits(c, vcpus);
  const total = `${money(perInstanceHour)} per instance-hour`;
  switch (c.basis) {
    case 'folded':
      return `${total}, folded into the ${c.column} hourly price`;
    case 'per-instance-hour':
      return `${total}, flat`;
    case 'per-vcpu-hour': {
      const clamp = units !== vcpus ? ` (licensed for ${units})` : '';
      return `${vcpus} vCPUs${clamp} × ${money(new Money(c.ratePerUnitHour))} per vCPU-hour = ${total}`;
    }
    case 'per-core-hour': {
      const minimum = c.minUnits !== undefined ? `, ${c.minUnits}-core minimum per VM` : '';
      return `${vcpus} vCPUs licensed as ${units} cores${minimum}, × ${money(new Money(c.ratePerUnitHour))} per core-hour = ${total}`;
    }
  }
}

/**
 * A Spot Instance's compute in one clock hour's price: the type's Linux On-Demand price × the hour's
 * percent (pricing/spot-price.ts), per second with the platform's minimum like On-Demand ("You pay
 * the Spot price that's in effect, billed to the nearest second": AWS, "How Spot Instances work").
 * One line per type, zone, price and price book version; its licences are on the license lines.
 */
function spotLine(meta: { instanceType: string; availabilityZone: string; percent: number; v: number }, ms: ExactSum, book: CompiledPriceBook): PendingLine {
  const { instanceType, availabilityZone, percent, v } = meta;
  const version = book.versions[v].version;
  const unitPrice = spotPriceOf(book.computeHourly(v, instanceType, 'default'), percent);
  return {
    lineId: `ec2-spot/${instanceType}/${availabilityZone}/${percent}pct/${version}`,
    sortKey: `~spot|${instanceType}|${availabilityZone}|${pad(percent)}|${pad(v)}`,
    product: 'ec2-instance',
    description:
      `${instanceType} Spot Instance compute in ${availabilityZone}: Spot price ${money(unitPrice)} per instance-hour (${percent} % of On-Demand Linux), ` +
      `billed per second at the price of each hour (price book ${version})`,
    unit: 'instance-hour',
    unitPrice,
    numerator: ms.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

function hostLine(family: string, v: number, ms: ExactSum, book: CompiledPriceBook): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.dedicatedHostHourly(v, family);
  return {
    lineId: `ec2-dedicated-host/${family}/${version}`,
    sortKey: `${family}|${pad(v)}`,
    product: 'ec2-dedicated-host',
    description: `Dedicated Host, ${family} family: ${money(unitPrice)} per host-hour, billed per second, 60 s minimum per allocation (price book ${version})`,
    unit: 'host-hour',
    unitPrice,
    numerator: ms.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

function surplusLine(platform: Platform, v: number, vcpuMs: ExactSum, book: CompiledPriceBook): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.price(v, `surplus|${platform}`, (b) => b.burstableSurplusPerVcpuHour[platform]);
  return {
    lineId: `ec2-cpu-credits/${platform}/${version}`,
    sortKey: `${platform}|${pad(v)}`,
    product: 'ec2-cpu-credits',
    description: `Burstable unlimited-mode surplus CPU credits, ${PLATFORM_LABEL[platform]}: ${money(unitPrice)} per vCPU-hour (price book ${version})`,
    unit: 'vcpu-hour',
    unitPrice,
    numerator: vcpuMs.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

function volumeLine(
  meta: { product: Product; volumeType: VolumeType; tier: number; v: number },
  unitMs: ExactSum,
  book: CompiledPriceBook,
  monthMs: number,
): PendingLine {
  const { product, volumeType, tier, v } = meta;
  const version = book.versions[v].version;
  const common = { sortKey: `${volumeType}|${tier}|${pad(v)}`, product, numerator: unitMs.toDecimal(), denominator: monthMs };
  const prorated = 'prorated by the second over the month';
  if (product === 'ebs-storage') {
    const unitPrice = book.price(v, `ebs|${volumeType}`, (b) => ebsPrices(b, volumeType).perGiBMonth);
    return {
      ...common,
      lineId: `ebs-storage/${volumeType}/${version}`,
      description: `EBS ${volumeType} provisioned storage: ${money(unitPrice)} per GiB-month, ${prorated} (price book ${version})`,
      unit: 'gib-month',
      unitPrice,
    };
  }
  if (product === 'ebs-throughput') {
    const gp3 = book.versions[v].ebs.gp3;
    const unitPrice = book.price(v, 'ebs|gp3|mibps', (b) => b.ebs.gp3.perMiBpsMonthAboveBaseline);
    return {
      ...common,
      lineId: `ebs-throughput/gp3/${version}`,
      description: `EBS gp3 provisioned throughput above ${gp3.baselineMiBps} MiB/s: ${money(unitPrice)} per MiB/s-month, ${prorated} (price book ${version})`,
      unit: 'mibps-month',
      unitPrice,
    };
  }
  if (volumeType === 'gp3') {
    const gp3 = book.versions[v].ebs.gp3;
    const unitPrice = book.price(v, 'ebs|gp3|iops', (b) => b.ebs.gp3.perIopsMonthAboveBaseline);
    return {
      ...common,
      lineId: `ebs-iops/gp3/${version}`,
      description: `EBS gp3 provisioned IOPS above ${gp3.baselineIops}: ${money(unitPrice)} per IOPS-month, ${prorated} (price book ${version})`,
      unit: 'iops-month',
      unitPrice,
    };
  }
  if (volumeType === 'io1') {
    const unitPrice = book.price(v, 'ebs|io1|iops', (b) => ebsPrices(b, 'io1').perIopsMonth);
    return {
      ...common,
      lineId: `ebs-iops/io1/${version}`,
      description: `EBS io1 provisioned IOPS: ${money(unitPrice)} per IOPS-month, ${prorated} (price book ${version})`,
      unit: 'iops-month',
      unitPrice,
    };
  }
  const tiers = book.versions[v].ebs.io2.iopsTiers;
  const unitPrice = book.price(v, `ebs|io2|iops|${tier}`, (b) => b.ebs.io2.iopsTiers[tier].price);
  const lower = tier === 0 ? 0 : (tiers[tier - 1].upTo as number);
  const upper = tiers[tier].upTo;
  return {
    ...common,
    lineId: `ebs-iops/io2/tier${tier + 1}/${version}`,
    description: `EBS io2 provisioned IOPS ${upper === null ? `above ${lower}` : `${lower + 1}–${upper}`} per volume: ${money(unitPrice)} per IOPS-month, ${prorated} (price book ${version})`,
    unit: 'iops-month',
    unitPrice,
  };
}

/** A version's prices for one volume type; PriceNotFound when the version does not list the type. */
function ebsPrices<T extends VolumeType>(b: PriceBookVersion, volumeType: T): NonNullable<EbsPrices[T]> {
  const p = b.ebs[volumeType];
  if (p === undefined) throw new PriceNotFound(`EBS ${volumeType} volumes in price book version '${b.version}'`);
  return p as NonNullable<EbsPrices[T]>;
}

/**
 * EBS snapshot storage (Standard tier): GiB-months of each snapshot at its volume's full size (an
 * upper bound: EC2 bills the blocks stored, Nimbus does not model them), prorated by the second.
 */
function snapshotLine(v: number, gibMs: ExactSum, book: CompiledPriceBook, monthMs: number): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.price(v, 'ebs|snapshot', (b) => {
    const p = b.ebs.snapshot;
    if (p === undefined) throw new PriceNotFound(`EBS snapshot storage in price book version '${b.version}'`);
    return p.perGiBMonth;
  });
  return {
    lineId: `ebs-snapshot/standard/${version}`,
    sortKey: `standard|${pad(v)}`,
    product: 'ebs-snapshot',
    description: `EBS snapshot storage (Standard tier), billed at each snapshot's full volume size: ${money(unitPrice)} per GiB-month, prorated by the second over the month (price book ${version})`,
    unit: 'gib-month',
    unitPrice,
    numerator: gibMs.toDecimal(),
    denominator: monthMs,
  };
}

/**
 * Public IPv4 addresses held, in use (mapped to an interface) or idle (an Elastic IP associated
 * with nothing): address-hours, each state on its line as AWS's bill shows them.
 */
function publicIpv4Line(state: PublicIpv4State, v: number, ms: ExactSum, book: CompiledPriceBook): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.price(v, `public-ipv4|${state}`, (b) => {
    const p = b.publicIpv4;
    if (p === undefined) throw new PriceNotFound(`public IPv4 addresses in price book version '${b.version}'`);
    return state === 'in-use' ? p.inUsePerHour : p.idlePerHour;
  });
  return {
    lineId: `public-ipv4/${state}/${version}`,
    sortKey: `${state === 'in-use' ? 0 : 1}|${pad(v)}`,
    product: 'public-ipv4',
    description: `Public IPv4 address, ${state === 'in-use' ? 'in use' : 'idle (an Elastic IP associated with nothing)'}: ${money(unitPrice)} per address-hour, prorated by the millisecond (price book ${version})`,
    unit: 'address-hour',
    unitPrice,
    numerator: ms.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

/** NAT gateways: gateway-hours, each partial hour billed as a full hour (NatGateway-Hours on AWS's bill). */
function natGatewayLine(v: number, ms: ExactSum, book: CompiledPriceBook): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.price(v, 'nat-gateway', (b) => {
    const p = b.natGateway;
    if (p === undefined) throw new PriceNotFound(`NAT gateways in price book version '${b.version}'`);
    return p.perHour;
  });
  return {
    lineId: `nat-gateway/hours/${version}`,
    sortKey: pad(v),
    product: 'nat-gateway',
    description: `NAT gateway: ${money(unitPrice)} per NAT gateway-hour, billed per hour, partial hours rounded up (price book ${version})`,
    unit: 'gateway-hour',
    unitPrice,
    numerator: ms.toDecimal(),
    denominator: MS_PER_HOUR,
  };
}

/**
 * Detailed monitoring, as CloudWatch bills custom metrics: "prorated by the hour and metered only
 * when you send metrics". Each clock hour (UTC) in which an instance sent metrics counts whole, once
 * per instance, priced by the version in effect at the hour's start (the first version for the hour
 * it takes effect in); a version's line is metricsPerInstance × those hours ÷ the month's hours
 * metric-months, rounded once.
 */
function monitoringLines(hoursByInstance: ReadonlyMap<string, TimeInterval[]>, book: CompiledPriceBook, monthHours: number): PendingLine[] {
  const { starts } = book;
  const byVersion = new Map<number, number>();
  for (const ranges of hoursByInstance.values()) {
    // Hour indices, not ms: mergeIntervals joins an instance's overlapping and touching hours.
    for (const { startMs: from, endMs: to } of mergeIntervals(ranges)) {
      let h = from;
      for (let v = book.versionIndexAt(Math.max(from * MS_PER_HOUR, starts[0])); h < to; v++) {
        const until = Math.min(to, v + 1 < starts.length ? Math.ceil(starts[v + 1] / MS_PER_HOUR) : Infinity);
        if (until > h) byVersion.set(v, (byVersion.get(v) ?? 0) + (until - h));
        h = Math.max(h, until);
      }
    }
  }
  return [...byVersion].map(([v, hours]) => {
    const version = book.versions[v].version;
    const prices = book.versions[v].detailedMonitoring;
    if (prices === undefined) throw new PriceNotFound(`detailed monitoring in price book version '${version}'`);
    const unitPrice = book.price(v, 'detailed-monitoring', () => prices.perMetricMonth);
    return {
      lineId: `detailed-monitoring/${version}`,
      sortKey: pad(v),
      product: 'detailed-monitoring' as const,
      description:
        `EC2 detailed monitoring (CloudWatch metrics every minute), ${prices.metricsPerInstance} metrics per instance: ${money(unitPrice)} per metric-month, ` +
        `prorated by the hour, each clock hour an instance sent metrics counted whole (price book ${version})`,
      unit: 'metric-month',
      unitPrice,
      numerator: new Decimal(prices.metricsPerInstance).times(hours),
      denominator: monthHours,
    };
  });
}

/**
 * Bytes NAT gateways processed: per GB, GB as the version's data transfer counts it (bytesPerGB),
 * not tiered (NatGateway-Bytes on AWS's bill). The same bytes are on the internet-out lines too.
 */
function natBytesLine(v: number, bytes: ExactSum, book: CompiledPriceBook): PendingLine {
  const prices = book.versions[v];
  const unitPrice = book.price(v, 'nat-gateway|bytes', (b) => {
    const p = b.natGateway?.perGbProcessed;
    if (p === undefined) throw new PriceNotFound(`NAT gateway data processing in price book version '${b.version}'`);
    return p;
  });
  return {
    lineId: `nat-gateway/bytes/${prices.version}`,
    sortKey: `bytes|${pad(v)}`,
    product: 'nat-gateway',
    description: `NAT gateway data processed: ${money(unitPrice)} per GB, GB = ${prices.dataTransfer.bytesPerGB} bytes (price book ${prices.version})`,
    unit: 'gb',
    unitPrice,
    numerator: bytes.toDecimal(),
    denominator: prices.dataTransfer.bytesPerGB,
  };
}

/** Magnetic (standard) volumes' I/O requests: per million, to the cent on the amount only. */
function ioRequestsLine(v: number, requests: ExactSum, book: CompiledPriceBook): PendingLine {
  const version = book.versions[v].version;
  const unitPrice = book.price(v, 'ebs|standard|io', (b) => ebsPrices(b, 'standard').perMillionIoRequests);
  return {
    lineId: `ebs-io-requests/standard/${version}`,
    sortKey: `standard|${pad(v)}`,
    product: 'ebs-io-requests',
    description: `EBS Magnetic (standard) I/O requests: ${money(unitPrice)} per million requests (price book ${version})`,
    unit: 'million-requests',
    unitPrice,
    numerator: requests.toDecimal(),
    denominator: 1_000_000,
  };
}

function transferLines(transfer: Map<string, Agg<{ direction: 'cross-az' | 'internet-out'; v: number }>>, book: CompiledPriceBook): PendingLine[] {
  const out: PendingLine[] = [];
  const internet = [...transfer.values()].filter((t) => t.meta.direction === 'internet-out').sort((a, b) => a.meta.v - b.meta.v);
  for (const { meta, sum } of transfer.values()) {
    if (meta.direction !== 'cross-az') continue;
    const version = book.versions[meta.v].version;
    const unitPrice = book.price(meta.v, 'transfer|cross-az', (b) => b.dataTransfer.crossAzPerGB);
    out.push({
      lineId: `data-transfer/cross-az/${version}`,
      sortKey: `cross-az|${pad(meta.v)}`,
      product: 'data-transfer',
      description: `Data transfer between Availability Zones: ${money(unitPrice)} per GB in each direction, GB = ${book.versions[meta.v].dataTransfer.bytesPerGB} bytes (price book ${version})`,
      unit: 'gb',
      unitPrice,
      numerator: sum.toDecimal(),
      denominator: book.versions[meta.v].dataTransfer.bytesPerGB,
    });
  }
  // Internet egress tiers are cumulative over the month; if the price changed mid-month, earlier
  // versions' bytes fill the lower tiers first, each priced by its own version's table.
  let used: Decimal = ZERO;
  for (const { meta, sum } of internet) {
    const prices = book.versions[meta.v];
    const version = prices.version;
    let gb = sum.toDecimal().div(prices.dataTransfer.bytesPerGB);
    let lower = 0;
    prices.dataTransfer.internetOutTiers.forEach((t, tier) => {
      const upper = t.upTo === null ? null : new Money(t.upTo);
      const room = upper === null ? gb : Decimal.max(ZERO, upper.minus(Decimal.max(used, lower)));
      const take = Decimal.min(gb, room);
      if (take.gt(0)) {
        const unitPrice = book.price(meta.v, `transfer|internet|${tier}`, (b) => b.dataTransfer.internetOutTiers[tier].price);
        const range = t.upTo === null ? `above ${lower} GB` : `${lower}–${t.upTo} GB`;
        out.push({
          lineId: `data-transfer/internet-out/tier${tier + 1}/${version}`,
          sortKey: `internet-out|${pad(meta.v)}|${pad(tier)}`,
          product: 'data-transfer',
          description: `Data transfer out to the internet, ${range} per month${unitPrice.isZero() ? ' (free allowance)' : ''}: ${money(unitPrice)} per GB (price book ${version})`,
          unit: 'gb',
          unitPrice,
          numerator: take,
          denominator: 1,
        });
        gb = gb.minus(take);
        used = used.plus(take);
      }
      lower = t.upTo ?? lower;
    });
  }
  return out;
}
