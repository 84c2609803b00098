import { Decimal } from 'decimal.js';
import { AllocatedAmounts, CapacityAmounts } from '../placement/host-capacity';

/**
 * Which running Spot Instances EC2 takes back to make room for an On-Demand launch that found no
 * capacity (docs/model.md, "Spot interruptions": the "Capacity" reason of the EC2 User Guide's
 * "Spot Instance interruptions"). EC2 does not publish how it picks them; Nimbus's rule:
 *
 * - only Spot Instances are ever chosen, and only on hosts that could run the request;
 * - on each host they go in this order: the lowest maximum price first (the tenant who offered
 *   least is the first to lose the capacity, as the price rule interrupts the lowest maxima first),
 *   then the newest (`launchedAt`: the app gives its Spot request's creation), then by id; a host's candidates are taken in that order until
 *   the request fits;
 * - the hosts: one at a time, the one that gives room for one more instance with the fewest
 *   interruptions (ties: the one that then gives the most room, then the lower sum of maximum
 *   prices, then the host id), until `count` instances fit; for one instance that is the host that
 *   frees enough with the fewest interruptions;
 * - a Spot Instance already under an interruption notice counts as gone: its room is coming back,
 *   and if that is enough nothing more is chosen (`[]`);
 * - if reclaiming every Spot Instance on every host would not make room, none is chosen (undefined).
 */
export interface ReclaimCandidate {
  readonly vmId: string;
  /** What the instance holds on its host: its CPU reservation and limit, its memory footprint. */
  readonly amounts: CapacityAmounts;
  /** Its request's maximum price per hour, a decimal string. */
  readonly maxPrice: string;
  readonly launchedAt: number;
  /** Already under an interruption notice. */
  readonly leaving: boolean;
}

export interface ReclaimHost {
  readonly hostId: string;
  /** What the host can hold in all under the allocation ratios (`hostCapacity`). */
  readonly capacity: CapacityAmounts;
  readonly allocated: AllocatedAmounts;
  /** One instance of the request on this host (memory: with the host's per-VM overhead). */
  readonly need: CapacityAmounts;
  /** The Spot Instances on the host (any others are never candidates). */
  readonly spot: readonly ReclaimCandidate[];
}

/** The order in which a host's Spot Instances are taken (see above). */
export function reclaimOrder(a: ReclaimCandidate, b: ReclaimCandidate): number {
  return new Decimal(a.maxPrice).comparedTo(b.maxPrice) || b.launchedAt - a.launchedAt || (a.vmId < b.vmId ? -1 : a.vmId > b.vmId ? 1 : 0);
}

/** How many instances of `need` fit in `free` (each dimension ⌊free ÷ need⌋; a dimension it needs none of does not bound). */
function slotsIn(free: CapacityAmounts, need: CapacityAmounts): number {
  let n = Number.POSITIVE_INFINITY;
  for (const d of ['reservationMillicores', 'limitMillicores', 'memoryMiB'] as const) {
    if (free[d] < 0) return 0;
    if (need[d] > 0) n = Math.min(n, Math.floor(free[d] / need[d]));
  }
  return n;
}

/** One host's plan: its candidates in order, and the instances that fit after taking the first k of them (k = 0…n). */
interface HostSteps {
  readonly host: ReclaimHost;
  readonly order: readonly ReclaimCandidate[];
  readonly slots: readonly number[];
  taken: number;
}

function stepsOf(host: ReclaimHost): HostSteps {
  const free = {
    reservationMillicores: host.capacity.reservationMillicores - host.allocated.reservedMillicores,
    limitMillicores: host.capacity.limitMillicores - host.allocated.limitMillicores,
    memoryMiB: host.capacity.memoryMiB - host.allocated.memoryMiB,
  };
  const give = (c: ReclaimCandidate) => {
    free.reservationMillicores += c.amounts.reservationMillicores;
    free.limitMillicores += c.amounts.limitMillicores;
    free.memoryMiB += c.amounts.memoryMiB;
  };
  for (const c of host.spot) if (c.leaving) give(c);
  const order = host.spot.filter((c) => !c.leaving).sort(reclaimOrder);
  const slots = [slotsIn(free, host.need)];
  for (const c of order) {
    give(c);
    slots.push(slotsIn(free, host.need));
  }
  return { host, order, slots, taken: 0 };
}

/**
 * The Spot Instances to reclaim so that `count` more instances fit on `hosts` (see above): their
 * ids, in the order chosen; `[]` when the notices already given make room; undefined when no choice
 * does.
 */
export function chooseSpotToReclaim(hosts: readonly ReclaimHost[], count: number): string[] | undefined {
  const plans = hosts.map(stepsOf);
  let fits = plans.reduce((n, p) => n + p.slots[0], 0);
  const chosen: string[] = [];
  while (fits < count) {
    let best: { plan: HostSteps; k: number; gain: number; price: Decimal } | undefined;
    for (const plan of plans) {
      const now = plan.slots[plan.taken];
      const k = plan.slots.findIndex((s, i) => i > plan.taken && s > now);
      if (k < 0) continue;
      const gain = plan.slots[k] - now;
      const price = plan.order.slice(plan.taken, k).reduce((sum, c) => sum.plus(c.maxPrice), new Decimal(0));
      const order = best === undefined ? -1
        : k - plan.taken - (best.k - best.plan.taken) || best.gain - gain || price.comparedTo(best.price) || (plan.host.hostId < best.plan.host.hostId ? -1 : 1);
      if (order < 0) best = { plan, k, gain, price };
    }
    if (!best) return undefined;
    chosen.push(...best.plan.order.slice(best.plan.taken, best.k).map((c) => c.vmId));
    fits += best.gain;
    best.plan.taken = best.k;
  }
  return chosen;
}
