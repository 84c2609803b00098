import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  BucketSummary, CreditMode, CreditSnapshot, DataPlane, DataPlaneSnapshots, TransferSnapshot, Engine, Fleet, FleetEvent, findHostType, findImage, findInstanceType, HostState,
  mergeBuckets, MetricKind, MS_PER_DAY, Tenancy, TimelineEvent, Workload,
} from '@nimbus/hypervisor';
import {
  AutoRecovery, DEFAULT_REBALANCER_CONFIG, DEFAULT_SCHEDULER_CONFIG, Maintenance, mergeRebalancerConfig, PlacementStrategy, ratiosFor, Rebalancer,
  RebalancerConfig, RebalancerConfigPatch, RebalancerState, Scheduler, SchedulerConfig,
} from '@nimbus/scheduler';
import { DataSource, EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig, ClockSetting, DEFAULT_CLOCK } from '../config/app-config';
import { HostEntity, InstanceEntity, MetricBucketEntity, SettingEntity, SimEventEntity, VolumeEntity } from '../database/entities';
import { DedicatedHostEntity, PlacementGroupEntity } from '../database/entities';
import { SerialQueue } from '../common/serial-queue';
import { clockView } from './clock-state';
import { volumeSpecOf } from '../volumes/volume.mapper';
import { UsageCapture, UsageEvent } from '../billing/usage-capture';

type StateChange = Extract<FleetEvent, { type: 'vm.state-changed' }>;
type HostChange = Extract<FleetEvent, { type: 'host.state-changed' }>;

const CLOCK_KEY = 'clock';
export const SCHEDULER_KEY = 'scheduler';
export const REBALANCER_KEY = 'rebalancer';
/** The rebalancer's episodes, evacuations and queued or in-flight migrations (written when they change). */
const REBALANCER_STATE_KEY = 'rebalancer-state';
const PACER_INTERVAL_MS = 100;
/** In realtime mode the clock is persisted at least this often (wall ms), events or not. */
const CLOCK_PERSIST_EVERY_MS = 5_000;
/** One advance may cover at most this much simulated time. */
export const MAX_ADVANCE_MS = 400 * MS_PER_DAY;
/** Rows per INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const INSERT_BATCH = 200;

/** A unit of control-plane work: it may change the fleet, and writes through the transaction. */
export type Command<T> = (tx: EntityManager, engine: EngineService) => Promise<T>;
/** Called in the commit that records instances reaching `terminated` (their volumes detach or go). */
export type TerminationHandler = (tx: EntityManager, instanceIds: string[], now: number, engine: EngineService) => Promise<void>;

/** What `instances.workload` holds: the workload and when its CPU model was set (its steps count from there). */
export interface StoredWorkload {
  readonly workload: Workload;
  readonly cpuSetAtMs: number;
}

/**
 * What `instances.runtime` holds: the CPU credit account (burstable types), with the use it was
 * integrating at, and the metered data transfer with its rates.
 */
interface StoredVmRuntime {
  readonly credits?: CreditSnapshot;
  readonly useMillicores: number;
  readonly transfer?: TransferSnapshot;
}

interface Journal {
  states: Map<string, StateChange>;
  statuses: Map<string, Extract<FleetEvent, { type: 'vm.status-changed' }>>;
  moves: Map<string, Extract<FleetEvent, { type: 'vm.host-changed' }>>;
  hosts: Map<string, HostChange>;
  timeline: TimelineEvent[];
  buckets: { kind: MetricKind; id: string; bucket: BucketSummary }[];
  /** Every transition billing needs, in order (`states` keeps only each VM's last). */
  usage: UsageEvent[];
}

const emptyJournal = (): Journal => ({ states: new Map(), statuses: new Map(), moves: new Map(), hosts: new Map(), timeline: [], buckets: [], usage: [] });

/**
 * Hosts the live engine (MODEL.md §1, live mode). The database is the source of truth: on start
 * the fleet is rebuilt from it; every change is one transaction in which the engine's own changes
 * (the journal: state transitions, host faults, moves, timeline events, closed metric buckets,
 * data-plane snapshots) and the clock are written too. Changes run one at a time (SerialQueue), so
 * the in-memory engine and the database never disagree at a commit.
 */
