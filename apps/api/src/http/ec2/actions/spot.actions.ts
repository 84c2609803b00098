import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { invalidParameter } from '../../../application/common/api-errors';
import { SPOT_OTHER_PRODUCTS, SPOT_PRICED_PRODUCTS, SPOT_STATUS_MESSAGES, SpotPricePoint, SpotRequestView, SpotService } from '../../../application/spot/spot.service';
import { Ec2Actions, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { filterMatcher, FilterField } from '../ec2-filters';
import { ec2Time } from '../ec2-xml';
import { zoneIdOf } from '../availability-zones';
import { matcher, page, tagSet } from './networking.actions';

/** A SpotInstanceRequest as EC2 answers it (API Reference, SpotInstanceRequest). */
function requestXml(v: SpotRequestView) {
  const r = v.request;
  return {
    createTime: ec2Time(r.createdAt),
    instanceId: r.instanceId ?? undefined,
    launchedAvailabilityZone: r.availabilityZone,
    launchedAvailabilityZoneId: zoneIdOf(r.availabilityZone),
    productDescription: r.productDescription,
    spotInstanceRequestId: r.id,
    spotPrice: r.maxPrice,
    state: r.state,
    status: { code: r.statusCode, message: SPOT_STATUS_MESSAGES[r.statusCode], updateTime: ec2Time(r.statusUpdatedAt) },
    tagSet: tagSet(v.tags),
    type: r.type,
    instanceInterruptionBehavior: r.interruptionBehavior,
  };
}

/** DescribeSpotInstanceRequests' filters: those of what a Nimbus request has; the launch specification's from its instance's type and zone. */
const REQUEST_FILTERS: Readonly<Record<string, FilterField<SpotRequestView>>> = {
  'spot-instance-request-id': (v) => v.request.id,
  state: (v) => v.request.state,
  'status-code': (v) => v.request.statusCode,
  'status-message': (v) => SPOT_STATUS_MESSAGES[v.request.statusCode],
  'instance-id': (v) => v.request.instanceId ?? undefined,
  'launched-availability-zone': (v) => v.request.availabilityZone,
  'launch.instance-type': (v) => v.request.instanceType,
  'product-description': (v) => v.request.productDescription,
  'spot-price': (v) => v.request.maxPrice,
  type: (v) => v.request.type,
  'create-time': (v) => ec2Time(v.request.createdAt),
};

const PRICE_FILTERS: Readonly<Record<string, FilterField<SpotPricePoint>>> = {
  'availability-zone': (p) => p.availabilityZone,
  'instance-type': (p) => p.instanceType,
  'product-description': (p) => p.productDescription,
  'spot-price': (p) => p.spotPrice,
  timestamp: (p) => ec2Time(p.timestamp),
};

/** An ISO 8601 time parameter (EC2's DateTime), as ms. */
function timeParam(p: Ec2Params, name: string): number | undefined {
  const v = p.string(name);
  if (v === undefined) return undefined;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw invalidParameter(`Value (${v.slice(0, 40)}) for parameter ${name} is invalid.`);
  return ms;
}

/**
 * EC2's Spot actions (docs/ec2.md, "Spot Instances"): the requests RunInstances' InstanceMarketOptions
 * makes, and the simulated Spot price (docs/model.md). RequestSpotInstances and Spot Fleet are not
 * supported: RunInstances is the way to launch Spot.
 */
@Injectable()
export class SpotEc2Actions implements Ec2ActionSource {
  constructor(private readonly spot: SpotService) {}

  readonly actions: Ec2Actions = {
    DescribeSpotInstanceRequests: {
      operation: 'DescribeSpotInstanceRequests',
      params: ['SpotInstanceRequestId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.spot.describe(ctx.tenant, { ids: p.list('SpotInstanceRequestId'), match: matcher(p, REQUEST_FILTERS), ...page(p, { min: 5, max: 1000 }) });
        return { spotInstanceRequestSet: items(r.items.map(requestXml)), nextToken: r.nextToken };
      },
    },
    CancelSpotInstanceRequests: {
      operation: 'CancelSpotInstanceRequests',
      params: ['SpotInstanceRequestId'],
      handler: async (ctx, p) => {
        const cancelled = await this.spot.cancel(ctx.tenant, p.list('SpotInstanceRequestId'));
        return { spotInstanceRequestSet: items(cancelled.map((c) => ({ spotInstanceRequestId: c.id, state: c.state }))) };
      },
    },
    DescribeSpotPriceHistory: {
      operation: 'DescribeSpotPriceHistory',
      params: ['InstanceType', 'ProductDescription', 'AvailabilityZone', 'StartTime', 'EndTime', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (_ctx, p) => {
        const products = p.list('ProductDescription');
        for (const d of products) {
          if (SPOT_OTHER_PRODUCTS.includes(d)) throw unsupported(`Spot prices of '${d}' (the simulated Spot price is Linux's: ${SPOT_PRICED_PRODUCTS.join(', ')})`);
          if (!(SPOT_PRICED_PRODUCTS as readonly string[]).includes(d)) throw invalidParameter(`Value (${d.slice(0, 60)}) for parameter ProductDescription is invalid.`);
        }
        const zone = p.string('AvailabilityZone');
        if (zone !== undefined && !AVAILABILITY_ZONES.includes(zone)) throw invalidParameter(`Invalid availability zone: [${zone.slice(0, 40)}]`);
        const filters = p.filters();
        const h = this.spot.priceHistory({
          instanceTypes: p.list('InstanceType'), productDescriptions: products, ...(zone !== undefined ? { availabilityZone: zone } : {}),
          startTime: timeParam(p, 'StartTime'), endTime: timeParam(p, 'EndTime'),
          ...(filters.length > 0 ? { match: filterMatcher(filters, PRICE_FILTERS) } : {}),
          ...page(p, { min: 5, max: 1000 }),
        });
        return {
          spotPriceHistorySet: items(h.items.map((x) => ({
            availabilityZone: x.availabilityZone, instanceType: x.instanceType, productDescription: x.productDescription, spotPrice: x.spotPrice, timestamp: ec2Time(x.timestamp),
          }))),
          nextToken: h.nextToken ?? '',
        };
      },
    },
  };
}
