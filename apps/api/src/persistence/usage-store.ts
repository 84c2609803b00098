import {
  rateInvoice,
  computeInvoice, CreditPolicy, GuaranteeViolation, Invoice, InstanceUnavailability, PriceBookVersion, SlaInputs, tenantZoneOutages, UsageRecord,
} from '@nimbus/metering';
import { StoredUsageRecord, usageRecordOf } from '@nimbus/simulation';
import { EntityManager } from 'typeorm';
import { SlaIntervalEntity, UsageRecordEntity } from './entities';

/** Rows per tenant batch read: bounds memory when a month close reads a million records. */
export const TENANT_BATCH = 50;

interface UsageRow {
  record_id: string;
  tenant_id: string;
  kind: string;
  resource_id: string;
  start_ms: string | number;
  end_ms: string | number | null;
  period_start_ms: string | number | null;
  quantity: string | number | null;
  attrs: string;
}

const num = (v: string | number): number => (typeof v === 'number' ? v : Number(v));

/**
 * A stored row as libs/metering's record, read as libs/simulation's `usageRecordOf` reads every
 * stored record (an open interval ends at `closeAtMs`). `attrs` strings, which repeat across an
 * instance's intervals and across instances, are parsed once per read.
 */
export function toUsageRecord(r: UsageRow, closeAtMs: number, parsed: Map<string, any> = new Map()): UsageRecord {
  let attrs = parsed.get(r.attrs);
  if (attrs === undefined) parsed.set(r.attrs, (attrs = JSON.parse(r.attrs)));
  return usageRecordOf({
    recordId: r.record_id, tenantId: r.tenant_id, kind: r.kind as StoredUsageRecord['kind'], resourceId: r.resource_id, startMs: num(r.start_ms),
    endMs: r.end_ms === null ? null : num(r.end_ms), periodStartMs: r.period_start_ms === null ? null : num(r.period_start_ms),
    quantity: r.quantity === null ? null : num(r.quantity), attrs,
  }, closeAtMs);
}

/**
 * The usage of some tenants that touches [fromMs, toMs): intervals that overlap it (or are still
 * open), point records inside it. Raw SQL with the bound list: one indexed range scan per tenant
 * (tenant_id, start_ms), no entity hydration for a million rows.
 */
export async function loadUsage(m: EntityManager, tenantIds: readonly string[], fromMs: number, toMs: number, closeAtMs: number): Promise<UsageRecord[]> {
  return usageRecordsOf(await usageRows(m, tenantIds, fromMs, toMs), closeAtMs);
}

/** The rows loadUsage reads: which rows does not depend on the close time, only their records' ends do. */
async function usageRows(m: EntityManager, tenantIds: readonly string[], fromMs: number, toMs: number): Promise<UsageRow[]> {
  if (tenantIds.length === 0) return [];
  const qb = m
    .createQueryBuilder(UsageRecordEntity, 'u')
    .select(['u.record_id AS record_id', 'u.tenant_id AS tenant_id', 'u.kind AS kind', 'u.resource_id AS resource_id', 'u.start_ms AS start_ms',
      'u.end_ms AS end_ms', 'u.period_start_ms AS period_start_ms', 'u.quantity AS quantity', 'u.attrs AS attrs'])
    .where('u.tenant_id IN (:...tenantIds)', { tenantIds })
    .andWhere('u.start_ms < :toMs', { toMs })
    .andWhere('(u.end_ms IS NULL OR u.end_ms >= :fromMs)', { fromMs });
  return qb.getRawMany<UsageRow>();
}

function usageRecordsOf(rows: readonly UsageRow[], closeAtMs: number): UsageRecord[] {
  const out: UsageRecord[] = new Array(rows.length);
  const parsed = new Map<string, any>();
  for (let i = 0; i < rows.length; i++) out[i] = toUsageRecord(rows[i], closeAtMs, parsed);
  return out;
}

export interface SlaFacts {
  readonly unavailable: InstanceUnavailability[];
  readonly violations: GuaranteeViolation[];
}

/** SLA intervals of some tenants overlapping [fromMs, toMs); open ones end at `closeAtMs`. */
export async function loadSla(m: EntityManager, tenantIds: readonly string[], fromMs: number, toMs: number, closeAtMs: number): Promise<SlaFacts> {
  return slaFactsOf(await slaRows(m, tenantIds, fromMs, toMs), closeAtMs);
}

/** The rows loadSla reads (which rows does not depend on the close time). */
async function slaRows(m: EntityManager, tenantIds: readonly string[], fromMs: number, toMs: number): Promise<SlaIntervalEntity[]> {
  if (tenantIds.length === 0) return [];
  return m
    .createQueryBuilder(SlaIntervalEntity, 's')
    .where('s.tenantId IN (:...tenantIds)', { tenantIds })
    .andWhere('s.startMs < :toMs', { toMs })
    .andWhere('(s.endMs IS NULL OR s.endMs > :fromMs)', { fromMs })
    .getMany();
}

