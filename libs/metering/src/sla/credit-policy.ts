import { Decimal } from 'decimal.js';
import { SimTimeMs } from '../calendar/billing-month';
import { InvalidCreditPolicy } from '../errors';
import { Money, ZERO, parsePrice } from '../money/money';

/** Credit `creditPercent` % when uptime is below `belowPercent` %. */
export interface SlaTier {
  readonly belowPercent: string;
  readonly creditPercent: string;
}

/**
 * What the operator credits, and how much. Admin-settable; the defaults are the Amazon Compute SLA
 * and a documented house rule for guarantee violations.
 */
export interface CreditPolicy {
  /** Region-level tiers, applied to the tenant's charges for the month. */
  readonly regionTiers: readonly SlaTier[];
  /** Instance-level tiers, applied to that instance's compute and license charges for the month. */
  readonly instanceTiers: readonly SlaTier[];
  readonly guaranteeViolation: {
    /** Percent of the instance's compute + license charge for the time a guarantee was violated. */
    readonly creditPercent: string;
    /** Violations shorter than this (after merging overlaps) earn nothing. */
    readonly minimumDurationMs: number;
  };
}

/**
 * Defaults. Region level: the Amazon Compute SLA (10 % below 99.99 %, 30 % below 99.0 %, 100 %
 * below 95.0 %). Instance level: the SLA's instance tiers (10 % below 99.5 %, 30 % below 99.0 %,
 * 100 % below 95.0 %), over the month. Guarantee violations (the VMM gave less than the
 * reservation): 10 % of the instance's charge for the affected time, the same as the lowest SLA
 * tier, since the instance ran but degraded; no minimum duration.
 */
export const DEFAULT_CREDIT_POLICY: CreditPolicy = {
  regionTiers: [
    { belowPercent: '99.99', creditPercent: '10' },
    { belowPercent: '99.0', creditPercent: '30' },
    { belowPercent: '95.0', creditPercent: '100' },
  ],
  instanceTiers: [
    { belowPercent: '99.5', creditPercent: '10' },
    { belowPercent: '99.0', creditPercent: '30' },
    { belowPercent: '95.0', creditPercent: '100' },
  ],
  guaranteeViolation: { creditPercent: '10', minimumDurationMs: 0 },
};

const fail = (reason: string) => new InvalidCreditPolicy(reason);

/** A violation is credited within its month's invoice: a minimum longer than the longest month could never be met. */
export const MAX_MINIMUM_DURATION_MS = 31 * 24 * 3600 * 1000;

function checkPercent(value: string, what: string): Decimal {
  const d = parsePrice(value, what, fail);
  if (d.gt(100)) throw fail(`${what} must be at most 100`);
  return d;
}

export function validateCreditPolicy(p: CreditPolicy): void {
  for (const [name, tiers] of [['regionTiers', p.regionTiers], ['instanceTiers', p.instanceTiers]] as const) {
    tiers.forEach((t, i) => {
      checkPercent(t.belowPercent, `${name}[${i}].belowPercent`);
      checkPercent(t.creditPercent, `${name}[${i}].creditPercent`);
    });
  }
  checkPercent(p.guaranteeViolation.creditPercent, 'guaranteeViolation.creditPercent');
  const min = p.guaranteeViolation.minimumDurationMs;
  if (!Number.isSafeInteger(min) || min < 0 || min > MAX_MINIMUM_DURATION_MS)
    throw fail(`guaranteeViolation.minimumDurationMs must be an integer from 0 to ${MAX_MINIMUM_DURATION_MS} (31 days)`);
}

/** The credit percent an uptime earns: the largest credit among the tiers it falls below (0 if none). */
export function slaCreditPercent(uptime: Decimal, tiers: readonly SlaTier[]): Decimal {
  let best: Decimal = ZERO;
  for (const t of tiers) {
    if (uptime.lt(t.belowPercent)) best = Decimal.max(best, new Money(t.creditPercent));
  }
  return best;
}

/** A time an instance was unavailable (e.g. its host failed, until it was recovered elsewhere). */
export interface InstanceUnavailability {
  readonly tenantId: string;
  readonly instanceId: string;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

/** The VMM allocated less than the instance's reservation (docs/model.md §3.1, §3.2). */
export interface GuaranteeViolation {
  readonly tenantId: string;
  readonly instanceId: string;
  readonly kind: 'cpu' | 'memory';
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
  /** How far below the guarantee (cores for cpu, MiB for memory). Shown; the default policy credits by time. */
  readonly shortfall: number;
}
