import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ARCHITECTURES, Architecture, EbsOptimizedSupport, LicensedProduct, LicenseModel, Platform, PLATFORMS, ROOT_DEVICE_NAMES, SupportLevel, VirtualizationType } from '@nimbus/hypervisor';
import { ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

/** POST /v1/images: CreateImage of one of your instances. */
export class CreateImageDto {
  @ApiProperty({ example: 'i-0123456789abcdef0', description: 'Your instance, running or stopped' })
  @IsDefined() @IsString()
  instanceId!: string;

  @ApiProperty({ example: 'web-server-2026-12-03', description: "3–128 characters: letters, digits, ( ) [ ] space . / - ' @ _; unique among your images" })
  @IsDefined() @IsString()
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @Length(0, 255)
  description?: string;

  @ApiPropertyOptional({ default: false, description: 'Without it a running instance reboots for a consistent image, as on EC2' })
  @IsOptional() @IsBoolean()
  noReboot?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'web' } })
  @IsOptional() @IsObject()
  tags?: Record<string, unknown>;
}

/** POST /v1/snapshots: CreateSnapshot of one of your volumes. */
export class CreateSnapshotDto {
  @ApiProperty({ example: 'vol-0123456789abcdef0' })
  @IsDefined() @IsString()
  volumeId!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @Length(0, 255)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  @IsOptional() @IsObject()
  tags?: Record<string, unknown>;
}

/** POST /v1/admin/images: an operator's public image, with a chosen id or a generated one. */
export class AddImageDto {
  @ApiPropertyOptional({ example: 'ami-0abcdef1234567890', description: "'ami-' and 8 or 17 hex digits; generated when omitted" })
  @IsOptional() @IsString()
  imageId?: string;

  @ApiProperty({ example: 'team-base-al2023', minLength: 3, maxLength: 128 })
  @IsDefined() @IsString() @Length(3, 128)
  name!: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional() @IsString() @Length(0, 255)
  description?: string;

  @ApiProperty({ enum: PLATFORMS, description: 'What billing charges for the OS' })
  @IsDefined() @IsIn(PLATFORMS)
  platform!: Platform;

  @ApiPropertyOptional({ enum: ARCHITECTURES, default: 'x86_64' })
  @IsOptional() @IsIn(ARCHITECTURES)
  architecture?: Architecture;

  @ApiPropertyOptional({ enum: ['license-included', 'byol'], default: 'license-included' })
  @IsOptional() @IsIn(['license-included', 'byol'])
  licenseModel?: LicenseModel;

  @ApiPropertyOptional({ enum: ['windows-server', 'sql-server-standard'], description: 'BYOL: the product whose licenses the tenant brings' })
  @IsOptional() @IsIn(['windows-server', 'sql-server-standard'])
  byolProduct?: LicensedProduct;

  @ApiPropertyOptional({ description: 'Simulated seconds from pending to running (default 20, Windows 180)', minimum: 1, maximum: 3600 })
  @IsOptional() @IsInt() @Min(1) @Max(3600)
  bootSeconds?: number;

  @ApiPropertyOptional({ description: 'Simulated seconds to stop or terminate (default 10, Windows 60)', minimum: 1, maximum: 3600 })
  @IsOptional() @IsInt() @Min(1) @Max(3600)
  shutdownSeconds?: number;

  @ApiPropertyOptional({ enum: ROOT_DEVICE_NAMES, default: '/dev/xvda', description: "Its root device, as the AMI it mirrors has it (Ubuntu's, Windows': /dev/sda1)" })
  @IsOptional() @IsIn(ROOT_DEVICE_NAMES)
  rootDeviceName?: string;

  @ApiPropertyOptional({ example: '099720109477', description: "The account EC2 shows as its owner, as the AMI it mirrors has it (12 digits; default Amazon's, 137112412989)" })
  @IsOptional() @IsString() @Matches(/^\d{12}$/)
  ownerId?: string;

  @ApiPropertyOptional({ enum: ['amazon'], nullable: true, description: "EC2's imageOwnerAlias: amazon, or null for none. Default: amazon with Amazon's account, none with another ownerId" })
  @IsOptional() @IsIn(['amazon'])
  ownerAlias?: 'amazon' | null;
}

export class NetworkLimitsDto {
  @ApiProperty({ example: 0.75 }) @IsDefined() @IsNumber() @Min(0.001) baselineGbps!: number;
  @ApiProperty({ example: 10 }) @IsDefined() @IsNumber() @Min(0.001) burstGbps!: number;
}

