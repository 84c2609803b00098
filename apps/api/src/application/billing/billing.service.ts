import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import {
  billingMonthOf, BillingMonth, CreditPolicy, DEFAULT_CREDIT_POLICY, Invoice, MeteringError, parseBillingMonth, priceAt, PriceBookVersion,
  seedPriceBook, summarize, toCsv, USAGE_GROUPINGS, UsageGrouping, UsageRecord, usageReport, validateCreditPolicy, validatePriceBook, validatePriceBookVersion,
} from '@nimbus/metering';
import { MS_PER_DAY } from '@nimbus/hypervisor';
import { DataSource, EntityManager, In } from 'typeorm';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { ID_PATTERN } from '../common/ids';
import {
  BillingMonthEntity, InvoiceEntity, InvoiceLineEntity, PriceBookVersionEntity, SettingEntity, SlaIntervalEntity, TenantEntity, UsageRecordEntity,
} from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { closeMonth, invoiceOfRows } from './billing-close';
import { invoiceFromStore, loadUsage } from '../../persistence/usage-store';

const CREDIT_POLICY_KEY = 'billing.creditPolicy';
/** `GET /v1/usage` covers at most this much simulated time per call. */
const MAX_USAGE_WINDOW_MS = 400 * MS_PER_DAY;
/** Unclosed months a tenant's invoice list estimates, newest first. */
const MAX_ESTIMATED_MONTHS = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const ESTIMATE_ID = /^est-(\d{4}-\d{2})-(t-[0-9a-f]{17})$/;
const PRICE_FIELDS = ['version', 'effectiveFrom', 'region', 'instanceTypes', 'licenses', 'dedicatedInstanceMultiplier', 'dedicatedHostHourly', 'burstableSurplusPerVcpuHour', 'ebs', 'dataTransfer'];

const iso = (ms: number) => new Date(ms).toISOString();
const invoiceNotFound = (id: string) => notFound('InvalidInvoiceID.NotFound', `The invoice '${id}' does not exist`);

export type InvoiceStatus = 'closed' | 'estimate';
export interface InvoiceView extends Invoice {
  readonly invoiceId: string;
  readonly status: InvoiceStatus;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Closed: when it was closed. Estimate: the simulated time it was computed at. */
  readonly asOf: string;
}

/** Parses YYYY-MM or throws a 400 naming the parameter. */
export function parseMonthParam(value: unknown, name = 'month'): BillingMonth {
  if (typeof value !== 'string' || !MONTH.test(value)) throw invalidParameter(`${name} must be a calendar month as YYYY-MM, got ${JSON.stringify(value ?? null)}`);
  return parseBillingMonth(value);
}

function parseTime(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) throw invalidParameter(`${name} must be an ISO 8601 time, got ${JSON.stringify(value)}`);
  return ms;
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
 * Billing (MODEL.md §5): the price book, the credit policy, usage, estimates, closing a month,
 * invoices and the admin summary. Usage is written by the engine's journal (UsageCapture); this
 * service reads and rates it with libs/metering.
 */
@Injectable()
export class BillingService implements OnModuleInit {
  private book: PriceBookVersion[] = seedPriceBook(0);
  private policy: CreditPolicy = DEFAULT_CREDIT_POLICY;

  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  async onModuleInit(): Promise<void> {
    const repo = this.db.getRepository(PriceBookVersionEntity);
    if ((await repo.count()) === 0) {
      // The seed (AWS us-east-1 On-Demand list prices, see libs/metering) from the epoch, so it covers any simulated time.
      const [seed] = seedPriceBook(0);
      const { version, effectiveFromMs, ...prices } = seed;
      await repo.createQueryBuilder().insert().values({ version, effectiveFromMs, createdAt: 0, body: JSON.stringify(prices) }).orIgnore().execute();
    }
    await this.loadBook(this.db.manager);
    const policy = await this.db.getRepository(SettingEntity).findOneBy({ key: CREDIT_POLICY_KEY });
    if (policy) this.policy = JSON.parse(policy.value) as CreditPolicy;
  }

