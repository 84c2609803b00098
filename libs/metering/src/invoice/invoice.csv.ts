import { Invoice } from './invoice';

const HEADER = ['tenantId', 'month', 'lineId', 'product', 'licenseProduct', 'description', 'quantity', 'unit', 'unitPrice', 'amount', 'currency'];

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text that a spreadsheet would
 * run as a formula (leading = + - @, tab, CR) gets a leading apostrophe; numeric columns are
 * written as they are, so negative credits stay numbers.
 */
function text(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return number(safe);
}

function number(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The invoice as CSV: a header, one row per line in invoice order, then subtotal, credits and total rows. CRLF line ends. */
export function toCsv(invoice: Invoice): string {
  const rows = [HEADER.join(',')];
  const t = text(invoice.tenantId);
  const m = text(invoice.month);
  for (const l of invoice.lines) {
    rows.push(
      [t, m, text(l.lineId), text(l.product), text(l.licenseProduct ?? ''), text(l.description), number(l.quantity), text(l.unit), number(l.unitPrice), number(l.amount), invoice.currency].join(','),
    );
  }
  for (const [label, amount] of [['subtotal', invoice.subtotal], ['credits', invoice.credits], ['total', invoice.total]] as const) {
    rows.push([t, m, label, '', '', '', '', '', '', number(amount), invoice.currency].join(','));
  }
  return rows.join('\r\n') + '\r\n';
}
