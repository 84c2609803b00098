import { Decimal } from 'decimal.js';
import { InvalidBillingMonth, PriceNotFound, UsageRecordConflict } from '../errors';
import { PriceBookVersion } from '../pricing/price-book';
import { seedPriceBook, withListPrices } from '../pricing/price-book.seed';
import { LISTED_TYPES } from '../testing/listed-types';
import { DEFAULT_CREDIT_POLICY } from '../sla/credit-policy';
import {
  APRIL,
  APRIL_START,
  BOOK,
  MAY_START,
  address,
  at,
  host,
  hours,
  lineOf,
  min,
  natBytes,
  natGateway,
  monitored,
  recordsOf,
  running,
  sec,
  snapshot,
  surplus,
  transfer,
  volumeIo,
  volume,
} from '../testing/usage-fixtures';
import { splitAtMonthBoundaries } from '../usage/usage.month-split';
import { UsageRecord, creditsToVcpuMs } from '../usage/usage-record';
import { computeInvoice, computeInvoices } from './invoice';

const invoiceOf = (usage: readonly UsageRecord[], extra: Partial<Parameters<typeof computeInvoice>[0]> = {}) =>
  computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: BOOK, ...extra });

const sumOf = (amounts: readonly string[]) => amounts.reduce((s, a) => s.plus(a), new Decimal(0)).toFixed(2);

describe('computeInvoice: per-second billing with a 60 s minimum', () => {
  // m5.24xlarge Linux, $4.608/h: dear enough that a minute shows in the cents.
  const big = { instanceType: 'm5.24xlarge', vcpus: 96 } as const;

  it('bills a Linux instance that ran 30 s for 60 s', () => {
    const sut = invoiceOf([running('i-1', at(0), at(sec(30)), big)]);
    const compute = lineOf(sut, 'ec2-instance/m5.24xlarge/linux');
    // 60 s = 1/60 h; 4.608 / 60 = 0.0768 → $0.08 (30 s would be 0.0384 → $0.04).
    expect(compute.quantity).toBe('0.01666667');
    expect(compute.unitPrice).toBe('4.608');
    expect(compute.amount).toBe('0.08');
    expect(sut.total).toBe('0.08');
  });

  it('bills three minimums when the instance is started three times within one minute', () => {
    const ops = [0, 10, 20, 30, 40, 50].map((s, i) => ({ atMs: at(sec(s)), op: i % 2 === 0 ? ('start' as const) : ('stop' as const) }));
    const sut = invoiceOf(recordsOf('i-1', ops, big));
    // 3 × 60 s = 180 s = 0.05 h; 0.05 × 4.608 = 0.2304 → $0.23.
    expect(lineOf(sut, 'ec2-instance/').quantity).toBe('0.05');
    expect(sut.total).toBe('0.23');
  });

  it('bills a reboot as nothing: the interval continues the period', () => {
    const rebooted = invoiceOf(recordsOf('i-1', [{ atMs: at(0), op: 'start' }, { atMs: at(sec(20)), op: 'reboot' }, { atMs: at(sec(40)), op: 'stop' }], big));
    const plain = invoiceOf([running('i-1', at(0), at(sec(40)), big)]);
    // 40 s of running is one 60 s minimum, not two.
    expect(lineOf(rebooted, 'ec2-instance/').quantity).toBe('0.01666667');
    expect(rebooted).toEqual(plain);
  });
});

describe('computeInvoice: per-hour billing (SUSE)', () => {
  it('bills 61 minutes as 2 hours, compute and license', () => {
    const sut = invoiceOf([running('i-1', at(0), at(min(61)), { platform: 'suse' })]);
    // m5.large: compute 2 h × $0.096 = 0.192 → 0.19; SLES 2 h × $0.10 = 0.20.
    expect(lineOf(sut, 'ec2-instance/m5.large/suse').quantity).toBe('2');
    expect(lineOf(sut, 'ec2-instance/m5.large/suse').amount).toBe('0.19');
    expect(lineOf(sut, 'ec2-license/sles').amount).toBe('0.20');
    expect(sut.total).toBe('0.39');
  });

  it('does not start a new hour at a reboot', () => {
    const ops = [{ atMs: at(0), op: 'start' as const }, { atMs: at(min(10)), op: 'reboot' as const }, { atMs: at(min(50)), op: 'stop' as const }];
    const sut = invoiceOf(recordsOf('i-1', ops, { platform: 'suse' }));
    // 50 minutes in one period: 1 hour (a new period at the reboot would make it 2).
    expect(lineOf(sut, 'ec2-instance/').quantity).toBe('1');
  });

  it('bills each hour in the month where it starts, with no new minimum after the month boundary', () => {
    const start = APRIL_START - min(30); // 31 March 23:30
    const records = recordsOf('i-1', [{ atMs: start, op: 'start' }, { atMs: APRIL_START + min(45), op: 'stop' }], { platform: 'suse' });
    const march = invoiceOf(records, { month: '2025-03' });
    const april = invoiceOf(records);
    // 75 minutes = 2 hours: the one starting 23:30 in March, the one starting 00:30 in April.
    expect(lineOf(march, 'ec2-instance/').quantity).toBe('1');
    expect(lineOf(april, 'ec2-instance/').quantity).toBe('1');
  });
});

describe('computeInvoice: licenses', () => {
  it('licenses Windows with SQL Server Standard on a 2-vCPU type for 4 cores', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(1)), { platform: 'windows-sql-standard' })]);
    const sql = lineOf(sut, 'ec2-license/sql-server-standard/m5.large');
    // max(2 vCPUs, 4-core minimum) × $0.125 per core-hour = $0.50 per hour.
    expect(sql.unitPrice).toBe('0.50');
    expect(sql.amount).toBe('0.50');
    expect(sql.description).toContain('licensed as 4 cores');
    // Windows is folded: 0.188 − 0.096 = 0.092 → 0.09. m5.large compute 0.096 → 0.10.
    expect(lineOf(sut, 'ec2-license/windows-server/m5.large').unitPrice).toBe('0.092');
    expect(sut.total).toBe('0.69');
  });

  it('licenses SQL Server per vCPU above the minimum', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(1)), { platform: 'windows-sql-standard', instanceType: 'm5.2xlarge', vcpus: 8 })]);
    expect(lineOf(sut, 'ec2-license/sql-server-standard').unitPrice).toBe('1.00');
  });

  it('charges BYOL base compute only', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(10)), { platform: 'windows', licenseModel: 'byol' })]);
    expect(sut.lines.map((l) => l.lineId)).toEqual(['ec2-instance/m5.large/windows/byol/default/aws-us-east-1-seed']);
    expect(sut.total).toBe('0.96');
  });

  it('charges instances on a Dedicated Host no compute, but still their license-included software', () => {
    const sut = invoiceOf([
      host('h-1', at(0), at(hours(10))),
      running('i-1', at(0), at(hours(10)), { tenancy: 'host', platform: 'windows' }),
      running('i-2', at(0), at(hours(10)), { tenancy: 'host', platform: 'windows', licenseModel: 'byol' }),
    ]);
    expect(sut.lines.map((l) => l.product)).toEqual(['ec2-license', 'ec2-dedicated-host']);
    expect(lineOf(sut, 'ec2-license/windows-server').amount).toBe('0.92'); // 10 h × 0.092, i-1 only
    expect(lineOf(sut, 'ec2-dedicated-host/m5').amount).toBe('50.69'); // 10 h × 5.069
  });

  it('charges Dedicated Instances the dedicated multiplier on compute', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(10)), { tenancy: 'dedicated' })]);
    expect(lineOf(sut, 'ec2-instance/').unitPrice).toBe('0.1056');
    expect(sut.total).toBe('1.06');
  });

  it('bills a Dedicated Host per second with a 60 s minimum per allocation', () => {
    const sut = invoiceOf([host('h-1', at(0), at(sec(10))), host('h-1', at(hours(1)), at(hours(1) + sec(90)))]);
    // 60 s + 90 s = 150 s of $5.069/h = 0.21120833 → $0.21.
    expect(lineOf(sut, 'ec2-dedicated-host/').quantity).toBe('0.04166667');
    expect(sut.total).toBe('0.21');
  });
});

