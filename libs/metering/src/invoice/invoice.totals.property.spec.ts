import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { Reach } from '../../../../test/support/reach';
import { CreditPolicy } from '../sla/credit-policy';
import { APRIL, APRIL_MS, APRIL_START, BOOK, LifecycleOp, recordsOf, sec } from '../testing/usage-fixtures';
import { UsageRecord } from '../usage/usage-record';
import { computeInvoice } from './invoice';

/**
 * An invoice's arithmetic, checked against Decimal arithmetic done here (not the library's money
 * helpers): each line's amount is its exact quantity × its unit price rounded half-up to the cent
 * once; subtotal = Σ charges; credits = Σ credit lines, never more than the charges; total =
 * subtotal + credits. The cases carry SLA outages, unavailability and guarantee violations under
 * generous random credit policies, so that most invoices have credits and many would, uncapped,
 * credit more than they charge.
 */

// Our own decimal: the library's Money is a clone with its own settings; this one is independent.
const D = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_UP });
const cents = (x: Decimal) => x.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const HOUR = new D(3_600_000);
/** Linux on-demand prices, USD per hour (AWS's us-east-1 list, as the seed book has them). */
const HOURLY: Record<string, string> = { 'm5.large': '0.096', 'c5.large': '0.085', 'm5.xlarge': '0.192' };
const TYPES = Object.keys(HOURLY);
const ZONES = ['us-east-1a', 'us-east-1b'] as const;

// Whole seconds in April (the engine's lifecycle steps are whole seconds apart in these tests).
const april = fc.integer({ min: 0, max: APRIL_MS / 1000 - 120 }).map((s) => APRIL_START + sec(s));
const interval = fc.tuple(april, fc.integer({ min: 1, max: 30 * 24 * 3600 })).map(([startMs, s]) => ({ startMs, endMs: Math.min(APRIL_START + APRIL_MS, startMs + sec(s)) }));

const instance = fc.record({
  instanceType: fc.constantFrom(...TYPES),
  availabilityZone: fc.constantFrom(...ZONES),
  // Start/stop pairs: short runs (under the 60 s minimum) as well as long ones.
  runs: fc.array(fc.tuple(april, fc.oneof(fc.integer({ min: 1, max: 59 }), fc.integer({ min: 60, max: 30 * 24 * 3600 }))), { minLength: 1, maxLength: 4 }),
});

// Generous policies half the time, so that region, instance and guarantee credits together often pass 100 %.
const percent = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 50, max: 100 })).map(String);
const policy: fc.Arbitrary<CreditPolicy> = fc.record({
  // A tier 'below 100 %' credits any downtime at all.
  regionTiers: fc.array(fc.record({ belowPercent: fc.constantFrom('100', '99.99', '99.0', '95.0', '50.0'), creditPercent: percent }), { maxLength: 3 }),
  instanceTiers: fc.array(fc.record({ belowPercent: fc.constantFrom('100', '99.99', '99.5', '95.0', '50.0'), creditPercent: percent }), { minLength: 1, maxLength: 3 }),
  guaranteeViolation: fc.record({ creditPercent: percent, minimumDurationMs: fc.constantFrom(0, 0, 60_000) }),
});

