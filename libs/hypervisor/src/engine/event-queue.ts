import { SimTime } from './sim-time';

export interface QueueEntry<T> {
  readonly time: SimTime;
  readonly seq: number;
  readonly item: T;
  cancelled: boolean;
}

/**
 * A binary min-heap ordered by (time, seq): two runs that schedule the same things in the same
 * order pop them in the same order, so a seeded run is reproducible byte for byte.
 * Cancellation is lazy (the entry is skipped when popped) to keep cancel O(1).
 */
export class EventQueue<T> {
  private readonly heap: QueueEntry<T>[] = [];
  private nextSeq = 0;
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(time: SimTime, item: T): QueueEntry<T> {
    const entry: QueueEntry<T> = { time, seq: this.nextSeq++, item, cancelled: false };
    this.heap.push(entry);
    this.up(this.heap.length - 1);
    this.live++;
    return entry;
  }

  cancel(entry: QueueEntry<T>): void {
    if (!entry.cancelled) {
      entry.cancelled = true;
      this.live--;
    }
  }

  peek(): QueueEntry<T> | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): QueueEntry<T> | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.live--;
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
  }

  private less(a: QueueEntry<T>, b: QueueEntry<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(h[i], h[parent])) break;
      swap(h, i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      swap(h, i, m);
      i = m;
    }
  }
}

/**
 * Exchanges two entries through a local: a destructuring swap (`[a, b] = [b, a]`) builds an array
 * and its iterator, which V8 allocates until the code is optimized, and every event moves an entry
 * a few levels of the heap.
 */
function swap<T>(h: T[], i: number, j: number): void {
  const t = h[i];
  h[i] = h[j];
  h[j] = t;
}
