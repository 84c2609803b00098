import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { APRIL_START, BOOK, LifecycleOp, address, hours, monitored, recordsOf, sec, snapshot, surplus, transfer, volume } from '../testing/usage-fixtures';
import { billingMonthOf } from '../calendar/billing-month';
import { splitAtMonthBoundaries } from '../usage/usage.month-split';
import { PLATFORMS, UsageRecord } from '../usage/usage-record';
import { computeInvoice } from './invoice';

const WINDOW_START = APRIL_START - hours(48);
const WINDOW_MS = hours(35 * 24);
const time = fc.integer({ min: 0, max: WINDOW_MS }).map((t) => WINDOW_START + t);

// Usage of several kinds for two tenants, around April (some in March and May).
const instanceRecords = fc
  .record({
    tenantId: fc.constantFrom('t-1', 't-2'),
    instanceType: fc.constantFrom('t3.micro', 'm5.large', 'c5.9xlarge', 'r5.24xlarge'),
    platform: fc.constantFrom(...PLATFORMS),
    licenseModel: fc.constantFrom('license-included' as const, 'byol' as const),
    tenancy: fc.constantFrom('default' as const, 'dedicated' as const, 'host' as const),
    ops: fc.array(fc.tuple(time, fc.constantFrom<LifecycleOp['op']>('start', 'stop', 'reboot')), { maxLength: 12 }),
  })
  .map(({ ops, ...opts }) => {
    // Strictly increasing times: the engine never takes two lifecycle steps in one millisecond.
    const sorted = ops.map(([atMs, op]) => ({ atMs, op })).sort((a, b) => a.atMs - b.atMs).filter((o, i, all) => i === 0 || o.atMs > all[i - 1].atMs);
    const last = sorted.length ? sorted[sorted.length - 1].atMs : WINDOW_START;
    return { opts, ops: [...sorted, { atMs: last + sec(1), op: 'stop' as const }] };
  });

const usageArb = fc
  .tuple(
    fc.array(instanceRecords, { maxLength: 6 }),
    fc.array(fc.tuple(time, fc.integer({ min: 0, max: hours(400) }), fc.constantFrom('gp2' as const, 'gp3' as const, 'io2' as const), fc.integer({ min: 0, max: 80_000 })), { maxLength: 4 }),
    fc.array(fc.tuple(time, fc.integer({ min: 0, max: 5_000_000 })), { maxLength: 4 }),
    fc.array(fc.tuple(time, fc.constantFrom('cross-az' as const, 'internet-out' as const), fc.integer({ min: 0, max: 300e9 })), { maxLength: 6 }),
    fc.array(fc.tuple(time, fc.integer({ min: 0, max: hours(400) }), fc.integer({ min: 1, max: 16_384 }), fc.constantFrom('t-1', 't-2')), { maxLength: 4 }),
    fc.array(fc.tuple(time, fc.integer({ min: 0, max: hours(400) }), fc.constantFrom('in-use' as const, 'idle' as const), fc.constantFrom('t-1', 't-2')), { maxLength: 4 }),
    fc.array(fc.tuple(time, fc.integer({ min: 0, max: hours(400) }), fc.integer({ min: 0, max: 2 })), { maxLength: 4 }),
  )
  .map(([instances, volumes, surpluses, transfers, snapshots, addresses, monitorings]) => {
    const records: UsageRecord[] = [];
    instances.forEach(({ opts, ops }, i) => records.push(...recordsOf(`i-${i}`, ops, { ...opts, vcpus: 2 + i })));
    volumes.forEach(([start, length, volumeType, iops], i) => records.push(volume(`v-${i}`, start, start + length, { volumeType, iops, throughputMiBps: 100 + i * 100 })));
    surpluses.forEach(([atMs, vcpuMs], i) => records.push(surplus(`i-${i}`, atMs, vcpuMs)));
    transfers.forEach(([atMs, direction, bytes], i) => records.push(transfer(`i-${i}`, direction, atMs, bytes)));
    snapshots.forEach(([start, length, sizeGiB, tenantId], i) => records.push(...splitAtMonthBoundaries(snapshot(`snap-${i}`, start, start + length, { sizeGiB, tenantId }))));
    addresses.forEach(([start, length, state, tenantId], i) => records.push(...splitAtMonthBoundaries(address(`eni-${i}`, start, start + length, { state, tenantId, publicIp: `198.51.100.${i}` }))));
    monitorings.forEach(([start, length, n], i) => records.push(monitoredInterval(n, start, start + length, i)));
    return records;
  });

