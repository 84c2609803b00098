import { DomainError, InvalidParameterValue } from '../../errors';

/**
 * EBS-like volume types (docs/model.md §3.3) with the limits AWS documents for them (EC2 User Guide,
 * "Amazon EBS volume types"; CreateVolume API reference). Where AWS has since raised a limit
 * (gp3 to 80,000 IOPS / 2,000 MiB/s / 64 TiB, io2 Block Express to 256,000 IOPS / 64 TiB) we keep
 * the figures the design brief names, which were AWS's until then: gp3 16,000 IOPS / 1,000 MiB/s,
 * io2 64,000 IOPS at 500 IOPS per GiB, every size up to 16 TiB (16,384 GiB).
 *
 * - gp2: baseline 3 IOPS per GiB, at least 100, at most 16,000; volumes below 1 TiB burst to 3,000
 *   IOPS from a bucket of 5.4 M I/O credits (see `Gp2Bucket`). Throughput: 128 MiB/s up to 170 GiB,
 *   250 MiB/s from 334 GiB, and in between 250 MiB/s only while burst credits last.
 * - gp3: 3,000 IOPS and 125 MiB/s included at any size; provisionable to 16,000 IOPS (at most
 *   500 IOPS per GiB above the included 3,000) and 1,000 MiB/s (at most 0.25 MiB/s per IOPS).
 * - io2: provisioned IOPS 100–64,000, at most 500 per GiB, delivered as a reservation; throughput
 *   256 KiB/s per provisioned IOPS up to 1,000 MiB/s (AWS's io1/io2 rule).
 * - io1 ("Provisioned IOPS SSD volumes"): as io2 but at most 50 IOPS per GiB (so 64,000 IOPS from
 *   1,280 GiB); 4 GiB–16 TiB, 100–64,000 IOPS, 256 KiB/s per IOPS up to 1,000 MiB/s.
 * - st1 / sc1 ("Throughput Optimized HDD and Cold HDD volumes"): 125 GiB–16 TiB; performance is
 *   throughput from a burst bucket (see `HddBucket`): baseline 40 / 12 MiB/s per TiB, burst 250 / 80
 *   MiB/s per TiB, at most 500 / 250 MiB/s, and a bucket of 1 TiB of credit per TiB of volume.
 *   Every I/O counts as at least 1 MiB (AWS: "an I/O request of 1 MiB or less counts as a 1 MiB I/O
 *   credit"), so at most 500 / 250 IOPS, and no more IOPS than the MiB/s in force. IOPS and
 *   throughput cannot be set; neither type can be a boot volume.
 * - standard (Magnetic, "Previous generation volumes"): 1 GiB–1 TiB; AWS gives 40–200 IOPS ("about
 *   100 IOPS on average, with burst capability of up to hundreds") and 40–90 MiB/s. Nimbus's rule:
 *   best effort up to the top of both ranges, 200 IOPS and 90 MiB/s, with the shares of 100 IOPS;
 *   no bucket. Its I/O requests are metered (it is billed per million of them).
 */
export type VolumeType = 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard';
export const VOLUME_TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'];

/** The types whose IOPS are provisioned (set by the tenant, and counted against its provisioned-IOPS quota). */
export const PROVISIONED_IOPS_TYPES: readonly VolumeType[] = ['gp3', 'io1', 'io2'];
/** The types whose IOPS are a reservation (Provisioned IOPS SSD). */
export const RESERVED_IOPS_TYPES: readonly VolumeType[] = ['io1', 'io2'];
export type HddVolumeType = 'st1' | 'sc1';
export const isHddVolumeType = (type: VolumeType): type is HddVolumeType => type === 'st1' || type === 'sc1';
/** Types that cannot be a boot (root) volume: AWS, "Bootable st1/sc1 volumes are not supported". */
export const NON_BOOT_VOLUME_TYPES: readonly VolumeType[] = ['st1', 'sc1'];
/**
 * Types whose I/O requests are metered, because EC2 bills them per million requests (Amazon EBS
 * pricing: Magnetic volumes, "$0.05 per 1 million I/O requests"); every other type's I/O is in
 * its storage and provisioned-IOPS price.
 */
