import { Decimal } from 'decimal.js';

/** One launch template override of a fleet, as the allocation sees it: an instance pool (type and zone). */
export interface FleetPool {
  /** Its place in the request (LaunchTemplateConfigs then Overrides, in order): the tie-breaker. */
  readonly index: number;
  /** Capacity units an instance of it counts toward the target (WeightedCapacity; 1 when not given). */
  readonly weight: number;
  /** Its price per instance-hour in its zone now: the On-Demand price, or the Spot price for Spot capacity. */
  readonly price: Decimal;
  /** Priority (lower first); undefined: after every pool that has one. */
  readonly priority?: number;
}

/** EC2 Fleet's allocation strategies (SpotOptionsRequest, OnDemandOptionsRequest; docs/model.md, "EC2 Fleet"). */
export const SPOT_ALLOCATION_STRATEGIES = ['lowest-price', 'price-capacity-optimized', 'capacity-optimized', 'diversified'] as const;
export const ON_DEMAND_ALLOCATION_STRATEGIES = ['lowest-price', 'prioritized'] as const;
export type FleetAllocationStrategy = (typeof SPOT_ALLOCATION_STRATEGIES)[number] | (typeof ON_DEMAND_ALLOCATION_STRATEGIES)[number];

const byIndex = (a: FleetPool, b: FleetPool) => a.index - b.index;
/** Cheapest per capacity unit first (price / weight), ties in the request's order. */
const byUnitPrice = (a: FleetPool, b: FleetPool) => a.price.div(a.weight).cmp(b.price.div(b.weight)) || byIndex(a, b);
/** Lowest Priority first, those without one last, ties in the request's order. */
const byPriority = (a: FleetPool, b: FleetPool) => (a.priority ?? Infinity) - (b.priority ?? Infinity) || byIndex(a, b);

/** The instances of a pool needed to cover `units` capacity units (a weighted instance may pass the target: EC2 Fleet rounds up). */
const instancesFor = (units: number, weight: number) => Math.ceil(units / weight);

/**
 * How many instances of which pools cover `units` capacity units under `strategy` (docs/model.md,
 * "EC2 Fleet"), among the pools still open (those that have not refused for capacity). One round
 * of the fleet: a pool that then launches fewer than asked is closed, and the rest of the target
 * is allocated again among the others.
 *
 * - `lowest-price`, `price-capacity-optimized`: every unit from the pool with the lowest price per
 *   unit (price / WeightedCapacity). Nimbus's pools have no capacity signal other than the hosts' room,
 *   which only a launch finds: price-capacity-optimized is lowest-price that falls over to the next
 *   cheapest pool when one refuses for capacity.
 * - `capacity-optimized`: every unit from the first pool by Priority (EC2's capacity-optimized honours
 *   priorities on a best-effort basis), else in the request's order, falling over likewise.
 * - `prioritized` (On-Demand): every unit from the pool with the lowest Priority number, those without
 *   one last, ties in the request's order.
 * - `diversified`: the units spread over every pool, one instance at a time to the pool holding the
 *   fewest units so far (ties in the request's order).
 */
export function allocateFleet(pools: readonly FleetPool[], units: number, strategy: FleetAllocationStrategy): Map<number, number> {
  const out = new Map<number, number>();
  if (units <= 0 || pools.length === 0) return out;
  if (strategy === 'diversified') {
    const held = new Map(pools.map((p) => [p.index, 0]));
    const ordered = [...pools].sort(byIndex);
    for (let covered = 0; covered < units;) {
      const next = ordered.reduce((best, p) => (held.get(p.index)! < held.get(best.index)! ? p : best));
      held.set(next.index, held.get(next.index)! + next.weight);
      out.set(next.index, (out.get(next.index) ?? 0) + 1);
      covered += next.weight;
    }
    return out;
  }
  const order = strategy === 'prioritized' || strategy === 'capacity-optimized' ? byPriority : byUnitPrice;
  const first = [...pools].sort(order)[0];
  out.set(first.index, instancesFor(units, first.weight));
  return out;
}
