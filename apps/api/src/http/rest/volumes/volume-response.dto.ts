import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VOLUME_TYPES } from '@nimbus/hypervisor';

export class VolumeAttachmentDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: '/dev/sdf' }) device!: string;
  @ApiProperty({ enum: ['attached'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) attachTime!: string;
  @ApiProperty({ example: false }) deleteOnTermination!: boolean;
}

/** EC2's Volume, camelCase. */
export class VolumeResponseDto {
  @ApiProperty({ example: 'vol-0123456789abcdef0' }) volumeId!: string;
  @ApiProperty({ enum: VOLUME_TYPES, example: 'gp3' }) volumeType!: string;
  @ApiProperty({ example: 100 }) sizeGiB!: number;
  @ApiProperty({ example: 3000 }) iops!: number;
  @ApiProperty({ example: 125 }) throughputMiBps!: number;
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ enum: ['available', 'in-use'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) createTime!: string;
  @ApiProperty({ type: [VolumeAttachmentDto], description: 'One while attached, none while available' }) attachments!: VolumeAttachmentDto[];
  @ApiPropertyOptional({ example: 'snap-0123456789abcdef0', description: 'The snapshot it was created from, if any' }) snapshotId?: string;
  @ApiProperty({ example: false, description: 'Whether it is encrypted (Amazon EBS encryption)' }) encrypted!: boolean;
  @ApiPropertyOptional({ example: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', description: 'The ARN of the KMS key it is encrypted with, when it is' }) kmsKeyId?: string;
}

export class VolumePageResponseDto {
  @ApiProperty({ type: [VolumeResponseDto] }) volumes!: VolumeResponseDto[];
  @ApiPropertyOptional({ example: 'vol-0123456789abcdef0' }) nextToken?: string;
}

export class VolumePerformanceDto {
  @ApiProperty({ example: 3000 }) iopsDemanded!: number;
  @ApiProperty({ example: 3000 }) iopsDelivered!: number;
  @ApiProperty({ example: 0 }) iopsThrottled!: number;
  @ApiProperty({ example: 125 }) throughputMiBps!: number;
  @ApiPropertyOptional({ example: 100, description: 'gp2 only' }) burstBalancePercent?: number;
}

export class VolumeDetailResponseDto extends VolumeResponseDto {
  @ApiProperty({ type: VolumePerformanceDto, description: 'What its IO gets right now' }) performance!: VolumePerformanceDto;
}

/** EC2's VolumeAttachment, as AttachVolume and DetachVolume answer it. */
export class VolumeAttachmentResponseDto {
  @ApiProperty({ example: 'vol-0123456789abcdef0' }) volumeId!: string;
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: '/dev/sdf' }) device!: string;
  @ApiProperty({ enum: ['attached', 'detached'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) attachTime!: string;
  @ApiProperty({ example: false }) deleteOnTermination!: boolean;
}

class VolumeConfigurationDto {
  @ApiProperty({ enum: VOLUME_TYPES, example: 'gp3' }) type!: string;
  @ApiProperty({ example: 200 }) sizeGiB!: number;
  @ApiProperty({ example: 3000 }) iops!: number;
  @ApiProperty({ example: 125 }) throughputMiBps!: number;
}

/** EC2's VolumeModification, camelCase: what the volume was and became, and how far the change is. */
export class VolumeModificationResponseDto {
  @ApiProperty({ example: 'vol-0123456789abcdef0' }) volumeId!: string;
  @ApiProperty({ enum: ['modifying', 'optimizing', 'completed'], description: 'The new configuration is delivered and billed from the start' }) state!: string;
  @ApiProperty({ example: 40, description: '0–100 % of the whole modification' }) progress!: number;
  @ApiProperty({ format: 'date-time' }) startTime!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Once completed' }) endTime?: string;
  @ApiProperty({ type: VolumeConfigurationDto }) original!: VolumeConfigurationDto;
  @ApiProperty({ type: VolumeConfigurationDto }) target!: VolumeConfigurationDto;
}
