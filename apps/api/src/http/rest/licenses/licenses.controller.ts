import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { CreateLicenseConfigurationDto } from './license.dto';
import { LicensesService } from '../../../application/licenses/licenses.service';

@ApiTags('license configurations')
@TenantAuth()
@Controller('v1/license-configurations')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @Operation('CreateLicenseConfiguration')
  @Post() create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateLicenseConfigurationDto) { return this.licenses.create(tenant, dto); }
  @Operation('ListLicenseConfigurations')
  @Get() list(@CurrentTenant() tenant: TenantEntity) { return this.licenses.list(tenant); }
  @Operation('GetLicenseConfiguration')
  @Get(':id') get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) { return this.licenses.get(tenant, id); }
  @Operation('DeleteLicenseConfiguration')
  @Delete(':id') @HttpCode(204) async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> { await this.licenses.delete(tenant, id); }
}
