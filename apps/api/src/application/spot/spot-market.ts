import { Injectable } from '@nestjs/common';
import { Decimal } from 'decimal.js';
import { compilePriceBook, PLATFORM_LABEL, Platform, spotPriceAt } from '@nimbus/metering';
import { ApiError } from '../common/api-errors';
import { resourceId } from '../common/ids';
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
  ) {
    // A Spot Instance that terminates closes its one-time request (EC2: `instance-terminated-by-user`,
    // `closed`; a cancelled request stays `cancelled`). An interruption sets its own status first.
    engine.onTerminated(async (tx, ids, _now, _e, reachedAt) => {
      const requests = (await this.repo.ofInstances(tx, ids)).filter((r) => r.state === 'active' || r.state === 'cancelled');
      for (const r of requests)
        await this.repo.setStatus(tx, [r.id], { state: r.state === 'active' ? 'closed' : 'cancelled', statusCode: 'instance-terminated-by-user', statusUpdatedAt: reachedAt(r.instanceId!) });
    });
  }

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
   */
  requestsFor(tenantId: string, instanceIds: readonly string[], instanceType: string, availabilityZone: string, platform: string, spot: NonNullable<RunInstancesCommand['spot']>, now: number): SpotInstanceRequestEntity[] {
    const maxPrice = this.checkMaxPrice(instanceType, availabilityZone, spot, now);
    return instanceIds.map((instanceId) => ({
      id: resourceId('sir'), tenantId, instanceId, instanceType, availabilityZone, productDescription: spotProductDescription(platform), type: 'one-time',
      maxPrice: spot.maxPrice ?? maxPrice.toFixed(), interruptionBehavior: 'terminate', state: 'active', statusCode: 'fulfilled', statusUpdatedAt: now, createdAt: now,
    }));
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

  /** Stores a Spot launch's requests; once it commits, those told of launches (interruptions) are. */
  async insert(tx: Tx, rows: readonly SpotInstanceRequestEntity[], tags: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.repo.insert(tx, rows, tags);
    this.engine.afterCommit(() => {
      for (const l of this.launchListeners) l(rows);
    });
  }

  onLaunched(listener: (requests: readonly SpotInstanceRequestEntity[]) => void): void {
    this.launchListeners.push(listener);
  }

  private readonly launchListeners: ((requests: readonly SpotInstanceRequestEntity[]) => void)[] = [];
}
