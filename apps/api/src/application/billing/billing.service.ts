import { Injectable, OnModuleInit } from '@nestjs/common';
import {
  billingMonthOf, BillingMonth, BillingSummary, ReservedInstanceUse, riUseReport, RiCoverage, RiUtilization, CreditPolicy, DEFAULT_CREDIT_POLICY, Invoice, isPointRecord, MeteringError, parseBillingMonth, priceAt, PriceBookVersion,
  seedPriceBook, summarize, withListPrices, UsageRecord, usageReport, UsageReportRow, UsageGrouping, validateCreditPolicy, validatePriceBook, validatePriceBookVersion,
} from '@nimbus/metering';
import { Catalog, INSTANCE_TYPES, MS_PER_DAY } from '@nimbus/hypervisor';
import { catalogListPrices, listedInstanceTypes } from '@nimbus/simulation';
import { Decimal } from 'decimal.js';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN } from '../common/ids';
import { TenantEntity } from '../../persistence/entities';
import { BillingRepository, StoredInvoice } from '../../persistence/billing.repository';
import { EngineService } from '../../engine/engine.service';
import { closeMonth, CloseResult } from './billing-close';
import { NatRoutes } from '../networking/nat-routes';
import { ReservedInstancesRepository } from '../../persistence/reserved-instances.repository';
import { riEndMs, RiState, riStateAt } from '../reserved-instances/ri-state';
import {
  CloseMonthCommand, GetBillingSummaryCommand, GetInvoiceCommand, GetRevenueCommand, GetRiReportCommand, GetUsageCommand, ListAllInvoicesCommand, PutCreditPolicyCommand, PutPricesCommand,
} from './billing.commands';

/** `GET /v1/usage` covers at most this much simulated time per call. */
const MAX_USAGE_WINDOW_MS = 400 * MS_PER_DAY;
/** Unclosed months a tenant's invoice list estimates, newest first. */
const MAX_ESTIMATED_MONTHS = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ESTIMATE_ID = /^est-(\d{4}-\d{2})-(t-[0-9a-f]{17})$/;

const iso = (ms: number) => new Date(ms).toISOString();
const invoiceNotFound = (id: string) => notFound('InvalidInvoiceID.NotFound', `The invoice '${id}' does not exist`);

export type InvoiceStatus = 'closed' | 'estimate';
/** An invoice with where it stands: closed (immutable), or an estimate of a month not closed. */
export interface InvoiceView {
  readonly invoiceId: string;
  readonly status: InvoiceStatus;
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  /** Closed: when it was closed. Estimate: the simulated time it was computed at. */
  readonly asOfMs: number;
  readonly invoice: Invoice;
}

/** A closed invoice re-rated from its stored usage: the same cents, or not. */
export interface Recomputation {
  readonly subtotal: string;
  readonly credits: string;
  readonly total: string;
  readonly matches: boolean;
}

export interface PriceBookState {
  /** The version in effect now. */
  readonly current: string;
  readonly versions: readonly PriceBookVersion[];
}

export interface UsageReport {
  readonly fromMs: number;
  readonly toMs: number;
  readonly groupBy: UsageGrouping;
  readonly usage: readonly UsageReportRow[];
}

/** Invoices of a month (closed, or estimates) or of any months (closed only: no `month`). */
export interface InvoiceList {
  readonly month?: string;
  readonly status?: InvoiceStatus;
  readonly invoices: readonly InvoiceView[];
}

export interface TenantViolations {
  readonly tenantId: string;
  readonly violations: number;
  readonly violatedSeconds: number;
}

export interface MonthSummary {
  readonly month: string;
  readonly status: InvoiceStatus;
  readonly asOfMs: number;
  readonly summary: Omit<BillingSummary, 'months'>;
  readonly guaranteeViolations: readonly TenantViolations[];
}

/** Tenants the revenue report names one by one; the others are summed as one row. */
export const REVENUE_TOP_TENANTS = 10;

export interface RevenueFigures {
  readonly subtotal: string;
  readonly credits: string;
  readonly total: string;
}

