import { Decimal } from 'decimal.js';
import { computeInvoice } from '../invoice/invoice';
import { InvalidUsageRecord } from '../errors';
import { APRIL, APRIL_START, BOOK, at, hours, lineOf, min, running, sec } from '../testing/usage-fixtures';
import { usageReport } from '../usage/usage.report';
import { UsageRecord } from '../usage/usage-record';

/**
 * Spot Instances' compute at the simulated Spot price of each clock hour (pricing/spot-price.ts),
 * worked by hand. m5.24xlarge (Linux On-Demand $4.608) in us-east-1a; 2025-04-01T00:00Z is clock
 * hour 484,296: FNV-1a-32("m5.24xlarge|us-east-1a|484296") = 4,105,758,202, mod 61 = 31 → 61 %
 * ($2.81088); hour 484,297: 4,122,535,821 mod 61 = 27 → 57 % ($2.62656).
 */
const invoiceOf = (usage: readonly UsageRecord[]) => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: BOOK });
const spot = (id: string, from: number, to: number, extra: Parameters<typeof running>[3] = {}) =>
  running(id, from, to, { instanceType: 'm5.24xlarge', vcpus: 96, market: 'spot', ...extra });

describe('Spot Instances on the invoice (the rater)', () => {
  it('bills a whole clock hour at that hour\'s Spot price, not On-Demand: 1 h × $2.81088 = $2.81', () => {
    const inv = invoiceOf([spot('i-1', APRIL_START, at(hours(1)))]);
    const line = lineOf(inv, 'ec2-spot/m5.24xlarge/us-east-1a/61pct/');
    expect(line).toMatchObject({ product: 'ec2-instance', unitPrice: '2.81088', quantity: '1', amount: '2.81', unit: 'instance-hour' });
    expect(line.description).toContain('Spot price $2.81088 per instance-hour (61 % of On-Demand Linux)');
    expect(inv.lines.filter((l) => l.lineId.startsWith('ec2-instance/'))).toEqual([]);
    expect(inv.total).toBe('2.81');
  });

  it('90 minutes across an hour boundary: 30 min at $2.81088 ($1.40544 → $1.41) and 60 min at $2.62656 ($2.63)', () => {
    const inv = invoiceOf([spot('i-1', at(min(30)), at(min(120)))]);
    expect(lineOf(inv, 'ec2-spot/m5.24xlarge/us-east-1a/61pct/')).toMatchObject({ quantity: '0.5', amount: '1.41' });
    expect(lineOf(inv, 'ec2-spot/m5.24xlarge/us-east-1a/57pct/')).toMatchObject({ unitPrice: '2.62656', quantity: '1', amount: '2.63' });
    expect(inv.total).toBe('4.04');
  });

  it('per second with the 60 s minimum like On-Demand Linux, the minimum at the price of the hour it began in', () => {
    // 30 s billed as 60 s: 60 × 2.81088 / 3600 = $0.046848 → $0.05.
    expect(lineOf(invoiceOf([spot('i-1', APRIL_START, at(sec(30)))]), 'ec2-spot/')).toMatchObject({ quantity: '0.01666667', amount: '0.05' });
    // Begun 30 s before the hour, run 20 s: the whole minimum in the first hour's price.
    const inv = invoiceOf([spot('i-1', at(hours(1) - sec(30)), at(hours(1) - sec(10)))]);
    expect(inv.lines.map((l) => l.lineId)).toEqual([expect.stringMatching(/^ec2-spot\/m5.24xlarge\/us-east-1a\/61pct\//)]);
    // Run 90 s from 30 s before the hour: 60 s minimum + nothing more in hour 0, then 30 s at 57 %.
    const across = invoiceOf([spot('i-1', at(hours(1) - sec(30)), at(hours(1) + sec(60)))]);
    expect(lineOf(across, 'ec2-spot/m5.24xlarge/us-east-1a/61pct/').quantity).toBe('0.01666667');
    expect(lineOf(across, 'ec2-spot/m5.24xlarge/us-east-1a/57pct/').quantity).toBe('0.00833333');
  });

  it('an On-Demand instance beside it keeps its On-Demand line; a Windows Spot Instance pays its licence as On-Demand does', () => {
    const inv = invoiceOf([spot('i-1', APRIL_START, at(hours(1))), running('i-2', APRIL_START, at(hours(1)), { instanceType: 'm5.24xlarge', vcpus: 96 })]);
    expect(lineOf(inv, 'ec2-instance/m5.24xlarge/linux/').amount).toBe('4.61');
    const windows = invoiceOf([spot('i-3', APRIL_START, at(hours(1)), { platform: 'windows' })]);
    const od = invoiceOf([running('i-4', APRIL_START, at(hours(1)), { instanceType: 'm5.24xlarge', vcpus: 96, platform: 'windows' })]);
    const licence = (i: typeof od) => i.lines.filter((l) => l.product === 'ec2-license').map((l) => [l.lineId, l.amount]);
    expect(licence(windows)).toEqual(licence(od));
    expect(licence(windows).length).toBe(1);
    expect(new Decimal(windows.total).minus(lineOf(windows, 'ec2-spot/').amount).toFixed(2)).toBe(licence(od)[0][1]);
  });

  it('refuses a market other than spot, and Spot on dedicated tenancy', () => {
    expect(() => invoiceOf([spot('i-1', APRIL_START, at(hours(1)), { market: 'reserved' as never })])).toThrow(InvalidUsageRecord);
    expect(() => invoiceOf([spot('i-1', APRIL_START, at(hours(1)), { tenancy: 'dedicated' })])).toThrow(InvalidUsageRecord);
  });

  describe('the first-hour rule: EC2 interrupts it before a full hour of running time, no charge', () => {
    it('interrupted after 32 min: $0 (no Spot line); the same 32 min ended by the user: 32/60 × $2.81088 = $1.499136 → $1.50', () => {
      const waived = invoiceOf([spot('i-1', APRIL_START, at(min(32)), { interrupted: true })]);
      expect(waived.lines).toEqual([]);
      expect(waived.total).toBe('0.00');
      const byUser = invoiceOf([spot('i-1', APRIL_START, at(min(32)))]);
      expect(lineOf(byUser, 'ec2-spot/m5.24xlarge/us-east-1a/61pct/')).toMatchObject({ quantity: '0.53333333', amount: '1.50' });
      expect(byUser.total).toBe('1.50');
    });

    it('interrupted after 61 min: billed per second, 60 min at $2.81088 ($2.81) and 1 min at $2.62656 ($0.043776 → $0.04), $2.85', () => {
      const inv = invoiceOf([spot('i-1', APRIL_START, at(min(61)), { interrupted: true })]);
      expect(lineOf(inv, 'ec2-spot/m5.24xlarge/us-east-1a/61pct/')).toMatchObject({ quantity: '1', amount: '2.81' });
      expect(lineOf(inv, 'ec2-spot/m5.24xlarge/us-east-1a/57pct/')).toMatchObject({ quantity: '0.01666667', amount: '0.04' });
      expect(inv.total).toBe('2.85');
      // Exactly one full hour of running time is not "before a full hour": billed, $2.81.
      expect(invoiceOf([spot('i-1', APRIL_START, at(hours(1)), { interrupted: true })]).total).toBe('2.81');
    });

    it('the whole period is waived, every interval of it (a reboot cuts one), the Windows licence too; another instance is not', () => {
      const period = { periodStartMs: APRIL_START };
      const inv = invoiceOf([
        spot('i-1', APRIL_START, at(min(20))),
        spot('i-1', at(min(20)), at(min(45)), { ...period, startsPeriod: false, interrupted: true }),
        spot('i-2', APRIL_START, at(min(30)), { platform: 'windows', interrupted: true }),
        spot('i-3', APRIL_START, at(min(32))),
      ]);
      expect(inv.lines.map((l) => [l.lineId.split('/').slice(0, 4).join('/'), l.quantity, l.amount])).toEqual([['ec2-spot/m5.24xlarge/us-east-1a/61pct', '0.53333333', '1.50']]);
    });

    it('the running time counts from the period\'s start, not the last interval\'s; only Spot records may carry interrupted', () => {
      // The last interval (00:20-01:10) is 50 min, its period 70 min: billed, 60 min at 61 % ($2.81) and 10 min at 57 % ($0.43776 → $0.44).
      const cont = spot('i-1', at(min(20)), at(min(70)), { periodStartMs: APRIL_START, startsPeriod: false, interrupted: true });
      expect(invoiceOf([spot('i-1', APRIL_START, at(min(20))), cont]).lines.map((l) => l.amount).sort()).toEqual(['0.44', '2.81']);
      expect(() => invoiceOf([running('i-9', APRIL_START, at(min(10)), { instanceType: 'm5.24xlarge', vcpus: 96, interrupted: true })])).toThrow(InvalidUsageRecord);
    });
  });

  it('the usage report names it SpotUsage:<type>, as AWS\'s usage type does', () => {
    expect(usageReport([spot('i-1', APRIL_START, at(min(90)))], { fromMs: APRIL_START, toMs: at(hours(24)), groupBy: 'type' }))
      .toEqual([{ usageType: 'SpotUsage:m5.24xlarge', product: 'ec2-instance', unit: 'instance-hour', quantity: '1.5' }]);
  });
});
