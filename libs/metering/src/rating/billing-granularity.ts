import { MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, SimTimeMs } from '../calendar/billing-month';
import { Platform } from '../usage/usage-record';

/**
 * How a running interval turns into billed time: in whole `unitMs` counted from the period start,
 * with at least `minimumMs` for every period (every start or launch). A reboot or a month
 * boundary continues the period, so it pays neither a new minimum nor a new partial unit.
 */
export interface BillingGranularity {
  readonly name: 'per-second' | 'per-hour';
  readonly unitMs: number;
  /** A multiple of unitMs. */
  readonly minimumMs: number;
}

export const PER_SECOND_60S_MINIMUM: BillingGranularity = { name: 'per-second', unitMs: MS_PER_SECOND, minimumMs: MS_PER_MINUTE };
export const PER_HOUR: BillingGranularity = { name: 'per-hour', unitMs: MS_PER_HOUR, minimumMs: MS_PER_HOUR };

/**
 * EC2's rule: per second with a 60 s minimum for Linux, Windows, RHEL (since April 2024), Ubuntu
 * Pro and SQL Server; every partial hour billed as a full hour for the rest (SUSE here).
 */
export const INSTANCE_BILLING: Readonly<Record<Platform, BillingGranularity>> = {
  linux: PER_SECOND_60S_MINIMUM,
  windows: PER_SECOND_60S_MINIMUM,
  rhel: PER_SECOND_60S_MINIMUM,
  'ubuntu-pro': PER_SECOND_60S_MINIMUM,
  'windows-sql-standard': PER_SECOND_60S_MINIMUM,
  suse: PER_HOUR,
};

/** Dedicated Hosts: per second with a 60 s minimum per allocation. */
export const DEDICATED_HOST_BILLING: BillingGranularity = PER_SECOND_60S_MINIMUM;

/** NAT gateways: "Each partial NAT Gateway-hour consumed is billed as a full hour" (Amazon VPC pricing). */
export const NAT_GATEWAY_BILLING: BillingGranularity = PER_HOUR;

/** A piece of a billing period: [startMs, endMs) of running time in a period that began at periodStartMs. */
export interface PeriodSegment {
  readonly periodStartMs: SimTimeMs;
  readonly startMs: SimTimeMs;
  readonly endMs: SimTimeMs;
}

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Units of the period's grid (a + k·unit) whose start lies in [fromMs, toMs), fromMs ≥ a. */
function unitsStartingIn(periodStartMs: number, fromMs: number, toMs: number, unitMs: number): number {
  if (toMs <= fromMs) return 0;
  return ceilDiv(toMs - periodStartMs, unitMs) - ceilDiv(fromMs - periodStartMs, unitMs);
}

/**
 * Billed ms of one segment. The segment that begins the period pays the minimum; every segment
 * pays the grid units that start inside it after the minimum. Over all segments of one period the
 * sum is max(minimum, ⌈duration / unit⌉ · unit) however the period was cut, and each unit is
 * billed in the segment (so the month) where it starts.
 */
export function billedMs(segment: PeriodSegment, g: BillingGranularity): number {
  const { periodStartMs: a, startMs, endMs } = segment;
  const minimum = startMs === a ? g.minimumMs : 0;
  return minimum + g.unitMs * unitsStartingIn(a, Math.max(startMs, a + g.minimumMs), endMs, g.unitMs);
}

/**
 * `billedMs`, attributed to price book versions: the minimum at the version in effect when the
 * period began, each later unit at the version in effect when the unit starts. Writes
 * (versionIndex, ms) pairs into `out` (reused across calls: no allocation per record) and returns
 * the number of values written. `versionStarts` is ascending; `versionIndexAt` finds the version.
 */
export function billedMsByVersion(
  segment: PeriodSegment,
  g: BillingGranularity,
  versionStarts: readonly number[],
  versionIndexAt: (atMs: number) => number,
  out: number[],
): number {
  const { periodStartMs: a, startMs, endMs } = segment;
  let n = 0;
  if (startMs === a) {
    out[n++] = versionIndexAt(a);
    out[n++] = g.minimumMs;
  }
  let from = Math.max(startMs, a + g.minimumMs);
  if (endMs <= from) return n;
  let v = versionIndexAt(from);
  while (from < endMs) {
    const next = v + 1 < versionStarts.length ? versionStarts[v + 1] : Infinity;
    const to = Math.min(endMs, next);
    const units = unitsStartingIn(a, from, to, g.unitMs);
    if (units > 0) {
      out[n++] = v;
      out[n++] = units * g.unitMs;
    }
    from = to;
    v++;
  }
  return n;
}
