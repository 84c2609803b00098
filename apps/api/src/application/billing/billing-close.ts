import { computeInvoice, CreditPolicy, Invoice, Money, parseBillingMonth, PriceBookVersion } from '@nimbus/metering';
import { EntityManager } from 'typeorm';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { BillingMonthEntity, InvoiceEntity, InvoiceLineEntity, TenantEntity, UsageRecordEntity } from '../../persistence/entities';
import { loadSla, loadUsage, slaInputsOf, TENANT_BATCH } from '../../persistence/usage-store';

/** Rows per INSERT: under SQLite's and PostgreSQL's bound-parameter limits (11 columns a line). */
const LINE_BATCH = 500;

export interface CloseResult {
  readonly month: string;
  readonly closedAt: number;
  readonly invoices: number;
  readonly usageRecords: number;
  readonly total: string;
}

export const invoiceAlreadyClosed = (month: string, closedAt: number) =>
  new ApiError('InvoiceAlreadyClosed', `The invoices of ${month} were closed at ${new Date(closedAt).toISOString()} (simulated) and cannot change.`);

/**
 * Closes a month, once: rates every tenant's usage of the month (open intervals cut at the month's
 * end), and writes each invoice and its lines — immutable from then on. Tenants that existed
 * during the month get an invoice even without usage. Runs in the caller's transaction; the
 * `billing_months` row written first makes a second close (even a concurrent one) fail.
 * Usage is read TENANT_BATCH tenants at a time, so memory is bounded by a batch, not the month.
 */
export async function closeMonth(
  tx: EntityManager, monthName: string, nowMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy,
): Promise<CloseResult> {
  const month = parseBillingMonth(monthName);
  const done = await tx.findOneBy(BillingMonthEntity, { month: month.month });
  if (done) throw invoiceAlreadyClosed(month.month, done.closedAt);
  if (nowMs < month.endMs)
    throw new ApiError('BillingMonthNotEnded', `${month.month} ends at ${new Date(month.endMs).toISOString()} (simulated); it is now ${new Date(nowMs).toISOString()}. A month closes once it has ended.`);
  await tx.insert(BillingMonthEntity, { month: month.month, closedAt: nowMs, invoices: 0, total: '0.00' });

  const tenants = new Set<string>();
  for (const t of await tx.createQueryBuilder(TenantEntity, 't').select('t.id', 'id').where('t.createdAt < :end', { end: month.endMs }).getRawMany<{ id: string }>()) tenants.add(t.id);
  const withUsage = await tx
    .createQueryBuilder(UsageRecordEntity, 'u')
    .select('DISTINCT u.tenant_id', 'id')
    .where('u.start_ms < :toMs', { toMs: month.endMs })
    .andWhere('(u.end_ms IS NULL OR u.end_ms >= :fromMs)', { fromMs: month.startMs })
    .getRawMany<{ id: string }>();
  for (const t of withUsage) tenants.add(t.id);
  const ids = [...tenants].sort();

  let total = new Money(0);
  let records = 0;
  for (let i = 0; i < ids.length; i += TENANT_BATCH) {
    const batch = ids.slice(i, i + TENANT_BATCH);
    const usage = await loadUsage(tx, batch, month.startMs, month.endMs, month.endMs);
    const facts = await loadSla(tx, batch, month.startMs, month.endMs, month.endMs);
    records += usage.length;
    const byTenant = new Map<string, typeof usage>(batch.map((t) => [t, []]));
    for (const r of usage) byTenant.get(r.tenantId)!.push(r);
    const invoices: InvoiceEntity[] = [];
    const lines: InvoiceLineEntity[] = [];
    for (const tenantId of batch) {
      const own = byTenant.get(tenantId)!;
      const inv = computeInvoice({ tenantId, month: month.month, usage: own, priceBook, creditPolicy, sla: slaInputsOf(tenantId, own, facts) });
      const row = invoiceRow(inv, resourceId('inv'), nowMs);
      invoices.push(row);
      inv.lines.forEach((l, n) => lines.push({
        invoiceId: row.id, lineNo: n + 1, lineId: l.lineId, product: l.product, licenseProduct: l.licenseProduct ?? null, description: l.description,
        quantity: l.quantity, unit: l.unit, unitPrice: l.unitPrice, amount: l.amount,
      }));
      total = total.plus(inv.total);
    }
    for (let j = 0; j < invoices.length; j += LINE_BATCH) await tx.insert(InvoiceEntity, invoices.slice(j, j + LINE_BATCH));
    for (let j = 0; j < lines.length; j += LINE_BATCH) await tx.insert(InvoiceLineEntity, lines.slice(j, j + LINE_BATCH));
  }
  const totalText = total.toFixed(2);
  await tx.update(BillingMonthEntity, { month: month.month }, { invoices: ids.length, total: totalText });
  return { month: month.month, closedAt: nowMs, invoices: ids.length, usageRecords: records, total: totalText };
}

export function invoiceRow(inv: Invoice, id: string, closedAt: number): InvoiceEntity {
  return {
    id, tenantId: inv.tenantId, month: inv.month, currency: inv.currency, subtotal: inv.subtotal, credits: inv.credits, total: inv.total,
    priceBookVersions: JSON.stringify(inv.priceBookVersions), closedAt,
  };
}

/** A stored invoice as libs/metering's Invoice (for CSV and summaries). */
export function invoiceOfRows(row: InvoiceEntity, lines: readonly InvoiceLineEntity[]): Invoice {
  return {
    tenantId: row.tenantId, month: row.month, currency: 'USD', subtotal: row.subtotal, credits: row.credits, total: row.total,
    priceBookVersions: JSON.parse(row.priceBookVersions) as string[],
    lines: [...lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => ({
      lineId: l.lineId, product: l.product as Invoice['lines'][number]['product'], ...(l.licenseProduct !== null ? { licenseProduct: l.licenseProduct } : {}),
      description: l.description, quantity: l.quantity, unit: l.unit, unitPrice: l.unitPrice, amount: l.amount,
    })),
  };
}
