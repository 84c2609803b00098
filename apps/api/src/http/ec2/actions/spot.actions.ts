import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { ec2TimeParam, interruptionBehaviorParam, spotOptionsOf, spotPriceParam, spotRequestTypeParam, toSpotLaunchCommand } from './instances.actions';
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
    launchedAvailabilityZone: r.instanceId !== null ? r.availabilityZone : undefined,
    launchedAvailabilityZoneId: r.instanceId !== null ? zoneIdOf(r.availabilityZone) : undefined,
    launchSpecification: { imageId: launchOf(r)?.imageId, instanceType: r.instanceType, placement: { availabilityZone: r.availabilityZone } },
    validFrom: r.validFrom !== null ? ec2Time(r.validFrom) : undefined,
    validUntil: r.validUntil !== null ? ec2Time(r.validUntil) : undefined,
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

/** A request's stored launch (a persistent request's, or RequestSpotInstances'). */
function launchOf(r: SpotRequestView['request']): { imageId?: string } | undefined {
  return r.launchSpec !== null ? (JSON.parse(r.launchSpec) as { imageId?: string }) : undefined;
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
  'launch.image-id': (v) => launchOf(v.request)?.imageId,
  'instance-interruption-behavior': (v) => v.request.interruptionBehavior,
  'valid-from': (v) => (v.request.validFrom !== null ? ec2Time(v.request.validFrom) : undefined),
  'valid-until': (v) => (v.request.validUntil !== null ? ec2Time(v.request.validUntil) : undefined),
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
  return v === undefined ? undefined : ec2TimeParam(v, name);
}

/**
 * EC2's Spot actions (docs/ec2.md, "Spot Instances"): the requests RunInstances' InstanceMarketOptions
 * makes, RequestSpotInstances' (one-time or persistent), and the simulated Spot price
 * (docs/model.md). Spot Fleet is not supported.
 */
@Injectable()
export class SpotEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly spot: SpotService,
    private readonly catalog: CatalogService,
  ) {}

  readonly actions: Ec2Actions = {
    RequestSpotInstances: {
      operation: 'RequestSpotInstances',
      params: ['InstanceCount', 'Type', 'SpotPrice', 'LaunchSpecification', 'ValidFrom', 'ValidUntil', 'InstanceInterruptionBehavior', 'ClientToken', 'TagSpecification',
        'AvailabilityZoneGroup', 'LaunchGroup', 'BlockDurationMinutes'],
      handler: async (ctx, p) => {
        for (const f of ['AvailabilityZoneGroup', 'LaunchGroup', 'BlockDurationMinutes']) if (p.has(f)) throw unsupported(`the parameter ${f}`);
        const spec = p.struct('LaunchSpecification');
        if (!spec) throw new ApiError('MissingParameter', 'The request must contain the parameter LaunchSpecification');
        const launch = toSpotLaunchCommand(spec, (name) => this.catalog.instanceType(name)?.type);
        const type = p.string('Type');
        const behavior = p.string('InstanceInterruptionBehavior');
        const price = p.string('SpotPrice');
        const spot = spotOptionsOf({
          ...(price !== undefined ? { maxPrice: spotPriceParam(price, 'SpotPrice') } : {}),
          ...(type !== undefined ? { type: spotRequestTypeParam(type, 'Type') } : {}),
          ...(behavior !== undefined ? { behavior: interruptionBehaviorParam(behavior) } : {}),
          validUntilAllowed: true,
        });
        const tags: Record<string, string> = {};
        for (const t of p.structs('TagSpecification')) {
          const resourceType = t.required('ResourceType');
          if (resourceType !== 'spot-instances-request') throw invalidParameter(`Value (${resourceType.slice(0, 40)}) for parameter TagSpecification.ResourceType is invalid. It must be spot-instances-request.`);
          for (const tag of t.structs('Tag')) tags[tag.required('Key')] = tag.string('Value') ?? '';
        }
        const validFrom = timeParam(p, 'ValidFrom');
        const validUntil = timeParam(p, 'ValidUntil');
        const views = await this.spot.request(ctx.tenant, {
          launch, instanceCount: p.int('InstanceCount', { min: 1 }) ?? 1, spot,
          ...(validFrom !== undefined ? { validFrom } : {}), ...(validUntil !== undefined ? { validUntil } : {}),
          ...(Object.keys(tags).length > 0 ? { tags } : {}), ...(p.string('ClientToken') ? { clientToken: p.string('ClientToken') } : {}),
        });
        return { spotInstanceRequestSet: items(views.map(requestXml)) };
      },
    },
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
