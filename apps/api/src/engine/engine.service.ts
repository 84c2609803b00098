import { existsSync } from 'node:fs';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { BucketSummary, DataPlane, Fleet, MetricKind, MS_PER_DAY } from '@nimbus/hypervisor';
import {
  DEFAULT_REBALANCER_CONFIG, DEFAULT_SCHEDULER_CONFIG, Maintenance, mergeRebalancerConfig, Rebalancer, RebalancerConfig, RebalancerConfigPatch, Scheduler, SchedulerConfig,
} from '@nimbus/scheduler';
import { Changes, World } from '@nimbus/simulation';
import { APP_CONFIG, AppConfig, ClockSetting, DEFAULT_CLOCK } from '../config/app-config';
import { PipelineFailed } from '../persistence/pipeline';
import { Boot } from '../persistence/change-writer';
import { Tx } from '../persistence/tx';
import { UsageWriter } from '../persistence/usage-writer';
import { WorldStore } from '../persistence/world-store';
import { clockView } from './clock-state';

export type { StoredWorkload } from '../persistence/stored-runtime';

const CLOCK_KEY = 'clock';
export const SCHEDULER_KEY = 'scheduler';
export const REBALANCER_KEY = 'rebalancer';
/** The rebalancer's episodes, evacuations and queued or in-flight migrations (written when they change). */
const REBALANCER_STATE_KEY = 'rebalancer-state';
const PACER_INTERVAL_MS = 100;
/** In realtime mode the clock is persisted at least this often (wall ms), events or not. */
const CLOCK_PERSIST_EVERY_MS = 5_000;
/**
 * After a pipelined group could not commit as sent (commitGroup), groups run awaited for this long
 * (wall ms): a run of failing commands, or of mispredictions, costs at most one restore of the
 * world per period, not one per group.
 */
export const PIPELINE_BACKOFF_MS = 1_000;
/** One advance may cover at most this much simulated time. */
export const MAX_ADVANCE_MS = 400 * MS_PER_DAY;

/** A unit of control-plane work: it may change the world, and writes through the transaction. */
export type Command<T> = (tx: Tx, engine: EngineService) => Promise<T>;
/** Called in the commit that records instances reaching `terminated` (their volumes detach or go). */
/** `reachedAt`: the instant each instance reached the state (the commit's `now` may be later). */
export type TerminationHandler = (tx: Tx, instanceIds: string[], now: number, engine: EngineService, reachedAt: (instanceId: string) => number) => Promise<void>;
/** Called in the commit that records instances reaching `stopped` (their public addresses are released). */
export type StopHandler = (tx: Tx, instanceIds: string[], now: number, reachedAt: (instanceId: string) => number) => Promise<void>;
/** Instances' guest boots that ended (each instance's, in order), in the commit that records them. */
export type BootsEndedHandler = (tx: Tx, boots: ReadonlyMap<string, readonly Boot[]>) => Promise<void>;
/**
 * Work a world event asked for by halting the clock (World's engine `halt()`): run in the group's
 * transaction at that simulated instant, before the clock runs on. `isolated` runs a part of it in
 * a savepoint of its own, as a command is: what it wrote rolls back if it throws, and a world it
 * changed is rebuilt after the commit.
 */
export type HaltHandler = (tx: Tx, engine: EngineService, isolated: <T>(fn: (tx: Tx) => Promise<T>) => Promise<{ ok: true; value: T } | { ok: false; error: unknown }>) => Promise<void>;
/** Writes in-memory state in a commit's transaction; what it returns runs once that commit succeeded. */
export type CommitWriter = (tx: Tx) => Promise<(() => void) | undefined>;

