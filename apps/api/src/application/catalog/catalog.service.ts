import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES, InstanceType, REGION } from '@nimbus/hypervisor';
import { hourlyPricesByPlatform } from '@nimbus/metering';
import { BillingService } from '../billing/billing.service';
import { EngineService } from '../../engine/engine.service';

/** An instance type with its hourly prices by platform, from the price book version in effect now. */
export interface PricedInstanceType {
  readonly type: InstanceType;
  readonly hourlyPriceUsd: ReturnType<typeof hourlyPricesByPlatform>;
}

/** What tenants can run, and where: instance types (priced now) and availability zones. Images: ImagesService. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly engine: EngineService,
    private readonly billing: BillingService,
  ) {}

  /** The types on sale: the world's catalog (built-in and custom), priced by the version in effect now (PUT /v1/admin/prices). */
  instanceTypes(): PricedInstanceType[] {
    const book = this.billing.priceBook;
    return this.engine.world.catalog.instanceTypes().map((type) => ({ type, hourlyPriceUsd: hourlyPricesByPlatform(book, this.engine.now, type.name, type.vcpus) }));
  }

  /** One type on sale, priced; undefined if there is none of that name. */
  instanceType(name: string): PricedInstanceType | undefined {
    const type = this.engine.world.catalog.launchableInstanceType(name);
    return type ? { type, hourlyPriceUsd: hourlyPricesByPlatform(this.billing.priceBook, this.engine.now, type.name, type.vcpus) } : undefined;
  }

  availabilityZones(): { readonly zoneName: string; readonly regionName: string }[] {
    return AVAILABILITY_ZONES.map((zoneName) => ({ zoneName, regionName: REGION }));
  }
}
