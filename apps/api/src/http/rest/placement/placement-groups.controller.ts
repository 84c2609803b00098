import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { PlacementGroupListResponseDto, PlacementGroupResponseDto } from './placement-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { CreatePlacementGroupDto } from './placement.dto';
import { mapPlacementGroup, toCreatePlacementGroupCommand } from './placement.mapper';
import { PlacementGroupsService } from '../../../application/placement/placement-groups.service';

@ApiTags('placement groups')
@TenantAuth()
@Controller('v1/placement-groups')
export class PlacementGroupsController {
  constructor(private readonly groups: PlacementGroupsService) {}

  @ApiCreatedResponse({ type: PlacementGroupResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidPlacementGroup.Duplicate')
  @Operation('CreatePlacementGroup')
  @Post() async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreatePlacementGroupDto) { return mapPlacementGroup(await this.groups.create(tenant, toCreatePlacementGroupCommand(dto))); }
  @ApiOkResponse({ type: PlacementGroupListResponseDto })
  @Operation('DescribePlacementGroups')
  @Get() async list(@CurrentTenant() tenant: TenantEntity) { return { placementGroups: (await this.groups.list(tenant)).map(mapPlacementGroup) }; }
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('InvalidPlacementGroup.Unknown', 'InvalidPlacementGroup.InUse')
  @Operation('DeletePlacementGroup')
  @Delete(':name') @HttpCode(204) async delete(@CurrentTenant() tenant: TenantEntity, @Param('name') name: string): Promise<void> { await this.groups.delete(tenant, name); }
}
