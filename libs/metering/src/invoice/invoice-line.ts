import { Decimal } from 'decimal.js';
import { formatCents, formatPrice, formatQuantity, roundToCent } from '../money/money';

/** What a line bills. Charges first, credits last; the order of this list is the order on the invoice. */
export const PRODUCTS = [
  'ec2-instance',
  'ec2-reserved-instance',
  'ec2-license',
  'ec2-cpu-credits',
  'ec2-dedicated-host',
  'detailed-monitoring',
  'ebs-storage',
  'ebs-iops',
  'ebs-throughput',
  'ebs-io-requests',
  'ebs-snapshot',
  'public-ipv4',
  'nat-gateway',
  'data-transfer',
  'sla-credit',
  'guarantee-credit',
] as const;
export type Product = (typeof PRODUCTS)[number];
export const CREDIT_PRODUCTS: readonly Product[] = ['sla-credit', 'guarantee-credit'];

export interface InvoiceLine {
  /** Stable within the invoice and across recomputations: it names what the line aggregates. */
  readonly lineId: string;
  readonly product: Product;
  /** License lines: which license (windows-server, sql-server-standard, rhel, sles, ubuntu-pro). */
  readonly licenseProduct?: string;
  readonly description: string;
  /** Decimal string, shown to 8 places; `amount` is computed from the exact quantity. */
  readonly quantity: string;
  readonly unit: string;
  /** Decimal string, USD per unit; negative on credit lines. */
  readonly unitPrice: string;
  /** Decimal string rounded to the cent (half-up), once; negative on credit lines. */
  readonly amount: string;
}

/**
 * A line before rounding: quantity = numerator / denominator, kept as the exact integer sum and
 * its divisor (hours are ms / 3,600,000, months are ms / month length) so the only rounding is
 * the cent rounding of the amount.
 */
export interface PendingLine {
  readonly lineId: string;
  /** Orders lines of one product (so versions sort by time, not by name). */
  readonly sortKey: string;
  readonly product: Product;
  readonly licenseProduct?: string;
  readonly description: string;
  readonly unit: string;
  readonly unitPrice: Decimal;
  readonly numerator: Decimal;
  readonly denominator: Decimal | number;
  /** Set only when a credit is capped at the charges left to credit: the (negative, cent) amount to show instead. */
  readonly cappedAmount?: Decimal;
}

export function exactAmount(p: PendingLine): Decimal {
  return p.unitPrice.times(p.numerator).div(p.denominator);
}

export function roundedAmount(p: PendingLine): Decimal {
  return p.cappedAmount ?? roundToCent(exactAmount(p));
}

export function finishLine(p: PendingLine): InvoiceLine {
  return {
    lineId: p.lineId,
    product: p.product,
    ...(p.licenseProduct !== undefined ? { licenseProduct: p.licenseProduct } : {}),
    description: p.description,
    quantity: formatQuantity(p.numerator.div(p.denominator)),
    unit: p.unit,
    unitPrice: formatPrice(p.unitPrice),
    amount: formatCents(roundedAmount(p)),
  };
}

const rank = new Map<Product, number>(PRODUCTS.map((p, i) => [p, i]));

/** Deterministic order: product, then the line's sort key (plain code-unit comparison, no locale). */
export function compareLines(a: PendingLine, b: PendingLine): number {
  const byProduct = (rank.get(a.product) ?? 0) - (rank.get(b.product) ?? 0);
  if (byProduct !== 0) return byProduct;
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}