interface Queued {
  readonly run: (tx: Tx) => Promise<unknown>;
  readonly resolve: (v: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * Hosts the live world (docs/model.md §1, live mode; docs/architecture.md). The database is the
 * source of truth: on start the world is restored from it (libs/simulation's one construction).
 *
 * The write path commits in groups: commands that arrive while a commit is in flight wait, then
 * are applied to the world in arrival order and committed together, in one transaction with the
 * world's change set and the clock. Each command runs in a savepoint and with a change set of its
 * own, so one that fails leaves nothing of itself behind (its rows roll back to the savepoint, its
 * changes are dropped; had it already changed the world, the world is rebuilt from the database
 * after the group commits). Each caller is answered only after its group's commit. A failed commit
 * fails the group, puts the change set back for the next commit, and rebuilds the world if the
 * group changed it.
 *
 * Reads do not enter the queue: they see the database's committed state (a connection of their
 * own on SQLite) and the world as it stands.
 */
@Injectable()
export class EngineService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(EngineService.name);
  private worldRef!: World;
  private queue: Queued[] = [];
  private committing = false;
  /** The changes of the commit in flight: not in the database yet, no longer in the world's change set. */
  private inFlight: Changes | undefined;
  private rebalancerConfig: RebalancerConfig = DEFAULT_REBALANCER_CONFIG;
  /** The rebalancer's state version last committed. */
  private rebalancerWritten = -1;
  private setting!: ClockSetting;
  private schedulerConfig: SchedulerConfig = DEFAULT_SCHEDULER_CONFIG;
  private anchor = { simMs: 0, wallMs: 0 };
  private lastPersistWallMs = 0;
  private pacer?: NodeJS.Timeout;
  private tickQueued = false;
  /** The world holds changes the database refused and could not be rebuilt yet (see rebuild). */
  private stale = false;
  /** The simulated time of the last rebuild: a bucket open then may already have a row (merge it). */
  private rebuiltAt = 0;
  private readonly terminationHandlers: TerminationHandler[] = [];
  private readonly stopHandlers: StopHandler[] = [];
  private readonly bootsEndedHandlers: BootsEndedHandler[] = [];
  private readonly worldBuiltHandlers: ((world: World) => Promise<void>)[] = [];
  private readonly haltHandlers: HaltHandler[] = [];
  /** A halt's isolated work failed after it had changed the world: rebuilt once the group commits. */
  private haltChangedAndFailed = false;
  /** The running command's after-commit callbacks (see afterCommit); undefined outside a command. */
  private afterCommitHooks: (() => void)[] | undefined;
  /** The running command's undo callbacks (see onAbort); undefined outside a command. */
  private abortHooks: (() => void)[] | undefined;
  /** Writers of state kept in memory between commits, run once in every commit (see beforeCommit). */
  private readonly commitWriters: CommitWriter[] = [];
  /** Usage records and SLA intervals from the change set, written in its transaction (the rules: libs/simulation's UsageMeter). */
  readonly usage = new UsageWriter(() => this.worldRef.usage, () => this.worldRef.catalog);
  /** Commits and commands per commit, for the operator (and bench:api). */
  readonly stats = { commits: 0, commands: 0, maxGroup: 0, failedCommits: 0, pipelineRetries: 0 };
  /** Told of each group's commit, committed or not: its commands and how long it took (metrics). */
  onCommit?: (commands: number, seconds: number, committed: boolean) => void;

  constructor(
    private readonly store: WorldStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Commands waiting for the next group. */
  get queued(): number {
    return this.queue.length;
  }

  get world(): World {
    return this.worldRef;
  }

  get fleet(): Fleet {
    return this.worldRef.fleet;
  }

  get scheduler(): Scheduler {
    return this.worldRef.scheduler;
  }

  /** The hosts' VMMs: workloads, volumes, allocations, metrics, faults. */
  get dataPlane(): DataPlane {
    return this.worldRef.dataPlane;
  }

  get maintenance(): Maintenance {
    return this.worldRef.maintenance;
  }

  /** Hot-spot relief, consolidation, power, and the migration executor every live migration goes through. */
  get rebalancer(): Rebalancer {
    return this.worldRef.rebalancer;
  }

  get now(): number {
    return this.worldRef.now;
  }

  onTerminated(handler: TerminationHandler): void {
    this.terminationHandlers.push(handler);
  }

  /** Instances reaching `stopped`, however they got there (a stop, or one completed after a restart), in the commit that records it. */
  onStopped(handler: StopHandler): void {
    this.stopHandlers.push(handler);
  }

  /** Guest boots that ended (an instance left `running` or was rebooted), however, in the commit that records it. */
  onBootsEnded(handler: BootsEndedHandler): void {
    this.bootsEndedHandlers.push(handler);
  }

  /**
   * Called with each world built from the database (at start, and after a rebuild): what schedules
   * actions in the world's own event loop from stored state (Spot interruptions) registers them again.
   */
  onWorldBuilt(handler: (world: World) => Promise<void>): void {
    this.worldBuiltHandlers.push(handler);
  }

  /** Work a world event halts the clock for (see HaltHandler): run at that instant, in the group's transaction. */
  onHalt(handler: HaltHandler): void {
    this.haltHandlers.push(handler);
  }

  /**
   * Runs the world to `target` inside a group's transaction: wherever an event halts the clock
   * (a persistent Spot request due for a launch), the halt handlers run at that instant, then
   * the world runs on.
   */
  private async runTo(tx: Tx, target: number): Promise<void> {
    const world = this.worldRef;
    for (;;) {
      world.runUntil(target);
      if (world.now >= target) {
        // A halt at the target instant itself (the last event due) still gets its work.
        await this.runHalts(tx);
        return;
      }
      await this.runHalts(tx);
    }
  }

  private async runHalts(tx: Tx): Promise<void> {
    const world = this.worldRef;
    // Outside a command (the clock's catch-up) the work's after-commit callbacks are the group's own.
    const outside = this.afterCommitHooks === undefined;
    if (outside) this.afterCommitHooks = this.haltHooks;
    const isolated = async <T>(fn: (tx: Tx) => Promise<T>) => {
      const hooks = this.afterCommitHooks!;
      const before = hooks.length;
      const aborts: (() => void)[] = [];
      const outerAborts = this.abortHooks;
      this.abortHooks = aborts;
      const r = await world.isolateAsync(() => this.store.savepoint(tx, fn)).finally(() => (this.abortHooks = outerAborts));
      if (r.ok) {
        outerAborts?.push(...aborts);
        return r;
      }
      // What failed leaves nothing behind: its callbacks dropped, its undo run, a world it changed rebuilt after the commit.
      hooks.splice(before);
      this.runAborts(aborts);
      if (r.changedWorld) this.haltChangedAndFailed = true;
      return { ok: false as const, error: r.error };
    };
    try {
      for (const h of this.haltHandlers) await h(tx, this, isolated);
    } finally {
      if (outside) this.afterCommitHooks = undefined;
    }
  }

  /** After-commit callbacks of work done at halts outside any command (see runHalts): run once the group commits. */
  private haltHooks: (() => void)[] = [];

  async onModuleInit(): Promise<void> {
    const persisted = await this.store.setting<{ nowMs: number; setting: ClockSetting }>(CLOCK_KEY);
    // A fresh simulation starts at the wall-clock second it was created; after that the clock is the
    // simulation's own and resumes where it stopped. NIMBUS_CLOCK, when set, overrides the pacing an
    // admin chose before the restart; otherwise that choice stays.
    const startMs = persisted?.nowMs ?? Math.floor(Date.now() / 1000) * 1000;
    this.setting = this.config.clock ?? persisted?.setting ?? DEFAULT_CLOCK;
    const sched = await this.store.setting<Partial<SchedulerConfig>>(SCHEDULER_KEY);
    if (sched) this.schedulerConfig = { ...DEFAULT_SCHEDULER_CONFIG, ...sched };
    const rebal = await this.store.setting<RebalancerConfigPatch>(REBALANCER_KEY);
    if (rebal) this.rebalancerConfig = mergeRebalancerConfig(DEFAULT_REBALANCER_CONFIG, rebal);
    await this.rebuild(startMs);
    await this.persist();
    this.startPacer();
  }

  /** A clean shutdown finishes the queue and writes the open metric buckets, so a restart loses none of them. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.pacer) clearInterval(this.pacer);
    if (!this.worldRef) return;
    await this.enqueue(async () => {
      this.worldRef.peekChanges().buckets.push(...this.dataPlane.openBuckets());
    }).catch((err) => this.logger.error({ err }, 'final persist failed'));
  }

  onApplicationShutdown(): void {
    if (this.pacer) clearInterval(this.pacer);
  }

  /** Runs a control-plane change in the next group commit; answers once that group has committed. */
  command<T>(fn: Command<T>): Promise<T> {
    return this.enqueue((tx) => fn(tx, this));
  }

  /**
   * Inside a command: runs `fn` once the command's group has committed, if the command succeeded
   * (before its caller is answered). For in-memory caches of committed state: what a command read
   * or wrote becomes the truth only then, and not at all if it or its group fails.
   */
  afterCommit(fn: () => void): void {
    if (!this.afterCommitHooks) throw new Error('afterCommit is only for a running command');
    this.afterCommitHooks.push(fn);
  }

  /**
   * Inside a command: runs `fn` if the command fails or its group's commit does, to undo what the
   * command changed in memory outside the world (the world is rebuilt). Run newest first, so that
   * the commands of a failed group are undone in reverse order.
   */
  onAbort(fn: () => void): void {
    if (!this.abortHooks) throw new Error('onAbort is only for a running command');
    this.abortHooks.push(fn);
  }

  /**
   * Writes state that a service keeps in memory and the database must hold (a cursor, say) once
   * per commit, in its transaction, rather than once per command: `write` runs in every commit,
   * after the group's commands, and writes what changed since the last commit. What it returns, if
   * anything, runs once the commit has succeeded (what it wrote is stored then, not before).
   */
  beforeCommit(write: CommitWriter): void {
    this.commitWriters.push(write);
  }

  /** Reads the world as it stands, without waiting for writes. */
  async read<T>(fn: (engine: EngineService) => T | Promise<T>): Promise<T> {
    return fn(this);
  }

  /** Advances simulated time by `ms`, running every event up to it before answering. */
  advance(ms: number) {
    return this.enqueue(async (tx) => {
      await this.runTo(tx, this.worldRef.now + ms);
      this.anchor = { simMs: this.worldRef.now, wallMs: Date.now() };
      return this.clock();
    });
  }

  setClock(setting: ClockSetting) {
    return this.enqueue(async () => {
      this.setting = setting;
      this.anchor = { simMs: this.worldRef.now, wallMs: Date.now() };
      return this.clock();
    });
  }

  clock() {
    return clockView(this.worldRef.now, this.setting);
  }

  /**
   * Metric buckets of one series closed but not yet committed (by the engine, or by a read's peek
   * at the open bucket): not in the database yet, but a read must see them.
   */
  pendingBuckets(kind: MetricKind, id: string): BucketSummary[] {
    return this.unwrittenBuckets().filter((b) => b.kind === kind && b.id === id).map((b) => b.bucket);
  }

  /** `pendingBuckets` of every series of a kind at once, by series id (oldest first, as there). */
  pendingBucketsByKind(kind: MetricKind): Map<string, BucketSummary[]> {
    const out = new Map<string, BucketSummary[]>();
    for (const b of this.unwrittenBuckets()) {
      if (b.kind !== kind) continue;
      const list = out.get(b.id);
      if (list) list.push(b.bucket);
      else out.set(b.id, [b.bucket]);
    }
    return out;
  }

  /** The group being committed's buckets, then those of the next group. */
  private unwrittenBuckets() {
    return [...(this.inFlight?.changes.buckets ?? []), ...this.worldRef.peekChanges().buckets];
  }

  /** Changes the scheduler's policy settings (ratios, weigher), persisted in the same transaction. */
  setSchedulerConfig(partial: Partial<SchedulerConfig>) {
    return this.command(async (tx, e) => {
      e.scheduler.setConfig(partial);
      this.schedulerConfig = e.scheduler.config;
      await this.store.saveSetting(tx, SCHEDULER_KEY, this.schedulerConfig);
      // Memory reclamation depends on the RAM ratio: every host re-reads it.
      for (const h of e.fleet.hosts()) e.dataPlane.refreshHost(h.id);
      return this.schedulerConfig;
    });
  }

  /** Changes the rebalancing policies' settings, persisted in the same transaction. */
  setRebalancerConfig(patch: RebalancerConfigPatch) {
    return this.command(async (tx, e) => {
      const next = e.rebalancer.setConfig(patch);
      await this.store.saveSetting(tx, REBALANCER_KEY, next);
      this.rebalancerConfig = next;
      return next;
    });
  }

  private enqueue<T>(run: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      this.kick();
    });
  }

