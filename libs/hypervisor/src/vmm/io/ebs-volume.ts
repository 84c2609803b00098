import { InvalidParameterValue } from '../../errors';

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
 */
export type VolumeType = 'gp2' | 'gp3' | 'io2';
export const VOLUME_TYPES: readonly VolumeType[] = ['gp2', 'gp3', 'io2'];

export const EBS_LIMITS = {
  gp2: {
    minSizeGiB: 1, maxSizeGiB: 16_384, iopsPerGiB: 3, minIops: 100, maxIops: 16_000, burstIops: 3_000,
    bucketCredits: 5_400_000, smallThroughputMiBps: 128, largeThroughputMiBps: 250, smallMaxGiB: 170, largeMinGiB: 334,
  },
  gp3: {
    minSizeGiB: 1, maxSizeGiB: 16_384, baselineIops: 3_000, maxIops: 16_000, maxIopsPerGiB: 500,
    baselineThroughputMiBps: 125, maxThroughputMiBps: 1_000, maxMiBpsPerIops: 0.25,
  },
  io2: { minSizeGiB: 4, maxSizeGiB: 16_384, minIops: 100, maxIops: 64_000, maxIopsPerGiB: 500, mibpsPerIops: 0.25, maxThroughputMiBps: 1_000 },
} as const;

export interface VolumeRequest {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  /** gp3 (default 3,000) and io2 (required); not settable on gp2. */
  readonly iops?: number;
  /** gp3 only (default 125). */
  readonly throughputMiBps?: number;
}

export interface VolumeSpec {
  readonly type: VolumeType;
  readonly sizeGiB: number;
  /** Provisioned IOPS (gp3, io2) or the baseline (gp2). */
  readonly iops: number;
  /** gp2's burst ceiling while credits last; equal to `iops` for other types. */
  readonly burstIops: number;
  /** Throughput limit, MiB/s (gp2: with burst credits). */
  readonly throughputMiBps: number;
}

/** Validates a request as CreateVolume would and fills the defaults; throws InvalidParameterValue. */
export function resolveVolume(request: VolumeRequest): VolumeSpec {
  const { type, sizeGiB } = request;
  if (!VOLUME_TYPES.includes(type)) throw new InvalidParameterValue(`Volume type '${type}' is not supported; valid types: ${VOLUME_TYPES.join(', ')}.`);
  const limits = EBS_LIMITS[type];
  if (!Number.isInteger(sizeGiB) || sizeGiB < limits.minSizeGiB || sizeGiB > limits.maxSizeGiB)
    throw new InvalidParameterValue(`Size of a ${type} volume must be an integer between ${limits.minSizeGiB} and ${limits.maxSizeGiB} GiB, got ${sizeGiB}.`);
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

  const l = EBS_LIMITS.io2;
  const iops = request.iops;
  if (iops === undefined) throw new InvalidParameterValue('IOPS is required for io2 volumes.');
  if (!Number.isInteger(iops) || iops < l.minIops || iops > l.maxIops)
    throw new InvalidParameterValue(`IOPS of an io2 volume must be an integer between ${l.minIops} and ${l.maxIops}, got ${iops}.`);
  if (iops > l.maxIopsPerGiB * sizeGiB)
    throw new InvalidParameterValue(`A ${sizeGiB} GiB io2 volume supports at most ${l.maxIopsPerGiB * sizeGiB} IOPS (${l.maxIopsPerGiB} IOPS per GiB), got ${iops}.`);
  return { type, sizeGiB, iops, burstIops: iops, throughputMiBps: Math.min(l.maxThroughputMiBps, iops * l.mibpsPerIops) };
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
 * How a volume is sold maps onto scheduler parameters: io2 is "provisioned IOPS", a reservation;
 * gp2/gp3 are best effort up to their limit (a gp2 volume's limit is its burst ceiling while its
 * bucket holds credits, else its baseline).
 */
export function volumeQos(volume: VolumeSpec, gp2HasBurstCredits = true): VolumeQos {
  if (volume.type === 'gp2') {
    const limitIops = gp2HasBurstCredits ? volume.burstIops : volume.iops;
    return { reservationIops: 0, limitIops, limitMiBps: gp2ThroughputMiBps(volume.sizeGiB, gp2HasBurstCredits), weight: volume.iops };
  }
  const reservationIops = volume.type === 'io2' ? volume.iops : 0;
  return { reservationIops, limitIops: volume.iops, limitMiBps: volume.throughputMiBps, weight: volume.iops };
}
