import { CLUSTER_MAX_HOSTS, PlacementGroupDefinition, RefusalReason, SPREAD_MAX_PER_ZONE } from '../contract';
import { CapacityIndex, PoolCandidates, ZoneCandidates } from './capacity-index';
import { Occupancy } from './occupancy';
import { SlotCursor, WalkOrder } from './slot-cursor';

/**
 * Placement-group rules (docs/model.md §4), on top of the zone's tenancy-filtered candidates:
 * - spread: distinct hosts (no two members on one host), at most SPREAD_MAX_PER_ZONE members
 *   holding a host per zone;
 * - cluster: one zone (where its members are) and one rack: the members' hosts first, then new
 *   hosts with the most room, at most CLUSTER_MAX_HOSTS hosts in all;
 * - partition: each partition a host set disjoint from the others' (per zone); a request names a
 *   partition, or its instances go one by one to the partition with the fewest members.
 *
 * Each plan walks the zone's slot index in the weigher's order, skipping the hosts the group's
 * rule excludes: the cost grows with the group's hosts in the zone, never with the fleet.
 */
export interface GroupPlan {
  readonly hostIds: string[];
  readonly partitions?: number[];
  /** Set when the group's rule, not capacity, kept the plan below `count`. */
  readonly limitedBy?: RefusalReason;
}

export interface GroupContext {
  readonly index: CapacityIndex;
  readonly occupancy: Occupancy;
  /** Tenancy classes the request may use. */
  readonly classes: ReadonlySet<string>;
  readonly order: WalkOrder;
  /** A VM being re-placed: its own presence does not count against the group. */
  readonly movingVmId?: string;
  readonly movingPartition?: number;
}

export function planGroup(zone: ZoneCandidates, group: PlacementGroupDefinition, count: number, partition: number | undefined, ctx: GroupContext): GroupPlan {
  switch (group.strategy) {
    case 'spread':
      return planSpread(zone, group, count, ctx);
    case 'cluster':
      return planCluster(zone, group, count, ctx);
    case 'partition':
      return planPartition(zone, group, count, partition, ctx);
  }
}

function walk(pools: readonly PoolCandidates[], order: WalkOrder, visit: (hostId: string, slots: number) => boolean): void {
  for (const c = new SlotCursor(pools, order); !c.done; c.advance()) if (!visit(c.hostId, c.slots)) return;
}

/** Slots of a host for the zone's shape, if the request's tenancy may use it (else 0). */
function eligibleSlots(zone: ZoneCandidates, hostId: string, ctx: GroupContext): number {
  const at = ctx.index.slotsOn(hostId, zone.shape);
  if (!at || at.pool.availabilityZone !== zone.availabilityZone || !ctx.classes.has(at.pool.hostClass)) return 0;
  return at.slots;
}

/** The moving VM's presences in this zone (0 or 1, 2 mid-migration). */
function movingIn(az: string, ctx: GroupContext, hostId?: string): number {
  if (!ctx.movingVmId) return 0;
  return ctx.occupancy.placesOf(ctx.movingVmId).filter((p) => p.availabilityZone === az && (hostId === undefined || p.hostId === hostId)).length;
}

/** Members on a host other than the moving VM. */
function othersOn(zone: ZoneCandidates, groupId: string, hostId: string, ctx: GroupContext): number {
  const onHost = ctx.occupancy.groupZone(groupId, zone.availabilityZone)?.hosts.get(hostId);
  if (!onHost) return 0;
  let n = 0;
  for (const v of onHost.values()) n += v;
  return n - movingIn(zone.availabilityZone, ctx, hostId);
}

function planSpread(zone: ZoneCandidates, group: PlacementGroupDefinition, count: number, ctx: GroupContext): GroupPlan {
  const gz = ctx.occupancy.groupZone(group.groupId, zone.availabilityZone);
  const cap = Math.max(0, SPREAD_MAX_PER_ZONE - ((gz?.vms ?? 0) - movingIn(zone.availabilityZone, ctx)));
  const want = Math.min(count, cap);
  const hostIds: string[] = [];
  if (want > 0)
    walk(zone.pools, ctx.order, (hostId) => {
      if (othersOn(zone, group.groupId, hostId, ctx) > 0) return true;
      hostIds.push(hostId);
      return hostIds.length < want;
    });
  const short = hostIds.length < count && (hostIds.length === cap || zone.fits > hostIds.length);
  return { hostIds, ...(short ? { limitedBy: 'placement-group: spread' as const } : {}) };
}

