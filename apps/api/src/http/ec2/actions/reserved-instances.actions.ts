import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { ReservedInstancesService, riEndMs, RiOffering, RiView } from '../../../application/reserved-instances/reserved-instances.service';
import { Ec2Actions, Ec2Params, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { unsupported } from '../ec2-errors';
import { filterMatcher, FilterField } from '../ec2-filters';
import { pageOf } from '../ec2-pages';
import { ec2Time } from '../ec2-xml';
import { matcher, tagSet } from './networking.actions';

const hourly = (amount: string) => (amount === '0' ? items([]) : items([{ frequency: 'Hourly', amount }]));

/** EC2's ReservedInstancesOffering: usagePrice 0.0 and the hourly fee in recurringCharges, as EC2 answers current offerings. */
function offeringXml(o: RiOffering) {
  return {
    reservedInstancesOfferingId: o.id, instanceType: o.instanceType, availabilityZone: o.availabilityZone, duration: o.durationSeconds, usagePrice: '0.0',
    fixedPrice: o.fixedPrice, productDescription: o.productDescription, instanceTenancy: 'default', currencyCode: 'USD', offeringType: o.offeringType,
    recurringCharges: hourly(o.hourlyPrice), marketplace: false, pricingDetailsSet: items([]), offeringClass: 'standard', scope: o.scope,
  };
}

function reservedXml(v: RiView) {
  const r = v.ri;
  return {
    reservedInstancesId: r.id, instanceType: r.instanceType, availabilityZone: r.availabilityZone ?? undefined, start: ec2Time(r.startMs), end: ec2Time(riEndMs(r)),
    duration: r.durationSeconds, usagePrice: '0.0', fixedPrice: r.fixedPrice, instanceCount: r.instanceCount, productDescription: 'Linux/UNIX', state: v.state,
    tagSet: tagSet(v.tags), instanceTenancy: 'default', currencyCode: 'USD', offeringType: r.offeringType, recurringCharges: hourly(r.hourlyPrice),
    offeringClass: 'standard', scope: r.scope,
  };
}

const OFFERING_FILTERS: Readonly<Record<string, FilterField<RiOffering>>> = {
  'availability-zone': (o) => o.availabilityZone,
  duration: (o) => o.durationSeconds,
  'fixed-price': (o) => o.fixedPrice,
  'instance-type': (o) => o.instanceType,
  marketplace: () => false,
  'product-description': (o) => o.productDescription,
  'reserved-instances-offering-id': (o) => o.id,
  scope: (o) => o.scope,
  'usage-price': () => '0.0',
};

const RI_FILTERS: Readonly<Record<string, FilterField<RiView>>> = {
  'availability-zone': (v) => v.ri.availabilityZone ?? undefined,
  duration: (v) => v.ri.durationSeconds,
  end: (v) => ec2Time(riEndMs(v.ri)),
  'fixed-price': (v) => v.ri.fixedPrice,
  'instance-type': (v) => v.ri.instanceType,
  scope: (v) => v.ri.scope,
  'product-description': () => 'Linux/UNIX',
  'reserved-instances-id': (v) => v.ri.id,
  start: (v) => ec2Time(v.ri.startMs),
  state: (v) => v.state,
  'usage-price': () => '0.0',
};

/** Standard only: a convertible offering class is refused, not ignored. */
function standardOnly(p: Ec2Params): void {
  const c = p.string('OfferingClass');
  if (c === 'convertible') throw unsupported('Convertible Reserved Instances (OfferingClass convertible): Standard only');
  if (c !== undefined && c !== 'standard') throw invalidParameter(`Value (${c.slice(0, 40)}) for parameter OfferingClass is invalid. Valid values: standard, convertible`);
}

/**
 * EC2's Standard Reserved Instances (docs/ec2.md, "Reserved Instances"): Linux/UNIX, default tenancy,
 * regional or zonal, 1 or 3 years, No/Partial/All Upfront; no Marketplace. Billing: libs/metering.
 */
@Injectable()
export class ReservedInstancesEc2Actions implements Ec2ActionSource {
  constructor(private readonly ris: ReservedInstancesService) {}

  readonly actions: Ec2Actions = {
    DescribeReservedInstancesOfferings: {
      operation: 'DescribeReservedInstancesOfferings',
      params: [
        'ReservedInstancesOfferingId', 'InstanceType', 'ProductDescription', 'AvailabilityZone', 'OfferingType', 'OfferingClass', 'InstanceTenancy', 'MinDuration',
        'MaxDuration', 'IncludeMarketplace', 'MaxInstanceCount', 'Filter', 'MaxResults', 'NextToken',
      ],
      handler: async (_ctx, p) => {
        standardOnly(p);
        const tenancy = p.string('InstanceTenancy');
        if (tenancy !== undefined && tenancy !== 'default') throw unsupported(`Reserved Instances with InstanceTenancy '${tenancy.slice(0, 20)}' (default only)`);
        if (p.bool('IncludeMarketplace') === true) throw unsupported('the Reserved Instance Marketplace (IncludeMarketplace must be false)');
        p.int('MaxInstanceCount', { min: 1 });
        const filters = p.filters();
        const all = this.ris.offerings({
          ids: p.list('ReservedInstancesOfferingId'), instanceTypes: p.string('InstanceType') !== undefined ? [p.string('InstanceType')!] : [], productDescription: p.string('ProductDescription'),
          availabilityZone: p.string('AvailabilityZone'), offeringType: p.string('OfferingType'),
          minDuration: p.int('MinDuration', { min: 0 }), maxDuration: p.int('MaxDuration', { min: 0 }),
          ...(filters.length > 0 ? { match: filterMatcher(filters, OFFERING_FILTERS) } : {}),
        });
        const { page, nextToken } = pageOf(all, p.int('MaxResults', { min: 1, max: 100 }) ?? 100, p.string('NextToken'));
        return { reservedInstancesOfferingsSet: items(page.map(offeringXml)), nextToken };
      },
    },
    PurchaseReservedInstancesOffering: {
      operation: 'PurchaseReservedInstancesOffering',
      params: ['ReservedInstancesOfferingId', 'InstanceCount', 'LimitPrice', 'PurchaseTime'],
      dryRun: async (_ctx, p) => this.ris.checkPurchase(p.required('ReservedInstancesOfferingId'), p.int('InstanceCount', { min: 1 }) ?? 1, limit(p)),
      handler: async (ctx, p) => {
        if (p.string('PurchaseTime') !== undefined) throw unsupported('queued purchases (PurchaseTime)');
        const count = p.int('InstanceCount', { min: 1, max: 1000 });
        if (count === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter InstanceCount');
        const id = await this.ris.purchase(ctx.tenant, p.required('ReservedInstancesOfferingId'), count, limit(p));
        return { reservedInstancesId: id };
      },
    },
    DescribeReservedInstances: {
      operation: 'DescribeReservedInstances',
      params: ['ReservedInstancesId', 'Filter', 'OfferingClass', 'OfferingType'],
      handler: async (ctx, p) => {
        standardOnly(p);
        const type = p.string('OfferingType');
        const filter = matcher(p, RI_FILTERS);
        const views = await this.ris.describe(ctx.tenant, p.list('ReservedInstancesId'), (v) => (type === undefined || v.ri.offeringType === type) && (!filter || filter(v)));
        return { reservedInstancesSet: items(views.map(reservedXml)) };
      },
    },
  };
}

/** `LimitPrice.Amount` in USD (`LimitPrice.CurrencyCode` USD only). */
function limit(p: Ec2Params): string | undefined {
  const lp = p.struct('LimitPrice');
  if (!lp) return undefined;
  const currency = lp.string('CurrencyCode');
  if (currency !== undefined && currency !== 'USD') throw invalidParameter(`Value (${currency.slice(0, 10)}) for parameter LimitPrice.CurrencyCode is invalid. Valid values: USD`);
  return lp.string('Amount');
}
