import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { InvoiceEntity } from './invoice.entity';

/** A closed invoice's line, exactly as computed at close (rounded once, to the cent). */
@Entity('invoice_lines')
export class InvoiceLineEntity {
  @PrimaryColumn({ name: 'invoice_id', type: 'varchar', length: 32 }) invoiceId!: string;
  @PrimaryColumn({ name: 'line_no', type: 'integer' }) lineNo!: number;
  @ManyToOne(() => InvoiceEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invoice_id', foreignKeyConstraintName: 'fk_invoice_lines_invoice' })
  invoice?: InvoiceEntity;
  @Column({ name: 'line_id', type: 'varchar', length: 200 }) lineId!: string;
  @Column({ type: 'varchar', length: 32 }) product!: string;
  @Column({ name: 'license_product', type: 'varchar', length: 64, nullable: true }) licenseProduct!: string | null;
  @Column({ type: 'text' }) description!: string;
  @Column({ type: 'varchar', length: 48 }) quantity!: string;
  @Column({ type: 'varchar', length: 24 }) unit!: string;
  @Column({ name: 'unit_price', type: 'varchar', length: 48 }) unitPrice!: string;
  @Column({ type: 'varchar', length: 32 }) amount!: string;
}
