import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CreditPolicy, Invoice, PriceBookVersion, UsageRecord } from '@nimbus/metering';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import {
  BillingMonthEntity, InvoiceEntity, InvoiceLineEntity, PriceBookVersionEntity, SettingEntity, SlaIntervalEntity, TenantEntity, UsageRecordEntity,
} from './entities';
import { Tx } from './tx';
import { invoiceFromStore, invoicesAsOf, loadSla, loadUsage, ratedFromStore, SlaFacts } from './usage-store';

const CREDIT_POLICY_KEY = 'billing.creditPolicy';
/** Rows per INSERT: under SQLite's and PostgreSQL's bound-parameter limits (11 columns a line). */
const LINE_BATCH = 500;
/** Invoices whose lines one query reads (an IN list). */
const LINES_READ_BATCH = 500;

/** A closed invoice as stored: immutable once written. Listed invoices carry no lines. */
export interface StoredInvoice {
  readonly invoiceId: string;
  readonly closedAt: number;
  readonly invoice: Invoice;
}

/** A month as `[startMs, endMs)`. */
export interface MonthWindow {
  readonly month: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** A guarantee-violation interval (open while `endMs` is null). */
export interface ViolationInterval {
  readonly tenantId: string;
  readonly startMs: number;
  readonly endMs: number | null;
}

/**
 * Billing's stored state: price book versions, the credit policy (a setting), closed months,
 * invoices and their lines, and the usage and SLA intervals they are rated from.
 */
@Injectable()
export class BillingRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  // ---- price book and credit policy ----

  /** Writes the seed version into an empty price book (a concurrent writer's seed wins). */
  async seedPriceBookIfEmpty(seed: PriceBookVersion, createdAt: number): Promise<void> {
    const repo = this.db.getRepository(PriceBookVersionEntity);
    if ((await repo.count()) > 0) return;
    const { version, effectiveFromMs, ...prices } = seed;
    await repo.createQueryBuilder().insert().values({ version, effectiveFromMs, createdAt, body: JSON.stringify(prices) }).orIgnore().execute();
  }

  /** Every stored version, in effective-time order (not validated). */
  async priceBook(): Promise<PriceBookVersion[]> {
    const rows = await this.db.manager.find(PriceBookVersionEntity, { order: { effectiveFromMs: 'ASC' } });
    return rows.map((r) => ({ ...(JSON.parse(r.body) as object), version: r.version, effectiveFromMs: r.effectiveFromMs }) as PriceBookVersion);
  }

  async insertPriceBookVersion(tx: Tx, v: PriceBookVersion, createdAt: number): Promise<void> {
    const { version, effectiveFromMs, ...prices } = v;
    await tx.insert(PriceBookVersionEntity, { version, effectiveFromMs, createdAt, body: JSON.stringify(prices) });
  }

  async creditPolicy(): Promise<CreditPolicy | undefined> {
    const row = await this.db.getRepository(SettingEntity).findOneBy({ key: CREDIT_POLICY_KEY });
    return row ? (JSON.parse(row.value) as CreditPolicy) : undefined;
  }

  async saveCreditPolicy(tx: Tx, policy: CreditPolicy): Promise<void> {
    await tx.save(SettingEntity, { key: CREDIT_POLICY_KEY, value: JSON.stringify(policy) });
  }

  // ---- closed months and invoices ----

  /** The month's close, if it happened (in the transaction, or the committed state without one). */
  async closedMonth(month: string, tx: Tx = this.db.manager): Promise<BillingMonthEntity | undefined> {
    return (await tx.findOneBy(BillingMonthEntity, { month })) ?? undefined;
  }

  async closedMonths(): Promise<Set<string>> {
    return new Set((await this.db.getRepository(BillingMonthEntity).find()).map((m) => m.month));
  }

  /** A tenant's closed invoices, newest month first, without lines. */
  async invoicesOf(tenantId: string): Promise<StoredInvoice[]> {
    const rows = await this.db.getRepository(InvoiceEntity).find({ where: { tenantId }, order: { month: 'DESC' } });
    return rows.map((r) => storedInvoice(r, []));
  }

  /** Closed invoices of a month and/or a tenant (all without either), by month (newest first) then tenant, without lines. */
  async invoices(filter: { readonly month?: string; readonly tenantId?: string }): Promise<StoredInvoice[]> {
    const rows = await this.db.getRepository(InvoiceEntity).find({
      where: { ...(filter.month ? { month: filter.month } : {}), ...(filter.tenantId ? { tenantId: filter.tenantId } : {}) },
      order: { month: 'DESC', tenantId: 'ASC' },
    });
    return rows.map((r) => storedInvoice(r, []));
  }

