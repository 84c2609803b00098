import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Engine, Fleet, FleetEvent, findHostType, findImage, findInstanceType, MS_PER_DAY,
} from '@nimbus/hypervisor';
import { Scheduler } from '@nimbus/scheduler';
import { DataSource, EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig, ClockSetting, DEFAULT_CLOCK } from '../config/app-config';
import { HostEntity, InstanceEntity, SettingEntity } from '../database/entities';
import { SerialQueue } from '../common/serial-queue';
import { clockView } from './clock-state';

type StateChange = Extract<FleetEvent, { type: 'vm.state-changed' }>;

const CLOCK_KEY = 'clock';
const PACER_INTERVAL_MS = 100;
/** In realtime mode the clock is persisted at least this often (wall ms), events or not. */
const CLOCK_PERSIST_EVERY_MS = 5_000;
/** One advance may cover at most this much simulated time. */
export const MAX_ADVANCE_MS = 400 * MS_PER_DAY;

/** A unit of control-plane work: it may change the fleet, and writes through the transaction. */
export type Command<T> = (tx: EntityManager, engine: EngineService) => Promise<T>;

/**
 * Hosts the live engine (MODEL.md §1, live mode). The database is the source of truth: on start
 * the fleet is rebuilt from it; every change is one transaction in which the engine's own state
 * transitions (the journal) and the clock are written too. Changes run one at a time
 * (SerialQueue), so the in-memory engine and the database never disagree at a commit.
 */
@Injectable()
export class EngineService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(EngineService.name);
  private readonly queue = new SerialQueue();
  private engine!: Engine<FleetEvent>;
  private fleetRef!: Fleet;
  private schedulerRef!: Scheduler;
  private journal = new Map<string, StateChange>();
  private setting!: ClockSetting;
  private anchor = { simMs: 0, wallMs: 0 };
  private lastPersistWallMs = 0;
  private pacer?: NodeJS.Timeout;
  private ticking = false;
  /** Fleet events emitted so far: tells whether a command changed the engine. */
  private emitted = 0;

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

  get now(): number {
    return this.engine.now;
  }

  async onModuleInit(): Promise<void> {
    const stored = await this.db.getRepository(SettingEntity).findOneBy({ key: CLOCK_KEY });
    const persisted = stored ? (JSON.parse(stored.value) as { nowMs: number; setting: ClockSetting }) : undefined;
    // A fresh simulation starts at the wall-clock second it was created; after that the clock is the
    // simulation's own and resumes where it stopped. NIMBUS_CLOCK, when set, overrides the pacing an
    // admin chose before the restart; otherwise that choice stays.
    const startMs = persisted?.nowMs ?? Math.floor(Date.now() / 1000) * 1000;
    this.setting = this.config.clock ?? persisted?.setting ?? DEFAULT_CLOCK;
    await this.rebuild(startMs);
    await this.persist();
    this.startPacer();
  }

  onApplicationShutdown(): void {
    if (this.pacer) clearInterval(this.pacer);
  }

  /** Runs a control-plane change: catches the clock up, then runs the command in one transaction. */
  command<T>(fn: Command<T>): Promise<T> {
    return this.queue.run(async () => {
      this.catchUp();
      const emittedBefore = this.emitted;
      try {
        return await this.persist((tx) => fn(tx, this));
      } catch (err) {
        // The command changed the engine but its transaction did not commit: rebuild from the truth.
        if (this.emitted !== emittedBefore) await this.rebuild(this.engine.now);
        throw err;
      }
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
   * One transaction: `work` (if any), then the engine's state transitions since the last commit and
   * the clock. The journal is emptied only once the commit succeeded, so a failed write loses
   * nothing: the next commit writes those transitions again.
   */
  private async persist<T>(work?: (tx: EntityManager) => Promise<T>): Promise<T> {
    let written: StateChange[] = [];
    const result = await this.db.transaction(async (tx) => {
      const r = work ? await work(tx) : (undefined as T);
      written = [...this.journal.values()];
      for (const e of written) {
        await tx.update(InstanceEntity, { id: e.vmId }, { state: e.current, hostId: e.hostId, stateSince: e.time, transitionAt: e.transitionAt });
      }
      await tx.save(SettingEntity, this.clockRow());
      return r;
    });
    for (const e of written) if (this.journal.get(e.vmId) === e) this.journal.delete(e.vmId);
    this.lastPersistWallMs = Date.now();
    return result;
  }

  private clockRow(): SettingEntity {
    return { key: CLOCK_KEY, value: JSON.stringify({ nowMs: this.engine.now, setting: this.setting }) };
  }

  /** Builds the engine, fleet and scheduler from the database (on start, and after a failed commit). */
  private async rebuild(nowMs: number): Promise<void> {
    const engine = new Engine<FleetEvent>(nowMs);
    const fleet = new Fleet(engine);
    const scheduler = new Scheduler(fleet);
    engine.subscribe((e) => {
      this.emitted++;
      if (e.type === 'vm.state-changed') this.journal.set(e.vmId, e);
    });
    const hosts = await this.db.getRepository(HostEntity).find({ order: { id: 'ASC' } });
    for (const h of hosts) {
      const type = findHostType(h.hostType);
      if (!type) throw new Error(`host ${h.id} has unknown host type ${h.hostType}`);
      fleet.addHost(h.id, type, h.availabilityZone);
    }
    const live = await this.db.getRepository(InstanceEntity).find({
      where: { state: In(['pending', 'running', 'stopping', 'stopped', 'shutting-down']) },
      order: { id: 'ASC' },
    });
    for (const i of live) {
      const instanceType = findInstanceType(i.instanceType);
      const image = findImage(i.imageId);
      if (!instanceType || !image) throw new Error(`instance ${i.id} references an unknown type or image`);
      fleet.restore({
        vmId: i.id, tenantId: i.tenantId, instanceType, image,
        cpu: { reservationMillicores: i.cpuReservationMillicores, limitMillicores: i.cpuLimitMillicores, weight: i.cpuWeight },
        state: i.state as never, hostId: i.hostId, stateSince: i.stateSince, transitionAt: i.transitionAt,
      });
    }
    this.journal.clear();
    // Transitions that fell due while the process was down complete now; the next commit writes them.
    engine.runUntil(nowMs);
    this.engine = engine;
    this.fleetRef = fleet;
    this.schedulerRef = scheduler;
    this.logger.log({ hosts: hosts.length, instances: live.length, now: new Date(nowMs).toISOString() }, 'engine rebuilt from the database');
  }
}
