import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { MS_PER_DAY, MS_PER_HOUR, PriceNotFound, spotHourOf, spotPercent } from '@nimbus/metering';
import { ApiError, invalidParameter } from '../common/api-errors';
import { describe, DescribeQuery, IdKind, notFoundError, Page, requireWellFormed } from '../networking/describe-query';
import { SpotInstanceRequestEntity, TenantEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { EngineService } from '../../engine/engine.service';
import { SpotMarket, spotPriceText } from './spot-market';

export const SPOT_REQUEST_ID: IdKind = {
  prefix: 'sir', notFound: 'InvalidSpotInstanceRequestID.NotFound', malformed: 'InvalidSpotInstanceRequestID.Malformed', noun: 'spot instance request ID',
};

/** A request as DescribeSpotInstanceRequests shows it: its row, tags and the status message of its code. */
export interface SpotRequestView {
  readonly request: SpotInstanceRequestEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The status messages of the codes a Nimbus request takes, in the words of the EC2 User Guide's "Spot
 * request status codes".
 */
export const SPOT_STATUS_MESSAGES: Readonly<Record<string, string>> = {
  fulfilled: 'Your spot request is fulfilled.',
  'request-canceled-and-instance-running': 'You canceled the Spot request while the Spot Instances are still running. The request is cancelled, but the instances remain running.',
  'instance-terminated-by-user': 'Spot Instance terminated due to user-initiated termination.',
};

/** The product descriptions the simulated price answers for: Linux, the platform the rule prices (spot-price.ts). */
export const SPOT_PRICED_PRODUCTS = ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)'] as const;
/** EC2's other Spot product descriptions (DescribeSpotPriceHistory's ProductDescription): valid, not priced here. */
export const SPOT_OTHER_PRODUCTS = [
  'SUSE Linux', 'SUSE Linux (Amazon VPC)', 'Red Hat Enterprise Linux', 'Red Hat Enterprise Linux (Amazon VPC)', 'Windows', 'Windows (Amazon VPC)',
];

/** One price in the history: a type's Spot price in a zone, from `timestamp` (the top of the hour it took effect). */
export interface SpotPricePoint {
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly productDescription: string;
  readonly spotPrice: string;
  readonly timestamp: number;
}

export interface SpotPriceHistoryQuery {
  readonly instanceTypes: readonly string[];
  readonly productDescriptions: readonly string[];
  readonly availabilityZone?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly match?: (p: SpotPricePoint) => boolean;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

/** How far back DescribeSpotPriceHistory answers: "up to the past 90 days" (API Reference, StartTime). */
const HISTORY_DAYS = 90;

/** Spot Instance requests (Describe, Cancel) and the simulated Spot price history. */
@Injectable()
export class SpotService {
  constructor(
    private readonly repo: SpotRepository,
    private readonly market: SpotMarket,
    private readonly engine: EngineService,
  ) {}

  /** DescribeSpotInstanceRequests: the tenant's requests (another tenant's id is exactly a missing one). */
  async describe(tenant: TenantEntity, q: DescribeQuery<SpotRequestView>): Promise<Page<SpotRequestView>> {
    const m = this.repo.reader;
    const rows = await this.repo.of(m, tenant.id);
    const tags = await this.repo.tagsOf(m, rows.map((r) => r.id));
    return describe(rows.map((request) => ({ request, tags: tags.get(request.id) ?? {} })), (v) => v.request.id, SPOT_REQUEST_ID, q);
  }

  /**
   * CancelSpotInstanceRequests: each named request (all must be the tenant's) `cancelled`. A one-time
   * request whose instance still runs becomes `request-canceled-and-instance-running`, and the
   * instance keeps running, as on EC2; one already closed (its instance terminated) stays `closed`.
   */
  cancel(tenant: TenantEntity, ids: readonly string[]): Promise<{ id: string; state: string }[]> {
    if (ids.length === 0) throw new ApiError('MissingParameter', 'The request must contain the parameter SpotInstanceRequestId');
    return this.engine.command(async (tx, e) => {
      const out: { id: string; state: string }[] = [];
      for (const id of ids) {
        requireWellFormed(SPOT_REQUEST_ID, id);
        const r = await this.repo.find(tx, tenant.id, id);
        if (!r) throw notFoundError(SPOT_REQUEST_ID, id);
        if (r.state === 'active' || r.state === 'open') {
          const statusCode = r.state === 'active' ? 'request-canceled-and-instance-running' : 'canceled-before-fulfillment';
          await this.repo.setStatus(tx, [id], { state: 'cancelled', statusCode, statusUpdatedAt: e.now });
          out.push({ id, state: 'cancelled' });
        } else out.push({ id, state: r.state });
      }
      return out;
    });
  }

  /** The price in effect now for a type in a zone (the launch's check; the dashboard's view). */
  currentPrice(instanceType: string, availabilityZone: string): string {
    return spotPriceText(this.market.price(instanceType, availabilityZone, this.engine.now));
  }

  /**
   * DescribeSpotPriceHistory, newest first: every price change in [StartTime, EndTime] (each at the
   * top of its hour) and the price in effect at StartTime, per type, zone and product. EndTime
   * defaults to now and is never later (the rule could tell the future; EC2's history cannot);
   * StartTime defaults to EndTime (the prices in effect then), and is never more than 90 days ago.
   */
  priceHistory(q: SpotPriceHistoryQuery): { items: SpotPricePoint[]; nextToken?: string } {
    const now = this.engine.now;
    const end = Math.min(q.endTime ?? now, now);
    const start = Math.max(Math.min(q.startTime ?? end, end), now - HISTORY_DAYS * MS_PER_DAY);
    if (q.startTime !== undefined && q.endTime !== undefined && q.startTime > q.endTime) throw invalidParameter('The start time must be before the end time.');
    const catalog = this.engine.world.catalog;
    const types = q.instanceTypes.length > 0 ? [...new Set(q.instanceTypes)].sort() : catalog.instanceTypes().map((t) => t.name).sort();
    for (const t of types) if (!catalog.instanceType(t)) throw invalidParameter(`Value (${t.slice(0, 40)}) for parameter instanceType is invalid.`);
    const zones = q.availabilityZone !== undefined ? [q.availabilityZone] : [...AVAILABILITY_ZONES];
    if (!AVAILABILITY_ZONES.includes(zones[0])) throw invalidParameter(`Invalid availability zone: [${zones[0].slice(0, 40)}]`);
    const products = q.productDescriptions.length > 0 ? [...new Set(q.productDescriptions)] : [...SPOT_PRICED_PRODUCTS];
    // The On-Demand price of each type at each hour's start: a type the price book does not price has no Spot price.
    const series: { type: string; zone: string; product: string }[] = [];
    for (const type of types) {
      try {
        this.market.onDemandLinuxHourly(type, end);
      } catch (err) {
        if (err instanceof PriceNotFound) continue;
        throw err;
      }
      for (const zone of zones) for (const product of products) series.push({ type, zone, product });
    }
    const limit = q.maxResults ?? 1000;
    const [fromHour, fromIndex] = q.nextToken !== undefined ? decodeHistoryToken(q.nextToken) : [spotHourOf(end), 0];
    const startHour = spotHourOf(start);
    const items: SpotPricePoint[] = [];
    for (let h = fromHour; h >= startHour; h--) {
      for (let i = h === fromHour ? fromIndex : 0; i < series.length; i++) {
        const s = series[i];
        // Only where the price changed (or the one in effect at the window's start), as EC2 lists history.
        if (h !== startHour && spotPercent(s.type, s.zone, h) === spotPercent(s.type, s.zone, h - 1)) continue;
        const at = h * MS_PER_HOUR;
        const point = { instanceType: s.type, availabilityZone: s.zone, productDescription: s.product, spotPrice: spotPriceText(this.market.price(s.type, s.zone, at)), timestamp: at };
        if (q.match && !q.match(point)) continue;
        if (items.length === limit) return { items, nextToken: encodeHistoryToken(h, i) };
        items.push(point);
      }
    }
    return { items };
  }
}

function encodeHistoryToken(hour: number, index: number): string {
  return Buffer.from(JSON.stringify({ hour, index }), 'utf8').toString('base64url');
}

function decodeHistoryToken(token: string): [number, number] {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { hour?: unknown; index?: unknown };
    if (Number.isSafeInteger(t.hour) && Number.isSafeInteger(t.index) && (t.index as number) >= 0) return [t.hour as number, t.index as number];
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}
