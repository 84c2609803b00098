import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class BurstableDto {
  @ApiProperty({ example: 0.1, description: 'Baseline CPU per vCPU (0.1 = 10 %)' }) baselinePerVcpu!: number;
  @ApiProperty({ example: 12, description: 'CPU credits earned per hour' }) creditsPerHour!: number;
}

export class InstanceTypeNetworkDto {
  @ApiProperty({ example: 0.064 }) baselineGbps!: number;
  @ApiProperty({ example: 5 }) burstGbps!: number;
}

export class InstanceTypeEbsDto {
  @ApiProperty({ example: 87 }) baselineMbps!: number;
  @ApiProperty({ example: 2085 }) burstMbps!: number;
  @ApiProperty({ example: 500 }) baselineIops!: number;
  @ApiProperty({ example: 11800 }) burstIops!: number;
}

export class InstanceTypeResponseDto {
  @ApiProperty({ example: 't3.micro' }) name!: string;
  @ApiProperty({ example: 't3' }) family!: string;
  @ApiProperty({ example: 2 }) vcpus!: number;
  @ApiProperty({ example: 1024 }) memoryMiB!: number;
  @ApiPropertyOptional({ type: BurstableDto, description: 'Burstable (T) types only' }) burstable?: BurstableDto;
  @ApiProperty({ type: InstanceTypeNetworkDto }) network!: InstanceTypeNetworkDto;
  @ApiProperty({ type: InstanceTypeEbsDto }) ebs!: InstanceTypeEbsDto;
  @ApiProperty({
    type: 'object', additionalProperties: { type: 'string' }, description: 'On-Demand USD per hour by platform (decimal strings)',
    example: { linux: '0.0104', windows: '0.0196' },
  })
  hourlyPriceUsd!: Record<string, string>;
}

export class InstanceTypeListResponseDto {
  @ApiProperty({ type: [InstanceTypeResponseDto] }) instanceTypes!: InstanceTypeResponseDto[];
}

export class AvailabilityZoneResponseDto {
  @ApiProperty({ example: 'us-east-1a' }) zoneName!: string;
  @ApiProperty({ example: 'us-east-1' }) regionName!: string;
  @ApiProperty({ enum: ['available'] }) state!: string;
}

export class AvailabilityZoneListResponseDto {
  @ApiProperty({ type: [AvailabilityZoneResponseDto] }) availabilityZones!: AvailabilityZoneResponseDto[];
}
