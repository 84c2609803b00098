/** Advance simulated time, running every event up to the new time. */
export interface AdvanceClockCommand {
  /** Simulated seconds (millisecond precision). */
  readonly seconds: number;
}

/** Pace the clock: a rate (simulated seconds per wall second), or manual; exactly one of the two. */
export interface SetClockCommand {
  readonly rate?: number;
  readonly mode?: 'manual';
}
