import { ApiProperty } from '@nestjs/swagger';

export class HostCapacityDto {
  @ApiProperty({ example: 112, description: 'Hardware threads' }) threads!: number;
  @ApiProperty({ example: 109.76, description: 'Cores for guests (threads less the hypervisor\'s share)' }) cpuCores!: number;
  @ApiProperty({ example: 516096 }) memoryMiB!: number;
}

export class HostAllocatedDto {
  @ApiProperty({ example: 2 }) reservedCores!: number;
  @ApiProperty({ example: 4 }) limitCores!: number;
  @ApiProperty({ example: 8192 }) memoryMiB!: number;
  @ApiProperty({ example: 4 }) vcpus!: number;
  @ApiProperty({ example: 2 }) instances!: number;
}

export class HostResponseDto {
  @ApiProperty({ example: 'h-0123456789abcdef0' }) hostId!: string;
  @ApiProperty({ example: 'm5-host' }) hostType!: string;
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ enum: ['available', 'draining', 'failed', 'off'] }) state!: string;
  @ApiProperty({ type: HostCapacityDto }) capacity!: HostCapacityDto;
  @ApiProperty({ type: HostAllocatedDto }) allocated!: HostAllocatedDto;
}

export class HostListResponseDto {
  @ApiProperty({ type: [HostResponseDto] }) hosts!: HostResponseDto[];
}

export class HostNicDto {
  @ApiProperty({ example: 100 }) gbps!: number;
  @ApiProperty({ example: true }) sriov!: boolean;
}

export class HostStorageDto {
  @ApiProperty({ example: 400000 }) iops!: number;
  @ApiProperty({ example: 8000 }) mibps!: number;
}

export class HostTypeResponseDto {
  @ApiProperty({ example: 'm5-host' }) name!: string;
  @ApiProperty({ example: '2 × 28-core Xeon (Nitro), general purpose' }) description!: string;
  @ApiProperty({ example: 2 }) sockets!: number;
  @ApiProperty({ example: 28 }) coresPerSocket!: number;
  @ApiProperty({ example: 2 }) threadsPerCore!: number;
  @ApiProperty({ example: 524288 }) memoryMiB!: number;
  @ApiProperty({ example: 8192, description: 'Memory the hypervisor keeps for itself (and the driver domain)' }) hypervisorReserveMiB!: number;
  @ApiProperty({ type: [String], example: ['m5', 't3'] }) families!: string[];
  @ApiProperty({ example: 'hardware-assisted', description: 'hardware-assisted, paravirtual, binary-translation' }) virtualization!: string;
  @ApiProperty({ type: HostNicDto }) nic!: HostNicDto;
  @ApiProperty({ type: HostStorageDto }) storage!: HostStorageDto;
  @ApiProperty({ type: [Number], description: 'Watts at 0 %, 10 %, …, 100 % CPU', example: [118, 170, 196, 220, 244, 268, 295, 325, 360, 398, 440] }) powerWatts!: number[];
  @ApiProperty({ example: 112, description: 'Hardware threads' }) threads!: number;
}

export class HostTypeListResponseDto {
  @ApiProperty({ type: [HostTypeResponseDto] }) hostTypes!: HostTypeResponseDto[];
}