@Injectable()
export class EngineService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EngineService.name);
  private readonly queue = new SerialQueue();
  private engine!: Engine<FleetEvent>;
  private fleetRef!: Fleet;
  private schedulerRef!: Scheduler;
  private dataPlaneRef!: DataPlane;
  private maintenanceRef!: Maintenance;
  private rebalancerRef!: Rebalancer;
  private rebalancerConfig: RebalancerConfig = DEFAULT_REBALANCER_CONFIG;
  /** The rebalancer's state version last committed, and the one the commit in progress writes. */
  private rebalancerWritten = -1;
  private rebalancerWriting = -1;
  private recovery!: AutoRecovery;
  private journal: Journal = emptyJournal();
  private setting!: ClockSetting;
  private schedulerConfig: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG;
  private anchor = { simMs: 0, wallMs: 0 };
  private lastPersistWallMs = 0;
  private pacer?: NodeJS.Timeout;
  private ticking = false;
  /** Fleet events emitted so far: tells whether a command changed the engine. */
  private emitted = 0;
  /** The simulated time of the last rebuild: a bucket open then may already have a row (merge it). */
  private rebuiltAt = 0;
  private readonly terminationHandlers: TerminationHandler[] = [];
  /** Usage records and SLA intervals from the journal, written in the journal's transaction. */
  readonly usage = new UsageCapture();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get fleet(): Fleet {
    return this.fleetRef;
  }

  get scheduler(): Scheduler {
    return this.schedulerRef;
  }

  /** The hosts' VMMs: workloads, volumes, allocations, metrics, faults. */
  get dataPlane(): DataPlane {
    return this.dataPlaneRef;
  }

  get maintenance(): Maintenance {
    return this.maintenanceRef;
  }

  /** Hot-spot relief, consolidation, power, and the migration executor every live migration goes through. */
  get rebalancer(): Rebalancer {
    return this.rebalancerRef;
  }

  get now(): number {
    return this.engine.now;
  }

  onTerminated(handler: TerminationHandler): void {
    this.terminationHandlers.push(handler);
  }

  async onModuleInit(): Promise<void> {
    const stored = await this.db.getRepository(SettingEntity).findOneBy({ key: CLOCK_KEY });
    const persisted = stored ? (JSON.parse(stored.value) as { nowMs: number; setting: ClockSetting }) : undefined;
    // A fresh simulation starts at the wall-clock second it was created; after that the clock is the
    // simulation's own and resumes where it stopped. NIMBUS_CLOCK, when set, overrides the pacing an
    // admin chose before the restart; otherwise that choice stays.
    const startMs = persisted?.nowMs ?? Math.floor(Date.now() / 1000) * 1000;
    this.setting = this.config.clock ?? persisted?.setting ?? DEFAULT_CLOCK;
    const sched = await this.db.getRepository(SettingEntity).findOneBy({ key: SCHEDULER_KEY });
    if (sched) this.schedulerConfig = { ...DEFAULT_SCHEDULER_CONFIG, ...(JSON.parse(sched.value) as Partial<SchedulerConfig>) };
    const rebal = await this.db.getRepository(SettingEntity).findOneBy({ key: REBALANCER_KEY });
    if (rebal) this.rebalancerConfig = mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, JSON.parse(rebal.value) as RebalancerConfigPatch);
    await this.rebuild(startMs);
    await this.persist();
    this.startPacer();
  }

  /** A clean shutdown writes the open metric buckets, so a restart loses none of the metrics. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.pacer) clearInterval(this.pacer);
    if (!this.engine) return;
    await this.queue
      .run(async () => {
        this.journal.buckets.push(...this.dataPlane.openBuckets());
        await this.persist();
      })
      .catch((err) => this.logger.error({ err }, 'final persist failed'));
  }

  onApplicationShutdown(): void {
    if (this.pacer) clearInterval(this.pacer);
  }

  /** Runs a control-plane change: catches the clock up, then runs the command in one transaction. */
  command<T>(fn: Command<T>): Promise<T> {
    return this.queue.run(async () => {
      this.catchUp();
      const emittedBefore = this.emitted;
      const scheduler = this.schedulerRef;
      const schedulerBefore = scheduler.mutations;
      try {
        return await this.persist((tx) => fn(tx, this));
      } catch (err) {
        // The command changed the engine (or the scheduler's groups and host owners) but its
        // transaction did not commit: rebuild from the truth.
        if (this.emitted !== emittedBefore || scheduler.mutations !== schedulerBefore) await this.rebuild(this.engine.now);
        throw err;
      }
    });
  }

  /** Reads through the queue: the engine caught up, nothing changing underneath. */
  read<T>(fn: (engine: EngineService) => T | Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      if (this.catchUp() > 0) await this.persist();
      return fn(this);
    });
  }

  /** Advances simulated time by `ms`, running every event up to it before answering. */
  advance(ms: number) {
    return this.queue.run(async () => {
      this.engine.runUntil(this.engine.now + ms);
      this.anchor = { simMs: this.engine.now, wallMs: Date.now() };
      await this.persist();
      return this.clock();
    });
  }

  setClock(setting: ClockSetting) {
    return this.queue.run(async () => {
      this.catchUp();
      this.setting = setting;
      this.anchor = { simMs: this.engine.now, wallMs: Date.now() };
      await this.persist();
      return this.clock();
    });
  }

  clock() {
    return clockView(this.engine.now, this.setting);
  }

  /**
   * Metric buckets of one series closed since the last commit (by the engine, or by a read's peek
   * at the open bucket): not in the database yet, but a read must see them.
   */
  pendingBuckets(kind: MetricKind, id: string): BucketSummary[] {
    return this.journal.buckets.filter((b) => b.kind === kind && b.id === id).map((b) => b.bucket);
  }

  /** Changes the scheduler's policy settings (ratios, weigher), persisted in the same transaction. */
  setSchedulerConfig(partial: Partial<SchedulerConfig>) {
    return this.command(async (tx, e) => {
      e.scheduler.setConfig(partial);
      this.schedulerConfig = e.scheduler.config;
      await tx.save(SettingEntity, { key: SCHEDULER_KEY, value: JSON.stringify(this.schedulerConfig) });
      // Memory reclamation depends on the RAM ratio: every host re-reads it.
      for (const h of e.fleet.hosts()) e.dataPlane.refreshHost(h.id);
      return this.schedulerConfig;
    });
  }

  /** Changes the rebalancing policies' settings, persisted in the same transaction. */
  setRebalancerConfig(patch: RebalancerConfigPatch) {
    return this.command(async (tx, e) => {
      const next = e.rebalancer.setConfig(patch);
      await tx.save(SettingEntity, { key: REBALANCER_KEY, value: JSON.stringify(next) });
      this.rebalancerConfig = next;
      return next;
    });
  }

  private startPacer(): void {
    this.anchor = { simMs: this.engine.now, wallMs: Date.now() };
    this.pacer = setInterval(() => {
      if (this.setting.mode === 'manual' || this.ticking) return;
      this.ticking = true;
      this.queue
        .run(async () => {
          const processed = this.catchUp();
          if (processed > 0 || Date.now() - this.lastPersistWallMs >= CLOCK_PERSIST_EVERY_MS) {
            await this.persist();
          }
        })
        .catch((err) => this.logger.error({ err }, 'clock tick failed'))
        .finally(() => (this.ticking = false));
    }, PACER_INTERVAL_MS);
    this.pacer.unref();
  }

  /** Brings the engine to the wall-paced simulated time (no-op in manual mode). */
  private catchUp(): number {
    if (this.setting.mode === 'manual') return 0;
    const target = this.anchor.simMs + Math.floor((Date.now() - this.anchor.wallMs) * this.setting.rate);
    return target > this.engine.now ? this.engine.runUntil(target) : 0;
  }

  /**
   * One transaction: `work` (if any), then the engine's changes since the last commit and the
   * clock. The journal is replaced only once the commit succeeded, so a failed write loses
   * nothing: the next commit writes those changes again.
   */
  private async persist<T>(work?: (tx: EntityManager) => Promise<T>): Promise<T> {
    let written: Journal | undefined;
    // The data plane's state that changed since the last commit: taken out for this one, and put
    // back if it fails, so that the next commit writes it (as the journal is).
    let snaps: DataPlaneSnapshots | undefined;
    const result = await this.db.transaction(async (tx) => {
      const r = work ? await work(tx) : (undefined as T);
      written = this.journal;
      this.journal = emptyJournal();
      this.rebalancerWriting = this.rebalancerWritten;
      try {
        snaps = this.dataPlane.takeSnapshots();
        await this.writeJournal(tx, written, snaps);
        await tx.save(SettingEntity, this.clockRow());
      } catch (err) {
        this.journal = mergeJournals(written, this.journal);
        written = undefined;
        throw err;
      }
      return r;
    }).catch((err) => {
      if (written) this.journal = mergeJournals(written, this.journal);
      if (snaps) this.dataPlane.requeueSnapshots(snaps);
      this.usage.discard();
      throw err;
    });
    this.rebalancerWritten = this.rebalancerWriting;
    this.usage.commit();
    this.lastPersistWallMs = Date.now();
    return result;
  }

  private async writeJournal(tx: EntityManager, j: Journal, snaps: DataPlaneSnapshots): Promise<void> {
    const terminated: string[] = [];
    for (const e of j.states.values()) {
      await tx.update(InstanceEntity, { id: e.vmId }, { state: e.current, hostId: e.hostId, stateSince: e.time, transitionAt: e.transitionAt });
      if (e.current === 'terminated') terminated.push(e.vmId);
    }
    await this.usage.write(tx, j.usage, snaps.vms, this.engine.now);
    for (const e of j.moves.values()) if (!j.states.has(e.vmId) || j.states.get(e.vmId)!.time < e.time) await tx.update(InstanceEntity, { id: e.vmId }, { hostId: e.to });
    for (const e of j.statuses.values()) await tx.update(InstanceEntity, { id: e.vmId }, { status: e.status });
    for (const e of j.hosts.values()) {
      const host = this.fleet.host(e.hostId);
      await tx.update(HostEntity, { id: e.hostId }, { state: e.current, stateSince: host?.stateSince ?? e.time, driverDomainState: e.driverDomain });
    }
    for (let i = 0; i < j.timeline.length; i += INSERT_BATCH) {
      await tx.insert(
        SimEventEntity,
        j.timeline.slice(i, i + INSERT_BATCH).map((e) => ({
          time: e.time, type: e.kind, hostId: e.hostId ?? null, instanceId: e.vmId ?? null, tenantId: e.tenantId ?? null, detail: JSON.stringify(e.detail),
        })),
      );
    }
    await this.writeBuckets(tx, j.buckets);
    for (const s of snaps.vms) {
      const runtime: StoredVmRuntime = { credits: s.credits, useMillicores: s.useMillicores, transfer: s.transfer };
      await tx.update(InstanceEntity, { id: s.vmId }, { runtime: JSON.stringify(runtime) });
    }
    for (const s of snaps.volumes) await tx.update(VolumeEntity, { id: s.volumeId }, { runtime: JSON.stringify(s) });
    for (const s of snaps.hosts) await tx.update(HostEntity, { id: s.hostId }, { runtime: JSON.stringify({ energyJoules: s.energyJoules, asOfMs: s.asOfMs }) });
    if (terminated.length > 0) for (const h of this.terminationHandlers) await h(tx, terminated, this.engine.now, this);
    const version = this.rebalancer.version;
    if (version !== this.rebalancerWritten) {
      await tx.save(SettingEntity, { key: REBALANCER_STATE_KEY, value: JSON.stringify(this.rebalancer.snapshot()) });
      this.rebalancerWriting = version;
    }
  }

  /**
   * Closed buckets are new rows, except a bucket that was open when the engine was rebuilt (or
   * written at a clean shutdown): it may have a row already, and the two halves are merged.
   */
  private async writeBuckets(tx: EntityManager, buckets: Journal['buckets']): Promise<void> {
    const fresh: MetricBucketEntity[] = [];
    for (const { kind, id, bucket } of buckets) {
      const row = { entityId: id, bucketStart: bucket.start, kind, summary: JSON.stringify(bucket) };
      if (bucket.start <= this.rebuiltAt) {
        const existing = await tx.findOneBy(MetricBucketEntity, { entityId: id, bucketStart: bucket.start });
        if (existing) {
          const merged = mergeBuckets(JSON.parse(existing.summary) as BucketSummary, bucket);
          await tx.update(MetricBucketEntity, { entityId: id, bucketStart: bucket.start }, { summary: JSON.stringify(merged) });
          continue;
        }
      }
      fresh.push(row);
    }
    for (let i = 0; i < fresh.length; i += INSERT_BATCH) await tx.upsert(MetricBucketEntity, fresh.slice(i, i + INSERT_BATCH), ['entityId', 'bucketStart']);
  }

  private clockRow(): SettingEntity {
    return { key: CLOCK_KEY, value: JSON.stringify({ nowMs: this.engine.now, setting: this.setting }) };
  }

  /** Builds the engine, fleet, scheduler and data plane from the database (on start, and after a failed commit). */
  private async rebuild(nowMs: number): Promise<void> {
    this.dataPlaneRef?.dispose();
    this.rebalancerRef?.dispose();
    const engine = new Engine<FleetEvent>(nowMs);
    const fleet = new Fleet(engine);
    // Unwritten changes of the engine being replaced are dropped: the database is the truth.
    this.journal = emptyJournal();
    // The data plane is built after the fleet is restored: usage readings start once it exists.
    const plane: { current?: DataPlane } = {};
    engine.subscribe((e) => {
      this.emitted++;
      const journal = this.journal;
      const usage = this.usage.observe(e, plane.current);
      if (usage.length > 0) journal.usage.push(...usage);
      switch (e.type) {
        case 'vm.state-changed':
          journal.states.set(e.vmId, e);
          break;
        case 'vm.status-changed':
          journal.statuses.set(e.vmId, e);
          break;
        case 'vm.host-changed':
          journal.moves.set(e.vmId, e);
          break;
        case 'host.state-changed':
          journal.hosts.set(e.hostId, e);
          break;
        case 'timeline':
          journal.timeline.push(e);
          break;
      }
    });
    const hosts = await this.db.getRepository(HostEntity).find({ order: { id: 'ASC' } });
    for (const h of hosts) {
      const type = findHostType(h.hostType);
      if (!type) throw new Error(`host ${h.id} has unknown host type ${h.hostType}`);
      fleet.addHost(h.id, type, h.availabilityZone, { state: h.state as HostState, stateSince: h.stateSince, driverDomain: h.driverDomainState === 'failed' ? 'failed' : 'ok' });
    }
    const live = await this.db.getRepository(InstanceEntity).find({
      where: { state: In(['pending', 'running', 'stopping', 'stopped', 'shutting-down']) },
      order: { id: 'ASC' },
    });
    for (const i of live) {
      const instanceType = findInstanceType(i.instanceType);
      const image = findImage(i.imageId);
      if (!instanceType || !image) throw new Error(`instance ${i.id} references an unknown type or image`);
      const host = i.hostId ? fleet.host(i.hostId) : undefined;
      // The reason for an impaired status follows from where the VM is: a failed host, a failed
      // driver domain, or else a reboot on new hardware after recovery.
      const statusReason = i.status !== 'impaired' ? null : host?.state === 'failed' ? 'host-failure' : host?.driverDomain === 'failed' ? 'driver-domain-failure' : 'recovering';
      fleet.restore({
        vmId: i.id, tenantId: i.tenantId, instanceType, image, autoRecovery: i.autoRecovery !== 'disabled',
        cpu: { reservationMillicores: i.cpuReservationMillicores, limitMillicores: i.cpuLimitMillicores, weight: i.cpuWeight },
        state: i.state as never, hostId: i.hostId, stateSince: i.stateSince, transitionAt: i.transitionAt,
        status: i.status === 'impaired' ? 'impaired' : 'ok', statusReason,
        tenancy: i.tenancy as Tenancy,
        ...(i.placementGroupId ? { placementGroup: { groupId: i.placementGroupId, ...(i.partitionNumber !== null ? { partition: i.partitionNumber } : {}) } } : {}),
      });
    }
    // The scheduler's indexes come back from the fleet (tenancy, group members) and from the rows
    // of its own: placement groups and Dedicated Host owners.
    let lastViolationAt: (hostId: string) => number | null = () => null;
    const scheduler = new Scheduler(fleet, this.schedulerConfig, { lastGuaranteeViolationAt: (id) => lastViolationAt(id) });
    for (const g of await this.db.getRepository(PlacementGroupEntity).find({ order: { id: 'ASC' } }))
      scheduler.defineGroup({ groupId: g.id, strategy: g.strategy as PlacementStrategy, ...(g.partitionCount !== null ? { partitionCount: g.partitionCount } : {}) });
    for (const d of await this.db.getRepository(DedicatedHostEntity).find({ order: { hostId: 'ASC' } }))
      if (fleet.host(d.hostId))
        scheduler.setHostOwner(d.hostId, { tenantId: d.tenantId, autoPlacement: d.autoPlacement, instanceFamily: d.instanceFamily, ...(d.instanceType ? { instanceType: d.instanceType } : {}) });
    const dataPlane = new DataPlane(fleet, {
      ramRatio: (host) => ratiosFor(scheduler.config, host.availabilityZone, host.type.name).ramAllocationRatio,
      metrics: { onBucket: (kind, id, bucket) => this.journal.buckets.push({ kind, id, bucket }) },
    });
    lastViolationAt = (id) => dataPlane.lastGuaranteeViolationAt(id);
    for (const h of hosts) {
      if (!h.runtime) continue;
      const r = JSON.parse(h.runtime) as { energyJoules: number };
      dataPlane.restoreEnergy(h.id, r.energyJoules);
    }
    for (const i of live) {
      const stored = i.workload ? (JSON.parse(i.workload) as StoredWorkload) : undefined;
      const runtime = i.runtime ? (JSON.parse(i.runtime) as StoredVmRuntime) : undefined;
      dataPlane.initVm(i.id, {
        workload: stored?.workload, workloadSetAtMs: stored?.cpuSetAtMs,
        creditMode: (i.creditSpecification as CreditMode | null) ?? undefined, credits: runtime?.credits, creditUseMillicores: runtime?.useMillicores,
        transfer: runtime?.transfer,
      });
    }
    const volumes = await this.db.getRepository(VolumeEntity).find({ where: { state: In(['available', 'in-use']) }, order: { id: 'ASC' } });
    const liveIds = new Set(live.map((i) => i.id));
    for (const v of volumes) {
      const r = v.runtime ? (JSON.parse(v.runtime) as { burstCredits: number; asOfMs: number }) : undefined;
      dataPlane.addVolume({
        volumeId: v.id, tenantId: v.tenantId, availabilityZone: v.availabilityZone, burstCredits: r?.burstCredits, asOfMs: r?.asOfMs,
        spec: volumeSpecOf(v),
      });
      if (v.instanceId && liveIds.has(v.instanceId)) dataPlane.attachVolume(v.id, v.instanceId);
    }
    plane.current = dataPlane;
    await this.usage.load(this.db, live.map((i) => i.id));
    // Meter readings at each UTC midnight: usage by day, and every month end metered exactly.
    const meterDaily = (at: number) =>
      engine.schedule(at, () => {
        this.journal.usage.push(...this.usage.dailyReadings(dataPlane, fleet.allVms(), at));
        meterDaily(UsageCapture.nextMidnight(at));
      });
    meterDaily(UsageCapture.nextMidnight(nowMs));
    const recovery = new AutoRecovery(fleet, scheduler);
    const maintenance = new Maintenance(fleet, dataPlane, scheduler);
    const rebalancer = new Rebalancer(fleet, dataPlane, scheduler, maintenance, this.rebalancerConfig);
    // Transitions that fell due while the process was down complete now; the next commit writes them.
    recovery.resume();
    // Migrations in flight start again, episodes keep their start, consolidation's drains resume as such.
    const rebalancerState = await this.db.getRepository(SettingEntity).findOneBy({ key: REBALANCER_STATE_KEY });
    if (rebalancerState) rebalancer.restore(JSON.parse(rebalancerState.value) as RebalancerState);
    for (const h of hosts) if (h.state === 'draining' && !maintenance.isDraining(h.id)) maintenance.drain(h.id, true);
    engine.runUntil(nowMs);
    this.engine = engine;
    this.fleetRef = fleet;
    this.schedulerRef = scheduler;
    this.dataPlaneRef = dataPlane;
    this.maintenanceRef = maintenance;
    this.rebalancerRef = rebalancer;
    this.rebalancerWritten = -1;
    this.recovery = recovery;
    this.rebuiltAt = nowMs;
    this.logger.log({ hosts: hosts.length, instances: live.length, volumes: volumes.length, now: new Date(nowMs).toISOString() }, 'engine rebuilt from the database');
  }
}

function mergeJournals(a: Journal, b: Journal): Journal {
  const out = emptyJournal();
  for (const j of [a, b]) {
    for (const [k, v] of j.states) out.states.set(k, v);
    for (const [k, v] of j.statuses) out.statuses.set(k, v);
    for (const [k, v] of j.moves) out.moves.set(k, v);
    for (const [k, v] of j.hosts) out.hosts.set(k, v);
    out.timeline.push(...j.timeline);
    out.buckets.push(...j.buckets);
    out.usage.push(...j.usage);
  }
  return out;
}
