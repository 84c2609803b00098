import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const money = (example: string, description?: string) => ({ example, description: description ?? 'USD, a decimal string' });

export class UsageRowDto {
  @ApiPropertyOptional({ example: 'BoxUsage:m5.large', description: 'groupBy type and day: the AWS-style usage type' }) usageType?: string;
  @ApiProperty({ example: 'ec2-instance' }) product!: string;
  @ApiPropertyOptional({ example: '2025-05-01', description: 'groupBy day: the UTC day' }) day?: string;
  @ApiProperty({ example: 'instance-hour' }) unit!: string;
  @ApiProperty({ example: '0.21666667', description: 'Exact usage, a decimal string (8 places)' }) quantity!: string;
}

export class UsageReportResponseDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: ['type', 'product', 'day'] }) groupBy!: string;
  @ApiProperty({ type: [UsageRowDto] }) usage!: UsageRowDto[];
}

export class InvoiceLineDto {
  @ApiProperty({ example: 'ec2-instance/m5.large/linux/license-included/default/aws-us-east-1-seed', description: 'Stable across recomputations' }) lineId!: string;
  @ApiProperty({ example: 'ec2-instance' }) product!: string;
  @ApiPropertyOptional({ example: 'windows-server', description: 'License lines: which license' }) licenseProduct?: string;
  @ApiProperty({ example: 'm5.large Linux/UNIX: On-Demand compute at $0.096 per instance-hour' }) description!: string;
  @ApiProperty({ example: '10.5', description: 'A decimal string' }) quantity!: string;
  @ApiProperty({ example: 'instance-hour' }) unit!: string;
  @ApiProperty(money('0.096', 'USD per unit, a decimal string; negative on credit lines')) unitPrice!: string;
  @ApiProperty(money('1.01', 'USD, rounded to the cent; negative on credit lines')) amount!: string;
}

export class RecomputationDto {
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('1.27')) total!: string;
  @ApiProperty({ example: true, description: 'The stored usage re-rated gives the same cents' }) matches!: boolean;
}

/** An invoice without its lines, as lists show it. */
export class InvoiceSummaryResponseDto {
  @ApiProperty({ example: 'inv-0123456789abcdef0', description: "A closed invoice's id, or est-YYYY-MM-<tenantId> for an estimate" }) invoiceId!: string;
  @ApiProperty({ enum: ['closed', 'estimate'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) periodStart!: string;
  @ApiProperty({ format: 'date-time' }) periodEnd!: string;
  @ApiProperty({ format: 'date-time', description: 'Closed: when it was closed; estimate: the simulated time it was computed at' }) asOf!: string;
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: '2025-05' }) month!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty(money('1.27', 'Σ charge lines')) subtotal!: string;
  @ApiProperty(money('0.00', 'Σ credit lines (zero or negative)')) credits!: string;
  @ApiProperty(money('1.27', 'subtotal + credits')) total!: string;
  @ApiProperty({ type: [String], example: ['aws-us-east-1-seed'], description: 'The price book versions in effect during the month' }) priceBookVersions!: string[];
}

export class InvoiceResponseDto extends InvoiceSummaryResponseDto {
  @ApiProperty({ type: [InvoiceLineDto] }) lines!: InvoiceLineDto[];
  @ApiPropertyOptional({ type: RecomputationDto, description: 'Admin, with recompute=true' }) recomputed?: RecomputationDto;
}

export class InvoiceListResponseDto {
  @ApiProperty({ type: [InvoiceSummaryResponseDto] }) invoices!: InvoiceSummaryResponseDto[];
}

export class AdminInvoiceListResponseDto {
  @ApiPropertyOptional({ example: '2025-05', description: 'When a month was asked for' }) month?: string;
  @ApiPropertyOptional({ enum: ['closed', 'estimate'], description: 'When a month was asked for: closed, or estimates' }) status?: string;
  @ApiProperty({ type: [InvoiceSummaryResponseDto] }) invoices!: InvoiceSummaryResponseDto[];
}

const DECIMAL_MAP = (example: Record<string, string>, description: string) => ({ type: 'object' as const, additionalProperties: { type: 'string' as const }, example, description });
const TIERS: SchemaObject = { type: 'array', items: { type: 'object', properties: { upTo: { type: 'number', nullable: true }, price: { type: 'string' } }, required: ['upTo', 'price'] } };

