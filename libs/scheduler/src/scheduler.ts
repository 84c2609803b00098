import { AVAILABILITY_ZONES, Fleet, FleetEvent, Host, InstanceType, INSTANCE_TYPES, InvalidParameterValue, isAvailabilityZone, NotFound, SimTime, Vm } from '@nimbus/hypervisor';
import {
  CLUSTER_MAX_HOSTS, DEFAULT_AVOID_VIOLATIONS_MS, DEFAULT_SCHEDULER_CONFIG, MAX_ALLOCATION_RATIO, MAX_AVOID_VIOLATIONS_MS, MAX_PARTITIONS, MIN_ALLOCATION_RATIO, PlacementDecision, PlacementGroupDefinition, PlacementRequest, PLACEMENT_STRATEGIES,
  ratiosFor, RefusalReason, SchedulerConfig, WeigherName, ZoneRefusal,
} from './contract';
import { validateLaunch } from './admission/launch-validation';
import { CapacityIndex, ZoneCandidates } from './placement/capacity-index';
import { planGroup, GroupPlan } from './placement/group-placement';
import { capacityShortfall, hostCapacity } from './placement/host-capacity';
import { chooseSpotToReclaim, ReclaimHost } from './policies/spot-reclaim';
import { classesFor, dedicatedClass, dedicatedHostClass, EMPTY_CLASS, SHARED_CLASS } from './placement/host-class';
import { HostPool } from './placement/host-pool';
import { isTracked, Occupancy } from './placement/occupancy';
import { Shape } from './placement/shape';
import { SlotCursor } from './placement/slot-cursor';
import { PickContext, Weigher } from './placement/weigher';
import { balanceWeigher } from './placement/weigher.balance';
import { packWeigher } from './placement/weigher.pack';
import { spreadWeigher } from './placement/weigher.spread';
import { zoneRefusal } from './placement/zone-refusal';

const WEIGHERS: Readonly<Record<WeigherName, Weigher>> = { pack: packWeigher, spread: spreadWeigher, balance: balanceWeigher };

/** Zones in name order: the last tie-break, so decisions never depend on map order. */
const ZONES_BY_NAME = [...AVAILABILITY_ZONES].sort();

/** A Dedicated Host's owner (EC2 AllocateHosts). */
export interface HostOwner {
  readonly tenantId: string;
  /** `on`: the tenant's host-tenancy launches that name no host may land here. */
  readonly autoPlacement: boolean;
  /** What the host was allocated for (EC2: an instance family, or one instance type); absent: any its type runs. */
  readonly instanceFamily?: string;
  readonly instanceType?: string;
}

export interface SchedulerOptions {
  /** When each host last had a guarantee violation (the data plane knows); enables avoiding them. */
  readonly lastGuaranteeViolationAt?: (hostId: string) => SimTime | null;
  /** Instance types whose default shapes are indexed up front (default: the catalog). For studies with shapes of their own. */
  readonly catalog?: readonly InstanceType[];
}

/**
 * Placement policy (docs/model.md §4): hard filters, then a soft weigher, over an index of free
 * capacity that fleet events keep in sync. `place` only decides; the caller launches each VM on
 * the host ids returned, and the fleet's allocation-changed events update the index.
 *
 * Filters: availability zone, instance family ↔ host type, host state, capacity (reservations
 * never oversubscribed; limits and memory up to the allocation ratios), tenancy (a key of the
 * index: see host-class.ts), Dedicated Hosts (owner, auto-placement), placement groups (cluster,
 * spread, partition: see group-placement.ts). Weighers: pack, spread, balance; hosts with recent
 * guarantee violations last. Host state changes arrive as fleet events too, so a draining, failed
 * or switched-off host leaves the candidates at once.
 */
