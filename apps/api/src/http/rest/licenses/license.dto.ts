import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { LICENSE_COUNTING_TYPES } from '@nimbus/scheduler';

export class CreateLicenseConfigurationDto {
  @ApiProperty({ example: 'sql-server-standard-cores' })
  @IsDefined() @IsString() @Length(1, 255) @Matches(/^[\x20-\x7e]+$/, { message: 'name must be printable ASCII' })
  name!: string;

  @ApiProperty({
    enum: LICENSE_COUNTING_TYPES,
    description: 'vCPU: the instance\'s vCPUs; Core: its cores (vCPUs ÷ 2, product minimums) or, on a Dedicated Host, the host\'s physical cores once; Socket: the Dedicated Host\'s sockets once (Dedicated Hosts only); Instance: one per instance',
  })
  @IsDefined() @IsIn(LICENSE_COUNTING_TYPES)
  countingType!: string;

  @ApiProperty({ example: 64, minimum: 1, description: 'Licenses owned, in the counting type\'s unit' })
  @IsDefined() @IsInt() @Min(1) @Max(1_000_000_000)
  limit!: number;

  @ApiPropertyOptional({ default: false, description: 'true: a launch that would exceed the limit is refused (LicenseLimitExceeded); false: admitted and reported' })
  @IsOptional() @IsBoolean()
  hardLimit: boolean = false;
}