/** A credit line of an invoice, with what caused it. */
export interface CreditLineView {
  readonly tenantId: string;
  readonly invoiceId: string;
  readonly lineId: string;
  /** `zone-unavailability` (region-level SLA), `instance-unavailability` (host failure), `guarantee-violation`. */
  readonly cause: 'zone-unavailability' | 'instance-unavailability' | 'guarantee-violation';
  /** For guarantee violations: which resources fell below their reservation. */
  readonly resources: readonly string[];
  readonly description: string;
  readonly amount: string;
}

/** A month's revenue by UTC day, product and tenant, and its credits by cause (docs/model.md §5). */
export interface RevenueReport {
  readonly month: string;
  readonly status: InvoiceStatus;
  readonly asOfMs: number;
  readonly total: RevenueFigures;
  /** Each day's change of the month's invoice totals: they add up to the month's figures to the cent. */
  readonly days: readonly (RevenueFigures & { readonly day: string })[];
  readonly byProduct: BillingSummary['revenueByProduct'];
  /** The top tenants by total, then `others` (the rest summed). */
  readonly topTenants: readonly (RevenueFigures & { readonly tenantId: string; readonly invoiceId: string })[];
  readonly others: RevenueFigures & { readonly tenants: number };
  readonly credits: readonly CreditLineView[];
}

/** An RI in the month's report: what the rater counted, with its terms and state from the RI itself. */
export interface RiUseView {
  readonly reservedInstancesId: string;
  readonly instanceType: string;
  readonly scope: string;
  readonly availabilityZone?: string;
  readonly instanceCount: number;
  readonly offeringType?: string;
  readonly durationSeconds?: number;
  readonly state?: RiState;
  readonly endMs?: number;
}

/** The month's `ec2-reserved-instance` lines: upfront fees, hourly fees, and both. */
export interface RiFees {
  readonly upfront: string;
  readonly hourly: string;
  readonly total: string;
}

/** One tenant's Reserved Instances in a month: each RI's utilization, the tenant's utilization, coverage and fees. */
export interface TenantRiReport {
  readonly tenantId: string;
  readonly invoiceId: string;
  readonly reservedInstances: readonly (RiUseView & RiUtilization)[];
  readonly utilization: RiUtilization;
  readonly coverage: RiCoverage;
  readonly fees: RiFees;
}

/** The month's RI report: the tenants' (one, or every tenant with RIs or eligible hours) and their sums. */
export interface RiMonthReport {
  readonly month: string;
  readonly status: InvoiceStatus;
  readonly asOfMs: number;
  readonly utilization: RiUtilization;
  readonly coverage: RiCoverage;
  readonly fees: RiFees;
  readonly tenants: readonly TenantRiReport[];
}

function riFees(lines: readonly Invoice['lines'][number][]): RiFees {
  const of = (suffix: string) => lines.filter((l) => l.product === 'ec2-reserved-instance' && l.lineId.endsWith(suffix)).reduce((s, l) => s.plus(l.amount), new Decimal(0));
  const upfront = of('/upfront');
  const hourly = of('/hours');
  return { upfront: upfront.toFixed(2), hourly: hourly.toFixed(2), total: upfront.plus(hourly).toFixed(2) };
}

const figures = (i: { subtotal: string; credits: string; total: string }): RevenueFigures => ({ subtotal: i.subtotal, credits: i.credits, total: i.total });
const minus = (a: RevenueFigures, b: RevenueFigures): RevenueFigures => ({
  subtotal: new Decimal(a.subtotal).minus(b.subtotal).toFixed(2), credits: new Decimal(a.credits).minus(b.credits).toFixed(2), total: new Decimal(a.total).minus(b.total).toFixed(2),
});
const sum = (list: readonly RevenueFigures[]): RevenueFigures => ({
  subtotal: list.reduce((s, f) => s.plus(f.subtotal), new Decimal(0)).toFixed(2),
  credits: list.reduce((s, f) => s.plus(f.credits), new Decimal(0)).toFixed(2),
  total: list.reduce((s, f) => s.plus(f.total), new Decimal(0)).toFixed(2),
});

function creditCause(line: Invoice['lines'][number]): Pick<CreditLineView, 'cause' | 'resources'> {
  if (line.product === 'guarantee-credit') {
    const kinds = /\(([a-z ]+)\)/.exec(line.description)?.[1].split(' and ') ?? [];
    return { cause: 'guarantee-violation', resources: kinds };
  }
  return { cause: line.lineId === 'sla-credit/region' ? 'zone-unavailability' : 'instance-unavailability', resources: [] };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A price change: objects merge key by key, anything else (prices, tier arrays) replaces. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) out[k] = deepMerge(base[k], v);
  return out;
}

