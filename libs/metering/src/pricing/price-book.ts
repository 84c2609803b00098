import { SimTimeMs } from '../calendar/billing-month';
import { InvalidPriceBook, PriceNotFound } from '../errors';
import { Money, parsePrice } from '../money/money';
import { PLATFORMS, Platform } from '../usage/usage-record';

/**
 * A price book version: every list price in force from `effectiveFromMs` until the next version
 * takes over. Prices are USD decimal strings (never floats). Versions are never edited: a price
 * change is a new version, so an old month re-rates to the same cents.
 */
export interface PriceBookVersion {
  readonly version: string;
  readonly effectiveFromMs: SimTimeMs;
  readonly currency: 'USD';
  readonly region: string;
  /** Per instance type: On-Demand hourly price per platform column. `linux` is the base compute every instance pays. */
  readonly instanceTypes: Readonly<Record<string, InstanceTypePrice>>;
  /** What a license-included instance of each platform pays on top of base compute, component by component. */
  readonly licenses: Readonly<Record<Platform, readonly LicenseComponent[]>>;
  /** Dedicated Instances (tenancy `dedicated`) pay base compute × this. */
  readonly dedicatedInstanceMultiplier: string;
  /** Dedicated Host hourly price per host family (EC2's AllocateHosts `InstanceFamily`). */
  readonly dedicatedHostHourly: Readonly<Record<string, string>>;
  /** Burstable `unlimited` surplus credits, per vCPU-hour, by platform. */
  readonly burstableSurplusPerVcpuHour: Readonly<Record<Platform, string>>;
  /** Detailed monitoring (added after the first versions: a stored version may lack it; `withListPrices` completes it). */
  readonly detailedMonitoring?: DetailedMonitoringPrices;
  readonly ebs: EbsPrices;
  readonly dataTransfer: DataTransferPrices;
  /** Public IPv4 addresses (added after the first versions: a stored version may lack it; `withListPrices` completes it). */
  readonly publicIpv4?: PublicIpv4Prices;
  /** NAT gateways (added after the first versions, as publicIpv4: `withListPrices` completes a stored version without it). */
  readonly natGateway?: NatGatewayPrices;
}

/** Per NAT gateway-hour (each partial hour billed as a full hour), and per GB it processes. */
export interface NatGatewayPrices {
  readonly perHour: string;
  /** Per GB processed, GB as the version's dataTransfer.bytesPerGB (added after perHour: `withListPrices` completes a stored version without it). */
  readonly perGbProcessed?: string;
}

/** Per address-hour, by the address's state (AWS prices both alike, and shows them apart). */
export interface PublicIpv4Prices {
  readonly inUsePerHour: string;
  readonly idlePerHour: string;
}

/**
 * EC2 detailed monitoring, charged as CloudWatch custom metrics: per metric-month, an instance
 * sending `metricsPerInstance` metrics (the number depends on the instance type on AWS; one figure here).
 */
export interface DetailedMonitoringPrices {
  readonly perMetricMonth: string;
  readonly metricsPerInstance: number;
}

export interface InstanceTypePrice {
  readonly hourly: { readonly linux: string } & Readonly<Record<string, string>>;
}

/**
 * One license product's charge. `folded`: the book lists the platform's full hourly price in
 * column `column` and the license is the difference from `linux` (how AWS publishes Windows).
 * The others are explicit rates; `minUnits`/`maxUnits` clamp the counted vCPUs or cores (SQL
 * Server licenses at least 4 cores per VM).
 */
export type LicenseComponent =
  | { readonly licenseProduct: string; readonly basis: 'folded'; readonly column: string }
  | { readonly licenseProduct: string; readonly basis: 'per-instance-hour'; readonly ratePerHour: string }
  | { readonly licenseProduct: string; readonly basis: 'per-vcpu-hour'; readonly ratePerUnitHour: string; readonly minUnits?: number; readonly maxUnits?: number }
  | {
      readonly licenseProduct: string;
      readonly basis: 'per-core-hour';
      readonly ratePerUnitHour: string;
      /** vCPUs that make one licensed core (1: each vCPU is a virtual core, as SQL Server counts a VM). */
      readonly vcpusPerCore: number;
      readonly minUnits?: number;
      readonly maxUnits?: number;
    };

export interface EbsPrices {
  readonly gp2: { readonly perGiBMonth: string };
  readonly gp3: {
    readonly perGiBMonth: string;
    readonly baselineIops: number;
    readonly perIopsMonthAboveBaseline: string;
    readonly baselineMiBps: number;
    readonly perMiBpsMonthAboveBaseline: string;
  };
  readonly io2: { readonly perGiBMonth: string; readonly iopsTiers: readonly PriceTier[] };
  /**
   * Types added after the first versions were written (so a stored version may lack them; the app
   * completes it with the list prices, as for catalog types, see `withListPrices`).
   */
  readonly io1?: { readonly perGiBMonth: string; readonly perIopsMonth: string };
  readonly st1?: { readonly perGiBMonth: string };
  readonly sc1?: { readonly perGiBMonth: string };
  readonly standard?: { readonly perGiBMonth: string; readonly perMillionIoRequests: string };
  /** Snapshot storage, Standard tier (added after the first versions, completed like the types above). */
  readonly snapshot?: { readonly perGiBMonth: string };
}

