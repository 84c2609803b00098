import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { computeInvoice } from '../invoice/invoice';
import { Invoice } from '../invoice/invoice';
import { normalizationQuarterUnits } from '../pricing/reserved-pricing';
import { APRIL, APRIL_START, BOOK, MAY_START, at, hours, lineOf, min, reservedInstance, running } from '../testing/usage-fixtures';
import { usageReport } from '../usage/usage.report';
import { UsageRecord } from '../usage/usage-record';
import { CoverablePiece, CoveringReservation, coverUsage } from './reserved-coverage';

/**
 * Reserved Instances on the invoice, worked by hand. April 2025 has 720 hours; m5.large is $0.096
 * On-Demand, m5.xlarge $0.192; a 1-year No Upfront m5.large RI is $0.06 an hour, m5.xlarge $0.12
 * (pricing/reserved-pricing.ts).
 */
const MONTH_END = MAY_START;
const invoiceOf = (usage: readonly UsageRecord[], month = APRIL): Invoice => computeInvoice({ tenantId: 't-1', month, usage, priceBook: BOOK });
const ri = reservedInstance;
const allApril = (id: string, opts: Parameters<typeof running>[3] = {}) => running(id, APRIL_START, MONTH_END, opts);
const has = (inv: Invoice, prefix: string) => inv.lines.some((l) => l.lineId.startsWith(prefix));

