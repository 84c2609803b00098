import {
  BucketSummary, Catalog, DataPlane, DataPlaneSnapshots, Engine, findHostType, Fleet, FleetEvent, HostType, MetricKind, MigrationSettings, SimTime,
} from '@nimbus/hypervisor';
import {
  AutoRecovery, DEFAULT_REBALANCER_CONFIG, DEFAULT_SCHEDULER_CONFIG, Maintenance, mergeRebalancerConfig, ratiosFor, Rebalancer, RebalancerConfigPatch, Scheduler, SchedulerConfig,
} from '@nimbus/scheduler';
import type { PlacementRefusal } from '../commands/launch';
import { nextMidnight, UsageMeter } from '../metering/usage-meter';
import { ChangeSet, emptyChangeSet, mergeChangeSets, record } from './change-set';
import { HostRecord, WorldState } from './world-state';

/** Hosts of one type in one zone, numbered from `firstIndex` (ids `h-` + 17 digits). */
export interface HostGroupConfig {
  readonly hostType: string | HostType;
  readonly availabilityZone: string;
  readonly count: number;
}

/** A new world: a clock, a fleet of hosts, and the scheduler's and rebalancer's settings. */
export interface WorldConfig {
  readonly startMs: SimTime;
  readonly hosts: readonly (HostGroupConfig | HostRecord)[];
  readonly scheduler?: Partial<SchedulerConfig>;
  readonly rebalancer?: RebalancerConfigPatch;
}

export interface WorldOptions {
  /**
   * Metric buckets: recorded in the change set (default), sent to `onBucket` instead, or off.
   * `vms: false` keeps only hosts' and the fleet's series.
   */
  readonly metrics?: false | { readonly vms?: boolean; readonly periodMs?: number; readonly onBucket?: (kind: MetricKind, id: string, bucket: BucketSummary) => void };
  /** Keep a change set of what happens (default true). An offline run that only observes turns it off. */
  readonly journal?: boolean;
  /** Meter usage (billing) from fleet events and at each UTC midnight (default true). */
  readonly usage?: boolean;
  readonly migration?: Partial<MigrationSettings>;
  /** Host types beyond the catalog's, by name (a scenario's own). */
  readonly hostTypes?: readonly HostType[];
  /** The VMMs' content-based page sharing under memory pressure (docs/model.md §3.2; default on). */
  readonly pageSharing?: boolean;
}

/** What one write takes out of the world: its change set and the data plane's snapshots. */
export interface Changes {
  readonly changes: ChangeSet;
  readonly snapshots: DataPlaneSnapshots;
}

const hostId = (n: number) => `h-${String(n).padStart(17, '0')}`;

/**
 * The world (docs/model.md §1): the event engine, the fleet, the hosts' VMMs (data plane), the
 * scheduler, maintenance, auto-recovery, rebalancing and usage metering, built in one order by one
 * construction, for the live API, offline runs, benchmarks and tests alike. It is built from a
 * configuration (`World.create`) or restored from a saved state (`World.restore`).
 *
 * Everything the world does is recorded in a change set (state transitions, moves, host changes,
 * timeline events, closed metric buckets, usage events) that a store takes (`takeChanges`) and
 * writes; a failed write gives it back (`requeue`).
 */
export class World {
  readonly engine: Engine<FleetEvent>;
  readonly fleet: Fleet;
  readonly scheduler: Scheduler;
  readonly dataPlane: DataPlane;
  readonly maintenance: Maintenance;
  readonly rebalancer: Rebalancer;
  readonly recovery: AutoRecovery;
  readonly usage = new UsageMeter();
  /**
   * The instance types and images this world knows: the built-in catalog plus the state's
   * additions (custom types, operators' and tenants' images). Every lookup goes through it.
   */
  readonly catalog: Catalog;
  private changes: ChangeSet = emptyChangeSet();
  private emitted = 0;
  private readonly observers: ((e: FleetEvent) => void)[] = [];
  private readonly refusalListeners: ((r: PlacementRefusal) => void)[] = [];
  private readonly journal: boolean;
  private readonly metering: boolean;
  private readonly hostTypes: Map<string, HostType>;
  private disposed = false;

  static create(config: WorldConfig, options: WorldOptions = {}): World {
    const hosts: HostRecord[] = [];
    for (const h of config.hosts) {
      if ('hostId' in h) {
        hosts.push(h);
        continue;
      }
      const name = typeof h.hostType === 'string' ? h.hostType : h.hostType.name;
      for (let i = 0; i < h.count; i++) hosts.push({ hostId: hostId(hosts.length + 1), hostType: name, availabilityZone: h.availabilityZone });
    }
    const extra = config.hosts.flatMap((h) => ('hostId' in h || typeof h.hostType === 'string' ? [] : [h.hostType]));
    return new World(
      { nowMs: config.startMs, hosts, scheduler: config.scheduler, rebalancer: config.rebalancer },
      { ...options, hostTypes: [...(options.hostTypes ?? []), ...extra] },
    );
  }

