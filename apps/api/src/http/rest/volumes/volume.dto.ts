import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '../page-query.dto';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, ValidateIf } from 'class-validator';
import { VOLUME_TYPES, VolumeType } from '@nimbus/hypervisor';

/** A volume's performance and encryption settings, as both a launch's volumes and CreateVolume take them. */
abstract class VolumePerformanceDto {
  @ApiPropertyOptional({ description: 'Encrypt it (EC2\'s Encrypted): with `kmsKeyId`, or the account\'s default key. A volume of an encrypted snapshot, or made while encryption by default is on, is encrypted whatever this says', example: true })
  @IsOptional() @IsBoolean()
  encrypted?: boolean;

  @ApiPropertyOptional({ description: 'The KMS key (EC2\'s KmsKeyId): a key id, alias (alias/aws/ebs: the AWS managed key), key ARN or alias ARN; needs `encrypted: true`', example: 'alias/aws/ebs' })
  @IsOptional() @IsString()
  kmsKeyId?: string;

  @ApiPropertyOptional({ description: 'Provisioned IOPS: gp3 (3,000–16,000, default 3,000), io1 (required, 100–64,000, ≤ 50/GiB) and io2 (required, 100–64,000, ≤ 500/GiB); not gp2, st1, sc1, standard', example: 3000 })
  @IsOptional() @IsInt()
  iops?: number;

  @ApiPropertyOptional({ description: 'gp3 only: 125–1,000 MiB/s (default 125)', example: 125 })
  @IsOptional() @IsInt()
  throughputMiBps?: number;
}

/** A volume created with an instance (RunInstances' `volumes`): deleted when the instance terminates. */
export class LaunchVolumeDto extends VolumePerformanceDto {
  @ApiPropertyOptional({ example: 20, description: 'GiB (gp2, gp3: 1–16,384; io1, io2: 4–16,384; st1, sc1: 125–16,384; standard: 1–1,024). Required unless `snapshotId` is given (default: the snapshot\'s size; never smaller)' })
  @ValidateIf((o: LaunchVolumeDto) => o.snapshotId === undefined) @IsDefined() @IsInt()
  sizeGiB?: number;

  @ApiPropertyOptional({ example: 'snap-0123456789abcdef0', description: 'A completed snapshot of the tenant\'s to create the volume from' })
  @IsOptional() @IsString()
  snapshotId?: string;

  @ApiProperty({ enum: VOLUME_TYPES, example: 'gp3' })
  @IsDefined() @IsIn(VOLUME_TYPES)
  type!: VolumeType;
}

export class CreateVolumeDto extends VolumePerformanceDto {
  @ApiProperty({ example: 'us-east-1a' })
  @IsDefined() @IsString()
  availabilityZone!: string;

  @ApiPropertyOptional({ example: 100, description: 'GiB (gp2, gp3: 1–16,384; io1, io2: 4–16,384; st1, sc1: 125–16,384; standard: 1–1,024). Required unless `snapshotId` is given (default: the snapshot\'s size; never smaller)' })
  @ValidateIf((o: CreateVolumeDto) => o.snapshotId === undefined) @IsDefined() @IsInt()
  sizeGiB?: number;

  @ApiPropertyOptional({ example: 'snap-0123456789abcdef0', description: 'A completed snapshot of the tenant\'s to create the volume from' })
  @IsOptional() @IsString()
  snapshotId?: string;

  @ApiPropertyOptional({ enum: VOLUME_TYPES, default: 'gp2', description: 'gp2 by default, as EC2' })
  @IsOptional() @IsIn(VOLUME_TYPES)
  type: VolumeType = 'gp2';

  @ApiPropertyOptional({ description: 'Idempotency token: the same token and request return the same volume', maxLength: 64 })
  @IsOptional() @IsString() @Length(1, 64) @Matches(/^[\x20-\x7e]+$/, { message: 'clientToken must be printable ASCII' })
  clientToken?: string;
}

export class AttachVolumeDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' })
  @IsDefined() @IsString()
  instanceId!: string;

  @ApiPropertyOptional({ example: '/dev/sdf', description: 'Default: the first free of /dev/sdf … /dev/sdp on the instance' })
  @IsOptional() @IsString()
  device?: string;
}

export class ListVolumesQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['available', 'in-use'])
  state?: string;

  @IsOptional() @IsString()
  instanceId?: string;

  @IsOptional() @IsString()
  availabilityZone?: string;
}

/** ModifyVolume: any of these; a field left out keeps its value when the type stays, else takes the new type's default. */
export class ModifyVolumeDto extends VolumePerformanceDto {
  @ApiPropertyOptional({ enum: VOLUME_TYPES, example: 'gp3' })
  @IsOptional() @IsIn(VOLUME_TYPES)
  type?: VolumeType;

  @ApiPropertyOptional({ example: 200, description: 'GiB, never smaller than now (gp2, gp3, io1, io2, st1, sc1: up to 16,384; st1, sc1 at least 125; standard volumes are not modified)' })
  @IsOptional() @IsInt()
  sizeGiB?: number;
}
