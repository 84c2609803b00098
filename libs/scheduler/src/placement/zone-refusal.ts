import { RefusalReason, ZoneRefusal } from '../contract';
import { ZoneCandidates } from './capacity-index';
import { DIMENSIONS } from './shape';

const CAPACITY_REASONS: readonly RefusalReason[] = DIMENSIONS.map((d) => `capacity: ${d}` as RefusalReason);

/**
 * Why a zone cannot take the request, from the pools' counters (no host is visited).
 *
 * The reasons are true of the zone as it would be after the `fits` instances it can take were
 * placed (with fits = 0, as it is now), and together they exclude every host of an eligible type:
 * - `instance-family`: no host in the zone has a type that runs the family (then it is the only
 *   reason; hosts of other types are implied by it whenever another reason is given);
 * - `tenancy`: hosts of the family exist, but none the request's tenancy may use (dedicated to
 *   another tenant, another tenant's Dedicated Hosts, shared hosts for a dedicated instance, …);
 * - `host-state`: some eligible hosts are draining, failed or off;
 * - `capacity: <dimension>`: no available eligible host has that dimension left for one more
 *   instance; every such dimension is listed;
 * - `capacity: fragmented`: every dimension is left on some available host, but on no host all.
 */
export function zoneRefusal(zone: ZoneCandidates): ZoneRefusal {
  const reasons: RefusalReason[] = [];
  let available = 0;
  let unavailable = 0;
  const bottlenecked = [0, 0, 0];
  for (const { pool, index } of zone.pools) {
    available += index.indexedHosts;
    unavailable += pool.unavailableHosts;
    for (let d = 0; d < 3; d++) bottlenecked[d] += index.bottleneckHosts[d];
  }
  if (available + unavailable === 0)
    return { availabilityZone: zone.availabilityZone, fits: 0, reasons: [zone.familyHosts > 0 ? 'tenancy' : 'instance-family'] };
  if (unavailable > 0) reasons.push('host-state');
  if (available > 0) {
    const short = CAPACITY_REASONS.filter((_, d) => bottlenecked[d] === available);
    reasons.push(...(short.length > 0 ? short : ['capacity: fragmented' as const]));
  }
  return { availabilityZone: zone.availabilityZone, fits: zone.fits, reasons };
}
