import { APRIL, BOOK, at, hours, running, transfer } from '../testing/usage-fixtures';
import { computeInvoices } from './invoice';
import { summarize } from './invoice.summary';

describe('summarize', () => {
  const usage = [
    running('i-1', at(0), at(hours(10)), { tenantId: 't-a', platform: 'windows' }),
    running('i-2', at(0), at(hours(10)), { tenantId: 't-b', platform: 'windows-sql-standard' }),
    transfer('i-2', 'cross-az', at(0), 10e9, { tenantId: 't-b' }),
  ];
  const sla = { instanceUnavailability: [{ tenantId: 't-a', instanceId: 'i-1', startMs: at(0), endMs: at(hours(100)) }] };
  const invoices = computeInvoices({ month: APRIL, usage, priceBook: BOOK, sla });

  it('sums revenue by tenant, product and license, with credits apart', () => {
    const sut = summarize(invoices);
    // t-a: compute 0.96 + Windows 0.92 = 1.88, 100 % instance credit. t-b: 0.96 + 0.92 + SQL 5.00 + 0.10 transfer.
    expect(sut.revenueByTenant).toEqual([
      { tenantId: 't-a', subtotal: '1.88', credits: '-1.88', total: '0.00' },
      { tenantId: 't-b', subtotal: '6.98', credits: '0.00', total: '6.98' },
    ]);
    expect(sut.revenueByProduct).toEqual([
      { product: 'ec2-instance', amount: '1.92' },
      { product: 'ec2-license', amount: '6.84' },
      { product: 'data-transfer', amount: '0.10' },
    ]);
    expect(sut.licenseRevenue).toEqual({
      total: '6.84',
      byLicenseProduct: [
        { licenseProduct: 'sql-server-standard', amount: '5.00' },
        { licenseProduct: 'windows-server', amount: '1.84' },
      ],
    });
    expect(sut.credits).toEqual({ total: '-1.88', byProduct: [{ product: 'sla-credit', amount: '-1.88' }] });
    expect(sut).toMatchObject({ months: [APRIL], subtotal: '8.86', total: '6.98' });
  });
});
