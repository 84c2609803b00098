import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { EngineService } from '../../../engine/engine.service';
import { VolumesService } from '../../../application/volumes/volumes.service';

@ApiTags('quotas')
@TenantAuth()
@Controller('v1/quotas')
export class QuotasController {
  constructor(
    private readonly engine: EngineService,
    private readonly volumes: VolumesService,
  ) {}

  @Operation('DescribeQuotas')
  @Get()
  async get(@CurrentTenant() tenant: TenantEntity) {
    return {
      onDemandVcpus: { limit: tenant.quotaOnDemandVcpus, used: this.engine.fleet.vcpusInUse(tenant.id) },
      // Σ IOPS of the tenant's gp3 and io2 volumes (gp2's are not provisioned).
      provisionedIops: { limit: tenant.quotaProvisionedIops, used: await this.volumes.provisionedIopsUsed(tenant.id) },
    };
  }
}