export class Scheduler {
  private current: SchedulerConfig;
  private readonly index: CapacityIndex;
  private readonly occupancy: Occupancy;
  private readonly owners = new Map<string, HostOwner>();
  private readonly groups = new Map<string, PlacementGroupDefinition>();
  private readonly unsubscribe: () => void;
  /** Counts changes made by calls rather than fleet events (groups, host owners): a caller that must undo them can tell. */
  private changes = 0;
  private capacityFallback?: CapacityFallback;

  constructor(
    private readonly fleet: Fleet,
    config: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG,
    private readonly options: SchedulerOptions = {},
  ) {
    this.current = validConfig({ ...config });
    this.occupancy = new Occupancy(fleet);
    for (const vm of fleet.allVms()) {
      if (!isTracked(vm)) continue;
      if (vm.hostId !== null) this.occupancy.observe(vm.hostId, vm.vmId);
      const target = fleet.migrationTarget(vm.vmId);
      if (target !== undefined) this.occupancy.observe(target, vm.vmId);
    }
    this.index = new CapacityIndex(
      (az, type) => ratiosFor(this.current, az, type),
      (host) => this.classOf(host),
      options.catalog ?? INSTANCE_TYPES,
    );
    for (const host of fleet.hosts()) this.index.sync(host);
    this.unsubscribe = fleet.engine.subscribe((event) => this.observe(event));
  }

  get config(): SchedulerConfig {
    return this.current;
  }