export class PriceTierDto {
  @ApiProperty({ example: 10240, nullable: true, type: Number, description: 'Up to this quantity (null: beyond the last)' }) upTo!: number | null;
  @ApiProperty({ example: '0.09' }) price!: string;
}

export class PublicIpv4PricesDto {
  @ApiProperty({ example: '0.005', description: 'Per address-hour while mapped to a network interface (usage type PublicIPv4:InUseAddress)' }) inUsePerHour!: string;
  @ApiProperty({ example: '0.005', description: 'Per address-hour while an Elastic IP is associated with nothing (PublicIPv4:IdleAddress)' }) idlePerHour!: string;
}

export class NatGatewayPricesDto {
  @ApiProperty({ example: '0.045', description: 'Per NAT gateway-hour, each partial hour billed as a full hour (usage type NatGateway-Hours)' }) perHour!: string;
  @ApiProperty({ example: '0.045', description: 'Per GB a NAT gateway processes, GB as dataTransfer.bytesPerGB (usage type NatGateway-Bytes); the same bytes are billed as data transfer out too' }) perGbProcessed!: string;
}

export class DetailedMonitoringPricesDto {
  @ApiProperty({ example: '0.30', description: 'Per metric-month (CloudWatch custom metrics, usage type CW:MetricMonitorUsage), prorated by the hour: each clock hour an instance sent metrics counts whole' }) perMetricMonth!: string;
  @ApiProperty({ example: 7, description: 'Metrics each monitored instance sends (CloudWatch pricing, Example 1)' }) metricsPerInstance!: number;
}

export class DataTransferPricesDto {
  @ApiProperty({ example: 1000000000 }) bytesPerGB!: number;
  @ApiProperty({ example: '0.01' }) crossAzPerGB!: string;
  @ApiProperty({ type: [PriceTierDto], description: 'Internet egress per GB, tiered' }) internetOutTiers!: PriceTierDto[];
}

