import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { InstancePageResponseDto, InstanceResponseDto, PasswordDataResponseDto, ReservationResponseDto, StateTransitionResponseDto, TagsResponseDto } from './instance-response.dto';
import { CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { createValidationPipe } from '../validation.pipe';
import { TenantEntity } from '../../../persistence/entities';
import { ListInstancesQueryDto, PutTagsDto, RunInstancesDto } from './instance.dto';
import { InstancesService } from '../../../application/instances/instances.service';
import { mapInstance, mapInstancePage, mapPasswordData, mapReservation, mapTags, mapTransition, toListInstancesQuery, toRunInstancesCommand } from './instance.mapper';

const listQueryPipe = createValidationPipe();

@ApiTags('instances')
@TenantAuth()
@Controller('v1/instances')
export class InstancesController {
  constructor(private readonly instances: InstancesService) {}

  @Operation('RunInstances')
  @ApiCreatedResponse({ type: ReservationResponseDto, description: 'The reservation: its instances, in state pending (all or nothing)' })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'TagLimitExceeded', 'VcpuLimitExceeded', 'LicenseLimitExceeded', 'InvalidAMIID.NotFound', 'InvalidPlacementGroup.Unknown', 'InvalidLicenseConfigurationId.NotFound', 'InvalidHostID.NotFound', 'IdempotentParameterMismatch', 'InsufficientInstanceCapacity', 'InsufficientCapacityOnHost',
    'InvalidSnapshot.NotFound', 'InvalidBlockDeviceMapping', 'AttachmentLimitExceeded', 'MaxIOPSLimitExceeded',
    { code: 'Unsupported', message: 'ED25519 key pairs are not supported with Windows AMIs. Choose a different key pair type and try again.' })
  @Post()
  async run(@CurrentTenant() tenant: TenantEntity, @Body() dto: RunInstancesDto) {
    return mapReservation(await this.instances.run(tenant, toRunInstancesCommand(dto)));
  }

  @Operation('DescribeInstances')
  @ApiOkResponse({ type: InstancePageResponseDto })
  @ApiErrors('ValidationError', 'InvalidPaginationToken')
  @Get()
  @ApiQuery({ name: 'state', required: false })
  @ApiQuery({ name: 'instanceType', required: false })
  @ApiQuery({ name: 'availabilityZone', required: false })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000' })
  @ApiQuery({ name: 'nextToken', required: false })
  @ApiQuery({ name: 'tag:<key>', required: false, description: 'filter by tag value, e.g. tag:Name=web-1' })
  async list(@CurrentTenant() tenant: TenantEntity, @Query() raw: Record<string, unknown>) {
    // `tag:<key>` filters have open-ended names, so they are split off before the DTO is validated.
    const tagFilters = Object.entries(raw)
      .filter(([k]) => k.startsWith('tag:'))
      .map(([k, v]) => [k.slice(4), String(v)] as [string, string]);
    const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('tag:')));
    const q = (await listQueryPipe.transform(rest, { type: 'query', metatype: ListInstancesQueryDto })) as ListInstancesQueryDto;
    return mapInstancePage(await this.instances.list(tenant, toListInstancesQuery(q, tagFilters)));
  }

  @Operation('DescribeInstances')
  @ApiOkResponse({ type: InstanceResponseDto })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Get(':id')
  async get(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapInstance(await this.instances.get(tenant, { instanceId: id }));
  }

  @Operation('GetPasswordData')
  @ApiOkResponse({ type: PasswordDataResponseDto, description: "EC2's GetPasswordData: the Windows Administrator password, encrypted with the launch key pair" })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Get(':id/password-data')
  async passwordData(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapPasswordData(id, await this.instances.passwordData(tenant, { instanceId: id }));
  }

  @Operation('StartInstances')
  @ApiOkResponse({ type: StateTransitionResponseDto })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'IncorrectInstanceState', 'InsufficientInstanceCapacity', 'VcpuLimitExceeded')
  @Post(':id/start') @HttpCode(200)
  async start(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapTransition(await this.instances.start(tenant, { instanceId: id }));
  }

  @Operation('StopInstances')
  @ApiOkResponse({ type: StateTransitionResponseDto })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'IncorrectInstanceState', 'OperationNotPermitted')
  @Post(':id/stop') @HttpCode(200)
  async stop(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapTransition(await this.instances.stop(tenant, { instanceId: id }));
  }

  @Operation('RebootInstances')
  @ApiOkResponse({ type: StateTransitionResponseDto })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'IncorrectInstanceState')
  @Post(':id/reboot') @HttpCode(200)
  async reboot(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapTransition(await this.instances.reboot(tenant, { instanceId: id }));
  }

  @Operation('TerminateInstances')
  @ApiOkResponse({ type: StateTransitionResponseDto, description: 'Terminating: shutting-down, then terminated' })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound', 'OperationNotPermitted')
  @Delete(':id')
  async terminate(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string) {
    return mapTransition(await this.instances.terminate(tenant, { instanceId: id }));
  }

  @Operation('CreateTags')
  @ApiOkResponse({ type: TagsResponseDto })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidParameterValue', 'TagLimitExceeded', 'InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Put(':id/tags')
  async putTags(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Body() dto: PutTagsDto) {
    return mapTags(await this.instances.putTags(tenant, { instanceId: id, tags: dto.tags }));
  }

  @Operation('DeleteTags')
  @ApiNoContentResponse({ description: 'The tag is gone (or was never there)' })
  @ApiErrors('InvalidInstanceID.Malformed', 'InvalidInstanceID.NotFound')
  @Delete(':id/tags/:key') @HttpCode(204)
  deleteTag(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Param('key') key: string) {
    return this.instances.deleteTag(tenant, { instanceId: id, key });
  }
}