describe('computeInvoice: burstable surplus credits', () => {
  it('charges a t3 in unlimited mode exactly its surplus: $0.05 per vCPU-hour on Linux', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(1)), { instanceType: 't3.large' }), surplus('i-1', at(hours(1)), creditsToVcpuMs(90))]);
    // 90 credits = 90 vCPU-minutes = 1.5 vCPU-hours × 0.05 = 0.075 → $0.08 (half-up).
    const credits = lineOf(sut, 'ec2-cpu-credits/linux');
    expect(credits.quantity).toBe('1.5');
    expect(credits.amount).toBe('0.08');
    // t3.large compute: 0.0832 → 0.08.
    expect(sut.total).toBe('0.16');
  });

  it('charges $0.096 per vCPU-hour on Windows', () => {
    const sut = invoiceOf([surplus('i-1', at(hours(1)), creditsToVcpuMs(90), { platform: 'windows' })]);
    expect(lineOf(sut, 'ec2-cpu-credits/windows').amount).toBe('0.14'); // 1.5 × 0.096 = 0.144
  });
});

describe('computeInvoice: EBS', () => {
  it('prorates a gp3 volume with 6,000 IOPS and 250 MiB/s over half of a 30-day month', () => {
    const sut = invoiceOf([volume('v-1', at(0), at(hours(15 * 24)), { sizeGiB: 100, iops: 6000, throughputMiBps: 250 })]);
    // 15 of 30 days = 0.5 month. Storage 100 GiB × 0.5 × 0.08 = 4.00;
    // IOPS (6000 − 3000) × 0.5 × 0.005 = 7.50; throughput (250 − 125) × 0.5 × 0.04 = 2.50.
    expect(lineOf(sut, 'ebs-storage/gp3').quantity).toBe('50');
    expect(lineOf(sut, 'ebs-storage/gp3').amount).toBe('4.00');
    expect(lineOf(sut, 'ebs-iops/gp3').quantity).toBe('1500');
    expect(lineOf(sut, 'ebs-iops/gp3').amount).toBe('7.50');
    expect(lineOf(sut, 'ebs-throughput/gp3').amount).toBe('2.50');
    expect(sut.total).toBe('14.00');
  });

  it('prorates by the actual length of the month', () => {
    const mayStart = Date.UTC(2025, 4, 1);
    const sut = computeInvoice({ tenantId: 't-1', month: '2025-05', priceBook: BOOK, usage: [volume('v-1', mayStart, mayStart + hours(15 * 24))] });
    // 15 of 31 days: 100 × 15/31 × 0.08 = 3.8709… → $3.87; baseline IOPS and throughput are free.
    expect(sut.lines.map((l) => l.lineId)).toEqual(['ebs-storage/gp3/aws-us-east-1-seed']);
    expect(sut.total).toBe('3.87');
  });

  it('tiers io2 IOPS per volume and charges gp2 storage only', () => {
    const sut = invoiceOf([volume('v-1', at(0), at(hours(720)), { volumeType: 'io2', sizeGiB: 100, iops: 70_000 }), volume('v-2', at(0), at(hours(720)), { volumeType: 'gp2', sizeGiB: 10, iops: 100 })]);
    // Whole month: 32,000 × 0.065 = 2080; 32,000 × 0.0455 = 1456; 6,000 × 0.032 = 192; storage 100 × 0.125 = 12.50; gp2 10 × 0.10 = 1.00.
    expect(lineOf(sut, 'ebs-iops/io2/tier1').amount).toBe('2080.00');
    expect(lineOf(sut, 'ebs-iops/io2/tier2').amount).toBe('1456.00');
    expect(lineOf(sut, 'ebs-iops/io2/tier3').amount).toBe('192.00');
    expect(lineOf(sut, 'ebs-storage/io2').amount).toBe('12.50');
    expect(lineOf(sut, 'ebs-storage/gp2').amount).toBe('1.00');
  });
});