/** A price book version: prices are decimal strings, USD. */
export class PriceBookVersionResponseDto {
  @ApiProperty({ example: 'aws-us-east-1-seed' }) version!: string;
  @ApiProperty({ format: 'date-time' }) effectiveFrom!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ example: 'us-east-1' }) region!: string;
  @ApiProperty({
    type: 'object', description: 'On-Demand hourly price per platform column, by instance type (`linux` is the base compute)',
    additionalProperties: { type: 'object', properties: { hourly: { type: 'object', additionalProperties: { type: 'string' } } }, required: ['hourly'] },
    example: { 'm5.large': { hourly: { linux: '0.096', windows: '0.188' } } },
  })
  instanceTypes!: Record<string, unknown>;
  @ApiProperty({
    type: 'object', description: 'What a license-included instance of each platform pays on top of base compute, component by component',
    additionalProperties: {
      type: 'array',
      items: {
        type: 'object', required: ['licenseProduct', 'basis'],
        properties: {
          licenseProduct: { type: 'string' }, basis: { type: 'string', enum: ['folded', 'per-instance-hour', 'per-vcpu-hour', 'per-core-hour'] },
          column: { type: 'string' }, ratePerHour: { type: 'string' }, ratePerUnitHour: { type: 'string' }, vcpusPerCore: { type: 'number' },
          minUnits: { type: 'number' }, maxUnits: { type: 'number' },
        },
      },
    },
    example: { linux: [], windows: [{ licenseProduct: 'windows-server', basis: 'folded', column: 'windows' }] },
  })
  licenses!: Record<string, unknown>;
  @ApiProperty({ example: '1.1', description: 'Dedicated Instances pay base compute × this' }) dedicatedInstanceMultiplier!: string;
  @ApiProperty(DECIMAL_MAP({ m5: '5.069' }, 'Dedicated Host hourly price per host family')) dedicatedHostHourly!: Record<string, string>;
  @ApiProperty(DECIMAL_MAP({ linux: '0.05', windows: '0.096' }, 'Burstable unlimited surplus credits, per vCPU-hour, by platform')) burstableSurplusPerVcpuHour!: Record<string, string>;
  @ApiProperty({ type: () => DetailedMonitoringPricesDto, description: 'EC2 detailed monitoring while an instance runs monitored, per metric-month' }) detailedMonitoring!: DetailedMonitoringPricesDto;
  @ApiProperty({
    type: 'object', description: 'EBS prices by volume type, and `snapshot`: snapshot storage (Standard tier) per GiB-month',
    additionalProperties: {
      type: 'object', required: ['perGiBMonth'],
      properties: {
        perGiBMonth: { type: 'string' }, baselineIops: { type: 'number' }, perIopsMonthAboveBaseline: { type: 'string' },
        baselineMiBps: { type: 'number' }, perMiBpsMonthAboveBaseline: { type: 'string' }, iopsTiers: TIERS,
        perIopsMonth: { type: 'string', description: 'io1: per provisioned IOPS-month' },
        perMillionIoRequests: { type: 'string', description: 'standard (Magnetic): per million I/O requests' },
      },
    },
    example: {
      gp2: { perGiBMonth: '0.10' }, gp3: { perGiBMonth: '0.08', baselineIops: 3000, perIopsMonthAboveBaseline: '0.005', baselineMiBps: 125, perMiBpsMonthAboveBaseline: '0.04' },
      io1: { perGiBMonth: '0.125', perIopsMonth: '0.065' }, st1: { perGiBMonth: '0.045' }, standard: { perGiBMonth: '0.05', perMillionIoRequests: '0.05' },
      snapshot: { perGiBMonth: '0.05' },
    },
  })
  ebs!: Record<string, unknown>;
  @ApiProperty({ type: () => PublicIpv4PricesDto, description: 'Public IPv4 addresses held, in use or idle, per address-hour' }) publicIpv4!: PublicIpv4PricesDto;
  @ApiProperty({ type: () => NatGatewayPricesDto, description: 'NAT gateways, per gateway-hour and per GB processed' }) natGateway!: NatGatewayPricesDto;
  @ApiProperty({ type: () => DataTransferPricesDto }) dataTransfer!: DataTransferPricesDto;
}

export class PriceBookResponseDto {
  @ApiProperty({ example: 'aws-us-east-1-seed', description: 'The version in effect now' }) current!: string;
  @ApiProperty({ type: [PriceBookVersionResponseDto] }) versions!: PriceBookVersionResponseDto[];
}

export class SlaTierDto {
  @ApiProperty({ example: '99.99', description: 'Monthly uptime percent below which the tier applies' }) belowPercent!: string;
  @ApiProperty({ example: '10' }) creditPercent!: string;
}

export class GuaranteeViolationPolicyDto {
  @ApiProperty({ example: '10', description: "Percent of the instance's compute + license charge for the time a guarantee was violated" }) creditPercent!: string;
  @ApiProperty({ example: 60000, description: 'Violations shorter than this earn nothing' }) minimumDurationMs!: number;
}

export class CreditPolicyResponseDto {
  @ApiProperty({ type: [SlaTierDto], description: "Region-level tiers, applied to the tenant's charges for the month" }) regionTiers!: SlaTierDto[];
  @ApiProperty({ type: [SlaTierDto], description: "Instance-level tiers, applied to that instance's compute and license charges" }) instanceTiers!: SlaTierDto[];
  @ApiProperty({ type: GuaranteeViolationPolicyDto }) guaranteeViolation!: GuaranteeViolationPolicyDto;
}

export class TenantRevenueDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('1.27')) total!: string;
}

export class ProductAmountDto {
  @ApiProperty({ example: 'ec2-instance' }) product!: string;
  @ApiProperty(money('1.01')) amount!: string;
}

export class LicenseProductAmountDto {
  @ApiProperty({ example: 'windows-server' }) licenseProduct!: string;
  @ApiProperty(money('0.92')) amount!: string;
}

export class LicenseRevenueDto {
  @ApiProperty(money('0.92')) total!: string;
  @ApiProperty({ type: [LicenseProductAmountDto] }) byLicenseProduct!: LicenseProductAmountDto[];
}

