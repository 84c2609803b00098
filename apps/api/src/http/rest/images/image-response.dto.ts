import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ARCHITECTURES, PLATFORMS } from '@nimbus/hypervisor';

const TAGS = { type: 'object', additionalProperties: { type: 'string' }, example: { team: 'web' } } as const;

export class ImageBlockDeviceDto {
  @ApiProperty({ example: '/dev/xvda' }) deviceName!: string;
  @ApiProperty({ example: 'snap-0123456789abcdef0' }) snapshotId!: string;
  @ApiProperty({ example: 8 }) volumeSizeGiB!: number;
  @ApiProperty({ example: 'gp3' }) volumeType!: string;
  @ApiPropertyOptional({ example: 3000, description: 'Provisioned IOPS (gp3, io1, io2)' }) iops?: number;
  @ApiPropertyOptional({ example: 125, description: 'Provisioned throughput (gp3)' }) throughputMiBps?: number;
  @ApiProperty({ example: true }) deleteOnTermination!: boolean;
}

/** An image (GET /v1/images, /v1/admin/images): what image.mapper's mapImage returns. */
export class ImageDetailResponseDto {
  @ApiProperty({ example: 'ami-0abcdef1234567890' }) imageId!: string;
  @ApiProperty({ example: 'web-server-2026-12-03' }) name!: string;
  @ApiPropertyOptional({ example: 'The web tier' }) description?: string;
  @ApiProperty({ enum: PLATFORMS, example: 'linux' }) platform!: string;
  @ApiProperty({ enum: ARCHITECTURES, example: 'x86_64' }) architecture!: string;
  @ApiProperty({ enum: ['license-included', 'byol'], example: 'license-included' }) licenseModel!: string;
  @ApiPropertyOptional({ enum: ['windows-server', 'sql-server-standard'], description: 'BYOL images only' }) byolProduct?: string;
  @ApiProperty({ example: 20, description: 'Simulated seconds from pending to running' }) bootSeconds!: number;
  @ApiProperty({ example: 10, description: 'Simulated seconds to stop or terminate' }) shutdownSeconds!: number;
  @ApiProperty({ example: '123456789012', description: "12 digits: Amazon's for public images, the tenant's account id for its own" }) ownerId!: string;
  @ApiPropertyOptional({ example: 'amazon' }) ownerAlias?: string;
  @ApiProperty({ example: false }) public!: boolean;
  @ApiProperty({ enum: ['pending', 'available'], example: 'available' }) state!: string;
  @ApiProperty({ format: 'date-time', example: '2025-01-01T00:00:00.000Z' }) creationDate!: string;
  @ApiProperty({ example: '/dev/xvda' }) rootDeviceName!: string;
  @ApiProperty({ type: [ImageBlockDeviceDto] }) blockDevices!: ImageBlockDeviceDto[];
  @ApiProperty(TAGS) tags!: Record<string, string>;
  @ApiPropertyOptional({ example: 'i-0123456789abcdef0', description: 'CreateImage: the instance it was made from' }) sourceInstanceId?: string;
}

export class ImageDetailListResponseDto {
  @ApiProperty({ type: [ImageDetailResponseDto] }) images!: ImageDetailResponseDto[];
}

export class SnapshotResponseDto {
  @ApiProperty({ example: 'snap-0123456789abcdef0' }) snapshotId!: string;
  @ApiPropertyOptional({ example: 'vol-0123456789abcdef0', description: 'Absent once the volume is gone' }) volumeId?: string;
  @ApiProperty({ example: 8 }) volumeSizeGiB!: number;
  @ApiPropertyOptional({ example: 'nightly' }) description?: string;
  @ApiProperty({ enum: ['pending', 'completed'], example: 'completed' }) state!: string;
  @ApiProperty({ example: '100%' }) progress!: string;
  @ApiProperty({ format: 'date-time', example: '2025-01-01T00:00:00.000Z' }) startTime!: string;
  @ApiProperty({ example: '123456789012' }) ownerId!: string;
  @ApiPropertyOptional({ example: 'ami-0abcdef1234567890', description: 'The image it backs, if any' }) imageId?: string;
  @ApiProperty(TAGS) tags!: Record<string, string>;
}

export class SnapshotListResponseDto {
  @ApiProperty({ type: [SnapshotResponseDto] }) snapshots!: SnapshotResponseDto[];
}

export class CustomTypeNetworkDto {
  @ApiProperty({ example: 0.75 }) baselineGbps!: number;
  @ApiProperty({ example: 10 }) burstGbps!: number;
}

export class CustomTypeEbsDto {
  @ApiProperty({ example: 650 }) baselineMbps!: number;
  @ApiProperty({ example: 4750 }) burstMbps!: number;
  @ApiProperty({ example: 3600 }) baselineIops!: number;
  @ApiProperty({ example: 18750 }) burstIops!: number;
}

export class CustomTypePricesDto {
  @ApiProperty({ example: '0.096' }) linux!: string;
  @ApiPropertyOptional({ example: '0.188' }) windows?: string;
}

export class CustomTypeCapabilitiesDto {
  @ApiPropertyOptional({ enum: ['nitro', 'xen'], example: 'nitro', description: 'Absent on bare metal' }) hypervisor?: string;
  @ApiProperty({ example: false }) bareMetal!: boolean;
  @ApiProperty({ example: 3 }) maxNetworkInterfaces!: number;
  @ApiProperty({ example: 10 }) ipv4AddressesPerInterface!: number;
  @ApiProperty({ example: 10, description: '0: no IPv6' }) ipv6AddressesPerInterface!: number;
  @ApiProperty({ enum: ['unsupported', 'supported', 'required'], example: 'required' }) enaSupport!: string;
  @ApiProperty({ enum: ['unsupported', 'supported', 'required'], example: 'required' }) nvmeSupport!: string;
  @ApiProperty({ enum: ['unsupported', 'supported', 'default'], example: 'default' }) ebsOptimizedSupport!: string;
  @ApiProperty({ enum: ['hvm', 'paravirtual'], isArray: true, example: ['hvm'] }) virtualizationTypes!: string[];
  @ApiProperty({ example: false }) instanceStorageSupported!: boolean;
}

export class CustomInstanceTypeResponseDto {
  @ApiProperty({ example: 'm5.custom' }) name!: string;
  @ApiProperty({ example: 'm5' }) family!: string;
  @ApiProperty({ example: 2 }) vcpus!: number;
  @ApiProperty({ example: 6144 }) memoryMiB!: number;
  @ApiPropertyOptional({ example: 0.2, description: 'Burstable types only' }) baselinePerVcpu?: number;
  @ApiProperty({ enum: ARCHITECTURES, isArray: true, example: ['x86_64'] }) architectures!: string[];
  @ApiProperty({ type: CustomTypeNetworkDto }) network!: CustomTypeNetworkDto;
  @ApiProperty({ type: CustomTypeEbsDto }) ebs!: CustomTypeEbsDto;
  @ApiProperty({ type: CustomTypePricesDto }) hourlyPrices!: CustomTypePricesDto;
  @ApiProperty({ type: CustomTypeCapabilitiesDto }) capabilities!: CustomTypeCapabilitiesDto;
}

export class CustomInstanceTypeListResponseDto {
  @ApiProperty({ type: [CustomInstanceTypeResponseDto] }) instanceTypes!: CustomInstanceTypeResponseDto[];
}