export const IO_REQUEST_METERED_TYPES: readonly VolumeType[] = ['standard'];
/** The I/O size HDD volumes count each I/O as at least (MiB): their IOPS limits are at this size. */
export const HDD_IO_MIB = 1;
/** MiB per TiB of volume (the HDD rates are quoted per TiB). */
const MIB_PER_TIB = 1_048_576;
const GIB_PER_TIB = 1_024;

export const EBS_LIMITS = {
  gp2: {
    minSizeGiB: 1, maxSizeGiB: 16_384, iopsPerGiB: 3, minIops: 100, maxIops: 16_000, burstIops: 3_000,
    bucketCredits: 5_400_000, smallThroughputMiBps: 128, largeThroughputMiBps: 250, smallMaxGiB: 170, largeMinGiB: 334,
  },
  gp3: {
    minSizeGiB: 1, maxSizeGiB: 16_384, baselineIops: 3_000, maxIops: 16_000, maxIopsPerGiB: 500,
    baselineThroughputMiBps: 125, maxThroughputMiBps: 1_000, maxMiBpsPerIops: 0.25,
  },
  io1: { minSizeGiB: 4, maxSizeGiB: 16_384, minIops: 100, maxIops: 64_000, maxIopsPerGiB: 50, mibpsPerIops: 0.25, maxThroughputMiBps: 1_000 },
  io2: { minSizeGiB: 4, maxSizeGiB: 16_384, minIops: 100, maxIops: 64_000, maxIopsPerGiB: 500, mibpsPerIops: 0.25, maxThroughputMiBps: 1_000 },
  st1: { minSizeGiB: 125, maxSizeGiB: 16_384, baselineMiBpsPerTiB: 40, burstMiBpsPerTiB: 250, maxThroughputMiBps: 500, maxIops: 500, bucketMiBPerTiB: MIB_PER_TIB },
  sc1: { minSizeGiB: 125, maxSizeGiB: 16_384, baselineMiBpsPerTiB: 12, burstMiBpsPerTiB: 80, maxThroughputMiBps: 250, maxIops: 250, bucketMiBPerTiB: MIB_PER_TIB },
  standard: { minSizeGiB: 1, maxSizeGiB: 1_024, maxIops: 200, maxThroughputMiBps: 90, shareIops: 100 },
} as const;

export interface VolumeRequest {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  /** gp3 (default 3,000), io1 and io2 (required); not settable on gp2, st1, sc1, standard. */
  readonly iops?: number;
  /** gp3 only (default 125). */
  readonly throughputMiBps?: number;
}

export interface VolumeSpec {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  /** Provisioned IOPS (gp3, io1, io2), the baseline (gp2), or the most the type delivers (st1, sc1, standard). */
  readonly iops: number;
  /** gp2's burst ceiling while credits last; equal to `iops` for other types. */
  readonly burstIops: number;
  /**
   * Throughput limit, MiB/s (gp2: with burst credits). st1/sc1: the burst throughput in whole MiB/s
   * (informational: their exact limits are `hddThroughputMiBps`, fractions of a MiB/s on small volumes).
   */
  readonly throughputMiBps: number;
}

