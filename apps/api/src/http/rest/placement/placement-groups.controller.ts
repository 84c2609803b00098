import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { CreatePlacementGroupDto } from './placement.dto';
import { PlacementGroupsService } from '../../../application/placement/placement-groups.service';

@ApiTags('placement groups')
@TenantAuth()
@Controller('v1/placement-groups')
export class PlacementGroupsController {
  constructor(private readonly groups: PlacementGroupsService) {}

  @Operation('CreatePlacementGroup')
  @Post() create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreatePlacementGroupDto) { return this.groups.create(tenant, dto); }
  @Operation('DescribePlacementGroups')
  @Get() list(@CurrentTenant() tenant: TenantEntity) { return this.groups.list(tenant); }
  @Operation('DeletePlacementGroup')
  @Delete(':name') @HttpCode(204) async delete(@CurrentTenant() tenant: TenantEntity, @Param('name') name: string): Promise<void> { await this.groups.delete(tenant, name); }
}
