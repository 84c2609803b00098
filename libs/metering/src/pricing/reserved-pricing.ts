import { Decimal } from 'decimal.js';
import { MS_PER_HOUR } from '../calendar/billing-month';
import { Money, roundToCent } from '../money/money';

/**
 * Standard Reserved Instance prices, derived from the On-Demand price (real RI prices are not
 * available offline). One table per (term, payment option) gives the RI's effective hourly rate as a
 * fraction of the type's Linux On-Demand rate, read off us-east-1 Linux prices as a third-party
 * comparison quotes them (docs/model.md §5, "Reserved Instances"): m5.xlarge at $0.192 On-Demand is
 * $0.120 (1-year No Upfront), $0.113 (1-year All Upfront), $0.081 (3-year No Upfront) and $0.070
 * (3-year All Upfront) effective per hour — 37 % to 64 % off; AWS's "up to 72 %" is its best case
 * over all types. Partial Upfront sits between the two, half of it paid up front. An
 * APPROXIMATION: real tables differ by family and region by a few percent.
 *
 *   effective = On-Demand × EFFECTIVE_RATE[term][option]               (exact decimal)
 *   No Upfront:      fixedPrice 0;                                     hourly = effective
 *   Partial Upfront: fixedPrice = round¢(effective × hours × ½);       hourly = effective × ½
 *   All Upfront:     fixedPrice = round¢(effective × hours);           hourly 0
 * where hours is the term's (8,760 for 1 year, 26,280 for 3 years: EC2's Duration 31536000 s and 94608000 s).
 */
export const RI_OFFERING_TYPES = ['No Upfront', 'Partial Upfront', 'All Upfront'] as const;
export type RiOfferingType = (typeof RI_OFFERING_TYPES)[number];

/** EC2's Duration values (seconds): one year and three years of 365 days. */
export const RI_TERM_SECONDS = { 1: 31_536_000, 3: 94_608_000 } as const;
export type RiTermYears = keyof typeof RI_TERM_SECONDS;

export const EFFECTIVE_RATE: Readonly<Record<RiTermYears, Readonly<Record<RiOfferingType, string>>>> = {
  1: { 'No Upfront': '0.625', 'Partial Upfront': '0.6', 'All Upfront': '0.59' },
  3: { 'No Upfront': '0.42', 'Partial Upfront': '0.39', 'All Upfront': '0.365' },
};

/** Share of a Partial Upfront RI's effective cost paid up front. */
export const PARTIAL_UPFRONT_SHARE = '0.5';

export interface ReservedPrice {
  /** Paid once, at purchase (EC2's fixedPrice), to the cent. */
  readonly fixedPrice: Decimal;
  /** Charged for every hour of the term per instance (EC2's recurringCharges Hourly amount), exact. */
  readonly hourlyPrice: Decimal;
}

/** A Standard RI's prices for a type whose Linux On-Demand price is `onDemandHourly`. */
export function reservedPrice(onDemandHourly: Decimal | string, term: RiTermYears, option: RiOfferingType): ReservedPrice {
  const effective = new Money(onDemandHourly).times(EFFECTIVE_RATE[term][option]);
  const hours = (RI_TERM_SECONDS[term] * 1000) / MS_PER_HOUR;
  if (option === 'No Upfront') return { fixedPrice: new Money(0), hourlyPrice: effective };
  if (option === 'All Upfront') return { fixedPrice: roundToCent(effective.times(hours)), hourlyPrice: new Money(0) };
  return { fixedPrice: roundToCent(effective.times(hours).times(PARTIAL_UPFRONT_SHARE)), hourlyPrice: effective.times(PARTIAL_UPFRONT_SHARE) };
}

/**
 * AWS's instance size normalization factors (EC2 User Guide, "Instance size flexibility"), in
 * quarter units so that they are integers: nano 0.25 → 1, micro 0.5 → 2, small 1 → 4, medium 2 → 8,
 * large 4 → 16, xlarge 8 → 32, and <n>xlarge 8n → 32n. Undefined for sizes without one (metal, …):
 * an RI of such a type covers its own type only.
 */
export function normalizationQuarterUnits(instanceType: string): number | undefined {
  const size = instanceType.slice(instanceType.indexOf('.') + 1);
  const fixed: Readonly<Record<string, number>> = { nano: 1, micro: 2, small: 4, medium: 8, large: 16, xlarge: 32 };
  if (Object.hasOwn(fixed, size)) return fixed[size];
  const m = /^([1-9]\d*)xlarge$/.exec(size);
  return m ? 32 * Number(m[1]) : undefined;
}

/** The normalization factor as AWS writes it (0.25, 4, 8, …). */
export function normalizationFactor(instanceType: string): number | undefined {
  const q = normalizationQuarterUnits(instanceType);
  return q === undefined ? undefined : q / 4;
}

export const instanceFamilyOf = (instanceType: string): string => instanceType.slice(0, instanceType.indexOf('.'));
