import { ZoneCandidates } from './capacity-index';
import { SlotCursor } from './slot-cursor';
import { AVOID_SCAN_LIMIT, PickContext, takeDeferred, Weigher } from './weigher';

/**
 * Worst fit: each instance goes to the feasible host with the most slots left, which balances
 * load (fewer noisy neighbours per host). For several instances this lowers the highest hosts
 * level by level, one instance per host per level; on a tie, a host this request has not used
 * yet goes first, so instances land on distinct hosts when they can. Hosts to avoid are passed
 * over (at most AVOID_SCAN_LIMIT) and used last.
 */
export const spreadWeigher: Weigher = {
  name: 'spread',
  order: 'most-slots-first',

  pick(zone: ZoneCandidates, count: number, context: PickContext = {}): string[] {
    const hostIds: string[] = [];
    const deferred: { hostId: string; slots: number }[] = [];
    const cursor = new SlotCursor(zone.pools, 'most-slots-first');
    // Hosts this request already used; all have exactly `level` slots left.
    let used: { hostId: string; slotsLeft: number }[] = [];
    let level = cursor.done ? 0 : cursor.slots;
    while (hostIds.length < count && (used.length > 0 || !cursor.done)) {
      if (used.length === 0) level = cursor.slots;
      // Unused hosts at this level go first, and no more of them than instances remain: with
      // spread, thousands of hosts can share the top level, and visiting them all would make the
      // cost grow with the fleet.
      const atLevel: { hostId: string; slotsLeft: number }[] = [];
      for (; !cursor.done && cursor.slots === level && atLevel.length < count - hostIds.length; cursor.advance()) {
        if (context.avoid && deferred.length < AVOID_SCAN_LIMIT && context.avoid(cursor.hostId)) {
          deferred.push({ hostId: cursor.hostId, slots: level });
          continue;
        }
        atLevel.push({ hostId: cursor.hostId, slotsLeft: level });
      }
      atLevel.push(...used);
      used = [];
      for (const host of atLevel) {
        if (hostIds.length === count) break;
        hostIds.push(host.hostId);
        if (--host.slotsLeft > 0) used.push(host);
      }
      level--;
    }
    takeDeferred(hostIds, deferred, count);
    return hostIds;
  },
};