  /**
   * Starts the next group once this turn of the event loop has read what the sockets hold (a
   * `setImmediate` runs after the poll phase): requests that arrived together commit together,
   * also on a synchronous driver (better-sqlite3), whose commit never leaves the loop for others
   * to queue behind it.
   */
  private kick(): void {
    if (this.committing || this.queue.length === 0) return;
    this.committing = true;
    setImmediate(() => {
      void this.commitGroup().finally(() => {
        this.committing = false;
        this.kick();
      });
    });
  }

  /**
   * One group: catch the clock up, apply every queued command in order, commit once, answer each.
   *
   * On PostgreSQL the group is first sent pipelined (persistence/pipeline.ts): its commands' writes
   * go without waiting for their answers, which are checked before the COMMIT, and no command runs
   * in a savepoint. If a statement failed, a prediction did not hold, or a command failed after it
   * had written, nothing of the group is stored: the world is rebuilt if the group changed it, the
   * commands' in-memory changes are undone, and the group runs again with every statement awaited
   * and each command in a savepoint, where each command's failure is its own, as it always was.
   * Groups then run awaited for PIPELINE_BACKOFF_MS.
   */
  private async commitGroup(): Promise<void> {
    const group = this.queue;
    this.queue = [];
    await this.runGroup(group, this.store.pipelines && Date.now() >= this.pipelineResumesAt);
  }

