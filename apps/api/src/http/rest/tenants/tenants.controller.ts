import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { CreatedApiKeyResponseDto, CreatedTenantResponseDto, TenantListResponseDto, TenantResponseDto } from './tenant-response.dto';
import { AdminAuth } from '../auth/guards';
import { CreateTenantDto, UpdateTenantDto } from './tenant.dto';
import { TenantsService } from '../../../application/tenants/tenants.service';
import { mapCreatedApiKey, mapCreatedTenant, mapTenant, mapTenants } from './tenant.mapper';

@ApiTags('admin: tenants')
@AdminAuth()
@Controller('v1/admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @ApiCreatedResponse({ type: CreatedTenantResponseDto, description: 'The tenant and its first API key (the only time the key is shown)' })
  @ApiErrors('MissingParameter', 'ValidationError')
  @Post()
  async create(@Body() dto: CreateTenantDto) {
    return mapCreatedTenant(await this.tenants.create({ name: dto.name, quotas: dto.quotas }));
  }

  @ApiOkResponse({ type: TenantListResponseDto })
  @Get() async list() { return mapTenants(await this.tenants.list()); }
  @ApiOkResponse({ type: TenantResponseDto })
  @ApiErrors('InvalidTenantID.NotFound')
  @Get(':id') async get(@Param('id') id: string) { return mapTenant(await this.tenants.get({ tenantId: id })); }

  @ApiOkResponse({ type: TenantResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidTenantID.NotFound')
  @Patch(':id')
  async update(@Param('id') id: string, @Body() dto: UpdateTenantDto) {
    return mapTenant(await this.tenants.update({ tenantId: id, quotas: dto.quotas, requestLimits: dto.requestLimits }));
  }

  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto, description: 'The only time the key is shown' })
  @ApiErrors('InvalidTenantID.NotFound')
  @Post(':id/api-keys') async createKey(@Param('id') id: string) { return mapCreatedApiKey(await this.tenants.createKey({ tenantId: id })); }
  @ApiNoContentResponse({ description: 'Revoked at once' })
  @ApiErrors('InvalidTenantID.NotFound', 'InvalidKeyID.NotFound')
  @Delete(':id/api-keys/:keyId') @HttpCode(204) deleteKey(@Param('id') id: string, @Param('keyId') keyId: string) { return this.tenants.deleteKey({ tenantId: id, keyId }); }
}
