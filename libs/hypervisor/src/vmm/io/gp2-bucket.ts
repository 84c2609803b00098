import { SimTime, assertSimTime } from '../../engine/sim-time';
import { EBS_LIMITS, gp2BaselineIops } from './ebs-volume';

/**
 * A gp2 volume's I/O credit bucket (AWS EC2 User Guide, "General Purpose SSD volumes — I/O credits
 * and burst performance"): it starts full with 5.4 M credits, refills at the baseline rate
 * (3 credits per GiB per second), and pays for every I/O above the baseline; while it holds credits
 * a volume below 1 TiB may run at 3,000 IOPS, once empty it falls to its baseline. The bucket
 * never holds more than 5.4 M. Burst duration = balance / (burst IOPS − baseline IOPS).
 *
 * Exact integration: the balance is kept in milli-I/Os (an IOPS rate moves it by that many units
 * per millisecond), so with integer IOPS every interval adds exactly rate × Δt.
 */
export const MILLI_IO_PER_CREDIT = 1_000;

export class Gp2Bucket {
  readonly sizeGiB: number;
  readonly baselineIops: number;
  readonly burstIops: number;
  readonly capacityMilliIo: number;
  private balance: number;
  private nowMs: SimTime;

  constructor(sizeGiB: number, startMs: SimTime, initialCredits: number = EBS_LIMITS.gp2.bucketCredits) {
    assertSimTime(startMs, 'startMs');
    if (!Number.isInteger(sizeGiB) || sizeGiB < EBS_LIMITS.gp2.minSizeGiB || sizeGiB > EBS_LIMITS.gp2.maxSizeGiB)
      throw new RangeError(`gp2 size must be an integer of GiB within ${EBS_LIMITS.gp2.minSizeGiB}..${EBS_LIMITS.gp2.maxSizeGiB}, got ${sizeGiB}`);
    this.sizeGiB = sizeGiB;
    this.baselineIops = gp2BaselineIops(sizeGiB);
    this.burstIops = Math.max(this.baselineIops, EBS_LIMITS.gp2.burstIops);
    this.capacityMilliIo = EBS_LIMITS.gp2.bucketCredits * MILLI_IO_PER_CREDIT;
    const initial = Math.round(initialCredits * MILLI_IO_PER_CREDIT);
    if (!(initial >= 0 && initial <= this.capacityMilliIo)) throw new RangeError(`initialCredits must be within 0..${EBS_LIMITS.gp2.bucketCredits}`);
    this.balance = initial;
    this.nowMs = startMs;
  }

  get now(): SimTime {
    return this.nowMs;
  }

  get balanceCredits(): number {
    return this.balance / MILLI_IO_PER_CREDIT;
  }

  /** `BurstBalance` as CloudWatch reports it: percent of a full bucket. */
  get burstBalancePercent(): number {
    return (100 * this.balance) / this.capacityMilliIo;
  }

  get hasCredits(): boolean {
    return this.balance > 0;
  }

  /** The IOPS the volume may run at now: its burst ceiling while credits last, else its baseline. */
  limitIops(): number {
    return this.balance > 0 ? this.burstIops : this.baselineIops;
  }

  /**
   * Milliseconds from now until the bucket is empty at a constant delivered rate (the first whole
   * ms at which the balance is ≤ 0): the event at which the volume's limit falls to its baseline.
   * Infinity when the rate does not drain it.
   */
  timeUntilEmptyMs(deliveredIops: number): number {
    const drain = deliveredIops - this.baselineIops;
    if (drain <= 0) return Infinity;
    if (this.balance <= 0) return 0;
    return Math.ceil(this.balance / drain);
  }

  /**
   * Carries the bucket to `toMs` at a delivered rate, and returns the rate at `toMs`: when the
   * bucket empties before then, the volume falls to its baseline from that millisecond (the rest of
   * the interval runs at min(rate, baseline), which neither drains nor refills an empty bucket).
   */
  carry(toMs: SimTime, deliveredIops: number): number {
    if (this.nowMs >= toMs) return deliveredIops;
    let iops = deliveredIops;
    const empty = this.timeUntilEmptyMs(iops);
    if (this.nowMs + empty < toMs) {
      this.advance(this.nowMs + empty, iops);
      iops = Math.min(iops, this.baselineIops);
    }
    this.advance(toMs, Math.min(iops, this.burstIops));
    return iops;
  }

  /** Integrates a constant delivered rate to `toMs`; running above the baseline past empty is refused. */
  advance(toMs: SimTime, deliveredIops: number): void {
    assertSimTime(toMs, 'toMs');
    if (toMs < this.nowMs) throw new RangeError(`cannot advance the bucket backwards (${toMs} < ${this.nowMs})`);
    if (!(deliveredIops >= 0) || deliveredIops > this.burstIops)
      throw new RangeError(`delivered IOPS must be within 0..${this.burstIops}, got ${deliveredIops}`);
    const dt = toMs - this.nowMs;
    if (dt === 0) return;
    const rate = this.baselineIops - deliveredIops;
    if (rate < 0 && dt > this.timeUntilEmptyMs(deliveredIops))
      throw new RangeError(`the bucket empties ${this.timeUntilEmptyMs(deliveredIops)} ms after ${this.nowMs}; ${deliveredIops} IOPS cannot continue to ${toMs}`);
    this.balance = Math.min(this.capacityMilliIo, Math.max(0, this.balance + rate * dt));
    this.nowMs = toMs;
  }
}