/** Validates a request as CreateVolume would and fills the defaults; throws InvalidParameterValue. */
export function resolveVolume(request: VolumeRequest): VolumeSpec {
  const { type, sizeGiB } = request;
  if (!VOLUME_TYPES.includes(type)) throw new InvalidParameterValue(`Volume type '${type}' is not supported; valid types: ${VOLUME_TYPES.join(', ')}.`);
  const limits = EBS_LIMITS[type];
  if (!Number.isInteger(sizeGiB) || sizeGiB < limits.minSizeGiB || sizeGiB > limits.maxSizeGiB)
    throw new InvalidParameterValue(`Size of a ${type} volume must be an integer between ${limits.minSizeGiB} and ${limits.maxSizeGiB} GiB, got ${sizeGiB}.`);
  if (type === 'st1' || type === 'sc1' || type === 'standard') {
    // As EC2 answers CreateVolume: the parameter does not apply to the type (InvalidParameterCombination).
    if (request.iops !== undefined) throw new DomainError('InvalidParameterCombination', `The parameter iops is not supported for ${type} volumes.`);
    if (request.throughputMiBps !== undefined) throw new DomainError('InvalidParameterCombination', `The parameter throughput is not supported for ${type} volumes.`);
    if (type === 'standard') {
      const l = EBS_LIMITS.standard;
      return { type, sizeGiB, iops: l.maxIops, burstIops: l.maxIops, throughputMiBps: l.maxThroughputMiBps };
    }
    const iops = EBS_LIMITS[type].maxIops;
    return { type, sizeGiB, iops, burstIops: iops, throughputMiBps: Math.floor(hddThroughputMiBps(type, sizeGiB).burst) };
  }
  if (type !== 'gp3' && request.throughputMiBps !== undefined)
    throw new InvalidParameterValue(`Throughput can be provisioned only for gp3 volumes, not ${type}.`);

  if (type === 'gp2') {
    if (request.iops !== undefined) throw new InvalidParameterValue('IOPS cannot be provisioned for gp2 volumes: their baseline is 3 IOPS per GiB.');
    const baseline = gp2BaselineIops(sizeGiB);
    return { type, sizeGiB, iops: baseline, burstIops: Math.max(baseline, EBS_LIMITS.gp2.burstIops), throughputMiBps: gp2ThroughputMiBps(sizeGiB, true) };
  }

  if (type === 'gp3') {
    const l = EBS_LIMITS.gp3;
    const iops = request.iops ?? l.baselineIops;
    const throughput = request.throughputMiBps ?? l.baselineThroughputMiBps;
    if (!Number.isInteger(iops) || iops < l.baselineIops || iops > l.maxIops)
      throw new InvalidParameterValue(`IOPS of a gp3 volume must be an integer between ${l.baselineIops} and ${l.maxIops}, got ${iops}.`);
    if (iops > l.baselineIops && iops > l.maxIopsPerGiB * sizeGiB)
      throw new InvalidParameterValue(
        `A ${sizeGiB} GiB gp3 volume supports at most ${Math.max(l.baselineIops, l.maxIopsPerGiB * sizeGiB)} IOPS (${l.maxIopsPerGiB} IOPS per GiB), got ${iops}.`,
      );
    if (!Number.isInteger(throughput) || throughput < l.baselineThroughputMiBps || throughput > l.maxThroughputMiBps)
      throw new InvalidParameterValue(
        `Throughput of a gp3 volume must be an integer between ${l.baselineThroughputMiBps} and ${l.maxThroughputMiBps} MiB/s, got ${throughput}.`,
      );
    if (throughput > l.baselineThroughputMiBps && throughput > iops * l.maxMiBpsPerIops)
      throw new InvalidParameterValue(
        `Throughput of a gp3 volume can be at most ${l.maxMiBpsPerIops} MiB/s per provisioned IOPS: ${iops * l.maxMiBpsPerIops} MiB/s for ${iops} IOPS, got ${throughput}.`,
      );
    return { type, sizeGiB, iops, burstIops: iops, throughputMiBps: throughput };
  }

  // io1 and io2: the same rule with their own limits.
  const l = EBS_LIMITS[type];
  const iops = request.iops;
  if (iops === undefined) throw new InvalidParameterValue(`IOPS is required for ${type} volumes.`);
  if (!Number.isInteger(iops) || iops < l.minIops || iops > l.maxIops)
    throw new InvalidParameterValue(`IOPS of an ${type} volume must be an integer between ${l.minIops} and ${l.maxIops}, got ${iops}.`);
  if (iops > l.maxIopsPerGiB * sizeGiB)
    throw new InvalidParameterValue(`A ${sizeGiB} GiB ${type} volume supports at most ${l.maxIopsPerGiB * sizeGiB} IOPS (${l.maxIopsPerGiB} IOPS per GiB), got ${iops}.`);
  return { type, sizeGiB, iops, burstIops: iops, throughputMiBps: Math.min(l.maxThroughputMiBps, iops * l.mibpsPerIops) };
}

