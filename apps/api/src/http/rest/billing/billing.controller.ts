import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import {
  AdminInvoiceListResponseDto, BillingSummaryResponseDto, CloseMonthResponseDto, CreditPolicyResponseDto, INVOICE_CSV_EXAMPLE, InvoiceListResponseDto, InvoiceResponseDto,
  PriceBookResponseDto, PriceBookVersionResponseDto, RevenueResponseDto, UsageReportResponseDto,
} from './billing-response.dto';
import { FastifyReply } from 'fastify';
import { AdminAuth, CurrentTenant, TenantAuth } from '../auth/guards';
import { Operation } from '../../../application/auth/operation';
import { TenantEntity } from '../../../persistence/entities';
import { BillingService, InvoiceView, Recomputation } from '../../../application/billing/billing.service';
import {
  invoiceCsv, mapCloseResult, mapRevenue, mapInvoice, mapInvoiceList, mapInvoiceSummary, mapMonthSummary, mapPriceBook, mapPriceBookVersion, mapUsageReport,
  toCloseMonthCommand, toGetBillingSummaryCommand, toGetRevenueCommand, toGetUsageCommand, toListAllInvoicesCommand, toPutCreditPolicyCommand, toPutPricesCommand,
} from './billing.mapper';

/** The invoice as JSON (InvoiceResponseDto) or, asked with `Accept: text/csv`, as CSV. */
const ApiInvoiceResponse = () =>
  applyDecorators(
    ApiExtraModels(InvoiceResponseDto),
    ApiOkResponse({
      description: 'The invoice (JSON), or its lines as CSV with `Accept: text/csv`',
      content: { 'application/json': { schema: { $ref: getSchemaPath(InvoiceResponseDto) } }, 'text/csv': { schema: { type: 'string' }, example: INVOICE_CSV_EXAMPLE } },
    }),
  );

const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? '');

/** The invoice as JSON, or as a CSV download when the client asks for one. */
function send(res: FastifyReply, accept: string | undefined, view: InvoiceView & { recomputed?: Recomputation }) {
  if (!wantsCsv(accept)) return mapInvoice(view);
  void res.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${view.invoiceId}.csv"`);
  return invoiceCsv(view.invoice);
}

@ApiTags('billing')
@TenantAuth()
@Controller('v1')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @ApiOkResponse({ type: UsageReportResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'groupBy must be one of type, product, day, got "color"' })
  @Operation('GetUsage')
  @Get('usage')
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601 simulated time (default: the start of the month of `to`)' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601 simulated time (default: now)' })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['type', 'product', 'day'], description: 'usage type (default), product, or UTC day × usage type' })
  async usage(@CurrentTenant() tenant: TenantEntity, @Query() q: Record<string, unknown>) {
    return mapUsageReport(await this.billing.usage(tenant, toGetUsageCommand(q)));
  }

  @ApiOkResponse({ type: InvoiceListResponseDto, description: 'Closed invoices and the running month\'s estimate' })
  @Operation('DescribeInvoices')
  @Get('invoices')
  async invoices(@CurrentTenant() tenant: TenantEntity) {
    return { invoices: (await this.billing.listInvoices(tenant)).map(mapInvoiceSummary) };
  }

  @ApiInvoiceResponse()
  @ApiErrors('InvalidInvoiceID.Malformed', 'InvalidInvoiceID.NotFound')
  @Operation('GetInvoice')
  @Get('invoices/:id')
  @ApiHeader({ name: 'Accept', required: false, description: '`text/csv` for the CSV download' })
  async invoice(@CurrentTenant() tenant: TenantEntity, @Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, accept, await this.billing.invoice(tenant, id));
  }
}

@ApiTags('admin: billing')
@AdminAuth()
@Controller('v1/admin')
export class AdminBillingController {
  constructor(private readonly billing: BillingService) {}

  @ApiOkResponse({ type: PriceBookResponseDto })
  @Get('prices')
  prices() {
    return mapPriceBook(this.billing.prices());
  }