export interface DataTransferPrices {
  /** What one billed GB is in bytes. */
  readonly bytesPerGB: number;
  /** Charged at each endpoint, i.e. once per direction. */
  readonly crossAzPerGB: string;
  /** Cumulative per tenant per month; a tier priced 0 is a free allowance. */
  readonly internetOutTiers: readonly PriceTier[];
}

/** A slice of a cumulative quantity: units up to `upTo` (null: no upper end) cost `price` each. */
export interface PriceTier {
  readonly upTo: number | null;
  readonly price: string;
}

/** The version in effect at an instant: the latest whose `effectiveFromMs` is not after it. */
export function priceAt(versions: readonly PriceBookVersion[], atMs: SimTimeMs): PriceBookVersion {
  let best: PriceBookVersion | undefined;
  for (const v of versions) {
    if (v.effectiveFromMs <= atMs && (best === undefined || v.effectiveFromMs > best.effectiveFromMs)) best = v;
  }
  if (best === undefined) throw new PriceNotFound(`anything at ${atMs}: no price book version is in effect yet`);
  return best;
}

const bad = (reason: string) => new InvalidPriceBook(reason);

function checkTiers(tiers: readonly PriceTier[], what: string): void {
  if (tiers.length === 0) throw bad(`${what} needs at least one tier`);
  let previous = 0;
  tiers.forEach((t, i) => {
    parsePrice(t.price, `${what} tier ${i + 1}`, bad);
    const last = i === tiers.length - 1;
    if (last !== (t.upTo === null)) throw bad(`${what}: only the last tier is open-ended`);
    if (t.upTo !== null && !(t.upTo > previous)) throw bad(`${what}: tier bounds must increase`);
    if (t.upTo !== null) previous = t.upTo;
  });
}

/** Checks one version completely, so a bad book fails when loaded, not in the middle of a month close. */
const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * The version's shape, before its prices: it may come from JSON a person wrote (PUT prices), where
 * `instanceTypes: 1` would otherwise pass (it has no entries) and `ebs: 1` would crash the checks.
 */
function checkShape(v: PriceBookVersion): void {
  const need = (ok: boolean, what: string) => {
    if (!ok) throw bad(`${v.version}: ${what}`);
  };
  need(isRecord(v.instanceTypes), 'instanceTypes must be an object of instance types');
  for (const [type, p] of Object.entries(v.instanceTypes)) need(isRecord(p) && isRecord(p.hourly), `instanceTypes.${type} must be {"hourly": {"<platform>": "<price>"}}`);
  need(isRecord(v.licenses), 'licenses must be an object of platforms');
  for (const [platform, list] of Object.entries(v.licenses)) need(Array.isArray(list) && list.every(isRecord), `licenses.${platform} must be a list of license components`);
  need(isRecord(v.burstableSurplusPerVcpuHour), 'burstableSurplusPerVcpuHour must be an object of platforms');
  need(isRecord(v.dedicatedHostHourly), 'dedicatedHostHourly must be an object of instance families');
  need(isRecord(v.ebs) && isRecord(v.ebs.gp2) && isRecord(v.ebs.gp3) && isRecord(v.ebs.io2), 'ebs must hold gp2, gp3 and io2 objects');
  need(Array.isArray(v.ebs.io2.iopsTiers) && v.ebs.io2.iopsTiers.every(isRecord), 'ebs.io2.iopsTiers must be a list of tiers');
  need(isRecord(v.dataTransfer), 'dataTransfer must be an object');
  need(Array.isArray(v.dataTransfer.internetOutTiers) && v.dataTransfer.internetOutTiers.every(isRecord), 'dataTransfer.internetOutTiers must be a list of tiers');
}

