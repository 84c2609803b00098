import { BillingMonth, CreditPolicy, UsageGrouping } from '@nimbus/metering';

/**
 * PutPrices: a new price book version, merged onto the version in effect at its effective time.
 * `version` is taken as given and checked by the service (after the effective time, the order in
 * which the API reports errors).
 */
export interface PutPricesCommand {
  /** 1 to 64 letters, digits, dots, dashes or underscores; default `v<n>-<effective time>`. */
  readonly version?: unknown;
  /** Default now; never in the past. */
  readonly effectiveFromMs?: number;
  /** The price fields to change: objects merge key by key, anything else replaces (validated by libs/metering). */
  readonly prices: Readonly<Record<string, unknown>>;
}

/** PutCreditPolicy: the fields given replace the policy's (validated by libs/metering). */
export type PutCreditPolicyCommand = Readonly<Partial<Record<keyof CreditPolicy, unknown>>>;

/** GetUsage: a tenant's usage in a window (default: the month so far), grouped. */
export interface GetUsageCommand {
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly groupBy: UsageGrouping;
}

/** An invoice by id (`inv-…` closed, `est-YYYY-MM-<tenantId>` estimate); `recompute` re-rates a closed one. */
export interface GetInvoiceCommand {
  readonly invoiceId: string;
  readonly recompute?: boolean;
}

/** The operator's invoice list: a month's (estimates if it is not closed), and/or a tenant's. */
export interface ListAllInvoicesCommand {
  readonly month?: BillingMonth;
  readonly tenantId?: string;
}

/** The revenue summary of a month. */
export interface GetBillingSummaryCommand {
  readonly month: BillingMonth;
}

/** `current` / `previous`: the simulated clock's month and the one before it, when the request is served. */
export type RelativeMonth = 'current' | 'previous';

/** A month's revenue report: a given month, or one relative to the simulated clock (no clock read first). */
export interface GetRevenueCommand {
  readonly month: BillingMonth | RelativeMonth;
}

/** CloseMonth: the month's invoices become immutable. */
export interface CloseMonthCommand {
  readonly month: BillingMonth;
}

/** The month's Reserved Instance utilization and coverage: one tenant's, or every tenant's. */
export interface GetRiReportCommand {
  readonly month: BillingMonth | RelativeMonth;
  readonly tenantId?: string;
}