/**
 * Billing (docs/model.md §5): the price book, the credit policy, usage, estimates, closing a month,
 * invoices and the admin summary. Usage is written by the engine's journal (UsageCapture); this
 * service reads and rates it with libs/metering.
 */
@Injectable()
export class BillingService implements OnModuleInit {
  /** The versions as stored (validated). */
  private stored: PriceBookVersion[] = [];
  private effective?: { readonly stored: readonly PriceBookVersion[]; readonly catalog: Catalog; readonly catalogVersion: number; readonly book: PriceBookVersion[] };
  private policy: CreditPolicy = DEFAULT_CREDIT_POLICY;
  /** Revenue reports of closed months, by month and close time. */
  private readonly closedRevenue = new Map<string, RevenueReport>();

  constructor(
    private readonly repo: BillingRepository,
    private readonly engine: EngineService,
    private readonly natRoutes: NatRoutes,
    private readonly reservedInstances: ReservedInstancesRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    // The seed (AWS us-east-1 On-Demand list prices, see libs/metering) from the epoch, so it covers any simulated time.
    await this.repo.seedPriceBookIfEmpty(seedPriceBook(0, listedInstanceTypes(INSTANCE_TYPES))[0], 0);
    this.stored = validatePriceBook(await this.repo.priceBook());
    const policy = await this.repo.creditPolicy();
    if (policy) this.policy = policy;
  }

  /** Every price book version, validated, in time order (what the rater and the catalog use). */
  get priceBook(): readonly PriceBookVersion[] {
    return this.book;
  }

  /**
   * The stored versions, each completed with the list prices of the catalog's types it does not
   * name (types added since it was written: the data file's, an operator's custom types). One
   * array per (stored versions, catalog state), so the compiled book is cached across calls.
   */
  private get book(): PriceBookVersion[] {
    const catalog = this.engine.world.catalog;
    const e = this.effective;
    if (e && e.stored === this.stored && e.catalog === catalog && e.catalogVersion === catalog.version) return e.book;
    const book = validatePriceBook(withListPrices(this.stored, catalogListPrices(catalog.allInstanceTypes())));
    this.effective = { stored: this.stored, catalog, catalogVersion: catalog.version, book };
    return book;
  }

  // ---- prices and credit policy (admin) ----

  prices(): PriceBookState {
    return { current: priceAt(this.book, this.engine.now).version, versions: this.book };
  }

  /** A new version: the patch merged onto the version in effect at its effective time (now by default, never the past). */
  putPrices(cmd: PutPricesCommand): Promise<PriceBookVersion> {
    return this.engine.command(async (tx, e) => {
      const effectiveFromMs = cmd.effectiveFromMs ?? e.now;
      if (effectiveFromMs < e.now)
        throw invalidParameter(`effectiveFrom ${iso(effectiveFromMs)} is in the past (now ${iso(e.now)}): a price change applies from now on, so that billed usage never re-rates`);
      if (cmd.version !== undefined && (typeof cmd.version !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(cmd.version)))
        throw invalidParameter('version must be 1 to 64 letters, digits, dots, dashes or underscores');
      const version = (cmd.version as string | undefined) ?? `v${this.book.length + 1}-${iso(effectiveFromMs).replace(/[:.]/g, '')}`;
      if (this.book.some((v) => v.version === version)) throw new ApiError('InvalidParameterValue', `price book version '${version}' already exists`);
      if (this.book.some((v) => v.effectiveFromMs === effectiveFromMs)) throw invalidParameter(`a price book version already takes effect at ${iso(effectiveFromMs)}`);
      // A version that changes no price would only repeat the one before it.
      if (Object.keys(cmd.prices).length === 0)
        throw new ApiError('MissingParameter', 'The request must change at least one price (instanceTypes, licenses, dedicatedInstanceMultiplier, dedicatedHostHourly, burstableSurplusPerVcpuHour, detailedMonitoring, ebs, publicIpv4, natGateway or dataTransfer)');
      const { version: _v, effectiveFromMs: _e, ...base } = priceAt(this.book, effectiveFromMs);
      const next = { ...(deepMerge(base, cmd.prices) as object), version, effectiveFromMs } as PriceBookVersion;
      validatePriceBookVersion(next);
      validatePriceBook([...this.book, next]);
      await this.repo.insertPriceBookVersion(tx, next, e.now);
      this.stored = validatePriceBook([...this.stored, next]);
      return next;
    });
  }

