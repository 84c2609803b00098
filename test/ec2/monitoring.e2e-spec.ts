import {
  CreateLaunchTemplateCommand, DescribeInstancesCommand, EC2Client, Instance, MonitorInstancesCommand, RunInstancesCommand, TerminateInstancesCommand, UnmonitorInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI, TestApp } from '../support/app';
import { ec2Client, Ec2Tenant, failure, missing, sameAsMissing, twoTenantApp, closeTwoTenantApp } from './ec2-support';

/** Detailed monitoring through the JS SDK, on the manual clock: `pending` / `disabling` for a simulated minute, then `enabled` / `disabled`. */
describe('EC2 detailed monitoring through the JS SDK', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  beforeAll(async () => {
    ({ t, alice, bob, ec2, bobEc2 } = await twoTenantApp([['us-east-1a', 1]]));
  });
  afterAll(() => closeTwoTenantApp({ t, ec2, bobEc2 }));

  const launch = async (extra: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]> = {}): Promise<Instance> =>
    (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, ...extra }))).Instances![0];
  const stateOf = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].Monitoring!.State;
  const monitored = async (state: string) =>
    (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'monitoring-state', Values: [state] }] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();

  it('launches with Monitoring.Enabled (pending, then enabled), turns it off and on again (disabling, pending), filters on it, and keeps it across a restart', async () => {
    const on = await launch({ Monitoring: { Enabled: true } });
    const off = await launch({ Monitoring: { Enabled: false } });
    expect(on.Monitoring).toEqual({ State: 'pending' });
    expect(off.Monitoring).toEqual({ State: 'disabled' });
    expect(await monitored('pending')).toEqual([on.InstanceId]);
    await t.advance(60);
    expect(await stateOf(on.InstanceId!)).toBe('enabled');
    expect(await monitored('enabled')).toEqual([on.InstanceId]);
    expect(await monitored('disabled')).toEqual([off.InstanceId]);

    const un = await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [on.InstanceId!] }));
    expect(un.InstanceMonitorings).toEqual([{ InstanceId: on.InstanceId, Monitoring: { State: 'disabling' } }]);
    expect(await stateOf(on.InstanceId!)).toBe('disabling');
    const mon = await ec2.send(new MonitorInstancesCommand({ InstanceIds: [off.InstanceId!, on.InstanceId!] }));
    expect(mon.InstanceMonitorings).toEqual([{ InstanceId: off.InstanceId, Monitoring: { State: 'pending' } }, { InstanceId: on.InstanceId, Monitoring: { State: 'pending' } }]);
    await t.advance(59);
    expect(await stateOf(off.InstanceId!)).toBe('pending');
    await t.advance(1);
    expect(await stateOf(off.InstanceId!)).toBe('enabled');
    // Asked again: nothing changes, the state shown answers.
    expect((await ec2.send(new MonitorInstancesCommand({ InstanceIds: [off.InstanceId!] }))).InstanceMonitorings).toEqual([{ InstanceId: off.InstanceId, Monitoring: { State: 'enabled' } }]);

    await ec2.send(new UnmonitorInstancesCommand({ InstanceIds: [off.InstanceId!] }));
    t = await t.restart();
    ec2.destroy();
    bobEc2.destroy();
    ec2 = ec2Client(t, alice);
    bobEc2 = ec2Client(t, bob);
    expect([await stateOf(on.InstanceId!), await stateOf(off.InstanceId!)]).toEqual(['enabled', 'disabling']);
    await t.advance(60);
    expect(await stateOf(off.InstanceId!)).toBe('disabled');
  });

  it('launches monitored from a launch template that asks it', async () => {
    const template = await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'monitored', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro', Monitoring: { Enabled: true } },
    }));
    const i = (await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: template.LaunchTemplate!.LaunchTemplateId }, MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(i.Monitoring).toEqual({ State: 'pending' });
  });

  it("answers EC2's errors: an id missing, another tenant's (alike), malformed, none; a terminated instance; DryRun changes nothing", async () => {
    const i = await launch();
    const id = i.InstanceId!;
    expect(await sameAsMissing(() => bobEc2.send(new MonitorInstancesCommand({ InstanceIds: [id] })), () => ec2.send(new MonitorInstancesCommand({ InstanceIds: [missing(id)] })), id))
      .toBe('InvalidInstanceID.NotFound');
    expect((await failure(ec2.send(new UnmonitorInstancesCommand({ InstanceIds: ['i-xyz'] })))).name).toBe('InvalidInstanceID.Malformed');
    expect((await failure(ec2.send(new MonitorInstancesCommand({ InstanceIds: [] })))).name).toBe('MissingParameter');
    // One missing among them: none changes.
    expect((await failure(ec2.send(new MonitorInstancesCommand({ InstanceIds: [id, missing(id)] })))).name).toBe('InvalidInstanceID.NotFound');
    expect(await stateOf(id)).toBe('disabled');
    expect((await failure(ec2.send(new MonitorInstancesCommand({ InstanceIds: [id], DryRun: true })))).name).toBe('DryRunOperation');
    expect(await stateOf(id)).toBe('disabled');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await t.advance(120);
    const refused = await failure(ec2.send(new MonitorInstancesCommand({ InstanceIds: [id] })));
    expect([refused.name, refused.message]).toEqual(['IncorrectInstanceState', `The instance '${id}' is in state 'terminated' and cannot be monitored.`]);
  });
});
