import {
  DescribeInstancesCommand, DescribeInstanceStatusCommand, EC2Client, GetPasswordDataCommand, CreateKeyPairCommand, RebootInstancesCommand,
  RunInstancesCommand, StartInstancesCommand, StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { decryptPassword, ec2Client, ec2Tenant, Ec2Tenant } from './ec2-support';

/**
 * What an instance's guest boots decide, through the JS SDK on the manual clock, across a restart of
 * Nimbus: the status checks initialize again after a reboot, and a Windows password is generated in
 * the first boot that runs 4 minutes (not 4 minutes after the launch).
 */
describe('EC2 guest boots through @aws-sdk/client-ec2', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let ec2: EC2Client;
  beforeAll(async () => {
    t = await startApp(undefined, { NIMBUS_CLOCK: 'manual' });
    await t.hosts('m5-host', 'us-east-1a', 2);
    alice = await ec2Tenant(t, 'alice');
    ec2 = ec2Client(t, alice);
  });
  afterAll(async () => {
    ec2?.destroy();
    await t?.close();
  });
  /** Nimbus restarted on the same database, the client on the new app. */
  const restart = async () => {
    ec2.destroy();
    t = await t.restart();
    ec2 = ec2Client(t, alice);
  };
  const stateOf = async (id: string) => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].State!.Name;

  it('shows the status checks initializing again for two minutes after RebootInstances, then ok; a restart keeps the reboot', async () => {
    const id = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    const checks = async () => {
      const s = (await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses![0];
      return [s.InstanceState!.Name, s.SystemStatus!.Status, s.InstanceStatus!.Status, s.InstanceStatus!.Details![0].Status];
    };
    // Running after its 15 s boot; the checks pass two minutes later.
    await t.advance(15 + 120);
    expect(await checks()).toEqual(['running', 'ok', 'ok', 'passed']);
    await t.advance(600);
    await ec2.send(new RebootInstancesCommand({ InstanceIds: [id] }));
    expect(await checks()).toEqual(['running', 'initializing', 'initializing', 'initializing']);
    await t.advance(119);
    await restart();
    expect(await checks()).toEqual(['running', 'initializing', 'initializing', 'initializing']);
    await t.advance(1);
    expect(await checks()).toEqual(['running', 'ok', 'ok', 'passed']);
  });

  it('generates a Windows password in the first boot that runs 4 minutes: none when stopped 2 minutes in, 4 minutes into the next boot; kept once generated, across a stop and a restart', async () => {
    const key = await ec2.send(new CreateKeyPairCommand({ KeyName: 'win' }));
    const id = (await ec2.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, KeyName: 'win' }))).Instances![0].InstanceId!;
    const password = () => ec2.send(new GetPasswordDataCommand({ InstanceId: id }));
    // Windows boots in 3 minutes; stopped 2 minutes into running: no password, however long after the launch.
    await t.advance(180 + 120);
    expect(await stateOf(id)).toBe('running');
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await t.advance(600);
    expect(await stateOf(id)).toBe('stopped');
    expect((await password()).PasswordData).toBe('');
    await restart();
    expect((await password()).PasswordData).toBe('');

    // Started again: running 3 minutes later, the password 4 minutes into that boot.
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    const startedAt = Date.parse((await t.admin().get('/v1/admin/clock').expect(200)).body.now);
    await t.advance(180 + 239);
    expect(await stateOf(id)).toBe('running');
    expect((await password()).PasswordData).toBe('');
    await t.advance(1);
    const data = await password();
    expect(data.Timestamp!.getTime()).toBe(startedAt + (180 + 240) * 1000);
    expect(decryptPassword(key.KeyMaterial!, data.PasswordData!)).toHaveLength(32);

    // Stopped, and Nimbus restarted: the password stays, with its time.
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await t.advance(600);
    await restart();
    const kept = await password();
    expect({ data: kept.PasswordData, at: kept.Timestamp }).toEqual({ data: data.PasswordData, at: data.Timestamp });
  });
});
