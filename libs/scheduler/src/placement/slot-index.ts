import { bucketBits, clearBit, nextSetBit, prevSetBit, setBit } from './bucket-bits';
import { Shape } from './shape';

/** A host's room in the three capacity dimensions, in integers (millicores, MiB). */
export interface Amounts {
  readonly reservationMillicores: number;
  readonly limitMillicores: number;
  readonly memoryMiB: number;
}

const NONE = -1;
const NOT_INDEXED = -1;

/**
 * The free-capacity index of one pool (AZ × host type) for one shape of request.
 *
 * A host's key is its *slots*: how many more instances of this shape it can take, the minimum
 * over the three dimensions of ⌊free ÷ need⌋. Slots ≥ 1 means the host passes every capacity
 * filter, so a bucket walk never meets a host that then fails on another dimension (the trap of
 * keying on one dimension: under packing, thousands of hosts full in CPU still have free memory).
 * Best fit is the lowest non-empty bucket ≥ 1, worst fit the highest. Each bucket is an intrusive
 * doubly-linked list over the pool's host numbers (typed arrays: O(1) moves, no garbage), and a
 * bitset finds the next non-empty bucket. Within a bucket hosts keep the order they entered it.
 *
 * For refusals it also counts, per dimension, the available hosts for which that dimension is a
 * bottleneck (it alone or tied sets the slot count): a dimension that bottlenecks every available
 * host is one that no host would have left after the zone's `fits` instances were placed.
 */
export class SlotIndex {
  readonly maxSlots: number;
  /** Σ slots over the indexed hosts: how many instances of this shape the pool can take. */
  totalSlots = 0;
  /** Available hosts indexed (including those with no slot left). */
  indexedHosts = 0;
  /** Indexed hosts with at least one slot. */
  feasibleHosts = 0;
  /** Per dimension (DIMENSIONS order): indexed hosts that dimension bottlenecks. */
  readonly bottleneckHosts = [0, 0, 0];

  private slots = new Int32Array(0);
  private masks = new Uint8Array(0);
  private nextOf = new Int32Array(0);
  private prevOf = new Int32Array(0);
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly nonEmpty: Uint32Array;

  constructor(
    readonly shape: Shape,
    /** Per-instance need on this pool's host type (memory includes the per-VM overhead). */
    readonly need: Amounts,
    capacity: Amounts,
    hostNumbers: number,
  ) {
    this.maxSlots = Math.max(0, slotsOf(capacity.reservationMillicores, capacity.limitMillicores, capacity.memoryMiB, need));
    this.head = new Int32Array(this.maxSlots + 1).fill(NONE);
    this.tail = new Int32Array(this.maxSlots + 1).fill(NONE);
    this.nonEmpty = bucketBits(this.maxSlots + 1);
    this.grow(hostNumbers);
  }

  /** Makes room for host numbers below `hostNumbers`. */
  grow(hostNumbers: number): void {
    if (hostNumbers <= this.slots.length) return;
    const n = Math.max(hostNumbers, this.slots.length * 2, 16);
    this.slots = extend(this.slots, n, NOT_INDEXED);
    this.masks = extend(this.masks, n, 0);
    this.nextOf = extend(this.nextOf, n, NONE);
    this.prevOf = extend(this.prevOf, n, NONE);
  }

  /** Re-keys host `no` from its free amounts; `free` null takes it out (not available, removed). */
  update(no: number, free: Amounts | null): void {
    const old = this.slots[no];
    let k = NOT_INDEXED;
    let mask = 0;
    if (free) {
      k = slotsOf(free.reservationMillicores, free.limitMillicores, free.memoryMiB, this.need);
      mask = bottlenecks(free, this.need, k);
    }
    if (k === old && mask === this.masks[no]) return;
    if (old !== NOT_INDEXED) this.forget(no, old);
    if (k !== NOT_INDEXED) this.record(no, k, mask);
  }

