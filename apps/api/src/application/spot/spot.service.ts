import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { MS_PER_DAY, MS_PER_HOUR, PriceNotFound, spotHourOf, spotPercent } from '@nimbus/metering';
import { ApiError, idempotentMismatch, invalidParameter } from '../common/api-errors';
import { describe, DescribeQuery, IdKind, notFoundError, Page, requireWellFormed } from '../networking/describe-query';
import { SpotInstanceRequestEntity, TenantEntity } from '../../persistence/entities';
import { SpotRepository } from '../../persistence/spot.repository';
import { EngineService } from '../../engine/engine.service';
import { launchSpecOf, SpotMarket, spotPriceText, spotProductDescription } from './spot-market';
import { evaluate, nextStatus } from './spot-request-rules';
import { InstancesService } from '../instances/instances.service';
import type { RunInstancesCommand } from '../instances/instances.commands';
import { validateTags } from '../instances/tags';
import { launchableImage } from '../images/launchable-image';
import { requestHash as hashOf } from '../common/request-hash';

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
  'pending-evaluation': 'Your Spot request has been submitted for review, and is pending evaluation.',
  'price-too-low': 'Your Spot request price is lower than the current Spot price, so your request cannot be fulfilled.',
  'not-scheduled-yet': 'Your Spot request will not be evaluated until the scheduled date.',
  'capacity-not-available': 'There is no capacity available for the instance type you requested.',
  'marked-for-termination': 'Your Spot Instance is marked for termination.',
  'marked-for-stop': 'Your Spot Instance is marked for stop.',
  'instance-terminated-by-price': 'Your Spot Instance was terminated because the Spot price rose above your maximum price.',
  'instance-stopped-by-price': 'Your Spot Instance was stopped because the Spot price rose above your maximum price.',
  'instance-terminated-no-capacity': 'Your Spot Instance was terminated because there was no longer enough Spot capacity available.',
  'instance-stopped-no-capacity': 'Your Spot Instance was stopped because there was no longer enough Spot capacity available.',
  'instance-stopped-by-user': 'Your Spot Instance was stopped because you stopped it.',
  'schedule-expired': 'Your Spot request expired because it was not fulfilled before the specified ValidUntil date.',
  'canceled-before-fulfillment': 'You canceled the Spot request before it was fulfilled.',
  'bad-parameters': 'One or more parameters for your Spot request are not valid.',
};

