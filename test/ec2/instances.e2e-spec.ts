import {
  DescribeInstancesCommand, DescribeInstanceStatusCommand, EC2Client, GetConsoleOutputCommand, ModifyInstanceAttributeCommand,
  CreateImageCommand, DeleteSnapshotCommand, DescribeImagesCommand, waitUntilImageAvailable, DescribeInstanceAttributeCommand, paginateDescribeInstances, RunInstancesCommand, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
  waitUntilInstanceRunning, waitUntilInstanceStatusOk, waitUntilInstanceStopped, waitUntilInstanceTerminated, DescribeVolumesCommand, DetachVolumeCommand, AttachVolumeCommand, DescribeInstanceCreditSpecificationsCommand, ModifyInstanceCreditSpecificationCommand,
  ModifyInstanceMetadataOptionsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, DescribeSecurityGroupsCommand,
  CreateKeyPairCommand, DeleteKeyPairCommand, GetPasswordDataCommand, waitUntilPasswordDataAvailable,
} from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { decryptPassword, ec2Client, ec2Tenant, Ec2Tenant, failure, statementsSent } from './ec2-support';


/** A Windows password as EC2Launch makes one: long, of upper and lower case letters, digits and symbols. */
function expectWindowsPassword(password: string): void {
  expect(password).toHaveLength(32);
  for (const c of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(password).toMatch(c);
}

/** The instance lifecycle through the JS SDK, with the clock at 600x so waiters poll as against EC2 but briefly. */
describe('EC2 instances through @aws-sdk/client-ec2', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let client: EC2Client;
  let bobClient: EC2Client;
  beforeAll(async () => {
    t = await startApp(undefined, { NIMBUS_CLOCK: '600' });
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 1);
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

  it('runs instances, waits until running, stops, starts and terminates them, with EC2 answer shapes', async () => {
    const run = await client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 2, MaxCount: 2,
      Placement: { AvailabilityZone: 'us-east-1a' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }, { Key: 'env', Value: 'test' }] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16, VolumeType: 'gp3', DeleteOnTermination: true } }],
      UserData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
      InstanceInitiatedShutdownBehavior: 'terminate',
    }));
    expect(run.OwnerId).toBe(alice.accountId);
    expect(run.Instances).toHaveLength(2);
    const [a, b] = run.Instances!;
    expect(a).toMatchObject({
      State: { Code: 0, Name: 'pending' }, InstanceType: 't3.micro', ImageId: LINUX_AMI, AmiLaunchIndex: 0,
      Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' }, Architecture: 'x86_64', RootDeviceName: '/dev/xvda', RootDeviceType: 'ebs',
      PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances', CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 }, EbsOptimized: false,
    });
    expect(b.AmiLaunchIndex).toBe(1);
    expect(a.Tags).toEqual(expect.arrayContaining([{ Key: 'Name', Value: 'web' }, { Key: 'env', Value: 'test' }]));
    expect(a.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeId: expect.stringMatching(/^vol-/), DeleteOnTermination: true, Status: 'attached' }) }]);
    expect(a.LaunchTime).toBeInstanceOf(Date);
    const ids = [a.InstanceId!, b.InstanceId!];

    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: ids });
    const running = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    expect(running.Reservations).toHaveLength(1);
    expect(running.Reservations![0]).toMatchObject({ ReservationId: run.ReservationId, OwnerId: alice.accountId });
    expect(running.Reservations![0].Instances!.map((i) => i.State)).toEqual([{ Code: 16, Name: 'running' }, { Code: 16, Name: 'running' }]);

    const attr = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: a.InstanceId!, Attribute: 'instanceInitiatedShutdownBehavior' }));
    expect(attr.InstanceInitiatedShutdownBehavior).toEqual({ Value: 'terminate' });
    const ud = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: a.InstanceId!, Attribute: 'userData' }));
    expect(Buffer.from(ud.UserData!.Value!, 'base64').toString()).toBe('#!/bin/sh\necho hi\n');

    const console = await client.send(new GetConsoleOutputCommand({ InstanceId: a.InstanceId! }));
    expect(Buffer.from(console.Output!, 'base64').toString()).toContain(`cloud-init: instance ${a.InstanceId}`);
    // The kernel's banner names the image in its own words (its description), not its AMI name.
    expect(Buffer.from(console.Output!, 'base64').toString()).toContain('Linux version 6.1.0 (Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1)');

    const stop = await client.send(new StopInstancesCommand({ InstanceIds: [a.InstanceId!] }));
    expect(stop.StoppingInstances).toEqual([{ InstanceId: a.InstanceId, CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } }]);
    await waitUntilInstanceStopped({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [a.InstanceId!] });
    const stopped = (await client.send(new DescribeInstancesCommand({ InstanceIds: [a.InstanceId!] }))).Reservations![0].Instances![0];
    expect(stopped.StateReason).toEqual({ Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' });
    expect(stopped.StateTransitionReason).toMatch(/^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);

    // The instance type changes only while stopped, as on EC2; a running one refuses.
    const running2 = await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: b.InstanceId!, EbsOptimized: { Value: true } })));
    expect({ name: running2.name, status: running2.$metadata.httpStatusCode }).toEqual({ name: 'IncorrectInstanceState', status: 400 });
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: a.InstanceId!, EbsOptimized: { Value: true } }));
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: a.InstanceId!, DisableApiTermination: { Value: true } }));

    const start = await client.send(new StartInstancesCommand({ InstanceIds: [a.InstanceId!] }));
    expect(start.StartingInstances![0]).toMatchObject({ CurrentState: { Name: 'pending' }, PreviousState: { Name: 'stopped' } });
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [a.InstanceId!] });

    // Termination protection: OperationNotPermitted until it is lifted.
    const protectedErr = await failure(client.send(new TerminateInstancesCommand({ InstanceIds: ids })));
    expect(protectedErr.name).toBe('OperationNotPermitted');
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [b.InstanceId!] }))).Reservations![0].Instances![0].State!.Name).toBe('running');
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: a.InstanceId!, DisableApiTermination: { Value: false } }));
    const term = await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    expect(term.TerminatingInstances!.map((x) => [x.InstanceId, x.PreviousState!.Name, x.CurrentState!.Name])).toEqual([
      [a.InstanceId, 'running', 'shutting-down'], [b.InstanceId, 'running', 'shutting-down'],
    ]);
  });

  it('answers InvalidInstanceID.NotFound for another tenant\'s instance exactly as for a missing one, and Malformed for a bad id', async () => {
    const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }));
    const id = run.Instances![0].InstanceId!;
    const theirs = await failure(bobClient.send(new DescribeInstancesCommand({ InstanceIds: [id] })));
    const missing = await failure(bobClient.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })));
    expect({ name: theirs.name, status: theirs.$metadata.httpStatusCode }).toEqual({ name: 'InvalidInstanceID.NotFound', status: 400 });
    expect(theirs.message.replace(id, 'ID')).toBe(missing.message.replace('i-0123456789abcdef0', 'ID'));
    expect((await failure(bobClient.send(new TerminateInstancesCommand({ InstanceIds: [id] })))).name).toBe('InvalidInstanceID.NotFound');
    expect((await failure(client.send(new DescribeInstancesCommand({ InstanceIds: ['i-xyz'] })))).name).toBe('InvalidInstanceID.Malformed');
    // Several ids: the first that fails, in the order asked, is the answer; all of them found: each described, in id order.
    const first = await failure(client.send(new DescribeInstancesCommand({ InstanceIds: [id, 'i-0123456789abcdef1', 'i-xyz', 'i-0123456789abcdef2'] })));
    expect({ name: first.name, message: first.message }).toEqual({ name: 'InvalidInstanceID.NotFound', message: "The instance ID 'i-0123456789abcdef1' does not exist" });
    expect((await failure(client.send(new DescribeInstancesCommand({ InstanceIds: [id, 'i-xyz', 'i-0123456789abcdef1'] })))).name).toBe('InvalidInstanceID.Malformed');
    const second = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    const both = await client.send(new DescribeInstancesCommand({ InstanceIds: [second, id, second] }));
    expect(both.Reservations!.flatMap((r) => r.Instances!).map((i) => [i.InstanceId, i.InstanceType])).toEqual([[id, 'm5.large'], [second, 't3.micro']].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    // Bob's own list does not show it either.
    const bobs = await bobClient.send(new DescribeInstancesCommand({}));
    expect(bobs.Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId)).not.toContain(id);
  });

  it('filters DescribeInstances and pages it with the SDK paginator', async () => {
    const tagged = await client.send(new RunInstancesCommand({
      ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 7, MaxCount: 7, Placement: { AvailabilityZone: 'us-east-1b' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'blue' }] }],
    }));
    const blue = tagged.Instances!.map((i) => i.InstanceId!).sort();
    expect(tagged.Instances![0]).toMatchObject({ Platform: 'windows', PlatformDetails: 'Windows', UsageOperation: 'RunInstances:0002' });
    const byTag = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:team', Values: ['bl*'] }, { Name: 'availability-zone', Values: ['us-east-1b'] }] }));
    expect(byTag.Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId).sort()).toEqual(blue);
    const none = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['team'] }, { Name: 'instance-type', Values: ['t3.micro'] }] }));
    expect(none.Reservations).toEqual([]);
    const owner = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'owner-id', Values: [alice.accountId] }, { Name: 'platform-details', Values: ['Windows'] }] }));
    expect(owner.Reservations!.flatMap((r) => r.Instances!)).toHaveLength(7);
    const bad = await failure(client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })));
    expect(bad.name).toBe('InvalidParameterValue');

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client, pageSize: 5 }, { Filters: [{ Name: 'tag:team', Values: ['blue'] }] })) {
      pages++;
      seen.push(...page.Reservations!.flatMap((r) => r.Instances!).map((i) => i.InstanceId!));
    }
    expect(pages).toBe(2);
    expect(seen.sort()).toEqual(blue);
  });

  it("filters DescribeInstances on what each instance shows: its interfaces and public address, lifecycle, monitoring, hypervisor, boot mode, block devices, metadata state and state reason; DescribeInstanceStatus by zone id and (no) events", async () => {
    // A tenant of its own: its instances are the only ones any filter can find.
    const fran = await ec2Tenant(t, 'fran');
    const ec2 = ec2Client(t, fran);
    try {
      const waiter = { client: ec2, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
      const found = async (...filters: [string, string[]][]) =>
        (await ec2.send(new DescribeInstancesCommand({ Filters: filters.map(([Name, Values]) => ({ Name, Values })) }))).Reservations!
          .flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
      // a in us-east-1a with a data volume kept on termination; b in us-east-1b, launched once a runs (another launch second).
      const a = (await ec2.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } }],
      }))).Instances![0];
      await waitUntilInstanceRunning(waiter, { InstanceIds: [a.InstanceId!] });
      const b = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1b' } }))).Instances![0];
      await waitUntilInstanceRunning(waiter, { InstanceIds: [b.InstanceId!] });
      const [ia, ib] = [a.InstanceId!, b.InstanceId!];
      const both = [ia, ib].sort();

      // Each in its zone's default subnet (DescribeSubnets', not the instances' own answer), both in the default VPC.
      const subnetOf = async (zone: string) => (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: [zone] }, { Name: 'default-for-az', Values: ['true'] }] }))).Subnets![0].SubnetId!;
      const [subnetA, subnetB] = [await subnetOf('us-east-1a'), await subnetOf('us-east-1b')];
      const vpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0].VpcId!;
      expect(await found(['network-interface.subnet-id', [subnetA]])).toEqual([ia]);
      expect(await found(['network-interface.subnet-id', [subnetB]])).toEqual([ib]);
      expect(await found(['network-interface.vpc-id', [vpc]])).toEqual(both);
      expect(await found(['network-interface.vpc-id', ['vpc-0123456789abcdef0']])).toEqual([]);

      // Found by its public address (auto-assigned, Amazon's: ip-owner-id amazon), and its public DNS name as EC2 forms it.
      const described = Object.fromEntries((await ec2.send(new DescribeInstancesCommand({ InstanceIds: both }))).Reservations!.flatMap((r) => r.Instances!).map((i) => [i.InstanceId!, i]));
      const ipA = described[ia].PublicIpAddress!;
      expect(ipA).toMatch(/^3\.(8\d|9[0-5])\.\d+\.\d+$/);
      expect(await found(['network-interface.association.public-ip', [ipA]])).toEqual([ia]);
      expect(await found(['network-interface.association.public-ip', [described[ib].PublicIpAddress!]])).toEqual([ib]);
      expect(await found(['network-interface.addresses.association.public-ip', [ipA]])).toEqual([ia]);
      expect(await found(['network-interface.association.public-ip', ['198.51.100.7']])).toEqual([]);
      expect(await found(['network-interface.association.public-dns-name', [`ec2-${ipA.replaceAll('.', '-')}.compute-1.amazonaws.com`]])).toEqual([ia]);
      expect(await found(['network-interface.association.ip-owner-id', ['amazon']])).toEqual(both);
      expect(await found(['network-interface.association.ip-owner-id', [fran.accountId]])).toEqual([]);

      // The primary interface: in use, attached at device 0, deleted with the instance, in the default group, checking source and destination.
      const [eniA] = described[ia].NetworkInterfaces!;
      expect(eniA).toMatchObject({ Status: 'in-use', Attachment: { DeviceIndex: 0, Status: 'attached', DeleteOnTermination: true }, SourceDestCheck: true, Groups: [{ GroupName: 'default' }] });
      const defaultGroup = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['default'] }] }))).SecurityGroups![0].GroupId!;
      for (const [name, yes, no] of [
        ['network-interface.status', 'in-use', 'available'], ['network-interface.attachment.device-index', '0', '1'],
        ['network-interface.attachment.status', 'attached', 'detached'], ['network-interface.attachment.delete-on-termination', 'true', 'false'],
        ['network-interface.source-dest-check', 'true', 'false'], ['network-interface.group-name', 'default', 'web'],
        ['network-interface.group-id', defaultGroup, 'sg-0123456789abcdef0'],
      ]) {
        expect([name, await found([name, [yes]])]).toEqual([name, both]);
        expect([name, await found([name, [no]])]).toEqual([name, []]);
      }
      expect(await found(['network-interface.attachment.attachment-id', [eniA.Attachment!.AttachmentId!]])).toEqual([ia]);
      expect(await found(['network-interface.mac-address', [eniA.MacAddress!]])).toEqual([ia]);

      // Shown the same way by each instance, and filtered on as shown.
      expect(described[ia]).toMatchObject({ Monitoring: { State: 'disabled' }, Hypervisor: 'xen', CurrentInstanceBootMode: 'legacy-bios', MetadataOptions: { State: 'applied' } });
      for (const [name, yes, no] of [
        ['monitoring-state', 'disabled', 'enabled'], ['hypervisor', 'xen', 'ovm'], ['current-instance-boot-mode', 'legacy-bios', 'uefi'],
        ['metadata-options.state', 'applied', 'pending'], ['block-device-mapping.status', 'attached', 'detached'],
      ]) {
        expect([name, await found([name, [yes]])]).toEqual([name, both]);
        expect([name, await found([name, [no]])]).toEqual([name, []]);
      }

      // On-Demand instances the tenant launched: no lifecycle, Spot request, requester or product code to match, whatever the value.
      expect(await found(['instance-state-name', ['running']])).toEqual(both);
      for (const name of ['instance-lifecycle', 'spot-instance-request-id', 'requester-id', 'product-code', 'product-code.type'])
        expect([name, await found([name, ['spot', 'scheduled', 'capacity-block', 'marketplace', '*']])]).toEqual([name, []]);

      // Block devices: a's /dev/sdf is kept on termination; each root attached at its launch (a's second differs from b's).
      expect(await found(['block-device-mapping.delete-on-termination', ['false']])).toEqual([ia]);
      expect(await found(['block-device-mapping.delete-on-termination', ['true']])).toEqual(both);
      expect(await found(['block-device-mapping.device-name', ['/dev/sdf']])).toEqual([ia]);
      expect(await found(['block-device-mapping.attach-time', [a.LaunchTime!.toISOString()]])).toEqual([ia]);
      expect(await found(['block-device-mapping.attach-time', [`${b.LaunchTime!.toISOString().slice(0, 10)}T*`]], ['instance-id', [ib]])).toEqual([ib]);
      expect(await found(['block-device-mapping.attach-time', ['2001-01-01T*']])).toEqual([]);

      // DescribeInstanceStatus: no scheduled event to match; the zone by its id (us-east-1a is use1-az1, b use1-az2).
      const statuses = async (...filters: [string, string[]][]) =>
        (await ec2.send(new DescribeInstanceStatusCommand({ Filters: filters.map(([Name, Values]) => ({ Name, Values })) }))).InstanceStatuses!.map((x) => x.InstanceId!).sort();
      expect(await statuses(['instance-state-name', ['running']])).toEqual(both);
      for (const name of ['event.code', 'event.description', 'event.instance-event-id', 'event.not-after', 'event.not-before', 'event.not-before-deadline'])
        expect([name, await statuses([name, ['system-reboot', 'instance-retirement', '*']])]).toEqual([name, []]);
      expect(await statuses(['availability-zone-id', ['use1-az1']])).toEqual([ia]);
      expect(await statuses(['availability-zone-id', ['use1-az2']])).toEqual([ib]);
      expect(await statuses(['availability-zone-id', ['use1-az3']])).toEqual([]);
      expect((await ec2.send(new DescribeInstanceStatusCommand({ InstanceIds: [ia] }))).InstanceStatuses![0]).toMatchObject({ AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1' });

      // b stopped by its user: its state reason's message, EC2's words; a, running, has none.
      await ec2.send(new StopInstancesCommand({ InstanceIds: [ib] }));
      await waitUntilInstanceStopped(waiter, { InstanceIds: [ib] });
      expect(await found(['state-reason-message', ['Client.UserInitiatedShutdown: User initiated shutdown']])).toEqual([ib]);
      expect(await found(['state-reason-message', ['*initiated shutdown']], ['state-reason-code', ['Client.UserInitiatedShutdown']])).toEqual([ib]);
      expect(await found(['state-reason-message', ['Server.*']])).toEqual([]);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: both }));
    } finally {
      ec2.destroy();
    }
  });

  it('describes instance status (running only unless IncludeAllInstances) and credit specifications', async () => {
    // The clock held while the instance is pending (at 600x it boots in 25 ms of wall time).
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, CreditSpecification: { CpuCredits: 'standard' } }));
    const id = run.Instances![0].InstanceId!;
    const pending = await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }));
    expect(pending.InstanceStatuses).toEqual([]);
    const all = await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id], IncludeAllInstances: true }));
    expect(all.InstanceStatuses![0]).toMatchObject({ InstanceId: id, InstanceState: { Name: 'pending' } });
    // Running after its 15 s boot: the checks are initializing for their first two minutes, then pass.
    await t.advance(15);
    const checks = async () => (await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses![0];
    const initializing = { Status: 'initializing', Details: [{ Name: 'reachability', Status: 'initializing' }] };
    expect(await checks()).toMatchObject({ InstanceState: { Name: 'running' }, InstanceStatus: initializing, SystemStatus: initializing });
    const filtered = async (status: string) => (await client.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'instance-status.status', Values: [status] }] })))
      .InstanceStatuses!.map((x) => x.InstanceId);
    expect(await filtered('initializing')).toContain(id);
    await t.advance(119);
    expect((await checks()).InstanceStatus!.Status).toBe('initializing');
    await t.advance(1);
    const passed = { Status: 'ok', Details: [{ Name: 'reachability', Status: 'passed' }] };
    expect(await checks()).toMatchObject({ InstanceStatus: passed, SystemStatus: passed });
    expect(await filtered('initializing')).not.toContain(id);
    // The SDK's waiter for them, on a new instance with the clock running.
    await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
    const next = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.small', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    await waitUntilInstanceStatusOk({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [next] });
    expect((await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [next] }))).InstanceStatuses![0].InstanceStatus!.Status).toBe('ok');

    expect((await client.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [id] }))).InstanceCreditSpecifications).toEqual([{ InstanceId: id, CpuCredits: 'standard' }]);
    // Without ids EC2 lists the burstable instances with the unlimited option only: `next` (t3's default), not the standard `id`.
    const unlimited = async () => (await client.send(new DescribeInstanceCreditSpecificationsCommand({}))).InstanceCreditSpecifications!.map((c) => c.InstanceId);
    expect(await unlimited()).toContain(next);
    expect(await unlimited()).not.toContain(id);
    const mod = await client.send(new ModifyInstanceCreditSpecificationCommand({ InstanceCreditSpecifications: [{ InstanceId: id, CpuCredits: 'unlimited' }] }));
    expect(mod.SuccessfulInstanceCreditSpecifications).toEqual([{ InstanceId: id }]);
    expect((await client.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [id] }))).InstanceCreditSpecifications).toEqual([{ InstanceId: id, CpuCredits: 'unlimited' }]);
    expect(await unlimited()).toContain(id);
  });

  it('matches each BlockDeviceMapping by its DeviceName: the image\'s default root plus a data volume, a root override, duplicates refused', async () => {
    const devicesOf = async (id: string) => {
      const described = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      const mappings = described.Reservations![0].Instances![0].BlockDeviceMappings!;
      const volumes = (await client.send(new DescribeVolumesCommand({ VolumeIds: mappings.map((m) => m.Ebs!.VolumeId!) }))).Volumes!;
      return mappings.map((m) => {
        const v = volumes.find((x) => x.VolumeId === m.Ebs!.VolumeId)!;
        return [m.DeviceName, v.VolumeType, v.Size, m.Ebs!.DeleteOnTermination];
      });
    };
    const launch = (BlockDeviceMappings: object[]) =>
      client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, BlockDeviceMappings }));

    // Only /dev/sdf mapped: the image's root (Amazon Linux 2023's AMI: gp3, 8 GiB) at /dev/xvda, and the st1 data volume at /dev/sdf.
    const withData = (await launch([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 500, VolumeType: 'st1' } }])).Instances![0].InstanceId!;
    expect(await devicesOf(withData)).toEqual([['/dev/xvda', 'gp3', 8, true], ['/dev/sdf', 'st1', 500, true]]);

    // A mapping at the root device changes the root, wherever it is in the list; a size it omits is the default's.
    const overridden = (await launch([
      { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: false } },
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30, VolumeType: 'io1', Iops: 1500 } },
    ])).Instances![0].InstanceId!;
    expect(await devicesOf(overridden)).toEqual([['/dev/xvda', 'io1', 30, true], ['/dev/sdg', 'gp3', 20, false]]);
    const typeOnly = (await launch([{ DeviceName: '/dev/xvda', Ebs: { VolumeType: 'gp3' } }])).Instances![0].InstanceId!;
    expect(await devicesOf(typeOnly)).toEqual([['/dev/xvda', 'gp3', 8, true]]);

    // Refused, launching nothing: a device named twice, a device name that is not one, an HDD root.
    const twice = await failure(launch([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }, { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20 } }]));
    expect([twice.name, twice.message]).toEqual(['InvalidBlockDeviceMapping', "The device 'sdf' is used in more than one block-device mapping"]);
    expect((await failure(launch([{ DeviceName: '/dev/sde1', Ebs: { VolumeSize: 10 } }]))).name).toBe('InvalidBlockDeviceMapping');
    expect((await failure(launch([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 500, VolumeType: 'sc1' } }]))).name).toBe('InvalidBlockDeviceMapping');
    expect((await failure(launch([{ DeviceName: '/dev/sdf', Ebs: { VolumeType: 'gp3' } }]))).name).toBe('MissingParameter');
  });

  it('shows the client token each instance was launched with and filters on it (client-token), reading it in the statements a describe already sends', async () => {
    const cathy = await ec2Tenant(t, 'cathy-tokens');
    const ec2 = ec2Client(t, cathy);
    const dan = ec2Client(t, await ec2Tenant(t, 'dan-tokens'));
    try {
      const launch = (c: EC2Client, ClientToken: string, n = 1) => c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: n, MaxCount: n, ClientToken }));
      const web = await launch(ec2, 'ct-web-1', 2);
      const db = await launch(ec2, 'ct-db-1');
      await launch(dan, 'ct-web-1'); // another tenant's launch with the same token: not cathy's to see
      expect(web.Instances!.map((i) => i.ClientToken)).toEqual(['ct-web-1', 'ct-web-1']);
      // REST launches without a token (the SDKs always send one): EC2's element is empty, and no token matches it.
      const bare = (await t.as(cathy.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.micro' }).expect(201)).body.instances[0].instanceId as string;
      const webIds = web.Instances!.map((i) => i.InstanceId!).sort();
      const dbId = db.Instances![0].InstanceId!;
      const found = async (...values: string[]) => (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: values }] })))
        .Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId!)).sort();
      expect(await found('ct-web-1')).toEqual(webIds);
      expect(await found('ct-db-1')).toEqual([dbId]);
      expect(await found('ct-*')).toEqual([...webIds, dbId].sort());
      expect(await found('ct-none')).toEqual([]);
      expect(await found('*')).not.toContain(bare);
      const all = [...webIds, dbId, bare];
      /** The SELECTs a describe sends, on either database (SQLite's read thread too). */
      const selectsOf = async (run: () => Promise<unknown>): Promise<string[]> => (await statementsSent(run)).filter((q) => /^\s*(SELECT|WITH)/i.test(q));
      let shown: { InstanceId?: string; ClientToken?: string }[] = [];
      const describeAll = selectsOf(async () => (shown = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: all }] }))).Reservations!.flatMap((r) => r.Instances!)));
      const statements = await describeAll;
      expect(Object.fromEntries(shown.map((i) => [i.InstanceId, i.ClientToken || undefined]))).toEqual({ [webIds[0]]: 'ct-web-1', [webIds[1]]: 'ct-web-1', [dbId]: 'ct-db-1', [bare]: undefined });
      // The token is read with the placement group's name, in the statement that already read it (on PostgreSQL, the describe's one fused
      // statement): one statement reads reservations for a page of four as for a page of one, none a statement of its own.
      const onReservations = (qs: string[]) => qs.filter((q) => q.includes('"reservations"'));
      expect(onReservations(statements)).toHaveLength(1);
      expect(onReservations(statements)[0]).toContain('"placement_groups"');
      expect(onReservations(await selectsOf(() => ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [bare] }] }))))).toHaveLength(1);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: all }));
    } finally {
      ec2.destroy();
      dan.destroy();
    }
  });

  it('gives an instance launched without a BlockDeviceMapping the image\'s root volume: /dev/xvda, gp3, 8 GiB, attached, described, imaged, deleted with it', async () => {
    const request = { ImageId: LINUX_AMI, InstanceType: 't3.micro' as const, MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: 'us-east-1a' }, ClientToken: 'root-volume-1' };
    const run = await client.send(new RunInstancesCommand(request));
    const ids = run.Instances!.map((i) => i.InstanceId!);
    // Each of the two instances has its own root volume, attached at /dev/xvda since the launch.
    for (const i of run.Instances!) {
      expect(i).toMatchObject({ RootDeviceName: '/dev/xvda', RootDeviceType: 'ebs' });
      expect(i.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { VolumeId: expect.stringMatching(/^vol-[0-9a-f]{17}$/), AttachTime: i.LaunchTime, DeleteOnTermination: true, Status: 'attached' } }]);
    }
    const volumeIds = run.Instances!.map((i) => i.BlockDeviceMappings![0].Ebs!.VolumeId!);
    expect(new Set(volumeIds).size).toBe(2);

    // A retry with the client token is the same launch: the same instances and volumes, no others.
    const retry = await client.send(new RunInstancesCommand(request));
    expect(retry.ReservationId).toBe(run.ReservationId);
    // In the same order, as docs/ec2.md says (AmiLaunchIndex 0, 1).
    expect(retry.Instances!.map((i) => [i.InstanceId, i.AmiLaunchIndex, i.BlockDeviceMappings![0].Ebs!.VolumeId])).toEqual(ids.map((id, n) => [id, n, volumeIds[n]]));
    const attached = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: ids }] }));
    expect(attached.Volumes!.map((v) => v.VolumeId).sort()).toEqual([...volumeIds].sort());

    // DescribeVolumes: the image's root as Amazon Linux 2023's AMI has it, gp3 of 8 GiB at its baseline (3,000 IOPS, 125 MiB/s), in use.
    const described = await client.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }));
    for (const [n, id] of volumeIds.entries()) {
      const v = described.Volumes!.find((x) => x.VolumeId === id)!;
      expect(v).toMatchObject({ Size: 8, VolumeType: 'gp3', Iops: 3000, Throughput: 125, State: 'in-use', AvailabilityZone: 'us-east-1a' });
      expect(v.Attachments).toEqual([expect.objectContaining({ VolumeId: id, InstanceId: ids[n], Device: '/dev/xvda', State: 'attached', DeleteOnTermination: true })]);
    }
    // DescribeInstances and DescribeInstanceAttribute name it; another tenant sees no such volume.
    const instances = (await client.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations![0].Instances!;
    // (By id, DescribeInstances answers in id order.)
    expect(Object.fromEntries(instances.map((i) => [i.InstanceId, [i.RootDeviceName, i.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs!.VolumeId, m.Ebs!.Status])]])))
      .toEqual(Object.fromEntries(ids.map((id, n) => [id, ['/dev/xvda', [['/dev/xvda', volumeIds[n], 'attached']]]])));
    const attr = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: ids[0], Attribute: 'blockDeviceMapping' }));
    expect(attr.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeId: volumeIds[0], DeleteOnTermination: true, Status: 'attached' }) }]);
    expect((await failure(bobClient.send(new DescribeVolumesCommand({ VolumeIds: [volumeIds[0]] })))).name).toBe('InvalidVolume.NotFound');

    // CreateImage snapshots it: the image's root mapping is that 8 GiB gp3 volume.
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: ids });
    const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: ids[0], Name: 'root-volume-image', NoReboot: true }));
    const image = (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0];
    expect(image.RootDeviceName).toBe('/dev/xvda');
    expect(image.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ SnapshotId: expect.stringMatching(/^snap-/), VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true }) }]);

    // Terminated, the instances take their root volumes with them (DeleteOnTermination).
    await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
    await waitUntilInstanceTerminated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: ids });
    for (const id of volumeIds) expect((await failure(client.send(new DescribeVolumesCommand({ VolumeIds: [id] })))).name).toBe('InvalidVolume.NotFound');
    expect((await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: ids }] }))).Volumes).toEqual([]);
  });

  it('launches a CreateImage image with its volumes, each from the image\'s snapshot; a mapping changes the one at its device; billed from launch, deleted on termination as mapped', async () => {
    // A tenant of its own, so its usage is this test's alone.
    const baker = await ec2Tenant(t, 'baker');
    const ec2 = ec2Client(t, baker);
    try {
      const waiter = { client: ec2, maxWaitTime: 60, minDelay: 1, maxDelay: 1 };
      const zone = { AvailabilityZone: 'us-east-1a' };
      const source = (await ec2.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: zone,
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
      }))).Instances![0].InstanceId!;
      await waitUntilInstanceRunning(waiter, { InstanceIds: [source] });
      const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: source, Name: 'baked-with-data', NoReboot: true }));
      await waitUntilImageAvailable(waiter, { ImageIds: [ImageId!] });
      const mapping = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0].BlockDeviceMappings!;
      expect(mapping.map((m) => [m.DeviceName, m.Ebs!.VolumeSize, m.Ebs!.VolumeType, m.Ebs!.DeleteOnTermination])).toEqual([['/dev/xvda', 8, 'gp3', true], ['/dev/sdf', 20, 'gp3', true]]);
      const snapshotAt = Object.fromEntries(mapping.map((m) => [m.DeviceName!, m.Ebs!.SnapshotId!]));

      // The image's snapshots cannot go while it is registered (EC2's words).
      const inUse = await failure(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotAt['/dev/sdf'] })));
      expect([inUse.name, inUse.message]).toEqual(['InvalidSnapshot.InUse', `The snapshot ${snapshotAt['/dev/sdf']} is currently in use by ${ImageId}`]);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [source] }));
      await waitUntilInstanceTerminated(waiter, { InstanceIds: [source] });

      // Both launches at one instant (the clock held): one with the image's mapping as it is, one with
      // /dev/xvda made 16 GiB and /dev/sdf kept on termination (the rest of each entry the image's).
      await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
      const launch = async (BlockDeviceMappings?: object[]) =>
        (await ec2.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: zone, ...(BlockDeviceMappings ? { BlockDeviceMappings } : {}) }))).Instances![0];
      const plain = await launch();
      const changed = await launch([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16 } }, { DeviceName: '/dev/sdf', Ebs: { DeleteOnTermination: false } }]);
      const launchedAt = Date.parse((await t.admin().get('/v1/admin/clock').expect(200)).body.now);
      // (EC2's launchTime is to the second.)
      const launchSecond = Math.floor(launchedAt / 1000) * 1000;
      expect([plain.LaunchTime!.getTime(), changed.LaunchTime!.getTime()]).toEqual([launchSecond, launchSecond]);

      const volumesOf = async (instance: typeof plain) => {
        const described = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0].Instances![0];
        const ids = described.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId!);
        const volumes = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: ids }))).Volumes!;
        return described.BlockDeviceMappings!.map((m) => {
          const v = volumes.find((x) => x.VolumeId === m.Ebs!.VolumeId)!;
          return { device: m.DeviceName, id: v.VolumeId!, snapshotId: v.SnapshotId, size: v.Size, type: v.VolumeType, deleteOnTermination: m.Ebs!.DeleteOnTermination };
        });
      };
      const plainVolumes = await volumesOf(plain);
      expect(plainVolumes.map(({ id: _, ...v }) => v)).toEqual([
        { device: '/dev/xvda', snapshotId: snapshotAt['/dev/xvda'], size: 8, type: 'gp3', deleteOnTermination: true },
        { device: '/dev/sdf', snapshotId: snapshotAt['/dev/sdf'], size: 20, type: 'gp3', deleteOnTermination: true },
      ]);
      const changedVolumes = await volumesOf(changed);
      expect(changedVolumes.map(({ id: _, ...v }) => v)).toEqual([
        { device: '/dev/xvda', snapshotId: snapshotAt['/dev/xvda'], size: 16, type: 'gp3', deleteOnTermination: true },
        { device: '/dev/sdf', snapshotId: snapshotAt['/dev/sdf'], size: 20, type: 'gp3', deleteOnTermination: false },
      ]);
      // Smaller than the image's snapshot: refused with EC2's RunInstances error.
      const small = await failure(launch([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }]));
      expect({ name: small.name, message: small.message }).toEqual({ name: 'InvalidBlockDeviceMapping', message: `Volume of size 10GB is smaller than  snapshot '${snapshotAt['/dev/sdf']}', expect size >= 20GB` });

      // Billed from the launch: an hour of gp3 8 + 16 GiB roots and 2 × 20 GiB data volumes (the source's volumes went with it before).
      await t.advance(3600);
      const end = launchedAt + 3_600_000;
      const usage = (await t.as(baker.key).get('/v1/usage').query({ from: new Date(launchedAt).toISOString(), to: new Date(end).toISOString() }).expect(200)).body;
      const qty = (type: string) => Number(usage.usage.find((u: { usageType: string }) => u.usageType === type)?.quantity ?? NaN);
      // GiB-months: GiB × the share of each month's length that [launchedAt, end) covers, as AWS bills storage.
      const gibMonths = (gib: number) => {
        let sum = 0;
        for (let a = launchedAt; a < end;) {
          const d = new Date(a);
          const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
          const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
          const b = Math.min(end, monthEnd);
          sum += (gib * (b - a)) / (monthEnd - monthStart);
          a = b;
        }
        return sum;
      };
      expect(qty('EBS:VolumeUsage.gp3')).toBeCloseTo(gibMonths(8 + 16 + 20 + 20), 6);
      expect(usage.usage.some((u: { usageType: string }) => u.usageType === 'EBS:VolumeUsage.gp2')).toBe(false);
      await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);

      // Terminated: the volumes mapped DeleteOnTermination go; the one kept is available, still from its snapshot.
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [plain.InstanceId!, changed.InstanceId!] }));
      await waitUntilInstanceTerminated(waiter, { InstanceIds: [plain.InstanceId!, changed.InstanceId!] });
      for (const v of [...plainVolumes, changedVolumes[0]]) expect((await failure(ec2.send(new DescribeVolumesCommand({ VolumeIds: [v.id] })))).name).toBe('InvalidVolume.NotFound');
      expect((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [changedVolumes[1].id] }))).Volumes![0])
        .toMatchObject({ State: 'available', SnapshotId: snapshotAt['/dev/sdf'], Size: 20, VolumeType: 'gp3', Attachments: [] });
    } finally {
      await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
      ec2.destroy();
    }
  });

  it('starts and stops every instance named or none, and terminates them by EC2\'s zone rule for termination protection', async () => {
    const launch = async (zone: string) => (await client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: zone },
    }))).Instances!.map((i) => i.InstanceId!);
    const [a, b] = await launch('us-east-1a');
    const [c, d] = await launch('us-east-1b');
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [a, b, c, d] });
    const stateOf = async (ids: string[]) =>
      (await client.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!.flatMap((r) => r.Instances!).sort((x, y) => ids.indexOf(x.InstanceId!) - ids.indexOf(y.InstanceId!)).map((i) => i.State!.Name);

    // "TerminateInstances" (EC2 API Reference): C protected in us-east-1b keeps C and D; A and B in us-east-1a go; the request fails.
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: c, DisableApiTermination: { Value: true } }));
    const refused = await failure(client.send(new TerminateInstancesCommand({ InstanceIds: [a, c, b, d] })));
    expect({ name: refused.name, message: refused.message })
      .toEqual({ name: 'OperationNotPermitted', message: `The instance '${c}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.` });
    await waitUntilInstanceTerminated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [a, b] });
    expect(await stateOf([c, d])).toEqual(['running', 'running']);

    // StopInstances with a terminated instance among them: refused, and D keeps running.
    const stopRefused = await failure(client.send(new StopInstancesCommand({ InstanceIds: [d, a] })));
    expect(stopRefused.name).toBe('IncorrectInstanceState');
    expect(await stateOf([d])).toEqual(['running']);
    // An id that is not the tenant's among them: NotFound, checked in the same command, and D keeps running.
    expect((await failure(client.send(new StopInstancesCommand({ InstanceIds: [d, 'i-00000000000000000'] })))).name).toBe('InvalidInstanceID.NotFound');
    expect((await failure(client.send(new StopInstancesCommand({ InstanceIds: [d, 'i-bad'] })))).name).toBe('InvalidInstanceID.Malformed');
    expect(await stateOf([d])).toEqual(['running']);

    // StartInstances with D unable to start (its root detached): refused, and C stays stopped too.
    await client.send(new StopInstancesCommand({ InstanceIds: [c, d] }));
    await waitUntilInstanceStopped({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [c, d] });
    const rootOfD = (await client.send(new DescribeInstancesCommand({ InstanceIds: [d] }))).Reservations![0].Instances![0].BlockDeviceMappings![0].Ebs!.VolumeId!;
    await client.send(new DetachVolumeCommand({ VolumeId: rootOfD }));
    const startRefused = await failure(client.send(new StartInstancesCommand({ InstanceIds: [c, d] })));
    expect(startRefused.name).toBe('InvalidParameterValue');
    expect(await stateOf([c, d])).toEqual(['stopped', 'stopped']);
    // With its root back, both start, in the order named.
    await client.send(new AttachVolumeCommand({ VolumeId: rootOfD, InstanceId: d, Device: '/dev/xvda' }));
    const started = await client.send(new StartInstancesCommand({ InstanceIds: [c, d] }));
    expect(started.StartingInstances!.map((x) => [x.InstanceId, x.PreviousState!.Name, x.CurrentState!.Name])).toEqual([[c, 'stopped', 'pending'], [d, 'stopped', 'pending']]);
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: c, DisableApiTermination: { Value: false } }));
    await client.send(new TerminateInstancesCommand({ InstanceIds: [c, d] }));
  });

  it("keeps each instance's metadata options: the image's defaults (IMDSv2 required on Amazon Linux 2023), RunInstances' MetadataOptions, ModifyInstanceMetadataOptions", async () => {
    const launch = async (ImageId: string, MetadataOptions?: Record<string, unknown>) =>
      (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, MetadataOptions }))).Instances![0];
    const al2023 = await launch(LINUX_AMI);
    expect(al2023.MetadataOptions).toEqual({ State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'disabled' });
    // Ubuntu has no ImdsSupport: IMDSv2 optional, one hop, unless the request says otherwise (as Terraform modules' metadata_options do).
    const ubuntu = await launch('ami-0b0b0c00000000b24');
    expect(ubuntu.MetadataOptions).toMatchObject({ HttpTokens: 'optional', HttpPutResponseHopLimit: 1 });
    const hardened = await launch('ami-0b0b0c00000000b24', { HttpTokens: 'required', HttpPutResponseHopLimit: 3, InstanceMetadataTags: 'enabled' });
    const described = async (id: string) => (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].MetadataOptions;
    expect(await described(hardened.InstanceId!)).toEqual({ State: 'applied', HttpTokens: 'required', HttpPutResponseHopLimit: 3, HttpEndpoint: 'enabled', HttpProtocolIpv6: 'disabled', InstanceMetadataTags: 'enabled' });
    const requiring = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'metadata-options.http-tokens', Values: ['required'] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }));
    const requiringIds = requiring.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
    expect(requiringIds).toEqual(expect.arrayContaining([al2023.InstanceId, hardened.InstanceId]));
    expect(requiringIds).not.toContain(ubuntu.InstanceId);

    // Modified: the options named change, the others stay; answered as pending, described as applied.
    const modified = await client.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: al2023.InstanceId!, HttpTokens: 'optional', HttpEndpoint: 'disabled' }));
    expect(modified).toMatchObject({ InstanceId: al2023.InstanceId, InstanceMetadataOptions: { State: 'pending', HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled' } });
    expect(await described(al2023.InstanceId!)).toMatchObject({ State: 'applied', HttpTokens: 'optional', HttpPutResponseHopLimit: 2, HttpEndpoint: 'disabled', InstanceMetadataTags: 'disabled' });

    // Refused, changing nothing: values EC2 does not take, another tenant's instance.
    for (const bad of [{ HttpPutResponseHopLimit: 65 }, { HttpTokens: 'sometimes' as never }])
      expect((await failure(client.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: al2023.InstanceId!, ...bad })))).name).toBe('InvalidParameterValue');
    expect((await failure(launch(LINUX_AMI, { HttpPutResponseHopLimit: 0 }))).name).toBe('InvalidParameterValue');
    expect((await failure(bobClient.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: al2023.InstanceId!, HttpTokens: 'required' })))).name).toBe('InvalidInstanceID.NotFound');
    expect(await described(al2023.InstanceId!)).toMatchObject({ HttpTokens: 'optional', HttpPutResponseHopLimit: 2 });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [al2023.InstanceId!, ubuntu.InstanceId!, hardened.InstanceId!] }));
  });

  it('refuses to stop or terminate an instance under stop protection (DisableApiStop) until it is lifted, in EC2\'s words', async () => {
    const id = (await client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, DisableApiStop: true,
    }))).Instances![0].InstanceId!;
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect((await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiStop' }))).DisableApiStop).toEqual({ Value: true });
    const stop = await failure(client.send(new StopInstancesCommand({ InstanceIds: [id] })));
    expect({ name: stop.name, message: stop.message })
      .toEqual({ name: 'OperationNotPermitted', message: `The instance '${id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.` });
    // Stop protection "also protects your instance from accidental termination" (EC2 User Guide).
    const terminate = await failure(client.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
    expect({ name: terminate.name, message: terminate.message })
      .toEqual({ name: 'OperationNotPermitted', message: `The instance '${id}' may not be terminated. Modify its 'disableApiStop' instance attribute and try again.` });
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].State!.Name).toBe('running');
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, DisableApiStop: { Value: false } }));
    expect((await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiStop' }))).DisableApiStop).toEqual({ Value: false });
    expect((await client.send(new StopInstancesCommand({ InstanceIds: [id] }))).StoppingInstances![0].CurrentState!.Name).toBe('stopping');
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it('detaches a root volume only from a stopped instance (EC2: IncorrectState, "Unable to detach root volume"), which then does not start until a volume is at its root again', async () => {
    const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0].InstanceId!;
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    const root = (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].BlockDeviceMappings![0].Ebs!.VolumeId!;
    const refused = await failure(client.send(new DetachVolumeCommand({ VolumeId: root })));
    expect({ name: refused.name, message: refused.message, status: refused.$metadata.httpStatusCode })
      .toEqual({ name: 'IncorrectState', message: `Unable to detach root volume '${root}' from instance '${id}'`, status: 400 });
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [root] }))).Volumes![0]).toMatchObject({ State: 'in-use', Attachments: [expect.objectContaining({ InstanceId: id, Device: '/dev/xvda' })] });
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceStopped({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect(await client.send(new DetachVolumeCommand({ VolumeId: root }))).toMatchObject({ VolumeId: root, InstanceId: id, Device: '/dev/xvda' });
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [root] }))).Volumes![0]).toMatchObject({ State: 'available', Attachments: [] });
    // Without its root it does not start (EC2's answer), and nothing changes; with a volume at /dev/xvda again it does.
    const rootless = await failure(client.send(new StartInstancesCommand({ InstanceIds: [id] })));
    expect({ name: rootless.name, message: rootless.message, status: rootless.$metadata.httpStatusCode })
      .toEqual({ name: 'InvalidParameterValue', message: `Invalid value '${id}' for instanceId. Instance does not have a volume attached at root (/dev/xvda)`, status: 400 });
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0].State).toEqual({ Code: 80, Name: 'stopped' });
    await client.send(new AttachVolumeCommand({ VolumeId: root, InstanceId: id, Device: '/dev/xvda' }));
    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it('gives a Windows instance launched without a BlockDeviceMapping the 30 GiB gp2 root of the Windows Server AMI, tagged as the launch\'s volumes are', async () => {
    const run = await client.send(new RunInstancesCommand({
      ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'disk', Value: 'root' }] }],
    }));
    const instance = run.Instances![0];
    // At the Windows AMI's root device, /dev/sda1.
    expect([instance.RootDeviceName, instance.BlockDeviceMappings!.map((m) => m.DeviceName)]).toEqual(['/dev/sda1', ['/dev/sda1']]);
    const volumeId = instance.BlockDeviceMappings![0].Ebs!.VolumeId!;
    // gp2 of 30 GiB: 3 IOPS per GiB, 90, below gp2's floor of 100.
    // TagSpecification's ResourceType=volume tags it, the launch's one volume.
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0])
      .toMatchObject({ Size: 30, VolumeType: 'gp2', Iops: 100, State: 'in-use', Tags: [{ Key: 'disk', Value: 'root' }] });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    await waitUntilInstanceTerminated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [instance.InstanceId!] });
    expect((await failure(client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] })))).name).toBe('InvalidVolume.NotFound');
  });

  it('keeps a launch volume after termination once its DeleteOnTermination is turned off (ModifyInstanceAttribute BlockDeviceMapping)', async () => {
    const run = await client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: true } }],
    }));
    const id = run.Instances![0].InstanceId!;
    const volumeId = run.Instances![0].BlockDeviceMappings![0].Ebs!.VolumeId!;
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: false } }] }));
    const attr = await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'blockDeviceMapping' }));
    expect(attr.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: expect.objectContaining({ VolumeId: volumeId, DeleteOnTermination: false }) }]);
    const wrong = await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, BlockDeviceMappings: [{ DeviceName: '/dev/sdz', Ebs: { DeleteOnTermination: true } }] })));
    expect(wrong.name).toBe('InvalidParameterValue');
    const stranger = await failure(bobClient.send(new ModifyInstanceAttributeCommand({ InstanceId: id, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { DeleteOnTermination: true } }] })));
    expect(stranger.name).toBe('InvalidInstanceID.NotFound');
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceTerminated({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0]).toMatchObject({ VolumeId: volumeId, State: 'available' });
  });

  it('changes a stopped instance\'s type (ModifyInstanceAttribute InstanceType): it starts as the new type and is billed as it from then on', async () => {
    const run = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
    const id = run.Instances![0].InstanceId!;
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    const running = await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'm5.large' } })));
    expect(running.name).toBe('IncorrectInstanceState');
    await t.advance(3600);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceStopped({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });

    // A type that cannot boot the x86_64 image, and one that does not exist: refused, nothing changes.
    expect((await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'm6g.large' } })))).name).toBe('InvalidParameterValue');
    expect((await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'm5.huge' } })))).name).toBe('InvalidParameterValue');
    expect((await failure(bobClient.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'm5.large' } })))).name).toBe('InvalidInstanceID.NotFound');
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 'm5.large' } }));
    expect((await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'instanceType' }))).InstanceType).toEqual({ Value: 'm5.large' });

    await client.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: [id] });
    const started = (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
    expect(started).toMatchObject({ InstanceType: 'm5.large', CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 } });
    // No longer burstable: no credit specification; named, it answers standard, as EC2 answers for an instance that is not burstable.
    expect((await client.send(new DescribeInstanceCreditSpecificationsCommand({ Filters: [{ Name: 'instance-id', Values: [id] }] }))).InstanceCreditSpecifications).toEqual([]);
    expect((await client.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: [id] }))).InstanceCreditSpecifications).toEqual([{ InstanceId: id, CpuCredits: 'standard' }]);
    await t.advance(3600);
    const usage = (await t.as(alice.key).get('/v1/usage').expect(200)).body.usage as { usageType: string; quantity: string }[];
    const hours = (type: string) => Number(usage.find((u) => u.usageType === type)?.quantity ?? 0);
    expect(hours('BoxUsage:t3.micro')).toBeGreaterThanOrEqual(1);
    expect(hours('BoxUsage:m5.large')).toBeGreaterThanOrEqual(1);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it('re-checks a BYOL instance\'s license configuration when its type changes: over a hard limit, LicenseLimitExceeded as at launch, and nothing changes', async () => {
    const SQL_BYOL = 'ami-0f3d0c00000003f22'; // SQL Server Standard BYOL: counted per core, 4 cores at least per VM
    // Through REST: a Core configuration with a hard limit of 12, and two m5.large counted by it: 2 × max(2 vCPUs ÷ 2, 4) = 8.
    const lic = (await t.as(alice.key).post('/v1/license-configurations', { name: 'SQL cores', countingType: 'Core', limit: 12, hardLimit: true }).expect(201)).body.licenseConfigurationId as string;
    const launch = () => t.as(alice.key).post('/v1/instances', { imageId: SQL_BYOL, instanceType: 'm5.large', licenseConfigurationId: lic, availabilityZone: 'us-east-1a' });
    const ids = [(await launch().expect(201)).body.instances[0].instanceId as string, (await launch().expect(201)).body.instances[0].instanceId as string];
    const [a, b] = ids;
    const consumed = async () => (await t.as(alice.key).get(`/v1/license-configurations/${lic}`).expect(200)).body.consumedLicenses as number;
    const typeOf = async (id: string) => (await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'instanceType' }))).InstanceType!.Value;
    await waitUntilInstanceRunning({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: ids });
    await client.send(new StopInstancesCommand({ InstanceIds: ids }));
    await waitUntilInstanceStopped({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 1 }, { InstanceIds: ids });
    expect(await consumed()).toBe(8);

    // b to m5.4xlarge: 16 vCPUs ÷ 2 = 8 cores → 4 + 8 = 12, at the limit: admitted.
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: b, InstanceType: { Value: 'm5.4xlarge' } }));
    expect(await consumed()).toBe(12);
    // a to m5.4xlarge too: 8 + 8 = 16 > 12: refused, 4 more than the 12 in use; a keeps its type.
    const over = await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: a, InstanceType: { Value: 'm5.4xlarge' } })));
    expect({ name: over.name, status: over.$metadata.httpStatusCode, message: over.message }).toEqual({
      name: 'LicenseLimitExceeded', status: 400, message: `License configuration '${lic}' has a hard limit of 12 Core licenses: 12 in use, the request needs 4 more.`,
    });
    expect(await typeOf(a)).toBe('m5.large');
    expect(await consumed()).toBe(12);
    // The same error a launch over the limit gets through REST: one more m5.large would also need 4 more.
    const launchOver = expectError(await launch(), 400, 'LicenseLimitExceeded');
    expect(launchOver.message).toBe(over.message);
    // b back down to m5.xlarge (4 vCPUs = 2 cores, below the minimum: 4): 8, admitted; and then a fits (4 + 8 = 12).
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: b, InstanceType: { Value: 'm5.xlarge' } }));
    await client.send(new ModifyInstanceAttributeCommand({ InstanceId: a, InstanceType: { Value: 'm5.4xlarge' } }));
    expect([await typeOf(a), await typeOf(b), await consumed()]).toEqual(['m5.4xlarge', 'm5.xlarge', 12]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
  });

  it('says so when a parameter is not supported, rather than ignoring it', async () => {
    const base = { ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 } as const;
    // EC2's parameters for what Nimbus does not simulate: refused, naming them; the settings Nimbus has one value of, any other value.
    const refused: [Record<string, unknown>, string][] = [
      [{ CpuOptions: { CoreCount: 1, ThreadsPerCore: 1 } }, 'CpuOptions.ThreadsPerCore=1'], // t3.micro is 1 core × 2 threads
      [{ IamInstanceProfile: { Name: 'web' } }, 'IamInstanceProfile'],
      [{ InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'persistent', InstanceInterruptionBehavior: 'hibernate' } } }, 'hibernating Spot Instances'],
      [{ HibernationOptions: { Configured: true } }, 'HibernationOptions.Configured=true'],
      [{ CapacityReservationSpecification: { CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' } } }, 'CapacityReservationSpecification.CapacityReservationTarget'],
      [{ Ipv6AddressCount: 1 }, 'Ipv6AddressCount'],
    ];
    for (const [change, name] of refused) {
      const e = await failure(client.send(new RunInstancesCommand({ ...base, ...change } as never)));
      expect({ change, name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ change, name: 'UnsupportedOperation', status: 400 });
      expect(e.message).toContain(name);
    }
    // Written out with the one value Nimbus has (what DescribeInstances shows), they ask for nothing: launched.
    const accepted = await client.send(new RunInstancesCommand({
      ...base, CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 }, HibernationOptions: { Configured: false }, EnclaveOptions: { Enabled: false },
      CapacityReservationSpecification: { CapacityReservationPreference: 'open' }, PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false },
    }));
    expect(accepted.Instances![0]).toMatchObject({
      CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 }, HibernationOptions: { Configured: false }, EnclaveOptions: { Enabled: false },
      CapacityReservationSpecification: { CapacityReservationPreference: 'open' },
      PrivateDnsNameOptions: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    });
    await client.send(new TerminateInstancesCommand({ InstanceIds: [accepted.Instances![0].InstanceId!] }));
    // A KMS key without Encrypted=true at launch, root or data: EC2's InvalidParameterDependency, and nothing launched (encrypted launches: ebs-encryption.e2e-spec.ts).
    const before = (await client.send(new DescribeInstancesCommand({}))).Reservations!.length;
    for (const DeviceName of ['/dev/xvda', '/dev/sdf']) {
      const enc = await failure(client.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName, Ebs: { VolumeSize: 10, KmsKeyId: 'alias/aws/ebs' } }],
      })));
      expect({ name: enc.name, status: enc.$metadata.httpStatusCode, message: enc.message })
        .toEqual({ name: 'InvalidParameterDependency', status: 400, message: 'The parameter KmsKeyId requires the parameter Encrypted to be set.' });
    }
    expect((await client.send(new DescribeInstancesCommand({}))).Reservations!.length).toBe(before);
    const dry = await failure(client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, DryRun: true })));
    expect({ name: dry.name, status: dry.$metadata.httpStatusCode }).toEqual({ name: 'DryRunOperation', status: 412 });
  });

  it("answers a DryRun launch with the error the launch would give, DryRunOperation only when it would succeed, and launches nothing", async () => {
    const count = async () => ({
      instances: (await client.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) => r.Instances!).length,
      volumes: (await client.send(new DescribeVolumesCommand({}))).Volumes!.length,
    });
    const before = await count();
    const bobSubnet = (await bobClient.send(new DescribeSubnetsCommand({}))).Subnets![0].SubnetId!;
    const ok = { ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, DryRun: true } as const;
    const cases: [Record<string, unknown>, string][] = [
      [{ ImageId: 'ami-0123456789abcdef0' }, 'InvalidAMIID.NotFound'],
      [{ InstanceType: 't3.nope' }, 'InvalidParameterValue'],
      [{ InstanceType: 't4g.micro' }, 'InvalidParameterValue'], // an Arm type for an x86_64 image
      [{ KeyName: 'no-such-key' }, 'InvalidKeyPair.NotFound'],
      [{ SecurityGroupIds: ['sg-0123456789abcdef0'] }, 'InvalidGroup.NotFound'],
      [{ SubnetId: 'subnet-0123456789abcdef0' }, 'InvalidSubnetID.NotFound'],
      [{ SubnetId: bobSubnet }, 'InvalidSubnetID.NotFound'], // another tenant's: as a missing one
      [{ InstanceType: 'm5.24xlarge' }, 'VcpuLimitExceeded'], // 96 vCPUs against the default 64
      [{ BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 4 } }] }, 'InvalidBlockDeviceMapping'], // smaller than the image's 8 GiB snapshot
      [{ UserData: Buffer.alloc(20_000, 'a').toString('base64') }, 'InvalidParameterValue'],
    ];
    for (const [change, code] of cases) {
      const e = await failure(client.send(new RunInstancesCommand({ ...ok, ...change } as never)));
      expect({ change, code: e.name }).toEqual({ change, code });
    }
    const dry = await failure(client.send(new RunInstancesCommand({ ...ok, KeyName: undefined, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'dry' }] }] })));
    expect({ name: dry.name, status: dry.$metadata.httpStatusCode }).toEqual({ name: 'DryRunOperation', status: 412 });
    expect(await count()).toEqual(before);
  });

  /** GetPasswordData on the manual clock: empty while the Windows guest boots, then the encrypted Administrator password. */
  describe('GetPasswordData', () => {
    beforeAll(async () => {
      await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    });
    afterAll(async () => {
      await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
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

      // REST's twin answers the same (its time to the millisecond; EC2's XML to the second).
      const rest = await t.as(alice.key).get(`/v1/instances/${a}/password-data`).expect(200);
      const restSecond = Math.floor(Date.parse(rest.body.timestamp) / 1000) * 1000;
      expect({ ...rest.body, timestamp: restSecond }).toEqual({ instanceId: a, passwordData: data.PasswordData, timestamp: data.Timestamp!.getTime() });
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
});

/** Status checks under a host failure, on a fleet of one host (the clock held: advanced by hand). */
describe('EC2 status checks of an instance whose host fails', () => {
  let t: TestApp;
  let client: EC2Client;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    client?.destroy();
    await t?.close();
  });

  it('fails both checks (reachability failed) while the host is down, and passes them again once it is repaired', async () => {
    const [host] = await t.hosts('m5-host', 'us-east-1a', 1);
    const who = await ec2Tenant(t, 'dora');
    client = ec2Client(t, who);
    const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    await t.advance(15 + 120);
    const checks = async () => (await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [id] }))).InstanceStatuses![0];
    expect((await checks()).InstanceStatus!.Status).toBe('ok');
    const failedAt = (await t.admin().get('/v1/admin/clock').expect(200)).body.now as string;
    await t.admin().post(`/v1/admin/hosts/${host}/fail`).expect(200);
    await t.advance(30);
    // EC2's ImpairedSince: when the check failed (the host's failure), not now.
    const failed = { Status: 'impaired', Details: [{ Name: 'reachability', Status: 'failed', ImpairedSince: new Date(failedAt) }] };
    expect(await checks()).toMatchObject({ InstanceState: { Name: 'running' }, SystemStatus: failed, InstanceStatus: failed });
    const impaired = await client.send(new DescribeInstanceStatusCommand({ Filters: [{ Name: 'system-status.reachability', Values: ['failed'] }] }));
    expect(impaired.InstanceStatuses!.map((x) => x.InstanceId)).toEqual([id]);
    await t.admin().post(`/v1/admin/hosts/${host}/repair`).expect(200);
    await t.advance(60);
    expect((await checks()).SystemStatus).toEqual({ Status: 'ok', Details: [{ Name: 'reachability', Status: 'passed' }] });
  });
});
