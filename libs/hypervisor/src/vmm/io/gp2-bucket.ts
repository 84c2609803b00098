import { SimTime } from '../../engine/sim-time';
import { BurstBucket, MILLI_UNITS_PER_UNIT } from './burst-bucket';
import { EBS_LIMITS, gp2BaselineIops } from './ebs-volume';

/**
 * A gp2 volume's I/O credit bucket (AWS EC2 User Guide, "General Purpose SSD volumes — I/O credits
 * and burst performance"): it starts full with 5.4 M credits, refills at the baseline rate
 * (3 credits per GiB per second), and pays for every I/O above the baseline; while it holds credits
 * a volume below 1 TiB may run at 3,000 IOPS, once empty it falls to its baseline. The bucket
 * never holds more than 5.4 M. The arithmetic is `BurstBucket`'s, in I/Os (milli-I/Os inside).
 */
export const MILLI_IO_PER_CREDIT = MILLI_UNITS_PER_UNIT;

export class Gp2Bucket extends BurstBucket {
  readonly kind = 'gp2';
  readonly sizeGiB: number;

  constructor(sizeGiB: number, startMs: SimTime, initialCredits: number = EBS_LIMITS.gp2.bucketCredits) {
    if (!Number.isInteger(sizeGiB) || sizeGiB < EBS_LIMITS.gp2.minSizeGiB || sizeGiB > EBS_LIMITS.gp2.maxSizeGiB)
      throw new RangeError(`gp2 size must be an integer of GiB within ${EBS_LIMITS.gp2.minSizeGiB}..${EBS_LIMITS.gp2.maxSizeGiB}, got ${sizeGiB}`);
    const baseline = gp2BaselineIops(sizeGiB);
    super(baseline, Math.max(baseline, EBS_LIMITS.gp2.burstIops), EBS_LIMITS.gp2.bucketCredits, startMs, initialCredits);
    this.sizeGiB = sizeGiB;
  }

  get baselineIops(): number {
    return this.baselineRate;
  }

  get burstIops(): number {
    return this.burstRate;
  }

  get capacityMilliIo(): number {
    return this.capacityMilli;
  }

  get balanceCredits(): number {
    return this.balanceUnits;
  }

  /** The IOPS the volume may run at now: its burst ceiling while credits last, else its baseline. */
  limitIops(): number {
    return this.limitRate();
  }
}
