import { Invoice } from './invoice';
import { toCsv } from './invoice.csv';

describe('toCsv', () => {
  const invoice: Invoice = {
    tenantId: '=cmd()',
    month: '2025-04',
    currency: 'USD',
    lines: [
      { lineId: 'ec2-instance/x', product: 'ec2-instance', description: 'm5.large, "default" tenancy', quantity: '1.5', unit: 'instance-hour', unitPrice: '0.096', amount: '0.14' },
      { lineId: 'sla-credit/region', product: 'sla-credit', description: 'credit', quantity: '0.14', unit: 'usd', unitPrice: '-0.10', amount: '-0.01' },
    ],
    subtotal: '0.14',
    credits: '-0.01',
    total: '0.13',
    priceBookVersions: ['v1'],
  };

  it('writes a header, the lines in order and the totals, quoting per RFC 4180', () => {
    const rows = toCsv(invoice).split('\r\n');
    expect(rows[0]).toBe('tenantId,month,lineId,product,licenseProduct,description,quantity,unit,unitPrice,amount,currency');
    expect(rows[1]).toBe(`'=cmd(),2025-04,ec2-instance/x,ec2-instance,,"m5.large, ""default"" tenancy",1.5,instance-hour,0.096,0.14,USD`);
    // Negative amounts stay numbers: the formula guard is for text only.
    expect(rows[2].endsWith(',-0.10,-0.01,USD')).toBe(true);
    expect(rows.slice(3)).toEqual([`'=cmd(),2025-04,subtotal,,,,,,,0.14,USD`, `'=cmd(),2025-04,credits,,,,,,,-0.01,USD`, `'=cmd(),2025-04,total,,,,,,,0.13,USD`, '']);
  });
});