  /** A closed month's invoices with their lines, by tenant. */
  async invoicesOfMonth(month: string): Promise<StoredInvoice[]> {
    const rows = await this.db.getRepository(InvoiceEntity).find({ where: { month }, order: { tenantId: 'ASC' } });
    const lines = new Map<string, InvoiceLineEntity[]>();
    for (let i = 0; i < rows.length; i += LINES_READ_BATCH) {
      for (const l of await this.db.getRepository(InvoiceLineEntity).find({ where: { invoiceId: In(rows.slice(i, i + LINES_READ_BATCH).map((r) => r.id)) } }))
        lines.set(l.invoiceId, [...(lines.get(l.invoiceId) ?? []), l]);
    }
    return rows.map((r) => storedInvoice(r, lines.get(r.id) ?? []));
  }

  /** A closed invoice with its lines. */
  async invoice(id: string): Promise<StoredInvoice | undefined> {
    const row = await this.db.getRepository(InvoiceEntity).findOneBy({ id });
    if (!row) return undefined;
    const lines = await this.db.getRepository(InvoiceLineEntity).find({ where: { invoiceId: id }, order: { lineNo: 'ASC' } });
    return storedInvoice(row, lines);
  }

  // ---- tenants, usage and SLA intervals ----

  async tenantExists(tenantId: string): Promise<boolean> {
    return (await this.db.getRepository(TenantEntity).findOneBy({ id: tenantId })) !== null;
  }

  /** Every tenant's id in order, or only the given tenant's if it exists. */
  async tenantIds(only?: string): Promise<string[]> {
    const rows = only ? await this.db.getRepository(TenantEntity).findBy({ id: only }) : await this.db.getRepository(TenantEntity).find({ order: { id: 'ASC' } });
    return rows.map((t) => t.id);
  }

  /** When the tenant's first usage began, if it has any. */
  async firstUsageMs(tenantId: string): Promise<number | undefined> {
    const first = await this.db
      .createQueryBuilder(UsageRecordEntity, 'u').select('MIN(u.start_ms)', 'first').where('u.tenant_id = :t', { t: tenantId }).getRawOne<{ first: string | number | null }>();
    return first?.first === null || first?.first === undefined ? undefined : Number(first.first);
  }

  /** Usage records of tenants overlapping `[fromMs, toMs]`, open intervals closed at `closeAtMs`. */
  usage(tenantIds: readonly string[], fromMs: number, toMs: number, closeAtMs: number, tx: Tx = this.db.manager): Promise<UsageRecord[]> {
    return loadUsage(tx, tenantIds, fromMs, toMs, closeAtMs);
  }

  /** The SLA facts (unavailability, guarantee violations) of tenants in a window. */
  sla(tenantIds: readonly string[], fromMs: number, toMs: number, closeAtMs: number, tx: Tx = this.db.manager): Promise<SlaFacts> {
    return loadSla(tx, tenantIds, fromMs, toMs, closeAtMs);
  }

  /** One tenant's invoice for a month, rated from the committed usage (plus unmetered readings). */
  invoiceFromStore(
    tenantId: string, month: MonthWindow, closeAtMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy, unmetered: readonly UsageRecord[] = [],
  ): Promise<Invoice> {
    return invoiceFromStore(this.db.manager, tenantId, month, closeAtMs, priceBook, creditPolicy, unmetered);
  }

  /** invoiceFromStore, with the rater's Reserved Instance quantities from the same rating. */
  ratedFromStore(
    tenantId: string, month: MonthWindow, closeAtMs: number, priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy, unmetered: readonly UsageRecord[] = [],
  ): ReturnType<typeof ratedFromStore> {
    return ratedFromStore(this.db.manager, tenantId, month, closeAtMs, priceBook, creditPolicy, unmetered);
  }

  /** The tenant's invoice as it stood at each of several earlier times (usage-store.ts), from one read of its usage. */
  invoicesAsOf(tenantId: string, month: MonthWindow, asOfMs: readonly number[], priceBook: readonly PriceBookVersion[], creditPolicy: CreditPolicy): Promise<Invoice[]> {
    return invoicesAsOf(this.db.manager, tenantId, month, asOfMs, priceBook, creditPolicy);
  }