  @ApiOkResponse({ type: PriceBookVersionResponseDto, description: 'The new version' })
  @ApiErrors('MissingParameter', { code: 'InvalidPriceBook', message: "instanceTypes.m5.large.hourly.linux must be a decimal string, got 0.1" }, { code: 'InvalidParameterValue', message: 'unknown field(s): colour (allowed: version, effectiveFrom, region, instanceTypes, licenses, dedicatedInstanceMultiplier, dedicatedHostHourly, burstableSurplusPerVcpuHour, detailedMonitoring, ebs, publicIpv4, natGateway, dataTransfer)' })
  @Put('prices')
  @ApiBody({
    description: 'A new price book version: the fields given are merged onto the version in effect at `effectiveFrom` (default now; never in the past). Prices are decimal strings.',
    schema: { example: { version: '2025-06', effectiveFrom: '2025-06-01T00:00:00Z', instanceTypes: { 'm5.large': { hourly: { linux: '0.1', windows: '0.192' } } } } },
  })
  async putPrices(@Body() body: unknown) {
    return mapPriceBookVersion(await this.billing.putPrices(toPutPricesCommand(body)));
  }

  @ApiOkResponse({ type: CreditPolicyResponseDto })
  @Get('billing/credit-policy')
  creditPolicy() {
    return this.billing.creditPolicy();
  }

  @ApiOkResponse({ type: CreditPolicyResponseDto, description: 'The policy now in force' })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'unknown field(s): nope' })
  @Put('billing/credit-policy')
  @ApiBody({ schema: { example: { guaranteeViolation: { creditPercent: '25', minimumDurationMs: 60000 } } } })
  putCreditPolicy(@Body() body: unknown) {
    return this.billing.putCreditPolicy(toPutCreditPolicyCommand(body));
  }

  @ApiOkResponse({ type: BillingSummaryResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'month must be a calendar month as YYYY-MM, got "2025-13"' })
  @Get('billing/summary')
  @ApiQuery({ name: 'month', required: true, description: 'YYYY-MM' })
  async summary(@Query() q: Record<string, unknown>) {
    return mapMonthSummary(await this.billing.summary(toGetBillingSummaryCommand(q)));
  }

  @ApiOkResponse({ type: RevenueResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: 'month must be a calendar month as YYYY-MM, current or previous, got "2025-13"' })
  @Get('billing/revenue')
  @ApiOperation({
    summary: "A month's revenue by UTC day, by product and by tenant (the top ten, the rest summed), and its credit lines by cause; figures are decimal strings",
    description: "Each day's figure is the month's invoices rated as of that day's end less the same the day before, so the days add up to the month's invoices (or estimates) to the cent.",
  })
  @ApiQuery({
    name: 'month', required: true,
    description: "YYYY-MM, or `current` / `previous`: the simulated clock's month and the one before it, as the request is served (the answer's `month` says which), so a client need not ask the clock first",
  })
  async revenue(@Query() q: Record<string, unknown>) {
    return mapRevenue(await this.billing.revenue(toGetRevenueCommand(q)));
  }

  @ApiOkResponse({ type: CloseMonthResponseDto })
  @ApiErrors('MissingParameter', { code: 'InvalidParameterValue', message: 'month must be a calendar month as YYYY-MM, got "2025-13"' }, 'InvoiceAlreadyClosed', 'BillingMonthNotEnded')
  @Post('billing/close') @HttpCode(200)
  @ApiBody({ schema: { example: { month: '2025-04' } } })
  async close(@Body() body: unknown) {
    return mapCloseResult(await this.billing.close(toCloseMonthCommand(body)));
  }

  @ApiOkResponse({ type: AdminInvoiceListResponseDto })
  @ApiErrors({ code: 'InvalidParameterValue', message: "tenantId must be a tenant id ('t-' and 17 hex digits), got \"nobody\"" })
  @Get('invoices')
  @ApiQuery({ name: 'month', required: false, description: 'YYYY-MM; an unclosed month lists estimates' })
  @ApiQuery({ name: 'tenantId', required: false })
  async invoices(@Query() q: Record<string, unknown>) {
    return mapInvoiceList(await this.billing.adminInvoices(toListAllInvoicesCommand(q)));
  }

  @ApiInvoiceResponse()
  @ApiErrors('InvalidInvoiceID.Malformed', 'InvalidInvoiceID.NotFound')
  @Get('invoices/:id')
  @ApiHeader({ name: 'Accept', required: false, description: '`text/csv` for the CSV download' })
  @ApiQuery({ name: 'recompute', required: false, description: '`true`: re-rate the stored usage and say whether it gives the same cents' })
  async invoice(@Param('id') id: string, @Query('recompute') recompute: string | undefined, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    return send(res, accept, await this.billing.anyInvoice({ invoiceId: id, recompute: recompute === 'true' }));
  }
}
