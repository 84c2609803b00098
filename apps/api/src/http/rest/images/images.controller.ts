import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { ImagesService } from '../../../application/images/images.service';
import { SnapshotsService } from '../../../application/images/snapshots.service';
import { CreateImageDto, CreateSnapshotDto } from './image.dto';
import { mapImage, mapSnapshot } from './image.mapper';

/** Images a tenant can launch (the catalog's, the operator's, its own) and its own images' lifecycle. */
@ApiTags('images')
@TenantAuth()
@Controller('v1/images')
export class ImagesController {
  constructor(private readonly images: ImagesService) {}

  @Operation('DescribeImages')
  @Get()
  async list(@CurrentTenant() tenant: TenantEntity) {
    return { images: (await this.images.describe(tenant)).map(mapImage) };
  }

  @Operation('CreateImage')
  @Post()
  async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateImageDto) {
    return mapImage(await this.images.create(tenant, { instanceId: dto.instanceId, name: dto.name, description: dto.description, noReboot: dto.noReboot, tags: dto.tags }));
  }

  @Operation('DescribeImages')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapImage(await this.images.get(tenant, { imageId: id }));
  }

  @Operation('DeregisterImage')
  @Delete(':id') @HttpCode(204)
  async deregister(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> {
    await this.images.deregister(tenant, { imageId: id });
  }
}

/** A tenant's EBS snapshots. */
@ApiTags('snapshots')
@TenantAuth()
@Controller('v1/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @Operation('CreateSnapshot')
  @Post()
  async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateSnapshotDto) {
    return mapSnapshot(await this.snapshots.create(tenant, { volumeId: dto.volumeId, description: dto.description, tags: dto.tags }));
  }

  @Operation('DescribeSnapshots')
  @Get()
  async list(@CurrentTenant() tenant: TenantEntity) {
    return { snapshots: (await this.snapshots.describe(tenant)).map(mapSnapshot) };
  }

  @Operation('DescribeSnapshots')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapSnapshot((await this.snapshots.describe(tenant, { snapshotIds: [id] }))[0]);
  }

  @Operation('DeleteSnapshot')
  @Delete(':id') @HttpCode(204)
  async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> {
    await this.snapshots.delete(tenant, id);
  }
}
