import { Decimal } from 'decimal.js';
import { formatQuantity } from '../money/money';
import { ReservedInstanceUse } from '../rating/usage.rater';

/** A percentage to two places, half-up ("50", "33.33"); null where there is nothing to divide by. */
const percent = (part: Decimal, whole: Decimal): string | null => (whole.isZero() ? null : part.times(100).div(whole).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed());

/** AWS Cost Explorer's ReservationAggregates, in hours: what was bought, what of it was used. */
export interface RiUtilization {
  readonly purchasedHours: string;
  readonly usedHours: string;
  readonly unusedHours: string;
  /** usedHours ÷ purchasedHours × 100; null with no RI hours in the month. */
  readonly utilizationPercentage: string | null;
}

/** AWS Cost Explorer's CoverageHours: eligible instance hours, and the part RIs covered. */
export interface RiCoverage {
  readonly reservedHours: string;
  readonly onDemandHours: string;
  readonly totalRunningHours: string;
  /** reservedHours ÷ totalRunningHours × 100; null with no eligible hours. */
  readonly coverageHoursPercentage: string | null;
}

export interface RiUseReport {
  readonly reservations: readonly (Omit<ReservedInstanceUse['reservations'][number], 'purchasedHours' | 'usedHours'> & RiUtilization)[];
  readonly utilization: RiUtilization;
  readonly coverage: RiCoverage;
}

function utilization(purchased: Decimal, used: Decimal): RiUtilization {
  return { purchasedHours: formatQuantity(purchased), usedHours: formatQuantity(used), unusedHours: formatQuantity(purchased.minus(used)), utilizationPercentage: percent(used, purchased) };
}

/**
 * Reserved Instance utilization and coverage as AWS Cost Explorer reports them (Cost Management User
 * Guide, "Reserved Instance utilization" and "Reserved Instance coverage" reports; API
 * ReservationAggregates and CoverageHours), from the rater's own quantities (rating/usage.rater.ts
 * ReservedInstanceUse, decided by rating/reserved-coverage.ts coverUsage):
 *
 * - utilization = RI hours used ÷ RI hours purchased (each RI's hours in its own size, a size-flexible
 *   RI's used hours being the normalized units it gave ÷ its own units);
 * - coverage = eligible instance hours covered by RIs ÷ all eligible instance hours (eligible: what an
 *   RI can cover here, On-Demand Linux/UNIX at default tenancy).
 *
 * Several tenants' (the admin's view across tenants) are summed before dividing.
 */
export function riUseReport(uses: readonly ReservedInstanceUse[]): RiUseReport {
  const zero = new Decimal(0);
  const reservations = uses.flatMap((u) => u.reservations);
  const purchased = reservations.reduce((s, r) => s.plus(r.purchasedHours), zero);
  const used = reservations.reduce((s, r) => s.plus(r.usedHours), zero);
  const eligible = uses.reduce((s, u) => s.plus(u.eligibleHours), zero);
  const covered = uses.reduce((s, u) => s.plus(u.coveredHours), zero);
  return {
    reservations: reservations.map(({ purchasedHours, usedHours, ...r }) => ({ ...r, ...utilization(purchasedHours, usedHours) })),
    utilization: utilization(purchased, used),
    coverage: {
      reservedHours: formatQuantity(covered), onDemandHours: formatQuantity(eligible.minus(covered)), totalRunningHours: formatQuantity(eligible), coverageHoursPercentage: percent(covered, eligible),
    },
  };
}
