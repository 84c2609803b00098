import { Injectable } from '@nestjs/common';
import { Decimal } from 'decimal.js';
import { MS_PER_HOUR } from '@nimbus/metering';
import type { World } from '@nimbus/simulation';
import { SpotInstanceRequestEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { EngineService } from '../../engine/engine.service';
import { SpotMarket } from './spot-market';

/** EC2's Spot Instance interruption notice: "two minutes before Amazon EC2 stops or terminates your Spot Instance" (EC2 User Guide). */
export const SPOT_NOTICE_MS = 2 * 60_000;
/** The instance's stateReason code once EC2 has interrupted it. */
export const SPOT_TERMINATION_REASON = 'Server.SpotInstanceTermination';

/** The statuses under which a request's instance is still a running Spot Instance the market may interrupt. */
const WATCHED = (r: SpotInstanceRequestEntity) =>
  r.instanceId !== null && ((r.state === 'active' && (r.statusCode === 'fulfilled' || r.statusCode === 'marked-for-termination')) ||
    (r.state === 'cancelled' && r.statusCode === 'request-canceled-and-instance-running'));

/** A request status change decided in the world's event loop, written by the next commit. */
interface PendingStatus {
  readonly requestId: string;
  readonly statusCode: string;
  readonly at: number;
}

/**
 * Price-driven Spot interruptions (docs/model.md, "Spot interruptions"). At the top of every clock
 * hour, in the world's own event loop (so at that simulated instant, however far the clock jumps),
 * each running Spot Instance whose maximum price is below the new hour's Spot price is given EC2's
 * two-minute notice (request status `marked-for-termination`) and, two minutes later, terminated;
 * its request then reads `instance-terminated-by-price` and the instance's stateReason
 * `Server.SpotInstanceTermination`, and its last usage interval is marked `interrupted` (the
 * rater does not charge a first hour EC2 cut short). The watched requests are read from the database whenever the
 * world is built (start, rebuild) and added as Spot launches commit.
 */
@Injectable()
export class SpotInterruptions {
  private watched = new Map<string, SpotInstanceRequestEntity>();
  private pending: PendingStatus[] = [];

  constructor(
    private readonly engine: EngineService,
    private readonly repo: SpotRepository,
    private readonly market: SpotMarket,
  ) {
    engine.onWorldBuilt((world) => this.built(world));
    market.onLaunched((requests) => this.watch(requests));
    engine.beforeCommit(async (tx) => {
      const writing = this.pending;
      if (writing.length === 0) return undefined;
      for (const p of writing) await this.repo.setStatus(tx, [p.requestId], { statusCode: p.statusCode, statusUpdatedAt: p.at });
      return () => {
        this.pending = this.pending.filter((p) => !writing.includes(p));
      };
    });
    // Interrupted instances: their request closes `instance-terminated-by-price`, the instance's reason is EC2's.
    engine.onTerminated(async (tx, ids, _now, _e, reachedAt) => {
      // Marked in memory: the notice may be in this very commit (the clock jumped past both instants).
      const interrupted = new Set(ids.filter((id) => this.watched.get(id)?.statusCode === 'marked-for-termination'));
      for (const id of ids) this.watched.delete(id);
      if (interrupted.size === 0) return;
      const requests = (await this.repo.ofInstances(tx, [...interrupted]));
      const closing = new Set(requests.map((r) => r.id));
      this.pending = this.pending.filter((p) => !closing.has(p.requestId));
      for (const r of requests) {
        await this.repo.setStatus(tx, [r.id], { state: r.state === 'cancelled' ? 'cancelled' : 'closed', statusCode: 'instance-terminated-by-price', statusUpdatedAt: reachedAt(r.instanceId!) });
        await this.repo.setInstanceStateReason(tx, r.instanceId!, SPOT_TERMINATION_REASON);
        await this.repo.markUsageInterrupted(tx, r.instanceId!);
      }
    });
  }

  /** A Spot launch committed: its instances are watched from the next hour. */
  watch(requests: readonly SpotInstanceRequestEntity[]): void {
    for (const r of requests) if (r.instanceId !== null) this.watched.set(r.instanceId, r);
  }

  private async built(world: World): Promise<void> {
    this.pending = [];
    const rows = await this.repo.inStates(this.repo.reader, ['active', 'cancelled']);
    this.watched = new Map(rows.filter(WATCHED).map((r) => [r.instanceId!, r]));
    const now = world.now;
    // A notice given before the restart ends when it would have.
    for (const r of this.watched.values()) if (r.statusCode === 'marked-for-termination') this.terminateAt(world, r, Math.max(now, r.statusUpdatedAt + SPOT_NOTICE_MS));
    this.scheduleHour(world, (Math.floor(now / MS_PER_HOUR) + 1) * MS_PER_HOUR);
  }

  private scheduleHour(world: World, at: number): void {
    world.engine.schedule(at, () => {
      this.check(world, at);
      this.scheduleHour(world, at + MS_PER_HOUR);
    });
  }

  /** The hour `at` begins: each watched instance still running whose maximum is below the new price gets its notice. */
  private check(world: World, at: number): void {
    for (const r of this.watched.values()) {
      if (r.statusCode === 'marked-for-termination') continue;
      const vm = world.fleet.vm(r.instanceId!);
      if (!vm || (vm.state !== 'running' && vm.state !== 'pending')) continue;
      let price: Decimal;
      try {
        price = this.market.price(r.instanceType, r.availabilityZone, at);
      } catch {
        continue; // a type the price book no longer prices has no Spot price to exceed
      }
      if (!price.gt(r.maxPrice)) continue;
      const marked = { ...r, statusCode: 'marked-for-termination', statusUpdatedAt: at };
      this.watched.set(r.instanceId!, marked);
      this.pending.push({ requestId: r.id, statusCode: 'marked-for-termination', at });
      this.terminateAt(world, marked, at + SPOT_NOTICE_MS);
    }
  }

  private terminateAt(world: World, r: SpotInstanceRequestEntity, at: number): void {
    world.engine.schedule(at, () => {
      const vm = world.fleet.vm(r.instanceId!);
      if (vm && vm.state !== 'shutting-down' && vm.state !== 'terminated') world.fleet.terminate(r.instanceId!);
    });
  }
}
