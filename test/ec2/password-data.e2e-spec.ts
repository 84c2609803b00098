import {
  CreateKeyPairCommand, DeleteKeyPairCommand, DescribeInstancesCommand, EC2Client, GetPasswordDataCommand, RunInstancesCommand, waitUntilPasswordDataAvailable,
} from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { decryptPassword, ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

/** A Windows password as EC2Launch makes one: long, of upper and lower case letters, digits and symbols. */
function expectWindowsPassword(password: string): void {
  expect(password).toHaveLength(32);
  for (const c of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(password).toMatch(c);
}

/** GetPasswordData through the JS SDK, on the manual clock: empty while the Windows guest boots, then the encrypted Administrator password. */
describe('EC2 GetPasswordData through @aws-sdk/client-ec2', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let client: EC2Client;
  let bobClient: EC2Client;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    alice = await ec2Tenant(t, 'alice');
    bob = await ec2Tenant(t, 'bob');
    client = ec2Client(t, alice);
    bobClient = ec2Client(t, bob);
  });
  afterAll(async () => {
    client?.destroy();
    bobClient?.destroy();
    await t?.close();
  });

  it("answers '' while the instance boots and for 4 minutes of running, then the password encrypted with the RSA key pair; stable, and kept when the key pair is deleted", async () => {
    const key = await client.send(new CreateKeyPairCommand({ KeyName: 'win-admin' }));
    const run = await client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, KeyName: 'win-admin' }));
    const [a, b] = run.Instances!.map((i) => i.InstanceId!);
    const launched = run.Instances![0].LaunchTime!.getTime();

    const pending = await client.send(new GetPasswordDataCommand({ InstanceId: a }));
    expect(pending).toMatchObject({ InstanceId: a, PasswordData: '' });
    expect(pending.Timestamp!.getTime()).toBe(launched);
    // Windows Server boots in 3 simulated minutes; the password comes 4 minutes after that.
    await t.advance(180);
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [a] }))).Reservations![0].Instances![0].State!.Name).toBe('running');
    await t.advance(239);
    expect((await client.send(new GetPasswordDataCommand({ InstanceId: a }))).PasswordData).toBe('');

    // The SDK's waiter polls until passwordData is not empty.
    const waiting = waitUntilPasswordDataAvailable({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceId: a });
    await t.advance(1);
    const waited = await waiting;
    expect(waited.state).toBe('SUCCESS');
    const data = await client.send(new GetPasswordDataCommand({ InstanceId: a }));
    expect(data.Timestamp!.getTime()).toBe(launched + (180 + 240) * 1000);
    const password = decryptPassword(key.KeyMaterial!, data.PasswordData!);
    expectWindowsPassword(password);

    // Stable across calls; each instance its own; the key pair deleted changes nothing (it was encrypted at the launch).
    expect((await client.send(new GetPasswordDataCommand({ InstanceId: a }))).PasswordData).toBe(data.PasswordData);
    const other = decryptPassword(key.KeyMaterial!, (await client.send(new GetPasswordDataCommand({ InstanceId: b }))).PasswordData!);
    expectWindowsPassword(other);
    expect(other).not.toBe(password);
    await client.send(new DeleteKeyPairCommand({ KeyName: 'win-admin' }));
    const after = await client.send(new GetPasswordDataCommand({ InstanceId: a }));
    expect({ data: after.PasswordData, at: after.Timestamp }).toEqual({ data: data.PasswordData, at: data.Timestamp });
    expect(decryptPassword(key.KeyMaterial!, after.PasswordData!)).toBe(password);

    // REST's twin answers the same.
    const rest = await t.as(alice.key).get(`/v1/instances/${a}/password-data`).expect(200);
    expect(rest.body).toEqual({ instanceId: a, passwordData: data.PasswordData, timestamp: data.Timestamp!.toISOString() });
  });

  it("answers '' for a Linux instance launched with a key pair and for a Windows one launched without", async () => {
    await client.send(new CreateKeyPairCommand({ KeyName: 'linux-key' }));
    const linux = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: 'linux-key' }))).Instances![0].InstanceId!;
    const keyless = (await client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    await t.advance(3600);
    for (const id of [linux, keyless]) {
      const out = await client.send(new GetPasswordDataCommand({ InstanceId: id }));
      expect({ id: out.InstanceId, data: out.PasswordData }).toEqual({ id, data: '' });
      expect(out.Timestamp).toBeInstanceOf(Date);
    }
  });

  it("refuses an ED25519 key pair for a Windows AMI with EC2's Unsupported, on RunInstances, its dry run and REST; Linux takes it", async () => {
    await client.send(new CreateKeyPairCommand({ KeyName: 'ed-key', KeyType: 'ed25519' }));
    const message = 'ED25519 key pairs are not supported with Windows AMIs. Choose a different key pair type and try again.';
    const refused = await failure(client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, KeyName: 'ed-key' })));
    expect({ name: refused.name, message: refused.message, status: refused.$metadata.httpStatusCode }).toEqual({ name: 'Unsupported', message, status: 400 });
    const dry = await failure(client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, KeyName: 'ed-key', DryRun: true })));
    expect({ name: dry.name, message: dry.message }).toEqual({ name: 'Unsupported', message });
    const rest = await t.as(alice.key).post('/v1/instances', { imageId: WINDOWS_AMI, instanceType: 'm5.large', minCount: 1, maxCount: 1, keyName: 'ed-key' });
    expect(expectError(rest, 400, 'Unsupported').message).toBe(message);
    const all = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['ed-key'] }] }));
    expect(all.Reservations).toEqual([]);

    const linux = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, KeyName: 'ed-key' }));
    expect(linux.Instances![0].KeyName).toBe('ed-key');
  });

  it("answers InvalidInstanceID.NotFound for another tenant's instance exactly as for a missing one, Malformed for a bad id, and DryRun", async () => {
    await client.send(new CreateKeyPairCommand({ KeyName: 'iso-key' }));
    const id = (await client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, KeyName: 'iso-key' }))).Instances![0].InstanceId!;
    await t.advance(600);
    expect((await client.send(new GetPasswordDataCommand({ InstanceId: id }))).PasswordData).not.toBe('');

    const theirs = await failure(bobClient.send(new GetPasswordDataCommand({ InstanceId: id })));
    const missing = await failure(bobClient.send(new GetPasswordDataCommand({ InstanceId: 'i-0123456789abcdef0' })));
    expect({ name: theirs.name, status: theirs.$metadata.httpStatusCode }).toEqual({ name: 'InvalidInstanceID.NotFound', status: 400 });
    expect(theirs.message.replace(id, 'ID')).toBe(missing.message.replace('i-0123456789abcdef0', 'ID'));
    expect((await failure(client.send(new GetPasswordDataCommand({ InstanceId: 'i-xyz' })))).name).toBe('InvalidInstanceID.Malformed');
    expectError(await t.as(bob.key).get(`/v1/instances/${id}/password-data`), 404, 'InvalidInstanceID.NotFound');

    const dry = await failure(client.send(new GetPasswordDataCommand({ InstanceId: id, DryRun: true })));
    expect({ name: dry.name, status: dry.$metadata.httpStatusCode }).toEqual({ name: 'DryRunOperation', status: 412 });
    expect((await failure(bobClient.send(new GetPasswordDataCommand({ InstanceId: id, DryRun: true })))).name).toBe('InvalidInstanceID.NotFound');
  });
});
