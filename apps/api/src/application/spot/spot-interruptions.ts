import { Injectable, Logger } from '@nestjs/common';
import { Decimal } from 'decimal.js';
import { MS_PER_HOUR } from '@nimbus/metering';
import type { PlacementRequest, SpotVm } from '@nimbus/scheduler';
import type { World } from '@nimbus/simulation';
import { SpotInstanceRequestEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { Tx } from '../../persistence/tx';
import { EngineService, HaltHandler } from '../../engine/engine.service';
import { InstancesService } from '../instances/instances.service';
import type { RunInstancesCommand } from '../instances/instances.commands';
import type { Reservation } from '../instances/instance-description';
import { SpotMarket } from './spot-market';
import { awaitsFulfilment, evaluate, INTERRUPTED_BY_EC2, InterruptionReason, nextStatus, SpotRequestEvent, SpotStatus, STOPPED_BY_EC2 } from './spot-request-rules';

/** EC2's Spot Instance interruption notice: "two minutes before Amazon EC2 stops or terminates your Spot Instance" (EC2 User Guide). */
export const SPOT_NOTICE_MS = 2 * 60_000;
/** The instance's stateReason code once EC2 has interrupted it. */
export const SPOT_TERMINATION_REASON = 'Server.SpotInstanceTermination';
/** A stopped Spot Instance's stateReason code once EC2 has stopped it (`stop` behaviour). */
export const SPOT_SHUTDOWN_REASON = 'Server.SpotInstanceShutdown';

const NOTICES = new Set(['marked-for-termination', 'marked-for-stop']);

/** A request whose instance is a running Spot Instance the market may interrupt. */
const watchable = (r: SpotInstanceRequestEntity) =>
  r.instanceId !== null && (r.statusCode === 'fulfilled' || NOTICES.has(r.statusCode) || r.statusCode === 'request-canceled-and-instance-running') &&
    (r.state === 'active' || r.state === 'cancelled');

/** A request still in play: one the market, its schedule or an evaluation may change. */
const live = (r: SpotInstanceRequestEntity) => r.state === 'open' || r.state === 'active' || r.state === 'disabled' || watchable(r);

/** A request status change decided in the world's event loop, written by the next commit (or the next halt). */
interface PendingStatus extends Written {
  readonly requestId: string;
  readonly at: number;
}

/** A status as stored: with, for a notice, why EC2 gave it. */
interface Written extends SpotStatus {
  readonly interruptionReason?: string | null;
}

/**
 * The Spot market's clock-driven side (docs/model.md, "Spot interruptions" and "Persistent Spot
 * requests"), in the world's own event loop so that each change happens at its simulated instant
 * however far the clock jumps:
 *
 * - At the top of every clock hour each running Spot Instance whose maximum price is below the new
 *   hour's price gets EC2's two-minute notice (`marked-for-termination`, or `marked-for-stop` for a
 *   persistent request with `stop` behaviour); two minutes later it is terminated (or stopped), its
 *   stateReason EC2's, its last usage interval marked `interrupted` (the rater's first-hour rule).
 * - When an On-Demand launch finds no capacity (InstancesService's launch, through
 *   SpotMarket.capacityShort), the Spot Instances the scheduler chooses to make room
 *   (Scheduler.spotToReclaim) get the same notice at that instant, and end the same way, with the
 *   `…-no-capacity` codes; the launch fails all the same. The reason is stored with the notice, so a
 *   notice in flight across a restart ends with its own code.
 * - At the same hours each request waiting to be fulfilled (open, or disabled by price) is evaluated
 *   (spot-request-rules.ts): at or under its maximum the clock halts at that instant and the
 *   request launches its instance through InstancesService's launch, the one RunInstances uses (or
 *   starts its stopped one); otherwise `price-too-low` / `not-scheduled-yet`. A request reopened by
 *   its tenant's termination is evaluated at once, one with a ValidFrom at it.
 * - At ValidUntil a request expires (spot-request-rules.ts).
 *
 * The requests in play are read from the database whenever the world is built (start, rebuild)
 * and kept current as commands commit (SpotMarket.onChanged) and as the world's events decide.
 */
@Injectable()
export class SpotInterruptions {
  private readonly logger = new Logger(SpotInterruptions.name);
  /** The requests in play, by id, as the world's time has them (ahead of the database until the next commit). */
  private requests = new Map<string, SpotInstanceRequestEntity>();
  private pending: PendingStatus[] = [];
  /** Instances EC2 interrupted whose end (termination or stop) is not committed yet, and why. */
  private interrupted = new Map<string, InterruptionReason>();
  /** Requests whose evaluation halted the clock: fulfilled by the halt handler at that instant. */
  private due: string[] = [];
  private world?: World;

  constructor(
    private readonly engine: EngineService,
    private readonly repo: SpotRepository,
    private readonly market: SpotMarket,
    private readonly instances: InstancesService,
  ) {
    engine.onWorldBuilt((world) => this.built(world));
    market.onChanged((rows) => {
      for (const r of rows) this.track(r);
    });
    engine.beforeCommit(async (tx) => {
      const writing = this.pending;
      if (writing.length === 0) return undefined;
      await this.flush(tx, writing);
      return () => {
        this.pending = this.pending.filter((p) => !writing.includes(p));
      };
    });
    engine.onHalt((tx, e, isolated) => this.fulfilDue(tx, e, isolated));
    market.onCapacityShort((world, req) => this.reclaim(world, req));
    // A Spot Instance terminated: its request changes (by price or for capacity if EC2 interrupted it, else by its user).
    engine.onTerminated(async (tx, ids, _now, _e, reachedAt) => {
      for (const id of ids) {
        if (!this.interrupted.has(id)) continue;
        await this.repo.setInstanceStateReason(tx, id, SPOT_TERMINATION_REASON);
        await this.repo.markUsageInterrupted(tx, id);
      }
      // Only requests still naming the instance: one launched again since (in this very commit) has moved on.
      for (const r of await this.repo.ofInstances(tx, ids)) {
        const reason = this.interrupted.get(r.instanceId!);
        // Its notice may be in this very commit, not stored yet: the reason is the one in memory.
        await (reason ? this.apply(tx, { ...r, interruptionReason: reason }, 'interrupted', reachedAt(r.instanceId!)) : this.apply(tx, r, 'terminated-by-user', reachedAt(r.instanceId!)));
      }
      for (const id of ids) this.interrupted.delete(id);
    });
    // A Spot Instance EC2 stopped (`stop` behaviour) reached `stopped`: its request is `disabled`, `instance-stopped-by-price` (or `…-no-capacity`).
    engine.onStopped(async (tx, ids, _now, reachedAt) => {
      const stopped = ids.filter((id) => this.interrupted.has(id));
      for (const id of stopped) {
        await this.repo.setInstanceStateReason(tx, id, SPOT_SHUTDOWN_REASON);
        await this.repo.markUsageInterrupted(tx, id);
        this.interrupted.delete(id);
      }
      for (const r of await this.repo.ofInstances(tx, stopped)) {
        const now = this.requests.get(r.id);
        // Started again since, in this very commit: the start wrote its own status.
        if (now && STOPPED_BY_EC2.has(now.statusCode)) await this.write(tx, r.id, now, reachedAt(r.instanceId!));
      }
    });
  }

  /** A request as a commit stored it: in play or not, its events scheduled. */
  private track(r: SpotInstanceRequestEntity): void {
    if (!live(r)) {
      this.requests.delete(r.id);
      return;
    }
    const known = this.requests.has(r.id);
    this.requests.set(r.id, r);
    if (!this.world) return;
    if (!known) this.scheduleExpiry(this.world, r);
    // A request that waits and may be fulfillable now (reopened by its user, or new with a ValidFrom passed) is evaluated at once.
    // One EC2 interrupted waits for the next hour: at once, it would take back the room just freed.
    if (awaitsFulfilment(r) && !INTERRUPTED_BY_EC2.has(r.statusCode)) this.evaluateAt(this.world, Math.max(this.world.now, r.validFrom ?? 0), r.id);
  }

  private async built(world: World): Promise<void> {
    this.world = world;
    this.pending = [];
    this.due = [];
    this.interrupted = new Map();
    const rows = await this.repo.inStates(this.repo.reader, ['open', 'active', 'disabled', 'cancelled']);
    this.requests = new Map(rows.filter(live).map((r) => [r.id, r]));
    const now = world.now;
    for (const r of this.requests.values()) {
      // A notice given before the restart ends when it would have.
      if (NOTICES.has(r.statusCode)) this.interruptAt(world, r.id, Math.max(now, r.statusUpdatedAt + SPOT_NOTICE_MS));
      this.scheduleExpiry(world, r);
      if (r.state === 'open' && r.validFrom !== null && r.validFrom > now) this.evaluateAt(world, r.validFrom, r.id);
    }
    this.scheduleHour(world, (Math.floor(now / MS_PER_HOUR) + 1) * MS_PER_HOUR);
  }

  private scheduleHour(world: World, at: number): void {
    world.engine.schedule(at, () => {
      this.check(world, at);
      this.scheduleHour(world, at + MS_PER_HOUR);
    });
  }

  private scheduleExpiry(world: World, r: SpotInstanceRequestEntity): void {
    if (r.validUntil === null) return;
    world.engine.schedule(Math.max(world.now, r.validUntil), (at) => {
      const cur = this.requests.get(r.id);
      if (cur) this.change(cur, 'expired', at);
    });
  }

  private evaluateAt(world: World, at: number, requestId: string): void {
    world.engine.schedule(at, () => this.evaluateOne(world, requestId, at));
  }

  private priceAt(r: SpotInstanceRequestEntity, at: number): Decimal | undefined {
    try {
      return this.market.price(r.instanceType, r.availabilityZone, at);
    } catch {
      return undefined; // a type the price book no longer prices has no Spot price
    }
  }

  /** The hour `at` begins: notices for the instances priced out, evaluations for the requests waiting. */
  private check(world: World, at: number): void {
    for (const r of [...this.requests.values()]) {
      if (awaitsFulfilment(r)) {
        this.evaluateOne(world, r.id, at);
        continue;
      }
      if (!watchable(r) || NOTICES.has(r.statusCode)) continue;
      const vm = world.fleet.vm(r.instanceId!);
      if (!vm || (vm.state !== 'running' && vm.state !== 'pending')) continue;
      const price = this.priceAt(r, at);
      if (price?.gt(r.maxPrice)) this.notify(world, r, at, 'price');
    }
  }

  /**
   * EC2's two-minute notice (`marked-for-termination`, or `marked-for-stop` for a persistent request
   * with `stop` behaviour) at `at`, for price or capacity: in memory now, stored by the next commit
   * with its reason; the instance ends at `at` + two minutes.
   */
  private notify(world: World, r: SpotInstanceRequestEntity, at: number, reason: InterruptionReason): void {
    const statusCode = r.type === 'persistent' && r.interruptionBehavior === 'stop' ? 'marked-for-stop' : 'marked-for-termination';
    this.setInMemory(r, { state: r.state, statusCode, interruptionReason: reason }, at);
    this.interruptAt(world, r.id, at + SPOT_NOTICE_MS);
  }

  /**
   * An On-Demand launch found no capacity (docs/model.md, "Spot interruptions"): the running Spot
   * Instances the scheduler chooses to make room (Scheduler.spotToReclaim; those under notice
   * already count as leaving) get the notice now, for capacity. Every tenant's Spot Instances are
   * candidates: EC2 takes its capacity back from whoever holds it.
   */
  private reclaim(world: World, req: PlacementRequest): void {
    const byInstance = new Map<string, SpotInstanceRequestEntity>();
    const spot: SpotVm[] = [];
    for (const r of this.requests.values()) {
      if (!watchable(r)) continue;
      const vm = world.fleet.vm(r.instanceId!);
      if (!vm || (vm.state !== 'running' && vm.state !== 'pending')) continue;
      byInstance.set(r.instanceId!, r);
      spot.push({ vmId: r.instanceId!, maxPrice: r.maxPrice, launchedAt: r.createdAt, leaving: NOTICES.has(r.statusCode) });
    }
    const chosen = world.scheduler.spotToReclaim(req, spot);
    for (const id of chosen?.vmIds ?? []) this.notify(world, byInstance.get(id)!, world.now, 'capacity');
  }

  /** A waiting request at `at`: due (the clock halts), priced out or not yet scheduled, or expired. */
  private evaluateOne(world: World, requestId: string, at: number): void {
    const r = this.requests.get(requestId);
    if (!r || !awaitsFulfilment(r) || this.due.includes(r.id)) return;
    const price = this.priceAt(r, at);
    if (!price) return;
    const verdict = evaluate(r, at, price);
    if (verdict === 'expire') return this.change(r, 'expired', at);
    if (verdict === 'fulfil') {
      this.due.push(r.id);
      world.engine.halt();
      return;
    }
    // An open request says why it waits; one disabled by price keeps `instance-stopped-by-price`.
    if (r.state === 'open' && r.statusCode !== verdict) this.setInMemory(r, { state: 'open', statusCode: verdict }, at);
  }

  private interruptAt(world: World, requestId: string, at: number): void {
    world.engine.schedule(at, () => {
      const r = this.requests.get(requestId);
      if (!r || r.instanceId === null) return;
      const vm = world.fleet.vm(r.instanceId);
      if (!vm || vm.state === 'shutting-down' || vm.state === 'terminated' || vm.state === 'stopping' || vm.state === 'stopped') return;
      const stop = r.type === 'persistent' && r.interruptionBehavior === 'stop';
      this.interrupted.set(r.instanceId, r.interruptionReason === 'capacity' ? 'capacity' : 'price');
      if (stop) world.fleet.stop(r.instanceId);
      else world.fleet.terminate(r.instanceId);
      // In memory now (an evaluation later in this advance must see it waiting); stored when the end commits.
      const next = nextStatus(r, 'interrupted');
      if (next) this.requests.set(r.id, { ...r, ...next, statusUpdatedAt: at });
      this.pending = this.pending.filter((p) => p.requestId !== r.id || NOTICES.has(p.statusCode));
    });
  }

  /** A change decided in the world's loop: in memory now, written by the next commit. */
  private change(r: SpotInstanceRequestEntity, event: SpotRequestEvent, at: number): void {
    const next = nextStatus(r, event);
    if (next) this.setInMemory(r, next, at);
  }

  private setInMemory(r: SpotInstanceRequestEntity, next: Written, at: number): void {
    const updated = { ...r, ...next, statusUpdatedAt: at };
    if (live(updated)) this.requests.set(r.id, updated);
    else this.requests.delete(r.id);
    this.pending.push({ requestId: r.id, ...next, at });
  }

  /** A commit's change to a stored request (its instance's end), written and kept. */
  private async apply(tx: Tx, r: SpotInstanceRequestEntity, event: SpotRequestEvent, at: number): Promise<void> {
    const next: Written | undefined = nextStatus(r, event);
    if (!next) return;
    this.pending = this.pending.filter((p) => p.requestId !== r.id);
    const written = event === 'interrupted' ? { ...next, interruptionReason: r.interruptionReason ?? null } : next;
    await this.write(tx, r.id, written, at);
    this.track({ ...r, ...written, statusUpdatedAt: at });
  }

  private async write(tx: Tx, requestId: string, s: Written, at: number): Promise<void> {
    await this.repo.setStatus(tx, [requestId], {
      state: s.state, statusCode: s.statusCode, statusUpdatedAt: at, ...(s.interruptionReason !== undefined ? { interruptionReason: s.interruptionReason } : {}),
    });
  }

  private async flush(tx: Tx, writing: readonly PendingStatus[]): Promise<void> {
    for (const p of writing) await this.write(tx, p.requestId, p, p.at);
  }

  /**
   * The clock halted for requests due: each is fulfilled at this instant, in a savepoint of its own,
   * by the launch RunInstances makes (a new instance, billed from now at the Spot price) or, one
   * disabled by price, by starting its stopped instance. No capacity: `capacity-not-available`,
   * tried again at the next hour; any other refusal fails the request (`bad-parameters`).
   */
  private fulfilDue: HaltHandler = async (tx, e, isolated) => {
    if (this.due.length === 0) return;
    const due = this.due;
    this.due = [];
    // What the loop decided before this instant is stored first, in order.
    const writing = this.pending;
    this.pending = [];
    await this.flush(tx, writing);
    for (const id of due) {
      const r = this.requests.get(id);
      if (!r || !awaitsFulfilment(r)) continue;
      const tenant = await this.repo.tenant(tx, r.tenantId);
      if (!tenant) continue;
      const now = e.now;
      const result = r.state === 'disabled' && r.instanceId !== null
        ? await isolated((t) => this.instances.startIn(t, e, tenant, [r.instanceId!], true))
        : await isolated((t) => this.instances.launchIn(t, e, tenant, relaunchOf(r), { fulfil: [r] }));
      if (result.ok) {
        // Stored by the launch (or the start); in memory now, for the rest of this advance.
        const instanceId = r.state === 'disabled' ? r.instanceId : ((result.value as Reservation | undefined)?.instances[0]?.row.id ?? null);
        this.requests.set(r.id, { ...r, ...nextStatus(r, 'fulfilled')!, instanceId, statusUpdatedAt: now });
        continue;
      }
      const code = (result.error as { code?: string }).code;
      const failed: SpotStatus = code === 'InsufficientInstanceCapacity' ? { state: r.state, statusCode: r.state === 'open' ? 'capacity-not-available' : r.statusCode } : { state: 'failed', statusCode: 'bad-parameters' };
      if (failed.state === 'failed') this.logger.warn({ request: r.id, err: result.error }, 'a Spot request could not launch again');
      await this.write(tx, r.id, failed, now);
      this.track({ ...r, ...failed, statusUpdatedAt: now });
    }
  };
}

/** The launch a waiting request makes: its stored launch, in its zone, at its maximum price. */
function relaunchOf(r: SpotInstanceRequestEntity): RunInstancesCommand {
  const spec = JSON.parse(r.launchSpec ?? '{}') as RunInstancesCommand;
  return { ...spec, availabilityZone: r.availabilityZone, minCount: 1, maxCount: 1, spot: { ...spec.spot, maxPrice: r.maxPrice } };
}
