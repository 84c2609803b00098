import { RI_TERM_SECONDS } from '@nimbus/metering';
import { encodePageToken } from '../../../application/instances/page-token';
import { isReservedInstancesId, OfferingQuery, riEndMs, RiOffering, RiView } from '../../../application/reserved-instances/reserved-instances.service';
import { RiMonthReport, TenantRiReport } from '../../../application/billing/billing.service';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { ListOfferingsQueryDto } from './reserved-instance.dto';

const iso = (ms: number) => new Date(ms).toISOString();

export function mapOffering(o: RiOffering) {
  return {
    offeringId: o.id, instanceType: o.instanceType, scope: o.scope, ...(o.availabilityZone !== undefined ? { availabilityZone: o.availabilityZone } : {}),
    productDescription: o.productDescription, offeringType: o.offeringType, offeringClass: 'standard', duration: o.durationSeconds, fixedPrice: o.fixedPrice,
    hourlyPrice: o.hourlyPrice, currencyCode: 'USD',
  };
}

export function mapReservedInstance(v: RiView) {
  const r = v.ri;
  return {
    reservedInstancesId: r.id, offeringId: r.offeringId, instanceType: r.instanceType, scope: r.scope, ...(r.availabilityZone ? { availabilityZone: r.availabilityZone } : {}),
    instanceCount: r.instanceCount, productDescription: 'Linux/UNIX', offeringType: r.offeringType, offeringClass: 'standard', duration: r.durationSeconds,
    fixedPrice: r.fixedPrice, hourlyPrice: r.hourlyPrice, currencyCode: 'USD', state: v.state, start: iso(r.startMs), end: iso(riEndMs(r)), tags: v.tags,
  };
}

/** The offerings query as DescribeReservedInstancesOfferings takes it: term → its duration, scope → a match. */
export function toOfferingQuery(q: ListOfferingsQueryDto): OfferingQuery {
  const seconds = q.term === undefined ? undefined : RI_TERM_SECONDS[q.term === '1yr' ? 1 : 3];
  if (q.scope === 'Region' && q.availabilityZone !== undefined) throw invalidParameter("availabilityZone names a zonal offering: give scope 'Availability Zone' or leave scope out");
  return {
    ids: [], instanceTypes: q.instanceType !== undefined ? [q.instanceType] : [], offeringType: q.offeringType, availabilityZone: q.availabilityZone,
    minDuration: seconds, maxDuration: seconds, ...(q.scope !== undefined ? { match: (o: RiOffering) => o.scope === q.scope } : {}),
  };
}

/** A page of RIs (in id order, as describe answers them) and the token of the next. */
export function mapReservedInstancePage(all: readonly RiView[], q: { maxResults?: number; nextToken?: string }) {
  const { page, nextToken } = pageAfter(all, (v) => v.ri.id, isReservedInstancesId, q.maxResults, q.nextToken);
  return { reservedInstances: page.map(mapReservedInstance), ...(nextToken ? { nextToken } : {}) };
}

/** Keyset pages of a list in id order: the token names the last id of the page before. */
function pageAfter<T>(all: readonly T[], idOf: (t: T) => string, isId: (id: string) => boolean, maxResults: number | undefined, nextToken: string | undefined) {
  let from = 0;
  if (nextToken !== undefined) {
    const after = decodeAfter(nextToken, isId);
    from = all.findIndex((t) => idOf(t) > after);
    if (from < 0) from = all.length;
  }
  const limit = maxResults ?? 1000;
  const page = all.slice(from, from + limit);
  return { page, ...(from + limit < all.length ? { nextToken: encodePageToken(idOf(page[page.length - 1])) } : {}) };
}

function decodeAfter(token: string, isId: (id: string) => boolean): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && isId(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}

function mapTenantReport(t: TenantRiReport) {
  return {
    tenantId: t.tenantId, invoiceId: t.invoiceId,
    reservedInstances: t.reservedInstances.map(({ durationSeconds, endMs, ...r }) => ({
      ...r, ...(durationSeconds !== undefined ? { duration: durationSeconds } : {}), ...(endMs !== undefined ? { end: iso(endMs) } : {}),
    })),
    utilization: t.utilization, coverage: t.coverage, fees: t.fees,
  };
}

/** One tenant's month (GET /v1/billing/reserved-instances). */
export function mapTenantRiReport(r: RiMonthReport) {
  return { month: r.month, status: r.status, asOf: iso(r.asOfMs), ...mapTenantReport(r.tenants[0]) };
}

/** Every tenant's month (GET /v1/admin/billing/reserved-instances). */
export function mapAdminRiReport(r: RiMonthReport) {
  return { month: r.month, status: r.status, asOf: iso(r.asOfMs), utilization: r.utilization, coverage: r.coverage, fees: r.fees, tenants: r.tenants.map(mapTenantReport) };
}