/**
 * An st1/sc1 volume's throughput (MiB/s): its baseline (the rate its bucket refills) and its burst
 * (while the bucket holds credits), each in proportion to its size and capped at the type's maximum
 * (AWS's tables: a 2 TiB st1 has 80 / 500 MiB/s, a 0.5 TiB sc1 6 / 40 MiB/s), and its bucket's size:
 * 1 TiB of credit per TiB (a full bucket scans the whole volume).
 */
export function hddThroughputMiBps(type: HddVolumeType, sizeGiB: number): { baseline: number; burst: number; bucketMiB: number } {
  const l = EBS_LIMITS[type];
  const tib = sizeGiB / GIB_PER_TIB;
  return {
    baseline: Math.min(l.maxThroughputMiBps, tib * l.baselineMiBpsPerTiB),
    burst: Math.min(l.maxThroughputMiBps, tib * l.burstMiBpsPerTiB),
    bucketMiB: sizeGiB * (l.bucketMiBPerTiB / GIB_PER_TIB),
  };
}

/** 3 IOPS per GiB, clamped to 100..16,000. */
export function gp2BaselineIops(sizeGiB: number): number {
  const l = EBS_LIMITS.gp2;
  return Math.min(l.maxIops, Math.max(l.minIops, l.iopsPerGiB * sizeGiB));
}

/** gp2 throughput: 128 MiB/s ≤ 170 GiB, 250 MiB/s ≥ 334 GiB, in between 250 only with burst credits. */
export function gp2ThroughputMiBps(sizeGiB: number, hasBurstCredits: boolean): number {
  const l = EBS_LIMITS.gp2;
  if (sizeGiB <= l.smallMaxGiB) return l.smallThroughputMiBps;
  if (sizeGiB >= l.largeMinGiB) return l.largeThroughputMiBps;
  return hasBurstCredits ? l.largeThroughputMiBps : l.smallThroughputMiBps;
}

/** The scheduler parameters of a volume (mClock's reservation, limit and shares). */
export interface VolumeQos {
  readonly reservationIops: number;
  readonly limitIops: number;
  readonly limitMiBps: number;
  /** Shares in proportion to what the tenant bought (provisioned or baseline IOPS). */
  readonly weight: number;
}

/**
 * How a volume is sold maps onto scheduler parameters: io1/io2 are "provisioned IOPS", a
 * reservation; gp2/gp3 are best effort up to their limit (a gp2 volume's limit is its burst ceiling
 * while its bucket holds credits, else its baseline). st1/sc1 are best effort up to their burst
 * throughput while their bucket holds credits, else their baseline, at no more IOPS than that many
 * 1 MiB I/Os (and the type's maximum); their shares are their baseline MiB/s. standard: up to
 * 200 IOPS / 90 MiB/s with the shares of 100 IOPS.
 */
export function volumeQos(volume: VolumeSpec, hasBurstCredits = true): VolumeQos {
  if (volume.type === 'gp2') {
    const limitIops = hasBurstCredits ? volume.burstIops : volume.iops;
    return { reservationIops: 0, limitIops, limitMiBps: gp2ThroughputMiBps(volume.sizeGiB, hasBurstCredits), weight: volume.iops };
  }
  if (isHddVolumeType(volume.type)) {
    const t = hddThroughputMiBps(volume.type, volume.sizeGiB);
    const limitMiBps = hasBurstCredits ? t.burst : t.baseline;
    return { reservationIops: 0, limitIops: Math.min(volume.iops, limitMiBps / HDD_IO_MIB), limitMiBps, weight: t.baseline };
  }
  if (volume.type === 'standard') return { reservationIops: 0, limitIops: volume.iops, limitMiBps: volume.throughputMiBps, weight: EBS_LIMITS.standard.shareIops };
  const reservationIops = RESERVED_IOPS_TYPES.includes(volume.type) ? volume.iops : 0;
  return { reservationIops, limitIops: volume.iops, limitMiBps: volume.throughputMiBps, weight: volume.iops };
}
