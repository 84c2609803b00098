import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { AttachVolumeDto, CreateVolumeDto, ListVolumesQueryDto } from './volume.dto';
import { VolumesService } from '../../../application/volumes/volumes.service';

@ApiTags('volumes')
@TenantAuth()
@Controller('v1/volumes')
export class VolumesController {
  constructor(private readonly volumes: VolumesService) {}

  @Operation('CreateVolume')
  @Post()
  create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateVolumeDto) {
    return this.volumes.create(tenant, dto);
  }

  @Operation('DescribeVolumes')
  @Get()
  @ApiQuery({ name: 'state', required: false, enum: ['available', 'in-use'] })
  @ApiQuery({ name: 'instanceId', required: false })
  @ApiQuery({ name: 'availabilityZone', required: false })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  list(@CurrentTenant() tenant: TenantEntity, @Query() q: ListVolumesQueryDto) {
    return this.volumes.list(tenant, q);
  }

  @Operation('DescribeVolumes')
  @Get(':id')
  get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return this.volumes.get(tenant, id);
  }

  @Operation('DeleteVolume')
  @Delete(':id') @HttpCode(204)
  async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> {
    await this.volumes.delete(tenant, id);
  }

  @Operation('AttachVolume')
  @Post(':id/attach') @HttpCode(200)
  attach(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Body() dto: AttachVolumeDto) {
    return this.volumes.attach(tenant, id, dto);
  }

  @Operation('DetachVolume')
  @Post(':id/detach') @HttpCode(200)
  detach(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return this.volumes.detach(tenant, id);
  }
}
