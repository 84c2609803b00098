import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AdminAuth } from '../auth/guards';
import { CreateTenantDto, UpdateTenantDto } from './tenant.dto';
import { TenantsService } from '../../../application/tenants/tenants.service';

@ApiTags('admin: tenants')
@AdminAuth()
@Controller('v1/admin/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post() create(@Body() dto: CreateTenantDto) { return this.tenants.create(dto); }
  @Get() list() { return this.tenants.list(); }
  @Get(':id') get(@Param('id') id: string) { return this.tenants.get(id); }
  @Patch(':id') update(@Param('id') id: string, @Body() dto: UpdateTenantDto) { return this.tenants.update(id, dto); }
  @Post(':id/api-keys') createKey(@Param('id') id: string) { return this.tenants.createKey(id); }
  @Delete(':id/api-keys/:keyId') @HttpCode(204) deleteKey(@Param('id') id: string, @Param('keyId') keyId: string) { return this.tenants.deleteKey(id, keyId); }
}
