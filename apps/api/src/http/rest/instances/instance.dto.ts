import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../page-query.dto';
import { Type } from 'class-transformer';
import {
  IsArray, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { LaunchVolumeDto } from '../volumes/volume.dto';
import { IsDecimalNumber } from '../decimal-number';

export class CpuOptionsDto {
  @ApiPropertyOptional({ description: 'Cores guaranteed (at most what the type reserves)', example: 1 })
  @IsOptional() @IsDecimalNumber(3) @Min(0)
  reservation?: number;

  @ApiPropertyOptional({ description: 'Cores at most (at most the vCPUs, not below the reservation)', example: 2 })
  @IsOptional() @IsDecimalNumber(3) @Min(0.001)
  limit?: number;

  @ApiPropertyOptional({ description: 'Shares (default 1024 per vCPU; may only be raised)', example: 4096 })
  @IsOptional() @IsInt() @Min(1)
  weight?: number;
}

export class MaintenanceOptionsDto {
  @ApiPropertyOptional({ enum: ['default', 'disabled'], description: 'EC2 simplified automatic recovery: restart on healthy hardware after a host failure' })
  @IsOptional() @IsIn(['default', 'disabled'])
  autoRecovery?: 'default' | 'disabled';
}

export class RunInstancesDto {
  @ApiProperty({ example: 'ami-0a1e0c00000000a23' })
  @IsDefined() @IsString()
  imageId!: string;

  @ApiProperty({ example: 't3.micro' })
  @IsDefined() @IsString()
  instanceType!: string;

  @ApiPropertyOptional({ type: Number, default: 1, minimum: 1, maximum: 1000 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  minCount: number = 1;

  @ApiPropertyOptional({ type: Number, default: 1, minimum: 1, maximum: 1000 })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  maxCount: number = 1;

  @ApiPropertyOptional({ example: 'us-east-1a' })
  @IsOptional() @IsString()
  availabilityZone?: string;

  @ApiPropertyOptional({
    enum: ['default', 'dedicated', 'host'],
    description: 'default: shared hosts; dedicated: hosts that hold no other tenant\'s instances; host: your Dedicated Hosts (hostId, or any with auto-placement on). Default: host when hostId is given, else default',
  })
  @IsOptional() @IsIn(['default', 'dedicated', 'host'])
  tenancy?: 'default' | 'dedicated' | 'host';

  @ApiPropertyOptional({ example: 'h-0123456789abcdef0', description: 'tenancy host: one of your Dedicated Hosts' })
  @IsOptional() @IsString()
  hostId?: string;

  @ApiPropertyOptional({ example: 'web-spread', description: 'The name of one of your placement groups' })
  @IsOptional() @IsString()
  placementGroup?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 7, description: 'Partition placement groups: the partition (omitted: instances are spread evenly over the partitions)' })
  @IsOptional() @IsInt() @Min(1) @Max(7)
  partitionNumber?: number;

  @ApiPropertyOptional({ example: 'lic-0123456789abcdef0', description: 'BYOL images: the license configuration the instances consume from (see /v1/license-configurations)' })
  @IsOptional() @IsString()
  licenseConfigurationId?: string;

  @ApiPropertyOptional({ type: CpuOptionsDto })
  @IsOptional() @ValidateNested() @Type(() => CpuOptionsDto)
  cpu?: CpuOptionsDto;

  @ApiPropertyOptional({ enum: ['standard', 'unlimited'], description: 'burstable types only; EC2 launches T3 as unlimited by default' })
  @IsOptional() @IsIn(['standard', 'unlimited'])
  creditSpecification?: 'standard' | 'unlimited';

  @ApiPropertyOptional({
    type: [LaunchVolumeDto], maxItems: 28,
    description: "Volumes created with each instance in its zone, attached at the image's root device (/dev/xvda, or /dev/sda1 for Ubuntu, Red Hat, SUSE and Windows), then /dev/sdf, /dev/sdg, …, and deleted on termination",
  })
  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => LaunchVolumeDto)
  volumes?: LaunchVolumeDto[];

  @ApiPropertyOptional({ type: MaintenanceOptionsDto })
  @IsOptional() @ValidateNested() @Type(() => MaintenanceOptionsDto)
  maintenanceOptions?: MaintenanceOptionsDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { Name: 'web-1' } })
  @IsOptional() @IsObject()
  tags?: Record<string, string>;

  @ApiPropertyOptional({ example: 'subnet-0123456789abcdef0', description: 'One of your subnets (its zone is then the instances\' zone). Default: the default subnet of the zone placement chooses' })
  @IsOptional() @IsString()
  subnetId?: string;

  @ApiPropertyOptional({ type: [String], example: ['sg-0123456789abcdef0'], description: 'Security groups of the subnet\'s VPC. Default: the VPC\'s default group' })
  @IsOptional() @IsArray() @IsString({ each: true })
  securityGroupIds?: string[];

  @ApiPropertyOptional({ example: '172.31.16.10', description: 'The primary private IPv4 address (one instance only): inside the subnet and free' })
  @IsOptional() @IsString()
  privateIpAddress?: string;

  @ApiPropertyOptional({ example: 'my-key', description: 'The name of one of your key pairs' })
  @IsOptional() @IsString()
  keyName?: string;

  @ApiPropertyOptional({ description: 'Idempotency token: the same token returns the same reservation', maxLength: 64 })
  @IsOptional() @IsString() @Length(1, 64) @Matches(/^[\x20-\x7e]+$/, { message: 'clientToken must be printable ASCII' })
  clientToken?: string;
}

export class ListInstancesQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'])
  state?: string;

  @IsOptional() @IsString()
  instanceType?: string;

  @IsOptional() @IsString()
  availabilityZone?: string;
}

export class PutTagsDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { Name: 'web-1', team: 'infra' } })
  @IsDefined() @IsObject()
  tags!: Record<string, string>;
}
