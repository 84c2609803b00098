import { DescribeInstancesCommand, DescribeSpotInstanceRequestsCommand, EC2Client, _InstanceType, RunInstancesCommand, StartInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { LINUX_AMI, startApp, TestApp, expectError } from '../support/app';
import { billingHarness, HOUR_MS, iso, SHUTDOWN_MS } from '../support/billing';
import { ec2Clients, ec2Tenant, Ec2Tenant, failure, missing, sameAsMissing } from './ec2-support';

/** m5.12xlarge's Linux On-Demand price ($2.304, three times m5.4xlarge's $0.768) at the Spot ceiling of 90 %: never interrupted by price. */
const CEILING = '2.0736';

/**
 * Spot Instances interrupted because EC2 needs the capacity back (docs/model.md, "Spot
 * interruptions"; EC2 User Guide, "Spot Instance interruptions", reason Capacity), through the JS
 * SDK on a fleet of one m5-host (109,760 millicores guaranteed): two m5.12xlarge Spot Instances
 * (48,000 each) leave 13,760, too little for an On-Demand m5.4xlarge (16,000).
 */
describe('Spot Instances interrupted for capacity, through the JS SDK', () => {
  let t: TestApp;
  const { client, destroyAll } = ec2Clients(() => t);
  const h = billingHarness(() => t);
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let a: EC2Client;
  let b: EC2Client;
  let month: string;
  let start: number;

  const run = (c: EC2Client, InstanceType: _InstanceType, SpotOptions?: Record<string, unknown>) =>
    c.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      ...(SpotOptions ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions } } : {}),
    })).then((r) => r.Instances![0]);
  const request = async (c: EC2Client, id: string) => (await c.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }))).SpotInstanceRequests![0];
  const instance = async (c: EC2Client, id: string) => (await c.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
  const instanceIds = async (c: EC2Client) => (await c.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
    alice = await ec2Tenant(t, 'cap-alice', { onDemandVcpus: 1000 });
    bob = await ec2Tenant(t, 'cap-bob', { onDemandVcpus: 1000 });
    a = client(alice);
    b = client(bob);
    [start, , month] = await h.nextMonth();
    // Half past the hour: every step below stays inside it, so no price change takes part.
    await h.advanceTo(start + HOUR_MS / 2);
  });

  afterAll(async () => {
    destroyAll();
    await t.close();
  });

  let aliceSpot: string;
  let aliceSir: string;
  let bobSpot: string;
  let bobSir: string;
  let noticeAt: number;

  it('an On-Demand launch with no room fails with InsufficientInstanceCapacity, and the Spot Instance with the lowest maximum price, another tenant\'s, gets the two-minute notice', async () => {
    const mine = await run(a, 'm5.12xlarge', {});
    const theirs = await run(b, 'm5.12xlarge', { MaxPrice: CEILING });
    [aliceSpot, aliceSir, bobSpot, bobSir] = [mine.InstanceId!, mine.SpotInstanceRequestId!, theirs.InstanceId!, theirs.SpotInstanceRequestId!];
    await t.advance(60);
    noticeAt = await h.nowMs();
    const e = await failure(run(a, 'm5.4xlarge'));
    expect(e.name).toBe('InsufficientInstanceCapacity');
    // Bob's request (maximum $2.0736, below alice's $2.304): marked for termination now; alice's untouched.
    const r = await request(b, bobSir);
    expect([r.State, r.Status!.Code, r.Status!.UpdateTime!.getTime()]).toEqual(['active', 'marked-for-termination', noticeAt]);
    expect((await request(a, aliceSir)).Status!.Code).toBe('fulfilled');
    expect((await instance(b, bobSpot)).State!.Name).toBe('running');
    // Each tenant sees only its own: alice neither sees bob's instance nor his request.
    expect(await instanceIds(a)).toEqual([aliceSpot]);
    expect(await sameAsMissing(
      () => a.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [bobSir] })),
      () => a.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [missing(bobSir)] })), bobSir,
    )).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect((await a.send(new DescribeSpotInstanceRequestsCommand({}))).SpotInstanceRequests!.map((x) => x.SpotInstanceRequestId)).toEqual([aliceSir]);
  });

  it('a retry inside the notice fails again and reclaims nothing more: the room is already coming', async () => {
    await t.advance(30);
    expect((await failure(run(a, 'm5.4xlarge'))).name).toBe('InsufficientInstanceCapacity');
    // Through REST as well (POST /v1/instances takes the same launch).
    expectError(await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.4xlarge', availabilityZone: 'us-east-1a' }), 503, 'InsufficientInstanceCapacity');
    expect((await request(a, aliceSir)).Status!.Code).toBe('fulfilled');
    expect((await request(b, bobSir)).Status!.UpdateTime!.getTime()).toBe(noticeAt);
  });

  it('two minutes after the notice it is terminated (Server.SpotInstanceTermination, instance-terminated-no-capacity), and the On-Demand retry succeeds', async () => {
    await h.advanceTo(noticeAt + 2 * 60_000 - 1000);
    expect((await instance(b, bobSpot)).State!.Name).toBe('running');
    await h.advanceTo(noticeAt + 2 * 60_000 + SHUTDOWN_MS);
    const gone = await instance(b, bobSpot);
    expect([gone.State!.Name, gone.StateReason]).toEqual(['terminated', { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' }]);
    const r = await request(b, bobSir);
    expect([r.State, r.Status!.Code, r.Status!.UpdateTime!.getTime()]).toEqual(['closed', 'instance-terminated-no-capacity', noticeAt + 2 * 60_000 + SHUTDOWN_MS]);
    expect(r.Status!.Message).toBe('Your Spot Instance was terminated because there was no longer enough Spot capacity available.');
    const od = await run(a, 'm5.4xlarge');
    expect(od.InstanceLifecycle).toBeUndefined();
    expect((await request(a, aliceSir)).Status!.Code).toBe('fulfilled');
  });

  it('a notice given before a restart ends the instance after it, with the capacity code', async () => {
    // Left: alice's Spot m5.12xlarge (48,000) and On-Demand m5.4xlarge (16,000): 45,760 free, short of another m5.12xlarge.
    expect((await failure(run(a, 'm5.12xlarge'))).name).toBe('InsufficientInstanceCapacity');
    const at = await h.nowMs();
    expect((await request(a, aliceSir)).Status!.Code).toBe('marked-for-termination');
    t = await t.restart();
    a = client(alice);
    b = client(bob);
    await h.advanceTo(at + 2 * 60_000 + SHUTDOWN_MS);
    const r = await request(a, aliceSir);
    expect([r.State, r.Status!.Code]).toEqual(['closed', 'instance-terminated-no-capacity']);
    expect((await instance(a, aliceSpot)).StateReason!.Code).toBe('Server.SpotInstanceTermination');
    expect((await run(a, 'm5.12xlarge')).InstanceLifecycle).toBeUndefined();
  });

  it('a Spot launch with no room reclaims nothing (only On-Demand launches do)', async () => {
    // Left: alice's On-Demand m5.4xlarge and m5.12xlarge (64,000): 45,760 free. Bob's Spot m5.8xlarge (32,000) fits, then 13,760.
    const theirs = await run(b, 'm5.8xlarge', { MaxPrice: '1.3824' });
    expect((await failure(run(a, 'm5.4xlarge', {}))).name).toBe('InsufficientInstanceCapacity');
    expect((await request(b, theirs.SpotInstanceRequestId!)).Status!.Code).toBe('fulfilled');
  });

  it('the invoice does not charge a Spot Instance EC2 interrupted in its first hour (EC2 User Guide, "Billing for interrupted Spot Instances")', async () => {
    await h.advanceTo(start + 2 * HOUR_MS);
    // Bob's m5.12xlarge ran 30 min and more before EC2 took it back: its usage is there, its charge $0.
    const report = (await h.usage(bob.key, { groupBy: 'type', from: iso(start), to: iso(start + HOUR_MS) })).usage as { usageType: string; quantity: string }[];
    expect(Number(report.find((u) => u.usageType === 'SpotUsage:m5.12xlarge')!.quantity)).toBeGreaterThan(0);
    const invoice = await h.invoice(bob.key, month);
    const lines = invoice.lines.filter((l) => l.lineId.startsWith('ec2-spot/') && l.lineId.includes('m5.12xlarge'));
    expect(lines.map((l) => l.amount).filter((x) => x !== '0.00')).toEqual([]);
    // Bob's m5.8xlarge, still running past its first hour, is charged.
    expect(invoice.lines.filter((l) => l.lineId.startsWith('ec2-spot/') && l.lineId.includes('m5.8xlarge') && l.amount !== '0.00')).not.toEqual([]);
  });

  it('a persistent request with stop behaviour: marked-for-stop, stopped (instance-stopped-no-capacity, disabled), started again by EC2 at an hour when there is room', async () => {
    // On the host: alice's On-Demand m5.4xlarge and m5.12xlarge, bob's Spot m5.8xlarge (96,000): 13,760 free.
    // Bob's persistent m5.2xlarge (8,000) at m5.2xlarge's ceiling, $0.3456, below his m5.8xlarge's $1.3824: the first to go.
    const p = await run(b, 'm5.2xlarge', { MaxPrice: '0.3456', SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'stop' });
    const sir = p.SpotInstanceRequestId!;
    // 5,760 free: an On-Demand m5.2xlarge needs 8,000.
    expect((await failure(run(a, 'm5.2xlarge'))).name).toBe('InsufficientInstanceCapacity');
    const at = await h.nowMs();
    expect((await request(b, sir)).Status!.Code).toBe('marked-for-stop');
    await h.advanceTo(at + 2 * 60_000 + SHUTDOWN_MS);
    const r = await request(b, sir);
    expect([r.State, r.Status!.Code]).toEqual(['disabled', 'instance-stopped-no-capacity']);
    const stopped = await instance(b, p.InstanceId!);
    expect([stopped.State!.Name, stopped.StateReason!.Code]).toEqual(['stopped', 'Server.SpotInstanceShutdown']);
    // Only EC2 starts it again; it does not take the room back before the hour.
    expect((await failure(b.send(new StartInstancesCommand({ InstanceIds: [p.InstanceId!] })))).name).toBe('UnsupportedOperation');
    const od = await run(a, 'm5.2xlarge');
    // At the next hour there is no room (5,760 free): it waits, disabled.
    const next = Math.ceil((await h.nowMs()) / HOUR_MS) * HOUR_MS;
    await h.advanceTo(next + 60_000);
    expect((await request(b, sir)).State).toBe('disabled');
    // Room again (alice's m5.2xlarge gone): at the hour after, EC2 starts it.
    await a.send(new TerminateInstancesCommand({ InstanceIds: [od.InstanceId!] }));
    await h.advanceTo(next + HOUR_MS + 60_000);
    const again = await request(b, sir);
    expect([again.State, again.Status!.Code, again.InstanceId]).toEqual(['active', 'fulfilled', p.InstanceId]);
    expect((await instance(b, p.InstanceId!)).State!.Name).toBe('running');
  });
});
