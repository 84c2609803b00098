import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { DedicatedHostsService } from '../../../application/placement/dedicated-hosts.service';
import { AllocateHostsDto } from './placement.dto';

@ApiTags('dedicated hosts')
@TenantAuth()
@Controller('v1/dedicated-hosts')
export class DedicatedHostsController {
  constructor(private readonly hosts: DedicatedHostsService) {}

  @Operation('AllocateHosts')
  @Post() allocate(@CurrentTenant() tenant: TenantEntity, @Body() dto: AllocateHostsDto) { return this.hosts.allocate(tenant, dto); }
  @Operation('DescribeHosts')
  @Get() list(@CurrentTenant() tenant: TenantEntity) { return this.hosts.list(tenant); }
  @Operation('DescribeHosts')
  @Get(':id') get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) { return this.hosts.get(tenant, id); }
  @Operation('ReleaseHosts')
  @Delete(':id') @HttpCode(204) async release(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> { await this.hosts.release(tenant, id); }
}