describe('Reserved Instances on the invoice (the rater)', () => {
  it('1 regional m5.large RI (No Upfront), one m5.large all month: no On-Demand charge, 720 h covered at $0, the RI 720 × $0.06 = $43.20', () => {
    const inv = invoiceOf([ri('ri-a'), allApril('i-1')]);
    expect(has(inv, 'ec2-instance/m5.large/linux/license-included/')).toBe(false);
    expect(lineOf(inv, 'ec2-instance/m5.large/linux/default/reserved')).toMatchObject({ quantity: '720', unitPrice: '0.00', amount: '0.00' });
    expect(lineOf(inv, 'ec2-reserved-instance/ri-a/hours')).toMatchObject({ product: 'ec2-reserved-instance', quantity: '720', unitPrice: '0.06', amount: '43.20' });
    expect(has(inv, 'ec2-reserved-instance/ri-a/upfront')).toBe(false);
    expect(inv.total).toBe('43.20');
  });

  it('the same RI with two m5.large running: one covered, the other On-Demand 720 × $0.096 = $69.12; total $112.32', () => {
    const inv = invoiceOf([ri('ri-a'), allApril('i-1'), allApril('i-2')]);
    expect(lineOf(inv, 'ec2-instance/m5.large/linux/license-included/default/')).toMatchObject({ quantity: '720', amount: '69.12' });
    expect(lineOf(inv, 'ec2-instance/m5.large/linux/default/reserved').quantity).toBe('720');
    expect(inv.total).toBe('112.32');
  });

  it('a regional m5.xlarge RI (8 units) covers two m5.large (4 each) by normalization: 720 × $0.12 = $86.40 and nothing On-Demand', () => {
    const inv = invoiceOf([ri('ri-x', { instanceType: 'm5.xlarge', usagePrice: '0.12' }), allApril('i-1'), allApril('i-2', { availabilityZone: 'us-east-1b' })]);
    expect(lineOf(inv, 'ec2-instance/m5.large/linux/default/reserved').quantity).toBe('1440');
    expect(inv.lines.filter((l) => l.product === 'ec2-instance').length).toBe(1);
    expect(inv.total).toBe('86.40');
  });

  it('an m5.large RI covers half of an m5.xlarge hour: 360 h On-Demand at $0.192 = $69.12, plus the RI $43.20', () => {
    const inv = invoiceOf([ri('ri-a'), allApril('i-1', { instanceType: 'm5.xlarge', vcpus: 4 })]);
    expect(lineOf(inv, 'ec2-instance/m5.xlarge/linux/license-included/default/')).toMatchObject({ quantity: '360', amount: '69.12' });
    expect(lineOf(inv, 'ec2-instance/m5.xlarge/linux/default/reserved').quantity).toBe('360');
    expect(inv.total).toBe('112.32');
  });

  it('an RI with nothing running is still billed its hours: $43.20', () => {
    expect(invoiceOf([ri('ri-a')]).total).toBe('43.20');
  });

  it('bought on 16 April at 00:00 (Partial Upfront): upfront $252.29 in April only, 360 h × $0.0288 = $10.37, the first 360 h On-Demand $34.56; May 744 h × $0.0288 = $21.43', () => {
    const bought = ri('ri-p', { termStartMs: at(hours(360)), offering: '1 yr Partial Upfront', fixedPrice: '252.29', usagePrice: '0.0288' });
    const usage = [bought, running('i-1', APRIL_START, Date.UTC(2025, 5, 1))];
    const april = invoiceOf(usage);
    expect(lineOf(april, 'ec2-reserved-instance/ri-p/upfront')).toMatchObject({ quantity: '1', unitPrice: '252.29', amount: '252.29', unit: 'instance' });
    expect(lineOf(april, 'ec2-reserved-instance/ri-p/hours')).toMatchObject({ quantity: '360', amount: '10.37' });
    expect(lineOf(april, 'ec2-instance/m5.large/linux/license-included/default/')).toMatchObject({ quantity: '360', amount: '34.56' });
    expect(april.total).toBe('297.22');
    const may = invoiceOf(usage, '2025-05');
    expect(has(may, 'ec2-reserved-instance/ri-p/upfront')).toBe(false);
    expect(lineOf(may, 'ec2-reserved-instance/ri-p/hours')).toMatchObject({ quantity: '744', amount: '21.43' });
    expect(may.total).toBe('21.43');
  });

  it('counts 3,600 s per clock hour: two instances running 30 min each, one after the other, are both covered by one RI', () => {
    const inv = invoiceOf([ri('ri-a', { endMs: at(hours(1)) }), running('i-1', APRIL_START, at(min(30))), running('i-2', at(min(30)), at(hours(1)))]);
    expect(has(inv, 'ec2-instance/m5.large/linux/license-included/')).toBe(false);
    expect(lineOf(inv, 'ec2-instance/m5.large/linux/default/reserved').quantity).toBe('1');
  });

  it('a zonal RI applies only in its zone; Spot, Windows and dedicated instances are never covered', () => {
    const zonal = ri('ri-z', { scope: 'Availability Zone', availabilityZone: 'us-east-1b', endMs: at(hours(1)) });
    const elsewhere = invoiceOf([zonal, running('i-1', APRIL_START, at(hours(1)))]);
    expect(lineOf(elsewhere, 'ec2-instance/m5.large/linux/license-included/default/').quantity).toBe('1');
    const there = invoiceOf([zonal, running('i-1', APRIL_START, at(hours(1)), { availabilityZone: 'us-east-1b' })]);
    expect(lineOf(there, 'ec2-instance/m5.large/linux/default/reserved').quantity).toBe('1');
    const others = invoiceOf([
      ri('ri-a', { endMs: at(hours(1)) }), running('i-s', APRIL_START, at(hours(1)), { market: 'spot' }), running('i-w', APRIL_START, at(hours(1)), { platform: 'windows' }),
      running('i-d', APRIL_START, at(hours(1)), { tenancy: 'dedicated' }),
    ]);
    expect(has(others, 'ec2-instance/m5.large/linux/default/reserved')).toBe(false);
  });

  it("shows the RI's hours in the usage report as HeavyUsage:<type>", () => {
    const rows = usageReport([ri('ri-a', { instanceCount: 2 })], { fromMs: APRIL_START, toMs: MONTH_END, groupBy: 'type' });
    expect(rows).toEqual([{ usageType: 'HeavyUsage:m5.large', product: 'ec2-reserved-instance', unit: 'instance-hour', quantity: '1440' }]);
  });
});

