import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { Money, PriceNotFound, RI_OFFERING_TYPES, RI_TERM_SECONDS, RiOfferingType, RiTermYears, reservedPrice } from '@nimbus/metering';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { EngineService } from '../../engine/engine.service';
import { ReservedInstanceEntity, TenantEntity } from '../../persistence/entities';
import { ReservedInstancesRepository } from '../../persistence/reserved-instances.repository';
import { SpotMarket } from '../spot/spot-market';
import { riEndMs, RiState, riStateAt } from './ri-state';

/** The product descriptions offered: Linux/UNIX (the platform the derived prices and the coverage rule are for). */
export const RI_PRODUCTS = ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'] as const;
export { RI_PAYMENT_PENDING_MS, riEndMs } from './ri-state';

/** One Standard Reserved Instance offering (EC2's ReservedInstancesOffering). */
export interface RiOffering {
  readonly id: string;
  readonly instanceType: string;
  readonly scope: 'Region' | 'Availability Zone';
  readonly availabilityZone?: string;
  readonly productDescription: string;
  readonly offeringType: RiOfferingType;
  readonly durationSeconds: number;
  readonly fixedPrice: string;
  readonly hourlyPrice: string;
}

export interface RiView {
  readonly ri: ReservedInstanceEntity;
  readonly state: RiState;
  readonly tags: Readonly<Record<string, string>>;
}

export interface OfferingQuery {
  readonly ids: readonly string[];
  readonly instanceTypes: readonly string[];
  readonly productDescription?: string;
  readonly availabilityZone?: string;
  readonly offeringType?: string;
  readonly minDuration?: number;
  readonly maxDuration?: number;
  readonly match?: (o: RiOffering) => boolean;
}

