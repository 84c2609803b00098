import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PLACEMENT_STRATEGIES } from '@nimbus/scheduler';

export class PlacementGroupResponseDto {
  @ApiProperty({ example: 'web-spread' }) groupName!: string;
  @ApiProperty({ example: 'pg-0123456789abcdef0' }) groupId!: string;
  @ApiProperty({ enum: PLACEMENT_STRATEGIES, example: 'spread' }) strategy!: string;
  @ApiPropertyOptional({ example: 3, description: 'partition strategy only' }) partitionCount?: number;
  @ApiProperty({ enum: ['available'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PlacementGroupListResponseDto {
  @ApiProperty({ type: [PlacementGroupResponseDto] }) placementGroups!: PlacementGroupResponseDto[];
}

export class DedicatedHostPropertiesDto {
  @ApiPropertyOptional({ example: 'm5.large', description: 'The one type it takes (or instanceFamily)' }) instanceType?: string;
  @ApiPropertyOptional({ example: 'm5', description: 'The family it takes (or instanceType)' }) instanceFamily?: string;
  @ApiProperty({ example: 2 }) sockets!: number;
  @ApiProperty({ example: 56 }) cores!: number;
  @ApiProperty({ example: 112 }) totalVCpus!: number;
  @ApiProperty({ example: 516096 }) memoryMiB!: number;
}

export class DedicatedHostCapacityDto {
  @ApiProperty({ example: 110 }) availableVCpus!: number;
}

export class HostedInstanceDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: 'm5.large' }) instanceType!: string;
}

/** EC2's DescribeHosts fields. */
export class DedicatedHostResponseDto {
  @ApiProperty({ example: 'h-0123456789abcdef0' }) hostId!: string;
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ enum: ['available', 'under-assessment'] }) state!: string;
  @ApiProperty({ enum: ['on', 'off'] }) autoPlacement!: string;
  @ApiProperty({ type: DedicatedHostPropertiesDto }) hostProperties!: DedicatedHostPropertiesDto;
  @ApiProperty({ type: DedicatedHostCapacityDto }) availableCapacity!: DedicatedHostCapacityDto;
  @ApiProperty({ type: [HostedInstanceDto] }) instances!: HostedInstanceDto[];
  @ApiProperty({ format: 'date-time' }) allocationTime!: string;
}

export class DedicatedHostListResponseDto {
  @ApiProperty({ type: [DedicatedHostResponseDto] }) hosts!: DedicatedHostResponseDto[];
}