  /** Wall time before which groups run awaited, not pipelined (PIPELINE_BACKOFF_MS). */
  private pipelineResumesAt = 0;

  private async runGroup(group: Queued[], pipelined: boolean): Promise<void> {
    if (this.stale) {
      try {
        await this.rebuild(this.worldRef.now);
      } catch (err) {
        for (const q of group) q.reject(err);
        return;
      }
    }
    const outcomes: ({ ok: true; value: unknown; hooks: (() => void)[]; aborts: (() => void)[] } | { ok: false; error: unknown })[] = [];
    let changedAndFailed = false;
    const world = this.worldRef;
    const emittedBefore = world.eventsEmitted;
    const mutationsBefore = world.scheduler.mutations;
    const catalogBefore = world.catalog.version;
    /** The simulated time the group started from: what the database's clock says, unless a rebuild is pending. */
    const nowBefore = world.now;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    this.haltChangedAndFailed = false;
    this.haltHooks = [];
    try {
      await this.persist(async (tx) => {
        await this.catchUp(tx);
        for (const q of group) {
          // Each command in a savepoint, with a change set of its own: a failure leaves nothing behind.
          const hooks: (() => void)[] = [];
          const aborts: (() => void)[] = [];
          this.afterCommitHooks = hooks;
          this.abortHooks = aborts;
          const r = await world.isolateAsync(() => this.store.savepoint(tx, q.run)).finally(() => {
            this.afterCommitHooks = undefined;
            this.abortHooks = undefined;
          });
          if (r.ok) outcomes.push({ ok: true, value: r.value, hooks, aborts });
          else {
            this.runAborts(aborts);
            outcomes.push({ ok: false, error: r.error });
            if (r.changedWorld) changedAndFailed = true;
          }
        }
      }, pipelined);
    } catch (err) {
      // The commit failed: nothing of the group is stored. A world it changed is rebuilt from the truth.
      const changedWorld = world.eventsEmitted !== emittedBefore || world.scheduler.mutations !== mutationsBefore || world.catalog.version !== catalogBefore;
      const again = pipelined && err instanceof PipelineFailed;
      // A group that runs again is restored to the time it started from, so that its clock catch-up
      // and its commands (an advance of the clock among them) apply once, not twice.
      if (changedWorld) await this.rebuild(again ? nowBefore : world.now).catch((e) => this.logger.error({ err: e }, 'rebuild after a failed commit failed'));
      for (let i = outcomes.length - 1; i >= 0; i--) {
        const o = outcomes[i];
        if (o.ok) this.runAborts(o.aborts);
      }
      if (again) {
        // Pipelined, a statement failed, a prediction did not hold, or a command failed after it had
        // written: the same commands again, each statement awaited, each command in its savepoint.
        this.stats.pipelineRetries++;
        this.pipelineResumesAt = Date.now() + PIPELINE_BACKOFF_MS;
        this.logger.debug({ err: (err as PipelineFailed).reason, commands: group.length }, 'a pipelined group could not commit as sent; running it again, awaited');
        return this.runGroup(group, false);
      }
      this.stats.failedCommits++;
      this.onCommit?.(group.length, seconds(), false);
      for (const q of group) q.reject(err);
      return;
    }
    this.onCommit?.(group.length, seconds(), true);
    this.stats.commits++;
    this.stats.commands += group.length;
    this.stats.maxGroup = Math.max(this.stats.maxGroup, group.length);
    if (changedAndFailed || this.haltChangedAndFailed) await this.rebuild(world.now).catch((e) => this.logger.error({ err: e }, 'rebuild after a failed command failed'));
    for (const o of [{ ok: true as const, hooks: this.haltHooks }, ...outcomes]) {
      if (!o.ok) continue;
      for (const hook of o.hooks) {
        try {
          hook();
        } catch (err) {
          this.logger.error({ err }, 'an after-commit callback failed');
        }
      }
    }
    if (this.config.testHoldAnswersFile !== undefined) await this.holdAnswersForTest(this.config.testHoldAnswersFile, group.length);
    group.forEach((q, i) => {
      const o = outcomes[i];
      if (o.ok) q.resolve(o.value);
      else q.reject(o.error);
    });
  }

