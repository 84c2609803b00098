import { BillingMonth, Invoice, parseBillingMonth, PriceBookVersion, toCsv, USAGE_GROUPINGS, UsageGrouping } from '@nimbus/metering';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { ID_PATTERN } from '../../../application/common/ids';
import {
  CloseMonthCommand, GetBillingSummaryCommand, GetRevenueCommand, GetUsageCommand, ListAllInvoicesCommand, PutCreditPolicyCommand, PutPricesCommand,
} from '../../../application/billing/billing.commands';
import { CloseResult } from '../../../application/billing/billing-close';
import { InvoiceList, InvoiceView, MonthSummary, PriceBookState, Recomputation, RevenueReport, UsageReport } from '../../../application/billing/billing.service';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const PRICE_FIELDS = ['version', 'effectiveFrom', 'region', 'instanceTypes', 'licenses', 'dedicatedInstanceMultiplier', 'dedicatedHostHourly', 'burstableSurplusPerVcpuHour', 'detailedMonitoring', 'ebs', 'publicIpv4', 'natGateway', 'dataTransfer'];
const CREDIT_POLICY_FIELDS = ['regionTiers', 'instanceTiers', 'guaranteeViolation'];

const iso = (ms: number) => new Date(ms).toISOString();
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- requests → commands (billing's bodies and queries are free-form JSON: checked here, in the API's order) ----

/** Parses YYYY-MM or throws a 400 naming the parameter (and `alternatives`, the other values its route takes). */
export function parseMonthParam(value: unknown, name = 'month', alternatives = ''): BillingMonth {
  if (typeof value !== 'string' || !MONTH.test(value)) throw invalidParameter(`${name} must be a calendar month as YYYY-MM${alternatives}, got ${JSON.stringify(value ?? null)}`);
  return parseBillingMonth(value);
}

function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(`${name} must be an ISO 8601 time, got ${JSON.stringify(value)}`);
  return ms;
}

function objectBody(body: unknown, allowed: readonly string[], listAllowed: boolean): Record<string, unknown> {
  if (!isObject(body)) throw invalidParameter('the body must be a JSON object');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length) throw invalidParameter(`unknown field(s): ${unknown.join(', ')}${listAllowed ? ` (allowed: ${allowed.join(', ')})` : ''}`);
  return body;
}

export function toPutPricesCommand(body: unknown): PutPricesCommand {
  const { version, effectiveFrom, ...prices } = objectBody(body, PRICE_FIELDS, true);
  const effectiveFromMs = parseTime(effectiveFrom, 'effectiveFrom');
  return { ...(version !== undefined ? { version } : {}), ...(effectiveFromMs !== undefined ? { effectiveFromMs } : {}), prices };
}

export const toPutCreditPolicyCommand = (body: unknown): PutCreditPolicyCommand => objectBody(body, CREDIT_POLICY_FIELDS, false);

export function toGetUsageCommand(q: { from?: unknown; to?: unknown; groupBy?: unknown }): GetUsageCommand {
  const groupBy = (q.groupBy ?? 'type') as UsageGrouping;
  if (typeof groupBy !== 'string' || !USAGE_GROUPINGS.includes(groupBy)) throw invalidParameter(`groupBy must be one of ${USAGE_GROUPINGS.join(', ')}, got ${JSON.stringify(q.groupBy)}`);
  const fromMs = parseTime(q.from, 'from');
  const toMs = parseTime(q.to, 'to');
  return { groupBy, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}

export function toListAllInvoicesCommand(q: { month?: unknown; tenantId?: unknown }): ListAllInvoicesCommand {
  const month = q.month === undefined ? undefined : parseMonthParam(q.month);
  if (q.tenantId !== undefined && (typeof q.tenantId !== 'string' || !ID_PATTERN('t').test(q.tenantId)))
    throw invalidParameter(`tenantId must be a tenant id ('t-' and 17 hex digits), got ${JSON.stringify(q.tenantId)}`);
  return { ...(month ? { month } : {}), ...(q.tenantId !== undefined ? { tenantId: q.tenantId } : {}) };
}

export const toGetBillingSummaryCommand = (q: { month?: unknown }): GetBillingSummaryCommand => ({ month: parseMonthParam(q.month) });

export const toGetRevenueCommand = (q: { month?: unknown }): GetRevenueCommand => ({
  month: q.month === 'current' || q.month === 'previous' ? q.month : parseMonthParam(q.month, 'month', ', current or previous'),
});

export function toCloseMonthCommand(body: unknown): CloseMonthCommand {
  const b = objectBody(body, ['month'], false);
  if (b.month === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter month');
  return { month: parseMonthParam(b.month) };
}

// ---- results → API.md's JSON ----

export function mapPriceBookVersion({ version, effectiveFromMs, ...prices }: PriceBookVersion) {
  return { version, effectiveFrom: iso(effectiveFromMs), ...prices };
}

export const mapPriceBook = (s: PriceBookState) => ({ current: s.current, versions: s.versions.map(mapPriceBookVersion) });

export const mapUsageReport = (r: UsageReport) => ({ from: iso(r.fromMs), to: iso(r.toMs), groupBy: r.groupBy, usage: r.usage });

/** An invoice, closed or estimate, with its lines (and, asked for, its recomputation). */
export function mapInvoice(v: InvoiceView & { recomputed?: Recomputation }) {
  return {
    invoiceId: v.invoiceId, status: v.status, periodStart: iso(v.periodStartMs), periodEnd: iso(v.periodEndMs), asOf: iso(v.asOfMs), ...v.invoice,
    ...(v.recomputed ? { recomputed: v.recomputed } : {}),
  };
}

/** An invoice without its lines, for lists. */
export function mapInvoiceSummary(v: InvoiceView) {
  const { lines: _lines, ...rest } = mapInvoice(v);
  return rest;
}

export const mapInvoiceList = (l: InvoiceList) => ({
  ...(l.month !== undefined ? { month: l.month, status: l.status } : {}),
  invoices: l.invoices.map(mapInvoiceSummary),
});

export const mapMonthSummary = (s: MonthSummary) => ({
  month: s.month, status: s.status, asOf: iso(s.asOfMs), ...s.summary, guaranteeViolations: s.guaranteeViolations,
});

export const mapRevenue = (r: RevenueReport) => ({
  month: r.month, status: r.status, asOf: iso(r.asOfMs), currency: 'USD', ...r.total,
  days: r.days, byProduct: r.byProduct, topTenants: r.topTenants, others: r.others, creditLines: r.credits,
});

export const mapCloseResult = (r: CloseResult) => ({
  month: r.month, closedAt: iso(r.closedAt), invoices: r.invoices, usageRecords: r.usageRecords, total: r.total, currency: 'USD',
});

/** The CSV download of an invoice. */
export const invoiceCsv = (invoice: Invoice): string => toCsv(invoice);
