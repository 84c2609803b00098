// The public surface of @nimbus/metering: usage records, price book, rating rules, SLA credits,
// invoices. Framework-free; it imports neither @nimbus/hypervisor nor @nimbus/scheduler.
export * from './errors';
export type { SimTimeMs, BillingMonth } from './calendar/billing-month';
export { MS_PER_SECOND, MS_PER_MINUTE, MS_PER_HOUR, MS_PER_DAY, parseBillingMonth, billingMonthOf, monthLengthMs } from './calendar/billing-month';
export { roundToCent, QUANTITY_DECIMALS } from './money/money';
export * from './usage/usage-record';
export { dedupeUsage, sameUsageRecord } from './usage/usage.dedupe';
export { splitAtMonthBoundaries } from './usage/usage.month-split';
export * from './pricing/price-book';
export { seedPriceBook, WINDOWS_PER_VCPU_HOUR } from './pricing/price-book.seed';
export { hourlyPricesByPlatform } from './pricing/price-book.compiled';
export type { BillingGranularity, PeriodSegment } from './rating/billing-granularity';
export { PER_SECOND_60S_MINIMUM, PER_HOUR, INSTANCE_BILLING, DEDICATED_HOST_BILLING, billedMs } from './rating/billing-granularity';
export type { TimeInterval, ZoneOutage, Availability } from './sla/availability';
export { availability, mergeIntervals, regionUnavailability } from './sla/availability';
export type { CreditPolicy, SlaTier, InstanceUnavailability, GuaranteeViolation } from './sla/credit-policy';
export { DEFAULT_CREDIT_POLICY, validateCreditPolicy, slaCreditPercent } from './sla/credit-policy';
export type { SlaInputs } from './sla/sla.credits';
export type { InvoiceLine, Product } from './invoice/invoice-line';
export { PRODUCTS, CREDIT_PRODUCTS } from './invoice/invoice-line';
export type { Invoice, InvoiceInput, MonthCloseInput } from './invoice/invoice';
export { computeInvoice, computeInvoices } from './invoice/invoice';
export type { BillingSummary } from './invoice/invoice.summary';
export { summarize } from './invoice/invoice.summary';
export { toCsv } from './invoice/invoice.csv';