export function validatePriceBookVersion(v: PriceBookVersion): void {
  if (typeof v.version !== 'string' || v.version === '') throw bad('version is required');
  checkShape(v);
  if (!Number.isSafeInteger(v.effectiveFromMs)) throw bad(`${v.version}: effectiveFromMs must be integer milliseconds`);
  if (v.currency !== 'USD') throw bad(`${v.version}: only USD is supported`);
  for (const [type, p] of Object.entries(v.instanceTypes)) {
    for (const [column, price] of Object.entries(p.hourly)) parsePrice(price, `${v.version} ${type} ${column}`, bad);
    if (p.hourly.linux === undefined) throw bad(`${v.version} ${type}: the linux (base compute) price is required`);
  }
  for (const platform of PLATFORMS) {
    const components = v.licenses[platform];
    if (!components) throw bad(`${v.version}: licenses for ${platform} are missing (use [] for none)`);
    for (const c of components) {
      if (c.basis === 'folded') {
        for (const [type, p] of Object.entries(v.instanceTypes)) {
          const full = p.hourly[c.column];
          if (full !== undefined && new Money(full).lt(p.hourly.linux)) throw bad(`${v.version} ${type}: ${c.column} is cheaper than linux`);
        }
      } else if (c.basis === 'per-instance-hour') {
        parsePrice(c.ratePerHour, `${v.version} ${c.licenseProduct} rate`, bad);
      } else {
        parsePrice(c.ratePerUnitHour, `${v.version} ${c.licenseProduct} rate`, bad);
        if (c.basis === 'per-core-hour' && !(Number.isSafeInteger(c.vcpusPerCore) && c.vcpusPerCore >= 1)) {
          throw bad(`${v.version} ${c.licenseProduct}: vcpusPerCore must be a positive integer`);
        }
      }
    }
    parsePrice(v.burstableSurplusPerVcpuHour[platform], `${v.version} surplus credits for ${platform}`, bad);
  }
  parsePrice(v.dedicatedInstanceMultiplier, `${v.version} dedicatedInstanceMultiplier`, bad);
  for (const [family, price] of Object.entries(v.dedicatedHostHourly)) parsePrice(price, `${v.version} ${family} host`, bad);
  if (v.detailedMonitoring !== undefined) {
    const m = v.detailedMonitoring;
    if (!isRecord(m)) throw bad(`${v.version}: detailedMonitoring must be an object`);
    parsePrice(m.perMetricMonth, `${v.version} detailed monitoring per metric-month`, bad);
    if (!(Number.isSafeInteger(m.metricsPerInstance) && m.metricsPerInstance >= 1)) throw bad(`${v.version}: detailedMonitoring.metricsPerInstance must be a positive integer`);
  }
  parsePrice(v.ebs.gp2.perGiBMonth, `${v.version} gp2`, bad);
  parsePrice(v.ebs.gp3.perGiBMonth, `${v.version} gp3`, bad);
  parsePrice(v.ebs.gp3.perIopsMonthAboveBaseline, `${v.version} gp3 IOPS`, bad);
  parsePrice(v.ebs.gp3.perMiBpsMonthAboveBaseline, `${v.version} gp3 throughput`, bad);
  parsePrice(v.ebs.io2.perGiBMonth, `${v.version} io2`, bad);
  checkTiers(v.ebs.io2.iopsTiers, `${v.version} io2 IOPS`);
  const { io1, st1, sc1, standard, snapshot } = v.ebs;
  for (const [type, p] of Object.entries({ io1, st1, sc1, standard, snapshot })) if (p !== undefined && !isRecord(p)) throw bad(`${v.version}: ebs.${type} must be an object`);
  if (io1) {
    parsePrice(io1.perGiBMonth, `${v.version} io1`, bad);
    parsePrice(io1.perIopsMonth, `${v.version} io1 IOPS`, bad);
  }
  if (st1) parsePrice(st1.perGiBMonth, `${v.version} st1`, bad);
  if (sc1) parsePrice(sc1.perGiBMonth, `${v.version} sc1`, bad);
  if (standard) {
    parsePrice(standard.perGiBMonth, `${v.version} standard`, bad);
    parsePrice(standard.perMillionIoRequests, `${v.version} standard I/O requests`, bad);
  }
  if (snapshot) parsePrice(snapshot.perGiBMonth, `${v.version} snapshot storage`, bad);
  if (v.publicIpv4 !== undefined) {
    if (!isRecord(v.publicIpv4)) throw bad(`${v.version}: publicIpv4 must be an object`);
    parsePrice(v.publicIpv4.inUsePerHour, `${v.version} in-use public IPv4 address`, bad);
    parsePrice(v.publicIpv4.idlePerHour, `${v.version} idle public IPv4 address`, bad);
  }
  if (v.natGateway !== undefined) {
    if (!isRecord(v.natGateway)) throw bad(`${v.version}: natGateway must be an object`);
    parsePrice(v.natGateway.perHour, `${v.version} NAT gateway-hour`, bad);
    if (v.natGateway.perGbProcessed !== undefined) parsePrice(v.natGateway.perGbProcessed, `${v.version} NAT gateway data processed`, bad);
  }
  if (!Number.isSafeInteger(v.dataTransfer.bytesPerGB) || v.dataTransfer.bytesPerGB < 1) throw bad(`${v.version}: bytesPerGB must be a positive integer`);
  parsePrice(v.dataTransfer.crossAzPerGB, `${v.version} cross-AZ transfer`, bad);
  checkTiers(v.dataTransfer.internetOutTiers, `${v.version} internet out`);
}

/** Sorted by `effectiveFromMs`, each valid, no two taking effect at the same instant or sharing a name. */
export function validatePriceBook(versions: readonly PriceBookVersion[]): PriceBookVersion[] {
  if (versions.length === 0) throw bad('it has no versions');
  const sorted = [...versions].sort((a, b) => a.effectiveFromMs - b.effectiveFromMs);
  const names = new Set<string>();
  sorted.forEach((v, i) => {
    validatePriceBookVersion(v);
    if (names.has(v.version)) throw bad(`version '${v.version}' appears twice`);
    names.add(v.version);
    if (i > 0 && sorted[i - 1].effectiveFromMs === v.effectiveFromMs) throw bad(`two versions take effect at ${v.effectiveFromMs}`);
  });
  return sorted;
}
