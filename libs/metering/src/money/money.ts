import { Decimal } from 'decimal.js';

/**
 * The one decimal constructor for money. Its own clone, so no other code's Decimal settings
 * change ours. 40 significant digits keep quotients such as ms / 3,600,000 exact far past the
 * cent, so rounding once at the line is the only rounding that ever shows.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
export type Money = Decimal;

export const ZERO = new Money(0);

/** Digits shown for a line's quantity; the amount is computed from the exact quantity, not this. */
export const QUANTITY_DECIMALS = 8;

/**
 * THE rounding rule: half-up (away from zero on a tie) to the cent, applied once per invoice line.
 * Totals are sums of rounded lines and are never rounded again.
 */
export function roundToCent(x: Decimal): Decimal {
  return x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

export function formatCents(x: Decimal): string {
  return x.toFixed(2, Decimal.ROUND_HALF_UP);
}

/** A unit price: exact, but with at least two decimals so it reads as money ("0.10", "0.0052"). */
export function formatPrice(x: Decimal): string {
  return x.decimalPlaces() < 2 ? x.toFixed(2) : x.toFixed();
}

export function formatQuantity(x: Decimal): string {
  return x.toDecimalPlaces(QUANTITY_DECIMALS, Decimal.ROUND_HALF_UP).toFixed();
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The most decimal places a price may have: AWS's price list uses up to 8 (`0.0000166667`-style rates, 10); more is a typo. */
export const MAX_PRICE_DECIMALS = 10;
/** The largest unit price: EC2's dearest instance costs a few hundred dollars an hour; a million is a typo, not a price. */
export const MAX_PRICE = 1_000_000;

/**
 * Parses a non-negative decimal string from a price book (or a percentage of a credit policy);
 * floats are refused so no binary rounding creeps in. At most MAX_PRICE, with at most
 * MAX_PRICE_DECIMALS places.
 */
export function parsePrice(value: unknown, what: string, fail: (reason: string) => Error): Decimal {
  if (typeof value !== 'string' || value.length > 40 || !DECIMAL.test(value)) throw fail(`${what} must be a non-negative decimal string, got ${JSON.stringify(typeof value === 'string' ? value.slice(0, 40) : value)}`);
  const d = new Money(value);
  if (d.decimalPlaces() > MAX_PRICE_DECIMALS) throw fail(`${what} has more than ${MAX_PRICE_DECIMALS} decimal places: ${value}`);
  if (d.gt(MAX_PRICE)) throw fail(`${what} must be at most ${MAX_PRICE}, got ${value}`);
  return d;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * An exact sum of integers (milliseconds, byte counts, unit-milliseconds). Plain number addition
 * while it is exact, spilling into a bigint only past 2^53, so rating a million records creates
 * no Decimal per record and the sum is independent of record order.
 */
export class ExactSum {
  private small = 0;
  private big = 0n;

  add(n: number): void {
    const next = this.small + n;
    if (next > MAX_SAFE) {
      this.big += BigInt(this.small);
      this.small = n;
    } else {
      this.small = next;
    }
  }

  addExact(other: ExactSum): void {
    this.big += other.big;
    this.add(other.small);
  }

  isZero(): boolean {
    return this.small === 0 && this.big === 0n;
  }

  toDecimal(): Decimal {
    return this.big === 0n ? new Money(this.small) : new Money((this.big + BigInt(this.small)).toString());
  }
}