  /**
   * TEST ONLY (NIMBUS_TEST_HOLD_ANSWERS_FILE, see AppConfig.testHoldAnswersFile): with the file
   * present, the group that has just committed is never answered and the queue never moves again;
   * one line on stderr tells the crash test it may now kill the process.
   */
  private async holdAnswersForTest(file: string, commands: number): Promise<void> {
    if (!existsSync(file)) return;
    process.stderr.write(`nimbus test hook: committed ${commands} command(s), answers withheld\n`);
    await new Promise<never>(() => undefined);
  }

  private startPacer(): void {
    this.anchor = { simMs: this.worldRef.now, wallMs: Date.now() };
    this.pacer = setInterval(() => {
      if (this.setting.mode === 'manual' || this.tickQueued) return;
      // A tick joins the next group; with nothing else to do and nothing changed it writes only the clock, now and then.
      if (this.committing || this.queue.length > 0 || this.catchUpTarget() > this.worldRef.now || Date.now() - this.lastPersistWallMs >= CLOCK_PERSIST_EVERY_MS) {
        this.tickQueued = true;
        this.enqueue(async () => undefined)
          .catch((err) => this.logger.error({ err }, 'clock tick failed'))
          .finally(() => (this.tickQueued = false));
      }
    }, PACER_INTERVAL_MS);
    this.pacer.unref();
  }

