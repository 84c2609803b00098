import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { AdminAuth, CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { ReservedInstancesService } from '../../../application/reserved-instances/reserved-instances.service';
import { TenantsService } from '../../../application/tenants/tenants.service';
import { BillingService } from '../../../application/billing/billing.service';
import { pageOf } from '../../ec2/ec2-pages';
import { toGetRevenueCommand } from '../billing/billing.mapper';
import { ListOfferingsQueryDto, ListReservedInstancesQueryDto, PurchaseReservedInstancesDto, RI_OFFERING_TYPES_DOC, RI_SCOPES, RI_TERMS } from './reserved-instance.dto';
import {
  AdminRiReportResponseDto, PurchaseResponseDto, ReservedInstancePageResponseDto, ReservedInstanceResponseDto, RiOfferingPageResponseDto, RiReportResponseDto,
} from './reserved-instance-response.dto';
import { mapAdminRiReport, mapOffering, mapReservedInstance, mapReservedInstancePage, mapTenantRiReport, toOfferingQuery } from './reserved-instance.mapper';

const MONTH_QUERY = {
  name: 'month', required: false,
  description: "YYYY-MM, or `current` / `previous` (the simulated clock's month and the one before it); default `current`",
} as const;
const monthOf = (q: Record<string, unknown>) => toGetRevenueCommand({ month: q.month ?? 'current' }).month;
const RI_NOT_FOUND = { code: 'InvalidReservedInstancesId', message: 'Reserved instance(s) 8d3c2b1a-0f9e-4d7c-a6b5-4a3b2c1d0e9f not found' };
const OFFERING_NOT_FOUND = { code: 'InvalidReservedInstancesOfferingId', message: "The reserved instances offering ID '3f8a8a4c-5d0e-4b2f-a7c1-0d9e8f7a6b5c' is not valid" };

/**
 * Standard Reserved Instances over REST (docs/ec2.md, "Reserved Instances"): the same application
 * methods as EC2's DescribeReservedInstancesOfferings, PurchaseReservedInstancesOffering and
 * DescribeReservedInstances.
 */
@ApiTags('reserved instances')
@TenantAuth()
@Controller('v1')
export class ReservedInstancesController {
  constructor(
    private readonly ris: ReservedInstancesService,
    private readonly billing: BillingService,
  ) {}

  @Operation('DescribeReservedInstancesOfferings')
  @ApiOkResponse({ type: RiOfferingPageResponseDto, description: 'Standard, Linux/UNIX, default tenancy offerings, priced from the On-Demand price now' })
  @ApiErrors('ValidationError', 'InvalidParameterValue', 'InvalidPaginationToken')
  @Get('reserved-instance-offerings')
  @ApiQuery({ name: 'instanceType', required: false })
  @ApiQuery({ name: 'term', required: false, enum: RI_TERMS })
  @ApiQuery({ name: 'offeringType', required: false, enum: RI_OFFERING_TYPES_DOC, description: 'The payment option' })
  @ApiQuery({ name: 'scope', required: false, enum: RI_SCOPES })
  @ApiQuery({ name: 'availabilityZone', required: false, description: 'Zonal offerings in this zone' })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  offerings(@Query() q: ListOfferingsQueryDto) {
    const { page, nextToken } = pageOf(this.ris.offerings(toOfferingQuery(q)), q.maxResults ?? 1000, q.nextToken);
    return { offerings: page.map(mapOffering), ...(nextToken ? { nextToken } : {}) };
  }

  @Operation('PurchaseReservedInstancesOffering')
  @ApiCreatedResponse({ type: PurchaseResponseDto, description: 'The Reserved Instance, payment-pending; its term starts now' })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', OFFERING_NOT_FOUND, 'IdempotentParameterMismatch',
    { code: 'ReservedInstancesLimitPriceExceeded', message: 'The total upfront price 1000.00 USD exceeds the limit price 500 USD.' })
  @Post('reserved-instances')
  async purchase(@CurrentTenant() tenant: TenantEntity, @Body() dto: PurchaseReservedInstancesDto) {
    return { reservedInstancesId: await this.ris.purchase(tenant, dto.offeringId, dto.instanceCount, dto.limitPrice, dto.clientToken) };
  }

  @Operation('DescribeReservedInstances')
  @ApiOkResponse({ type: ReservedInstancePageResponseDto })
  @ApiErrors('ValidationError', 'InvalidPaginationToken')
  @Get('reserved-instances')
  @ApiQuery({ name: 'state', required: false, enum: ['payment-pending', 'active', 'retired'] })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  async list(@CurrentTenant() tenant: TenantEntity, @Query() q: ListReservedInstancesQueryDto) {
    return mapReservedInstancePage(await this.ris.describe(tenant, [], q.state === undefined ? undefined : (v) => v.state === q.state), q);
  }

  @Operation('DescribeReservedInstances')
  @ApiOkResponse({ type: ReservedInstanceResponseDto })
  @ApiErrors(RI_NOT_FOUND)
  @Get('reserved-instances/:id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapReservedInstance((await this.ris.describe(tenant, [id]))[0]);
  }

  @Operation('GetReservedInstanceUtilization')
  @ApiOkResponse({ type: RiReportResponseDto })
  @ApiOperation({
    summary: "The month's Reserved Instance utilization and coverage, as AWS Cost Explorer reports them, and the RI fees on its invoice (or estimate)",
    description: 'utilization = RI hours used ÷ RI hours purchased; coverage = eligible (On-Demand Linux/UNIX, default tenancy) instance hours covered by RIs ÷ all eligible instance hours; from the same rating as the invoice.',
  })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'month must be a calendar month as YYYY-MM, current or previous, got "2025-13"' })
  @Get('billing/reserved-instances')
  @ApiQuery(MONTH_QUERY)
  async utilization(@CurrentTenant() tenant: TenantEntity, @Query() q: Record<string, unknown>) {
    return mapTenantRiReport(await this.billing.riReport({ month: monthOf(q), tenantId: tenant.id }));
  }
}

@ApiTags('admin: reserved instances')
@AdminAuth()
@Controller('v1/admin')
export class AdminReservedInstancesController {
  constructor(
    private readonly ris: ReservedInstancesService,
    private readonly tenants: TenantsService,
    private readonly billing: BillingService,
  ) {}

  @ApiOkResponse({ type: ReservedInstancePageResponseDto })
  @ApiErrors('ValidationError', 'InvalidPaginationToken', 'InvalidTenantID.NotFound')
  @Get('tenants/:id/reserved-instances')
  @ApiQuery({ name: 'state', required: false, enum: ['payment-pending', 'active', 'retired'] })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  async list(@Param('id') id: string, @Query() q: ListReservedInstancesQueryDto) {
    const tenant = await this.tenants.get({ tenantId: id });
    return mapReservedInstancePage(await this.ris.describe(tenant, [], q.state === undefined ? undefined : (v) => v.state === q.state), q);
  }

  @ApiOkResponse({ type: AdminRiReportResponseDto })
  @ApiOperation({ summary: "Every tenant's Reserved Instance utilization, coverage and RI fees in a month (tenants with RIs or eligible hours), and their sums" })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'month must be a calendar month as YYYY-MM, current or previous, got "2025-13"' })
  @Get('billing/reserved-instances')
  @ApiQuery(MONTH_QUERY)
  async utilization(@Query() q: Record<string, unknown>) {
    return mapAdminRiReport(await this.billing.riReport({ month: monthOf(q) }));
  }
}