function slaFactsOf(rows: readonly SlaIntervalEntity[], closeAtMs: number): SlaFacts {
  const facts: SlaFacts = { unavailable: [], violations: [] };
  for (const r of rows) {
    const endMs = r.endMs ?? Math.max(r.startMs, closeAtMs);
    if (r.kind === 'unavailable') facts.unavailable.push({ tenantId: r.tenantId, instanceId: r.instanceId, startMs: r.startMs, endMs });
    else {
      // The VMM's event says what was short: reserved CPU (cores), or memory it swapped (MiB), or both.
      const d = JSON.parse(r.detail) as { reservedCores?: number; allocatedCores?: number; swappedMiB?: number };
      const shortfall = Math.max(0, (d.reservedCores ?? 0) - (d.allocatedCores ?? 0));
      const swapped = d.swappedMiB ?? 0;
      if (swapped > 0) facts.violations.push({ tenantId: r.tenantId, instanceId: r.instanceId, kind: 'memory', startMs: r.startMs, endMs, shortfall: swapped });
      if (shortfall > 0 || swapped === 0) facts.violations.push({ tenantId: r.tenantId, instanceId: r.instanceId, kind: 'cpu', startMs: r.startMs, endMs, shortfall });
    }
  }
  return facts;
}

/**
 * SLA inputs of one tenant: its instances' unavailability, its guarantee violations, and the zones
 * that were unavailable to it (every instance it ran there impaired), from which the lib judges
 * the region (more than one zone at once).
 */
export function slaInputsOf(tenantId: string, usage: readonly UsageRecord[], facts: SlaFacts): SlaInputs {
  const unavailable = facts.unavailable.filter((u) => u.tenantId === tenantId);
  const running = [];
  for (const r of usage) if (r.kind === 'instance-usage' && r.tenantId === tenantId) running.push({ instanceId: r.instanceId, availabilityZone: r.availabilityZone, startMs: r.startMs, endMs: r.endMs });
  return {
    instanceUnavailability: unavailable,
    guaranteeViolations: facts.violations.filter((v) => v.tenantId === tenantId),
    zoneOutages: unavailable.length > 0 ? tenantZoneOutages(running, unavailable) : [],
  };
}

/** One tenant's invoice for a month from its stored usage, open intervals closed at `closeAtMs`. */
export async function invoiceFromStore(
  m: EntityManager, tenantId: string, month: { month: string; startMs: number; endMs: number }, closeAtMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy,
  unmetered: readonly UsageRecord[] = [],
): Promise<Invoice> {
  return (await ratedFromStore(m, tenantId, month, closeAtMs, priceBook, creditPolicy, unmetered)).invoice;
}

/** invoiceFromStore with the rater's Reserved Instance quantities (utilization and coverage) from the same rating. */
export async function ratedFromStore(
  m: EntityManager, tenantId: string, month: { month: string; startMs: number; endMs: number }, closeAtMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy,
  unmetered: readonly UsageRecord[] = [],
): Promise<ReturnType<typeof rateInvoice>> {
  const usage = [...usageRecordsOf(await usageRows(m, [tenantId], month.startMs, month.endMs), closeAtMs), ...unmetered];
  const facts = slaFactsOf(await slaRows(m, [tenantId], month.startMs, month.endMs), closeAtMs);
  return rateInvoice({ tenantId, month: month.month, usage, priceBook, creditPolicy, sla: slaInputsOf(tenantId, usage, facts) });
}

/**
 * The tenant's invoice for the month as it stood at each of several earlier times (the revenue
 * report's day ends), from one read of its usage and SLA rows. As of a time, an interval that
 * began after it was not there yet, and one still open then (open now, or closed later) ends
 * there, as an open interval ends at `closeAtMs` in an estimate: each invoice is the estimate
 * that would have been made at that time, so that the days' differences put each interval's
 * charge on the days it ran.
 */
export async function invoicesAsOf(
  m: EntityManager, tenantId: string, month: { month: string; startMs: number; endMs: number }, asOfMs: readonly number[], priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy,
): Promise<Invoice[]> {
  const usageRead = await usageRows(m, [tenantId], month.startMs, month.endMs);
  const slaRead = await slaRows(m, [tenantId], month.startMs, month.endMs);
  return asOfMs.map((t) => {
    const usage = usageRecordsOf(rowsAsOf(usageRead, t, (r) => num(r.start_ms), (r) => (r.end_ms === null ? null : num(r.end_ms)), (r) => ({ ...r, end_ms: null })), t);
    const facts = slaFactsOf(rowsAsOf(slaRead, t, (r) => r.startMs, (r) => r.endMs, (r) => ({ ...r, endMs: null })), t);
    return computeInvoice({ tenantId, month: month.month, usage, priceBook, creditPolicy, sla: slaInputsOf(tenantId, usage, facts) });
  });
}

/** Rows as they stood at `t`: those begun by then, the ones that ended after it still open. */
function rowsAsOf<R>(rows: readonly R[], t: number, start: (r: R) => number, end: (r: R) => number | null, reopened: (r: R) => R): R[] {
  const out: R[] = [];
  for (const r of rows) {
    if (start(r) > t) continue;
    const e = end(r);
    out.push(e !== null && e > t ? reopened(r) : r);
  }
  return out;
}
