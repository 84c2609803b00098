import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES, Image, IMAGES, INSTANCE_TYPES, InstanceType, REGION } from '@nimbus/hypervisor';
import { hourlyPricesByPlatform } from '@nimbus/metering';
import { BillingService } from '../billing/billing.service';
import { EngineService } from '../../engine/engine.service';

/** An instance type with its hourly prices by platform, from the price book version in effect now. */
export interface PricedInstanceType {
  readonly type: InstanceType;
  readonly hourlyPriceUsd: ReturnType<typeof hourlyPricesByPlatform>;
}

/** What tenants can run, and where: instance types (priced now), images, availability zones. */
@Injectable()
export class CatalogService {
  constructor(
    private readonly engine: EngineService,
    private readonly billing: BillingService,
  ) {}

  instanceTypes(): PricedInstanceType[] {
    // The price book version in effect now (admin-editable: PUT /v1/admin/prices).
    return INSTANCE_TYPES.map((type) => ({ type, hourlyPriceUsd: hourlyPricesByPlatform(this.billing.priceBook, this.engine.now, type.name, type.vcpus) }));
  }

  images(): readonly Image[] {
    return IMAGES;
  }

  availabilityZones(): { readonly zoneName: string; readonly regionName: string }[] {
    return AVAILABILITY_ZONES.map((zoneName) => ({ zoneName, regionName: REGION }));
  }
}