const caseArb = fc
  .record({
    instances: fc.array(instance, { minLength: 1, maxLength: 5 }),
    // An outage of both zones at once is the region unavailable (for a tenant in both).
    outages: fc.array(fc.tuple(fc.constantFrom('both' as const, ...ZONES), interval), { maxLength: 3 }),
    unavailable: fc.array(fc.tuple(fc.nat(4), interval), { minLength: 1, maxLength: 5 }),
    violations: fc.array(fc.tuple(fc.nat(4), fc.constantFrom('cpu' as const, 'memory' as const), interval), { maxLength: 5 }),
    policy,
  })
  .map(({ instances, outages, unavailable, violations, policy }) => {
    const records: UsageRecord[] = [];
    // The model: billed ms per instance type = Σ over its runs of max(60 s, run), runs kept apart.
    const billedMs = new Map<string, number>();
    instances.forEach(({ instanceType, availabilityZone, runs }, i) => {
      const ops: LifecycleOp[] = [];
      let t = APRIL_START;
      for (const [gapFrom, lengthS] of [...runs].sort((a, b) => a[0] - b[0])) {
        const start = Math.max(gapFrom, t + sec(1));
        const stop = Math.min(start + sec(lengthS), APRIL_START + APRIL_MS - sec(1));
        if (stop <= start) break;
        ops.push({ atMs: start, op: 'start' }, { atMs: stop, op: 'stop' });
        billedMs.set(instanceType, (billedMs.get(instanceType) ?? 0) + Math.max(sec(60), stop - start));
        t = stop;
      }
      records.push(...recordsOf(`i-${i}`, ops, { instanceType, availabilityZone, vcpus: instanceType === 'm5.xlarge' ? 4 : 2 }));
    });
    const n = instances.length;
    const sla = {
      zoneOutages: outages.flatMap(([zone, iv]) => (zone === 'both' ? ZONES : [zone]).map((availabilityZone) => ({ availabilityZone, ...iv }))),
      instanceUnavailability: unavailable.map(([k, iv]) => ({ tenantId: 't-1', instanceId: `i-${k % n}`, ...iv })),
      guaranteeViolations: violations.map(([k, kind, iv]) => ({ tenantId: 't-1', instanceId: `i-${k % n}`, kind, shortfall: 1, ...iv })),
    };
    return { records, billedMs, sla, policy };
  });

describe('an invoice adds up (property)', () => {
  it('amount = rounded exact quantity × price; subtotal + credits = total; credits never exceed charges', () => {
    const withCredits = new Reach();
    const capped = new Reach();
    fc.assert(
      fc.property(caseArb, ({ records, billedMs, sla, policy }) => {
        withCredits.run();
        capped.run();
        const sut = computeInvoice({ tenantId: 't-1', month: APRIL, usage: records, priceBook: BOOK, sla, creditPolicy: policy });
        const charges = sut.lines.filter((l) => !['sla-credit', 'guarantee-credit'].includes(l.product));
        const credits = sut.lines.filter((l) => ['sla-credit', 'guarantee-credit'].includes(l.product));

        // Compute lines: one per instance type here, its quantity the model's billed hours.
        const compute = charges.filter((l) => l.product === 'ec2-instance');
        expect(compute.map((l) => l.unitPrice).sort()).toEqual([...billedMs.keys()].map((t) => HOURLY[t]).sort());
        for (const line of compute) {
          const type = TYPES.find((t) => HOURLY[t] === line.unitPrice)!;
          const exactHours = new D(billedMs.get(type)!).div(HOUR);
          expect(line.quantity).toBe(exactHours.toDecimalPlaces(8, Decimal.ROUND_HALF_UP).toFixed());
          expect(line.amount).toBe(cents(exactHours.times(HOURLY[type])).toFixed(2));
        }
        for (const line of sut.lines) expect(line.amount).toMatch(/^-?\d+\.\d\d$/);
        const subtotal = charges.reduce((s, l) => s.plus(l.amount), new D(0));
        const creditSum = credits.reduce((s, l) => s.plus(l.amount), new D(0));
        expect(credits.every((l) => new D(l.amount).isNegative() && !new D(l.amount).isZero())).toBe(true);
        expect(sut.subtotal).toBe(subtotal.toFixed(2));
        expect(sut.credits).toBe(creditSum.toFixed(2));
        expect(sut.total).toBe(subtotal.plus(creditSum).toFixed(2));
        expect(creditSum.neg().lte(subtotal)).toBe(true);
        expect(new D(sut.total).isNegative()).toBe(false);
        if (credits.length === 0) return;
        withCredits.hit();
        if (credits.some((l) => l.description.includes('capped'))) {
          capped.hit();
          // Capped: the credits take exactly the whole of the charges.
          expect(sut.total).toBe('0.00');
        }
      }),
      { numRuns: 300 },
    );
    withCredits.expectAtLeast(0.5, 'invoices with credits');
    // 5-11 % of the cases (15-35 invoices a run) have their credits capped: enough to check the cap.
    capped.expectAtLeast(0.03, 'invoices whose credits were capped at the charges');
  }, 60_000);
});
