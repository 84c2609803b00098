import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Length, Max, Min, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { parseRequestLimits, RequestLimits } from '../../../application/throttling';

export class QuotasDto {
  @ApiPropertyOptional({ description: 'Running On-Demand vCPUs the tenant may hold', example: 64 })
  @IsOptional() @IsInt() @Min(0) @Max(1_000_000)
  onDemandVcpus?: number;

  @ApiPropertyOptional({ description: 'Provisioned IOPS across all volumes', example: 100000 })
  @IsOptional() @IsInt() @Min(0) @Max(100_000_000)
  provisionedIops?: number;
}

export class CreateTenantDto {
  @ApiProperty({ example: 'acme' })
  @IsDefined() @IsString() @Length(1, 128)
  name!: string;

  @ApiPropertyOptional({ type: QuotasDto })
  @IsOptional() @ValidateNested() @Type(() => QuotasDto)
  quotas?: QuotasDto;
}

/** Validates `requestLimits` with the throttle's own rules, so the 400 names each bad path. */
function IsRequestLimits(): PropertyDecorator {
  const problems = (value: unknown) => {
    const r = parseRequestLimits(value);
    return 'errors' in r ? r.errors : [];
  };
  return ValidateBy({
    name: 'isRequestLimits',
    validator: { validate: (value) => problems(value).length === 0, defaultMessage: (args) => problems(args?.value).join('; ') },
  });
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ type: QuotasDto, description: 'Required unless requestLimits is given' })
  @ValidateIf((o: UpdateTenantDto) => o.requestLimits === undefined) @IsDefined() @ValidateNested() @Type(() => QuotasDto)
  quotas?: QuotasDto;

  @ApiPropertyOptional({
    description:
      'Raised request limits, as EC2 grants limit increases. `multiplier` (1 to 100000) scales the size and refill rate of every request and ' +
      'resource bucket of the tenant; `operations` gives an operation (EC2 action name) its own request bucket (`bucketSize`, `refillPerSecond`) ' +
      'and, for Run/Start/Stop/TerminateInstances, resource bucket (`resourceBucketSize`, `resourceRefillPerSecond`). Each part, when given, ' +
      'replaces the current one; an omitted part is kept; null resets to EC2\'s published figures.',
    example: { multiplier: 10, operations: { RunInstances: { bucketSize: 100, refillPerSecond: 20 } } },
    nullable: true,
    type: 'object',
    properties: {
      multiplier: { type: 'number', minimum: 1, maximum: 100000 },
      operations: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          properties: {
            bucketSize: { type: 'integer', minimum: 1 }, refillPerSecond: { type: 'number', minimum: 0, exclusiveMinimum: true },
            resourceBucketSize: { type: 'integer', minimum: 1 }, resourceRefillPerSecond: { type: 'number', minimum: 0, exclusiveMinimum: true },
          },
        },
      },
    },
    additionalProperties: false,
  })
  @IsOptional() @IsRequestLimits()
  requestLimits?: RequestLimits | null;
}
