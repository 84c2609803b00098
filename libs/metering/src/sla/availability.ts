import { Decimal } from 'decimal.js';
import { BillingMonth, SimTimeMs, parseBillingMonth } from '../calendar/billing-month';
import { Money } from '../money/money';

export interface TimeInterval {
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

/** Sorted, non-overlapping, non-empty; touching intervals are joined. Overlapping outages count once. */
export function mergeIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = intervals.filter((i) => i.endMs > i.startMs).sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const out: { startMs: number; endMs: number }[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.startMs <= last.endMs) last.endMs = Math.max(last.endMs, i.endMs);
    else out.push({ startMs: i.startMs, endMs: i.endMs });
  }
  return out;
}

export function clipIntervals(intervals: readonly TimeInterval[], window: TimeInterval): TimeInterval[] {
  const out: TimeInterval[] = [];
  for (const i of intervals) {
    const startMs = Math.max(i.startMs, window.startMs);
    const endMs = Math.min(i.endMs, window.endMs);
    if (endMs > startMs) out.push({ startMs, endMs });
  }
  return out;
}

/** `from` minus `minus`; both sorted and non-overlapping (as mergeIntervals returns them). */
export function subtractIntervals(from: readonly TimeInterval[], minus: readonly TimeInterval[]): TimeInterval[] {
  const out: TimeInterval[] = [];
  let j = 0;
  for (const i of from) {
    let start = i.startMs;
    while (j < minus.length && minus[j].endMs <= start) j++;
    for (let k = j; k < minus.length && minus[k].startMs < i.endMs; k++) {
      if (minus[k].startMs > start) out.push({ startMs: start, endMs: minus[k].startMs });
      start = Math.max(start, minus[k].endMs);
    }
    if (start < i.endMs) out.push({ startMs: start, endMs: i.endMs });
  }
  return out;
}

export function totalMs(intervals: readonly TimeInterval[]): number {
  return intervals.reduce((sum, i) => sum + (i.endMs - i.startMs), 0);
}

export interface Availability {
  readonly month: string;
  readonly periodMs: number;
  readonly unavailableMs: number;
  /** Exact uptime percentage, e.g. 98.8888888889 shown to 10 places; tiers compare the exact value. */
  readonly uptimePercent: string;
  readonly uptime: Decimal;
}

/**
 * Monthly uptime percentage as the Amazon Compute SLA defines it: 100 % minus the share of the
 * month's time that was unavailable. Counted in milliseconds (the SLA counts minutes; ms is the
 * same rule at the simulator's resolution). Overlapping intervals count once.
 */
export function availability(unavailable: readonly TimeInterval[], month: string | BillingMonth): Availability {
  const m = typeof month === 'string' ? parseBillingMonth(month) : month;
  const periodMs = m.endMs - m.startMs;
  const unavailableMs = totalMs(mergeIntervals(clipIntervals(unavailable, m)));
  const uptime = new Money(periodMs - unavailableMs).times(100).div(periodMs);
  return { month: m.month, periodMs, unavailableMs, uptime, uptimePercent: uptime.toDecimalPlaces(10).toFixed() };
}

export interface ZoneOutage extends TimeInterval {
  readonly availabilityZone: string;
}

/**
 * When the region counts as unavailable for a tenant: the SLA's "Region Unavailable" is more than
 * one of the Availability Zones in which the tenant runs instances being unavailable at once.
 * A sweep over the outage edges; a tenant in a single zone is never region-unavailable.
 */
export function regionUnavailability(outages: readonly ZoneOutage[], zonesInUse: ReadonlySet<string>): TimeInterval[] {
  const byZone = new Map<string, TimeInterval[]>();
  for (const o of outages) {
    if (!zonesInUse.has(o.availabilityZone)) continue;
    const list = byZone.get(o.availabilityZone) ?? [];
    list.push(o);
    byZone.set(o.availabilityZone, list);
  }
  // Merge per zone first so one zone's overlapping outages count as one zone down.
  const edges: [number, number][] = [];
  for (const list of byZone.values()) {
    for (const i of mergeIntervals(list)) edges.push([i.startMs, 1], [i.endMs, -1]);
  }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: TimeInterval[] = [];
  let down = 0;
  let since = 0;
  for (const [t, delta] of edges) {
    const before = down;
    down += delta;
    if (before < 2 && down >= 2) since = t;
    if (before >= 2 && down < 2 && t > since) out.push({ startMs: since, endMs: t });
  }
  return mergeIntervals(out);
}