describe('computeInvoice: io1, st1, sc1 and standard volumes (EBS pricing, us-east-1)', () => {
  // April: 30 days = 720 hours, so a volume for hours(720) is one whole month.
  it('a month of a 500 GiB st1 is 500 × $0.045 = $22.50 exactly; sc1 $0.015 per GiB-month', () => {
    const sut = invoiceOf([volume('v-1', at(0), at(hours(720)), { volumeType: 'st1', sizeGiB: 500, iops: 500, throughputMiBps: 122 })]);
    expect(sut.lines.map((l) => [l.lineId, l.quantity, l.unitPrice, l.amount])).toEqual([['ebs-storage/st1/aws-us-east-1-seed', '500', '0.045', '22.50']]);
    expect(sut.total).toBe('22.50');
    // sc1 16 TiB for half the month: 16,384 × 0.5 × 0.015 = 122.88.
    expect(invoiceOf([volume('v-2', at(0), at(hours(360)), { volumeType: 'sc1', sizeGiB: 16_384, iops: 250, throughputMiBps: 250 })]).total).toBe('122.88');
  });

  it('io1 1,000 GiB with 10,000 IOPS for a month: 1,000 × $0.125 + 10,000 × $0.065 = $125.00 + $650.00, IOPS untiered', () => {
    const sut = invoiceOf([volume('v-1', at(0), at(hours(720)), { volumeType: 'io1', sizeGiB: 1000, iops: 10_000, throughputMiBps: 1000 })]);
    expect(lineOf(sut, 'ebs-storage/io1').amount).toBe('125.00');
    expect(lineOf(sut, 'ebs-iops/io1')).toMatchObject({ quantity: '10000', unit: 'iops-month', unitPrice: '0.065', amount: '650.00' });
    expect(lineOf(sut, 'ebs-iops/io1').description).toMatch(/^EBS io1 provisioned IOPS: \$0\.065 per IOPS-month/);
    expect(sut.total).toBe('775.00');
    // 64,000 IOPS stay at $0.065 (io1 has no tiers, unlike io2): 4,160.00.
    expect(lineOf(invoiceOf([volume('v-2', at(0), at(hours(720)), { volumeType: 'io1', sizeGiB: 1280, iops: 64_000 })]), 'ebs-iops/io1').amount).toBe('4160.00');
  });

  it('standard: $0.05 per GiB-month and $0.05 per million I/O requests, summed over the month and rounded once', () => {
    // 100 GiB for the month: $5.00. Requests: 2,000,000 + 1,456,789 = 3,456,789 → 3.456789 M × 0.05 = 0.17283945 → $0.17.
    const sut = invoiceOf([
      volume('v-1', at(0), at(hours(720)), { volumeType: 'standard', sizeGiB: 100, iops: 200, throughputMiBps: 90 }),
      volumeIo('v-1', at(hours(24)), 2_000_000, 2_000_000),
      volumeIo('v-1', at(hours(48)), 3_456_789, 1_456_789),
      volumeIo('v-1', at(hours(48)), 3_456_789, 1_456_789), // a replay: the same key counts once
      volumeIo('v-1', at(hours(721)), 4_000_000, 543_211), // May: not this invoice
    ]);
    expect(lineOf(sut, 'ebs-storage/standard').amount).toBe('5.00');
    expect(lineOf(sut, 'ebs-io-requests/standard')).toMatchObject({ quantity: '3.456789', unit: 'million-requests', unitPrice: '0.05', amount: '0.17' });
    expect(sut.total).toBe('5.17');
  });

  it('a version that predates the new types cannot price them (PriceNotFound), and the list prices complete it', () => {
    const [seed] = BOOK;
    const { io1: _io1, st1: _st1, sc1: _sc1, standard: _standard, ...older } = seed.ebs;
    const old: PriceBookVersion = { ...seed, ebs: older };
    const usage = [volume('v-1', at(0), at(hours(720)), { volumeType: 'st1', sizeGiB: 500 })];
    expect(() => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: [old] })).toThrow(PriceNotFound);
    expect(computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: withListPrices([old], { instanceTypes: {}, dedicatedHostHourly: {} }) }).total).toBe('22.50');
  });
});

describe('computeInvoice: EBS snapshot storage (Standard tier, $0.05 per GB-month, us-east-1)', () => {
  it('100 GiB stored for 15 days of a 30-day month: 100 × 0.5 × $0.05 = $2.50', () => {
    const sut = invoiceOf([snapshot('snap-1', at(0), at(hours(15 * 24)), { sizeGiB: 100 })]);
    expect(sut.lines.map((l) => [l.lineId, l.product, l.quantity, l.unit, l.unitPrice, l.amount])).toEqual([
      ['ebs-snapshot/standard/aws-us-east-1-seed', 'ebs-snapshot', '50', 'gib-month', '0.05', '2.50'],
    ]);
    expect(lineOf(sut, 'ebs-snapshot/standard').description).toMatch(/^EBS snapshot storage \(Standard tier\), billed at each snapshot's full volume size: \$0\.05 per GiB-month, prorated/);
    expect(sut.total).toBe('2.50');
  });

  it('sums snapshots into one line, rounded once (8 and 30 GiB for 10 days, 8 GiB for 1), a replayed record counted once', () => {
    // (8 + 30) × 10/30 + 8 × 1/30 = 12.9333… GiB-months × 0.05 = 0.646666… → $0.65
    // (rounding per snapshot would give 0.13 + 0.50 + 0.01 = $0.64).
    const a = snapshot('snap-a', at(0), at(hours(240)), { sizeGiB: 8 });
    const sut = invoiceOf([a, snapshot('snap-b', at(0), at(hours(240)), { sizeGiB: 30 }), snapshot('snap-c', at(hours(300)), at(hours(324)), { sizeGiB: 8 }), a]);
    expect(lineOf(sut, 'ebs-snapshot/standard')).toMatchObject({ quantity: '12.93333333', amount: '0.65' });
  });

  it('splits a snapshot across a month boundary between the months, by each month\'s length', () => {
    // 62 GiB from 16 March 00:00 to 16 April 00:00: March 16 of 31 days = 32 GiB-months ($1.60), April 15 of 30 days = 31 ($1.55).
    const start = Date.UTC(2025, 2, 16);
    const pieces = splitAtMonthBoundaries(snapshot('snap-1', start, at(hours(15 * 24)), { sizeGiB: 62 }));
    expect(pieces.map((p) => [p.recordId, p.startMs, p.endMs])).toEqual([
      [`snapshot:snap-1:${start}`, start, APRIL_START],
      [`snapshot:snap-1:${start}#2025-04`, APRIL_START, at(hours(360))],
    ]);
    const march = computeInvoice({ tenantId: 't-1', month: '2025-03', usage: pieces, priceBook: BOOK });
    expect(lineOf(march, 'ebs-snapshot/standard')).toMatchObject({ quantity: '32', amount: '1.60' });
    expect(lineOf(invoiceOf(pieces), 'ebs-snapshot/standard')).toMatchObject({ quantity: '31', amount: '1.55' });
    // The whole record, unsplit, rates to the same April line (the rater cuts at the month too).
    expect(lineOf(invoiceOf([snapshot('snap-1', start, at(hours(360)), { sizeGiB: 62 })]), 'ebs-snapshot/standard').amount).toBe('1.55');
  });

  it('a zero-length snapshot interval bills nothing (no minimum, unlike an instance start)', () => {
    expect(invoiceOf([snapshot('snap-1', at(hours(1)), at(hours(1)))]).lines).toEqual([]);
  });

  it('comes after volume lines, and a version written before snapshot prices cannot price it (PriceNotFound) until the list prices complete it', () => {
    const sut = invoiceOf([snapshot('snap-1', at(0), at(hours(720)), { sizeGiB: 8 }), volume('v-1', at(0), at(hours(720)), { sizeGiB: 8 })]);
    expect(sut.lines.map((l) => [l.product, l.amount])).toEqual([['ebs-storage', '0.64'], ['ebs-snapshot', '0.40']]);
    const [seed] = BOOK;
    const { snapshot: _snapshot, ...older } = seed.ebs;
    const old: PriceBookVersion = { ...seed, ebs: older };
    const usage = [snapshot('snap-1', at(0), at(hours(720)), { sizeGiB: 8 })];
    expect(() => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: [old] })).toThrow(PriceNotFound);
    expect(computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: withListPrices([old], { instanceTypes: {}, dedicatedHostHourly: {} }) }).total).toBe('0.40');
  });

  it('prices each part at the version in force: a snapshot price change mid-month splits the line', () => {
    const v2: PriceBookVersion = { ...BOOK[0], version: 'v2', effectiveFromMs: at(hours(360)), ebs: { ...BOOK[0].ebs, snapshot: { perGiBMonth: '0.06' } } };
    const sut = invoiceOf([snapshot('snap-1', at(0), at(hours(720)), { sizeGiB: 100 })], { priceBook: [...BOOK, v2] });
    // 50 GiB-months at $0.05 = $2.50, then 50 at $0.06 = $3.00.
    expect(sut.lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([
      ['ebs-snapshot/standard/aws-us-east-1-seed', '50', '2.50'],
      ['ebs-snapshot/standard/v2', '50', '3.00'],
    ]);
  });
});

