import { get } from './api';

/** Shapes of the admin API's answers the pages read (API.md; OpenAPI at /docs). */
export interface Clock { now: string; mode: string; rate: number }
export interface Figures { subtotal: string; credits: string; total: string }
export interface CreditLine { tenantId: string; invoiceId: string; lineId: string; cause: string; resources: string[]; description: string; amount: string }
export interface Revenue extends Figures {
  month: string; status: 'closed' | 'estimate'; asOf: string; currency: string;
  days: (Figures & { day: string })[];
  byProduct: { product: string; amount: string }[];
  topTenants: (Figures & { tenantId: string; invoiceId: string })[];
  others: Figures & { tenants: number };
  creditLines: CreditLine[];
}
export interface Tenant {
  tenantId: string; name: string; quotas: { onDemandVcpus: number; provisionedIops: number }; createdAt: string;
  requestLimits?: { multiplier: number; operations: Record<string, Record<string, number>> };
}
export interface InvoiceLine { lineId: string; product: string; licenseProduct?: string; description: string; quantity: string; unit: string; unitPrice: string; amount: string }
export interface Invoice extends Figures {
  invoiceId: string; status: 'closed' | 'estimate'; periodStart: string; periodEnd: string; asOf: string; tenantId: string; month: string; currency: string;
  lines?: InvoiceLine[]; priceBookVersions: string[]; recomputed?: Figures & { matches: boolean };
}
export interface MetricPoint { time: string; [field: string]: unknown }
export interface FleetUtilization { now: string; current: Record<string, number>; periodSeconds: number; points: MetricPoint[] }
export interface Simulation {
  simulationId: string; state: string; builtIn?: string; createdAt?: string; cancelRequested: boolean;
  progress: { simulatedTime: number; simulatedDuration: number; fraction: number; events: number; wallSeconds: number; etaSeconds: number | null };
  error?: { message?: string } | string; report?: any;
}

export const getClock = () => get<Clock>('/v1/admin/clock');

let tenantNames: Promise<Map<string, string>> | null = null;
/** Tenant names by id (fetched once per page view; tenants are few next to their resources). */
export function tenantNameMap(refresh = false): Promise<Map<string, string>> {
  if (!tenantNames || refresh) {
    tenantNames = get<{ tenants: Tenant[] }>('/v1/admin/tenants').then((r) => new Map(r.tenants.map((t) => [t.tenantId, t.name])));
    tenantNames.catch(() => (tenantNames = null));
  }
  return tenantNames;
}

/** A price book version's fields that are not prices: its name, when it takes effect, its currency and region. */
const NOT_PRICES = new Set(['version', 'effectiveFrom', 'currency', 'region']);

/**
 * Every price of a price book version but its instance types' (a table of their own), each at its
 * path in the version as the API answers it (`publicIpv4.inUsePerHour`, `licenses.windows[0].ratePerHour`),
 * with its value as given: the admin sees each rate a change can set, and the path names it in a change.
 */
export function otherPrices(version: Readonly<Record<string, unknown>>): { path: string; value: string }[] {
  const out: { path: string; value: string }[] = [];
  const walk = (x: unknown, path: string): void => {
    if (x !== null && typeof x === 'object') {
      for (const [k, child] of Object.entries(x)) walk(child, Array.isArray(x) ? `${path}[${k}]` : `${path}.${k}`);
    } else out.push({ path, value: String(x) });
  };
  for (const [key, x] of Object.entries(version)) if (key !== 'instanceTypes' && !NOT_PRICES.has(key)) walk(x, key);
  return out;
}

/** The rule that priced an invoice line, as its product and description (written by the rater) say. */
export function pricingRule(line: Pick<InvoiceLine, 'product' | 'description'>): string {
  if (line.product === 'sla-credit' || line.product === 'guarantee-credit') return 'credit';
  if (line.product === 'ec2-license') return 'licence';
  if (line.product === 'ec2-reserved-instance') return /charged once/i.test(line.description) ? 'Reserved Instance upfront, once' : 'Reserved Instance, every hour of the term';
  if (/billed per hour/i.test(line.description)) return 'per-hour';
  if (/per second, 60 s minimum/i.test(line.description)) return 'per-second, 60 s minimum';
  return 'per unit';
}

/** Invoice products (libs/metering PRODUCTS) as the revenue views name them; an unknown one shows as it comes. */
export const PRODUCT_LABELS: Readonly<Record<string, string>> = {
  'ec2-instance': 'EC2 instances (On-Demand)',
  'ec2-reserved-instance': 'EC2 Reserved Instances (upfront and hourly fees)',
  'ec2-license': 'Licences',
  'ec2-cpu-credits': 'T3 CPU credits (surplus)',
  'ec2-dedicated-host': 'Dedicated Hosts',
  'detailed-monitoring': 'Detailed monitoring',
  'ebs-storage': 'EBS storage',
  'ebs-iops': 'EBS provisioned IOPS',
  'ebs-throughput': 'EBS throughput',
  'ebs-io-requests': 'EBS I/O requests',
  'ebs-snapshot': 'EBS snapshots',
  'public-ipv4': 'Public IPv4 addresses',
  'nat-gateway': 'NAT gateways',
  'data-transfer': 'Data transfer',
  'sla-credit': 'SLA credits',
  'guarantee-credit': 'Guarantee credits',
};
export const productLabel = (product: string): string => PRODUCT_LABELS[product] ?? product;

/** AWS Cost Explorer's RI utilization and coverage figures (GET /v1/admin/billing/reserved-instances). */
export interface RiUtilization { purchasedHours: string; usedHours: string; unusedHours: string; utilizationPercentage: string | null }
export interface RiCoverage { reservedHours: string; onDemandHours: string; totalRunningHours: string; coverageHoursPercentage: string | null }
export interface RiFees { upfront: string; hourly: string; total: string }
export interface RiUse extends RiUtilization {
  reservedInstancesId: string; instanceType: string; scope: string; availabilityZone?: string; instanceCount: number;
  offeringType?: string; duration?: number; state?: string; end?: string;
}
export interface TenantRiReport { tenantId: string; invoiceId: string; reservedInstances: RiUse[]; utilization: RiUtilization; coverage: RiCoverage; fees: RiFees }
export interface RiReport { month: string; status: 'closed' | 'estimate'; asOf: string; utilization: RiUtilization; coverage: RiCoverage; fees: RiFees; tenants: TenantRiReport[] }

/** An RI's term as AWS writes it: 31,536,000 s → "1 yr", 94,608,000 s → "3 yr". */
export function riTerm(durationSeconds: number | undefined): string {
  if (durationSeconds === undefined) return '—';
  const years = durationSeconds / (365 * 86400);
  return Number.isInteger(years) ? `${years} yr` : `${durationSeconds} s`;
}

export const CAUSES: Record<string, string> = {
  'instance-unavailability': 'host failure (instance unavailable)',
  'zone-unavailability': 'zone unavailability',
  'guarantee-violation': 'guarantee violation',
};
