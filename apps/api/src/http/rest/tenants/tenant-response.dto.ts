import { ApiProperty } from '@nestjs/swagger';

export class TenantQuotasDto {
  @ApiProperty({ example: 64 }) onDemandVcpus!: number;
  @ApiProperty({ example: 100000 }) provisionedIops!: number;
}

const OPERATION_LIMITS = {
  type: 'object',
  properties: {
    bucketSize: { type: 'integer', example: 100 }, refillPerSecond: { type: 'number', example: 20 },
    resourceBucketSize: { type: 'integer', example: 1000 }, resourceRefillPerSecond: { type: 'number', example: 2 },
  },
} as const;

export class RequestLimitsDto {
  @ApiProperty({ example: 1, description: 'Scales every request and resource bucket of the tenant' }) multiplier!: number;
  @ApiProperty({
    type: 'object', additionalProperties: OPERATION_LIMITS, description: 'Per operation (EC2 action name): its own buckets',
    example: { RunInstances: { bucketSize: 100, refillPerSecond: 20 } },
  })
  operations!: Record<string, unknown>;
}

export class TenantResponseDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 'acme' }) name!: string;
  @ApiProperty({ example: '123456789012', description: 'Its 12-digit AWS account id (owner of its EC2 resources)' }) accountId!: string;
  @ApiProperty({ type: TenantQuotasDto }) quotas!: TenantQuotasDto;
  @ApiProperty({ type: RequestLimitsDto, description: "Its request limits (EC2's published figures unless raised)" }) requestLimits!: RequestLimitsDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TenantListResponseDto {
  @ApiProperty({ type: [TenantResponseDto] }) tenants!: TenantResponseDto[];
}

export class NewApiKeyDto {
  @ApiProperty({ example: 'key-0123456789abcdef0' }) keyId!: string;
  @ApiProperty({ example: 'nmb_KsXzSvWgW9-Wfj0eZunaxRNxYNRMvab1TOY-9XzjspM', description: 'The key: shown this once only' }) key!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedTenantResponseDto {
  @ApiProperty({ type: TenantResponseDto }) tenant!: TenantResponseDto;
  @ApiProperty({ type: NewApiKeyDto }) apiKey!: NewApiKeyDto;
}

export class CreatedApiKeyResponseDto {
  @ApiProperty({ type: NewApiKeyDto }) apiKey!: NewApiKeyDto;
}

export class ApiKeySummaryDto {
  @ApiProperty({ example: 'key-0123456789abcdef0' }) keyId!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ApiKeyListResponseDto {
  @ApiProperty({ type: [ApiKeySummaryDto] }) apiKeys!: ApiKeySummaryDto[];
}
