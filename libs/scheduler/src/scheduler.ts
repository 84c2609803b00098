import { AVAILABILITY_ZONES, Fleet, FleetEvent, Host, InvalidParameterValue, isAvailabilityZone, NotFound, Vm } from '@nimbus/hypervisor';
import { DEFAULT_SCHEDULER_CONFIG, PlacementDecision, PlacementRequest, ratiosFor, SchedulerConfig, WeigherName } from './contract';
import { CapacityIndex, ZoneCandidates } from './placement/capacity-index';
import { SlotCursor } from './placement/slot-cursor';
import { Weigher } from './placement/weigher';
import { packWeigher } from './placement/weigher.pack';
import { spreadWeigher } from './placement/weigher.spread';
import { zoneRefusal } from './placement/zone-refusal';

const WEIGHERS: Readonly<Record<WeigherName, Weigher>> = { pack: packWeigher, spread: spreadWeigher };

/** Zones in name order: the last tie-break, so decisions never depend on map order. */
const ZONES_BY_NAME = [...AVAILABILITY_ZONES].sort();

/**
 * Placement policy (MODEL.md §4): hard filters, then a soft weigher, over an index of free
 * capacity that fleet events keep in sync. `place` only decides; the caller launches each VM on
 * the host ids returned, and the fleet's allocation-changed events update the index.
 *
 * Host state changes arrive as fleet events too, so a draining, failed or switched-off host
 * leaves the candidates at once.
 */
export class Scheduler {
  private current: SchedulerConfig;
  private readonly index: CapacityIndex;
  private readonly unsubscribe: () => void;
  private capacityFallback?: CapacityFallback;

  constructor(
    private readonly fleet: Fleet,
    config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
  ) {
    this.current = validConfig({ ...config });
    this.index = new CapacityIndex((az, type) => ratiosFor(this.current, az, type));
    for (const host of fleet.hosts()) this.index.sync(host);
    this.unsubscribe = fleet.engine.subscribe((event) => this.observe(event));
  }

  get config(): SchedulerConfig {
    return this.current;
  }

  setConfig(partial: Partial<SchedulerConfig>): void {
    const next = validConfig({ ...this.current, ...partial });
    const ratiosChanged =
      next.cpuAllocationRatio !== this.current.cpuAllocationRatio ||
      next.ramAllocationRatio !== this.current.ramAllocationRatio ||
      JSON.stringify(next.overrides ?? {}) !== JSON.stringify(this.current.overrides ?? {});
    this.current = next;
    if (ratiosChanged) this.index.setRatios((az, type) => ratiosFor(this.current, az, type));
  }

  /** Re-reads one host (after its state changed); forgets it if the fleet no longer has it. */
  reindexHost(hostId: string): void {
    const host = this.fleet.host(hostId);
    if (host) this.index.sync(host);
    else this.index.remove(hostId);
  }

  /** Stops following fleet events. */
  dispose(): void {
    this.unsubscribe();
  }

  /**
   * Chooses hosts for between minCount and maxCount instances, all in one zone, or refuses with
   * every zone's reasons. Places as many as fit up to maxCount; never fewer than minCount.
   * Pure with respect to the fleet: it reserves nothing.
   */
  place(req: PlacementRequest): PlacementDecision {
    if (!Number.isSafeInteger(req.minCount) || !Number.isSafeInteger(req.maxCount) || req.minCount < 1 || req.maxCount < req.minCount)
      throw new InvalidParameterValue(`need 1 ≤ MinCount ≤ MaxCount, got ${req.minCount} and ${req.maxCount}`);
    const requested = req.availabilityZone;
    if (requested !== undefined && !isAvailabilityZone(requested))
      return { ok: false, refusals: [{ availabilityZone: requested, fits: 0, reasons: ['availability-zone'] }] };

    const shape = this.index.shapeFor(req.instanceType, req.cpu);
    const zones = (requested !== undefined ? [requested] : ZONES_BY_NAME).map((az) => this.index.zone(az, shape));
    const weigher = WEIGHERS[this.current.weigher];
    let best: ZoneCandidates | undefined;
    for (const zone of zones) {
      if (zone.fits < req.minCount) continue;
      // The zone that takes the most instances; then the one with the most room left, so requests
      // that name no zone spread over the region as on EC2 (pack or spread apply within the zone);
      // then name order.
      const order = best === undefined ? -1 : Math.min(best.fits, req.maxCount) - Math.min(zone.fits, req.maxCount) || best.fits - zone.fits;
      if (order < 0) best = zone;
    }
    if (!best) {
      // Hosts switched off by consolidation come back on when nothing else fits (MODEL.md §3.9).
      if (this.capacityFallback?.(req)) return this.placeWithoutFallback(req);
      return { ok: false, refusals: zones.map(zoneRefusal) };
    }
    return { ok: true, availabilityZone: best.availabilityZone, hostIds: weigher.pick(best, Math.min(best.fits, req.maxCount)) };
  }