  /** Every price book version, validated, in time order (what the rater and the catalog use). */
  get priceBook(): readonly PriceBookVersion[] {
    return this.book;
  }

  private async loadBook(m: EntityManager): Promise<void> {
    const rows = await m.find(PriceBookVersionEntity, { order: { effectiveFromMs: 'ASC' } });
    this.book = validatePriceBook(rows.map((r) => ({ ...(JSON.parse(r.body) as object), version: r.version, effectiveFromMs: r.effectiveFromMs }) as PriceBookVersion));
  }

  // ---- prices and credit policy (admin) ----

  prices() {
    const now = this.engine.now;
    const current = priceAt(this.book, now).version;
    return {
      current,
      versions: this.book.map(({ version, effectiveFromMs, ...prices }) => ({ version, effectiveFrom: iso(effectiveFromMs), ...prices })),
    };
  }

  /** A new version: the patch merged onto the version in effect at its effective time (now by default, never the past). */
  putPrices(body: unknown) {
    if (!isObject(body)) throw invalidParameter('the body must be a JSON object');
    const unknown = Object.keys(body).filter((k) => !PRICE_FIELDS.includes(k));
    if (unknown.length) throw invalidParameter(`unknown field(s): ${unknown.join(', ')} (allowed: ${PRICE_FIELDS.join(', ')})`);
    return this.engine.command(async (tx, e) => {
      const effectiveFromMs = parseTime(body.effectiveFrom, 'effectiveFrom') ?? e.now;
      if (effectiveFromMs < e.now)
        throw invalidParameter(`effectiveFrom ${iso(effectiveFromMs)} is in the past (now ${iso(e.now)}): a price change applies from now on, so that billed usage never re-rates`);
      if (body.version !== undefined && (typeof body.version !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(body.version)))
        throw invalidParameter('version must be 1 to 64 letters, digits, dots, dashes or underscores');
      const version = (body.version as string | undefined) ?? `v${this.book.length + 1}-${iso(effectiveFromMs).replace(/[:.]/g, '')}`;
      if (this.book.some((v) => v.version === version)) throw new ApiError('InvalidParameterValue', `price book version '${version}' already exists`);
      if (this.book.some((v) => v.effectiveFromMs === effectiveFromMs)) throw invalidParameter(`a price book version already takes effect at ${iso(effectiveFromMs)}`);
      const { version: _v, effectiveFromMs: _e, ...base } = priceAt(this.book, effectiveFromMs);
      const { version: _pv, effectiveFrom: _pe, ...patch } = body;
      const next = { ...(deepMerge(base, patch) as object), version, effectiveFromMs } as PriceBookVersion;
      validatePriceBookVersion(next);
      validatePriceBook([...this.book, next]);
      const { version: _nv, effectiveFromMs: _ne, ...prices } = next;
      await tx.insert(PriceBookVersionEntity, { version, effectiveFromMs, createdAt: e.now, body: JSON.stringify(prices) });
      this.book = validatePriceBook([...this.book, next]);
      return { version, effectiveFrom: iso(effectiveFromMs), ...prices };
    });
  }

  creditPolicy() {
    return this.policy;
  }

  putCreditPolicy(body: unknown) {
    if (!isObject(body)) throw invalidParameter('the body must be a JSON object');
    const unknown = Object.keys(body).filter((k) => !['regionTiers', 'instanceTiers', 'guaranteeViolation'].includes(k));
    if (unknown.length) throw invalidParameter(`unknown field(s): ${unknown.join(', ')}`);
    const next = { ...this.policy, ...body } as CreditPolicy;
    try {
      validateCreditPolicy(next);
    } catch (err) {
      if (err instanceof MeteringError) throw err;
      throw invalidParameter('the credit policy is malformed');
    }
    return this.engine.command(async (tx) => {
      await tx.save(SettingEntity, { key: CREDIT_POLICY_KEY, value: JSON.stringify(next) });
      this.policy = next;
      return next;
    });
  }

