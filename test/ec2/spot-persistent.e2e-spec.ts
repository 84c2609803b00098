import {
  CancelSpotInstanceRequestsCommand, DescribeInstancesCommand, DescribeSpotInstanceRequestsCommand, EC2Client, RequestSpotInstancesCommand, RunInstancesCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { spotPercent } from '@nimbus/metering';
import { LINUX_AMI } from '../support/app';
import { ec2BillingSuite, HOUR_MS } from '../support/billing';
import { ec2Tenant, Ec2Tenant, failure, missing } from './ec2-support';

/** t3.micro's Linux On-Demand price in the seed price book (us-east-1). */
const T3_MICRO = 0.0104;
const pct = (hour: number) => spotPercent('t3.micro', 'us-east-1a', hour);
/** The simulated Spot price of t3.micro in us-east-1a during an hour, as a maximum price (exact, no trailing zeros). */
const priceOf = (hour: number) => String(Number(((T3_MICRO * pct(hour)) / 100).toFixed(6)));

/**
 * Persistent Spot requests and RequestSpotInstances through the JS SDK (docs/ec2.md, "Spot
 * Instances"; docs/model.md, "Persistent Spot requests"; EC2 User Guide, "State changes for a Spot
 * request"): a persistent request's instance interrupted by price, the request open again and a
 * new instance launched at the hour the price is back under its maximum; the `stop` behaviour;
 * the tenant's stop, start and termination; cancelling; ValidFrom and ValidUntil; a client token;
 * a restart in between.
 */
describe('persistent Spot requests through the JS SDK', () => {
  const suite = ec2BillingSuite();
  const { client, h } = suite;
  let alice: Ec2Tenant;
  let ec2: EC2Client;

  const request = async (id: string) => (await ec2.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }))).SpotInstanceRequests![0];
  const instance = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
  const stateOf = async (id: string) => {
    const r = await request(id);
    return [r.State, r.Status!.Code];
  };
  /**
   * From the clock's hour on: an hour `a` (the clock moved into it), the first later hour `b` dearer
   * than `a` (a maximum of a's price is interrupted at b), and the first hour `c` after b at or under
   * a's price again (the request is fulfilled again at c).
   */
  const cycle = async (): Promise<{ maxPrice: string; a: number; b: number; c: number }> => {
    for (let a = Math.floor((await h.nowMs()) / HOUR_MS) + 1; ; a++) {
      let b = a + 1;
      while (pct(b) <= pct(a)) b++;
      let c = b + 1;
      while (pct(c) > pct(a)) c++;
      if (b - a > 6 || c - b > 12) continue;
      await h.advanceTo(a * HOUR_MS + 60_000);
      return { maxPrice: priceOf(a), a, b, c };
    }
  };

  beforeAll(async () => {
    alice = await ec2Tenant(suite.app, 'persistent-alice');
    ec2 = client(alice);
    await h.advanceTo((await h.nextHour()) + HOUR_MS / 2);
  });

  it('RequestSpotInstances, persistent: fulfilled at once; interrupted by price at the rise, open again, a new instance at the hour the price is back under its maximum; cancelling leaves it running', async () => {
    const { maxPrice, b, c } = await cycle();
    const asked = {
      InstanceCount: 1, Type: 'persistent' as const, SpotPrice: maxPrice, ClientToken: 'persistent-1',
      LaunchSpecification: { ImageId: LINUX_AMI, InstanceType: 't3.micro' as const, Placement: { AvailabilityZone: 'us-east-1a' } },
      TagSpecifications: [{ ResourceType: 'spot-instances-request' as const, Tags: [{ Key: 'team', Value: 'batch' }] }],
    };
    const [made] = (await ec2.send(new RequestSpotInstancesCommand(asked))).SpotInstanceRequests!;
    const id = made.SpotInstanceRequestId!;
    expect(id).toMatch(/^sir-[0-9a-f]{8}$/);
    expect(made).toMatchObject({ State: 'active', Type: 'persistent', SpotPrice: maxPrice, Status: { Code: 'fulfilled' }, Tags: [{ Key: 'team', Value: 'batch' }], InstanceInterruptionBehavior: 'terminate' });
    const first = made.InstanceId!;
    expect((await instance(first)).InstanceLifecycle).toBe('spot');
    // The same client token: the same request; with another request: IdempotentParameterMismatch.
    expect((await ec2.send(new RequestSpotInstancesCommand(asked))).SpotInstanceRequests!.map((r) => r.SpotInstanceRequestId)).toEqual([id]);
    expect((await failure(ec2.send(new RequestSpotInstancesCommand({ ...asked, InstanceCount: 2 })))).name).toBe('IdempotentParameterMismatch');

    // The rise: two minutes' notice, then terminated by price; the request opens again.
    await h.advanceTo(b * HOUR_MS + 10 * 60_000);
    expect(await stateOf(id)).toEqual(['open', 'instance-terminated-by-price']);
    expect((await instance(first)).StateReason!.Code).toBe('Server.SpotInstanceTermination');
    if (c > b + 1) {
      await h.advanceTo(c * HOUR_MS - 1000);
      expect(await stateOf(id)).toEqual(['open', 'price-too-low']);
    }
    // A restart while it waits: the request waits on and is fulfilled at c all the same.
    await suite.restart();
    ec2 = client(alice);
    await h.advanceTo(c * HOUR_MS + 10 * 60_000);
    const again = await request(id);
    expect([again.State, again.Status!.Code, again.Status!.UpdateTime!.getTime()]).toEqual(['active', 'fulfilled', c * HOUR_MS]);
    const second = again.InstanceId!;
    expect(second).not.toBe(first);
    const relaunched = await instance(second);
    expect([relaunched.State!.Name, relaunched.LaunchTime!.getTime(), relaunched.SpotInstanceRequestId, relaunched.Placement!.AvailabilityZone]).toEqual(['running', c * HOUR_MS, id, 'us-east-1a']);

    // Cancelling a persistent request does not terminate its instance.
    await ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(await stateOf(id)).toEqual(['cancelled', 'request-canceled-and-instance-running']);
    await h.advanceTo(c * HOUR_MS + 20 * 60_000);
    expect((await instance(second)).State!.Name).toBe('running');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [second] }));
    await suite.app.advance(60);
    expect(await stateOf(id)).toEqual(['cancelled', 'instance-terminated-by-user']);
  });

  it('RunInstances with SpotInstanceType=persistent and stop: stopped by price (disabled), started again by the request at the hour the price is back under its maximum', async () => {
    const { maxPrice, b, c } = await cycle();
    const i = (await ec2.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: maxPrice, SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'stop' } },
    }))).Instances![0];
    const id = i.SpotInstanceRequestId!;
    expect((await request(id))).toMatchObject({ Type: 'persistent', InstanceInterruptionBehavior: 'stop', State: 'active' });
    await h.advanceTo(b * HOUR_MS + 60_000);
    expect(await stateOf(id)).toEqual(['active', 'marked-for-stop']);
    await h.advanceTo(b * HOUR_MS + 10 * 60_000);
    expect(await stateOf(id)).toEqual(['disabled', 'instance-stopped-by-price']);
    const stopped = await instance(i.InstanceId!);
    expect([stopped.State!.Name, stopped.StateReason!.Code]).toEqual(['stopped', 'Server.SpotInstanceShutdown']);
    // "Only Amazon EC2 can restart an interrupted stopped Spot Instance" (User Guide).
    expect((await failure(ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] })))).name).toBe('UnsupportedOperation');
    await h.advanceTo(c * HOUR_MS + 10 * 60_000);
    expect(await stateOf(id)).toEqual(['active', 'fulfilled']);
    expect([(await request(id)).InstanceId, (await instance(i.InstanceId!)).State!.Name]).toEqual([i.InstanceId, 'running']);

    // The tenant may stop a persistent request's instance: disabled, instance-stopped-by-user; started: fulfilled again.
    await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(await stateOf(id)).toEqual(['disabled', 'instance-stopped-by-user']);
    await suite.app.advance(120);
    await ec2.send(new StartInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    expect(await stateOf(id)).toEqual(['active', 'fulfilled']);
    await ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await suite.app.advance(60);
  });

  it('the tenant terminating a persistent request\'s instance opens the request again, and it launches another; one-time requests close', async () => {
    const [made] = (await ec2.send(new RequestSpotInstancesCommand({
      Type: 'persistent', LaunchSpecification: { ImageId: LINUX_AMI, InstanceType: 't3.micro' as const, Placement: { AvailabilityZone: 'us-east-1a' } },
    }))).SpotInstanceRequests!;
    const id = made.SpotInstanceRequestId!;
    // No SpotPrice: the On-Demand price, never below the Spot price.
    expect(made.SpotPrice).toBe('0.0104');
    await suite.app.advance(60);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [made.InstanceId!] }));
    // The termination commits: the request opens again, and is evaluated (and fulfilled) from the next step of the clock.
    await suite.app.advance(60);
    expect(await stateOf(id)).toEqual(['open', 'instance-terminated-by-user']);
    await suite.app.advance(1);
    const r = await request(id);
    expect([r.State, r.Status!.Code]).toEqual(['active', 'fulfilled']);
    expect(r.InstanceId).not.toBe(made.InstanceId);
    await ec2.send(new CancelSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [r.InstanceId!] }));
    await suite.app.advance(60);
    expect(await stateOf(id)).toEqual(['cancelled', 'instance-terminated-by-user']);
  });

  it('ValidFrom: not-scheduled-yet, fulfilled at it; a maximum under the price waits (price-too-low) and ValidUntil cancels it (schedule-expired)', async () => {
    const now = await h.nowMs();
    const spec = { ImageId: LINUX_AMI, InstanceType: 't3.micro' as const, Placement: { AvailabilityZone: 'us-east-1a' } };
    const [later] = (await ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, ValidFrom: new Date(now + 30 * 60_000) }))).SpotInstanceRequests!;
    expect([later.State, later.Status!.Code, later.InstanceId]).toEqual(['open', 'not-scheduled-yet', undefined]);
    // Under 30 % of the On-Demand price: never fulfilled.
    const [low] = (await ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, SpotPrice: '0.002', ValidUntil: new Date(now + 2 * HOUR_MS) }))).SpotInstanceRequests!;
    expect([low.State, low.Status!.Code]).toEqual(['open', 'price-too-low']);
    await h.advanceTo(now + 40 * 60_000);
    const fulfilled = await request(later.SpotInstanceRequestId!);
    expect([fulfilled.State, fulfilled.Status!.Code, fulfilled.Status!.UpdateTime!.getTime()]).toEqual(['active', 'fulfilled', now + 30 * 60_000]);
    expect((await instance(fulfilled.InstanceId!)).LaunchTime!.getTime()).toBe(now + 30 * 60_000);
    await h.advanceTo(now + 2 * HOUR_MS + 60_000);
    const expired = await request(low.SpotInstanceRequestId!);
    expect([expired.State, expired.Status!.Code, expired.Status!.UpdateTime!.getTime()]).toEqual(['cancelled', 'schedule-expired', now + 2 * HOUR_MS]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [fulfilled.InstanceId!] }));
    await suite.app.advance(60);
  });

  it('refuses bad requests: no LaunchSpecification, stop with one-time, hibernate, a ValidUntil passed, bad SpotPrice; sir- ids of 8 and 17 digits are well formed', async () => {
    const spec = { ImageId: LINUX_AMI, InstanceType: 't3.micro' as const };
    const code = async (p: Promise<unknown>) => (await failure(p)).name;
    expect(await code(ec2.send(new RequestSpotInstancesCommand({})))).toBe('MissingParameter');
    expect(await code(ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, InstanceInterruptionBehavior: 'stop' })))).toBe('InvalidParameterCombination');
    expect(await code(ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, Type: 'persistent', InstanceInterruptionBehavior: 'hibernate' })))).toBe('UnsupportedOperation');
    expect(await code(ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, ValidUntil: new Date((await h.nowMs()) - 1000) })))).toBe('InvalidParameterValue');
    expect(await code(ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: spec, SpotPrice: '0.001' })))).toBe('InvalidParameterValue');
    expect(await code(ec2.send(new RequestSpotInstancesCommand({ LaunchSpecification: { ...spec, ImageId: 'ami-0000000000000ffff' } })))).toMatch(/^InvalidAMIID/);
    const describe = (id: string) => ec2.send(new DescribeSpotInstanceRequestsCommand({ SpotInstanceRequestIds: [id] }));
    expect(await code(describe('sir-1a2b3c4d'))).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect(await code(describe(missing('sir-0123456789abcdef0')))).toBe('InvalidSpotInstanceRequestID.NotFound');
    expect(await code(describe('sir-1a2b3c4'))).toBe('InvalidSpotInstanceRequestID.Malformed');
  });
});