  /** How far the world is behind the wall-paced clock, in wall seconds (0 in manual mode): a tick that cannot keep up shows here. */
  get pacingLagSeconds(): number {
    if (this.setting.mode === 'manual') return 0;
    return Math.max(0, this.catchUpTarget() - this.worldRef.now) / this.setting.rate / 1000;
  }

  private catchUpTarget(): number {
    if (this.setting.mode === 'manual') return this.worldRef.now;
    return this.anchor.simMs + Math.floor((Date.now() - this.anchor.wallMs) * this.setting.rate);
  }

  /** Brings the world to the wall-paced simulated time (no-op in manual mode). */
  private async catchUp(tx: Tx): Promise<void> {
    const target = this.catchUpTarget();
    if (target > this.worldRef.now) await this.runTo(tx, target);
  }

  private runAborts(aborts: readonly (() => void)[]): void {
    for (let i = aborts.length - 1; i >= 0; i--) {
      try {
        aborts[i]();
      } catch (err) {
        this.logger.error({ err }, 'an abort callback failed');
      }
    }
  }

  /**
   * One transaction: `work` (if any), then the world's changes since the last commit and the clock.
   * The changes are given back to the world if the commit fails, so a failed write loses nothing.
   * `pipelined`: see commitGroup.
   */
  private async persist<T>(work?: (tx: Tx) => Promise<T>, pipelined = false): Promise<T> {
    const world = this.worldRef;
    let taken: Changes | undefined;
    let rebalancerWriting = this.rebalancerWritten;
    const confirmations: (() => void)[] = [];
    try {
      const result = await this.store.transaction(async (tx) => {
        const r = work ? await work(tx) : (undefined as T);
        taken = world.takeChanges();
        this.inFlight = taken;
        const { terminated, stopped, reachedAt, boots } = await this.store.writeChanges(tx, world, taken, this.usage, this.rebuiltAt);
        const reached = (id: string) => reachedAt.get(id) ?? world.now;
        if (terminated.length > 0) for (const h of this.terminationHandlers) await h(tx, terminated, world.now, this, reached);
        if (stopped.length > 0) for (const h of this.stopHandlers) await h(tx, stopped, world.now, reached);
        if (boots.size > 0) for (const h of this.bootsEndedHandlers) await h(tx, boots);
        for (const write of this.commitWriters) {
          const written = await write(tx);
          if (written) confirmations.push(written);
        }
        const version = world.rebalancer.version;
        if (version !== this.rebalancerWritten) {
          await this.store.saveSetting(tx, REBALANCER_STATE_KEY, world.rebalancer.snapshot());
          rebalancerWriting = version;
        }
        await this.store.saveSetting(tx, CLOCK_KEY, { nowMs: world.now, setting: this.setting });
        return r;
      }, { pipelined });
      this.rebalancerWritten = rebalancerWriting;
      for (const confirm of confirmations) confirm();
      this.usage.commit();
      this.lastPersistWallMs = Date.now();
      return result;
    } catch (err) {
      if (taken) world.requeue(taken);
      else world.usage.discard();
      throw err;
    } finally {
      this.inFlight = undefined;
    }
  }

  /**
   * Restores the world from the database (on start, and after a failed commit or command that had
   * changed it). If the database cannot be read, the world as it stands
   * (with changes that did not commit) is kept but marked stale, and the next group rebuilds it
   * before it applies anything, or fails as a whole: nothing is applied to a world that has
   * drifted from the database.
   */
  private async rebuild(nowMs: number): Promise<void> {
    let state;
    try {
      state = await this.store.load(nowMs, this.schedulerConfig, this.rebalancerConfig, REBALANCER_STATE_KEY);
    } catch (err) {
      this.stale = true;
      throw err;
    }
    this.worldRef?.dispose();
    this.worldRef = World.restore(state);
    this.stale = false;
    this.rebalancerWritten = -1;
    this.rebuiltAt = nowMs;
    for (const h of this.worldBuiltHandlers) await h(this.worldRef);
    this.logger.log(
      { hosts: state.hosts.length, instances: state.vms?.length ?? 0, volumes: state.volumes?.length ?? 0, now: new Date(nowMs).toISOString() },
      'world restored from the database',
    );
  }
}
