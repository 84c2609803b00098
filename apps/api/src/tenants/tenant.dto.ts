import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

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

export class UpdateTenantDto {
  @ApiProperty({ type: QuotasDto })
  @IsDefined() @ValidateNested() @Type(() => QuotasDto)
  quotas!: QuotasDto;
}