describe('computeInvoice: NAT gateways ($0.045 per NAT gateway-hour, each partial hour billed as a full hour)', () => {
  it('90 minutes are 2 gateway-hours: 2 × $0.045 = $0.09', () => {
    const sut = invoiceOf([natGateway('nat-1', at(0), at(min(90)))]);
    expect(sut.lines.map((l) => [l.lineId, l.product, l.quantity, l.unit, l.unitPrice, l.amount])).toEqual([
      ['nat-gateway/hours/aws-us-east-1-seed', 'nat-gateway', '2', 'gateway-hour', '0.045', '0.09'],
    ]);
    expect(lineOf(sut, 'nat-gateway/hours').description).toBe('NAT gateway: $0.045 per NAT gateway-hour, billed per hour, partial hours rounded up (price book aws-us-east-1-seed)');
  });

  it('one second is a full hour ($0.045 → $0.05); exactly 3 hours are 3 ($0.135 → $0.14), one ms more is 4 ($0.18)', () => {
    expect(lineOf(invoiceOf([natGateway('nat-1', at(0), at(sec(1)))]), 'nat-gateway/hours')).toMatchObject({ quantity: '1', amount: '0.05' });
    expect(lineOf(invoiceOf([natGateway('nat-1', at(0), at(hours(3)))]), 'nat-gateway/hours')).toMatchObject({ quantity: '3', amount: '0.14' });
    expect(lineOf(invoiceOf([natGateway('nat-1', at(0), at(hours(3) + 1))]), 'nat-gateway/hours')).toMatchObject({ quantity: '4', amount: '0.18' });
  });

  it('two gateways of 30 minutes each: each rounds up on its own, 2 hours = $0.09 (not 1 hour)', () => {
    const sut = invoiceOf([natGateway('nat-1', at(0), at(min(30))), natGateway('nat-2', at(0), at(min(30)))]);
    expect(lineOf(sut, 'nat-gateway/hours')).toMatchObject({ quantity: '2', amount: '0.09' });
  });

  it('a gateway across a month boundary: the hours count from its creation, each billed in the month it starts (31 March 23:30 → 1 April 01:10 = 100 minutes = 2 hours: 23:30 in March, 00:30 in April)', () => {
    const [march, april] = splitAtMonthBoundaries(natGateway('nat-1', APRIL_START - min(30), APRIL_START + min(70)));
    expect(lineOf(computeInvoice({ tenantId: 't-1', month: '2025-03', usage: [march], priceBook: BOOK }), 'nat-gateway/hours')).toMatchObject({ quantity: '1', amount: '0.05' });
    expect(lineOf(invoiceOf([april]), 'nat-gateway/hours')).toMatchObject({ quantity: '1', amount: '0.05' });
  });
});

describe('computeInvoice: bytes NAT gateways process ($0.045 per GB processed, GB = 10^9 bytes as data transfer counts it)', () => {
  it('1 GB processed is $0.045 → $0.05; 10 GB are $0.45; a line of its own beside the hours', () => {
    const one = invoiceOf([natBytes('nat-1', 'i-1', at(hours(1)), 1e9, 1e9)]);
    expect(one.lines.map((l) => [l.lineId, l.product, l.quantity, l.unit, l.unitPrice, l.amount])).toEqual([
      ['nat-gateway/bytes/aws-us-east-1-seed', 'nat-gateway', '1', 'gb', '0.045', '0.05'],
    ]);
    expect(lineOf(one, 'nat-gateway/bytes').description).toBe('NAT gateway data processed: $0.045 per GB, GB = 1000000000 bytes (price book aws-us-east-1-seed)');
    // 4 GB and 6 GB of two instances through two gateways: one line, 10 GB × $0.045 = $0.45.
    const ten = invoiceOf([natBytes('nat-1', 'i-1', at(0), 4e9, 4e9), natBytes('nat-2', 'i-2', at(hours(2)), 6e9, 6e9), natGateway('nat-1', at(0), at(min(90)))]);
    expect(ten.lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([
      ['nat-gateway/hours/aws-us-east-1-seed', '2', '0.09'],
      ['nat-gateway/bytes/aws-us-east-1-seed', '10', '0.45'],
    ]);
    expect(ten.total).toBe('0.54');
  });

  it('is not tiered and does not touch the internet-out tiers: 150 GB out through a gateway are $6.75 processed and still 100 GB free then 50 × $0.09 = $4.50 out', () => {
    const sut = invoiceOf([transfer('i-1', 'internet-out', at(0), 150e9), natBytes('nat-1', 'i-1', at(0), 150e9, 150e9)]);
    expect(lineOf(sut, 'nat-gateway/bytes')).toMatchObject({ quantity: '150', amount: '6.75' });
    expect(lineOf(sut, 'data-transfer/internet-out/tier2')).toMatchObject({ quantity: '50', amount: '4.50' });
    expect(sut.total).toBe('11.25');
  });

  it('bytes across two price versions: each version prices its own (3 GB at $0.045 = $0.135 → $0.14, then 2 GB at $0.05 = $0.10)', () => {
    const v2: PriceBookVersion = { ...BOOK[0], version: 'v2', effectiveFromMs: at(hours(10)), natGateway: { perHour: '0.045', perGbProcessed: '0.05' } };
    const usage = [natBytes('nat-1', 'i-1', at(hours(9)), 3e9, 3e9), natBytes('nat-1', 'i-1', at(hours(10)), 5e9, 2e9)];
    expect(invoiceOf(usage, { priceBook: [...BOOK, v2] }).lines.map((l) => [l.lineId, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['nat-gateway/bytes/aws-us-east-1-seed', '3', '0.045', '0.14'],
      ['nat-gateway/bytes/v2', '2', '0.05', '0.10'],
    ]);
  });

  it('a version stored before the processing price cannot price it (PriceNotFound) until the list price completes it', () => {
    const old: PriceBookVersion = { ...BOOK[0], natGateway: { perHour: '0.045' } };
    const usage = [natBytes('nat-1', 'i-1', at(0), 2e9, 2e9)];
    expect(() => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: [old] })).toThrow(PriceNotFound);
    // 2 GB × $0.045 = $0.09; the version's own hourly price is kept.
    const completed = withListPrices([{ ...old, natGateway: { perHour: '0.05' } }], { instanceTypes: {}, dedicatedHostHourly: {} });
    expect(completed[0].natGateway).toEqual({ perHour: '0.05', perGbProcessed: '0.045' });
    expect(computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: completed }).total).toBe('0.09');
  });

  it('a replayed record adds nothing; another tenant\'s bytes are not on the invoice', () => {
    const r = natBytes('nat-1', 'i-1', at(0), 1e9, 1e9);
    expect(lineOf(invoiceOf([r, r]), 'nat-gateway/bytes')).toMatchObject({ quantity: '1' });
    expect(invoiceOf([natBytes('nat-1', 'i-1', at(0), 1e9, 1e9, { tenantId: 't-2' })]).lines).toEqual([]);
  });
});

