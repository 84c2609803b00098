import { Scheduled } from '../engine/engine';
import { HOST } from './metric-fields';
import { HostRecomputer } from './recompute';
import { HostRt } from './runtime';
import { DataPlaneState } from './state';

/** Hosts per chunk of a flush: a few hundred VM runtimes, which stay in cache until their host is recomputed. */
const FLUSH_CHUNK = 16;

/**
 * When hosts are recomputed: every dirty host once per instant (one engine action flushes them
 * all), and each host's one timer, at the earliest of its VMs' next workload steps and
 * credit/bucket bounds; the hosts due at the same ms share one engine action (workloads that step
 * on the hour put thousands of hosts on one instant), so the engine's queue holds one entry per
 * distinct time, at most one per host, never one per VM.
 */
export class HostFlusher {
  /** The hosts of the flush being recomputed, a chunk at a time (see `recomputeChunk`), and what its reads summed. */
  private readonly flushChunk: (HostRt | null)[] = new Array<HostRt | null>(FLUSH_CHUNK).fill(null);
  private prefetched = 0;
  /** The other half of the dirty list's double buffer (flush swaps them instead of copying). */
  private dirtyBatch: HostRt[] = [];
  /** The hosts whose timers are due at each time, with the one engine action that fires them. */
  private readonly timerGroups = new Map<number, { readonly hosts: HostRt[]; readonly action: Scheduled }>();
  /** Told after each host recomputation (policies that watch utilization, e.g. rebalancing). */
  readonly recomputeListeners: ((hostId: string) => void)[] = [];

  constructor(
    private readonly s: DataPlaneState,
    private readonly recomputer: HostRecomputer,
  ) {}

  dispose(): void {
    for (const g of this.timerGroups.values()) this.s.engine.cancel(g.action);
    this.timerGroups.clear();
  }

  /** Recomputes every dirty host once, at this instant. */
  flush(): void {
    const s = this.s;
    // Hosts may become dirty again while recomputing others (a migration completes, a sender's target moves): loop.
    while (s.dirty.length > 0) {
      const batch = s.dirty;
      s.dirty = this.dirtyBatch;
      this.dirtyBatch = batch;
      const chunk = this.flushChunk;
      let k = 0;
      for (let i = 0; i < batch.length; i++) {
        chunk[k++] = batch[i];
        if (k === FLUSH_CHUNK) {
          this.recomputeChunk(k);
          k = 0;
        }
      }
      if (k > 0) this.recomputeChunk(k);
      batch.length = 0;
    }
    s.metrics.setFleetSeries();
  }

  /**
   * Recomputes the first `k` hosts of `flushChunk`, in order. First, a loop that only reads each
   * host's VM runtimes: its loads are independent, so the processor fetches them from memory
   * together, and the recomputations that follow find them in cache (at 100,000 VMs the misses,
   * one runtime after another, were most of a recomputation's cost).
   */
  private recomputeChunk(k: number): void {
    const chunk = this.flushChunk;
    let touched = 0;
    for (let c = 0; c < k; c++) {
      const h = chunk[c]!;
      touched += h.values[HOST.instances];
      if (h.membersStale) continue;
      const rts = h.members;
      for (let i = 0; i < rts.length; i++) touched += rts[i].cursorNow;
    }
    this.prefetched = touched;
    for (let c = 0; c < k; c++) {
      const h = chunk[c]!;
      chunk[c] = null;
      // Marked clean first: a recomputation that changes its own host again queues it for the next round.
      h.dirty = false;
      // (A removed host is skipped; a host added since with the same id has a runtime of its own.)
      if (!h.removed) this.recompute(h);
    }
  }

  private recompute(h: HostRt): void {
    const next = this.recomputer.recompute(h);
    this.setTimer(h, next);
    const listeners = this.recomputeListeners;
    for (let i = 0; i < listeners.length; i++) listeners[i](h.host.id);
  }

  private setTimer(h: HostRt, at: number): void {
    if (at === h.timerAt) return;
    // A host leaving a group stays in its list: the group skips it (its timerAt no longer matches).
    h.timerAt = at;
    if (at === Infinity) return;
    let g = this.timerGroups.get(at);
    if (!g) {
      const hosts: HostRt[] = [];
      g = { hosts, action: this.s.engine.schedule(at, () => this.fireTimers(at, hosts)) };
      this.timerGroups.set(at, g);
    }
    g.hosts.push(h);
  }

  /** The hosts due at `at`: each one still due then is recomputed (at this instant, with the others). */
  private fireTimers(at: number, hosts: readonly HostRt[]): void {
    this.timerGroups.delete(at);
    for (const h of hosts)
      if (h.timerAt === at && !h.removed) {
        h.timerAt = Infinity;
        this.s.markRtDirty(h, false);
      }
  }
}
