import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { AdminAuth, CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { CredentialsService } from '../../../application/credentials/credentials.service';
import { TenantEntity } from '../../../persistence/entities';
import { AccessKeyListResponseDto, CreatedAccessKeyResponseDto } from './access-key.dto';
import { mapAccessKeys, mapNewAccessKey } from './access-key.mapper';

/** A tenant's own access keys for the EC2 Query protocol: rotate by creating the second, then deleting the old. */
@ApiTags('access keys (EC2 protocol)')
@TenantAuth()
@Controller('v1/access-keys')
export class AccessKeysController {
  constructor(private readonly credentials: CredentialsService) {}

  @Operation('CreateAccessKey')
  @ApiOperation({ summary: 'Creates an access key (at most two); the secret is shown only in this answer' })
  @ApiCreatedResponse({ type: CreatedAccessKeyResponseDto })
  @ApiErrors({ code: 'AccessKeyLimitExceeded', message: 'A tenant may have at most 2 access keys; delete one (AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE) first.' })
  @Post() async create(@CurrentTenant() tenant: TenantEntity) { return mapNewAccessKey(await this.credentials.create({ tenantId: tenant.id })); }

  @Operation('ListAccessKeys')
  @ApiOkResponse({ type: AccessKeyListResponseDto })
  @Get() async list(@CurrentTenant() tenant: TenantEntity) { return mapAccessKeys(await this.credentials.list({ tenantId: tenant.id })); }

  @Operation('DeleteAccessKey')
  @ApiNoContentResponse({ description: 'Revoked: refused from its next request on' })
  @ApiErrors({ code: 'InvalidAccessKeyId.NotFound', message: "The access key 'AKIAIOSFODNN7EXAMPLE' does not exist" })
  @Delete(':accessKeyId') @HttpCode(204) async delete(@CurrentTenant() tenant: TenantEntity, @Param('accessKeyId') accessKeyId: string): Promise<void> {
    await this.credentials.delete({ tenantId: tenant.id, accessKeyId });
  }
}

/** The admin issues and revokes any tenant's access keys. */
@ApiTags('admin: tenants')
@AdminAuth()
@Controller('v1/admin/tenants/:id/access-keys')
export class AdminAccessKeysController {
  constructor(private readonly credentials: CredentialsService) {}

  @ApiOperation({ summary: "Issues an access key for the tenant (at most two); the secret is shown only in this answer" })
  @ApiCreatedResponse({ type: CreatedAccessKeyResponseDto })
  @ApiErrors('InvalidTenantID.NotFound', { code: 'AccessKeyLimitExceeded', message: 'A tenant may have at most 2 access keys; delete one (AKIAIOSFODNN7EXAMPLE, AKIAI44QH8DHBEXAMPLE) first.' })
  @Post() async create(@Param('id') id: string) { return mapNewAccessKey(await this.credentials.create({ tenantId: id })); }

  @ApiOkResponse({ type: AccessKeyListResponseDto })
  @ApiErrors('InvalidTenantID.NotFound')
  @Get() async list(@Param('id') id: string) { return mapAccessKeys(await this.credentials.list({ tenantId: id })); }

  @ApiNoContentResponse({ description: 'Revoked: refused from its next request on' })
  @ApiErrors('InvalidTenantID.NotFound', { code: 'InvalidAccessKeyId.NotFound', message: "The access key 'AKIAIOSFODNN7EXAMPLE' does not exist" })
  @Delete(':accessKeyId') @HttpCode(204) async delete(@Param('id') id: string, @Param('accessKeyId') accessKeyId: string): Promise<void> {
    await this.credentials.delete({ tenantId: id, accessKeyId });
  }
}
