import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AvailabilityZoneListResponseDto, InstanceTypeListResponseDto } from './catalog-response.dto';
import { TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { mapAvailabilityZone, mapInstanceType } from './catalog.mapper';

@ApiTags('catalog')
@TenantAuth()
@Controller('v1')
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Operation('DescribeInstanceTypes')
  @ApiOkResponse({ type: InstanceTypeListResponseDto })
  @Get('instance-types')
  instanceTypes() {
    return { instanceTypes: this.catalog.instanceTypes().map(mapInstanceType) };
  }

  @Operation('DescribeAvailabilityZones')
  @ApiOkResponse({ type: AvailabilityZoneListResponseDto })
  @Get('availability-zones')
  availabilityZones() {
    return { availabilityZones: this.catalog.availabilityZones().map(mapAvailabilityZone) };
  }
}
