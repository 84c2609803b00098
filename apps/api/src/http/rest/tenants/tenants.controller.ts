import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../auth/guards';
import { CreateTenantDto, UpdateTenantDto } from './tenant.dto';
import { TenantsService } from '../../../application/tenants/tenants.service';
import { mapCreatedApiKey, mapCreatedTenant, mapTenant, mapTenants } from './tenant.mapper';

@ApiTags('admin: tenants')
@AdminAuth()
@Controller('v1/admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  async create(@Body() dto: CreateTenantDto) {
    return mapCreatedTenant(await this.tenants.create({ name: dto.name, quotas: dto.quotas }));
  }

  @Get() async list() { return mapTenants(await this.tenants.list()); }
  @Get(':id') async get(@Param('id') id: string) { return mapTenant(await this.tenants.get({ tenantId: id })); }

  @Patch(':id')
  async update(@Param('id') id: string, @Body() dto: UpdateTenantDto) {
    return mapTenant(await this.tenants.update({ tenantId: id, quotas: dto.quotas, requestLimits: dto.requestLimits }));
  }

  @Post(':id/api-keys') async createKey(@Param('id') id: string) { return mapCreatedApiKey(await this.tenants.createKey({ tenantId: id })); }
  @Delete(':id/api-keys/:keyId') @HttpCode(204) deleteKey(@Param('id') id: string, @Param('keyId') keyId: string) { return this.tenants.deleteKey({ tenantId: id, keyId }); }
}
