import { ZoneCandidates } from './capacity-index';
import { SlotCursor } from './slot-cursor';
import { PickContext, Weigher } from './weigher';

/** How many feasible hosts (in best-fit order) a balancing decision compares. */
export const BALANCE_CANDIDATES = 16;

interface Candidate {
  readonly hostId: string;
  readonly cpuUsed: number;
  readonly memoryUsed: number;
  readonly cpuCapacity: number;
  readonly memoryCapacity: number;
  readonly cpuNeed: number;
  readonly memoryNeed: number;
  readonly avoid: boolean;
  slotsLeft: number;
  taken: number;
}

/**
 * Balance CPU against RAM: each instance goes to the host where, once it lands, the share of CPU
 * (limits sold ÷ what the ratio allows) and the share of memory are closest, so neither runs out
 * while the other sits idle (the stranded-resource problem of Protean, OSDI 2020). It compares the
 * first BALANCE_CANDIDATES feasible hosts in best-fit order (a bounded sample, like Nova's host
 * subset, so the cost does not grow with the fleet), takes more from the walk when they are used
 * up, and breaks ties by fewest slots left. A host to avoid (recent guarantee violations) scores
 * below every other.
 */
export const balanceWeigher: Weigher = {
  name: 'balance',
  order: 'fewest-slots-first',

  pick(zone: ZoneCandidates, count: number, context: PickContext = {}): string[] {
    const hostIds: string[] = [];
    const cursor = new SlotCursor(zone.pools, 'fewest-slots-first');
    const candidates: Candidate[] = [];
    const refill = () => {
      for (; !cursor.done && candidates.filter((c) => c.slotsLeft > 0).length < BALANCE_CANDIDATES; cursor.advance()) {
        const { pool, index } = cursor.candidate;
        const a = cursor.host.allocation;
        candidates.push({
          hostId: cursor.hostId, cpuUsed: a.limitMillicores, memoryUsed: a.memoryMiB,
          cpuCapacity: pool.capacityAmounts.limitMillicores, memoryCapacity: pool.capacityAmounts.memoryMiB,
          cpuNeed: index.need.limitMillicores, memoryNeed: index.need.memoryMiB,
          avoid: context.avoid?.(cursor.hostId) ?? false, slotsLeft: cursor.slots, taken: 0,
        });
      }
    };
    while (hostIds.length < count) {
      refill();
      let best: Candidate | undefined;
      let bestScore = Infinity;
      for (const c of candidates) {
        if (c.slotsLeft === 0) continue;
        const n = c.taken + 1;
        const score = Math.abs((c.cpuUsed + n * c.cpuNeed) / c.cpuCapacity - (c.memoryUsed + n * c.memoryNeed) / c.memoryCapacity) + (c.avoid ? 2 : 0);
        if (score < bestScore - 1e-12 || (Math.abs(score - bestScore) <= 1e-12 && best !== undefined && c.slotsLeft < best.slotsLeft)) {
          best = c;
          bestScore = score;
        }
      }
      if (!best) break;
      hostIds.push(best.hostId);
      best.taken++;
      best.slotsLeft--;
    }
    return hostIds;
  },
};