export class EbsLimitsDto {
  @ApiProperty({ example: 650 }) @IsDefined() @IsNumber() @Min(1) baselineMbps!: number;
  @ApiProperty({ example: 4750 }) @IsDefined() @IsNumber() @Min(1) burstMbps!: number;
  @ApiProperty({ example: 3600 }) @IsDefined() @IsNumber() @Min(1) baselineIops!: number;
  @ApiProperty({ example: 18750 }) @IsDefined() @IsNumber() @Min(1) burstIops!: number;
}

export class HourlyPricesDto {
  @ApiProperty({ example: '0.096', description: 'Linux On-Demand USD per hour (base compute), a decimal string' })
  @IsDefined() @IsString()
  linux!: string;

  @ApiPropertyOptional({ example: '0.188', description: 'The full Windows price; omitted: Linux + $0.046 per vCPU-hour (x86_64 types)' })
  @IsOptional() @IsString()
  windows?: string;
}

/** What DescribeInstanceTypes says of a custom type's hardware; each omitted field takes the default shown. */
export class InstanceTypeCapabilitiesDto {
  @ApiPropertyOptional({ enum: ['nitro', 'xen'], default: 'nitro', description: 'None on bare metal' }) @IsOptional() @IsIn(['nitro', 'xen']) hypervisor?: 'nitro' | 'xen';
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() bareMetal?: boolean;
  @ApiPropertyOptional({ default: 3, minimum: 1, maximum: 64 }) @IsOptional() @IsInt() @Min(1) @Max(64) maxNetworkInterfaces?: number;
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 50 }) @IsOptional() @IsInt() @Min(1) @Max(50) ipv4AddressesPerInterface?: number;
  @ApiPropertyOptional({ description: 'Default: as IPv4; 0: no IPv6', minimum: 0, maximum: 50 }) @IsOptional() @IsInt() @Min(0) @Max(50) ipv6AddressesPerInterface?: number;
  @ApiPropertyOptional({ enum: ['unsupported', 'supported', 'required'], default: 'required' }) @IsOptional() @IsIn(['unsupported', 'supported', 'required']) enaSupport?: SupportLevel;
  @ApiPropertyOptional({ enum: ['unsupported', 'supported', 'required'], default: 'required' }) @IsOptional() @IsIn(['unsupported', 'supported', 'required']) nvmeSupport?: SupportLevel;
  @ApiPropertyOptional({ enum: ['unsupported', 'supported', 'default'], default: 'default' }) @IsOptional() @IsIn(['unsupported', 'supported', 'default']) ebsOptimizedSupport?: EbsOptimizedSupport;
  @ApiPropertyOptional({ enum: ['hvm', 'paravirtual'], isArray: true, default: ['hvm'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(['hvm', 'paravirtual'], { each: true })
  virtualizationTypes?: VirtualizationType[];
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() instanceStorageSupported?: boolean;
}

/** POST /v1/admin/instance-types: a custom instance type of a family some host type runs. */
export class AddInstanceTypeDto {
  @ApiProperty({ example: 'm5.custom', description: "'<family>.<size>': the family decides which hosts run it" })
  @IsDefined() @IsString()
  name!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 1024 }) @IsDefined() @IsInt() @Min(1) @Max(1024) vcpus!: number;
  @ApiProperty({ example: 6144, minimum: 256 }) @IsDefined() @IsInt() @Min(256) memoryMiB!: number;

  @ApiPropertyOptional({ example: 0.2, description: 'Burstable: the baseline fraction of each vCPU (0–1)' })
  @IsOptional() @IsNumber() @Min(0.001) @Max(0.999)
  baselinePerVcpu?: number;

  @ApiPropertyOptional({ enum: ARCHITECTURES, isArray: true, default: ['x86_64'] })
  @IsOptional() @IsArray() @ArrayMinSize(1) @IsIn(ARCHITECTURES, { each: true })
  architectures?: Architecture[];

  @ApiPropertyOptional({ type: NetworkLimitsDto, description: 'Default 1 Gbit/s baseline and burst' })
  @IsOptional() @ValidateNested() @Type(() => NetworkLimitsDto)
  network?: NetworkLimitsDto;

  @ApiPropertyOptional({ type: EbsLimitsDto, description: 'Default 1,000 Mbit/s and 4,000 IOPS, baseline and burst' })
  @IsOptional() @ValidateNested() @Type(() => EbsLimitsDto)
  ebs?: EbsLimitsDto;

  @ApiProperty({ type: HourlyPricesDto })
  @IsDefined() @ValidateNested() @Type(() => HourlyPricesDto)
  hourlyPrices!: HourlyPricesDto;

  @ApiPropertyOptional({ type: InstanceTypeCapabilitiesDto, description: 'Hypervisor, network interfaces, ENA, NVMe…; default a virtualized Nitro type with 3 interfaces of 10 addresses' })
  @IsOptional() @ValidateNested() @Type(() => InstanceTypeCapabilitiesDto)
  capabilities?: InstanceTypeCapabilitiesDto;
}
