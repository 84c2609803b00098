import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** EC2's ReservedInstancesOffering, camelCase (Standard, Linux/UNIX, default tenancy). */
export class RiOfferingResponseDto {
  @ApiProperty({ example: '3f8a8a4c-5d0e-4b2f-a7c1-0d9e8f7a6b5c' }) offeringId!: string;
  @ApiProperty({ example: 'm5.large' }) instanceType!: string;
  @ApiProperty({ enum: ['Region', 'Availability Zone'] }) scope!: string;
  @ApiPropertyOptional({ example: 'us-east-1a', description: 'Zonal offerings only' }) availabilityZone?: string;
  @ApiProperty({ example: 'Linux/UNIX' }) productDescription!: string;
  @ApiProperty({ enum: ['No Upfront', 'Partial Upfront', 'All Upfront'] }) offeringType!: string;
  @ApiProperty({ enum: ['standard'] }) offeringClass!: string;
  @ApiProperty({ example: 31536000, description: 'The term in seconds (1 or 3 years)' }) duration!: number;
  @ApiProperty({ example: '0.00', description: 'Upfront, per instance (USD)' }) fixedPrice!: string;
  @ApiProperty({ example: '0.06', description: 'Per instance-hour of the term, used or not (USD)' }) hourlyPrice!: string;
  @ApiProperty({ example: 'USD' }) currencyCode!: string;
}

export class RiOfferingPageResponseDto {
  @ApiProperty({ type: [RiOfferingResponseDto] }) offerings!: RiOfferingResponseDto[];
  @ApiPropertyOptional({ example: 'eyJhZnRlciI6Ii4uLiJ9' }) nextToken?: string;
}

/** EC2's ReservedInstances, camelCase. */
export class ReservedInstanceResponseDto {
  @ApiProperty({ example: '8d3c2b1a-0f9e-4d7c-a6b5-4a3b2c1d0e9f' }) reservedInstancesId!: string;
  @ApiProperty({ example: '3f8a8a4c-5d0e-4b2f-a7c1-0d9e8f7a6b5c' }) offeringId!: string;
  @ApiProperty({ example: 'm5.large' }) instanceType!: string;
  @ApiProperty({ enum: ['Region', 'Availability Zone'] }) scope!: string;
  @ApiPropertyOptional({ example: 'us-east-1a' }) availabilityZone?: string;
  @ApiProperty({ example: 1 }) instanceCount!: number;
  @ApiProperty({ example: 'Linux/UNIX' }) productDescription!: string;
  @ApiProperty({ enum: ['No Upfront', 'Partial Upfront', 'All Upfront'] }) offeringType!: string;
  @ApiProperty({ enum: ['standard'] }) offeringClass!: string;
  @ApiProperty({ example: 31536000 }) duration!: number;
  @ApiProperty({ example: '0.00' }) fixedPrice!: string;
  @ApiProperty({ example: '0.06' }) hourlyPrice!: string;
  @ApiProperty({ example: 'USD' }) currencyCode!: string;
  @ApiProperty({ enum: ['payment-pending', 'active', 'retired'] }) state!: string;
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { team: 'web' } }) tags!: Record<string, string>;
}

export class ReservedInstancePageResponseDto {
  @ApiProperty({ type: [ReservedInstanceResponseDto] }) reservedInstances!: ReservedInstanceResponseDto[];
  @ApiPropertyOptional({ example: 'eyJhZnRlciI6Ii4uLiJ9' }) nextToken?: string;
}

export class PurchaseResponseDto {
  @ApiProperty({ example: '8d3c2b1a-0f9e-4d7c-a6b5-4a3b2c1d0e9f' }) reservedInstancesId!: string;
}

/** AWS Cost Explorer's ReservationAggregates, in hours. */
export class RiUtilizationDto {
  @ApiProperty({ example: '720' }) purchasedHours!: string;
  @ApiProperty({ example: '360' }) usedHours!: string;
  @ApiProperty({ example: '360' }) unusedHours!: string;
  @ApiProperty({ example: '50', nullable: true, type: String, description: 'usedHours ÷ purchasedHours × 100, two places; null with no RI hours' }) utilizationPercentage!: string | null;
}

/** AWS Cost Explorer's CoverageHours: eligible = On-Demand Linux/UNIX, default tenancy. */
export class RiCoverageDto {
  @ApiProperty({ example: '360' }) reservedHours!: string;
  @ApiProperty({ example: '0' }) onDemandHours!: string;
  @ApiProperty({ example: '360' }) totalRunningHours!: string;
  @ApiProperty({ example: '100', nullable: true, type: String, description: 'reservedHours ÷ totalRunningHours × 100, two places; null with no eligible hours' }) coverageHoursPercentage!: string | null;
}

export class RiUseDto extends RiUtilizationDto {
  @ApiProperty({ example: '8d3c2b1a-0f9e-4d7c-a6b5-4a3b2c1d0e9f' }) reservedInstancesId!: string;
  @ApiProperty({ example: 'm5.large' }) instanceType!: string;
  @ApiProperty({ enum: ['Region', 'Availability Zone'] }) scope!: string;
  @ApiPropertyOptional({ example: 'us-east-1a' }) availabilityZone?: string;
  @ApiProperty({ example: 1 }) instanceCount!: number;
  @ApiPropertyOptional({ enum: ['No Upfront', 'Partial Upfront', 'All Upfront'] }) offeringType?: string;
  @ApiPropertyOptional({ example: 31536000 }) duration?: number;
  @ApiPropertyOptional({ enum: ['payment-pending', 'active', 'retired'], description: 'As of the report (its asOf)' }) state?: string;
  @ApiPropertyOptional({ format: 'date-time' }) end?: string;
}

export class RiFeesDto {
  @ApiProperty({ example: '0.00', description: 'Upfront fees charged in the month' }) upfront!: string;
  @ApiProperty({ example: '43.20', description: 'Hourly fees of the month' }) hourly!: string;
  @ApiProperty({ example: '43.20' }) total!: string;
}

export class TenantRiReportDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 'est-2025-04-t-0123456789abcdef0', description: 'The invoice (or estimate) the fees are on' }) invoiceId!: string;
  @ApiProperty({ type: [RiUseDto] }) reservedInstances!: RiUseDto[];
  @ApiProperty({ type: RiUtilizationDto }) utilization!: RiUtilizationDto;
  @ApiProperty({ type: RiCoverageDto }) coverage!: RiCoverageDto;
  @ApiProperty({ type: RiFeesDto, description: 'The ec2-reserved-instance lines of the invoice' }) fees!: RiFeesDto;
}

export class RiReportResponseDto extends TenantRiReportDto {
  @ApiProperty({ example: '2025-04' }) month!: string;
  @ApiProperty({ enum: ['closed', 'estimate'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
}

export class AdminRiReportResponseDto {
  @ApiProperty({ example: '2025-04' }) month!: string;
  @ApiProperty({ enum: ['closed', 'estimate'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: RiUtilizationDto, description: 'All tenants: hours summed, then divided' }) utilization!: RiUtilizationDto;
  @ApiProperty({ type: RiCoverageDto }) coverage!: RiCoverageDto;
  @ApiProperty({ type: RiFeesDto }) fees!: RiFeesDto;
  @ApiProperty({ type: [TenantRiReportDto], description: 'Each tenant with Reserved Instances or eligible hours in the month' }) tenants!: TenantRiReportDto[];
}
