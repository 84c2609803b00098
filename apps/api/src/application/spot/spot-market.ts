import { Injectable } from '@nestjs/common';
import { Decimal } from 'decimal.js';
import type { PlacementRequest } from '@nimbus/scheduler';
import type { World } from '@nimbus/simulation';
import { compilePriceBook, PLATFORM_LABEL, Platform, spotPriceAt } from '@nimbus/metering';
import { ApiError } from '../common/api-errors';
import { shortResourceId } from '../common/ids';
import { nextStatus, STOPPED_BY_EC2 } from './spot-request-rules';
import { SpotInstanceRequestEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { BillingService } from '../billing/billing.service';
import type { RunInstancesCommand } from '../instances/instances.commands';

/** A Spot price as EC2 writes one: at least six decimals ("0.003120"), every digit kept. */
export function spotPriceText(d: Decimal): string {
  return d.toFixed(Math.max(6, d.decimalPlaces()));
}

/**
 * What a persistent request launches again (JSON): the launch as asked, one instance, its maximum
 * price fixed; no client token (each relaunch is a launch of its own) and no request tags (the
 * request keeps its own).
 */
export function launchSpecOf(cmd: RunInstancesCommand, maxPrice: string): string {
  const { clientToken: _token, spot, ...rest } = cmd;
  return JSON.stringify({ ...rest, minCount: 1, maxCount: 1, spot: { maxPrice, type: spot?.type ?? 'one-time', interruptionBehavior: spot?.interruptionBehavior ?? 'terminate' } });
}

/** EC2's productDescription of a Spot request, by the image's platform (Spot price history's names). */
export function spotProductDescription(platform: string): string {
  if (platform === 'suse') return 'SUSE Linux';
  return PLATFORM_LABEL[platform as Platform] ?? 'Linux/UNIX';
}

/**
 * The Spot market as the API sees it: the simulated price (libs/metering spot-price.ts) of the
 * Linux On-Demand price in the price book version in effect, and the requests a Spot launch makes.
 */
@Injectable()
export class SpotMarket {
  constructor(
    private readonly billing: BillingService,
    private readonly repo: SpotRepository,
    private readonly engine: EngineService,
  ) {}

  /** The type's Linux On-Demand price per instance-hour at an instant (PriceNotFound for a type the book does not price). */
  onDemandLinuxHourly(instanceType: string, atMs: number): Decimal {
    const book = compilePriceBook(this.billing.priceBook);
    return book.computeHourly(book.versionIndexAt(atMs), instanceType, 'default');
  }

  /** The Spot price of a type in a zone at an instant. */
  price(instanceType: string, availabilityZone: string, atMs: number): Decimal {
    return spotPriceAt(this.onDemandLinuxHourly(instanceType, atMs), instanceType, availabilityZone, atMs);
  }

  /**
   * The requests of a Spot launch placed in `availabilityZone` at `now`, one per instance, `active`
   * and `fulfilled`: SpotMaxPriceTooLow (EC2's words) when the maximum asked is below the Spot price.
   * New ones get EC2's short `sir-` ids (shortResourceId, checked against those stored); `fulfil`:
   * the requests the instances are for (RequestSpotInstances, a persistent request launching again),
   * now fulfilled with them.
   */
  async requestsFor(
    tx: Tx, tenantId: string, instanceIds: readonly string[], instanceType: string, availabilityZone: string, platform: string, cmd: RunInstancesCommand, now: number,
    fulfil?: readonly SpotInstanceRequestEntity[],
  ): Promise<SpotInstanceRequestEntity[]> {
    const spot = cmd.spot!;
    const maxPrice = this.checkMaxPrice(instanceType, availabilityZone, spot, now);
    const productDescription = spotProductDescription(platform);
    if (fulfil)
      return instanceIds.map((instanceId, i) => ({ ...fulfil[i], instanceId, instanceType, availabilityZone, productDescription, ...nextStatus(fulfil[i], 'fulfilled')!, statusUpdatedAt: now }));
    const ids = await this.newIds(tx, instanceIds.length);
    const persistent = spot.type === 'persistent';
    const max = spot.maxPrice ?? maxPrice.toFixed();
    return instanceIds.map((instanceId, i) => ({
      id: ids[i], tenantId, instanceId, instanceType, availabilityZone, productDescription, type: spot.type ?? 'one-time',
      maxPrice: max, interruptionBehavior: spot.interruptionBehavior ?? 'terminate', state: 'active', statusCode: 'fulfilled', statusUpdatedAt: now, createdAt: now,
      launchSpec: persistent ? launchSpecOf(cmd, max) : null, validFrom: null, validUntil: spot.validUntil ?? null, clientToken: null, requestHash: null, interruptionReason: null,
    }));
  }

  /** `n` new request ids, none stored yet nor repeated (shortResourceId). */
  async newIds(tx: Tx, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await shortResourceId('sir', async (id) => ids.includes(id) || (await this.repo.exists(tx, id))));
    return ids;
  }

  /**
   * The maximum price of a Spot launch in a zone at an instant (the On-Demand price when none was
   * asked): SpotMaxPriceTooLow, in EC2's words, when it is below the Spot price. A launch whose zone
   * is known checks it before placing anything (a failed command that changed the world rebuilds it).
   */
  checkMaxPrice(instanceType: string, availabilityZone: string, spot: NonNullable<RunInstancesCommand['spot']>, now: number): Decimal {
    const price = this.price(instanceType, availabilityZone, now);
    const maxPrice = spot.maxPrice !== undefined ? new Decimal(spot.maxPrice) : this.onDemandLinuxHourly(instanceType, now);
    if (maxPrice.lt(price))
      throw new ApiError('SpotMaxPriceTooLow', `Your Spot request price of ${spot.maxPrice} is lower than the minimum required Spot request fulfillment price of ${price.toFixed()}.`);
    return maxPrice;
  }

  /** StopInstances: UnsupportedOperation, in EC2's words, for an instance of a one-time request (EC2 User Guide, "Stop a Spot Instance"). */
  async refuseStop(tx: Tx, instanceIds: readonly string[]): Promise<void> {
    const oneTime = (await this.repo.ofInstances(tx, instanceIds)).filter((r) => r.type !== 'persistent').map((r) => r.instanceId!).sort()[0];
    if (oneTime !== undefined)
      throw new ApiError('UnsupportedOperation', `You can't stop the Spot Instance '${oneTime}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`);
  }

  /**
   * StartInstances of a Spot Instance EC2 stopped (`instance-stopped-by-price`, `…-no-capacity`): refused, "Only
   * Amazon EC2 can restart an interrupted stopped Spot Instance" (EC2 User Guide, "Behavior of Spot
   * Instance interruptions"); the words are Nimbus's.
   */
  async refuseStart(tx: Tx, instanceIds: readonly string[]): Promise<void> {
    const stopped = (await this.repo.ofInstances(tx, instanceIds)).find((r) => r.state === 'disabled' && STOPPED_BY_EC2.has(r.statusCode));
    if (stopped)
      throw new ApiError('UnsupportedOperation', `You can't start the Spot Instance '${stopped.instanceId}': Amazon EC2 stopped it (interruption) and restarts it when its Spot request can be fulfilled.`);
  }

  /** These Spot Instances were stopped or started (by their tenant, or by their request): their requests change as spot-request-rules.ts says. */
  async instancesChanged(tx: Tx, instanceIds: readonly string[], event: 'stopped-by-user' | 'started-by-user' | 'fulfilled', now: number): Promise<void> {
    const changed: SpotInstanceRequestEntity[] = [];
    for (const r of await this.repo.ofInstances(tx, instanceIds)) {
      const next = nextStatus(r, event);
      if (!next || (next.state === r.state && next.statusCode === r.statusCode)) continue;
      await this.repo.setStatus(tx, [r.id], { ...next, statusUpdatedAt: now });
      changed.push({ ...r, ...next, statusUpdatedAt: now });
    }
    if (changed.length > 0) this.changed(changed);
  }

  /** Stores a Spot launch's requests (`fulfilled`: they were stored, now fulfilled); once it commits, those told of changes (interruptions) are. */
  async insert(tx: Tx, rows: readonly SpotInstanceRequestEntity[], tags: Readonly<Record<string, string>> = {}, fulfilled = false): Promise<void> {
    if (fulfilled) for (const r of rows) await this.repo.update(tx, r);
    else await this.repo.insert(tx, rows, tags);
    this.changed(rows);
  }

  /** Inside a command: requests whose state changed; once it commits, those told of changes are. */
  changed(rows: readonly SpotInstanceRequestEntity[]): void {
    this.engine.afterCommit(() => {
      for (const l of this.listeners) l(rows);
    });
  }

  /** Told of each request a committed command launched, fulfilled or changed, as it is stored now. */
  onChanged(listener: (requests: readonly SpotInstanceRequestEntity[]) => void): void {
    this.listeners.push(listener);
  }

  private readonly listeners: ((requests: readonly SpotInstanceRequestEntity[]) => void)[] = [];

  /**
   * An On-Demand launch found no capacity for `req` (InsufficientInstanceCapacity): EC2 may take
   * Spot capacity back (SpotInterruptions; docs/model.md, "Spot interruptions"). The launch fails
   * all the same; what this decides stands even so (EC2 reclaims whether or not the caller retries).
   */
  capacityShort(world: World, req: PlacementRequest): void {
    for (const l of this.capacityListeners) l(world, req);
  }

  onCapacityShort(listener: (world: World, req: PlacementRequest) => void): void {
    this.capacityListeners.push(listener);
  }

  private readonly capacityListeners: ((world: World, req: PlacementRequest) => void)[] = [];
}
