import { InvalidBillingMonth } from '../errors';

/** Simulated time: integer milliseconds since the Unix epoch (UTC). Never the wall clock. */
export type SimTimeMs = number;

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** A UTC calendar month, the billing period: [startMs, endMs). */
export interface BillingMonth {
  readonly month: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function parseBillingMonth(month: string): BillingMonth {
  const m = MONTH.exec(month);
  if (!m) throw new InvalidBillingMonth(month);
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  // Date.UTC is calendar arithmetic on given numbers, not a clock read.
  return { month, startMs: Date.UTC(year, index, 1), endMs: Date.UTC(year, index + 1, 1) };
}

/** The month containing an instant. */
export function billingMonthOf(atMs: SimTimeMs): BillingMonth {
  const d = new Date(atMs);
  const year = d.getUTCFullYear();
  const index = d.getUTCMonth();
  return {
    month: `${String(year).padStart(4, '0')}-${String(index + 1).padStart(2, '0')}`,
    startMs: Date.UTC(year, index, 1),
    endMs: Date.UTC(year, index + 1, 1),
  };
}

/** Length of the month in ms: what AWS prorates GB-months by (a 30-day month has 2,592,000 s). */
export function monthLengthMs(m: BillingMonth): number {
  return m.endMs - m.startMs;
}
