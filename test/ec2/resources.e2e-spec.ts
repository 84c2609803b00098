import {
  AllocateHostsCommand, AttachVolumeCommand, CreatePlacementGroupCommand, CreateTagsCommand, CreateVolumeCommand, DeletePlacementGroupCommand,
  DeleteTagsCommand, DeleteVolumeCommand, DescribeAvailabilityZonesCommand, DescribeHostsCommand, DescribeInstanceCreditSpecificationsCommand, DescribeInstancesCommand, DescribeInstanceStatusCommand, DescribeInstanceTypeOfferingsCommand,
  DescribeInstanceTypesCommand, DescribePlacementGroupsCommand, DescribeTagsCommand, DescribeVolumesCommand, DescribeVolumesModificationsCommand, DetachVolumeCommand, EC2Client,
  ModifyVolumeCommand,
  paginateDescribeInstanceTypes, ReleaseHostsCommand, _InstanceType, RunInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI, startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';


describe('EC2 tags, volumes, placement groups, Dedicated Hosts and the catalog through @aws-sdk/client-ec2', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let client: EC2Client;
  let bobClient: EC2Client;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 3);
    alice = await ec2Tenant(t, 'alice');
    client = ec2Client(t, alice);
    bobClient = ec2Client(t, await ec2Tenant(t, 'bob'));
  });
  afterAll(async () => {
    client?.destroy();
    bobClient?.destroy();
    await t?.close();
  });

  it('creates, describes and deletes tags on instances, with DeleteTags honouring a value', async () => {
    const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'db' }, { Key: 'tier', Value: 'data' }] }));
    const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
    expect(tags.Tags).toEqual([
      { ResourceId: id, ResourceType: 'instance', Key: 'Name', Value: 'db' },
      { ResourceId: id, ResourceType: 'instance', Key: 'tier', Value: 'data' },
    ]);
    await client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'tier', Value: 'other' }] })); // value differs: kept
    await client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'Name' }] }));
    const after = await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    expect(after.Reservations![0].Instances![0].Tags).toEqual([{ Key: 'tier', Value: 'data' }]);
    expect((await failure(bobClient.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidInstanceID.NotFound');
    expect((await failure(client.send(new CreateTagsCommand({ Resources: ['zz-123'], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidID');
  });

  it('an instance takes at most 50 tags: the 51st is TagLimitExceeded, as on volumes and network interfaces; a value at 50 may still change', async () => {
    const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0].InstanceId!;
    const vol = (await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 1 }))).VolumeId!;
    const fifty = Array.from({ length: 50 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
    await client.send(new CreateTagsCommand({ Resources: [id, vol], Tags: fifty }));
    for (const resource of [id, vol]) {
      const err = await failure(client.send(new CreateTagsCommand({ Resources: [resource], Tags: [{ Key: 'one-more', Value: 'v' }] })));
      expect([err.name, err.$metadata.httpStatusCode]).toEqual(['TagLimitExceeded', 400]);
    }
    await client.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'k0', Value: 'changed' }] }));
    const tags = (await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }))).Tags!;
    expect(tags).toHaveLength(50);
    expect(tags.find((x) => x.Key === 'k0')?.Value).toBe('changed');
    // 51 at launch: the same code, and nothing is launched.
    const launch = await failure(client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags: [...fifty, { Key: 'k50', Value: 'v' }] }],
    })));
    expect(launch.name).toBe('TagLimitExceeded');
  });

  it('creates, attaches, describes, detaches and deletes volumes', async () => {
    const id = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0].InstanceId!;
    const vol = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 20, VolumeType: 'gp3', Iops: 4000 }));
    expect(vol).toMatchObject({ VolumeId: expect.stringMatching(/^vol-/), Size: 20, VolumeType: 'gp3', Iops: 4000, Throughput: 125, AvailabilityZone: 'us-east-1a', Encrypted: false });
    // A gp2 volume has no throughput setting, and EC2 shows none (gp2's IOPS are its baseline, 3 per GiB, at least 100).
    const gp2 = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 50, VolumeType: 'gp2' }));
    expect(gp2).toMatchObject({ VolumeType: 'gp2', Iops: 150 });
    expect(gp2.Throughput).toBeUndefined();
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [gp2.VolumeId!] }))).Volumes![0].Throughput).toBeUndefined();
    await client.send(new DeleteVolumeCommand({ VolumeId: gp2.VolumeId! }));
    const att = await client.send(new AttachVolumeCommand({ VolumeId: vol.VolumeId!, InstanceId: id, Device: '/dev/sdf' }));
    expect(att).toMatchObject({ VolumeId: vol.VolumeId, InstanceId: id, Device: '/dev/sdf', State: 'attaching' });
    // The instance's root (Amazon Linux 2023's gp3 at /dev/xvda) and the volume, filtered by the attachment's device.
    const d = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }, { Name: 'volume-type', Values: ['gp3'] }] }));
    expect(d.Volumes!.map((v) => v.Attachments![0].Device).sort()).toEqual(['/dev/sdf', '/dev/xvda']);
    const atSdf = await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }, { Name: 'attachment.device', Values: ['/dev/sdf'] }] }));
    expect(atSdf.Volumes!.map((v) => [v.VolumeId, v.State, v.Attachments![0].Device])).toEqual([[vol.VolumeId, 'in-use', '/dev/sdf']]);
    expect((await failure(client.send(new DeleteVolumeCommand({ VolumeId: vol.VolumeId! })))).name).toBe('VolumeInUse');
    await client.send(new DetachVolumeCommand({ VolumeId: vol.VolumeId! }));
    await client.send(new DeleteVolumeCommand({ VolumeId: vol.VolumeId! }));
    expect((await failure(client.send(new DescribeVolumesCommand({ VolumeIds: [vol.VolumeId!] })))).name).toBe('InvalidVolume.NotFound');
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: 'snap-0123456789abcdef0' })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a' })))).name).toBe('MissingParameter');
  });

  it('filters DescribeVolumes by snapshot, attachment time and state, zone id, fast restore, encryption and Multi-Attach, as each volume shows them', async () => {
    // A tenant of its own: its two volumes are the only ones a filter can find.
    const ec2 = ec2Client(t, await ec2Tenant(t, 'gus'));
    try {
      const found = async (Name: string, Values: string[]) =>
        (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name, Values }] }))).Volumes!.map((v) => v.VolumeId!).sort();
      // The instance's root is made from Amazon Linux 2023's AMI snapshot (snap- and the image id's hex digits), in us-east-1a, attached at launch.
      const instance = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0];
      const root = instance.BlockDeviceMappings![0].Ebs!.VolumeId!;
      // A blank volume in us-east-1b, attached to nothing.
      const plain = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 5, VolumeType: 'gp2' }))).VolumeId!;
      const both = [root, plain].sort();

      expect(await found('snapshot-id', ['snap-0a1e0c00000000a23'])).toEqual([root]);
      expect(await found('snapshot-id', ['snap-0123456789abcdef0'])).toEqual([]);
      // A volume made from no snapshot has none to match (its SnapshotId is empty), not even `*`.
      expect(await found('snapshot-id', ['snap-*'])).toEqual([root]);
      expect(await found('snapshot-id', ['*'])).toEqual([root]);

      // The root was attached when the instance launched: its attachment time is the launch time, to the second.
      const launched = instance.LaunchTime!.toISOString();
      expect(await found('attachment.attach-time', [launched])).toEqual([root]);
      expect(await found('attachment.attach-time', [`${launched.slice(0, 10)}T*`])).toEqual([root]);
      expect(await found('attachment.attach-time', ['2001-01-01T*'])).toEqual([]);
      expect(await found('attachment.status', ['attached'])).toEqual([root]);
      expect(await found('attachment.status', ['detaching'])).toEqual([]);
      expect(await found('attachment.delete-on-termination', ['true'])).toEqual([root]);
      expect(await found('attachment.delete-on-termination', ['false'])).toEqual([]);
      expect(await found('attachment.device', ['/dev/xvda'])).toEqual([root]);
      expect(await found('attachment.instance-id', [instance.InstanceId!])).toEqual([root]);

      // Zone ids as DescribeAvailabilityZones has them: us-east-1a is use1-az1, us-east-1b use1-az2; each volume shows its own.
      expect(await found('availability-zone-id', ['use1-az1'])).toEqual([root]);
      expect(await found('availability-zone-id', ['use1-az2'])).toEqual([plain]);
      expect(await found('availability-zone-id', ['use1-az3'])).toEqual([]);
      expect((await ec2.send(new DescribeVolumesCommand({ VolumeIds: [plain] }))).Volumes![0]).toMatchObject({ AvailabilityZone: 'us-east-1b', AvailabilityZoneId: 'use1-az2', SnapshotId: '' });

      // No fast snapshot restore, encryption or Multi-Attach in Nimbus: false for every volume.
      for (const name of ['fast-restored', 'encrypted', 'multi-attach-enabled']) {
        expect([name, await found(name, ['false'])]).toEqual([name, both]);
        expect([name, await found(name, ['true'])]).toEqual([name, []]);
      }
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    } finally {
      ec2.destroy();
    }
  });

  it('modifies a volume in place (ModifyVolume) and follows the modification to completed (DescribeVolumesModifications)', async () => {
    const vol = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 100, VolumeType: 'gp2' }));
    expect((await failure(client.send(new DescribeVolumesModificationsCommand({ VolumeIds: [vol.VolumeId!] })))).name).toBe('InvalidVolumeModification.NotFound');
    const m = await client.send(new ModifyVolumeCommand({ VolumeId: vol.VolumeId!, VolumeType: 'gp3', Size: 200, Iops: 4000 }));
    expect(m.VolumeModification).toMatchObject({
      VolumeId: vol.VolumeId, ModificationState: 'modifying', Progress: 0,
      OriginalSize: 100, OriginalVolumeType: 'gp2', OriginalIops: 300, TargetSize: 200, TargetVolumeType: 'gp3', TargetIops: 4000, TargetThroughput: 125,
    });
    expect(m.VolumeModification!.StartTime).toBeInstanceOf(Date);
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [vol.VolumeId!] }))).Volumes![0]).toMatchObject({ Size: 200, VolumeType: 'gp3', Iops: 4000 });
    expect((await failure(client.send(new ModifyVolumeCommand({ VolumeId: vol.VolumeId!, Size: 300 })))).name).toBe('IncorrectModificationState');
    await t.advance(560); // 60 s modifying, then 300 s + 1 s per GiB optimizing
    const d = await client.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name: 'modification-state', Values: ['completed'] }] }));
    expect(d.VolumesModifications!.map((x) => [x.VolumeId, x.ModificationState, x.Progress])).toEqual([[vol.VolumeId, 'completed', 100]]);
    expect(d.VolumesModifications![0].EndTime).toBeInstanceOf(Date);
    // The reference's names for the Multi-Attach filters are camel case; the hyphenated ones are not EC2's.
    expect(d.VolumesModifications![0]).toMatchObject({ OriginalMultiAttachEnabled: false, TargetMultiAttachEnabled: false });
    const byMultiAttach = async (Name: string, value: string) => (await client.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name, Values: [value] }] }))).VolumesModifications!.map((x) => x.VolumeId);
    expect(await byMultiAttach('originalMultiAttachEnabled', 'false')).toEqual([vol.VolumeId]);
    expect(await byMultiAttach('targetMultiAttachEnabled', 'true')).toEqual([]);
    for (const name of ['original-multi-attach-enabled', 'target-multi-attach-enabled']) {
      expect((await failure(client.send(new DescribeVolumesModificationsCommand({ Filters: [{ Name: name, Values: ['false'] }] })))).name).toBe('InvalidParameterValue');
    }
    expect((await failure(client.send(new ModifyVolumeCommand({ VolumeId: vol.VolumeId!, Size: 50 })))).name).toBe('InvalidParameterValue');
    expect((await failure(bobClient.send(new ModifyVolumeCommand({ VolumeId: vol.VolumeId!, Size: 500 })))).name).toBe('InvalidVolume.NotFound');
    expect((await failure(bobClient.send(new DescribeVolumesModificationsCommand({ VolumeIds: [vol.VolumeId!] })))).name).toBe('InvalidVolume.NotFound');
    await client.send(new DeleteVolumeCommand({ VolumeId: vol.VolumeId! }));
  });

  it('creates, describes and deletes placement groups; allocates, describes and releases Dedicated Hosts', async () => {
    const g = await client.send(new CreatePlacementGroupCommand({ GroupName: 'ring', Strategy: 'partition', PartitionCount: 3 }));
    expect(g.PlacementGroup).toMatchObject({ GroupName: 'ring', Strategy: 'partition', PartitionCount: 3, State: 'available' });
    expect((await client.send(new DescribePlacementGroupsCommand({ GroupNames: ['ring'] }))).PlacementGroups!.map((x) => x.GroupName)).toEqual(['ring']);
    // Its ARN and a spread group's level, shown and filtered on (DescribePlacementGroups' group-arn and spread-level); tag filters are taken and match none.
    const arn = `arn:aws:ec2:us-east-1:${alice.accountId}:placement-group/ring`;
    expect(g.PlacementGroup!.GroupArn).toBe(arn);
    const spread = await client.send(new CreatePlacementGroupCommand({ GroupName: 'apart', Strategy: 'spread' }));
    expect(spread.PlacementGroup).toMatchObject({ Strategy: 'spread', SpreadLevel: 'rack' });
    const names = async (Name: string, Values: string[]) => (await client.send(new DescribePlacementGroupsCommand({ Filters: [{ Name, Values }] }))).PlacementGroups!.map((x) => x.GroupName);
    expect(await names('group-arn', [arn])).toEqual(['ring']);
    expect(await names('spread-level', ['rack'])).toEqual(['apart']);
    expect(await names('tag-key', ['*'])).toEqual([]);
    expect(await names('tag:team', ['*'])).toEqual([]);
    await client.send(new DeletePlacementGroupCommand({ GroupName: 'apart' }));
    expect((await failure(bobClient.send(new DescribePlacementGroupsCommand({ GroupNames: ['ring'] })))).name).toBe('InvalidPlacementGroup.Unknown');
    await client.send(new DeletePlacementGroupCommand({ GroupName: 'ring' }));
    expect((await client.send(new DescribePlacementGroupsCommand({}))).PlacementGroups).toEqual([]);

    const alloc = await client.send(new AllocateHostsCommand({ AvailabilityZone: 'us-east-1a', InstanceFamily: 'm5', Quantity: 1, AutoPlacement: 'off' }));
    expect(alloc.HostIds).toHaveLength(1);
    const hosts = await client.send(new DescribeHostsCommand({ HostIds: alloc.HostIds }));
    expect(hosts.Hosts![0]).toMatchObject({ HostId: alloc.HostIds![0], AutoPlacement: 'off', AvailabilityZone: 'us-east-1a', State: 'available', OwnerId: alice.accountId });
    // DescribeHosts' reference: "You cannot specify this parameter [MaxResults] and the host IDs parameter in the same request."
    const both = await failure(client.send(new DescribeHostsCommand({ HostIds: alloc.HostIds, MaxResults: 5 })));
    expect([both.name, both.$metadata.httpStatusCode]).toEqual(['InvalidParameterCombination', 400]);
    expect((await client.send(new DescribeHostsCommand({ MaxResults: 5 }))).Hosts!.map((h) => h.HostId)).toEqual(alloc.HostIds);
    expect((await client.send(new DescribeHostsCommand({ Filter: [{ Name: 'tag-key', Values: ['*'] }] }))).Hosts).toEqual([]);
    expect((await client.send(new DescribeHostsCommand({ Filter: [{ Name: 'tag:team', Values: ['*'] }] }))).Hosts).toEqual([]);
    const released = await client.send(new ReleaseHostsCommand({ HostIds: alloc.HostIds }));
    expect(released.Successful).toEqual(alloc.HostIds);
  });

  it('placement groups and Dedicated Hosts carry tags: at creation, by CreateTags and DeleteTags on their ids, in DescribeTags, their tagSet and tag filters; another tenant\'s id is not found', async () => {
    const byKey = (tags: { Key?: string; Value?: string }[] | undefined) => Object.fromEntries((tags ?? []).map((x) => [x.Key, x.Value]));
    const g = await client.send(new CreatePlacementGroupCommand({ GroupName: 'tagged', Strategy: 'cluster', TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'team', Value: 'web' }] }] }));
    expect(byKey(g.PlacementGroup!.Tags)).toEqual({ team: 'web' });
    const pgId = g.PlacementGroup!.GroupId!;
    await client.send(new CreateTagsCommand({ Resources: [pgId], Tags: [{ Key: 'env', Value: 'prod' }] }));
    const names = async (Name: string, Values: string[]) => (await client.send(new DescribePlacementGroupsCommand({ Filters: [{ Name, Values }] }))).PlacementGroups!.map((x) => x.GroupName);
    expect(await names('tag:team', ['web'])).toEqual(['tagged']);
    expect(await names('tag:team', ['db'])).toEqual([]);
    expect(await names('tag-key', ['env'])).toEqual(['tagged']);
    expect(await names('tag-value', ['prod'])).toEqual(['tagged']);
    expect(byKey((await client.send(new DescribePlacementGroupsCommand({ GroupNames: ['tagged'] }))).PlacementGroups![0].Tags)).toEqual({ team: 'web', env: 'prod' });
    // A specification for another resource type is EC2's InvalidParameterValue, and nothing is made.
    expect((await failure(client.send(new CreatePlacementGroupCommand({ GroupName: 'other', Strategy: 'cluster', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] })))).name).toBe('InvalidParameterValue');
    expect(await names('group-name', ['other'])).toEqual([]);

    const alloc = await client.send(new AllocateHostsCommand({
      AvailabilityZone: 'us-east-1a', InstanceFamily: 'm5', Quantity: 1, TagSpecifications: [{ ResourceType: 'dedicated-host', Tags: [{ Key: 'rack', Value: 'r1' }] }],
    }));
    const hostId = alloc.HostIds![0];
    await client.send(new CreateTagsCommand({ Resources: [hostId], Tags: [{ Key: 'owner', Value: 'ops' }] }));
    expect(byKey((await client.send(new DescribeHostsCommand({ HostIds: [hostId] }))).Hosts![0].Tags)).toEqual({ rack: 'r1', owner: 'ops' });
    expect((await client.send(new DescribeHostsCommand({ Filter: [{ Name: 'tag:rack', Values: ['r1'] }] }))).Hosts!.map((h) => h.HostId)).toEqual([hostId]);
    expect((await client.send(new DescribeHostsCommand({ Filter: [{ Name: 'tag-key', Values: ['nothing'] }] }))).Hosts).toEqual([]);

    const tagRows = async (c: EC2Client) => (await c.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [pgId, hostId] }] }))).Tags!
      .map((x) => [x.ResourceId, x.ResourceType, x.Key, x.Value]);
    expect(await tagRows(client)).toEqual(expect.arrayContaining([
      [pgId, 'placement-group', 'env', 'prod'], [pgId, 'placement-group', 'team', 'web'], [hostId, 'dedicated-host', 'owner', 'ops'], [hostId, 'dedicated-host', 'rack', 'r1'],
    ]));
    expect(await tagRows(client)).toHaveLength(4);
    // DeleteTags: by key; with a value, only if the tag has it.
    await client.send(new DeleteTagsCommand({ Resources: [pgId], Tags: [{ Key: 'team' }, { Key: 'env', Value: 'dev' }] }));
    await client.send(new DeleteTagsCommand({ Resources: [hostId], Tags: [{ Key: 'owner', Value: 'ops' }] }));
    expect(await tagRows(client)).toEqual(expect.arrayContaining([[pgId, 'placement-group', 'env', 'prod'], [hostId, 'dedicated-host', 'rack', 'r1']]));
    expect(await tagRows(client)).toHaveLength(2);

    // Another tenant's group or host is not found, as a missing one, and its tags are not listed.
    expect((await failure(bobClient.send(new CreateTagsCommand({ Resources: [pgId], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidPlacementGroup.Unknown');
    expect((await failure(bobClient.send(new CreateTagsCommand({ Resources: [hostId], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidHostID.NotFound');
    expect((await failure(client.send(new CreateTagsCommand({ Resources: ['pg-0123456789abcdef0'], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidPlacementGroup.Unknown');
    expect(await tagRows(bobClient)).toEqual([]);

    // The tags go with their group or host.
    await client.send(new ReleaseHostsCommand({ HostIds: [hostId] }));
    await client.send(new DeletePlacementGroupCommand({ GroupName: 'tagged' }));
    expect(await tagRows(client)).toEqual([]);
  });

  it('MaxResults beside ids is InvalidParameterCombination where the reference says so (instances, their status and credits, volumes, hosts)', async () => {
    const calls: Promise<unknown>[] = [
      client.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
      client.send(new DescribeInstanceStatusCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
      client.send(new DescribeInstanceCreditSpecificationsCommand({ InstanceIds: ['i-0123456789abcdef0'], MaxResults: 5 })),
      client.send(new DescribeVolumesCommand({ VolumeIds: ['vol-0123456789abcdef0'], MaxResults: 5 })),
      client.send(new DescribeHostsCommand({ HostIds: ['h-0123456789abcdef0'], MaxResults: 5 })),
    ];
    for (const call of calls) expect((await failure(call)).name).toBe('InvalidParameterCombination');
  });

  it('answers the catalog: zones, instance types (paginated) and offerings', async () => {
    expect((await client.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones!.map((z) => [z.ZoneName, z.ZoneId, z.State])).toEqual([
      ['us-east-1a', 'use1-az1', 'available'], ['us-east-1b', 'use1-az2', 'available'], ['us-east-1c', 'use1-az3', 'available'],
    ]);
    // The documented message, parent-zone-id and parent-zone-name filters are taken, and match no Availability Zone.
    for (const Name of ['message', 'parent-zone-id', 'parent-zone-name']) {
      expect((await client.send(new DescribeAvailabilityZonesCommand({ Filters: [{ Name, Values: ['*'] }] }))).AvailabilityZones).toEqual([]);
    }
    const one = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large'] }));
    expect(one.InstanceTypes![0]).toMatchObject({ InstanceType: 'm5.large', VCpuInfo: { DefaultVCpus: 2, DefaultCores: 1, DefaultThreadsPerCore: 2 }, MemoryInfo: { SizeInMiB: 8192 }, BurstablePerformanceSupported: false });
    let count = 0;
    for await (const page of paginateDescribeInstanceTypes({ client, pageSize: 10 }, {})) count += page.InstanceTypes!.length;
    expect(count).toBeGreaterThanOrEqual(31);
    const burst = await client.send(new DescribeInstanceTypesCommand({ Filters: [{ Name: 'burstable-performance-supported', Values: ['true'] }, { Name: 'instance-type', Values: ['t3.*'] }] }));
    expect(burst.InstanceTypes!.map((x) => x.InstanceType)).toContain('t3.micro');
    const offer = await client.send(new DescribeInstanceTypeOfferingsCommand({ LocationType: 'availability-zone', Filters: [{ Name: 'instance-type', Values: ['m5.large'] }] }));
    expect(offer.InstanceTypeOfferings!.map((o) => o.Location)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('boot modes as EC2 has them: Graviton UEFI only, the Xen generation legacy BIOS only, Nitro x86 both; a Graviton instance boots UEFI', async () => {
    const types = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m6g.large', 't2.micro', 'm5.large'] }));
    expect(Object.fromEntries(types.InstanceTypes!.map((x) => [x.InstanceType, x.SupportedBootModes]))).toEqual({
      'm6g.large': ['uefi'], 't2.micro': ['legacy-bios'], 'm5.large': ['legacy-bios', 'uefi'],
    });
    await t.hosts('m6g-host', 'us-east-1b', 1);
    // Ubuntu 24.04's arm64 image (Canonical's name scheme; DescribeImages finds it in the CLI test).
    const arm = (await client.send(new RunInstancesCommand({ ImageId: 'ami-0b0b0c00000000b64', InstanceType: 'm6g.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1b' } }))).Instances![0];
    const x86 = (await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect([arm.Architecture, arm.CurrentInstanceBootMode, x86.CurrentInstanceBootMode]).toEqual(['arm64', 'uefi', 'legacy-bios']);
    const uefi = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'current-instance-boot-mode', Values: ['uefi'] }] }));
    expect(uefi.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([arm.InstanceId]);
    await client.send(new TerminateInstancesCommand({ InstanceIds: [arm.InstanceId!, x86.InstanceId!] }));
  });

  it("an operator's custom arm64 type and image: its instances boot UEFI and show its cores, as DescribeInstanceTypes has them, and the image's architecture", async () => {
    await t.admin().post('/v1/admin/instance-types', { name: 'm6g.nimbus6', vcpus: 6, memoryMiB: 12288, architectures: ['arm64'], hourlyPrices: { linux: '0.2' } }).expect(201);
    await t.admin().post('/v1/admin/images', { imageId: 'ami-0a4a4a4a4a4a4a4a4', name: 'team arm64 base', platform: 'linux', architecture: 'arm64' }).expect(201);
    await t.hosts('m6g-host', 'us-east-1c', 1);
    const [type] = (await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m6g.nimbus6' as _InstanceType] }))).InstanceTypes!;
    expect([type.SupportedBootModes, type.VCpuInfo]).toEqual([['uefi'], { DefaultVCpus: 6, DefaultCores: 6, DefaultThreadsPerCore: 1 }]);
    // Written out as infrastructure-as-code tools write it, the type's own cores and threads are accepted.
    const launched = (await client.send(new RunInstancesCommand({
      ImageId: 'ami-0a4a4a4a4a4a4a4a4', InstanceType: 'm6g.nimbus6' as _InstanceType, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1c' },
      CpuOptions: { CoreCount: 6, ThreadsPerCore: 1 },
    }))).Instances![0];
    const id = launched.InstanceId!;
    const [shown] = (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances!;
    for (const i of [launched, shown]) {
      expect([i.CurrentInstanceBootMode, i.CpuOptions, i.Architecture]).toEqual(['uefi', { CoreCount: 6, ThreadsPerCore: 1 }, 'arm64']);
    }
    const byMode = async (mode: string) => (await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'current-instance-boot-mode', Values: [mode] }] })))
      .Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
    expect(await byMode('uefi')).toContain(id);
    expect(await byMode('legacy-bios')).not.toContain(id);
    const arch = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'architecture', Values: ['arm64'] }, { Name: 'instance-id', Values: [id] }] }));
    expect(arch.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([id]);
    // Another thread count is not this type's.
    const other = await failure(client.send(new RunInstancesCommand({
      ImageId: 'ami-0a4a4a4a4a4a4a4a4', InstanceType: 'm6g.nimbus6' as _InstanceType, MinCount: 1, MaxCount: 1, CpuOptions: { CoreCount: 3, ThreadsPerCore: 2 },
    })));
    expect(other.name).toBe('UnsupportedOperation');
    await client.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it("describes each type's hypervisor, interfaces, ENA, NVMe, EBS optimization and virtualization as EC2 does, and filters on them", async () => {
    const { InstanceTypes: types } = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t2.micro', 'm5.large', 'c5.metal', 'm3.xlarge'] }));
    const by = new Map(types!.map((x) => [x.InstanceType, x]));
    expect(by.get('t2.micro')).toMatchObject({
      Hypervisor: 'xen', BareMetal: false, SupportedVirtualizationTypes: ['hvm'], InstanceStorageSupported: false,
      NetworkInfo: { MaximumNetworkInterfaces: 2, Ipv4AddressesPerInterface: 2, Ipv6AddressesPerInterface: 2, Ipv6Supported: true, EnaSupport: 'unsupported' },
      EbsInfo: { EbsOptimizedSupport: 'unsupported', NvmeSupport: 'unsupported' },
    });
    expect(by.get('t2.micro')!.EbsInfo!.EbsOptimizedInfo).toBeUndefined();
    expect(by.get('m5.large')).toMatchObject({
      Hypervisor: 'nitro', BareMetal: false,
      NetworkInfo: { MaximumNetworkInterfaces: 3, Ipv4AddressesPerInterface: 10, EnaSupport: 'required' },
      EbsInfo: { EbsOptimizedSupport: 'default', NvmeSupport: 'required', EbsOptimizedInfo: { BaselineBandwidthInMbps: 650 } },
    });
    expect(by.get('c5.metal')).toMatchObject({ BareMetal: true, NetworkInfo: { MaximumNetworkInterfaces: 15, Ipv4AddressesPerInterface: 50 } });
    expect(by.get('c5.metal')!.Hypervisor).toBeUndefined();
    expect(by.get('m3.xlarge')).toMatchObject({
      SupportedVirtualizationTypes: ['hvm', 'paravirtual'], InstanceStorageSupported: true,
      NetworkInfo: { Ipv6Supported: false, Ipv6AddressesPerInterface: 0 }, EbsInfo: { EbsOptimizedSupport: 'supported' },
    });

    const names = async (...filters: [string, string[]][]) => {
      const out: string[] = [];
      for await (const page of paginateDescribeInstanceTypes({ client, pageSize: 100 }, { Filters: filters.map(([Name, Values]) => ({ Name, Values })) })) out.push(...page.InstanceTypes!.map((x) => x.InstanceType!));
      return out.sort();
    };
    expect(await names(['instance-type', ['t2.*']], ['hypervisor', ['xen']])).toEqual(['t2.2xlarge', 't2.large', 't2.medium', 't2.micro', 't2.nano', 't2.small', 't2.xlarge']);
    expect(await names(['instance-type', ['c5.*']], ['bare-metal', ['true']])).toEqual(['c5.metal']);
    expect(await names(['instance-type', ['m5.*']], ['hypervisor', ['nitro']], ['bare-metal', ['true']])).toEqual([]);
    expect(await names(['instance-type', ['m4.*']], ['network-info.ena-support', ['supported']])).toEqual(['m4.16xlarge']);
    expect(await names(['instance-type', ['t3.*']], ['network-info.maximum-network-interfaces', ['2']])).toEqual(['t3.micro', 't3.nano']);
    expect(await names(['instance-type', ['m5.*']], ['network-info.ipv4-addresses-per-interface', ['10']])).toEqual(['m5.large']);
    expect(await names(['instance-type', ['m1.*', 'm3.*']], ['network-info.ipv6-supported', ['true']])).toEqual([]);
    expect(await names(['instance-type', ['c3.*']], ['ebs-info.ebs-optimized-support', ['supported']])).toEqual(['c3.2xlarge', 'c3.4xlarge', 'c3.xlarge']);
    expect(await names(['instance-type', ['i3.*']], ['ebs-info.nvme-support', ['supported']])).toEqual(['i3.16xlarge', 'i3.2xlarge', 'i3.4xlarge', 'i3.8xlarge', 'i3.large', 'i3.xlarge']);
    expect(await names(['instance-type', ['t1.*', 't2.*']], ['supported-virtualization-type', ['paravirtual']])).toEqual(['t1.micro']);
    expect(await names(['instance-type', ['c5d.l*', 'c5.l*']], ['instance-storage-supported', ['true']])).toEqual(['c5d.large']);
    expect(await names(['instance-type', ['m6g.medium']], ['processor-info.supported-architecture', ['arm64']])).toEqual(['m6g.medium']);
    // More of the reference's filters, each on what the type shows.
    expect(await names(['free-tier-eligible', ['true']])).toEqual(['t2.micro', 't3.micro']);
    expect(await names(['instance-type', ['m5.large', 'm5.xlarge']], ['vcpu-info.default-cores', ['1']], ['vcpu-info.default-threads-per-core', ['2']])).toEqual(['m5.large']);
    expect(await names(['instance-type', ['t3.micro', 'm5.large']], ['network-info.network-performance', [by.get('m5.large')!.NetworkInfo!.NetworkPerformance!]])).toEqual(['m5.large']);
    expect(await names(['instance-type', ['t2.micro', 'm5.large']], ['ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps', ['650']])).toEqual(['m5.large']);
    expect(await names(['instance-type', ['t2.micro', 'm5.large']], ['ebs-info.ebs-optimized-info.maximum-iops', ['*']])).toEqual(['m5.large']);
    expect(await names(['instance-type', ['t2.micro', 'm5.large']], ['supported-root-device-type', ['ebs']], ['ebs-info.encryption-support', ['supported']],
      ['dedicated-hosts-supported', ['true']], ['auto-recovery-supported', ['true']], ['hibernation-supported', ['false']])).toEqual(['m5.large', 't2.micro']);
    expect(await names(['instance-type', ['m6g.medium', 't2.micro']], ['supported-boot-mode', ['uefi']])).toEqual(['m6g.medium']);
  });
});
