import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { QuotasResponseDto } from './instance-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { InstancesService } from '../../../application/instances/instances.service';
import { mapQuotas } from './instance.mapper';

@ApiTags('quotas')
@TenantAuth()
@Controller('v1/quotas')
export class QuotasController {
  constructor(private readonly instances: InstancesService) {}

  @Operation('DescribeQuotas')
  @Get()
  @ApiOkResponse({ type: QuotasResponseDto })
  async get(@CurrentTenant() tenant: TenantEntity) {
    return mapQuotas(await this.instances.quotas(tenant));
  }
}