  creditPolicy(): CreditPolicy {
    return this.policy;
  }

  putCreditPolicy(cmd: PutCreditPolicyCommand): Promise<CreditPolicy> {
    const next = { ...this.policy, ...cmd } as CreditPolicy;
    try {
      validateCreditPolicy(next);
    } catch (err) {
      if (err instanceof MeteringError) throw err;
      throw invalidParameter('the credit policy is malformed');
    }
    return this.engine.command(async (tx) => {
      await this.repo.saveCreditPolicy(tx, next);
      this.policy = next;
      return next;
    });
  }

  // ---- usage (tenant) ----

  usage(tenant: TenantEntity, cmd: GetUsageCommand): Promise<UsageReport> {
    const { groupBy } = cmd;
    return this.engine.read(async (e) => {
      const toMs = cmd.toMs ?? e.now;
      const fromMs = cmd.fromMs ?? billingMonthOf(Math.min(toMs, e.now)).startMs;
      if (fromMs > toMs) throw invalidParameter(`from (${iso(fromMs)}) must not be after to (${iso(toMs)})`);
      if (toMs - fromMs > MAX_USAGE_WINDOW_MS) throw invalidParameter(`the window may cover at most ${MAX_USAGE_WINDOW_MS / MS_PER_DAY} days`);
      // Counters read now, metered or not yet, belong to a window that reaches now (its last millisecond, as windows are half-open).
      const reachesNow = toMs >= e.now && e.now > fromMs;
      const records = await this.repo.usage([tenant.id], fromMs, reachesNow ? Math.max(toMs, e.now + 1) : toMs, Math.min(toMs, e.now));
      if (reachesNow) {
        for (let i = 0; i < records.length; i++) {
          const r = records[i];
          if (isPointRecord(r) && r.atMs === e.now) records[i] = { ...r, atMs: e.now - 1 };
        }
        for (const r of await this.unmetered(tenant.id, e.now)) records.push({ ...r, atMs: e.now - 1 } as UsageRecord);
      }
      const prices = priceAt(this.book, Math.min(toMs, e.now));
      const gp3 = prices.ebs.gp3;
      const usage = usageReport(records, {
        fromMs, toMs, groupBy, gp3BaselineIops: gp3.baselineIops, gp3BaselineMiBps: gp3.baselineMiBps, metricsPerInstance: prices.detailedMonitoring?.metricsPerInstance,
      });
      return { fromMs, toMs, groupBy, usage };
    });
  }

  // ---- invoices ----

  /** Closed invoices and estimates of unclosed months with usage (the running month always), newest first. */
  listInvoices(tenant: TenantEntity): Promise<InvoiceView[]> {
    return this.engine.read(async (e) => {
      const closed = await this.repo.invoicesOf(tenant.id);
      const closedMonths = await this.repo.closedMonths();
      const firstMs = (await this.repo.firstUsageMs(tenant.id)) ?? e.now;
      const estimates: InvoiceView[] = [];
      let month = billingMonthOf(e.now);
      while (estimates.length < MAX_ESTIMATED_MONTHS) {
        if (!closedMonths.has(month.month)) estimates.push(await this.estimate(tenant.id, month, e.now));
        if (month.startMs <= firstMs) break;
        month = billingMonthOf(month.startMs - 1);
      }
      const views = [...estimates, ...closed.map(closedView)];
      return views.sort((a, b) => (a.invoice.month < b.invoice.month ? 1 : a.invoice.month > b.invoice.month ? -1 : 0));
    });
  }

  /** A tenant's invoice (closed or estimate); another tenant's is missing. */
  async invoice(tenant: TenantEntity, id: string): Promise<InvoiceView> {
    const view = await this.anyInvoice({ invoiceId: id });
    if (view.invoice.tenantId !== tenant.id) throw invoiceNotFound(id);
    return view;
  }