export class CreditsSummaryDto {
  @ApiProperty(money('0.00')) total!: string;
  @ApiProperty({ type: [ProductAmountDto] }) byProduct!: ProductAmountDto[];
}

export class TenantViolationsDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 2 }) violations!: number;
  @ApiProperty({ example: 120 }) violatedSeconds!: number;
}

export class BillingSummaryResponseDto {
  @ApiProperty({ example: '2025-05' }) month!: string;
  @ApiProperty({ enum: ['closed', 'estimate'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ type: [TenantRevenueDto] }) revenueByTenant!: TenantRevenueDto[];
  @ApiProperty({ type: [ProductAmountDto], description: 'Charges per product (credits excluded)' }) revenueByProduct!: ProductAmountDto[];
  @ApiProperty({ type: LicenseRevenueDto }) licenseRevenue!: LicenseRevenueDto;
  @ApiProperty({ type: CreditsSummaryDto }) credits!: CreditsSummaryDto;
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('1.27')) total!: string;
  @ApiProperty({ type: [TenantViolationsDto] }) guaranteeViolations!: TenantViolationsDto[];
}

export class CloseMonthResponseDto {
  @ApiProperty({ example: '2025-04' }) month!: string;
  @ApiProperty({ format: 'date-time', description: 'Simulated time' }) closedAt!: string;
  @ApiProperty({ example: 12, description: 'Invoices written' }) invoices!: number;
  @ApiProperty({ example: 3400, description: 'Usage records rated' }) usageRecords!: number;
  @ApiProperty(money('1234.56')) total!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
}

/** Invoices as CSV: one row per line. */
export const INVOICE_CSV_EXAMPLE =
  'tenantId,month,lineId,product,licenseProduct,description,quantity,unit,unitPrice,amount,currency\n' +
  't-0123456789abcdef0,2025-05,ec2-instance/m5.large/linux/license-included/default/aws-us-east-1-seed,ec2-instance,,m5.large Linux/UNIX: On-Demand compute,10.5,instance-hour,0.096,1.01,USD\n';

export class RevenueDayDto {
  @ApiProperty({ example: '2025-05-01' }) day!: string;
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('1.27')) total!: string;
}

export class RevenueTenantDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 'inv-0123456789abcdef0' }) invoiceId!: string;
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('1.27')) total!: string;
}

export class RevenueOthersDto {
  @ApiProperty({ example: 0, description: 'Tenants past the top ten' }) tenants!: number;
  @ApiProperty(money('0.00')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('0.00')) total!: string;
}

export class RevenueCreditLineDto {
  @ApiProperty({ example: 't-0123456789abcdef0' }) tenantId!: string;
  @ApiProperty({ example: 'inv-0123456789abcdef0' }) invoiceId!: string;
  @ApiProperty({ example: 'sla-credit/instance/i-0123456789abcdef0' }) lineId!: string;
  @ApiProperty({ enum: ['zone-unavailability', 'instance-unavailability', 'guarantee-violation'], example: 'instance-unavailability' }) cause!: string;
  @ApiProperty({ type: [String], example: [], description: 'Guarantee violations: which resources fell below their reservation' }) resources!: string[];
  @ApiProperty({ example: 'SLA credit: instance unavailable' }) description!: string;
  @ApiProperty(money('-0.10')) amount!: string;
}

export class RevenueResponseDto {
  @ApiProperty({ example: '2025-05' }) month!: string;
  @ApiProperty({ enum: ['closed', 'estimate'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty(money('1.27')) subtotal!: string;
  @ApiProperty(money('0.00')) credits!: string;
  @ApiProperty(money('1.27')) total!: string;
  @ApiProperty({ type: [RevenueDayDto], description: "Each UTC day's change of the month's invoice totals" }) days!: RevenueDayDto[];
  @ApiProperty({ type: [ProductAmountDto] }) byProduct!: ProductAmountDto[];
  @ApiProperty({ type: [RevenueTenantDto], description: 'The top ten tenants by total' }) topTenants!: RevenueTenantDto[];
  @ApiProperty({ type: RevenueOthersDto, description: 'The rest, summed' }) others!: RevenueOthersDto;
  @ApiProperty({ type: [RevenueCreditLineDto] }) creditLines!: RevenueCreditLineDto[];
}
