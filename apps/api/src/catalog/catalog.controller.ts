import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AVAILABILITY_ZONES, IMAGES, INSTANCE_TYPES, REGION } from '@nimbus/hypervisor';
import { hourlyPricesByPlatform, seedPriceBook } from '@nimbus/metering';
import { TenantAuth } from '../auth/guards';
import { EngineService } from '../engine/engine.service';

/** Until the admin price book is persisted (metering issue), the catalog shows the seeded list prices. */
const PRICE_BOOK = seedPriceBook(0);

@ApiTags('catalog')
@TenantAuth()
@Controller('v1')
export class CatalogController {
  constructor(private readonly engine: EngineService) {}

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
        hourlyPriceUsd: hourlyPricesByPlatform(PRICE_BOOK, this.engine.now, t.name, t.vcpus),
      })),
    };
  }

  @Get('images')
  images() {
    return { images: IMAGES.map((i) => ({ ...i })) };
  }

  @Get('availability-zones')
  availabilityZones() {
    return { availabilityZones: AVAILABILITY_ZONES.map((zoneName) => ({ zoneName, regionName: REGION, state: 'available' })) };
  }
}
