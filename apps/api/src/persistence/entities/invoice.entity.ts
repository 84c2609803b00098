import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** A closed (immutable) invoice: one per tenant per month. Money is decimal strings, never floats. */
@Entity('invoices')
@Index('ux_invoices_tenant_month', ['tenantId', 'month'], { unique: true })
@Index('ix_invoices_month', ['month'])
export class InvoiceEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 7 }) month!: string;
  @Column({ type: 'varchar', length: 3 }) currency!: string;
  @Column({ type: 'varchar', length: 32 }) subtotal!: string;
  @Column({ type: 'varchar', length: 32 }) credits!: string;
  @Column({ type: 'varchar', length: 32 }) total!: string;
  /** JSON array of the price book versions in effect during the month. */
  @Column({ name: 'price_book_versions', type: 'text' }) priceBookVersions!: string;
  @Column({ name: 'closed_at', type: 'bigint', transformer: msTransformer }) closedAt!: number;
}