describe('computeInvoice: public IPv4 addresses ($0.005 per address-hour, in use or idle, since February 2024)', () => {
  it('one address in use for 10 hours: 10 × $0.005 = $0.05', () => {
    const sut = invoiceOf([address('eni-1', at(0), at(hours(10)))]);
    expect(sut.lines.map((l) => [l.lineId, l.product, l.quantity, l.unit, l.unitPrice, l.amount])).toEqual([
      ['public-ipv4/in-use/aws-us-east-1-seed', 'public-ipv4', '10', 'address-hour', '0.005', '0.05'],
    ]);
    expect(lineOf(sut, 'public-ipv4/in-use').description).toBe('Public IPv4 address, in use: $0.005 per address-hour, prorated by the millisecond (price book aws-us-east-1-seed)');
    expect(sut.total).toBe('0.05');
  });

  it('an Elastic IP held all of March (744 hours): $3.72', () => {
    const march = Date.UTC(2025, 2, 1);
    const sut = computeInvoice({ tenantId: 't-1', month: '2025-03', usage: [address('eipalloc-1', march, APRIL_START, { state: 'idle' })], priceBook: BOOK });
    expect(sut.lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([['public-ipv4/idle/aws-us-east-1-seed', '744', '3.72']]);
  });

  it('shows an Elastic IP idle and in use on two lines, in use first', () => {
    // Idle 100 h ($0.50), associated 200 h ($1.00), idle again 50 h ($0.25): idle 150 h = $0.75.
    const sut = invoiceOf([
      address('eipalloc-1', at(0), at(hours(100)), { state: 'idle' }),
      address('eipalloc-1', at(hours(100)), at(hours(300))),
      address('eipalloc-1', at(hours(300)), at(hours(350)), { state: 'idle' }),
    ]);
    expect(sut.lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([
      ['public-ipv4/in-use/aws-us-east-1-seed', '200', '1.00'],
      ['public-ipv4/idle/aws-us-east-1-seed', '150', '0.75'],
    ]);
    expect(lineOf(sut, 'public-ipv4/idle').description).toMatch(/^Public IPv4 address, idle \(an Elastic IP associated with nothing\): \$0\.005 per address-hour/);
  });

  it('prorates by the millisecond and rounds the line once: three addresses for 1 hour = $0.015 → $0.02 (not 3 × $0.01)', () => {
    const sut = invoiceOf([1, 2, 3].map((i) => address(`eni-${i}`, at(0), at(hours(1)), { publicIp: `198.51.100.${i}` })));
    expect(lineOf(sut, 'public-ipv4/in-use')).toMatchObject({ quantity: '3', amount: '0.02' });
    // 90 minutes: 1.5 address-hours, $0.0075 → $0.01; one ms more shows in the quantity.
    expect(lineOf(invoiceOf([address('eni-1', at(0), at(min(90) + 1))]), 'public-ipv4/in-use')).toMatchObject({ quantity: '1.50000028', amount: '0.01' });
  });

  it('splits an address across a month boundary, each month billed its own hours', () => {
    // 31 March 12:00 to 1 April 12:00: 12 hours in each month, $0.06 each.
    const start = APRIL_START - hours(12);
    const pieces = splitAtMonthBoundaries(address('eni-1', start, at(hours(12))));
    expect(pieces.map((p) => [p.recordId, p.startMs, p.endMs])).toEqual([
      [`public-ipv4:eni-1:198.51.100.7:${start}`, start, APRIL_START],
      [`public-ipv4:eni-1:198.51.100.7:${start}#2025-04`, APRIL_START, at(hours(12))],
    ]);
    expect(pieces.every((p) => !('startsPeriod' in p))).toBe(true);
    const march = computeInvoice({ tenantId: 't-1', month: '2025-03', usage: pieces, priceBook: BOOK });
    expect(lineOf(march, 'public-ipv4/in-use')).toMatchObject({ quantity: '12', amount: '0.06' });
    expect(lineOf(invoiceOf(pieces), 'public-ipv4/in-use')).toMatchObject({ quantity: '12', amount: '0.06' });
    expect(lineOf(invoiceOf([address('eni-1', start, at(hours(12)))]), 'public-ipv4/in-use').amount).toBe('0.06');
  });

  it('bills a zero-length holding nothing, and another tenant\'s address not at all', () => {
    expect(invoiceOf([address('eni-1', at(hours(1)), at(hours(1)))]).lines).toEqual([]);
    expect(invoiceOf([address('eni-1', at(0), at(hours(10)), { tenantId: 't-2' })]).lines).toEqual([]);
  });

  it('a version written before public IPv4 prices cannot price it (PriceNotFound) until the list prices complete it; a price change splits the line', () => {
    const { publicIpv4: _publicIpv4, ...old } = BOOK[0];
    const usage = [address('eni-1', at(0), at(hours(100)))];
    expect(() => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: [old] })).toThrow(PriceNotFound);
    expect(computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: withListPrices([old], { instanceTypes: {}, dedicatedHostHourly: {} }) }).total).toBe('0.50');
    const v2: PriceBookVersion = { ...BOOK[0], version: 'v2', effectiveFromMs: at(hours(40)), publicIpv4: { inUsePerHour: '0.01', idlePerHour: '0.005' } };
    // 40 h at $0.005 = $0.20, then 60 h at $0.01 = $0.60.
    expect(invoiceOf(usage, { priceBook: [...BOOK, v2] }).lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([
      ['public-ipv4/in-use/aws-us-east-1-seed', '40', '0.20'],
      ['public-ipv4/in-use/v2', '60', '0.60'],
    ]);
  });
});

