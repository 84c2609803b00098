import { SimTime } from '../../engine/sim-time';
import { BurstBucket } from './burst-bucket';
import { EBS_LIMITS, HDD_IO_MIB, HddVolumeType, hddThroughputMiBps } from './ebs-volume';

/**
 * An st1/sc1 volume's throughput-credit bucket (AWS EC2 User Guide, "Throughput Optimized HDD and
 * Cold HDD volumes — throughput credits and burst performance"): credits are MiB; the bucket holds
 * 1 TiB of credit per TiB of volume, refills at the baseline (st1 40, sc1 12 MiB/s per TiB), and
 * while it holds credits the volume may run at its burst (st1 250, sc1 80 MiB/s per TiB, at most
 * 500 / 250 MiB/s); empty, at its baseline. A new volume starts with a full bucket (as gp2's does;
 * AWS does not say, an assumption). Every I/O costs at least 1 MiB of credit (`creditRate`).
 * The arithmetic is `BurstBucket`'s, in MiB (milli-MiB inside).
 */
export class HddBucket extends BurstBucket {
  readonly kind = 'hdd';
  constructor(
    readonly type: HddVolumeType,
    readonly sizeGiB: number,
    startMs: SimTime,
    initialMiB?: number,
  ) {
    const l = EBS_LIMITS[type];
    if (!Number.isInteger(sizeGiB) || sizeGiB < l.minSizeGiB || sizeGiB > l.maxSizeGiB)
      throw new RangeError(`${type} size must be an integer of GiB within ${l.minSizeGiB}..${l.maxSizeGiB}, got ${sizeGiB}`);
    const t = hddThroughputMiBps(type, sizeGiB);
    super(t.baseline, t.burst, t.bucketMiB, startMs, initialMiB === undefined ? t.bucketMiB : Math.min(initialMiB, t.bucketMiB));
  }

  get baselineMiBps(): number {
    return this.baselineRate;
  }

  get burstMiBps(): number {
    return this.burstRate;
  }

  /**
   * The rate at which I/O spends credits (MiB/s): its throughput, but every I/O at least 1 MiB;
   * never above the burst (the limits in force keep it there; this absorbs rounding).
   */
  creditRate(iops: number, mibps: number): number {
    return Math.min(this.burstRate, Math.max(mibps, iops * HDD_IO_MIB));
  }
}