function planCluster(zone: ZoneCandidates, group: PlacementGroupDefinition, count: number, ctx: GroupContext): GroupPlan {
  for (const [az, gz] of ctx.occupancy.groupZones(group.groupId)) {
    if (az !== zone.availabilityZone && gz.vms - movingIn(az, ctx) > 0) return { hostIds: [], limitedBy: 'placement-group: cluster' };
  }
  const gz = ctx.occupancy.groupZone(group.groupId, zone.availabilityZone);
  const members = gz ? [...gz.hosts.keys()].filter((h) => othersOn(zone, group.groupId, h, ctx) > 0) : [];
  const memberSet = new Set(members);
  const hostIds: string[] = [];
  const take = (hostId: string, slots: number) => {
    for (let i = Math.min(slots, count - hostIds.length); i > 0; i--) hostIds.push(hostId);
  };
  // The rack's partly used hosts first, fullest first; then new hosts with the most room, so the
  // rack takes as many instances on as few hosts as it can.
  const own = members.map((hostId) => ({ hostId, slots: eligibleSlots(zone, hostId, ctx) })).filter((m) => m.slots > 0);
  own.sort((a, b) => a.slots - b.slots || (a.hostId < b.hostId ? -1 : 1));
  for (const m of own) if (hostIds.length < count) take(m.hostId, m.slots);
  let budget = CLUSTER_MAX_HOSTS - members.length;
  if (hostIds.length < count && budget > 0)
    walk(zone.pools, 'most-slots-first', (hostId, slots) => {
      if (memberSet.has(hostId)) return true;
      take(hostId, slots);
      return hostIds.length < count && --budget > 0;
    });
  const short = hostIds.length < count && zone.fits > hostIds.length;
  return { hostIds, ...(short ? { limitedBy: 'placement-group: cluster' as const } : {}) };
}

function planPartition(zone: ZoneCandidates, group: PlacementGroupDefinition, count: number, requested: number | undefined, ctx: GroupContext): GroupPlan {
  const n = group.partitionCount ?? 1;
  const gz = ctx.occupancy.groupZone(group.groupId, zone.availabilityZone);
  const members = new Array<number>(n + 1).fill(0);
  const hostPartition = new Map<string, number>();
  if (gz) {
    for (const [p, k] of gz.partitions) if (p >= 1 && p <= n) members[p] += k;
    for (const [hostId, parts] of gz.hosts) {
      for (const [p, k] of parts) {
        const moving = ctx.movingPartition === p ? movingIn(zone.availabilityZone, ctx, hostId) : 0;
        if (k - moving > 0) {
          hostPartition.set(hostId, p);
          break;
        }
      }
    }
    if (ctx.movingPartition !== undefined && ctx.movingPartition <= n) members[ctx.movingPartition] -= movingIn(zone.availabilityZone, ctx);
  }
  const targets = new Array<number>(n + 1).fill(0);
  if (requested !== undefined) targets[requested] = count;
  else
    for (let i = 0; i < count; i++) {
      let best = 1;
      for (let p = 2; p <= n; p++) if (members[p] + targets[p] < members[best] + targets[best]) best = p;
      targets[best]++;
    }
  const hostIds: string[] = [];
  const partitions: number[] = [];
  for (let p = 1; p <= n; p++) {
    let need = targets[p];
    if (need === 0) continue;
    const take = (hostId: string, slots: number) => {
      for (let i = Math.min(slots, need); i > 0; i--, need--) {
        hostIds.push(hostId);
        partitions.push(p);
      }
    };
    // The partition's own hosts first, in the weigher's order; then hosts no partition uses yet.
    const own = [...hostPartition].filter(([, q]) => q === p).map(([hostId]) => ({ hostId, slots: eligibleSlots(zone, hostId, ctx) })).filter((h) => h.slots > 0);
    own.sort((a, b) => (ctx.order === 'fewest-slots-first' ? a.slots - b.slots : b.slots - a.slots) || (a.hostId < b.hostId ? -1 : 1));
    for (const h of own) if (need > 0) take(h.hostId, h.slots);
    if (need > 0)
      walk(zone.pools, ctx.order, (hostId, slots) => {
        if (hostPartition.has(hostId)) return true;
        hostPartition.set(hostId, p);
        take(hostId, slots);
        return need > 0;
      });
  }
  const short = hostIds.length < count && zone.fits > hostIds.length;
  return { hostIds, partitions, ...(short ? { limitedBy: 'placement-group: partition' as const } : {}) };
}