  static restore(state: WorldState, options: WorldOptions = {}): World {
    return new World(state, options);
  }

  /**
   * The one construction. Order matters and is fixed: the journal subscribes first (it sees every
   * event before any policy reacts), then the fleet, scheduler, data plane, auto-recovery,
   * maintenance and rebalancer subscribe in that order.
   */
  private constructor(state: WorldState, options: WorldOptions) {
    this.journal = options.journal ?? true;
    this.metering = options.usage ?? true;
    this.hostTypes = new Map((options.hostTypes ?? []).map((t) => [t.name, t]));
    const catalog = new Catalog(state.catalog ?? {});
    this.catalog = catalog;
    const engine = new Engine<FleetEvent>(state.nowMs);
    this.engine = engine;
    engine.subscribe((e) => this.onEvent(e));
    const fleet = new Fleet(engine);
    this.fleet = fleet;
    for (const h of state.hosts) {
      const type = this.hostTypes.get(h.hostType) ?? findHostType(h.hostType);
      if (!type) throw new RangeError(`host ${h.hostId} has unknown host type ${h.hostType}`);
      fleet.addHost(h.hostId, type, h.availabilityZone, h.state ? { state: h.state, stateSince: h.stateSince ?? state.nowMs, driverDomain: h.driverDomain ?? 'ok' } : undefined);
    }
    const vms = state.vms ?? [];
    for (const v of vms) {
      const instanceType = catalog.instanceType(v.instanceType);
      const image = catalog.image(v.imageId);
      if (!instanceType || !image) throw new RangeError(`instance ${v.vmId} references an unknown type or image`);
      const host = v.hostId ? fleet.host(v.hostId) : undefined;
      // The reason for an impaired status follows from where the VM is: a failed host, a failed
      // driver domain, or else a reboot on new hardware after recovery.
      const statusReason = v.status !== 'impaired' ? null : host?.state === 'failed' ? 'host-failure' : host?.driverDomain === 'failed' ? 'driver-domain-failure' : 'recovering';
      fleet.restore({
        vmId: v.vmId, tenantId: v.tenantId, instanceType, image, autoRecovery: v.autoRecovery, cpu: v.cpu,
        state: v.state, hostId: v.hostId, stateSince: v.stateSince, transitionAt: v.transitionAt, status: v.status, statusReason, tenancy: v.tenancy,
        ...(v.placementGroup ? { placementGroup: v.placementGroup } : {}),
      });
    }
    const schedulerConfig = { ...DEFAULT_SCHEDULER_CONFIG, ...(state.scheduler ?? {}) };
    const scheduler = new Scheduler(fleet, schedulerConfig, { catalog: catalog.instanceTypes(), lastGuaranteeViolationAt: (id) => (this.dataPlane as DataPlane | undefined)?.lastGuaranteeViolationAt(id) ?? null });
    this.scheduler = scheduler;
    for (const g of state.placementGroups ?? []) scheduler.defineGroup(g);
    for (const o of state.hostOwners ?? []) if (fleet.host(o.hostId)) scheduler.setHostOwner(o.hostId, o.owner);
    const metrics = options.metrics;
    const dataPlane = new DataPlane(fleet, {
      ramRatio: (host) => ratiosFor(scheduler.config, host.availabilityZone, host.type.name).ramAllocationRatio,
      ...(options.migration ? { migration: options.migration } : {}),
      ...(options.pageSharing !== undefined ? { pageSharing: options.pageSharing } : {}),
      ...(metrics === false
        ? {}
        : { metrics: { vms: metrics?.vms, periodMs: metrics?.periodMs, onBucket: metrics?.onBucket ?? ((kind, id, bucket) => this.changes.buckets.push({ kind, id, bucket })) } }),
    });
    this.dataPlane = dataPlane;
    for (const h of state.hosts) if (h.energyJoules !== undefined) dataPlane.restoreEnergy(h.hostId, h.energyJoules);
    for (const v of vms) {
      dataPlane.initVm(v.vmId, {
        workload: v.workload, workloadSetAtMs: v.workloadSetAtMs, creditMode: v.creditMode, credits: v.credits, creditUseMillicores: v.creditUseMillicores, transfer: v.transfer,
      });
    }
    const live = new Set(vms.map((v) => v.vmId));
    for (const v of state.volumes ?? []) {
      dataPlane.addVolume(v);
      if (v.attachedTo && live.has(v.attachedTo)) dataPlane.attachVolume(v.volumeId, v.attachedTo);
    }
    this.usage.load(state.meters ?? []);
    if (this.metering) this.meterDaily(nextMidnight(state.nowMs));
    this.recovery = new AutoRecovery(fleet, scheduler);
    this.maintenance = new Maintenance(fleet, dataPlane, scheduler);
    const rebalancerConfig = state.rebalancer ? mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, state.rebalancer as RebalancerConfigPatch) : DEFAULT_REBALANCER_CONFIG;
    this.rebalancer = new Rebalancer(fleet, dataPlane, scheduler, this.maintenance, rebalancerConfig);
    // Transitions that fell due while the world was saved complete now; the next change set has them.
    this.recovery.resume();
    // Migrations in flight start again, episodes keep their start, consolidation's drains resume as such.
    if (state.rebalancerState) this.rebalancer.restore(state.rebalancerState);
    for (const h of state.hosts) if (h.state === 'draining' && !this.maintenance.isDraining(h.hostId)) this.maintenance.drain(h.hostId, true);
    engine.runUntil(state.nowMs);
  }

  get now(): SimTime {
    return this.engine.now;
  }

  /** Fleet events emitted so far: tells whether a command changed the world. */
  get eventsEmitted(): number {
    return this.emitted;
  }

  /** Calls `listener` with every fleet event, after the change set has recorded it. */
  observe(listener: (e: FleetEvent) => void): () => void {
    this.observers.push(listener);
    return () => {
      const i = this.observers.indexOf(listener);
      if (i >= 0) this.observers.splice(i, 1);
    };
  }

  /** Calls `listener` with every placement the world refused (a launch that did not happen changes nothing else). */
  onRefusal(listener: (r: PlacementRefusal) => void): () => void {
    this.refusalListeners.push(listener);
    return () => {
      const i = this.refusalListeners.indexOf(listener);
      if (i >= 0) this.refusalListeners.splice(i, 1);
    };
  }

  reportRefusal(r: PlacementRefusal): void {
    for (const l of this.refusalListeners) l(r);
  }

  /** Runs every event up to `t`; returns how many ran. */
  runUntil(t: SimTime): number {
    return t > this.engine.now ? this.engine.runUntil(t) : 0;
  }

  /** The changes since the last take, and the data plane's snapshots, for a store to write. */
  takeChanges(): Changes {
    const changes = this.changes;
    this.changes = emptyChangeSet();
    return { changes, snapshots: this.dataPlane.takeSnapshots() };
  }

  /** A write of `taken` failed: the next take includes it again. */
  requeue(taken: Changes): void {
    this.changes = mergeChangeSets(taken.changes, this.changes);
    this.dataPlane.requeueSnapshots(taken.snapshots);
    this.usage.discard();
  }

  /**
   * Runs `fn` (a command, which may await a store between its changes; commands must not overlap)
   * with a change set of its own. If it returns, its changes join the world's; if it throws, they
   * are dropped, and `changedWorld` says whether it had already changed the world (then the caller
   * must restore it from the truth).
   */
  async isolateAsync<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown; changedWorld: boolean }> {
    const outer = this.changes;
    const before = this.emitted;
    const mutationsBefore = this.scheduler.mutations;
    const catalogBefore = this.catalog.version;
    this.changes = emptyChangeSet();
    try {
      const value = await fn();
      this.changes = mergeChangeSets(outer, this.changes);
      return { ok: true, value };
    } catch (error) {
      this.changes = outer;
      return { ok: false, error, changedWorld: this.emitted !== before || this.scheduler.mutations !== mutationsBefore || this.catalog.version !== catalogBefore };
    }
  }

  /** The changes not yet taken (for a read that must see them before they are stored). */
  peekChanges(): ChangeSet {
    return this.changes;
  }

  /** Stops every policy and the data plane (the world is not used again). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dataPlane.dispose();
    this.rebalancer.dispose();
    this.maintenance.dispose();
    this.recovery.dispose();
  }

  private onEvent(e: FleetEvent): void {
    this.emitted++;
    if (this.journal) {
      if (this.metering) {
        // During construction the data plane is not there yet: nothing to read.
        const usage = this.usage.observe(e, (this as { dataPlane?: DataPlane }).dataPlane);
        if (usage.length > 0) this.changes.usage.push(...usage);
      }
      record(this.changes, e);
    }
    for (const o of this.observers) o(e);
  }

  /**
   * Reads these instances' counters now into the change set, each reading saying which NAT gateway
   * processed its internet bytes (null: none): the app's answer before it changes routing, so that
   * bytes sent until now are metered as they were routed until now (docs/model.md §5).
   */
  meterNow(readings: readonly { readonly vmId: string; readonly natGatewayId: string | null }[]): void {
    if (!this.journal || !this.metering) return;
    for (const { vmId, natGatewayId } of readings) {
      const vm = this.fleet.vm(vmId);
      if (!vm || vm.state === 'terminated') continue;
      const r = this.usage.read(this.dataPlane, vmId, vm.tenantId, this.now);
      if (r) this.changes.usage.push({ ...r, natGatewayId });
    }
  }

  /** Meter readings at each UTC midnight: usage by day, and every month end metered exactly. */
  private meterDaily(at: SimTime): void {
    this.engine.schedule(at, () => {
      if (this.journal) this.changes.usage.push(...this.usage.dailyReadings(this.dataPlane, this.fleet.allVms(), at));
      this.meterDaily(nextMidnight(at));
    });
  }
}