/** EC2's UUID form from a stable key: the same offering has the same id in every process and release. */
function uuidOf(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isReservedInstancesId = (id: string): boolean => UUID.test(id);
export const riNotFound = (id: string) => new ApiError('InvalidReservedInstancesId', `Reserved instance(s) ${id.slice(0, 64)} not found`);

/**
 * Standard Reserved Instances (docs/ec2.md, "Reserved Instances"): offerings derived from each catalog
 * type's Linux On-Demand price (libs/metering pricing/reserved-pricing.ts), purchases per tenant with
 * their prices fixed at purchase, and states from the engine's clock. Billing is libs/metering's.
 */
@Injectable()
export class ReservedInstancesService {
  constructor(
    private readonly engine: EngineService,
    private readonly market: SpotMarket,
    readonly repo: ReservedInstancesRepository,
  ) {}

  /** Every offering now, in a fixed order (type, scope, zone, duration, payment option). */
  offerings(q: OfferingQuery): RiOffering[] {
    if (q.productDescription !== undefined && !(RI_PRODUCTS as readonly string[]).includes(q.productDescription)) {
      throw new ApiError('UnsupportedOperation', `Nimbus offers Reserved Instances for ${RI_PRODUCTS.join(', ')} only, not '${q.productDescription.slice(0, 60)}'.`);
    }
    if (q.availabilityZone !== undefined && !AVAILABILITY_ZONES.includes(q.availabilityZone)) throw invalidParameter(`Invalid availability zone: [${q.availabilityZone.slice(0, 40)}]`);
    if (q.offeringType !== undefined && !(RI_OFFERING_TYPES as readonly string[]).includes(q.offeringType)) {
      throw invalidParameter(`Value (${q.offeringType.slice(0, 40)}) for parameter offeringType is invalid. Valid values: ${RI_OFFERING_TYPES.join(', ')}`);
    }
    const catalog = this.engine.world.catalog;
    for (const t of q.instanceTypes) if (!catalog.instanceType(t)) throw invalidParameter(`Value (${t.slice(0, 40)}) for parameter instanceType is invalid.`);
    const types = q.instanceTypes.length > 0 ? [...new Set(q.instanceTypes)].sort() : catalog.instanceTypes().map((t) => t.name).sort();
    const product = q.productDescription ?? RI_PRODUCTS[0];
    const places: (string | undefined)[] = q.availabilityZone !== undefined ? [q.availabilityZone] : [undefined, ...AVAILABILITY_ZONES];
    const out: RiOffering[] = [];
    for (const instanceType of types) {
      let onDemand;
      try {
        onDemand = this.market.onDemandLinuxHourly(instanceType, this.engine.now);
      } catch (err) {
        if (err instanceof PriceNotFound) continue;
        throw err;
      }
      for (const zone of places) {
        for (const years of [1, 3] as RiTermYears[]) {
          const durationSeconds = RI_TERM_SECONDS[years];
          if ((q.minDuration !== undefined && durationSeconds < q.minDuration) || (q.maxDuration !== undefined && durationSeconds > q.maxDuration)) continue;
          for (const offeringType of RI_OFFERING_TYPES) {
            if (q.offeringType !== undefined && offeringType !== q.offeringType) continue;
            const price = reservedPrice(onDemand, years, offeringType);
            const o: RiOffering = {
              id: uuidOf(`ri-offering|${instanceType}|${product}|${zone ?? 'region'}|${durationSeconds}|${offeringType}|standard|default`),
              instanceType, scope: zone === undefined ? 'Region' : 'Availability Zone', ...(zone !== undefined ? { availabilityZone: zone } : {}),
              productDescription: product, offeringType, durationSeconds, fixedPrice: price.fixedPrice.toFixed(2), hourlyPrice: price.hourlyPrice.toFixed(),
            };
            if (q.ids.length > 0 && !q.ids.includes(o.id)) continue;
            if (q.match && !q.match(o)) continue;
            out.push(o);
          }
        }
      }
    }
    return out;
  }

  /** The offering an id names, among every product's (its id says which), or InvalidReservedInstancesOfferingId. */
  private offering(id: string): RiOffering {
    for (const productDescription of RI_PRODUCTS) {
      const found = this.offerings({ ids: [id], instanceTypes: [], productDescription });
      if (found.length > 0) return found[0];
    }
    throw new ApiError('InvalidReservedInstancesOfferingId', `The reserved instances offering ID '${id.slice(0, 64)}' is not valid`);
  }

  /** DryRun: the purchase would be accepted (the offering exists, the count is valid). */
  checkPurchase(offeringId: string, instanceCount: number, limitTotal?: string): void {
    const o = this.offering(offeringId);
    if (!Number.isSafeInteger(instanceCount) || instanceCount < 1) throw invalidParameter('InstanceCount must be a positive integer');
    if (limitTotal !== undefined) {
      if (!/^\d+(\.\d+)?$/.test(limitTotal)) throw invalidParameter(`Value (${limitTotal.slice(0, 40)}) for parameter LimitPrice.Amount is invalid.`);
      const total = new Money(o.fixedPrice).times(instanceCount);
      if (total.gt(limitTotal)) throw new ApiError('ReservedInstancesLimitPriceExceeded', `The total upfront price ${total.toFixed(2)} USD exceeds the limit price ${limitTotal} USD.`);
    }
  }

  /**
   * PurchaseReservedInstancesOffering: the RI (payment-pending) and its usage record, in one commit; its
   * term starts now. A client token (the REST API's; EC2's action has none) names the RI: the same token
   * with the same offering and count answers the RI it bought, with another request IdempotentParameterMismatch.
   */
  purchase(tenant: TenantEntity, offeringId: string, instanceCount: number, limitTotal?: string, clientToken?: string): Promise<string> {
    return this.engine.command(async (tx, e) => {
      // Idempotency without a token column: the id is derived from the tenant and the token.
      const id = clientToken === undefined ? randomUUID() : uuidOf(`ri-token|${tenant.id}|${clientToken}`);
      if (clientToken !== undefined) {
        const previous = await this.repo.find(tx, tenant.id, id);
        if (previous) {
          if (previous.offeringId !== offeringId || previous.instanceCount !== instanceCount) throw idempotentMismatch(clientToken);
          return previous.id;
        }
      }
      this.checkPurchase(offeringId, instanceCount, limitTotal);
      const o = this.offering(offeringId);
      const ri: ReservedInstanceEntity = {
        id, tenantId: tenant.id, offeringId: o.id, instanceType: o.instanceType, scope: o.scope, availabilityZone: o.availabilityZone ?? null,
        instanceCount, offeringType: o.offeringType, durationSeconds: o.durationSeconds, fixedPrice: o.fixedPrice, hourlyPrice: o.hourlyPrice,
        startMs: e.now,
      };
      await this.repo.insert(tx, ri, riEndMs(ri), `${o.durationSeconds === RI_TERM_SECONDS[1] ? 1 : 3} yr ${o.offeringType}`);
      return ri.id;
    });
  }

  /** DescribeReservedInstances: the tenant's RIs (another tenant's id is a missing one), in id order. */
  describe(tenant: Pick<TenantEntity, 'id'>, ids: readonly string[], match?: (v: RiView) => boolean): Promise<RiView[]> {
    return this.engine.read(async (e) => {
      for (const id of ids) if (!isReservedInstancesId(id)) throw riNotFound(id);
      const rows = await this.repo.of(this.repo.reader, tenant.id);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const id of ids) if (!byId.has(id)) throw riNotFound(id);
      const chosen = ids.length > 0 ? rows.filter((r) => ids.includes(r.id)) : rows;
      const tags = await this.repo.tagsOf(this.repo.reader, chosen.map((r) => r.id));
      const views = chosen.map((ri) => ({ ri, state: riStateAt(ri, e.now), tags: tags.get(ri.id) ?? {} }));
      return match ? views.filter(match) : views;
    });
  }
}
