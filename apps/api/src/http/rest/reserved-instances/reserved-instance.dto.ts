import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { AVAILABILITY_ZONES } from '@nimbus/hypervisor';
import { RI_OFFERING_TYPES } from '@nimbus/metering';
import { PageQueryDto } from '../page-query.dto';

export const RI_SCOPES = ['Region', 'Availability Zone'] as const;
export const RI_TERMS = ['1yr', '3yr'] as const;
export const RI_OFFERING_TYPES_DOC = [...RI_OFFERING_TYPES];

/** PurchaseReservedInstancesOffering, camelCase: the offering, how many, and the most the upfront total may be. */
export class PurchaseReservedInstancesDto {
  @ApiProperty({ example: '3f8a8a4c-5d0e-4b2f-a7c1-0d9e8f7a6b5c', description: 'From GET /v1/reserved-instance-offerings' })
  @IsDefined() @IsString() @Length(1, 64)
  offeringId!: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: 1000 })
  @IsDefined() @IsInt() @Min(1) @Max(1000)
  instanceCount!: number;

  @ApiPropertyOptional({ example: '500.00', description: "EC2's LimitPrice (USD): refused with ReservedInstancesLimitPriceExceeded when the upfront total (fixed price × count) is above it" })
  @IsOptional() @IsString() @Matches(/^\d{1,12}(\.\d{1,6})?$/, { message: 'limitPrice must be a decimal string of USD, e.g. "500.00"' })
  limitPrice?: string;

  @ApiPropertyOptional({ description: 'Idempotency token: the same token and request return the same Reserved Instance', maxLength: 64 })
  @IsOptional() @IsString() @Length(1, 64) @Matches(/^[\x20-\x7e]+$/, { message: 'clientToken must be printable ASCII' })
  clientToken?: string;
}

export class ListReservedInstancesQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(['payment-pending', 'active', 'retired'])
  state?: string;
}

export class ListOfferingsQueryDto extends PageQueryDto {
  @IsOptional() @IsString()
  instanceType?: string;

  @IsOptional() @IsIn(RI_TERMS)
  term?: (typeof RI_TERMS)[number];

  @IsOptional() @IsIn(RI_OFFERING_TYPES)
  offeringType?: string;

  @IsOptional() @IsIn(RI_SCOPES)
  scope?: (typeof RI_SCOPES)[number];

  @IsOptional() @IsIn(AVAILABILITY_ZONES)
  availabilityZone?: string;
}