/** RequestSpotInstances, as the application takes it (docs/ec2.md). */
export interface SpotRequestCommand {
  /** The launch specification, as RunInstances' launch (one instance each). */
  readonly launch: RunInstancesCommand;
  readonly instanceCount: number;
  readonly spot: NonNullable<RunInstancesCommand['spot']>;
  readonly validFrom?: number;
  readonly validUntil?: number;
  readonly tags?: Readonly<Record<string, unknown>>;
  readonly clientToken?: string;
}

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
    private readonly instances: InstancesService,
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
      const changed: SpotInstanceRequestEntity[] = [];
      for (const id of ids) {
        requireWellFormed(SPOT_REQUEST_ID, id);
        const r = await this.repo.find(tx, tenant.id, id);
        if (!r) throw notFoundError(SPOT_REQUEST_ID, id);
        // Open: canceled-before-fulfillment; active or disabled: request-canceled-and-instance-running, the instance left be (spot-request-rules.ts).
        const next = nextStatus(r, 'cancelled');
        if (next) {
          await this.repo.setStatus(tx, [id], { ...next, statusUpdatedAt: e.now });
          changed.push({ ...r, ...next, statusUpdatedAt: e.now });
        }
        out.push({ id, state: next?.state ?? r.state });
      }
      this.market.changed(changed);
      return out;
    });
  }

  /**
   * RequestSpotInstances (docs/ec2.md): `instanceCount` requests, each for one instance of `launch`
   * (RunInstances' launch, checked as a dry run of it first: a bad image, type or network is
   * refused at once), `open` and `pending-evaluation`; then evaluated at once as the market
   * evaluates a waiting request (spot-request-rules.ts): at or under its maximum, before ValidUntil
   * and not before ValidFrom, they are fulfilled by that same launch (as many as fit: the others
   * wait, `capacity-not-available`); else they wait (`price-too-low`, `not-scheduled-yet`) for an
   * hour at which they can be. A client token answers its first call's requests again (another
   * request with it: IdempotentParameterMismatch).
   */
  request(tenant: TenantEntity, req: SpotRequestCommand): Promise<SpotRequestView[]> {
    const { clientToken, ...asked } = req;
    const requestHash = clientToken === undefined ? null : hashOf(asked);
    return this.engine.command(async (tx, e) => {
      const now = e.now;
      if (clientToken !== undefined) {
        const before = await this.repo.byClientToken(tx, tenant.id, clientToken);
        if (before.length > 0) {
          if (before[0].requestHash !== requestHash) throw idempotentMismatch(clientToken);
          const tags = await this.repo.tagsOf(tx, before.map((r) => r.id));
          return before.map((request) => ({ request, tags: tags.get(request.id) ?? {} }));
        }
      }
      // "By default, the request is valid for 7 days from the date the request was created" (API Reference, ValidUntil).
      const validUntil = req.validUntil ?? now + 7 * MS_PER_DAY;
      if (validUntil <= now) throw invalidParameter('ValidUntil must be in the future.');
      if (req.validFrom !== undefined && req.validFrom >= validUntil) throw invalidParameter('ValidFrom must be before ValidUntil.');
      const tags = validateTags({ ...(req.tags ?? {}) });
      const zone: { value?: string } = {};
      // Every check the launch makes, on the launch itself (without the price: a low maximum waits).
      await this.instances.launchIn(tx, e, tenant, { ...req.launch, minCount: req.instanceCount, maxCount: req.instanceCount }, { dryRun: true, zone });
      const availabilityZone = zone.value ?? AVAILABILITY_ZONES[0];
      const type = req.launch.instanceType;
      const maxPrice = req.spot.maxPrice ?? this.market.onDemandLinuxHourly(type, now).toFixed();
      const platform = launchableImage(this.engine, tenant.id, req.launch.imageId).platform;
      const spot = { ...req.spot, maxPrice };
      const launchSpec = launchSpecOf({ ...req.launch, availabilityZone, spot }, maxPrice);
      const ids = await this.market.newIds(tx, req.instanceCount);
      let rows: SpotInstanceRequestEntity[] = ids.map((id) => ({
        id, tenantId: tenant.id, instanceId: null, instanceType: type, availabilityZone, productDescription: spotProductDescription(platform), type: spot.type ?? 'one-time',
        maxPrice, interruptionBehavior: spot.interruptionBehavior ?? 'terminate', state: 'open', statusCode: 'pending-evaluation', statusUpdatedAt: now, createdAt: now,
        launchSpec, validFrom: req.validFrom ?? null, validUntil, clientToken: clientToken ?? null, requestHash, interruptionReason: null,
      }));
      await this.repo.insert(tx, rows, tags);
      const verdict = evaluate(rows[0], now, this.market.price(type, availabilityZone, now));
      if (verdict === 'fulfil') {
        try {
          const launched = await this.instances.launchIn(tx, e, tenant, { ...req.launch, availabilityZone, spot, minCount: 1, maxCount: rows.length }, { fulfil: rows });
          const n = launched?.instances.length ?? 0;
          rows = rows.map((r, i) => (i < n ? { ...r, ...nextStatus(r, 'fulfilled')!, instanceId: launched!.instances[i].row.id } : r));
        } catch (err) {
          if ((err as { code?: string }).code !== 'InsufficientInstanceCapacity') throw err;
        }
      }
      const waiting = verdict === 'fulfil' ? 'capacity-not-available' : verdict;
      const open = rows.filter((r) => r.state === 'open').map((r) => r.id);
      if (open.length > 0 && verdict !== 'expire') {
        await this.repo.setStatus(tx, open, { statusCode: waiting, statusUpdatedAt: now });
        rows = rows.map((r) => (r.state === 'open' ? { ...r, statusCode: waiting } : r));
      }
      this.market.changed(rows);
      return rows.map((request) => ({ request, tags }));
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