  /**
   * Where a running VM could be live-migrated to (rebalancing, maintenance): a host in its own zone
   * that the placement filters admit for the VM's own request (its type, CPU parameters, tenant),
   * never its current host nor one of `excludeHostIds`, and passing `accept` if given (the
   * rebalancer's "does not become a hot spot"). The weigher's own choice first, as `place` makes
   * it; if that one is refused, the next hosts in the weigher's order (at most
   * `maxCandidates`, so the cost does not grow with the fleet). Decides only; reserves nothing.
   */
  placeMigration(vmId: string, options: MigrationPlacementOptions = {}): PlacementDecision {
    const vm = this.fleet.vm(vmId);
    if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
    const source = vm.hostId === null ? undefined : this.fleet.host(vm.hostId);
    if (!source) return { ok: false, refusals: [] };
    const req = migrationRequest(vm, source.availabilityZone);
    const excluded = new Set(options.excludeHostIds ?? []);
    excluded.add(source.id);
    const admits = (hostId: string): boolean => {
      if (excluded.has(hostId)) return false;
      const host = this.fleet.host(hostId);
      return host !== undefined && host.state === 'available' && (options.accept === undefined || options.accept(host));
    };
    const attempt = (): PlacementDecision => {
      const first = this.placeWithoutFallback(req);
      if (first.ok && admits(first.hostIds[0])) return first;
      const zone = this.index.zone(source.availabilityZone, this.index.shapeFor(req.instanceType, req.cpu));
      const order = this.current.weigher === 'spread' ? 'most-slots-first' : 'fewest-slots-first';
      let examined = 0;
      for (const cursor = new SlotCursor(zone.pools, order); !cursor.done && examined < (options.maxCandidates ?? MIGRATION_CANDIDATES); cursor.advance(), examined++)
        if (admits(cursor.hostId)) return { ok: true, availabilityZone: zone.availabilityZone, hostIds: [cursor.hostId] };
      const refusal = zoneRefusal(zone);
      return { ok: false, refusals: [zone.fits > 0 ? { ...refusal, fits: 0, reasons: [...refusal.reasons, 'rebalancing: destination refused'] } : refusal] };
    };
    const decision = attempt();
    if (decision.ok || options.powerOn === false || !this.capacityFallback?.(req)) return decision;
    return attempt();
  }

  /**
   * Installs what `place` (and `placeMigration`) call when nothing fits: it may bring hosts back
   * (switch on hosts that consolidation switched off) and answers whether it did; placement is
   * then tried once more.
   */
  setCapacityFallback(fallback: CapacityFallback | undefined): void {
    this.capacityFallback = fallback;
  }

  private placeWithoutFallback(req: PlacementRequest): PlacementDecision {
    const fallback = this.capacityFallback;
    this.capacityFallback = undefined;
    try {
      return this.place(req);
    } finally {
      this.capacityFallback = fallback;
    }
  }

  private observe(event: FleetEvent): void {
    switch (event.type) {
      case 'host.added':
      case 'host.allocation-changed':
      case 'host.state-changed':
        this.reindexHost(event.hostId);
        break;
      case 'host.removed':
        this.index.remove(event.hostId);
        break;
    }
  }
}

/** How many hosts past the weigher's first choice `placeMigration` looks at, at most. */
export const MIGRATION_CANDIDATES = 64;

export interface MigrationPlacementOptions {
  readonly excludeHostIds?: Iterable<string>;
  readonly accept?: (host: Host) => boolean;
  readonly maxCandidates?: number;
  /** Whether the capacity fallback may switch hosts on for this move (default true). */
  readonly powerOn?: boolean;
}

/** See `Scheduler.setCapacityFallback`. */
export type CapacityFallback = (req: PlacementRequest) => boolean;

/**
 * The placement request a running VM would make again: its own type, CPU parameters and tenant,
 * in its own zone (live migration never leaves the zone). Filters that depend on more of the VM
 * (tenancy, placement groups) read it from here.
 */
export function migrationRequest(vm: Vm, availabilityZone: string): PlacementRequest {
  return { tenantId: vm.tenantId, instanceType: vm.instanceType, cpu: vm.cpu, availabilityZone, minCount: 1, maxCount: 1 };
}

/** Ratios above 64 are no real policy, and would make the slot buckets needlessly large. */
function validConfig(c: SchedulerConfig): SchedulerConfig {
  if (!Object.prototype.hasOwnProperty.call(WEIGHERS, c.weigher)) throw new InvalidParameterValue(`weigher must be one of ${Object.keys(WEIGHERS).join(', ')}, got '${c.weigher}'`);
  checkRatios(c, 'the default');
  for (const [name, r] of Object.entries(c.overrides?.hostTypes ?? {})) checkRatios(r, `host type '${name}'`);
  for (const [name, r] of Object.entries(c.overrides?.availabilityZones ?? {})) {
    if (!isAvailabilityZone(name)) throw new InvalidParameterValue(`availability zone '${name}' does not exist`);
    checkRatios(r, `availability zone '${name}'`);
  }
  return Object.freeze(c);
}

function checkRatios(r: Partial<Record<'cpuAllocationRatio' | 'ramAllocationRatio', number>>, where: string): void {
  for (const ratio of ['cpuAllocationRatio', 'ramAllocationRatio'] as const) {
    const v = r[ratio];
    if (v === undefined) continue;
    if (!Number.isFinite(v) || v <= 0 || v > 64) throw new InvalidParameterValue(`${ratio} for ${where} must be more than 0 and at most 64, got ${v}`);
  }
}
