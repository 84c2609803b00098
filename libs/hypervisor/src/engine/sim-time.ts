/** Simulated time: integer milliseconds since the scenario epoch. Never the wall clock. */
export type SimTime = number;

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

export function seconds(s: number): SimTime {
  return Math.round(s * MS_PER_SECOND);
}

export function assertSimTime(t: number, what = 'time'): void {
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`${what} must be a non-negative integer of milliseconds, got ${t}`);
}
