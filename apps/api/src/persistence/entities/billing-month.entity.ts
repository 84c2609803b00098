import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** A closed billing month: its row is what makes a close happen once (the primary key refuses a second). */
@Entity('billing_months')
export class BillingMonthEntity {
  @PrimaryColumn({ type: 'varchar', length: 7 }) month!: string;
  @Column({ name: 'closed_at', type: 'bigint', transformer: msTransformer }) closedAt!: number;
  @Column({ type: 'integer' }) invoices!: number;
  @Column({ type: 'varchar', length: 32 }) total!: string;
}
