import { ZoneCandidates } from './capacity-index';
import { SlotCursor } from './slot-cursor';
import { Weigher } from './weigher';

/**
 * Best fit: each instance goes to the feasible host with the fewest slots left, so partly used
 * hosts fill up and empty ones stay empty (for large requests, maintenance, or switching off).
 * Once a host is picked it stays the fullest, so the greedy choice fills it before moving on.
 */
export const packWeigher: Weigher = {
  name: 'pack',

  pick(zone: ZoneCandidates, count: number): string[] {
    const hostIds: string[] = [];
    for (const cursor = new SlotCursor(zone.pools, 'fewest-slots-first'); !cursor.done && hostIds.length < count; cursor.advance()) {
      const take = Math.min(cursor.slots, count - hostIds.length);
      for (let i = 0; i < take; i++) hostIds.push(cursor.hostId);
    }
    return hostIds;
  },
};
