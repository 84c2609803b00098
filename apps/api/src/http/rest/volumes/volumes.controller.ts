import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { VolumeAttachmentResponseDto, VolumeDetailResponseDto, VolumeModificationResponseDto, VolumePageResponseDto, VolumeResponseDto } from './volume-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { AttachVolumeDto, CreateVolumeDto, ListVolumesQueryDto, ModifyVolumeDto } from './volume.dto';
import { mapAttachment, mapVolume, mapVolumeDetail, mapVolumeModification, mapVolumePage } from './volume.mapper';
import { ApiError } from '../../../application/common/api-errors';
import { VolumesService } from '../../../application/volumes/volumes.service';

@ApiTags('volumes')
@TenantAuth()
@Controller('v1/volumes')
export class VolumesController {
  constructor(private readonly volumes: VolumesService) {}

  @ApiCreatedResponse({ type: VolumeResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'IdempotentParameterMismatch', 'InvalidSnapshotID.Malformed', 'InvalidSnapshot.NotFound', 'IncorrectState', 'MaxIOPSLimitExceeded')
  @Operation('CreateVolume')
  @Post()
  async create(@CurrentTenant() tenant: TenantEntity, @Body() dto: CreateVolumeDto) {
    const { availabilityZone, sizeGiB, snapshotId, type, iops, throughputMiBps, clientToken, encrypted, kmsKeyId } = dto;
    return mapVolume(await this.volumes.create(tenant, { availabilityZone, sizeGiB, snapshotId, type, iops, throughputMiBps, clientToken, encrypted, kmsKeyId }));
  }

  @ApiOkResponse({ type: VolumePageResponseDto })
  @ApiErrors('ValidationError', 'InvalidPaginationToken')
  @Operation('DescribeVolumes')
  @Get()
  @ApiQuery({ name: 'state', required: false, enum: ['available', 'in-use'] })
  @ApiQuery({ name: 'instanceId', required: false })
  @ApiQuery({ name: 'availabilityZone', required: false })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  async list(@CurrentTenant() tenant: TenantEntity, @Query() q: ListVolumesQueryDto) {
    const { state, instanceId, availabilityZone, maxResults, nextToken } = q;
    return mapVolumePage(await this.volumes.list(tenant, { state, instanceId, availabilityZone, maxResults, nextToken }));
  }

  @ApiOkResponse({ type: VolumeDetailResponseDto })
  @ApiErrors('InvalidVolumeID.Malformed', 'InvalidVolume.NotFound')
  @Operation('DescribeVolumes')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapVolumeDetail(await this.volumes.get(tenant, { volumeId: id }));
  }

  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors('InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'VolumeInUse')
  @Operation('DeleteVolume')
  @Delete(':id') @HttpCode(204)
  async delete(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string): Promise<void> {
    await this.volumes.delete(tenant, { volumeId: id });
  }

  @ApiOkResponse({ type: VolumeAttachmentResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'InvalidInstanceID.NotFound', 'VolumeInUse', 'IncorrectInstanceState', 'AttachmentLimitExceeded')
  @Operation('AttachVolume')
  @Post(':id/attach') @HttpCode(200)
  async attach(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Body() dto: AttachVolumeDto) {
    return mapAttachment(await this.volumes.attach(tenant, { volumeId: id, instanceId: dto.instanceId, device: dto.device }), 'attached');
  }

  @ApiOkResponse({ type: VolumeAttachmentResponseDto })
  @ApiErrors('InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'IncorrectState')
  @Operation('DetachVolume')
  @Post(':id/detach') @HttpCode(200)
  async detach(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapAttachment(await this.volumes.detach(tenant, { volumeId: id }), 'detached');
  }

  @ApiOkResponse({ type: VolumeModificationResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'IncorrectModificationState', 'MaxIOPSLimitExceeded')
  @Operation('ModifyVolume')
  @Post(':id/modify') @HttpCode(200)
  async modify(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Body() dto: ModifyVolumeDto) {
    const { type, sizeGiB, iops, throughputMiBps } = dto;
    return mapVolumeModification(await this.volumes.modify(tenant, { volumeId: id, type, sizeGiB, iops, throughputMiBps }));
  }

  @ApiOkResponse({ type: VolumeModificationResponseDto })
  @ApiErrors('InvalidVolumeID.Malformed', 'InvalidVolume.NotFound', 'InvalidVolumeModification.NotFound')
  @Operation('DescribeVolumesModifications')
  @Get(':id/modification')
  async modification(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    const [m] = await this.volumes.modifications(tenant, [id]);
    if (!m) throw new ApiError('InvalidVolumeModification.NotFound', `Modification for volume '${id}' does not exist.`);
    return mapVolumeModification(m);
  }
}
