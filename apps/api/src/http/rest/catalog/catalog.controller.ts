import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AVAILABILITY_ZONES, IMAGES, INSTANCE_TYPES, REGION } from '@nimbus/hypervisor';
import { hourlyPricesByPlatform } from '@nimbus/metering';
import { TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { BillingService } from '../../../application/billing/billing.service';
import { EngineService } from '../../../engine/engine.service';

@ApiTags('catalog')
@TenantAuth()
@Controller('v1')
export class CatalogController {
  constructor(
    private readonly engine: EngineService,
    private readonly billing: BillingService,
  ) {}

  @Operation('DescribeInstanceTypes')
  @Get('instance-types')
  instanceTypes() {
    return {
      instanceTypes: INSTANCE_TYPES.map((t) => ({
        name: t.name,
        family: t.family,
        vcpus: t.vcpus,
        memoryMiB: t.memoryMiB,
        ...(t.baselinePerVcpu !== undefined
          ? { burstable: { baselinePerVcpu: t.baselinePerVcpu, creditsPerHour: Math.round(t.baselinePerVcpu * t.vcpus * 60 * 1000) / 1000 } }
          : {}),
        network: t.network,
        ebs: t.ebs,
        // The price book version in effect now (admin-editable: PUT /v1/admin/prices).
        hourlyPriceUsd: hourlyPricesByPlatform(this.billing.priceBook, this.engine.now, t.name, t.vcpus),
      })),
    };
  }

  @Operation('DescribeImages')
  @Get('images')
  images() {
    return { images: IMAGES.map((i) => ({ ...i })) };
  }

  @Operation('DescribeAvailabilityZones')
  @Get('availability-zones')
  availabilityZones() {
    return { availabilityZones: AVAILABILITY_ZONES.map((zoneName) => ({ zoneName, regionName: REGION, state: 'available' })) };
  }
}