  /** Any tenant's invoice; `recompute` re-rates a closed one from its stored usage. */
  async anyInvoice(cmd: GetInvoiceCommand): Promise<InvoiceView & { recomputed?: Recomputation }> {
    const id = cmd.invoiceId;
    const est = ESTIMATE_ID.exec(id);
    if (est) {
      if (!MONTH.test(est[1])) throw invoiceNotFound(id);
      const month = parseBillingMonth(est[1]);
      return this.engine.read(async (e) => {
        if (month.startMs > e.now) throw invoiceNotFound(id);
        if (await this.repo.closedMonth(month.month)) throw invoiceNotFound(id);
        if (!(await this.repo.tenantExists(est[2]))) throw invoiceNotFound(id);
        return this.estimate(est[2], month, e.now);
      });
    }
    if (!ID_PATTERN('inv').test(id)) throw new ApiError('InvalidInvoiceID.Malformed', `Invalid id: '${id}' (expecting 'inv-' and 17 hex digits, or 'est-YYYY-MM-<tenantId>' for an estimate)`);
    const stored = await this.repo.invoice(id);
    if (!stored) throw invoiceNotFound(id);
    const view = closedView(stored);
    if (!cmd.recompute) return view;
    // Reproducibility: the same usage, re-rated now, gives the same cents.
    const row = stored.invoice;
    const month = parseBillingMonth(row.month);
    const again = await this.repo.invoiceFromStore(row.tenantId, month, month.endMs, this.book, this.policy);
    return {
      ...view,
      recomputed: { subtotal: again.subtotal, credits: again.credits, total: again.total, matches: again.total === row.total && again.subtotal === row.subtotal && again.credits === row.credits },
    };
  }

  adminInvoices(cmd: ListAllInvoicesCommand): Promise<InvoiceList> {
    const { month, tenantId } = cmd;
    return this.engine.read(async (e) => {
      const closedMonth = month ? await this.repo.closedMonth(month.month) : undefined;
      if (month && !closedMonth) {
        if (month.startMs > e.now) return { month: month.month, status: 'estimate', invoices: [] };
        const views = [];
        for (const t of await this.repo.tenantIds(tenantId)) views.push(await this.estimate(t, month, e.now));
        return { month: month.month, status: 'estimate', invoices: views };
      }
      const stored = await this.repo.invoices({ month: month?.month, tenantId });
      return { ...(month ? { month: month.month, status: 'closed' as const } : {}), invoices: stored.map(closedView) };
    });
  }

  /** Revenue by tenant, product and license, credits, and guarantee violations: from the closed invoices, or estimated. */
  summary(cmd: GetBillingSummaryCommand): Promise<MonthSummary> {
    const { month } = cmd;
    return this.engine.read(async (e) => {
      const closed = await this.repo.closedMonth(month.month);
      let invoices: Invoice[];
      if (closed) {
        invoices = (await this.repo.invoicesOfMonth(month.month)).map((s) => s.invoice);
      } else {
        if (month.startMs > e.now) throw invalidParameter(`${month.month} has not begun (now ${iso(e.now)})`);
        invoices = [];
        for (const t of await this.repo.tenantIds()) invoices.push((await this.estimate(t, month, e.now)).invoice);
      }
      const { months: _months, ...summary } = summarize(invoices);
      return {
        month: month.month, status: closed ? 'closed' : 'estimate', asOfMs: closed ? closed.closedAt : e.now,
        summary,
        guaranteeViolations: await this.violationsByTenant(month, Math.min(e.now, month.endMs)),
      };
    });
  }

  /**
   * Revenue of a month by UTC day, product and tenant, and its credit lines by cause. A day's
   * figure is the month's invoices rated as of that day's end less the same as of the day before
   * (the same rating as the invoices, so the days add up to them to the cent); the running day is
   * the estimate's, unmetered counters included.
   */
  revenue(cmd: GetRevenueCommand): Promise<RevenueReport> {
    return this.engine.read(async (e) => {
      const { month, closed } = await this.reportMonth(cmd.month, e.now);
      // A closed month's figures never change (its invoices and usage are final): rated once.
      const key = closed ? `${month.month}|${closed.closedAt}` : undefined;
      const cached = key ? this.closedRevenue.get(key) : undefined;
      if (cached) return cached;
      const report = await this.rateRevenue(month, closed, e.now);
      if (key) this.closedRevenue.set(key, report);
      return report;
    });
  }

