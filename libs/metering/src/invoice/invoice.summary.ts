import { Decimal } from 'decimal.js';
import { Money, ZERO, formatCents } from '../money/money';
import { CREDIT_PRODUCTS, PRODUCTS, Product } from './invoice-line';
import { Invoice } from './invoice';

export interface BillingSummary {
  readonly currency: 'USD';
  /** Months the summarised invoices cover, ascending. */
  readonly months: readonly string[];
  readonly revenueByTenant: readonly { readonly tenantId: string; readonly subtotal: string; readonly credits: string; readonly total: string }[];
  /** Charges per product (credit products excluded), in invoice product order. */
  readonly revenueByProduct: readonly { readonly product: Product; readonly amount: string }[];
  readonly licenseRevenue: { readonly total: string; readonly byLicenseProduct: readonly { readonly licenseProduct: string; readonly amount: string }[] };
  readonly credits: { readonly total: string; readonly byProduct: readonly { readonly product: Product; readonly amount: string }[] };
  readonly subtotal: string;
  readonly total: string;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function add<K>(map: Map<K, Decimal>, key: K, amount: Decimal): void {
  map.set(key, (map.get(key) ?? ZERO).plus(amount));
}

/**
 * The admin billing summary: sums of invoice line amounts (already rounded, so every figure here
 * reconciles to the cent with the invoices it came from). Revenue is charges; credits are shown
 * separately and netted in `total`.
 */
export function summarize(invoices: readonly Invoice[]): BillingSummary {
  const byTenant = new Map<string, { subtotal: Decimal; credits: Decimal }>();
  const byProduct = new Map<Product, Decimal>();
  const byLicense = new Map<string, Decimal>();
  const months = new Set<string>();
  for (const inv of invoices) {
    months.add(inv.month);
    const t = byTenant.get(inv.tenantId) ?? { subtotal: ZERO, credits: ZERO };
    t.subtotal = t.subtotal.plus(inv.subtotal);
    t.credits = t.credits.plus(inv.credits);
    byTenant.set(inv.tenantId, t);
    for (const line of inv.lines) {
      const amount = new Money(line.amount);
      add(byProduct, line.product, amount);
      if (line.licenseProduct !== undefined) add(byLicense, line.licenseProduct, amount);
    }
  }
  const sum = (values: Iterable<Decimal>): Decimal => [...values].reduce((a: Decimal, b) => a.plus(b), ZERO);
  const charges = PRODUCTS.filter((p) => !CREDIT_PRODUCTS.includes(p) && byProduct.has(p));
  const creditProducts = CREDIT_PRODUCTS.filter((p) => byProduct.has(p));
  const subtotal = sum(charges.map((p) => byProduct.get(p) as Decimal));
  const creditTotal = sum(creditProducts.map((p) => byProduct.get(p) as Decimal));
  return {
    currency: 'USD',
    months: [...months].sort(byString),
    revenueByTenant: [...byTenant.entries()]
      .sort(([a], [b]) => byString(a, b))
      .map(([tenantId, t]) => ({ tenantId, subtotal: formatCents(t.subtotal), credits: formatCents(t.credits), total: formatCents(t.subtotal.plus(t.credits)) })),
    revenueByProduct: charges.map((product) => ({ product, amount: formatCents(byProduct.get(product) as Decimal) })),
    licenseRevenue: {
      total: formatCents(sum(byLicense.values())),
      byLicenseProduct: [...byLicense.entries()].sort(([a], [b]) => byString(a, b)).map(([licenseProduct, amount]) => ({ licenseProduct, amount: formatCents(amount) })),
    },
    credits: { total: formatCents(creditTotal), byProduct: creditProducts.map((product) => ({ product, amount: formatCents(byProduct.get(product) as Decimal) })) },
    subtotal: formatCents(subtotal),
    total: formatCents(subtotal.plus(creditTotal)),
  };
}