describe('computeInvoice: detailed monitoring (CloudWatch custom metrics, $0.30 per metric-month, 7 metrics per instance, prorated by the hour)', () => {
  const rows = (inv: ReturnType<typeof invoiceOf>) => inv.lines.map((l) => [l.lineId, l.product, l.quantity, l.unit, l.unitPrice, l.amount]);

  it('one instance monitored all of a 30-day month: 7 metrics × $0.30 = $2.10', () => {
    const sut = invoiceOf([monitored('i-1', APRIL_START, MAY_START)]);
    expect(rows(sut)).toEqual([['detailed-monitoring/aws-us-east-1-seed', 'detailed-monitoring', '7', 'metric-month', '0.30', '2.10']]);
    expect(lineOf(sut, 'detailed-monitoring/').description).toBe(
      'EC2 detailed monitoring (CloudWatch metrics every minute), 7 metrics per instance: $0.30 per metric-month, prorated by the hour, each clock hour an instance sent metrics counted whole (price book aws-us-east-1-seed)',
    );
    expect(sut.total).toBe('2.10');
  });

  it("ten instances all month: 70 metrics × $0.30 = $21.00 (the CloudWatch pricing page's Example 1)", () => {
    const sut = invoiceOf(Array.from({ length: 10 }, (_, i) => monitored(`i-${i}`, APRIL_START, MAY_START)));
    expect(rows(sut)).toEqual([['detailed-monitoring/aws-us-east-1-seed', 'detailed-monitoring', '70', 'metric-month', '0.30', '21.00']]);
  });

  it('360 of 720 hours: 7 × $0.30 × 360 / 720 = $1.05', () => {
    expect(lineOf(invoiceOf([monitored('i-1', at(0), at(hours(360)))]), 'detailed-monitoring/')).toMatchObject({ quantity: '3.5', amount: '1.05' });
  });

  it('counts each clock hour the instance sent metrics in whole: 90 minutes across two hours are 2 hours', () => {
    // 00:30 to 02:00: hours 00 and 01. 7 × 2 / 720 = 0.019444… metric-month; × $0.30 = $0.005833… → $0.01.
    const sut = invoiceOf([monitored('i-1', at(min(30)), at(min(120)))]);
    expect(lineOf(sut, 'detailed-monitoring/')).toMatchObject({ quantity: '0.01944444', amount: '0.01' });
    // 01:59 to 02:01 touches two hours too; 00:10 to 00:50 one.
    expect(lineOf(invoiceOf([monitored('i-1', at(min(119)), at(min(121)))]), 'detailed-monitoring/').quantity).toBe('0.01944444');
    expect(lineOf(invoiceOf([monitored('i-1', at(min(10)), at(min(50)))]), 'detailed-monitoring/').quantity).toBe('0.00972222');
  });

  it('counts an hour once per instance however many intervals fall in it, and once for each instance', () => {
    // i-1: 10:00–10:10 and 10:40–11:20 (unmonitored, monitored again): hours 10 and 11. i-2: 10:20–10:30: hour 10.
    const sut = invoiceOf([
      monitored('i-1', at(hours(10)), at(hours(10) + min(10))),
      monitored('i-1', at(hours(10) + min(40)), at(hours(11) + min(20))),
      monitored('i-2', at(hours(10) + min(20)), at(hours(10) + min(30))),
    ]);
    // 3 instance-hours: 7 × 3 / 720 = 0.02916667 metric-month; × $0.30 = $0.00875 → $0.01, rounded once (not 3 × $0.00).
    expect(lineOf(sut, 'detailed-monitoring/')).toMatchObject({ quantity: '0.02916667', amount: '0.01' });
  });

  it('a 31-day month has 744 hours: monitored all of March is $2.10 too', () => {
    const march = Date.UTC(2025, 2, 1);
    const sut = computeInvoice({ tenantId: 't-1', month: '2025-03', usage: [monitored('i-1', march, APRIL_START)], priceBook: BOOK });
    expect(sut.lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([['detailed-monitoring/aws-us-east-1-seed', '7', '2.10']]);
  });

  it('splits across a month boundary, each month counting its own hours in its own month', () => {
    // 31 March 12:00 to 1 April 12:00: March 7 × 12 / 744 = 0.11290323 ($0.0338… → $0.03), April 7 × 12 / 720 = 0.11666667 ($0.035 → $0.04).
    const start = APRIL_START - hours(12);
    const whole = monitored('i-1', start, at(hours(12)));
    const pieces = splitAtMonthBoundaries(whole);
    expect(pieces.map((p) => [p.recordId, p.startMs, p.endMs])).toEqual([
      [`monitoring:i-1:${start}`, start, APRIL_START],
      [`monitoring:i-1:${start}#2025-04`, APRIL_START, at(hours(12))],
    ]);
    expect(pieces.every((p) => !('startsPeriod' in p))).toBe(true);
    for (const usage of [pieces, [whole]]) {
      expect(lineOf(computeInvoice({ tenantId: 't-1', month: '2025-03', usage, priceBook: BOOK }), 'detailed-monitoring/')).toMatchObject({ quantity: '0.11290323', amount: '0.03' });
      expect(lineOf(invoiceOf(usage), 'detailed-monitoring/')).toMatchObject({ quantity: '0.11666667', amount: '0.04' });
    }
  });

  it("bills a zero-length interval nothing, and another tenant's instance not at all", () => {
    expect(invoiceOf([monitored('i-1', at(hours(1)), at(hours(1)))]).lines).toEqual([]);
    expect(invoiceOf([monitored('i-1', at(0), at(hours(10)), { tenantId: 't-2' })]).lines).toEqual([]);
  });

  it('a version written before detailed monitoring cannot price it (PriceNotFound) until the list prices complete it; a price change splits the line by the hour', () => {
    const { detailedMonitoring: _m, ...old } = BOOK[0];
    const usage = [monitored('i-1', at(0), at(hours(100)))];
    expect(() => computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: [old] })).toThrow(PriceNotFound);
    // 100 hours: 7 × 100 / 720 × $0.30 = $0.2916… → $0.29.
    expect(computeInvoice({ tenantId: 't-1', month: APRIL, usage, priceBook: withListPrices([old], { instanceTypes: {}, dedicatedHostHourly: {} }) }).total).toBe('0.29');
    // v2 ($0.60) from 40:30: hours 0–40 began before it (41 hours at $0.30), hours 41–99 after (59 at $0.60).
    const v2: PriceBookVersion = { ...BOOK[0], version: 'v2', effectiveFromMs: at(hours(40) + min(30)), detailedMonitoring: { perMetricMonth: '0.60', metricsPerInstance: 7 } };
    // 7 × 41 / 720 = 0.39861111 × $0.30 = $0.1195… → $0.12; 7 × 59 / 720 = 0.57361111 × $0.60 = $0.3441… → $0.34.
    expect(invoiceOf(usage, { priceBook: [...BOOK, v2] }).lines.map((l) => [l.lineId, l.quantity, l.amount])).toEqual([
      ['detailed-monitoring/aws-us-east-1-seed', '0.39861111', '0.12'],
      ['detailed-monitoring/v2', '0.57361111', '0.34'],
    ]);
  });

  it('shows after the instances and before EBS', () => {
    const sut = invoiceOf([volume('v-1', at(0), at(hours(1))), monitored('i-1', at(0), at(hours(1))), running('i-1', at(0), at(hours(1)))]);
    expect(sut.lines.map((l) => l.product)).toEqual(['ec2-instance', 'detailed-monitoring', 'ebs-storage']);
  });
});

