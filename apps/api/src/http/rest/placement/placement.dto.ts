import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_PARTITIONS, PLACEMENT_STRATEGIES } from '@nimbus/scheduler';

export class CreatePlacementGroupDto {
  @ApiProperty({ example: 'web-spread', description: 'Unique per tenant; 1-255 printable ASCII characters' })
  @IsDefined() @IsString() @Length(1, 255) @Matches(/^[\x20-\x7e]+$/, { message: 'groupName must be printable ASCII' })
  groupName!: string;

  @ApiProperty({
    enum: PLACEMENT_STRATEGIES,
    description: 'cluster: one zone, one rack of at most 16 hosts; spread: distinct hosts, at most 7 running instances per zone; partition: disjoint host sets',
  })
  @IsDefined() @IsIn(PLACEMENT_STRATEGIES)
  strategy!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PARTITIONS, default: 2, description: 'partition strategy only' })
  @IsOptional() @IsInt() @Min(1) @Max(MAX_PARTITIONS)
  partitionCount?: number;
}

export class AllocateHostsDto {
  @ApiPropertyOptional({ example: 'm5.xlarge', description: 'The host takes only this instance type (give this or instanceFamily)' })
  @IsOptional() @IsString()
  instanceType?: string;

  @ApiPropertyOptional({ example: 'm5', description: 'The host takes any type of this family (give this or instanceType)' })
  @IsOptional() @IsString()
  instanceFamily?: string;

  @ApiProperty({ example: 'us-east-1a' })
  @IsDefined() @IsString()
  availabilityZone!: string;

  @ApiPropertyOptional({ default: 1, minimum: 1, maximum: 100 })
  @IsOptional() @IsInt() @Min(1) @Max(100)
  quantity: number = 1;

  @ApiPropertyOptional({ enum: ['on', 'off'], default: 'off', description: "on: tenancy 'host' launches that name no host may land here (EC2's default is off)" })
  @IsOptional() @IsIn(['on', 'off'])
  autoPlacement: 'on' | 'off' = 'off';
}