/** Detailed monitoring of instance `mon-<n>` (tenant t-1 for even n, t-2 for odd), the `i`th interval (its own key). */
function monitoredInterval(n: number, startMs: number, endMs: number, i: number): UsageRecord {
  return monitored(`mon-${n}`, startMs, endMs, { tenantId: n % 2 === 0 ? 't-1' : 't-2', recordId: `monitoring:mon-${n}:${startMs}:${i}` });
}

// Property runs are CPU-bound; a generous timeout keeps them from failing on a busy machine.
const PROPERTY_TIMEOUT_MS = 30_000;

const invoice = (usage: readonly UsageRecord[], month = '2025-04') => computeInvoice({ tenantId: 't-1', month, usage, priceBook: BOOK });

describe('computeInvoice (properties)', () => {
  it('gives the same invoice whatever the record order and however records are replayed', () => {
    fc.assert(
      fc.property(
        usageArb.chain((usage) => fc.tuple(fc.constant(usage), fc.shuffledSubarray(usage), fc.array(fc.nat(), { minLength: usage.length, maxLength: usage.length }))),
        ([usage, replayed, keys]) => {
          const shuffled = [...usage, ...replayed].map((r, i) => ({ r, k: keys[i % keys.length] ?? 0 })).sort((a, b) => a.k - b.k).map(({ r }) => r);
          expect(invoice(shuffled)).toEqual(invoice(usage));
        },
      ),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('makes the total exactly the sum of its cent-rounded lines', () => {
    fc.assert(
      fc.property(usageArb, (usage) => {
        const sut = invoice(usage);
        expect(sut.lines.every((l) => /^-?\d+\.\d\d$/.test(l.amount))).toBe(true);
        const sum = sut.lines.reduce((s, l) => s.plus(l.amount), new Decimal(0));
        expect(sut.total).toBe(sum.toFixed(2));
      }),
      { numRuns: 150 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('bills, across the months, every millisecond a public IPv4 address is held once, in its state, and only to its tenant', () => {
    const holdingArb = fc.array(
      fc.tuple(fc.integer({ min: 0, max: hours(70 * 24) }), fc.integer({ min: 0, max: hours(60 * 24) }), fc.constantFrom('in-use' as const, 'idle' as const), fc.constantFrom('t-1', 't-2')),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(holdingArb, (holdings) => {
        const records = holdings.flatMap(([offset, length, state, tenantId], i) => {
          const start = APRIL_START - hours(35 * 24) + offset;
          return splitAtMonthBoundaries(address(`eipalloc-${i}`, start, start + length, { state, tenantId, publicIp: `198.51.100.${i}` }));
        });
        for (const tenantId of ['t-1', 't-2'])
          for (const state of ['in-use', 'idle'] as const) {
            const heldMs = holdings.filter(([, , s, t]) => s === state && t === tenantId).reduce((sum, [, length]) => sum + length, 0);
            // Each month's address-hours (exact: hours × 3,600,000 ms is an integer ms count), summed over the months.
            const billedMs = ['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07'].reduce((sum, month) => {
              const lines = computeInvoice({ tenantId, month, usage: records, priceBook: BOOK }).lines.filter((l) => l.lineId.startsWith(`public-ipv4/${state}/`));
              return lines.reduce((s, l) => s.plus(new Decimal(l.quantity).times(hours(1))), sum);
            }, new Decimal(0));
            // Quantities show 8 places: at most 0.5e-8 hour off per month's line.
            expect(billedMs.minus(heldMs).abs().lte(new Decimal(0.00000001).times(6).times(hours(1)))).toBe(true);
          }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('bills, across the months, every clock hour an instance was monitored in once (however many intervals touch it), and only to its tenant', () => {
    const intervalArb = fc.array(
      fc.tuple(fc.integer({ min: 0, max: hours(70 * 24) }), fc.integer({ min: 0, max: hours(60 * 24) }), fc.integer({ min: 0, max: 3 })),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(intervalArb, fc.boolean(), (intervals, split) => {
        const placed = intervals.map(([offset, length, n], i) => {
          const start = APRIL_START - hours(35 * 24) + offset;
          return { n, start, end: start + length, record: monitoredInterval(n, start, start + length, i) };
        });
        const records = split ? placed.flatMap((p) => splitAtMonthBoundaries(p.record)) : placed.map((p) => p.record);
        for (const tenantId of ['t-1', 't-2']) {
          // The hours by hand: each instance's set of clock-hour indices touched by a non-empty interval.
          const hoursOf = new Map<number, Set<number>>();
          for (const { n, start, end } of placed.filter((p) => p.record.tenantId === tenantId)) {
            const set = hoursOf.get(n) ?? new Set<number>();
            hoursOf.set(n, set);
            for (let h = Math.floor(start / hours(1)); h * hours(1) < end; h++) set.add(h);
          }
          const expected = [...hoursOf.values()].reduce((sum, set) => sum + set.size, 0);
          // Each month's metric-months back to instance-hours (× the month's hours ÷ 7), summed.
          const billed = ['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07'].reduce((sum, month) => {
            const m = billingMonthOf(Date.parse(`${month}-01T00:00:00Z`));
            const monthHours = (m.endMs - m.startMs) / hours(1);
            const lines = computeInvoice({ tenantId, month, usage: records, priceBook: BOOK }).lines.filter((l) => l.product === 'detailed-monitoring');
            return lines.reduce((s, l) => s.plus(new Decimal(l.quantity).times(monthHours).div(7)), sum);
          }, new Decimal(0));
          // Quantities show 8 places: at most 0.5e-8 metric-month off per month's line.
          expect(billed.minus(expected).abs().lte(new Decimal(0.00000001).times(744).times(6))).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('bills, across the months, every stored GiB-millisecond of a snapshot once, and only to its tenant', () => {
    const snapshotArb = fc.tuple(fc.integer({ min: 0, max: hours(70 * 24) }), fc.integer({ min: 0, max: hours(60 * 24) }), fc.integer({ min: 1, max: 16_384 }));
    fc.assert(
      fc.property(snapshotArb, ([offset, length, sizeGiB]) => {
        const start = APRIL_START - hours(35 * 24) + offset;
        const records = splitAtMonthBoundaries(snapshot('snap-1', start, start + length, { sizeGiB }));
        // Each month's GiB-months × that month's length, summed: size × duration (to the 8 places quantities show).
        const gibMs = ['2025-02', '2025-03', '2025-04', '2025-05', '2025-06', '2025-07'].reduce((sum, month) => {
          const { startMs, endMs } = billingMonthOf(Date.parse(`${month}-01T00:00:00Z`));
          const lines = invoice(records, month).lines.filter((l) => l.product === 'ebs-snapshot');
          expect(computeInvoice({ tenantId: 't-2', month, usage: records, priceBook: BOOK }).lines).toEqual([]);
          return lines.reduce((s, l) => s.plus(new Decimal(l.quantity).times(endMs - startMs)), sum);
        }, new Decimal(0));
        expect(gibMs.minus(sizeGiB * length).abs().lte(new Decimal(0.00000001).times(6).times(hours(31 * 24)))).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('bills, across the months, each start its minimum and every running second once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: hours(40 * 24) }), fc.constantFrom<LifecycleOp['op']>('start', 'stop', 'reboot'))), (steps) => {
        // Whole seconds around the April boundaries, Linux (per second, 60 s minimum).
        const ops = steps
          .map(([t, op]) => ({ atMs: APRIL_START - hours(5 * 24) + Math.floor(t / 1000) * 1000, op }))
          .sort((a, b) => a.atMs - b.atMs)
          .filter((o, i, all) => i === 0 || o.atMs > all[i - 1].atMs);
        ops.push({ atMs: (ops.length ? ops[ops.length - 1].atMs : APRIL_START) + sec(1), op: 'stop' });
        const records = recordsOf('i-1', ops, { instanceType: 'm5.large' });
        let expectedMs = 0;
        let since: number | undefined;
        for (const { atMs, op } of ops) {
          if (op === 'start' && since === undefined) since = atMs;
          if (op === 'stop' && since !== undefined) {
            expectedMs += Math.max(sec(60), atMs - since);
            since = undefined;
          }
        }
        const billedHours = ['2025-03', '2025-04', '2025-05', '2025-06']
          .flatMap((m) => invoice(records, m).lines.filter((l) => l.product === 'ec2-instance'))
          .reduce((s, l) => s.plus(l.quantity), new Decimal(0));
        // Quantities are shown to 8 places; compare at that resolution.
        expect(billedHours.times(3_600_000).minus(expectedMs).abs().lt(0.0001 * 3_600_000)).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, PROPERTY_TIMEOUT_MS);
});
