import { Decimal } from 'decimal.js';
import { MS_PER_HOUR, SimTimeMs } from '../calendar/billing-month';
import { Money } from '../money/money';

/**
 * Nimbus's simulated Spot market. Real Spot prices "adjust gradually based on long-term trends in
 * supply and demand for Spot Instance capacity" (aws.amazon.com/ec2/spot/pricing); Nimbus has no
 * such market, so the price is a pure function of (instance type, Availability Zone, clock hour):
 *
 *   hour    = ⌊t / 3,600,000⌋ (UTC clock hours since the epoch, the engine's time)
 *   percent = SPOT_FLOOR_PERCENT + FNV-1a-32("<type>|<zone>|<hour>") mod (SPOT_CEILING_PERCENT − SPOT_FLOOR_PERCENT + 1)
 *   price   = the type's Linux On-Demand hourly price × percent / 100   (exact decimal, no rounding)
 *
 * So the price changes at most once an hour (at the top of the clock hour), stays between 30 % and
 * 90 % of the On-Demand price, and every process, replay and invoice computes the same price with
 * no stored history. The percent is kept apart from the dollar price so the price book's own
 * versions still decide the On-Demand price it applies to.
 */
export const SPOT_FLOOR_PERCENT = 30;
export const SPOT_CEILING_PERCENT = 90;

/** FNV-1a, 32 bits, over the string's UTF-16 code units (instance types and zones are ASCII). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The clock hour (since the epoch, UTC) an instant falls in: the Spot price's period. */
export function spotHourOf(atMs: SimTimeMs): number {
  return Math.floor(atMs / MS_PER_HOUR);
}

/** The Spot price as a percentage of the Linux On-Demand price, for one type in one zone during one clock hour. */
export function spotPercent(instanceType: string, availabilityZone: string, hour: number): number {
  const span = SPOT_CEILING_PERCENT - SPOT_FLOOR_PERCENT + 1;
  return SPOT_FLOOR_PERCENT + (fnv1a32(`${instanceType}|${availabilityZone}|${hour}`) % span);
}

/** The Spot price per instance-hour: the On-Demand Linux price × the hour's percent / 100, exact. */
export function spotPriceOf(onDemandLinuxHourly: Decimal | string, percent: number): Decimal {
  return new Money(onDemandLinuxHourly).times(percent).div(100);
}

/** The Spot price in effect at an instant (the percent of the hour it falls in). */
export function spotPriceAt(onDemandLinuxHourly: Decimal | string, instanceType: string, availabilityZone: string, atMs: SimTimeMs): Decimal {
  return spotPriceOf(onDemandLinuxHourly, spotPercent(instanceType, availabilityZone, spotHourOf(atMs)));
}
