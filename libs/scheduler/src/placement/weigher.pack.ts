import { ZoneCandidates } from './capacity-index';
import { SlotCursor } from './slot-cursor';
import { AVOID_SCAN_LIMIT, PickContext, takeDeferred, Weigher } from './weigher';

/**
 * Best fit: each instance goes to the feasible host with the fewest slots left, so partly used
 * hosts fill up and empty ones stay empty (for large requests, maintenance, or switching off).
 * Once a host is picked it stays the fullest, so the greedy choice fills it before moving on.
 * Hosts to avoid (recent guarantee violations) are passed over, at most AVOID_SCAN_LIMIT of them,
 * and used last.
 */
export const packWeigher: Weigher = {
  name: 'pack',
  order: 'fewest-slots-first',

  pick(zone: ZoneCandidates, count: number, context: PickContext = {}): string[] {
    const hostIds: string[] = [];
    const deferred: { hostId: string; slots: number }[] = [];
    for (const cursor = new SlotCursor(zone.pools, 'fewest-slots-first'); !cursor.done && hostIds.length < count; cursor.advance()) {
      if (context.avoid && deferred.length < AVOID_SCAN_LIMIT && context.avoid(cursor.hostId)) {
        deferred.push({ hostId: cursor.hostId, slots: cursor.slots });
        continue;
      }
      const take = Math.min(cursor.slots, count - hostIds.length);
      for (let i = 0; i < take; i++) hostIds.push(cursor.hostId);
    }
    takeDeferred(hostIds, deferred, count);
    return hostIds;
  },
};
