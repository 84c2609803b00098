import { computeInvoice, CreditPolicy, Money, parseBillingMonth, PriceBookVersion } from '@nimbus/metering';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { BillingRepository, StoredInvoice } from '../../persistence/billing.repository';
import { Tx } from '../../persistence/tx';
import { slaInputsOf, TENANT_BATCH } from '../../persistence/usage-store';

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
  repo: BillingRepository, tx: Tx, monthName: string, nowMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy,
): Promise<CloseResult> {
  const month = parseBillingMonth(monthName);
  const done = await repo.closedMonth(month.month, tx);
  if (done) throw invoiceAlreadyClosed(month.month, done.closedAt);
  if (nowMs < month.endMs)
    throw new ApiError('BillingMonthNotEnded', `${month.month} ends at ${new Date(month.endMs).toISOString()} (simulated); it is now ${new Date(nowMs).toISOString()}. A month closes once it has ended.`);
  await repo.insertBillingMonth(tx, month.month, nowMs);

  const ids = await repo.tenantsToInvoice(tx, month);
  let total = new Money(0);
  let records = 0;
  for (let i = 0; i < ids.length; i += TENANT_BATCH) {
    const batch = ids.slice(i, i + TENANT_BATCH);
    const usage = await repo.usage(batch, month.startMs, month.endMs, month.endMs, tx);
    const facts = await repo.sla(batch, month.startMs, month.endMs, month.endMs, tx);
    records += usage.length;
    const byTenant = new Map<string, typeof usage>(batch.map((t) => [t, []]));
    for (const r of usage) byTenant.get(r.tenantId)!.push(r);
    const invoices: StoredInvoice[] = [];
    for (const tenantId of batch) {
      const own = byTenant.get(tenantId)!;
      const inv = computeInvoice({ tenantId, month: month.month, usage: own, priceBook, creditPolicy, sla: slaInputsOf(tenantId, own, facts) });
      invoices.push({ invoiceId: resourceId('inv'), closedAt: nowMs, invoice: inv });
      total = total.plus(inv.total);
    }
    await repo.insertInvoices(tx, invoices);
  }
  const totalText = total.toFixed(2);
  await repo.finishBillingMonth(tx, month.month, ids.length, totalText);
  return { month: month.month, closedAt: nowMs, invoices: ids.length, usageRecords: records, total: totalText };
}
