import { Decimal } from 'decimal.js';
import { parseBillingMonth } from '../calendar/billing-month';
import { formatCents, ZERO } from '../money/money';
import { PriceBookVersion } from '../pricing/price-book';
import { compilePriceBook } from '../pricing/price-book.compiled';
import { ReservedInstanceUse, rateUsage } from '../rating/usage.rater';
import { CreditPolicy, DEFAULT_CREDIT_POLICY, validateCreditPolicy } from '../sla/credit-policy';
import { SlaInputs, slaCreditLines, slaInstanceIds } from '../sla/sla.credits';
import { UsageRecord } from '../usage/usage-record';
import { InvoiceLine, PendingLine, compareLines, finishLine, roundedAmount } from './invoice-line';

export interface Invoice {
  readonly tenantId: string;
  /** 'YYYY-MM', a UTC calendar month. */
  readonly month: string;
  readonly currency: 'USD';
  readonly lines: readonly InvoiceLine[];
  /** Σ charge line amounts. */
  readonly subtotal: string;
  /** Σ credit line amounts (zero or negative). */
  readonly credits: string;
  /** subtotal + credits: exactly the sum of all line amounts, never rounded again. */
  readonly total: string;
  /** The price book versions in effect during the month, for audit and reproduction. */
  readonly priceBookVersions: readonly string[];
}

export interface InvoiceInput {
  readonly tenantId: string;
  readonly month: string;
  /** The tenant's usage; may include other tenants' and other months' records (ignored) and replays (deduplicated). */
  readonly usage: readonly UsageRecord[];
  readonly priceBook: readonly PriceBookVersion[];
  readonly sla?: SlaInputs;
  readonly creditPolicy?: CreditPolicy;
}

export type MonthCloseInput = Omit<InvoiceInput, 'tenantId'> & {
  /** Tenants to invoice even without usage (an empty invoice); tenants with usage are always invoiced. */
  readonly tenantIds?: readonly string[];
};

/**
 * One tenant's invoice for one month, reproducible from usage: the same records (in any order,
 * replayed any number of times) and the same book give the same lines and cents.
 * Rounding: each line's amount is rounded half-up to the cent once; subtotal, credits and total
 * are sums of rounded lines.
 */
export function computeInvoice(input: InvoiceInput): Invoice {
  return rateInvoice(input).invoice;
}

/** computeInvoice, with the rater's Reserved Instance quantities (utilization and coverage: reserved-use.ts) from the same rating. */
export function rateInvoice(input: InvoiceInput): { readonly invoice: Invoice; readonly reservedInstances: ReservedInstanceUse } {
  const { tenantId } = input;
  return invoiceFor(
    tenantId,
    input.usage.filter((r) => r.tenantId === tenantId),
    input,
  );
}

/** Closes a month for every tenant in one pass over the usage. Invoices come back sorted by tenant id. */
export function computeInvoices(input: MonthCloseInput): Invoice[] {
  // Bad input fails the close even when there is nothing to bill.
  parseBillingMonth(input.month);
  compilePriceBook(input.priceBook);
  validateCreditPolicy(input.creditPolicy ?? DEFAULT_CREDIT_POLICY);
  const byTenant = new Map<string, UsageRecord[]>();
  for (const id of input.tenantIds ?? []) byTenant.set(id, []);
  for (const r of input.usage) {
    let list = byTenant.get(r.tenantId);
    if (!list) byTenant.set(r.tenantId, (list = []));
    list.push(r);
  }
  const tenants = [...byTenant.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return tenants.map((t) => invoiceFor(t, byTenant.get(t) ?? [], input).invoice);
}

function invoiceFor(tenantId: string, usage: readonly UsageRecord[], input: Omit<InvoiceInput, 'tenantId' | 'usage'>): { invoice: Invoice; reservedInstances: ReservedInstanceUse } {
  const month = parseBillingMonth(input.month);
  const book = compilePriceBook(input.priceBook);
  const policy = input.creditPolicy ?? DEFAULT_CREDIT_POLICY;
  validateCreditPolicy(policy);

  const rated = rateUsage(usage, month, book, slaInstanceIds(tenantId, input.sla));
  const charges = rated.lines.filter((l) => !l.numerator.isZero()).sort(compareLines);
  const subtotal = charges.reduce((sum: Decimal, l) => sum.plus(roundedAmount(l)), ZERO);

  const credits = capCredits(slaCreditLines(tenantId, month, rated, subtotal, book, policy, input.sla).sort(compareLines), subtotal);
  const creditTotal = credits.reduce((sum: Decimal, l) => sum.plus(roundedAmount(l)), ZERO);

  const invoice: Invoice = {
    tenantId,
    month: month.month,
    currency: 'USD',
    lines: [...charges, ...credits].map(finishLine),
    subtotal: formatCents(subtotal),
    credits: formatCents(creditTotal),
    total: formatCents(subtotal.plus(creditTotal)),
    priceBookVersions: book.versions
      .filter((v, i) => v.effectiveFromMs < month.endMs && (i + 1 === book.versions.length || book.versions[i + 1].effectiveFromMs > month.startMs))
      .map((v) => v.version),
  };
  return { invoice, reservedInstances: rated.reservedInstances };
}

/**
 * Credits never exceed the charges: in line order each credit is cut to what is left to credit.
 * A credit that rounds to nothing is dropped (a 0.00 credit line says nothing).
 */
function capCredits(credits: readonly PendingLine[], subtotal: Decimal): PendingLine[] {
  let left = subtotal;
  const out: PendingLine[] = [];
  for (const c of credits) {
    const amount = roundedAmount(c).neg();
    if (amount.lte(0) || left.lte(0)) continue;
    if (amount.lte(left)) {
      out.push(c);
      left = left.minus(amount);
    } else {
      out.push({ ...c, description: `${c.description} (capped at the month's remaining charges)`, cappedAmount: left.neg() });
      left = ZERO;
    }
  }
  return out;
}