describe('computeInvoice: data transfer', () => {
  it('gives the first 100 GB out to the internet free each month', () => {
    const sut = invoiceOf([transfer('i-1', 'internet-out', at(0), 80e9), transfer('i-1', 'internet-out', at(hours(1)), 70e9)]);
    // 150 GB: 100 free, 50 × 0.09 = 4.50.
    expect(lineOf(sut, 'data-transfer/internet-out/tier1').amount).toBe('0.00');
    expect(lineOf(sut, 'data-transfer/internet-out/tier2').quantity).toBe('50');
    expect(sut.total).toBe('4.50');
  });

  it('charges cross-AZ bytes per GB of 10^9 bytes at each end', () => {
    const sut = invoiceOf([transfer('i-1', 'cross-az', at(0), 2e9), transfer('i-2', 'cross-az', at(0), 2e9)]);
    // A 2 GB transfer metered at sender and receiver: 4 GB × 0.01.
    expect(sut.total).toBe('0.04');
  });
});

describe('computeInvoice: price changes', () => {
  const v2: PriceBookVersion = {
    ...BOOK[0],
    version: 'v2',
    effectiveFromMs: at(hours(4)),
    instanceTypes: { ...BOOK[0].instanceTypes, 'm5.large': { hourly: { linux: '0.100', windows: '0.192' } } },
  };

  it('rates an interval that crosses a price change piecewise', () => {
    const sut = invoiceOf([running('i-1', at(0), at(hours(10)))], { priceBook: [...BOOK, v2] });
    // 4 h × 0.096 = 0.384 → 0.38 at the old price; 6 h × 0.100 = 0.60 at the new one.
    expect(lineOf(sut, 'ec2-instance/m5.large/linux/license-included/default/aws-us-east-1-seed')).toMatchObject({ quantity: '4', amount: '0.38' });
    expect(lineOf(sut, 'ec2-instance/m5.large/linux/license-included/default/v2')).toMatchObject({ quantity: '6', amount: '0.60' });
    expect(sut.total).toBe('0.98');
    expect(sut.priceBookVersions).toEqual(['aws-us-east-1-seed', 'v2']);
  });

  it('prices a per-hour unit at the price in effect when the hour starts', () => {
    const sut = invoiceOf([running('i-1', at(hours(3) + min(30)), at(hours(5)), { platform: 'suse' })], { priceBook: [...BOOK, v2] });
    // Hours start at 03:30 (old price) and 04:30 (new price).
    expect(lineOf(sut, 'ec2-instance/m5.large/suse/license-included/default/aws-us-east-1-seed').quantity).toBe('1');
    expect(lineOf(sut, 'ec2-instance/m5.large/suse/license-included/default/v2').quantity).toBe('1');
  });

  it('refuses usage no price covers', () => {
    expect(() => invoiceOf([running('i-1', at(0), at(hours(1)), { instanceType: 'x9.huge' })])).toThrow(PriceNotFound);
    expect(() => invoiceOf([running('i-1', at(0), at(hours(1)))], { priceBook: seedPriceBook(at(hours(2)), LISTED_TYPES) })).toThrow(PriceNotFound);
  });
});

describe('computeInvoice: idempotent usage', () => {
  const first = running('i-1', at(0), at(hours(3)));
  const usage: UsageRecord[] = [first, volume('v-1', at(0), at(hours(100))), transfer('i-1', 'cross-az', at(5), 3e9), surplus('i-1', at(9), 123_456)];

  it('bills replayed (duplicated) records once', () => {
    expect(invoiceOf([...usage, ...usage, usage[0]])).toEqual(invoiceOf(usage));
    // 3 h × 0.096 = 0.288 → 0.29; 100 GiB × 100/720 month × 0.08 = 1.111 → 1.11; 3 GB × 0.01 = 0.03;
    // 123,456 vCPU-ms = 0.0343 vCPU-h × 0.05 = 0.0017 → 0.00. Once, not twice: 1.43.
    expect(invoiceOf([...usage, ...usage]).total).toBe('1.43');
  });

  it('refuses two different records under one idempotency key', () => {
    expect(() => invoiceOf([...usage, { ...first, endMs: at(hours(4)) }])).toThrow(UsageRecordConflict);
  });

  it('ignores other tenants and other months', () => {
    const other = [running('i-9', at(0), at(hours(3)), { tenantId: 't-2' }), running('i-1', at(-hours(48)), at(-hours(24)))];
    expect(invoiceOf([...usage, ...other])).toEqual(invoiceOf(usage));
  });
});

describe('computeInvoice: rounding', () => {
  it('rounds a line once, after aggregating its records', () => {
    // Three 0.5 GB cross-AZ records: 1.5 GB × 0.01 = 0.015 → $0.02 (rounding each record would give 0.03).
    const sut = invoiceOf([0, 1, 2].map((i) => transfer(`i-${i}`, 'cross-az', at(0), 5e8)));
    expect(sut.total).toBe('0.02');
  });

  it('makes the total the sum of rounded lines, never a rounding of the exact sum', () => {
    // 0.075 (surplus, 1.5 vCPU-h) and 0.075 (cross-AZ, 7.5 GB) each round to 0.08: total 0.16, not round(0.15).
    const sut = invoiceOf([surplus('i-1', at(0), creditsToVcpuMs(90)), transfer('i-1', 'cross-az', at(0), 7.5e9)]);
    expect(sut.lines.map((l) => l.amount)).toEqual(['0.08', '0.08']);
    expect(sut.subtotal).toBe('0.16');
    expect(sut.total).toBe(sumOf(sut.lines.map((l) => l.amount)));
  });

  it('gives the same cents when recomputed', () => {
    const usage = recordsOf('i-1', [{ atMs: at(sec(7)), op: 'start' }, { atMs: at(hours(100) + 333), op: 'stop' }], { platform: 'rhel' });
    expect(invoiceOf(usage)).toEqual(invoiceOf(usage));
  });
});

