import { Decimal } from 'decimal.js';
import { BillingMonth, MS_PER_HOUR } from '../calendar/billing-month';
import { PendingLine } from '../invoice/invoice-line';
import { Money, ZERO } from '../money/money';
import { CompiledPriceBook } from '../pricing/price-book.compiled';
import { INSTANCE_BILLING, billedMsByVersion } from '../rating/billing-granularity';
import { InstanceSegment, RatedUsage } from '../rating/usage.rater';
import { TimeInterval, ZoneOutage, availability, clipIntervals, mergeIntervals, regionUnavailability, subtractIntervals } from './availability';
import { CreditPolicy, GuaranteeViolation, InstanceUnavailability, slaCreditPercent } from './credit-policy';

/** The facts the SLA is judged on. Inputs for other tenants are ignored, so one set can serve a whole month close. */
export interface SlaInputs {
  /** Availability Zone outages: facts about the region, not about a tenant. */
  readonly zoneOutages?: readonly ZoneOutage[];
  readonly instanceUnavailability?: readonly InstanceUnavailability[];
  readonly guaranteeViolations?: readonly GuaranteeViolation[];
}

/** Instance ids the SLA inputs name for this tenant: the rater keeps their segments. */
export function slaInstanceIds(tenantId: string, sla: SlaInputs | undefined): Set<string> {
  const ids = new Set<string>();
  for (const u of sla?.instanceUnavailability ?? []) if (u.tenantId === tenantId) ids.add(u.instanceId);
  for (const g of sla?.guaranteeViolations ?? []) if (g.tenantId === tenantId) ids.add(g.instanceId);
  return ids;
}

/** What an instance was charged this month for compute and licenses, minimums included, unrounded. */
function instanceMonthCharge(segments: readonly InstanceSegment[], book: CompiledPriceBook): Decimal {
  const pieces: number[] = [];
  let charge: Decimal = ZERO;
  for (const s of segments) {
    const n = billedMsByVersion(s, INSTANCE_BILLING[s.platform], book.starts, book.versionIndexAt, pieces);
    for (let i = 0; i < n; i += 2) charge = charge.plus(book.instanceHourly(pieces[i], s).times(pieces[i + 1]).div(MS_PER_HOUR));
  }
  return charge;
}

/** What an instance was charged for its running time inside `intervals` (merged), no minimums, unrounded. */
function chargeDuring(intervals: readonly TimeInterval[], segments: readonly InstanceSegment[], book: CompiledPriceBook): Decimal {
  let charge: Decimal = ZERO;
  for (const s of segments) {
    for (const i of intervals) {
      let from = Math.max(s.startMs, i.startMs);
      const end = Math.min(s.endMs, i.endMs);
      if (end <= from) continue;
      let v = book.versionIndexAt(from);
      while (from < end) {
        const to = Math.min(end, v + 1 < book.starts.length ? book.starts[v + 1] : Infinity);
        charge = charge.plus(book.instanceHourly(v, s).times(to - from).div(MS_PER_HOUR));
        from = to;
        v++;
      }
    }
  }
  return charge;
}

const pct = (d: Decimal): string => d.toFixed();

/**
 * Credit lines (negative). Each instance gets the larger of the region-level and instance-level
 * credit, never both: instances whose own tier beats the region's get an instance-level line on
 * their own charges, and the region-level line covers every other charge of the month.
 * Guarantee-violation credits come on top. The invoice caps the sum of credits at the charges.
 */