describe('coverUsage (the coverage rule)', () => {
  const H = 3_600_000;
  const piece = (instanceType: string, availabilityZone: string, billedMs = H, hour = 0): CoverablePiece => ({ hour, instanceType, availabilityZone, billedMs });
  const res = (id: string, instanceType: string, scope: CoveringReservation['scope'], availabilityZone?: string, instanceCount = 1): CoveringReservation => ({
    reservedInstancesId: id, instanceType, scope, ...(availabilityZone ? { availabilityZone } : {}), instanceCount, startMs: 0, endMs: H,
  });

  it('applies zonal RIs first: a zonal us-east-1a RI and a regional one cover instances in 1a and 1b', () => {
    // Were the regional RI applied first it would take the 1a instance (sorted first) and leave 1b On-Demand.
    expect(coverUsage([piece('m5.large', 'us-east-1a'), piece('m5.large', 'us-east-1b')], [res('b-regional', 'm5.large', 'Region'), res('a-zonal', 'm5.large', 'Availability Zone', 'us-east-1a')]).covered)
      .toEqual([H, H]);
  });

  it('a zonal RI needs the exact type, a regional RI covers the family in normalized units, smallest first', () => {
    expect(coverUsage([piece('m5.xlarge', 'us-east-1a')], [res('z', 'm5.large', 'Availability Zone', 'us-east-1a')]).covered).toEqual([0]);
    expect(coverUsage([piece('m5.xlarge', 'us-east-1a'), piece('m5.large', 'us-east-1a')], [res('r', 'm5.xlarge', 'Region')]).covered).toEqual([H / 2, H]);
    expect(coverUsage([piece('c5.large', 'us-east-1a')], [res('r', 'm5.large', 'Region')]).covered).toEqual([0]);
  });

  it('property (seeded by FC_SEED): covered ≤ billed per piece, and per clock hour the covered units never exceed the RIs\' capacity', () => {
    const types = ['t3.nano', 't3.small', 'm5.large', 'm5.xlarge', 'm5.2xlarge', 'c5.large'];
    const zones = ['us-east-1a', 'us-east-1b'];
    const pieceArb = fc.record({ hour: fc.integer({ min: 0, max: 3 }), instanceType: fc.constantFrom(...types), availabilityZone: fc.constantFrom(...zones), billedMs: fc.integer({ min: 0, max: H }) });
    const resArb = fc.record({
      reservedInstancesId: fc.uuid(), instanceType: fc.constantFrom(...types), zonal: fc.boolean(), availabilityZone: fc.constantFrom(...zones),
      instanceCount: fc.integer({ min: 1, max: 3 }), startMs: fc.integer({ min: 0, max: 4 * H }), length: fc.integer({ min: 0, max: 4 * H }),
    }).map(({ zonal, length, availabilityZone, ...r }): CoveringReservation => ({ ...r, scope: zonal ? 'Availability Zone' : 'Region', ...(zonal ? { availabilityZone } : {}), endMs: r.startMs + length }));
    fc.assert(
      fc.property(fc.array(pieceArb, { maxLength: 20 }), fc.array(resArb, { maxLength: 5 }), (pieces, reservations) => {
        const { covered } = coverUsage(pieces, reservations);
        const total = pieces.reduce((s, p) => s + p.billedMs, 0);
        const uncovered = pieces.reduce((s, p, i) => s + (p.billedMs - covered[i]), 0);
        expect(covered.reduce((s, c) => s + c, 0) + uncovered).toBe(total);
        pieces.forEach((p, i) => expect(covered[i] >= 0 && covered[i] <= p.billedMs && Number.isInteger(covered[i])).toBe(true));
        for (let h = 0; h <= 3; h++) {
          const used = pieces.reduce((s, p, i) => s + (p.hour === h ? covered[i] * normalizationQuarterUnits(p.instanceType)! : 0), 0);
          const capacity = reservations.reduce(
            (s, r) => s + r.instanceCount * Math.max(0, Math.min(r.endMs, (h + 1) * H) - Math.max(r.startMs, h * H)) * normalizationQuarterUnits(r.instanceType)!, 0);
          expect(used).toBeLessThanOrEqual(capacity);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property (seeded by FC_SEED, the invoice): On-Demand hours with RIs + covered hours = On-Demand hours without them', () => {
    const qty = (inv: Invoice, prefix: string) => inv.lines.filter((l) => l.lineId.startsWith(prefix)).reduce((s, l) => s.plus(l.quantity), new Decimal(0));
    fc.assert(
      fc.property(
        fc.array(fc.record({ start: fc.integer({ min: 0, max: 100 * 60 }), length: fc.integer({ min: 0, max: 300 }), type: fc.constantFrom('m5.large', 'm5.xlarge') }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 * 60 }),
        (runs, riStartMin) => {
          const usage = runs.map((r, i) => running(`i-${i}`, at(min(r.start)), at(min(r.start + r.length)), { instanceType: r.type }));
          const without = qty(invoiceOf(usage), 'ec2-instance/');
          const withRi = invoiceOf([...usage, ri('ri-q', { termStartMs: at(min(riStartMin)), endMs: at(min(riStartMin + 180)) })]);
          // Quantities are shown to 8 places: compare within the display rounding of the few lines.
          expect(qty(withRi, 'ec2-instance/').minus(without).abs().lte('0.0000001')).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});