  /** The lowest non-empty bucket ≥ from, or -1. */
  bucketAtOrAbove(from: number): number {
    return from > this.maxSlots ? -1 : nextSetBit(this.nonEmpty, from);
  }

  /** The highest non-empty bucket ≤ from (≥ 1: bucket 0 is never linked), or -1. */
  bucketAtOrBelow(from: number): number {
    return prevSetBit(this.nonEmpty, Math.min(from, this.maxSlots));
  }

  /** Slots of host `no` (-1 when it is not indexed: unavailable or removed). */
  slotsAt(no: number): number {
    return no < this.slots.length ? this.slots[no] : NOT_INDEXED;
  }

  firstIn(bucket: number): number {
    return this.head[bucket];
  }

  nextAfter(no: number): number {
    return this.nextOf[no];
  }

  private record(no: number, k: number, mask: number): void {
    this.slots[no] = k;
    this.masks[no] = mask;
    this.indexedHosts++;
    this.totalSlots += k;
    for (let d = 0; d < 3; d++) if (mask & (1 << d)) this.bottleneckHosts[d]++;
    // Hosts with no slot are counted (for refusals) but never linked: no walk visits them.
    if (k > 0) {
      this.feasibleHosts++;
      this.link(no, k);
    }
  }

  private forget(no: number, k: number): void {
    const mask = this.masks[no];
    this.indexedHosts--;
    this.totalSlots -= k;
    for (let d = 0; d < 3; d++) if (mask & (1 << d)) this.bottleneckHosts[d]--;
    if (k > 0) {
      this.feasibleHosts--;
      this.unlink(no, k);
    }
    this.slots[no] = NOT_INDEXED;
    this.masks[no] = 0;
  }

  private link(no: number, k: number): void {
    const last = this.tail[k];
    this.prevOf[no] = last;
    this.nextOf[no] = NONE;
    if (last === NONE) {
      this.head[k] = no;
      setBit(this.nonEmpty, k);
    } else {
      this.nextOf[last] = no;
    }
    this.tail[k] = no;
  }

  private unlink(no: number, k: number): void {
    const before = this.prevOf[no];
    const after = this.nextOf[no];
    if (before === NONE) this.head[k] = after;
    else this.nextOf[before] = after;
    if (after === NONE) this.tail[k] = before;
    else this.prevOf[after] = before;
    if (this.head[k] === NONE) clearBit(this.nonEmpty, k);
    this.prevOf[no] = NONE;
    this.nextOf[no] = NONE;
  }
}

/** How many instances needing `need` fit in the given free amounts (a zero need never binds). */
export function slotsOf(freeReservation: number, freeLimit: number, freeMemory: number, need: Amounts): number {
  let k = Math.floor(Math.max(0, freeMemory) / need.memoryMiB);
  if (need.limitMillicores > 0) k = Math.min(k, Math.floor(Math.max(0, freeLimit) / need.limitMillicores));
  if (need.reservationMillicores > 0) k = Math.min(k, Math.floor(Math.max(0, freeReservation) / need.reservationMillicores));
  return k;
}

/** Bit d set when dimension d alone (or tied) limits the host to `k` instances. */
function bottlenecks(free: Amounts, need: Amounts, k: number): number {
  let mask = 0;
  if (need.reservationMillicores > 0 && Math.floor(Math.max(0, free.reservationMillicores) / need.reservationMillicores) === k) mask |= 1;
  if (need.limitMillicores > 0 && Math.floor(Math.max(0, free.limitMillicores) / need.limitMillicores) === k) mask |= 2;
  if (Math.floor(Math.max(0, free.memoryMiB) / need.memoryMiB) === k) mask |= 4;
  return mask;
}

function extend<T extends Int32Array | Uint8Array>(a: T, n: number, fill: number): T {
  const b = new (a.constructor as { new (n: number): T })(n);
  b.set(a);
  b.fill(fill, a.length);
  return b;
}