  /**
   * Reserved Instance utilization and coverage (AWS Cost Explorer's reports; libs/metering
   * invoice/reserved-use.ts) of a month, from the same rating as its invoices or estimates, with
   * the RI fees on them. One tenant's, or (no tenantId) every tenant with RIs or eligible hours.
   */
  riReport(cmd: GetRiReportCommand): Promise<RiMonthReport> {
    return this.engine.read(async (e) => {
      const { month, closed } = await this.reportMonth(cmd.month, e.now);
      const asOfMs = closed ? closed.closedAt : e.now;
      const stored = closed ? new Map((await this.repo.invoicesOfMonth(month.month)).map((s) => [s.invoice.tenantId, s])) : undefined;
      const tenants: TenantRiReport[] = [];
      const uses: ReservedInstanceUse[] = [];
      const allLines: Invoice['lines'][number][] = [];
      for (const t of await this.repo.tenantIds(cmd.tenantId)) {
        // A closed month: its invoice as closed, and its usage (final) re-rated for the quantities.
        const rated = closed ? await this.repo.ratedFromStore(t, month, month.endMs, this.book, this.policy) : await this.rated(t, month, e.now);
        const use = rated.reservedInstances;
        if (cmd.tenantId === undefined && use.reservations.length === 0 && use.eligibleHours.isZero()) continue;
        const closedInvoice = stored?.get(t);
        const lines = closedInvoice ? closedInvoice.invoice.lines : rated.invoice.lines;
        const rows = new Map((await this.reservedInstances.of(this.reservedInstances.reader, t)).map((r) => [r.id, r]));
        const report = riUseReport([use]);
        uses.push(use);
        allLines.push(...lines);
        tenants.push({
          tenantId: t, invoiceId: closedInvoice?.invoiceId ?? `est-${month.month}-${t}`,
          reservedInstances: report.reservations.map((r) => {
            const row = rows.get(r.reservedInstancesId);
            return row ? { ...r, offeringType: row.offeringType, durationSeconds: row.durationSeconds, state: riStateAt(row, asOfMs), endMs: riEndMs(row) } : r;
          }),
          utilization: report.utilization, coverage: report.coverage, fees: riFees(lines),
        });
      }
      const all = riUseReport(uses);
      return { month: month.month, status: closed ? 'closed' : 'estimate', asOfMs, utilization: all.utilization, coverage: all.coverage, fees: riFees(allLines), tenants };
    });
  }

  /** A report's month (`current` and `previous` by the clock) and its close, if closed; a month not begun is refused. */
  private async reportMonth(asked: GetRevenueCommand['month'], now: number): Promise<{ month: BillingMonth; closed: { closedAt: number } | null | undefined }> {
    const current = billingMonthOf(now);
    const month = asked === 'current' ? current : asked === 'previous' ? billingMonthOf(current.startMs - 1) : asked;
    const closed = await this.repo.closedMonth(month.month);
    if (!closed && month.startMs > now) throw invalidParameter(`${month.month} has not begun (now ${iso(now)})`);
    return { month, closed };
  }

