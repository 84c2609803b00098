import { waterFillFloat } from '../shared/fair-share';

/**
 * Divides a host's storage path among volumes for one interval with mClock's semantics
 * (Gulati, Merchant & Varman, "mClock: Handling Throughput Variability for Hypervisor IO
 * Scheduling", OSDI 2010): reservations first, then the spare by shares (weights), never above a
 * volume's limit — the fluid equivalent of its tag scheduler (docs/model.md §3.3).
 *
 * Two dimensions, IOPS and MiB/s: each volume's stream has a fixed IO size (its demanded MiB/s over
 * its demanded IOPS), and an IO costs the larger of its share of the capacity's IOPS and of its
 * MiB/s — mClock likewise charges a large IO more than a small one. Reservations, limits and demand
 * are in IOPS (a MiB/s limit becomes an IOPS limit at the stream's IO size); shares divide the
 * normalised capacity. Both Σ IOPS and Σ MiB/s stay within the capacity.
 *
 * Two stages, the way the hardware throttles: first each instance's EBS bandwidth (its IOPS and
 * MiB/s cap, enforced at the instance like a Nitro card does) divides among that instance's
 * volumes; then the host's storage path divides among what passed. Instances without an entry in
 * `instanceCaps` are not capped.
 *
 * Floating point: results are within a relative 1e-9 of the exact division; Σ delivered may exceed
 * a capacity by that much, never a volume's limit (clamped).
 */
export interface IoCapacity {
  readonly iops: number;
  readonly mibps: number;
}

export interface VolumeIoDemand {
  readonly id: string;
  readonly instanceId: string;
  readonly demandIops: number;
  readonly demandMiBps: number;
  readonly reservationIops: number;
  readonly limitIops: number;
  readonly limitMiBps: number;
  /** Shares, > 0. */
  readonly weight: number;
}

export type IoThrottle = 'none' | 'volume-limit' | 'instance-cap' | 'host';

export interface VolumeIoGrant {
  readonly id: string;
  readonly instanceId: string;
  readonly demandIops: number;
  readonly demandMiBps: number;
  readonly deliveredIops: number;
  readonly deliveredMiBps: number;
  readonly throttledIops: number;
  readonly throttledMiBps: number;
  /** The tightest constraint that held the volume back. */
  readonly throttledBy: IoThrottle;
  /** delivered ≥ min(reservation, demand, limit). */
  readonly reservationMet: boolean;
}

export interface IoAllocation {
  readonly volumes: VolumeIoGrant[];
  readonly deliveredIops: number;
  readonly deliveredMiBps: number;
}

export type InstanceIoCaps = ReadonlyMap<string, IoCapacity> | Readonly<Record<string, IoCapacity>>;

const EPSILON = 1e-9;

export function allocateIo(host: IoCapacity, volumes: readonly VolumeIoDemand[], instanceCaps: InstanceIoCaps = {}): IoAllocation {
  checkCapacity(host, 'host');
  const n = volumes.length;
  const sizeMiB = new Array<number>(n);
  const volumeLimit = new Array<number>(n);
  const reservation = new Array<number>(n);
  const weight = new Array<number>(n);
  const byInstance = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const v = volumes[i];
    checkVolume(v);
    sizeMiB[i] = v.demandIops > 0 ? v.demandMiBps / v.demandIops : 0;
    const mibpsAsIops = sizeMiB[i] > 0 ? v.limitMiBps / sizeMiB[i] : Infinity;
    volumeLimit[i] = Math.min(v.demandIops, v.limitIops, mibpsAsIops);
    reservation[i] = v.reservationIops;
    weight[i] = v.weight;
    const list = byInstance.get(v.instanceId);
    if (list) list.push(i);
    else byInstance.set(v.instanceId, [i]);
  }

  // Stage 1: each instance's EBS cap over its own volumes.
  const passed = volumeLimit.slice();
  for (const [instanceId, members] of byInstance) {
    const cap = lookup(instanceCaps, instanceId);
    if (!cap) continue;
    checkCapacity(cap, 'instance', instanceId);
    divide(cap, members, volumeLimit, reservation, weight, sizeMiB, passed);
  }

  // Stage 2: the host's storage path over everything that passed.
  const delivered = passed.slice();
  const all = new Array<number>(n);
  for (let i = 0; i < n; i++) all[i] = i;
  divide(host, all, passed, reservation, weight, sizeMiB, delivered);

  let totalIops = 0;
  let totalMiBps = 0;
  const grants = new Array<VolumeIoGrant>(n);
  for (let i = 0; i < n; i++) {
    const v = volumes[i];
    const iops = delivered[i];
    const mibps = v.demandIops > 0 ? iops * sizeMiB[i] : 0;
    totalIops += iops;
    totalMiBps += mibps;
    let throttledBy: IoThrottle = 'none';
    if (iops < v.demandIops - tol(v.demandIops)) {
      if (iops < passed[i] - tol(passed[i])) throttledBy = 'host';
      else if (passed[i] < volumeLimit[i] - tol(volumeLimit[i])) throttledBy = 'instance-cap';
      else throttledBy = 'volume-limit';
    }
    const owed = Math.min(v.reservationIops, volumeLimit[i]);
    grants[i] = {
      id: v.id,
      instanceId: v.instanceId,
      demandIops: v.demandIops,
      demandMiBps: v.demandMiBps,
      deliveredIops: iops,
      deliveredMiBps: mibps,
      throttledIops: v.demandIops - iops,
      throttledMiBps: v.demandMiBps - mibps,
      throttledBy,
      reservationMet: iops >= owed - tol(owed),
    };
  }
  return { volumes: grants, deliveredIops: totalIops, deliveredMiBps: totalMiBps };
}

