import {
  CancelSpotInstanceRequestsCommand, CreateLaunchTemplateCommand, CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, DescribeInstancesCommand, DescribeSpotInstanceRequestsCommand, DescribeSpotPriceHistoryCommand,
  EC2Client, Instance, RunInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { spotPercent } from '@nimbus/metering';
import { Decimal } from 'decimal.js';
import { LINUX_AMI } from '../support/app';
import { BOOT_MS, ec2BillingSuite, HOUR_MS, iso, SHUTDOWN_MS } from '../support/billing';
import { ec2Tenant, Ec2Tenant, failure, missing, sameAsMissing } from './ec2-support';

/** t3.micro's Linux On-Demand price in the seed price book (us-east-1). */
const T3_MICRO = 0.0104;
/** The simulated Spot price of t3.micro in us-east-1a at an instant, as EC2 writes it (six decimals). */
const spotAt = (ms: number) => ((T3_MICRO * spotPercent('t3.micro', 'us-east-1a', Math.floor(ms / HOUR_MS))) / 100).toFixed(6);

/**
 * Spot Instances through the JS SDK (docs/ec2.md, "Spot Instances"; docs/model.md, the simulated
 * Spot price): RunInstances' InstanceMarketOptions, the request it makes, DescribeInstances' Spot
 * fields and filters, MaxPrice against the price, what is refused, the price history, cancelling
 * (the instance keeps running), terminating, another tenant, a launch template, a restart.
 */
describe('Spot Instances through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { client, h } = suite;
  let alice: Ec2Tenant;
  let ec2: EC2Client;
  let spot: Instance;
  let sir: string;

  const launch = (extra: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]> = {}) =>
    ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, ...extra }));
  const spotLaunch = (SpotOptions: Record<string, unknown> = {}) => launch({ InstanceMarketOptions: { MarketType: 'spot', SpotOptions } });
  const requests = async (input: ConstructorParameters<typeof DescribeSpotInstanceRequestsCommand>[0] = {}) =>
    (await ec2.send(new DescribeSpotInstanceRequestsCommand(input))).SpotInstanceRequests!;
  const instance = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
  /**
   * The next rise of t3.micro's price in us-east-1a: an hour at or after now whose next-but-some hour
   * is dearer (the clock moved to that hour first if it is not the current one). The price now, as a
   * MaxPrice, and when the dearer hour begins.
   */
  const nextRise = async (): Promise<{ maxPrice: string; rise: number }> => {
    const pct = (hh: number) => spotPercent('t3.micro', 'us-east-1a', hh);
    for (let a = Math.floor((await h.nowMs()) / HOUR_MS); ; a++) {
      for (let b = a + 1; b <= a + 6; b++) {
        if (pct(b) <= pct(a)) continue;
        if (a * HOUR_MS > (await h.nowMs())) await h.advanceTo(a * HOUR_MS + 60_000);
        return { maxPrice: spotAt(await h.nowMs()).replace(/0+$/, ''), rise: b * HOUR_MS };
      }
    }
  };

  beforeAll(async () => {
    alice = await ec2Tenant(suite.app, 'spot-alice');
    ec2 = client(alice);
    // Half past an hour: the price is the hour's, whatever the second.
    await h.advanceTo((await h.nextHour()) + HOUR_MS / 2);
  });

  it('launches a Spot Instance: instanceLifecycle spot, its sir- request active and fulfilled, the maximum price the On-Demand price', async () => {
    spot = (await spotLaunch()).Instances![0];
    sir = spot.SpotInstanceRequestId!;
    // EC2's Spot request ids: sir- and 8 lowercase hex digits (RequestSpotInstances' examples, API Reference).
    expect(sir).toMatch(/^sir-[0-9a-f]{8}$/);
    expect(spot.InstanceLifecycle).toBe('spot');
    const [r] = await requests({ SpotInstanceRequestIds: [sir] });
    expect(r).toMatchObject({
      SpotInstanceRequestId: sir, InstanceId: spot.InstanceId, State: 'active', Type: 'one-time', SpotPrice: '0.0104', ProductDescription: 'Linux/UNIX',
      LaunchedAvailabilityZone: 'us-east-1a', InstanceInterruptionBehavior: 'terminate', Status: { Code: 'fulfilled', Message: 'Your spot request is fulfilled.' },
    });
    expect(r.CreateTime).toBeInstanceOf(Date);
    expect((await instance(spot.InstanceId!)).SpotInstanceRequestId).toBe(sir);
    // A one-time Spot Instance cannot be stopped, in EC2's words.
    const e = await failure(ec2.send(new StopInstancesCommand({ InstanceIds: [spot.InstanceId!] })));
    expect([e.name, e.message]).toEqual(['UnsupportedOperation',
      `You can't stop the Spot Instance '${spot.InstanceId}' because it is associated with a one-time Spot Instance request. You can only stop Spot Instances associated with persistent Spot Instance requests.`]);
  });

  it('DescribeInstances: instance-lifecycle and spot-instance-request-id match the Spot Instance only; an On-Demand one shows neither', async () => {
    const onDemand = (await launch()).Instances![0];
    expect(onDemand.InstanceLifecycle).toBeUndefined();
    expect(onDemand.SpotInstanceRequestId).toBeUndefined();
    const ids = async (Name: string, Values: string[]) =>
      (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name, Values }] }))).Reservations!.flatMap((x) => x.Instances!.map((i) => i.InstanceId));
    expect(await ids('instance-lifecycle', ['spot'])).toEqual([spot.InstanceId]);
    expect(await ids('spot-instance-request-id', [sir])).toEqual([spot.InstanceId]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [onDemand.InstanceId!] }));
  });

  it('MaxPrice below the Spot price: SpotMaxPriceTooLow in EC2\'s words, nothing launched; at $0.001 or less: InvalidParameterValue', async () => {
    const now = await h.nowMs();
    const price = ((T3_MICRO * spotPercent('t3.micro', 'us-east-1a', Math.floor(now / HOUR_MS))) / 100).toString();
    const before = (await requests()).length;
    const e = await failure(spotLaunch({ MaxPrice: '0.003' }));
    expect(e.name).toBe('SpotMaxPriceTooLow');
    expect(e.message).toBe(`Your Spot request price of 0.003 is lower than the minimum required Spot request fulfillment price of ${price}.`);
    expect((await requests()).length).toBe(before);
    expect((await failure(spotLaunch({ MaxPrice: '0.001' }))).name).toBe('InvalidParameterValue');
    expect((await failure(spotLaunch({ MaxPrice: 'cheap' }))).name).toBe('InvalidParameterValue');
    // At the ceiling (90 % of On-Demand) a maximum of $0.00936 always fulfils.
    const ok = (await spotLaunch({ MaxPrice: '0.00936' })).Instances![0];
    expect((await requests({ SpotInstanceRequestIds: [ok.SpotInstanceRequestId!] }))[0].SpotPrice).toBe('0.00936');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [ok.InstanceId!] }));
    await suite.app.advance(30);
  });

  it('refuses what it does not simulate (hibernate, Spot blocks, Capacity Blocks, dedicated Spot), what EC2 refuses with a one-time request (stop, hibernate, ValidUntil) and bad values', async () => {
    const code = async (p: Promise<unknown>) => (await failure(p)).name;
    expect(await code(spotLaunch({ SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'hibernate' }))).toBe('UnsupportedOperation');
    // "For RunInstances, persistent Spot Instance requests are only supported when the instance interruption behavior is either hibernate or stop" (API Reference).
    expect(await code(spotLaunch({ SpotInstanceType: 'persistent' }))).toBe('InvalidParameterCombination');
    expect(await code(spotLaunch({ SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'terminate' }))).toBe('InvalidParameterCombination');
    // What EC2 takes only with a persistent request: refused with a one-time one, in EC2's words.
    const stop = await failure(spotLaunch({ InstanceInterruptionBehavior: 'stop' }));
    expect([stop.name, stop.message]).toEqual(['InvalidParameterCombination', "The request with type 'one-time' is not supported when instanceInterruptionBehavior is set to 'stop'."]);
    expect(await code(spotLaunch({ SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'hibernate' }))).toBe('InvalidParameterCombination');
    const until = await failure(spotLaunch({ ValidUntil: new Date(Date.UTC(2030, 0, 1)) }));
    expect([until.name, until.message]).toEqual(['InvalidParameterCombination', "The parameter validUntil cannot be specified when the SpotRequestType is set to 'one-time'."]);
    expect(await code(spotLaunch({ InstanceInterruptionBehavior: 'sometimes' }))).toBe('InvalidParameterValue');
    expect(await code(spotLaunch({ BlockDurationMinutes: 60 }))).toBe('UnsupportedOperation');
    expect(await code(launch({ InstanceMarketOptions: { MarketType: 'capacity-block' } }))).toBe('UnsupportedOperation');
    expect(await code(launch({ InstanceMarketOptions: { MarketType: 'spot' }, Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'dedicated' } }))).toBe('UnsupportedOperation');
    expect(await code(spotLaunch({ SpotInstanceType: 'sometimes' }))).toBe('InvalidParameterValue');
    expect(await code(launch({ InstanceMarketOptions: { MarketType: 'auction' as never } }))).toBe('InvalidParameterValue');
  });

  it('DescribeSpotPriceHistory: the price in effect now, from the top of its hour; with a StartTime, each change newest first', async () => {
    const now = await h.nowMs();
    const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
    const history = async (input: ConstructorParameters<typeof DescribeSpotPriceHistoryCommand>[0]) =>
      (await ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ['t3.micro'], AvailabilityZone: 'us-east-1a', ProductDescriptions: ['Linux/UNIX'], ...input }))).SpotPriceHistory!;
    expect(await history({})).toEqual([{ AvailabilityZone: 'us-east-1a', InstanceType: 't3.micro', ProductDescription: 'Linux/UNIX', SpotPrice: spotAt(now), Timestamp: new Date(hourStart) }]);
    const past = await history({ StartTime: new Date(now - 3 * HOUR_MS) });
    const expected = [0, 1, 2, 3].map((k) => hourStart - k * HOUR_MS).filter((t, k, all) => k === all.length - 1 || spotAt(t) !== spotAt(t - HOUR_MS));
    expect(past.map((p) => [p.Timestamp!.getTime(), p.SpotPrice])).toEqual(expected.map((t) => [t, spotAt(t)]));
    // No future: an EndTime later than now answers as now.
    expect(await history({ EndTime: new Date(now + 10 * HOUR_MS) })).toEqual(await history({}));
    // Paged, filtered.
    const all = (await ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ['t3.micro', 't3.small'] }))).SpotPriceHistory!;
    expect(all.length).toBe(2 * 3 * 2);
    const first = await ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ['t3.micro', 't3.small'], MaxResults: 5 }));
    expect(first.SpotPriceHistory!.length).toBe(5);
    const second = await ec2.send(new DescribeSpotPriceHistoryCommand({ InstanceTypes: ['t3.micro', 't3.small'], MaxResults: 1000, NextToken: first.NextToken }));
    expect([...first.SpotPriceHistory!, ...second.SpotPriceHistory!]).toEqual(all);
    const filtered = (await ec2.send(new DescribeSpotPriceHistoryCommand({ Filters: [{ Name: 'instance-type', Values: ['t3.small'] }, { Name: 'availability-zone', Values: ['us-east-1b'] }] }))).SpotPriceHistory!;
    expect(filtered.map((p) => [p.InstanceType, p.AvailabilityZone])).toEqual([['t3.small', 'us-east-1b'], ['t3.small', 'us-east-1b']]);
    expect((await failure(history({ ProductDescriptions: ['Windows'] }))).name).toBe('UnsupportedOperation');
    expect((await failure(history({ ProductDescriptions: ['Plan 9'] }))).name).toBe('InvalidParameterValue');
    expect((await failure(history({ AvailabilityZone: 'us-east-1z' }))).name).toBe('InvalidParameterValue');
  });

  it('DescribeSpotInstanceRequests: filters and paging', async () => {
    const ids = async (Name: string, Values: string[]) => (await requests({ Filters: [{ Name, Values }] })).map((r) => r.SpotInstanceRequestId);
    expect(await ids('spot-instance-request-id', [sir])).toEqual([sir]);
    expect(await ids('instance-id', [spot.InstanceId!])).toEqual([sir]);
    expect(await ids('state', ['active'])).toEqual([sir]);
    expect(await ids('status-code', ['fulfilled'])).toEqual([sir]);
    expect(await ids('launched-availability-zone', ['us-east-1b'])).toEqual([]);
    expect(await ids('type', ['one-time'])).toContain(sir);
    expect(await ids('spot-price', ['0.0104'])).toEqual([sir]);
    const all = await requests();
    const page1 = await ec2.send(new DescribeSpotInstanceRequestsCommand({ MaxResults: 5 }));
    expect(page1.SpotInstanceRequests!.length).toBe(Math.min(5, all.length));
    expect((await failure(requests({ SpotInstanceRequestIds: ['sir-nothex'] }))).name).toBe('InvalidSpotInstanceRequestID.Malformed');
    expect((await failure(requests({ SpotInstanceRequestIds: [missing(sir)] }))).name).toBe('InvalidSpotInstanceRequestID.NotFound');
  });

  it('another tenant\'s request is exactly a missing one, to describe and to cancel', async () => {
    const bob = await ec2Tenant(suite.app, 'spot-bob');
    const bobEc2 = client(bob);
    expect(await sameAsMissing(
      () => bobEc2.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] })),
      () => bobEc2.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [missing(sir)] })), sir,
    )).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect(await sameAsMissing(
      () => bobEc2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] })),
      () => bobEc2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [missing(sir)] })), sir,
    )).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect((await bobEc2.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests).toEqual([]);
  });

  it('a launch template carries InstanceMarketOptions into the launch', async () => {
    const t = await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'spot', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro', InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: '0.01' } } },
    }));
    const i = (await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: t.LaunchTemplate!.LaunchTemplateId }, MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(i.InstanceLifecycle).toBe('spot');
    expect((await requests({ SpotInstanceRequestIds: [i.SpotInstanceRequestId!] }))[0].SpotPrice).toBe('0.01');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await suite.app.advance(30);
  });

  it('CancelSpotInstanceRequests: cancelled, request-canceled-and-instance-running, the instance still running; terminated: instance-terminated-by-user', async () => {
    await suite.app.advance(60);
    const out = await ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [sir] }));
    expect(out.CancelledSpotInstanceRequests).toEqual([{ SpotInstanceRequestId: sir, State: 'cancelled' }]);
    const [r] = await requests({ SpotInstanceRequestIds: [sir] });
    expect([r.State, r.Status!.Code]).toEqual(['cancelled', 'request-canceled-and-instance-running']);
    expect((await instance(spot.InstanceId!)).State!.Name).toBe('running');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [spot.InstanceId!] }));
    await suite.app.advance(60);
    const [after] = await requests({ SpotInstanceRequestIds: [sir] });
    expect([after.State, after.Status!.Code]).toEqual(['cancelled', 'instance-terminated-by-user']);
  });

  it('tags requests: TagSpecification spot-instances-request at launch, CreateTags/DeleteTags/DescribeTags on sir- ids, tag filters; another tenant\'s is missing', async () => {
    const i = (await launch({
      InstanceMarketOptions: { MarketType: 'spot' }, TagSpecifications: [{ ResourceType: 'spot-instances-request', Tags: [{ Key: 'team', Value: 'batch' }] }],
    })).Instances![0];
    const id = i.SpotInstanceRequestId!;
    expect((await requests({ SpotInstanceRequestIds: [id] }))[0].Tags).toEqual([{ Key: 'team', Value: 'batch' }]);
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'cheap' }] }));
    expect((await requests({ Filters: [{ Name: 'tag:Name', Values: ['cheap'] }] })).map((r) => r.SpotInstanceRequestId)).toEqual([id]);
    expect((await requests({ Filters: [{ Name: 'tag-key', Values: ['team'] }] })).map((r) => r.SpotInstanceRequestId)).toEqual([id]);
    const described = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['spot-instances-request'] }] }))).Tags!;
    expect(described.map((t) => [t.ResourceId, t.Key, t.Value]).sort()).toEqual([[id, 'Name', 'cheap'], [id, 'team', 'batch']]);
    await ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'team' }] }));
    expect((await requests({ SpotInstanceRequestIds: [id] }))[0].Tags).toEqual([{ Key: 'Name', Value: 'cheap' }]);
    const bob = client(await ec2Tenant(suite.app, 'spot-tagger'));
    expect(await sameAsMissing(
      () => bob.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'x', Value: 'y' }] })),
      () => bob.send(new CreateTagsCommand({ Resources: [missing(id)], Tags: [{ Key: 'x', Value: 'y' }] })), id,
    )).toBe('InvalidSpotInstanceRequestID.NotFound');
    // Without Spot there is no request to tag.
    expect((await failure(launch({ TagSpecifications: [{ ResourceType: 'spot-instances-request', Tags: [{ Key: 'a', Value: 'b' }] }] }))).name).toBe('InvalidParameterValue');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await suite.app.advance(30);
  });

  it('bills the Spot Instance at the Spot price of each hour it ran, per second (worked out from the two hours\' prices); SpotUsage in the usage report', async () => {
    const carol = await ec2Tenant(suite.app, 'spot-carol');
    const c = client(carol);
    const [start, , month] = await h.nextMonth();
    const i = (await c.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.4xlarge', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, InstanceMarketOptions: { MarketType: 'spot' },
    }))).Instances![0];
    // Running from the boot's end for 90 minutes: 3,585 s in the month's first hour, 1,815 s in the second.
    const runningFrom = start + BOOT_MS;
    await h.advanceTo(runningFrom + 90 * 60_000);
    await c.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await h.advanceTo(start + 3 * HOUR_MS);
    const percent = (k: number) => spotPercent('m5.4xlarge', 'us-east-1a', start / HOUR_MS + k);
    const seconds = new Map<number, number>([[percent(0), 3585]]);
    seconds.set(percent(1), (seconds.get(percent(1)) ?? 0) + 1815);
    // $0.768 On-Demand × percent / 100 per hour, × seconds / 3600, to the cent per line.
    const expected = [...seconds].map(([p, s]) => [p, (Math.round(0.768 * p * s / 3600) / 100).toFixed(2)]).sort((a, b) => Number(a[0]) - Number(b[0]));
    const invoice = await h.invoice(carol.key, month);
    const spotLines = invoice.lines.filter((l) => l.lineId.startsWith('ec2-spot/'));
    expect(spotLines.map((l) => [Number(/\/(\d+)pct\//.exec(l.lineId)![1]), l.amount]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(expected);
    expect(invoice.lines.filter((l) => l.lineId.startsWith('ec2-instance/'))).toEqual([]);
    const report = (await h.usage(carol.key, { groupBy: 'type', from: iso(start), to: iso(start + 3 * HOUR_MS) })).usage;
    expect(report.filter((u: { product: string }) => u.product === 'ec2-instance')).toEqual([{ usageType: 'SpotUsage:m5.4xlarge', product: 'ec2-instance', unit: 'instance-hour', quantity: '1.5' }]);
  });

  it('does not charge a first hour EC2 interrupted (EC2 User Guide, "Billing for interrupted Spot Instances"); after an hour, or ended by the user, it is billed', async () => {
    const dave = await ec2Tenant(suite.app, 'spot-dave');
    const d = client(dave);
    const [start, , month] = await h.nextMonth();
    // m5.4xlarge ($0.768 On-Demand): an hour b+1 dearer than both hours b-1 and b, b-1 in this month.
    const pct = (hh: number) => spotPercent('m5.4xlarge', 'us-east-1a', hh);
    let b = start / HOUR_MS + 1;
    while (pct(b + 1) <= Math.max(pct(b - 1), pct(b))) b++;
    const rise = (b + 1) * HOUR_MS;
    const maxPrice = ((0.768 * Math.max(pct(b - 1), pct(b))) / 100).toFixed(6);
    const run = async (spot: Record<string, unknown>) => (await d.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.4xlarge', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, InstanceMarketOptions: { MarketType: 'spot', SpotOptions: spot },
    }))).Instances![0];
    // long: launched 30 min before hour b, interrupted at rise + 2 min (92 min later). short: launched 30 min
    // before the rise, interrupted with it (32 min later). mine: no MaxPrice (never interrupted), launched
    // 32 min before the rise and terminated by its user 30 min later, inside hour b.
    await h.advanceTo(b * HOUR_MS - 30 * 60_000);
    const long = await run({ MaxPrice: maxPrice });
    await h.advanceTo(rise - 32 * 60_000);
    const mine = await run({});
    await h.advanceTo(rise - 30 * 60_000);
    const short = await run({ MaxPrice: maxPrice });
    await h.advanceTo(rise - 2 * 60_000 + BOOT_MS);
    await d.send(new TerminateInstancesCommand({ InstanceIds: [mine.InstanceId!] }));
    await h.advanceTo(rise + 10 * 60_000);
    const ids = [long.SpotInstanceRequestId!, short.SpotInstanceRequestId!, mine.SpotInstanceRequestId!];
    const reqs = (await d.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: ids }))).SpotInstanceRequests!;
    expect(ids.map((id) => reqs.find((r) => r.SpotInstanceRequestId === id)!.Status!.Code)).toEqual(['instance-terminated-by-price', 'instance-terminated-by-price', 'instance-terminated-by-user']);
    // Running time from the boot's end (15 s) to the termination, per hour's price:
    // long: 1,785 s in hour b-1, 3,600 s in b, 120 s in b+1 (over an hour: billed);
    // short: 1,785 s in b, 120 s in b+1 (under an hour, interrupted by EC2: $0); mine: 1,800 s in b (ended by its user: billed).
    const seconds = new Map<number, number>();
    const add = (p: number, s: number) => seconds.set(p, (seconds.get(p) ?? 0) + s);
    add(pct(b - 1), 1785);
    add(pct(b), 3600);
    add(pct(b + 1), 120);
    add(pct(b), 1800);
    // $0.768 × percent / 100 per hour × seconds / 3,600, to the cent per line (one line per percent).
    const expected = [...seconds].map(([p, s]) => [p, new Decimal(0.768).times(p).div(100).times(s).div(3600).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2)]);
    const invoice = await h.invoice(dave.key, month);
    const byPercent = (xs: (string | number)[][]) => xs.sort((x, y) => Number(x[0]) - Number(y[0]));
    const spotLines = invoice.lines.filter((l) => l.lineId.startsWith('ec2-spot/'));
    expect(byPercent(spotLines.map((l) => [Number(/\/(\d+)pct\//.exec(l.lineId)![1]), l.amount]))).toEqual(byPercent(expected));
  });

  it('interrupts a Spot Instance when the price rises above its maximum at an hour: two minutes\' notice (marked-for-termination), then terminated by price', async () => {
    const { maxPrice, rise } = await nextRise();
    const i = (await spotLaunch({ MaxPrice: maxPrice })).Instances![0];
    const request = async () => (await requests({ SpotInstanceRequestIds: [i.SpotInstanceRequestId!] }))[0];
    await h.advanceTo(rise - 1000);
    expect([(await request()).Status!.Code, (await instance(i.InstanceId!)).State!.Name]).toEqual(['fulfilled', 'running']);
    await h.advanceTo(rise + 60_000);
    const noticed = await request();
    expect([noticed.State, noticed.Status!.Code, noticed.Status!.UpdateTime!.getTime()]).toEqual(['active', 'marked-for-termination', rise]);
    expect((await instance(i.InstanceId!)).State!.Name).toBe('running');
    await h.advanceTo(rise + 5 * 60_000);
    const closed = await request();
    expect([closed.State, closed.Status!.Code, closed.Status!.UpdateTime!.getTime()]).toEqual(['closed', 'instance-terminated-by-price', rise + 2 * 60_000 + SHUTDOWN_MS]);
    const gone = await instance(i.InstanceId!);
    expect([gone.State!.Name, gone.StateReason]).toEqual(['terminated', { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' }]);
  });

  it('a notice and its termination inside one advance of the clock: the same outcome', async () => {
    const { maxPrice, rise } = await nextRise();
    const i = (await spotLaunch({ MaxPrice: maxPrice })).Instances![0];
    await h.advanceTo(rise + 10 * 60_000);
    const [r] = await requests({ SpotInstanceRequestIds: [i.SpotInstanceRequestId!] });
    expect([r.State, r.Status!.Code]).toEqual(['closed', 'instance-terminated-by-price']);
    expect((await instance(i.InstanceId!)).StateReason!.Code).toBe('Server.SpotInstanceTermination');
  });

  it('a notice given before a restart ends in its termination after it', async () => {
    const { maxPrice, rise } = await nextRise();
    const i = (await spotLaunch({ MaxPrice: maxPrice })).Instances![0];
    await h.advanceTo(rise + 30_000);
    expect((await requests({ SpotInstanceRequestIds: [i.SpotInstanceRequestId!] }))[0].Status!.Code).toBe('marked-for-termination');
    await suite.restart();
    ec2 = client(alice);
    await h.advanceTo(rise + 3 * 60_000);
    const [r] = await requests({ SpotInstanceRequestIds: [i.SpotInstanceRequestId!] });
    expect([r.State, r.Status!.Code, r.Status!.UpdateTime!.getTime()]).toEqual(['closed', 'instance-terminated-by-price', rise + 2 * 60_000 + SHUTDOWN_MS]);
  });

  it('an active request whose instance is terminated closes (instance-terminated-by-user); every request survives a restart', async () => {
    const i = (await spotLaunch()).Instances![0];
    await suite.app.advance(30);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await suite.app.advance(60);
    const before = await requests();
    expect(before.find((r) => r.InstanceId === i.InstanceId)).toMatchObject({ State: 'closed', Status: { Code: 'instance-terminated-by-user' } });
    await suite.restart();
    ec2 = client(alice);
    expect(await requests()).toEqual(before);
  });
});
