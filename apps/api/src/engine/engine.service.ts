import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  Engine, Fleet, FleetEvent, findHostType, findImage, findInstanceType, MS_PER_DAY,
} from '@nimbus/hypervisor';
import { Scheduler } from '@nimbus/scheduler';
import { DataSource, EntityManager, In } from 'typeorm';
import { APP_CONFIG, AppConfig, ClockSetting } from '../config/app-config';
import { HostEntity, InstanceEntity, SettingEntity } from '../database/entities';
import { SerialQueue } from '../common/serial-queue';
import { clockView } from './clock-state';

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
  private journal = new Map<string, Extract<FleetEvent, { type: 'vm.state-changed' }>>();
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
    // simulation's own and resumes where it stopped. The configured pacing wins over the stored one.
    const startMs = persisted?.nowMs ?? Math.floor(Date.now() / 1000) * 1000;
    this.setting = this.config.clock;
    await this.rebuild(startMs);
    await this.db.transaction((tx) => this.flush(tx));
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
        return await this.db.transaction(async (tx) => {
          const result = await fn(tx, this);
          await this.flush(tx);
          return result;
        });
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
      await this.db.transaction((tx) => this.flush(tx));
      return this.clock();
    });
  }

  setClock(setting: ClockSetting) {
    return this.queue.run(async () => {
      this.catchUp();
      this.setting = setting;
      this.anchor = { simMs: this.engine.now, wallMs: Date.now() };
      await this.db.transaction((tx) => this.flush(tx));
      return this.clock();
    });
  }

  clock() {
    return clockView(this.engine.now, this.setting);
  }

  /** Runs a read against a consistent engine state (after queued changes). */
  read<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.queue.run(async () => fn());
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
            await this.db.transaction((tx) => this.flush(tx));
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

  /** Writes the engine's state transitions since the last flush, and the clock, in `tx`. */
  private async flush(tx: EntityManager): Promise<void> {
    const changes = [...this.journal.values()];
    this.journal.clear();
    for (const e of changes) {
      await tx.update(InstanceEntity, { id: e.vmId }, { state: e.current, hostId: e.hostId, stateSince: e.time, transitionAt: e.transitionAt });
    }
    await tx.save(SettingEntity, this.clockRow());
    this.lastPersistWallMs = Date.now();
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
    // Transitions that fell due while the process was down complete now; the next flush writes them.
    engine.runUntil(nowMs);
    this.engine = engine;
    this.fleetRef = fleet;
    this.schedulerRef = scheduler;
    this.logger.log({ hosts: hosts.length, instances: live.length, now: new Date(nowMs).toISOString() }, 'engine rebuilt from the database');
  }
}