  /** Guarantee-violation intervals that overlap the month. */
  async guaranteeViolations(month: MonthWindow): Promise<ViolationInterval[]> {
    const rows = await this.db
      .createQueryBuilder(SlaIntervalEntity, 's')
      .where('s.kind = :kind', { kind: 'guarantee-violation' })
      .andWhere('s.startMs < :end', { end: month.endMs })
      .andWhere('(s.endMs IS NULL OR s.endMs > :start)', { start: month.startMs })
      .getMany();
    return rows.map((r) => ({ tenantId: r.tenantId, startMs: r.startMs, endMs: r.endMs }));
  }

  // ---- closing a month (in the caller's transaction) ----

  /** The row that makes a close happen once: its primary key refuses a second, even a concurrent one. */
  async insertBillingMonth(tx: Tx, month: string, closedAt: number): Promise<void> {
    await tx.insert(BillingMonthEntity, { month, closedAt, invoices: 0, total: '0.00' });
  }

  /** Tenants to invoice for a month: those created before its end, and any with usage in it; sorted. */
  async tenantsToInvoice(tx: Tx, month: MonthWindow): Promise<string[]> {
    const tenants = new Set<string>();
    for (const t of await tx.createQueryBuilder(TenantEntity, 't').select('t.id', 'id').where('t.createdAt < :end', { end: month.endMs }).getRawMany<{ id: string }>()) tenants.add(t.id);
    const withUsage = await tx
      .createQueryBuilder(UsageRecordEntity, 'u')
      .select('DISTINCT u.tenant_id', 'id')
      .where('u.start_ms < :toMs', { toMs: month.endMs })
      .andWhere('(u.end_ms IS NULL OR u.end_ms >= :fromMs)', { fromMs: month.startMs })
      .getRawMany<{ id: string }>();
    for (const t of withUsage) tenants.add(t.id);
    return [...tenants].sort();
  }

  /** Writes invoices and their lines, in batches under the databases' parameter limits. */
  async insertInvoices(tx: Tx, invoices: readonly StoredInvoice[]): Promise<void> {
    const rows: InvoiceEntity[] = [];
    const lines: InvoiceLineEntity[] = [];
    for (const { invoiceId, closedAt, invoice: inv } of invoices) {
      rows.push({
        id: invoiceId, tenantId: inv.tenantId, month: inv.month, currency: inv.currency, subtotal: inv.subtotal, credits: inv.credits, total: inv.total,
        priceBookVersions: JSON.stringify(inv.priceBookVersions), closedAt,
      });
      inv.lines.forEach((l, n) => lines.push({
        invoiceId, lineNo: n + 1, lineId: l.lineId, product: l.product, licenseProduct: l.licenseProduct ?? null, description: l.description,
        quantity: l.quantity, unit: l.unit, unitPrice: l.unitPrice, amount: l.amount,
      }));
    }
    for (let j = 0; j < rows.length; j += LINE_BATCH) await tx.insert(InvoiceEntity, rows.slice(j, j + LINE_BATCH));
    for (let j = 0; j < lines.length; j += LINE_BATCH) await tx.insert(InvoiceLineEntity, lines.slice(j, j + LINE_BATCH));
  }

  async finishBillingMonth(tx: Tx, month: string, invoices: number, total: string): Promise<void> {
    await tx.update(BillingMonthEntity, { month }, { invoices, total });
  }
}

/** A stored invoice as libs/metering's Invoice (for views, CSV and summaries). */
function storedInvoice(row: InvoiceEntity, lines: readonly InvoiceLineEntity[]): StoredInvoice {
  return {
    invoiceId: row.id,
    closedAt: row.closedAt,
    invoice: {
      tenantId: row.tenantId, month: row.month, currency: 'USD', subtotal: row.subtotal, credits: row.credits, total: row.total,
      priceBookVersions: JSON.parse(row.priceBookVersions) as string[],
      lines: [...lines].sort((a, b) => a.lineNo - b.lineNo).map((l) => ({
        lineId: l.lineId, product: l.product as Invoice['lines'][number]['product'], ...(l.licenseProduct !== null ? { licenseProduct: l.licenseProduct } : {}),
        description: l.description, quantity: l.quantity, unit: l.unit, unitPrice: l.unitPrice, amount: l.amount,
      })),
    },
  };
}
