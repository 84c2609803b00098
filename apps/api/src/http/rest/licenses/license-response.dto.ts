import { ApiProperty } from '@nestjs/swagger';
import { LICENSE_COUNTING_TYPES } from '@nimbus/scheduler';

export class LicenseUsageDto {
  @ApiProperty({ enum: ['instance', 'host'] }) resourceType!: string;
  @ApiProperty({ example: 'i-0123456789abcdef0' }) resourceId!: string;
  @ApiProperty({ example: 2 }) consumedLicenses!: number;
}

export class LicenseConfigurationResponseDto {
  @ApiProperty({ example: 'lic-0123456789abcdef0' }) licenseConfigurationId!: string;
  @ApiProperty({ example: 'sql-server-standard-cores' }) name!: string;
  @ApiProperty({ enum: LICENSE_COUNTING_TYPES, example: 'vCPU' }) countingType!: string;
  @ApiProperty({ example: 64 }) limit!: number;
  @ApiProperty({ example: false }) hardLimit!: boolean;
  @ApiProperty({ example: 2, description: 'Licenses consumed now' }) consumedLicenses!: number;
  @ApiProperty({ example: false, description: 'A soft limit admits launches past it; this says so' }) limitExceeded!: boolean;
  @ApiProperty({ enum: ['AVAILABLE'] }) status!: string;
  @ApiProperty({ type: [LicenseUsageDto], description: 'What each resource consumes' }) usage!: LicenseUsageDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LicenseConfigurationListResponseDto {
  @ApiProperty({ type: [LicenseConfigurationResponseDto] }) licenseConfigurations!: LicenseConfigurationResponseDto[];
}

export class AdminLicenseConfigurationResponseDto extends LicenseConfigurationResponseDto {
  @ApiProperty({ example: 't-0123456789abcdef0', description: 'The tenant it belongs to' }) tenantId!: string;
}

export class AdminLicenseConfigurationListResponseDto {
  @ApiProperty({ type: [AdminLicenseConfigurationResponseDto] }) licenseConfigurations!: AdminLicenseConfigurationResponseDto[];
}

export class LicenseHistoryPointDto {
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ example: 8 }) consumedLicenses!: number;
}

export class LicenseHistoryResponseDto {
  @ApiProperty({ example: 'lic-0123456789abcdef0' }) licenseConfigurationId!: string;
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 'sql-server-standard-cores' }) name!: string;
  @ApiProperty({ enum: LICENSE_COUNTING_TYPES, example: 'vCPU' }) countingType!: string;
  @ApiProperty({ example: 64 }) limit!: number;
  @ApiProperty({ example: false }) hardLimit!: boolean;
  @ApiProperty({ example: 3600 }) periodSeconds!: number;
  @ApiProperty({ type: [LicenseHistoryPointDto] }) points!: LicenseHistoryPointDto[];
}