/**
 * One mClock division of `capacity` among `members`, each wanting up to `upper[i]` IOPS with
 * `reservation[i]` guaranteed, writing IOPS into `out`. Work happens in normalised cost (fractions
 * of the capacity), so that one IO of size s costs max(1/iops, s/mibps).
 */
function divide(
  capacity: IoCapacity,
  members: readonly number[],
  upper: readonly number[],
  reservation: readonly number[],
  weight: readonly number[],
  sizeMiB: readonly number[],
  out: number[],
): void {
  const m = members.length;
  if (capacity.iops === 0 || capacity.mibps === 0) {
    // A stopped storage path (e.g. the driver domain is down, docs/model.md §3.4) delivers nothing.
    for (let k = 0; k < m; k++) out[members[k]] = 0;
    return;
  }
  const cost = new Array<number>(m);
  const floor = new Array<number>(m);
  const headroom = new Array<number>(m);
  const shareWeight = new Array<number>(m);
  const extra = new Array<number>(m);
  let reservedCost = 0;
  for (let k = 0; k < m; k++) {
    const i = members[k];
    cost[k] = Math.max(1 / capacity.iops, sizeMiB[i] / capacity.mibps);
    floor[k] = Math.min(reservation[i], upper[i]);
    reservedCost += floor[k] * cost[k];
    shareWeight[k] = weight[i];
  }
  if (reservedCost > 1) {
    // Over-committed reservations (a fault, or an instance cap below its volumes' reservations):
    // scale them down in proportion.
    for (let k = 0; k < m; k++) out[members[k]] = floor[k] / reservedCost;
    return;
  }
  for (let k = 0; k < m; k++) headroom[k] = (upper[members[k]] - floor[k]) * cost[k];
  waterFillFloat(1 - reservedCost, headroom, shareWeight, extra);
  for (let k = 0; k < m; k++) {
    const i = members[k];
    const more = cost[k] > 0 ? extra[k] / cost[k] : upper[i] - floor[k];
    out[i] = Math.min(upper[i], floor[k] + more);
  }
}

function lookup(caps: InstanceIoCaps, instanceId: string): IoCapacity | undefined {
  if (caps instanceof Map) return caps.get(instanceId);
  return Object.prototype.hasOwnProperty.call(caps, instanceId) ? (caps as Readonly<Record<string, IoCapacity>>)[instanceId] : undefined;
}

/** A tolerance for comparing float IOPS. */
function tol(x: number): number {
  return EPSILON * Math.max(1, x);
}

/** `what` (and `id`, for an instance) name the capacity in the error; the message is built only then. */
function checkCapacity(c: IoCapacity, what: string, id?: string): void {
  if (!(c.iops >= 0) || !(c.mibps >= 0))
    throw new RangeError(`${id === undefined ? what : `${what} ${id}`} IO capacity must be ≥ 0 in IOPS and MiB/s (Infinity allowed), got ${c.iops} IOPS / ${c.mibps} MiB/s`);
}

function checkVolume(v: VolumeIoDemand): void {
  // In this order, with these names (no array of pairs per call: this runs for every volume of every recomputation).
  checkField(v, 'demandIops', v.demandIops);
  checkField(v, 'demandMiBps', v.demandMiBps);
  checkField(v, 'reservationIops', v.reservationIops);
  checkField(v, 'limitIops', v.limitIops);
  checkField(v, 'limitMiBps', v.limitMiBps);
  if (!(v.weight > 0) || !Number.isFinite(v.weight)) throw new RangeError(`volume ${v.id}: weight must be a positive number, got ${v.weight}`);
  if (v.demandIops === 0 && v.demandMiBps > 0) throw new RangeError(`volume ${v.id}: MiB/s demanded without IOPS`);
}

function checkField(v: VolumeIoDemand, name: string, value: number): void {
  if (!(value >= 0)) throw new RangeError(`volume ${v.id}: ${name} must be ≥ 0, got ${value}`);
}