describe('computeInvoice: SLA and guarantee credits', () => {
  const HOST_FAILED = at(hours(216)); // 10 April 00:00
  const RECOVERED = HOST_FAILED + hours(8);
  // The instance ran all April except the 8 hours between its host failing and its restart elsewhere.
  const usage = [running('i-1', at(0), HOST_FAILED), running('i-1', RECOVERED, at(hours(720)))];
  const sla = { instanceUnavailability: [{ tenantId: 't-1', instanceId: 'i-1', startMs: HOST_FAILED, endMs: RECOVERED }] };

  it('credits a month with a host failure at the instance-level tier its availability falls in', () => {
    const sut = invoiceOf(usage, { sla });
    // Uptime 1 − 8/720 = 98.89 % < 99.0 % → 30 %. Charges: 712 h × 0.096 = 68.352 → 68.35.
    // Credit: 30 % × 68.352 = 20.5056 → −20.51.
    const credit = lineOf(sut, 'sla-credit/instance/30pct');
    expect(credit).toMatchObject({ quantity: '68.352', unitPrice: '-0.30', amount: '-20.51' });
    expect(credit.description).toContain('98.889 %');
    expect(sut).toMatchObject({ subtotal: '68.35', credits: '-20.51', total: '47.84' });
  });

  it('credits at the region-level tier when two zones the tenant uses are down at once', () => {
    const twoZones = [...usage, running('i-2', at(0), at(hours(720)), { availabilityZone: 'us-east-1b' })];
    const zoneOutages = [
      { availabilityZone: 'us-east-1a', startMs: at(hours(100)), endMs: at(hours(102)) },
      { availabilityZone: 'us-east-1b', startMs: at(hours(101)), endMs: at(hours(103)) },
    ];
    const sut = invoiceOf(twoZones, { sla: { zoneOutages } });
    // Both down for 1 h: uptime 719/720 = 99.861 % < 99.99 % → 10 % of the month's charges.
    // Charges: (712 + 720) h × 0.096 = 137.472 → 137.47; credit 13.747 → −13.75.
    expect(lineOf(sut, 'sla-credit/region')).toMatchObject({ quantity: '137.47', amount: '-13.75' });
    expect(sut.total).toBe('123.72');
    // A tenant in one zone is never region-unavailable (the SLA needs more than one zone down).
    expect(invoiceOf(usage, { sla: { zoneOutages } }).lines.some((l) => l.product === 'sla-credit')).toBe(false);
  });

  it('gives an instance the larger of its instance-level and the region-level credit, never both', () => {
    const twoZones = [...usage, running('i-2', at(0), at(hours(720)), { availabilityZone: 'us-east-1b' })];
    const zoneOutages = [
      { availabilityZone: 'us-east-1a', startMs: at(hours(100)), endMs: at(hours(101)) },
      { availabilityZone: 'us-east-1b', startMs: at(hours(100)), endMs: at(hours(101)) },
    ];
    const sut = invoiceOf(twoZones, { sla: { ...sla, zoneOutages } });
    // i-1 earns 30 % on its own 68.352 → −20.51. The region's 10 % covers the rest:
    // 137.47 − 68.352 = 69.118 → −6.91. Total 137.47 − 20.51 − 6.91 = 110.05.
    expect(lineOf(sut, 'sla-credit/instance/30pct').amount).toBe('-20.51');
    expect(lineOf(sut, 'sla-credit/region')).toMatchObject({ quantity: '69.118', amount: '-6.91' });
    expect(sut.total).toBe('110.05');
  });

  it('credits guarantee violations by the policy, counting overlapping cpu and memory violations once', () => {
    const violations = [
      { tenantId: 't-1', instanceId: 'i-1', kind: 'cpu' as const, startMs: at(hours(10)), endMs: at(hours(20)), shortfall: 0.5 },
      { tenantId: 't-1', instanceId: 'i-1', kind: 'memory' as const, startMs: at(hours(18)), endMs: at(hours(22)), shortfall: 512 },
      { tenantId: 't-2', instanceId: 'i-1', kind: 'cpu' as const, startMs: at(hours(0)), endMs: at(hours(700)), shortfall: 1 },
    ];
    const sut = invoiceOf(usage, { sla: { guaranteeViolations: violations } });
    // 10:00–22:00 = 12 h × 0.096 = 1.152; default 10 % → 0.1152 → −0.12.
    expect(lineOf(sut, 'guarantee-credit/')).toMatchObject({ quantity: '1.152', unitPrice: '-0.10', amount: '-0.12' });
    const generous = invoiceOf(usage, { sla: { guaranteeViolations: violations }, creditPolicy: { ...DEFAULT_CREDIT_POLICY, guaranteeViolation: { creditPercent: '50', minimumDurationMs: 0 } } });
    expect(lineOf(generous, 'guarantee-credit/').amount).toBe('-0.58'); // 0.576
  });

  it('does not credit a fault twice: time the instance was unavailable earns the SLA credit, not also a guarantee credit', () => {
    // As the app bills it: the instance stays `running` (and billed) while its host is down.
    const billedThroughout = [running('i-1', at(0), at(hours(720)))];
    const violation = { tenantId: 't-1', instanceId: 'i-1', kind: 'cpu' as const, startMs: HOST_FAILED - hours(1), endMs: RECOVERED + hours(1), shortfall: 2 };
    const sut = invoiceOf(billedThroughout, { sla: { ...sla, guaranteeViolations: [violation] } });
    // Instance level: 8 h of 720 down → 98.89 % → 30 % of 720 h × 0.096 = 69.12 → −20.736 → −20.74.
    expect(lineOf(sut, 'sla-credit/instance/30pct').amount).toBe('-20.74');
    // Guarantee: only the 2 h around the outage, 2 × 0.096 × 10 % = 0.0192 → −0.02 (not 10 h → −0.10).
    expect(lineOf(sut, 'guarantee-credit/')).toMatchObject({ quantity: '0.192', amount: '-0.02' });
  });

  it('never credits more than the month charged', () => {
    const down = { tenantId: 't-1', instanceId: 'i-1', startMs: at(0), endMs: at(hours(700)) };
    const violation = { tenantId: 't-1', instanceId: 'i-1', kind: 'cpu' as const, startMs: at(0), endMs: at(hours(720)), shortfall: 1 };
    const sut = invoiceOf(usage, { sla: { instanceUnavailability: [down], guaranteeViolations: [violation] } });
    // 100 % instance credit takes all 68.35; the guarantee credit has nothing left to credit.
    expect(sut).toMatchObject({ subtotal: '68.35', credits: '-68.35', total: '0.00' });
    expect(sut.lines.filter((l) => l.product === 'guarantee-credit')).toEqual([]);
  });
});

describe('computeInvoices', () => {
  it('closes a month for every tenant, sorted, the same as one at a time', () => {
    const usage = [running('i-1', at(0), at(hours(1)), { tenantId: 't-b' }), running('i-2', at(0), at(hours(2)), { tenantId: 't-a' })];
    const sut = computeInvoices({ month: APRIL, usage, priceBook: BOOK, tenantIds: ['t-c'] });
    expect(sut.map((i) => i.tenantId)).toEqual(['t-a', 't-b', 't-c']);
    expect(sut[0]).toEqual(computeInvoice({ tenantId: 't-a', month: APRIL, usage, priceBook: BOOK }));
    expect(sut[2]).toMatchObject({ lines: [], total: '0.00' });
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(() => computeInvoices({ month: '2025-4', usage: [], priceBook: BOOK })).toThrow(InvalidBillingMonth);
  });
});
