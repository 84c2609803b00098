import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { TenantEntity } from '../database/entities';
import { EngineService } from '../engine/engine.service';

@ApiTags('quotas')
@TenantAuth()
@Controller('v1/quotas')
export class QuotasController {
  constructor(private readonly engine: EngineService) {}

  @Get()
  get(@CurrentTenant() tenant: TenantEntity) {
    return {
      onDemandVcpus: { limit: tenant.quotaOnDemandVcpus, used: this.engine.fleet.vcpusInUse(tenant.id) },
      // Volumes (and their provisioned IOPS) arrive with the VMM issue; nothing is provisioned yet.
      provisionedIops: { limit: tenant.quotaProvisionedIops, used: 0 },
    };
  }
}