  // ---- usage (tenant) ----

  usage(tenant: TenantEntity, q: { from?: unknown; to?: unknown; groupBy?: unknown }) {
    const groupBy = (q.groupBy ?? 'type') as UsageGrouping;
    if (typeof groupBy !== 'string' || !USAGE_GROUPINGS.includes(groupBy)) throw invalidParameter(`groupBy must be one of ${USAGE_GROUPINGS.join(', ')}, got ${JSON.stringify(q.groupBy)}`);
    const from = parseTime(q.from, 'from');
    const to = parseTime(q.to, 'to');
    return this.engine.read(async (e) => {
      const toMs = to ?? e.now;
      const fromMs = from ?? billingMonthOf(Math.min(toMs, e.now)).startMs;
      if (fromMs > toMs) throw invalidParameter(`from (${iso(fromMs)}) must not be after to (${iso(toMs)})`);
      if (toMs - fromMs > MAX_USAGE_WINDOW_MS) throw invalidParameter(`the window may cover at most ${MAX_USAGE_WINDOW_MS / MS_PER_DAY} days`);
      const records = await loadUsage(this.db.manager, [tenant.id], fromMs, toMs, Math.min(toMs, e.now));
      // Counters read now and not yet metered belong to a window that reaches now (its last millisecond, as windows are half-open).
      if (toMs >= e.now && e.now > fromMs) for (const r of this.unmetered(tenant.id, e.now)) records.push({ ...r, atMs: e.now - 1 } as UsageRecord);
      const gp3 = priceAt(this.book, Math.min(toMs, e.now)).ebs.gp3;
      const usage = usageReport(records, { fromMs, toMs, groupBy, gp3BaselineIops: gp3.baselineIops, gp3BaselineMiBps: gp3.baselineMiBps });
      return { from: iso(fromMs), to: iso(toMs), groupBy, usage };
    });
  }

  // ---- invoices ----

