import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { ApiKeyListResponseDto } from './tenant-response.dto';
import { UsageReportResponseDto } from '../billing/billing-response.dto';
import { InstancePageResponseDto } from '../instances/instance-response.dto';
import { AdminLicenseConfigurationListResponseDto, LicenseHistoryResponseDto } from '../licenses/license-response.dto';
import { AdminAuth } from '../auth/guards';
import { TenantsService } from '../../../application/tenants/tenants.service';
import { BillingService } from '../../../application/billing/billing.service';
import { InstancesService } from '../../../application/instances/instances.service';
import { LicensesService } from '../../../application/licenses/licenses.service';
import { mapUsageReport, toGetUsageCommand } from '../billing/billing.mapper';
import { mapInstancePage, toListInstancesQuery } from '../instances/instance.mapper';
import { ListInstancesQueryDto } from '../instances/instance.dto';
import { mapLicenseConfiguration } from '../licenses/license.mapper';
import { createValidationPipe } from '../validation.pipe';

const listQueryPipe = createValidationPipe();

/**
 * What operators read of a tenant beyond its record (the dashboard's tenant page): its keys, its
 * usage and its instances, through the same application methods the tenant's own routes call.
 */
@ApiTags('admin: tenants')
@AdminAuth()
@Controller('v1/admin/tenants/:id')
export class AdminTenantActivityController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly billing: BillingService,
    private readonly instances: InstancesService,
  ) {}

  @ApiOkResponse({ type: ApiKeyListResponseDto })
  @ApiErrors('InvalidTenantID.NotFound')
  @Get('api-keys')
  @ApiOperation({ summary: "The tenant's API keys: ids and creation times (a key's secret is shown only when it is created)" })
  async keys(@Param('id') id: string) {
    return { apiKeys: (await this.tenants.listKeys({ tenantId: id })).map((k) => ({ keyId: k.keyId, createdAt: new Date(k.createdAtMs).toISOString() })) };
  }

  @ApiOkResponse({ type: UsageReportResponseDto })
  @ApiErrors('InvalidTenantID.NotFound', { code: 'InvalidParameterValue', message: 'groupBy must be one of type, product, day, got "color"' })
  @Get('usage')
  @ApiOperation({ summary: "The tenant's usage, as `GET /v1/usage` answers the tenant" })
  @ApiQuery({ name: 'from', required: false }) @ApiQuery({ name: 'to', required: false })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['type', 'product', 'day'] })
  async usage(@Param('id') id: string, @Query() q: Record<string, unknown>) {
    const tenant = await this.tenants.get({ tenantId: id });
    return mapUsageReport(await this.billing.usage(tenant, toGetUsageCommand(q)));
  }

  @ApiOkResponse({ type: InstancePageResponseDto })
  @ApiErrors('InvalidTenantID.NotFound', 'ValidationError', 'InvalidPaginationToken')
  @Get('instances')
  @ApiOperation({ summary: "The tenant's instances, as `GET /v1/instances` answers the tenant" })
  @ApiQuery({ name: 'state', required: false }) @ApiQuery({ name: 'maxResults', required: false }) @ApiQuery({ name: 'nextToken', required: false })
  async list(@Param('id') id: string, @Query() raw: Record<string, unknown>) {
    const tenant = await this.tenants.get({ tenantId: id });
    const q = (await listQueryPipe.transform(raw, { type: 'query', metatype: ListInstancesQueryDto })) as ListInstancesQueryDto;
    return mapInstancePage(await this.instances.list(tenant, toListInstancesQuery(q, [])));
  }
}

@ApiTags('admin: licenses')
@AdminAuth()
@Controller('v1/admin/license-configurations')
export class AdminLicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @ApiOkResponse({ type: AdminLicenseConfigurationListResponseDto })
  @Get()
  @ApiOperation({ summary: "Every tenant's license configurations, each with its consumption now, where it is consumed (instances, hosts), and whether it is past its limit" })
  async list() {
    return { licenseConfigurations: (await this.licenses.listAll()).map((s) => ({ tenantId: s.configuration.tenantId, ...mapLicenseConfiguration(s) })) };
  }

  @ApiOkResponse({ type: LicenseHistoryResponseDto })
  @ApiErrors('InvalidLicenseConfigurationId.NotFound', { code: 'InvalidParameterValue', message: 'period must be a multiple of 60 seconds, got 61' })
  @Get(':id/history')
  @ApiOperation({ summary: "A configuration's consumption over time: at the start of each period, what the instances launched and not yet terminated consume, against its limit" })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 simulated time (default: 30 days before `to`)' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 simulated time (default: now)' })
  @ApiQuery({ name: 'period', required: false, description: 'seconds per point, a multiple of 60; at most 1,440 points' })
  async history(@Param('id') id: string, @Query() q: Record<string, unknown>) {
    const h = await this.licenses.history({ licenseConfigurationId: id, from: q.from, to: q.to, period: q.period });
    const c = h.configuration;
    return {
      licenseConfigurationId: c.id, tenantId: c.tenantId, name: c.name, countingType: c.countingType, limit: c.limit, hardLimit: c.hardLimit,
      periodSeconds: h.periodMs / 1000, points: h.points.map((p) => ({ time: new Date(p.timeMs).toISOString(), consumedLicenses: p.consumedLicenses })),
    };
  }
}
