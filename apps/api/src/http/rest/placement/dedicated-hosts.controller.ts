import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { DedicatedHostListResponseDto, DedicatedHostResponseDto } from './placement-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { DedicatedHostsService } from '../../../application/placement/dedicated-hosts.service';
import { AllocateHostsDto } from './placement.dto';
import { mapDedicatedHost, toAllocateHostsCommand } from './placement.mapper';

@ApiTags('dedicated hosts')
@TenantAuth()
@Controller('v1/dedicated-hosts')
export class DedicatedHostsController {
  constructor(private readonly hosts: DedicatedHostsService) {}

  @ApiCreatedResponse({ type: DedicatedHostListResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'UnsupportedHostConfiguration', 'InsufficientHostCapacity')
  @Operation('AllocateHosts')
  @Post() async allocate(@CurrentTenant() tenant: TenantEntity, @Body() dto: AllocateHostsDto) { return { hosts: (await this.hosts.allocate(tenant, toAllocateHostsCommand(dto))).map(mapDedicatedHost) }; }
  @ApiOkResponse({ type: DedicatedHostListResponseDto })
  @Operation('DescribeHosts')
  @Get() async list(@CurrentTenant() tenant: TenantEntity) { return { hosts: (await this.hosts.list(tenant)).map(mapDedicatedHost) }; }
  @ApiOkResponse({ type: DedicatedHostResponseDto })
  @ApiErrors('InvalidHostID.NotFound')
  @Operation('DescribeHosts')
  @Get(':id') async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) { return mapDedicatedHost(await this.hosts.get(tenant, id)); }
  @ApiNoContentResponse({ description: 'Released' })
  @ApiErrors('InvalidHostID.NotFound', { code: 'IncorrectHostState', message: "Dedicated Host 'h-0123456789abcdef0' has running instances." })
  @Operation('ReleaseHosts')
  @Delete(':id') @HttpCode(204) async release(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> { await this.hosts.release(tenant, id); }
}