  /** How many group definitions and host-owner changes were made so far. */
  get mutations(): number {
    return this.changes;
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

  // ---- placement groups ----

  /** Makes a group known (on creation, and for every stored group on a rebuild). */
  defineGroup(group: PlacementGroupDefinition): void {
    if (!PLACEMENT_STRATEGIES.includes(group.strategy)) throw new InvalidParameterValue(`strategy must be one of ${PLACEMENT_STRATEGIES.join(', ')}, got '${group.strategy}'`);
    if (group.strategy === 'partition') {
      const n = group.partitionCount;
      if (n === undefined || !Number.isInteger(n) || n < 1 || n > MAX_PARTITIONS) throw new InvalidParameterValue(`partitionCount must be an integer from 1 to ${MAX_PARTITIONS}, got ${n}`);
    } else if (group.partitionCount !== undefined) throw new InvalidParameterValue(`partitionCount applies only to the partition strategy`);
    this.groups.set(group.groupId, group);
    this.changes++;
  }

  /** Forgets a group (deleted; it has no instances left). */
  removeGroup(groupId: string): void {
    if (this.groups.delete(groupId)) this.changes++;
  }

  group(groupId: string): PlacementGroupDefinition | undefined {
    return this.groups.get(groupId);
  }

  // ---- Dedicated Hosts ----

  /** Allocates a host to a tenant (null: releases it). Its class, and so who may use it, changes at once. */
  setHostOwner(hostId: string, owner: HostOwner | null): void {
    if (owner) this.owners.set(hostId, owner);
    else this.owners.delete(hostId);
    this.changes++;
    this.reindexHost(hostId);
  }

  hostOwner(hostId: string): HostOwner | undefined {
    return this.owners.get(hostId);
  }

  /**
   * Up to `quantity` hosts that can be allocated whole to a tenant: available, empty, owned by no
   * one, of a type that runs `family` (and of `hostTypeName` if given), in the zone. Read from the
   * index's `empty` class: no scan of the fleet.
   */
  freeHosts(availabilityZone: string, family: string, quantity: number, hostTypeName?: string): Host[] {
    const out: Host[] = [];
    for (const pool of this.index.poolsOf(availabilityZone, EMPTY_CLASS)) {
      if (!pool.hostType.families.includes(family as never) || (hostTypeName !== undefined && pool.hostType.name !== hostTypeName)) continue;
      out.push(...pool.firstAvailable(quantity - out.length));
      if (out.length >= quantity) break;
    }
    return out;
  }

  // ---- decisions ----

  /**
   * Chooses hosts for between minCount and maxCount instances, all in one zone, or refuses with
   * every zone's reasons. Places as many as fit up to maxCount; never fewer than minCount.
   * Pure with respect to the fleet: it reserves nothing.
   */
  place(req: PlacementRequest): PlacementDecision {
    const decision = this.placeWithoutFallback(req);
    // Hosts switched off by consolidation come back on when nothing else fits (docs/model.md §3.9).
    if (!decision.ok && this.capacityFallback?.(req)) return this.placeWithoutFallback(req);
    return decision;
  }

  /** `place` without the capacity fallback. */
  private placeWithoutFallback(req: PlacementRequest): PlacementDecision {
    const group = req.placementGroup ? this.groups.get(req.placementGroup.groupId) : undefined;
    if (req.placementGroup && !group) throw new InvalidParameterValue(`placement group '${req.placementGroup.groupId}' is not defined`);
    const partition = req.placementGroup?.partition;
    // The launch rules (launch-validation.ts). An unknown zone is not an error here but a refusal (below).
    const tenancy = validateLaunch({
      instanceType: req.instanceType, tenancy: req.tenancy, hostId: req.hostId, minCount: req.minCount, maxCount: req.maxCount, partitionNumber: partition,
      ...(group ? { placementGroup: { name: group.groupId, definition: group } } : {}),
    });

    const requested = req.availabilityZone;
    if (requested !== undefined && !isAvailabilityZone(requested))
      return { ok: false, refusals: [{ availabilityZone: requested, fits: 0, reasons: ['availability-zone'] }] };
    const shape = this.index.shapeFor(req.instanceType, req.cpu);
    if (req.hostId !== undefined) return this.placeOnHost(req, req.hostId, shape);

    const classes = classesFor(tenancy, req.tenantId, req.instanceType);
    const zones = (requested !== undefined ? [requested] : ZONES_BY_NAME).map((az) => this.index.zone(az, shape, classes));
    const weigher = WEIGHERS[this.current.weigher];
    const refuse = (zone: ZoneCandidates, plan?: GroupPlan): ZoneRefusal => {
      const r = zoneRefusal(zone);
      const capacityShort = zone.fits < req.minCount;
      let reasons: RefusalReason[] = tenancy === 'host' ? r.reasons.map((x) => (x === 'tenancy' ? 'dedicated-host' : x)) : [...r.reasons];
      if (plan?.limitedBy) reasons = capacityShort ? [plan.limitedBy, ...reasons] : [plan.limitedBy];
      return { availabilityZone: zone.availabilityZone, fits: plan ? plan.hostIds.length : r.fits, reasons };
    };

    if (!group) {
      let best: ZoneCandidates | undefined;
      for (const zone of zones) {
        if (zone.fits < req.minCount) continue;
        // The zone that takes the most instances; then the one with the most room left, so requests
        // that name no zone spread over the region as on EC2 (the weigher applies within the zone);
        // then name order.
        const order = best === undefined ? -1 : Math.min(best.fits, req.maxCount) - Math.min(zone.fits, req.maxCount) || best.fits - zone.fits;
        if (order < 0) best = zone;
      }
      if (!best) return { ok: false, refusals: zones.map((z) => refuse(z)) };
      return { ok: true, availabilityZone: best.availabilityZone, hostIds: weigher.pick(best, Math.min(best.fits, req.maxCount), this.pickContext()) };
    }

    const vm = req.vmId !== undefined ? this.fleet.vm(req.vmId) : undefined;
    const context = {
      index: this.index, occupancy: this.occupancy, classes: new Set(classes), order: weigher.order,
      movingVmId: vm?.placementGroup?.groupId === group.groupId ? vm.vmId : undefined,
      movingPartition: vm?.placementGroup?.groupId === group.groupId ? vm.placementGroup.partition : undefined,
    };
    const plans = zones.map((zone) => planGroup(zone, group, req.maxCount, partition, context));
    let best = -1;
    for (let i = 0; i < zones.length; i++) {
      if (plans[i].hostIds.length < req.minCount) continue;
      const order = best < 0 ? -1 : plans[best].hostIds.length - plans[i].hostIds.length || zones[best].fits - zones[i].fits;
      if (order < 0) best = i;
    }
    if (best < 0) return { ok: false, refusals: zones.map((z, i) => refuse(z, plans[i])) };
    const plan = plans[best];
    return {
      ok: true, availabilityZone: zones[best].availabilityZone, hostIds: plan.hostIds,
      ...(group.strategy === 'partition' ? { partitions: plan.partitions } : {}),
    };
  }

  /**
   * Re-places an existing VM (recovery after a host failure, live migration, start after stop)
   * under its own rules: its tenancy, its group and partition. An instance on a Dedicated Host has
   * host affinity: it goes back to its own host only (pass `hostId` for a stopped one, which holds
   * no host), so its licenses stay counted on the hardware they were counted on; AWS would swap the
   * failed hardware under the host id instead, which is not simulated.
   */
  placeVm(vmId: string, availabilityZone?: string, hostId?: string): PlacementDecision {
    const vm = this.fleet.vm(vmId);
    if (!vm) throw new InvalidParameterValue(`instance '${vmId}' does not exist`);
    const ownHost = vm.tenancy === 'host' ? (hostId ?? vm.hostId ?? undefined) : undefined;
    if (vm.tenancy === 'host' && ownHost === undefined)
      return { ok: false, refusals: [{ availabilityZone: availabilityZone ?? 'unknown', fits: 0, reasons: ['dedicated-host'] }] };
    return this.place({
      tenantId: vm.tenantId, instanceType: vm.instanceType, cpu: vm.cpu, minCount: 1, maxCount: 1, vmId,
      ...(availabilityZone !== undefined ? { availabilityZone } : {}),
      ...(vm.tenancy ? { tenancy: vm.tenancy } : {}),
      ...(ownHost !== undefined ? { hostId: ownHost } : {}),
      ...(vm.placementGroup && this.groups.has(vm.placementGroup.groupId) ? { placementGroup: vm.placementGroup } : {}),
    });
  }

  /**
   * Why an existing VM may not move to `hostId` under the tenancy and group rules (null: it may).
   * Capacity is the caller's check. For an operator's migration, which names its target.
   */
  refusalForMove(vmId: string, hostId: string): RefusalReason | null {
    const vm = this.fleet.vm(vmId);
    const host = this.fleet.host(hostId);
    if (!vm || !host) return 'host-state';
    const cls = this.index.classOfHost(hostId) ?? this.classOf(host);
    const tenancy = vm.tenancy ?? 'default';
    if (tenancy === 'host') return 'dedicated-host'; // host affinity (see placeVm)
    if (!classesFor(tenancy, vm.tenantId).includes(cls)) return 'tenancy';
    const group = vm.placementGroup ? this.groups.get(vm.placementGroup.groupId) : undefined;
    if (!group) return null;
    const gz = this.occupancy.groupZone(group.groupId, host.availabilityZone);
    const others = (h: string) => {
      let n = 0;
      for (const k of gz?.hosts.get(h)?.values() ?? []) n += k;
      return n - (this.occupancy.placesOf(vmId).some((p) => p.hostId === h) ? 1 : 0);
    };
    if (group.strategy === 'spread' && others(hostId) > 0) return 'placement-group: spread';
    if (group.strategy === 'partition') {
      for (const [p, k] of gz?.hosts.get(hostId) ?? []) if (p !== (vm.placementGroup?.partition ?? 0) && k > 0) return 'placement-group: partition';
    }
    if (group.strategy === 'cluster') {
      const from = vm.hostId !== null ? this.fleet.host(vm.hostId) : undefined;
      if (from && from.availabilityZone !== host.availabilityZone) return 'placement-group: cluster';
      const members = [...(gz?.hosts.keys() ?? [])].filter((h) => others(h) > 0);
      if (!members.includes(hostId) && members.length >= CLUSTER_HOSTS_FOR_MOVE) return 'placement-group: cluster';
    }
    return null;
  }

  /**
   * Where a running VM could be live-migrated to (rebalancing, maintenance): a host in its own zone
   * that the placement filters admit for the VM's own request (`migrationRequest`: its type, CPU
   * parameters, tenant, tenancy and group), never its current host nor one of `excludeHostIds`,
   * and passing `accept` if given (the rebalancer's "does not become a hot spot"). The weigher's
   * own choice first, as `place` makes it; if that one is refused, the next hosts in the weigher's
   * order that the tenancy and group rules admit (`refusalForMove`), at most `maxCandidates`, so the
   * cost does not grow with the fleet. Decides only; reserves nothing.
   */
  placeMigration(vmId: string, options: MigrationPlacementOptions = {}): PlacementDecision {
    const vm = this.fleet.vm(vmId);
    if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
    const source = vm.hostId === null ? undefined : this.fleet.host(vm.hostId);
    if (!source) return { ok: false, refusals: [] };
    // An instance on a Dedicated Host keeps its host (see placeVm).
    if (vm.tenancy === 'host') return { ok: false, refusals: [{ availabilityZone: source.availabilityZone, fits: 0, reasons: ['dedicated-host'] }] };
    const req = migrationRequest(vm, source.availabilityZone, this.groups.has(vm.placementGroup?.groupId ?? ''));
    const excluded = new Set(options.excludeHostIds ?? []);
    excluded.add(source.id);
    const admits = (hostId: string): boolean => {
      if (excluded.has(hostId)) return false;
      const host = this.fleet.host(hostId);
      if (host === undefined || host.state !== 'available') return false;
      if (this.refusalForMove(vmId, hostId) !== null) return false;
      return options.accept === undefined || options.accept(host);
    };
    const attempt = (): PlacementDecision => {
      const first = this.placeWithoutFallback(req);
      if (first.ok && admits(first.hostIds[0])) return first;
      const classes = classesFor(vm.tenancy ?? 'default', vm.tenantId, vm.instanceType);
      const zone = this.index.zone(source.availabilityZone, this.index.shapeFor(req.instanceType, req.cpu), classes);
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
   * The Spot Instances to take back so that a launch `place` refused for capacity would fit (the
   * rule: policies/spot-reclaim.ts). Only a launch on shared hardware (tenancy `default`, no host
   * named, no placement group): hosts of the request's own zone, or of each zone, that run its
   * family, are available and take its tenancy class now. `spot`: the running Spot Instances (no
   * other instance is ever a candidate). The zone that needs the fewest, then name order; undefined
   * when none would make room. Decides only.
   */
  spotToReclaim(req: PlacementRequest, spot: readonly SpotVm[]): { readonly availabilityZone: string; readonly vmIds: readonly string[] } | undefined {
    if ((req.tenancy ?? 'default') !== 'default' || req.hostId !== undefined || req.placementGroup !== undefined) return undefined;
    if (req.availabilityZone !== undefined && !isAvailabilityZone(req.availabilityZone)) return undefined;
    const shape = this.index.shapeFor(req.instanceType, req.cpu);
    const classes = new Set(classesFor('default', req.tenantId, req.instanceType));
    const byZone = new Map<string, Map<string, ReclaimHost['spot'][number][]>>();
    for (const s of spot) {
      const vm = this.fleet.vm(s.vmId);
      const host = vm && vm.hostId !== null ? this.fleet.host(vm.hostId) : undefined;
      if (!vm || !host || host.state !== 'available' || !host.type.families.includes(shape.family)) continue;
      if (req.availabilityZone !== undefined && host.availabilityZone !== req.availabilityZone) continue;
      if (!classes.has(this.index.classOfHost(host.id) ?? this.classOf(host))) continue;
      const amounts = { reservationMillicores: vm.cpu.reservationMillicores, limitMillicores: vm.cpu.limitMillicores, memoryMiB: host.memoryFootprintMiB(vm.instanceType.memoryMiB) };
      const hosts = byZone.get(host.availabilityZone) ?? new Map<string, ReclaimHost['spot'][number][]>();
      byZone.set(host.availabilityZone, hosts);
      hosts.set(host.id, [...(hosts.get(host.id) ?? []), { vmId: s.vmId, amounts, maxPrice: s.maxPrice, launchedAt: s.launchedAt, leaving: s.leaving }]);
    }
    let best: { availabilityZone: string; vmIds: string[] } | undefined;
    for (const az of ZONES_BY_NAME) {
      const hosts = byZone.get(az);
      if (!hosts) continue;
      // What the zone's other hosts take already; the candidates' hosts are counted afresh.
      let elsewhere = this.index.zone(az, shape, [...classes]).fits;
      const candidates: ReclaimHost[] = [];
      for (const [hostId, onHost] of hosts) {
        const host = this.fleet.host(hostId)!;
        elsewhere -= this.index.slotsOn(hostId, shape)?.slots ?? 0;
        const need = { reservationMillicores: shape.reservationMillicores, limitMillicores: shape.limitMillicores, memoryMiB: host.memoryFootprintMiB(shape.memoryMiB) };
        candidates.push({ hostId, capacity: hostCapacity(host, ratiosFor(this.current, az, host.type.name)), allocated: host.allocation, need, spot: onHost });
      }
      const vmIds = chooseSpotToReclaim(candidates, req.minCount - elsewhere);
      if (vmIds !== undefined && (best === undefined || vmIds.length < best.vmIds.length)) best = { availabilityZone: az, vmIds };
    }
    return best;
  }

  /**
   * Installs what `place` (and `placeMigration`) call when nothing fits: it may bring hosts back
   * (switch on hosts that consolidation switched off) and answers whether it did; placement is
   * then tried once more.
   */
  setCapacityFallback(fallback: CapacityFallback | undefined): void {
    this.capacityFallback = fallback;
  }

  /** Tenancy host with a named host: that host only, if the tenant owns it. */
  private placeOnHost(req: PlacementRequest, hostId: string, shape: Shape): PlacementDecision {
    const host = this.fleet.host(hostId);
    const owner = this.owners.get(hostId);
    const az = host?.availabilityZone ?? req.availabilityZone ?? 'unknown';
    const refuse = (reasons: RefusalReason[], fits = 0): PlacementDecision => ({ ok: false, refusals: [{ availabilityZone: az, fits, reasons }] });
    if (!host || !owner || owner.tenantId !== req.tenantId) return refuse(['dedicated-host']);
    if (req.availabilityZone !== undefined && req.availabilityZone !== host.availabilityZone) return refuse(['availability-zone']);
    const allocatedFor = (owner.instanceFamily === undefined || owner.instanceFamily === shape.family) && (owner.instanceType === undefined || owner.instanceType === shape.instanceType.name);
    if (!host.type.families.includes(shape.family) || !allocatedFor) return refuse(['instance-family']);
    if (host.state !== 'available') return refuse(['host-state']);
    const at = this.index.slotsOn(hostId, shape);
    const slots = at?.slots ?? 0;
    if (slots < req.minCount) return refuse(at ? shortOf(at.pool, host, shape, slots) : ['host-state'], slots);
    return { ok: true, availabilityZone: host.availabilityZone, hostIds: new Array<string>(Math.min(slots, req.maxCount)).fill(hostId) };
  }

  private pickContext(): PickContext {
    const lookup = this.options.lastGuaranteeViolationAt;
    const window = this.current.avoidViolationsWithinMs ?? DEFAULT_AVOID_VIOLATIONS_MS;
    if (!lookup || window <= 0) return {};
    const since = this.fleet.now - window;
    return {
      avoid: (hostId) => {
        const at = lookup(hostId);
        return at !== null && at > since;
      },
    };
  }

  /** The tenancy class a host is in now (see host-class.ts). */
  private classOf(host: Host): string {
    const owner = this.owners.get(host.id);
    if (owner) return dedicatedHostClass(owner.tenantId, owner.autoPlacement, owner.instanceFamily, owner.instanceType);
    if (host.vmIds.size + host.incoming.size === 0) return EMPTY_CLASS;
    const tenant = this.occupancy.dedicatedTenantOf(host.id);
    return tenant !== undefined ? dedicatedClass(tenant) : SHARED_CLASS;
  }

  private observe(event: FleetEvent): void {
    switch (event.type) {
      case 'host.allocation-changed':
        if (event.vmId !== undefined) this.occupancy.observe(event.hostId, event.vmId);
        this.reindexHost(event.hostId);
        break;
      case 'host.added':
      case 'host.state-changed':
        this.reindexHost(event.hostId);
        break;
      case 'host.removed':
        this.index.remove(event.hostId);
        this.owners.delete(event.hostId);
        break;
    }
  }
}

/** A cluster group's rack, for an operator's move (see CLUSTER_MAX_HOSTS). */
const CLUSTER_HOSTS_FOR_MOVE = CLUSTER_MAX_HOSTS;

/** Which capacity dimensions keep one more instance off a host that has `slots` left. */
function shortOf(pool: HostPool, host: Host, shape: Shape, slots: number): RefusalReason[] {
  const n = slots + 1;
  const need = { reservationMillicores: n * shape.reservationMillicores, limitMillicores: n * shape.limitMillicores, memoryMiB: n * host.memoryFootprintMiB(shape.memoryMiB) };
  const reasons: RefusalReason[] = capacityShortfall(pool.capacityAmounts, host.allocation, need);
  return reasons.length > 0 ? reasons : ['capacity: fragmented'];
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

/** A running Spot Instance as `Scheduler.spotToReclaim` weighs it. */
export interface SpotVm {
  readonly vmId: string;
  /** Its request's maximum price per hour, a decimal string. */
  readonly maxPrice: string;
  readonly launchedAt: number;
  /** Already under an interruption notice: its room is coming back. */
  readonly leaving: boolean;
}

/** See `Scheduler.setCapacityFallback`. */
export type CapacityFallback = (req: PlacementRequest) => boolean;

/**
 * The placement request a running VM would make again, in its own zone (live migration never
 * leaves the zone): its type, CPU parameters, tenant, tenancy, and its placement group (when the
 * group is still defined), with its own id so that its current place does not count against it.
 */
export function migrationRequest(vm: Vm, availabilityZone: string, groupDefined = true): PlacementRequest {
  return {
    tenantId: vm.tenantId, instanceType: vm.instanceType, cpu: vm.cpu, availabilityZone, minCount: 1, maxCount: 1, vmId: vm.vmId,
    ...(vm.tenancy && vm.tenancy !== 'host' ? { tenancy: vm.tenancy } : {}),
    ...(vm.placementGroup && groupDefined ? { placementGroup: vm.placementGroup } : {}),
  };
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
  const w = c.avoidViolationsWithinMs;
  if (w !== undefined && (!Number.isSafeInteger(w) || w < 0 || w > MAX_AVOID_VIOLATIONS_MS))
    throw new InvalidParameterValue(`avoidViolationsWithinMs must be an integer of milliseconds from 0 to ${MAX_AVOID_VIOLATIONS_MS} (a day), got ${w}`);
  return Object.freeze(c);
}

function checkRatios(r: Partial<Record<'cpuAllocationRatio' | 'ramAllocationRatio', number>>, where: string): void {
  for (const ratio of ['cpuAllocationRatio', 'ramAllocationRatio'] as const) {
    const v = r[ratio];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < MIN_ALLOCATION_RATIO || v > MAX_ALLOCATION_RATIO)
      throw new InvalidParameterValue(`${ratio} for ${where} must be from ${MIN_ALLOCATION_RATIO} to ${MAX_ALLOCATION_RATIO}, got ${v}`);
  }
}
