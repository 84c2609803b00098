import {
  CreateTagsCommand, DescribeReservedInstancesCommand, DescribeReservedInstancesCommandInput, DescribeReservedInstancesOfferingsCommand, DescribeReservedInstancesOfferingsCommandInput, EC2Client, PurchaseReservedInstancesOfferingCommand, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { Decimal } from 'decimal.js';
import { LINUX_AMI } from '../support/app';
import { BOOT_MS, ec2BillingSuite, HOUR_MS, iso } from '../support/billing';
import { ec2Tenant, Ec2Tenant, failure } from './ec2-support';

/**
 * Standard Reserved Instances through the JS SDK (docs/ec2.md, "Reserved Instances"; docs/model.md
 * §5): the offerings (prices derived from m5.large's $0.096 On-Demand: 1-year No Upfront $0.06 an
 * hour), a purchase, payment-pending then active on the engine clock, a matching instance covered
 * on the tenant's invoice and usage report through REST, tags, and another tenant who sees nothing.
 */
describe('Reserved Instances through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { client, h } = suite;
  let alice: Ec2Tenant;
  let ec2: EC2Client;
  let riId: string;
  let start: number;
  let end: number;
  let month: string;

  const noUpfront = { InstanceType: 'm5.large' as const, OfferingType: 'No Upfront' as const, MinDuration: 31536000, MaxDuration: 31536000 };
  const offerings = async (input: DescribeReservedInstancesOfferingsCommandInput) =>
    (await ec2.send(new DescribeReservedInstancesOfferingsCommand(input))).ReservedInstancesOfferings!;
  const ris = async (input: DescribeReservedInstancesCommandInput = {}) => (await ec2.send(new DescribeReservedInstancesCommand(input))).ReservedInstances!;

  beforeAll(async () => {
    alice = await ec2Tenant(suite.app, 'ri-alice');
    ec2 = client(alice);
    [start, end, month] = await h.nextMonth();
  });

  it('describes offerings: regional and zonal m5.large 1-year No Upfront at $0.06 an hour, standard, stable ids, paged; convertible and the Marketplace refused', async () => {
    const all = await offerings(noUpfront);
    expect(all.map((o) => [o.Scope, o.AvailabilityZone])).toEqual([['Region', undefined], ['Availability Zone', 'us-east-1a'], ['Availability Zone', 'us-east-1b'], ['Availability Zone', 'us-east-1c']]);
    expect(all[0]).toMatchObject({
      InstanceType: 'm5.large', Duration: 31536000, FixedPrice: 0, UsagePrice: 0, ProductDescription: 'Linux/UNIX', InstanceTenancy: 'default', CurrencyCode: 'USD',
      OfferingType: 'No Upfront', OfferingClass: 'standard', Marketplace: false, RecurringCharges: [{ Frequency: 'Hourly', Amount: 0.06 }],
    });
    expect(all[0].ReservedInstancesOfferingId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect((await offerings(noUpfront))[0].ReservedInstancesOfferingId).toBe(all[0].ReservedInstancesOfferingId);
    // 3-year All Upfront: 0.096 × 0.365 × 26,280 h = $920.85 up front, nothing hourly.
    const [all3] = await offerings({ InstanceType: 'm5.large', OfferingType: 'All Upfront', MinDuration: 94608000, Filters: [{ Name: 'scope', Values: ['Region'] }] });
    expect([all3.FixedPrice, all3.RecurringCharges]).toEqual([920.85, []]);
    const page1 = await ec2.send(new DescribeReservedInstancesOfferingsCommand({ InstanceType: 'm5.large', MaxResults: 5 }));
    expect(page1.ReservedInstancesOfferings!.length).toBe(5);
    const page2 = await ec2.send(new DescribeReservedInstancesOfferingsCommand({ InstanceType: 'm5.large', MaxResults: 100, NextToken: page1.NextToken }));
    expect(page2.ReservedInstancesOfferings!.length).toBe(4 * 6 - 5);
    expect((await failure(offerings({ ...noUpfront, OfferingClass: 'convertible' }))).name).toBe('UnsupportedOperation');
    expect((await failure(offerings({ ...noUpfront, IncludeMarketplace: true }))).name).toBe('UnsupportedOperation');
    expect((await failure(offerings({ ...noUpfront, Filters: [{ Name: 'bogus', Values: ['x'] }] }))).name).toBe('InvalidParameterValue');
  });

  it('purchases one regional RI: payment-pending, then active a minute later on the engine clock; DryRun and a too-low LimitPrice buy nothing', async () => {
    const [regional] = await offerings({ ...noUpfront, Filters: [{ Name: 'scope', Values: ['Region'] }] });
    const offeringId = regional.ReservedInstancesOfferingId!;
    expect((await failure(ec2.send(new PurchaseReservedInstancesOfferingCommand({ ReservedInstancesOfferingId: offeringId, InstanceCount: 1, DryRun: true })))).name).toBe('DryRunOperation');
    const [allUpfront] = await offerings({ InstanceType: 'm5.large', OfferingType: 'All Upfront', MaxDuration: 31536000, Filters: [{ Name: 'scope', Values: ['Region'] }] });
    const tooLow = await failure(ec2.send(new PurchaseReservedInstancesOfferingCommand({
      ReservedInstancesOfferingId: allUpfront.ReservedInstancesOfferingId!, InstanceCount: 1, LimitPrice: { Amount: 100, CurrencyCode: 'USD' },
    })));
    expect(tooLow.name).toBe('ReservedInstancesLimitPriceExceeded');
    expect((await failure(ec2.send(new PurchaseReservedInstancesOfferingCommand({ ReservedInstancesOfferingId: '00000000-0000-4000-a000-000000000000', InstanceCount: 1 })))).name)
      .toBe('InvalidReservedInstancesOfferingId');
    expect(await ris()).toEqual([]);

    riId = (await ec2.send(new PurchaseReservedInstancesOfferingCommand({ ReservedInstancesOfferingId: offeringId, InstanceCount: 1 }))).ReservedInstancesId!;
    expect(riId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [pending] = await ris({ ReservedInstancesIds: [riId] });
    expect(pending).toMatchObject({
      ReservedInstancesId: riId, InstanceType: 'm5.large', InstanceCount: 1, State: 'payment-pending', Scope: 'Region', Duration: 31536000, FixedPrice: 0,
      OfferingType: 'No Upfront', OfferingClass: 'standard', ProductDescription: 'Linux/UNIX', RecurringCharges: [{ Frequency: 'Hourly', Amount: 0.06 }],
    });
    expect(pending.Start!.toISOString()).toBe(iso(start));
    expect(pending.End!.getTime()).toBe(start + 31536000 * 1000);
    await h.advanceTo(start + 60_000);
    expect((await ris({ Filters: [{ Name: 'state', Values: ['active'] }, { Name: 'instance-type', Values: ['m5.large'] }] })).map((r) => r.ReservedInstancesId)).toEqual([riId]);
    expect(await ris({ Filters: [{ Name: 'scope', Values: ['Availability Zone'] }] })).toEqual([]);
    await ec2.send(new CreateTagsCommand({ Resources: [riId], Tags: [{ Key: 'team', Value: 'web' }] }));
    expect((await ris({ Filters: [{ Name: 'tag:team', Values: ['web'] }] }))[0].Tags).toEqual([{ Key: 'team', Value: 'web' }]);
  });

  it('covers a running m5.large: no On-Demand compute, covered hours at $0, the RI 2 h × $0.06 = $0.12; HeavyUsage in the usage report', async () => {
    await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
    await h.advanceTo(start + 2 * HOUR_MS);
    const invoice = await h.invoice(alice.key, month);
    expect(invoice.lines.filter((l) => l.lineId.startsWith('ec2-instance/m5.large/linux/license-included/'))).toEqual([]);
    // Running from 60 s + the boot to 2 h: 7,200 − 60 − 15 = 7,125 s, all within the RI's 3,600 s per clock hour.
    expect(h.line(invoice, 'ec2-instance/m5.large/linux/default/reserved')).toMatchObject({ quantity: ((7200 - 60 - BOOT_MS / 1000) / 3600).toFixed(8), amount: '0.00', unitPrice: '0.00' });
    expect(h.line(invoice, `ec2-reserved-instance/${riId}/hours`)).toMatchObject({ product: 'ec2-reserved-instance', quantity: '2', unitPrice: '0.06', amount: '0.12' });
    expect(invoice.lines.some((l) => l.lineId.endsWith('/upfront'))).toBe(false);
    const report = (await h.usage(alice.key, { groupBy: 'type', from: iso(start), to: iso(start + 2 * HOUR_MS) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'ec2-reserved-instance')).toEqual([
      { usageType: 'HeavyUsage:m5.large', product: 'ec2-reserved-instance', unit: 'instance-hour', quantity: '2' },
    ]);
  });

  it('closes the month: a zonal Partial Upfront RI bought at 2 h pays its $252.29 once; three m5.large from then on, two covered each hour, one On-Demand', async () => {
    const [zonal] = await offerings({ InstanceType: 'm5.large', OfferingType: 'Partial Upfront', MaxDuration: 31536000, AvailabilityZone: 'us-east-1a' });
    expect([zonal.Scope, zonal.FixedPrice, zonal.RecurringCharges]).toEqual(['Availability Zone', 252.29, [{ Frequency: 'Hourly', Amount: 0.0288 }]]);
    const zonalId = (await ec2.send(new PurchaseReservedInstancesOfferingCommand({ ReservedInstancesOfferingId: zonal.ReservedInstancesOfferingId!, InstanceCount: 1 }))).ReservedInstancesId!;
    await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: 'us-east-1a' } }));
    await h.advanceTo(end);
    await suite.app.admin().post('/v1/admin/billing/close', { month }).expect(200);
    const inv = await h.invoice(alice.key, month);
    expect(inv.status).toBe('closed');
    const hours = (end - start) / HOUR_MS;
    const cents = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
    // Hours 0–1: the first instance's 7,125 s, within the regional RI's 7,200 s. Hour 2: 3,600 + 2 × 3,585 s run, 7,200 s covered,
    // 3,570 s On-Demand; each later hour 3 × 3,600 s run, 7,200 covered, 3,600 On-Demand.
    const onDemandS = 3570 + (hours - 3) * 3600;
    const ranS = 7125 + (hours - 2) * 3600 + 2 * ((hours - 2) * 3600 - BOOT_MS / 1000);
    expect(h.line(inv, 'ec2-instance/m5.large/linux/license-included/default/')).toMatchObject({
      quantity: new Decimal(onDemandS).div(3600).toDecimalPlaces(8).toFixed(), amount: cents(new Decimal(onDemandS).div(3600).times('0.096')),
    });
    expect(h.line(inv, 'ec2-instance/m5.large/linux/default/reserved').quantity).toBe(new Decimal(ranS - onDemandS).div(3600).toDecimalPlaces(8).toFixed());
    expect(h.line(inv, `ec2-reserved-instance/${riId}/hours`)).toMatchObject({ quantity: String(hours), amount: cents(new Decimal(hours).times('0.06')) });
    expect(h.line(inv, `ec2-reserved-instance/${zonalId}/upfront`)).toMatchObject({ quantity: '1', unitPrice: '252.29', amount: '252.29' });
    expect(h.line(inv, `ec2-reserved-instance/${zonalId}/hours`)).toMatchObject({ quantity: String(hours - 2), amount: cents(new Decimal(hours - 2).times('0.0288')) });
    // The next month charges the hours again, never the upfront.
    await h.advanceTo(end + HOUR_MS);
    const next = await h.invoice(alice.key, iso(end).slice(0, 7));
    expect(next.lines.some((l) => l.lineId.endsWith('/upfront'))).toBe(false);
    expect(h.line(next, `ec2-reserved-instance/${zonalId}/hours`)).toMatchObject({ quantity: '1', amount: '0.03' });
  });

  it('another tenant sees nothing: no RIs, alice\'s id is not found (as a missing one), and it cannot be tagged', async () => {
    const bob = client(await ec2Tenant(suite.app, 'ri-bob'));
    expect((await bob.send(new DescribeReservedInstancesCommand({}))).ReservedInstances).toEqual([]);
    const theirs = await failure(bob.send(new DescribeReservedInstancesCommand({ ReservedInstancesIds: [riId] })));
    const none = await failure(bob.send(new DescribeReservedInstancesCommand({ ReservedInstancesIds: ['00000000-0000-4000-a000-000000000000'] })));
    expect([theirs.name, theirs.message.replace(riId, 'X')]).toEqual([none.name, none.message.replace('00000000-0000-4000-a000-000000000000', 'X')]);
    expect(theirs.name).toBe('InvalidReservedInstancesId');
    expect((await failure(bob.send(new CreateTagsCommand({ Resources: [riId], Tags: [{ Key: 'a', Value: 'b' }] })))).name).toBe('InvalidReservedInstancesId');
  });
});