  /** Closed invoices and estimates of unclosed months with usage (the running month always), newest first. */
  listInvoices(tenant: TenantEntity) {
    return this.engine.read(async (e) => {
      const closed = await this.db.getRepository(InvoiceEntity).find({ where: { tenantId: tenant.id }, order: { month: 'DESC' } });
      const closedMonths = new Set((await this.db.getRepository(BillingMonthEntity).find()).map((m) => m.month));
      const first = await this.db
        .createQueryBuilder(UsageRecordEntity, 'u').select('MIN(u.start_ms)', 'first').where('u.tenant_id = :t', { t: tenant.id }).getRawOne<{ first: string | number | null }>();
      const estimates: InvoiceView[] = [];
      let month = billingMonthOf(e.now);
      const firstMs = first?.first === null || first?.first === undefined ? e.now : Number(first.first);
      while (estimates.length < MAX_ESTIMATED_MONTHS) {
        if (!closedMonths.has(month.month)) estimates.push(await this.estimate(tenant.id, month, e.now));
        if (month.startMs <= firstMs) break;
        month = billingMonthOf(month.startMs - 1);
      }
      const views = [...estimates.map(summaryOf), ...closed.map((c) => summaryOf(this.closedView(c, [])))];
      return { invoices: views.sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0)) };
    });
  }

  /** A tenant's invoice (closed or estimate); another tenant's is missing. */
  async invoice(tenant: TenantEntity, id: string): Promise<InvoiceView> {
    const view = await this.anyInvoice(id);
    if (view.tenantId !== tenant.id) throw invoiceNotFound(id);
    return view;
  }

  async anyInvoice(id: string, recompute = false): Promise<InvoiceView & { recomputed?: { subtotal: string; credits: string; total: string; matches: boolean } }> {
    const est = ESTIMATE_ID.exec(id);
    if (est) {
      if (!MONTH.test(est[1])) throw invoiceNotFound(id);
      const month = parseBillingMonth(est[1]);
      return this.engine.read(async (e) => {
        if (month.startMs > e.now) throw invoiceNotFound(id);
        if (await this.db.getRepository(BillingMonthEntity).findOneBy({ month: month.month })) throw invoiceNotFound(id);
        if (!(await this.db.getRepository(TenantEntity).findOneBy({ id: est[2] }))) throw invoiceNotFound(id);
        return this.estimate(est[2], month, e.now);
      });
    }
    if (!ID_PATTERN('inv').test(id)) throw new ApiError('InvalidInvoiceID.Malformed', `Invalid id: '${id}' (expecting 'inv-' and 17 hex digits, or 'est-YYYY-MM-<tenantId>' for an estimate)`);
    const row = await this.db.getRepository(InvoiceEntity).findOneBy({ id });
    if (!row) throw invoiceNotFound(id);
    const lines = await this.db.getRepository(InvoiceLineEntity).find({ where: { invoiceId: id }, order: { lineNo: 'ASC' } });
    const view = this.closedView(row, lines);
    if (!recompute) return view;
    // Reproducibility: the same usage, re-rated now, gives the same cents.
    const again = await invoiceFromStore(this.db.manager, row.tenantId, parseBillingMonth(row.month), parseBillingMonth(row.month).endMs, this.book, this.policy);
    return {
      ...view,
      recomputed: { subtotal: again.subtotal, credits: again.credits, total: again.total, matches: again.total === row.total && again.subtotal === row.subtotal && again.credits === row.credits },
    };
  }

  csv(view: Invoice): string {
    return toCsv(view);
  }

  adminInvoices(q: { month?: unknown; tenantId?: unknown }) {
    const month = q.month === undefined ? undefined : parseMonthParam(q.month);
    if (q.tenantId !== undefined && (typeof q.tenantId !== 'string' || !ID_PATTERN('t').test(q.tenantId)))
      throw invalidParameter(`tenantId must be a tenant id ('t-' and 17 hex digits), got ${JSON.stringify(q.tenantId)}`);
    const tenantId = q.tenantId as string | undefined;
    return this.engine.read(async (e) => {
      const closedMonth = month ? await this.db.getRepository(BillingMonthEntity).findOneBy({ month: month.month }) : undefined;
      if (month && !closedMonth) {
        if (month.startMs > e.now) return { month: month.month, status: 'estimate', invoices: [] };
        const tenants = tenantId ? await this.db.getRepository(TenantEntity).findBy({ id: tenantId }) : await this.db.getRepository(TenantEntity).find({ order: { id: 'ASC' } });
        const views = [];
        for (const t of tenants) views.push(summaryOf(await this.estimate(t.id, month, e.now)));
        return { month: month.month, status: 'estimate', invoices: views };
      }
      const rows = await this.db.getRepository(InvoiceEntity).find({
        where: { ...(month ? { month: month.month } : {}), ...(tenantId ? { tenantId } : {}) },
        order: { month: 'DESC', tenantId: 'ASC' },
      });
      return { ...(month ? { month: month.month, status: 'closed' } : {}), invoices: rows.map((r) => summaryOf(this.closedView(r, []))) };
    });
  }

  /** Revenue by tenant, product and license, credits, and guarantee violations: from the closed invoices, or estimated. */
  summary(q: { month?: unknown }) {
    const month = parseMonthParam(q.month);
    return this.engine.read(async (e) => {
      const closed = await this.db.getRepository(BillingMonthEntity).findOneBy({ month: month.month });
      let invoices: Invoice[];
      if (closed) {
        const rows = await this.db.getRepository(InvoiceEntity).find({ where: { month: month.month }, order: { tenantId: 'ASC' } });
        const lines = new Map<string, InvoiceLineEntity[]>();
        for (let i = 0; i < rows.length; i += 500) {
          for (const l of await this.db.getRepository(InvoiceLineEntity).find({ where: { invoiceId: In(rows.slice(i, i + 500).map((r) => r.id)) } }))
            lines.set(l.invoiceId, [...(lines.get(l.invoiceId) ?? []), l]);
        }
        invoices = rows.map((r) => invoiceOfRows(r, lines.get(r.id) ?? []));
      } else {
        if (month.startMs > e.now) throw invalidParameter(`${month.month} has not begun (now ${iso(e.now)})`);
        invoices = [];
        for (const t of await this.db.getRepository(TenantEntity).find({ order: { id: 'ASC' } })) invoices.push(await this.estimate(t.id, month, e.now));
      }
      const { months: _months, ...s } = summarize(invoices);
      return {
        month: month.month, status: closed ? 'closed' : 'estimate', asOf: iso(closed ? closed.closedAt : e.now),
        ...s,
        guaranteeViolations: await this.violationsByTenant(month, Math.min(e.now, month.endMs)),
      };
    });
  }

  /** Closes a month once it has ended: the invoices become immutable. */
  async close(body: unknown) {
    if (!isObject(body)) throw invalidParameter('the body must be a JSON object');
    const unknown = Object.keys(body).filter((k) => k !== 'month');
    if (unknown.length) throw invalidParameter(`unknown field(s): ${unknown.join(', ')}`);
    if (body.month === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter month');
    const month = parseMonthParam(body.month);
    // First a commit of everything the engine has done, so the close reads every interval that ended in the month.
    await this.engine.command(async () => undefined);
    const result = await this.engine.command((tx, e) => closeMonth(tx, month.month, e.now, this.book, this.policy));
    return { month: result.month, closedAt: iso(result.closedAt), invoices: result.invoices, usageRecords: result.usageRecords, total: result.total, currency: 'USD' };
  }

  // ---- helpers ----

  /** Counters not metered yet (bytes sent, surplus charged since the last reading), read now. */
  private unmetered(tenantId: string, nowMs: number) {
    const e = this.engine;
    const vms = [...e.fleet.allVms()].filter((vm) => vm.tenantId === tenantId);
    return e.usage.liveRecords(e.dataPlane, vms, nowMs);
  }

  private async estimate(tenantId: string, month: BillingMonth, nowMs: number): Promise<InvoiceView> {
    const live = nowMs < month.endMs ? this.unmetered(tenantId, nowMs) : [];
    const inv = await invoiceFromStore(this.db.manager, tenantId, month, Math.min(nowMs, month.endMs), this.book, this.policy, live);
    return { invoiceId: `est-${month.month}-${tenantId}`, status: 'estimate', periodStart: iso(month.startMs), periodEnd: iso(month.endMs), asOf: iso(nowMs), ...inv };
  }

  private closedView(row: InvoiceEntity, lines: readonly InvoiceLineEntity[]): InvoiceView {
    const m = parseBillingMonth(row.month);
    return { invoiceId: row.id, status: 'closed', periodStart: iso(m.startMs), periodEnd: iso(m.endMs), asOf: iso(row.closedAt), ...invoiceOfRows(row, lines) };
  }

  private async violationsByTenant(month: BillingMonth, closeAtMs: number) {
    const rows = await this.db
      .createQueryBuilder(SlaIntervalEntity, 's')
      .where('s.kind = :kind', { kind: 'guarantee-violation' })
      .andWhere('s.startMs < :end', { end: month.endMs })
      .andWhere('(s.endMs IS NULL OR s.endMs > :start)', { start: month.startMs })
      .getMany();
    const by = new Map<string, { count: number; ms: number }>();
    for (const r of rows) {
      const t = by.get(r.tenantId) ?? { count: 0, ms: 0 };
      t.count++;
      t.ms += Math.min(r.endMs ?? closeAtMs, month.endMs) - Math.max(r.startMs, month.startMs);
      by.set(r.tenantId, t);
    }
    return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tenantId, t]) => ({ tenantId, violations: t.count, violatedSeconds: t.ms / 1000 }));
  }
}

/** An invoice without its lines, for lists. */
function summaryOf(v: InvoiceView) {
  const { lines: _lines, ...rest } = v;
  return rest;
}
