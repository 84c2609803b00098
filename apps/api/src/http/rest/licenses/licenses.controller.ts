import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { LicenseConfigurationListResponseDto, LicenseConfigurationResponseDto } from './license-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { CreateLicenseConfigurationDto } from './license.dto';
import { mapLicenseConfiguration, toCreateLicenseConfigurationCommand } from './license.mapper';
import { LicensesService } from '../../../application/licenses/licenses.service';

@ApiTags('license configurations')
@TenantAuth()
@Controller('v1/license-configurations')
export class LicensesController {
  constructor(private readonly licenses: LicensesService) {}

  @ApiCreatedResponse({ type: LicenseConfigurationResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError')
  @Operation('CreateLicenseConfiguration')
  @Post() async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateLicenseConfigurationDto) {
    return mapLicenseConfiguration(await this.licenses.create(tenant, toCreateLicenseConfigurationCommand(dto)));
  }
  @ApiOkResponse({ type: LicenseConfigurationListResponseDto })
  @Operation('ListLicenseConfigurations')
  @Get() async list(@CurrentTenant() tenant: TenantEntity) { return { licenseConfigurations: (await this.licenses.list(tenant)).map(mapLicenseConfiguration) }; }
  @ApiOkResponse({ type: LicenseConfigurationResponseDto })
  @ApiErrors('InvalidLicenseConfigurationId.NotFound')
  @Operation('GetLicenseConfiguration')
  @Get(':id') async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) { return mapLicenseConfiguration(await this.licenses.get(tenant, id)); }
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('InvalidLicenseConfigurationId.NotFound', 'LicenseConfigurationInUse')
  @Operation('DeleteLicenseConfiguration')
  @Delete(':id') @HttpCode(204) async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> { await this.licenses.delete(tenant, id); }
}