export function slaCreditLines(
  tenantId: string,
  month: BillingMonth,
  rated: RatedUsage,
  chargesSubtotal: Decimal,
  book: CompiledPriceBook,
  policy: CreditPolicy,
  sla: SlaInputs | undefined,
): PendingLine[] {
  const lines: PendingLine[] = [];
  const region = availability(regionUnavailability(sla?.zoneOutages ?? [], rated.zonesInUse), month);
  const regionPercent = slaCreditPercent(region.uptime, policy.regionTiers);

  const downByInstance = new Map<string, TimeInterval[]>();
  for (const u of sla?.instanceUnavailability ?? []) {
    if (u.tenantId !== tenantId) continue;
    const list = downByInstance.get(u.instanceId) ?? [];
    list.push(u);
    downByInstance.set(u.instanceId, list);
  }
  const byTier = new Map<string, { percent: Decimal; charge: Decimal; instances: string[] }>();
  let instanceCredited: Decimal = ZERO;
  for (const [instanceId, down] of [...downByInstance.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const segments = rated.segmentsByInstance.get(instanceId);
    if (!segments) continue;
    const up = availability(down, month);
    const percent = slaCreditPercent(up.uptime, policy.instanceTiers);
    if (!percent.gt(regionPercent)) continue;
    const charge = instanceMonthCharge(segments, book);
    const tier = byTier.get(percent.toFixed()) ?? { percent, charge: ZERO, instances: [] };
    tier.charge = tier.charge.plus(charge);
    tier.instances.push(`${instanceId} (uptime ${up.uptime.toDecimalPlaces(3).toFixed()} %)`);
    byTier.set(percent.toFixed(), tier);
    instanceCredited = instanceCredited.plus(charge);
  }

  if (regionPercent.gt(0)) {
    const affected = Decimal.max(ZERO, chargesSubtotal.minus(instanceCredited));
    lines.push({
      lineId: 'sla-credit/region',
      sortKey: '0',
      product: 'sla-credit',
      description:
        `Region-level SLA credit: monthly uptime ${region.uptimePercent} % in the zones you use ` +
        `(${(region.unavailableMs / 1000).toFixed(0)} s with more than one zone unavailable) earns ${pct(regionPercent)} % of the month's charges` +
        (instanceCredited.gt(0) ? ', except instances credited at a higher instance-level tier' : ''),
      unit: 'usd',
      unitPrice: regionPercent.div(100).neg(),
      numerator: affected,
      denominator: 1,
    });
  }
  for (const [key, tier] of byTier) {
    lines.push({
      lineId: `sla-credit/instance/${key}pct`,
      sortKey: `1|${new Money(1000).minus(tier.percent).toFixed(4).padStart(12, '0')}`,
      product: 'sla-credit',
      description: `Instance-level SLA credit: ${pct(tier.percent)} % of the month's compute and license charges of ${tier.instances.join(', ')}`,
      unit: 'usd',
      unitPrice: tier.percent.div(100).neg(),
      numerator: tier.charge,
      denominator: 1,
    });
  }

  const g = policy.guaranteeViolation;
  const violationsByInstance = new Map<string, GuaranteeViolation[]>();
  for (const v of sla?.guaranteeViolations ?? []) {
    if (v.tenantId !== tenantId) continue;
    const list = violationsByInstance.get(v.instanceId) ?? [];
    list.push(v);
    violationsByInstance.set(v.instanceId, list);
  }
  let affected: Decimal = ZERO;
  let violatedMs = 0;
  const kinds = new Set<string>();
  for (const [instanceId, violations] of violationsByInstance) {
    const segments = rated.segmentsByInstance.get(instanceId);
    if (!segments) continue;
    // cpu and memory violations at the same time are one degraded period, credited once.
    // A fault also breaks the guarantee (the VM gets nothing): that time is the SLA's to credit, not credited twice.
    const violated = subtractIntervals(mergeIntervals(clipIntervals(violations, month)), mergeIntervals(downByInstance.get(instanceId) ?? []));
    const merged = violated.filter((i) => i.endMs - i.startMs >= g.minimumDurationMs);
    if (merged.length === 0) continue;
    violations.forEach((v) => kinds.add(v.kind));
    violatedMs += merged.reduce((s, i) => s + i.endMs - i.startMs, 0);
    affected = affected.plus(chargeDuring(merged, segments, book));
  }
  const guaranteePercent = new Money(g.creditPercent);
  if (affected.gt(0) && guaranteePercent.gt(0)) {
    lines.push({
      lineId: 'guarantee-credit/instances',
      sortKey: '0',
      product: 'guarantee-credit',
      description:
        `Guarantee-violation credit (${[...kinds].sort().join(' and ')}): ${pct(guaranteePercent)} % of the compute and license charges ` +
        `for ${(violatedMs / 1000).toFixed(0)} s below reservation`,
      unit: 'usd',
      unitPrice: guaranteePercent.div(100).neg(),
      numerator: affected,
      denominator: 1,
    });
  }
  return lines;
}
