import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { ImageDetailListResponseDto, ImageDetailResponseDto, SnapshotListResponseDto, SnapshotResponseDto } from './image-response.dto';
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

  @ApiOkResponse({ type: ImageDetailListResponseDto })
  @Operation('DescribeImages')
  @Get()
  async list(@CurrentTenant() tenant: TenantEntity) {
    return { images: (await this.images.describe(tenant)).map(mapImage) };
  }

  @ApiCreatedResponse({ type: ImageDetailResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidInstanceID.NotFound', 'IncorrectInstanceState',
    { code: 'InvalidAMIName.Malformed', message: "AMI names must be 3–128 characters" }, { code: 'InvalidAMIName.Duplicate', message: "AMI name 'web' is already in use by AMI ami-0abcdef1234567890" })
  @Operation('CreateImage')
  @Post()
  async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateImageDto) {
    return mapImage(await this.images.create(tenant, { instanceId: dto.instanceId, name: dto.name, description: dto.description, noReboot: dto.noReboot, tags: dto.tags }));
  }

  @ApiOkResponse({ type: ImageDetailResponseDto })
  @ApiErrors({ code: 'InvalidAMIID.NotFound', message: "The image id '[ami-0abcdef1234567890]' does not exist" }, { code: 'InvalidAMIID.Malformed', message: 'Invalid id: "ami-bad" (expecting "ami-...")' })
  @Operation('DescribeImages')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapImage(await this.images.get(tenant, { imageId: id }));
  }

  @ApiNoContentResponse({ description: 'Deregistered' })
  @ApiErrors({ code: 'InvalidAMIID.Unavailable', message: "The image 'ami-0abcdef1234567890' is already deregistered" }, { code: 'InvalidAMIID.NotFound', message: "The image id '[ami-0abcdef1234567890]' does not exist" }, { code: 'InvalidAMIID.Malformed', message: 'Invalid id: "ami-bad" (expecting "ami-...")' })
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

  @ApiCreatedResponse({ type: SnapshotResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidVolume.NotFound')
  @Operation('CreateSnapshot')
  @Post()
  async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateSnapshotDto) {
    return mapSnapshot(await this.snapshots.create(tenant, { volumeId: dto.volumeId, description: dto.description, tags: dto.tags }));
  }

  @ApiOkResponse({ type: SnapshotListResponseDto })
  @Operation('DescribeSnapshots')
  @Get()
  async list(@CurrentTenant() tenant: TenantEntity) {
    return { snapshots: (await this.snapshots.describe(tenant)).map(mapSnapshot) };
  }

  @ApiOkResponse({ type: SnapshotResponseDto })
  @ApiErrors({ code: 'InvalidSnapshot.NotFound', message: "The snapshot 'snap-0123456789abcdef0' does not exist." }, { code: 'InvalidSnapshotID.Malformed', message: 'Invalid id: "snap-bad" (expecting "snap-...")' })
  @Operation('DescribeSnapshots')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapSnapshot((await this.snapshots.describe(tenant, { snapshotIds: [id] }))[0]);
  }

  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({ code: 'InvalidSnapshot.NotFound', message: "The snapshot 'snap-0123456789abcdef0' does not exist." }, { code: 'InvalidSnapshotID.Malformed', message: 'Invalid id: "snap-bad" (expecting "snap-...")' }, { code: 'InvalidSnapshot.InUse', message: "The snapshot snap-0123456789abcdef0 is currently in use by ami-0abcdef1234567890" })
  @Operation('DeleteSnapshot')
  @Delete(':id') @HttpCode(204)
  async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> {
    await this.snapshots.delete(tenant, id);
  }
}
