import { Host } from '@nimbus/hypervisor';
import { PoolCandidates } from './capacity-index';

export type WalkOrder = 'fewest-slots-first' | 'most-slots-first';

/**
 * Walks a zone's feasible hosts (slots ≥ 1) in slot order across its pools, without looking at
 * a host twice. Each step costs a bitset probe, not a pass over hosts. Ties between pools go to
 * the pool listed first; within a pool, to the host that entered its bucket first.
 */
export class SlotCursor {
  private readonly buckets: number[];
  private readonly nodes: number[];
  private current = -1;

  constructor(
    private readonly pools: readonly PoolCandidates[],
    private readonly order: WalkOrder,
  ) {
    this.buckets = pools.map(({ index }) => (order === 'fewest-slots-first' ? index.bucketAtOrAbove(1) : index.bucketAtOrBelow(index.maxSlots)));
    this.nodes = pools.map(({ index }, i) => (this.buckets[i] > 0 ? index.firstIn(this.buckets[i]) : -1));
    this.choose();
  }

  get done(): boolean {
    return this.current < 0;
  }

  /** Slots left on the current host (before this request takes any). */
  get slots(): number {
    return this.buckets[this.current];
  }

  /** The current host's pool and index (its capacity, the shape's need). */
  get candidate(): PoolCandidates {
    return this.pools[this.current];
  }

  get host(): Host {
    return this.pools[this.current].pool.host(this.nodes[this.current]);
  }

  get hostId(): string {
    return this.pools[this.current].pool.host(this.nodes[this.current]).id;
  }

  advance(): void {
    const i = this.current;
    const { index } = this.pools[i];
    const next = index.nextAfter(this.nodes[i]);
    if (next >= 0) {
      this.nodes[i] = next;
    } else {
      const b = this.buckets[i];
      const bucket = this.order === 'fewest-slots-first' ? index.bucketAtOrAbove(b + 1) : index.bucketAtOrBelow(b - 1);
      this.buckets[i] = bucket;
      this.nodes[i] = bucket > 0 ? index.firstIn(bucket) : -1;
    }
    this.choose();
  }

  private choose(): void {
    this.current = -1;
    for (let i = 0; i < this.pools.length; i++) {
      if (this.nodes[i] < 0) continue;
      if (this.current < 0) this.current = i;
      else if (this.order === 'fewest-slots-first' ? this.buckets[i] < this.buckets[this.current] : this.buckets[i] > this.buckets[this.current])
        this.current = i;
    }
  }
}