  private async rateRevenue(month: BillingMonth, closed: { closedAt: number } | undefined | null, now: number): Promise<RevenueReport> {
    const asOfMs = closed ? closed.closedAt : now;
    const views: InvoiceView[] = [];
    if (closed) views.push(...(await this.repo.invoicesOfMonth(month.month)).map(closedView));
    else for (const t of await this.repo.tenantIds()) views.push(await this.estimate(t, month, now));
    const lastMs = Math.min(month.endMs, now);
    const dayStarts: number[] = [];
    for (let dayStart = month.startMs; dayStart < lastMs; dayStart += MS_PER_DAY) dayStarts.push(dayStart);
    const dayEnds = dayStarts.map((dayStart) => Math.min(dayStart + MS_PER_DAY, month.endMs));
    // Each tenant's invoice as it stood at each earlier day's end (what began later left out, what ended later cut there), from one read of its usage; the last day's is the view's own.
    const earlierEnds = dayEnds.filter((dayEnd) => dayEnd < lastMs);
    const asOfDayEnds: RevenueFigures[][] = [];
    for (const v of views) asOfDayEnds.push((await this.repo.invoicesAsOf(v.invoice.tenantId, month, earlierEnds, this.book, this.policy)).map(figures));
    const days: (RevenueFigures & { day: string })[] = [];
    let before: RevenueFigures = { subtotal: '0.00', credits: '0.00', total: '0.00' };
    for (const [i, dayStart] of dayStarts.entries()) {
      const upTo = views.map((v, j) => (dayEnds[i] >= lastMs ? figures(v.invoice) : asOfDayEnds[j][i]));
      const cumulative = sum(upTo);
      days.push({ day: iso(dayStart).slice(0, 10), ...minus(cumulative, before) });
      before = cumulative;
    }
    const ranked = views
      .map((v) => ({ tenantId: v.invoice.tenantId, invoiceId: v.invoiceId, ...figures(v.invoice) }))
      .sort((a, b) => new Decimal(b.total).comparedTo(a.total) || (a.tenantId < b.tenantId ? -1 : 1));
    const rest = ranked.slice(REVENUE_TOP_TENANTS);
    const credits: CreditLineView[] = [];
    for (const v of views)
      for (const l of v.invoice.lines)
        if (l.product === 'sla-credit' || l.product === 'guarantee-credit')
          credits.push({ tenantId: v.invoice.tenantId, invoiceId: v.invoiceId, lineId: l.lineId, ...creditCause(l), description: l.description, amount: l.amount });
    return {
      month: month.month, status: closed ? 'closed' : 'estimate', asOfMs,
      total: sum(views.map((v) => figures(v.invoice))),
      days,
      byProduct: summarize(views.map((v) => v.invoice)).revenueByProduct,
      topTenants: ranked.slice(0, REVENUE_TOP_TENANTS),
      others: { tenants: rest.length, ...sum(rest) },
      credits,
    };
  }

  /** Closes a month once it has ended: the invoices become immutable. */
  async close(cmd: CloseMonthCommand): Promise<CloseResult> {
    // First a commit of everything the engine has done, so the close reads every interval that ended in the month.
    await this.engine.command(async () => undefined);
    return this.engine.command((tx, e) => closeMonth(this.repo, tx, cmd.month.month, e.now, this.book, this.policy));
  }

  // ---- helpers ----

  /** Counters not metered yet (bytes sent, surplus charged, standard volumes' I/O requests since the last reading), read now. */
  private async unmetered(tenantId: string, nowMs: number) {
    const e = this.engine;
    const vms = [...e.fleet.allVms()].filter((vm) => vm.tenantId === tenantId);
    const volumes = e.dataPlane.ioRequestCounters().filter((v) => v.tenantId === tenantId);
    // The bytes a NAT gateway would process at the next reading, as it would meter them.
    return e.usage.liveRecords(e.dataPlane, vms, nowMs, volumes, await this.natRoutes.now());
  }

  /** An unclosed month rated as of now: committed usage and the counters not metered yet. */
  private async rated(tenantId: string, month: BillingMonth, nowMs: number) {
    const live = nowMs < month.endMs ? await this.unmetered(tenantId, nowMs) : [];
    return this.repo.ratedFromStore(tenantId, month, Math.min(nowMs, month.endMs), this.book, this.policy, live);
  }

  private async estimate(tenantId: string, month: BillingMonth, nowMs: number): Promise<InvoiceView> {
    const { invoice } = await this.rated(tenantId, month, nowMs);
    return { invoiceId: `est-${month.month}-${tenantId}`, status: 'estimate', periodStartMs: month.startMs, periodEndMs: month.endMs, asOfMs: nowMs, invoice };
  }

  private async violationsByTenant(month: BillingMonth, closeAtMs: number): Promise<TenantViolations[]> {
    const by = new Map<string, { count: number; ms: number }>();
    for (const r of await this.repo.guaranteeViolations(month)) {
      const t = by.get(r.tenantId) ?? { count: 0, ms: 0 };
      t.count++;
      t.ms += Math.min(r.endMs ?? closeAtMs, month.endMs) - Math.max(r.startMs, month.startMs);
      by.set(r.tenantId, t);
    }
    return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tenantId, t]) => ({ tenantId, violations: t.count, violatedSeconds: t.ms / 1000 }));
  }
}

function closedView(s: StoredInvoice): InvoiceView {
  const m = parseBillingMonth(s.invoice.month);
  return { invoiceId: s.invoiceId, status: 'closed', periodStartMs: m.startMs, periodEndMs: m.endMs, asOfMs: s.closedAt, invoice: s.invoice };
}
