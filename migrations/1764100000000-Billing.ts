import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const text = (name: string) => ({ name, type: 'text' });

/**
 * Metering and billing (issue 5): usage records (idempotent by their record id), meter readings,
 * SLA intervals, the versioned price book, closed invoices and their lines, closed months.
 */
export class Billing1764100000000 implements MigrationInterface {
  name = 'Billing1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'usage_records',
      columns: [
        { name: 'record_id', type: 'varchar', length: '200', isPrimary: true }, ref('tenant_id'), str('kind', 16), ref('resource_id'),
        ms('start_ms'), ms('end_ms', true), ms('period_start_ms', true), ms('quantity', true), text('attrs'),
      ],
      indices: [
        new TableIndex({ name: 'ix_usage_records_tenant_start', columnNames: ['tenant_id', 'start_ms'] }),
        new TableIndex({ name: 'ix_usage_records_resource', columnNames: ['resource_id', 'end_ms'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'usage_meters',
      columns: [{ name: 'instance_id', type: 'varchar', length: '32', isPrimary: true }, { name: 'meter', type: 'varchar', length: '16', isPrimary: true }, ms('value'), ms('at_ms')],
    }));
    await q.createTable(new Table({
      name: 'sla_intervals',
      columns: [{ name: 'id', type: 'varchar', length: '200', isPrimary: true }, str('kind', 24), ref('tenant_id'), ref('instance_id'), ms('start_ms'), ms('end_ms', true), text('detail')],
      indices: [
        new TableIndex({ name: 'ix_sla_intervals_tenant_start', columnNames: ['tenant_id', 'start_ms'] }),
        new TableIndex({ name: 'ix_sla_intervals_instance', columnNames: ['instance_id', 'end_ms'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'price_book_versions',
      columns: [{ name: 'version', type: 'varchar', length: '64', isPrimary: true }, ms('effective_from_ms'), ms('created_at'), text('body')],
      indices: [new TableIndex({ name: 'ux_price_book_versions_effective', columnNames: ['effective_from_ms'], isUnique: true })],
    }));
    await q.createTable(new Table({
      name: 'invoices',
      columns: [
        { name: 'id', type: 'varchar', length: '32', isPrimary: true }, ref('tenant_id'), str('month', 7), str('currency', 3),
        str('subtotal', 32), str('credits', 32), str('total', 32), text('price_book_versions'), ms('closed_at'),
      ],
      indices: [
        new TableIndex({ name: 'ux_invoices_tenant_month', columnNames: ['tenant_id', 'month'], isUnique: true }),
        new TableIndex({ name: 'ix_invoices_month', columnNames: ['month'] }),
      ],
    }));
    await q.createTable(new Table({
      name: 'invoice_lines',
      columns: [
        { name: 'invoice_id', type: 'varchar', length: '32', isPrimary: true }, { name: 'line_no', type: 'integer', isPrimary: true },
        str('line_id', 200), str('product', 32), str('license_product', 64, true), text('description'), str('quantity', 48), str('unit', 24),
        str('unit_price', 48), str('amount', 32),
      ],
      foreignKeys: [{ name: 'fk_invoice_lines_invoice', columnNames: ['invoice_id'], referencedTableName: 'invoices', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
    }));
    await q.createTable(new Table({
      name: 'billing_months',
      columns: [{ name: 'month', type: 'varchar', length: '7', isPrimary: true }, ms('closed_at'), { name: 'invoices', type: 'integer' }, str('total', 32)],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['billing_months', 'invoice_lines', 'invoices', 'price_book_versions', 'sla_intervals', 'usage_meters', 'usage_records']) await q.dropTable(t);
  }
}
