import { SimTime, assertSimTime } from '../../engine/sim-time';

/**
 * A token bucket of burst credits, as EBS runs them for gp2 (I/O credits) and st1/sc1 (throughput
 * credits): it refills at the volume's baseline rate, pays for every unit delivered above the
 * baseline, never holds more than its capacity, and while it holds credits the volume may run at
 * its burst rate; once empty it falls to its baseline. Burst duration = balance / (rate − baseline).
 *
 * The unit is the subclass's (an I/O for gp2, a MiB for st1/sc1); rates are units per second.
 * Exact integration: the balance is kept in milli-units (a rate moves it by that many per
 * millisecond), so with integer rates every interval adds exactly rate × Δt.
 */
export const MILLI_UNITS_PER_UNIT = 1_000;

export class BurstBucket {
  readonly baselineRate: number;
  readonly burstRate: number;
  readonly capacityMilli: number;
  private balance: number;
  private nowMs: SimTime;

  constructor(baselineRate: number, burstRate: number, capacityUnits: number, startMs: SimTime, initialUnits: number = capacityUnits) {
    assertSimTime(startMs, 'startMs');
    this.baselineRate = baselineRate;
    this.burstRate = Math.max(baselineRate, burstRate);
    this.capacityMilli = capacityUnits * MILLI_UNITS_PER_UNIT;
    const initial = Math.round(initialUnits * MILLI_UNITS_PER_UNIT);
    if (!(initial >= 0 && initial <= this.capacityMilli)) throw new RangeError(`initial credits must be within 0..${capacityUnits}`);
    this.balance = initial;
    this.nowMs = startMs;
  }

  get now(): SimTime {
    return this.nowMs;
  }

  /** The balance in units (I/O credits, MiB of throughput credit). */
  get balanceUnits(): number {
    return this.balance / MILLI_UNITS_PER_UNIT;
  }

  /** `BurstBalance` as CloudWatch reports it: percent of a full bucket. */
  get burstBalancePercent(): number {
    return (100 * this.balance) / this.capacityMilli;
  }

  get hasCredits(): boolean {
    return this.balance > 0;
  }

  /** The rate the volume may run at now: its burst ceiling while credits last, else its baseline. */
  limitRate(): number {
    return this.balance > 0 ? this.burstRate : this.baselineRate;
  }

  /**
   * Milliseconds from now until the bucket is empty at a constant delivered rate (the first whole
   * ms at which the balance is ≤ 0): the event at which the volume's limit falls to its baseline.
   * Infinity when the rate does not drain it.
   */
  timeUntilEmptyMs(deliveredRate: number): number {
    const drain = deliveredRate - this.baselineRate;
    if (drain <= 0) return Infinity;
    if (this.balance <= 0) return 0;
    return Math.ceil(this.balance / drain);
  }

  /**
   * Carries the bucket to `toMs` at a delivered rate, and returns the rate at `toMs`: when the
   * bucket empties before then, the volume falls to its baseline from that millisecond (the rest of
   * the interval runs at min(rate, baseline), which neither drains nor refills an empty bucket).
   */
  carry(toMs: SimTime, deliveredRate: number): number {
    if (this.nowMs >= toMs) return deliveredRate;
    let rate = deliveredRate;
    const empty = this.timeUntilEmptyMs(rate);
    if (this.nowMs + empty < toMs) {
      this.advance(this.nowMs + empty, rate);
      rate = Math.min(rate, this.baselineRate);
    }
    this.advance(toMs, Math.min(rate, this.burstRate));
    return rate;
  }

  /** Integrates a constant delivered rate to `toMs`; running above the baseline past empty is refused. */
  advance(toMs: SimTime, deliveredRate: number): void {
    assertSimTime(toMs, 'toMs');
    if (toMs < this.nowMs) throw new RangeError(`cannot advance the bucket backwards (${toMs} < ${this.nowMs})`);
    if (!(deliveredRate >= 0) || deliveredRate > this.burstRate) throw new RangeError(`the delivered rate must be within 0..${this.burstRate}, got ${deliveredRate}`);
    const dt = toMs - this.nowMs;
    if (dt === 0) return;
    const net = this.baselineRate - deliveredRate;
    if (net < 0 && dt > this.timeUntilEmptyMs(deliveredRate))
      throw new RangeError(`the bucket empties ${this.timeUntilEmptyMs(deliveredRate)} ms after ${this.nowMs}; ${deliveredRate} per second cannot continue to ${toMs}`);
    this.balance = Math.min(this.capacityMilli, Math.max(0, this.balance + net * dt));
    this.nowMs = toMs;
  }
}
