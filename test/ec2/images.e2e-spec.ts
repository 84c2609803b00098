import {
  CreateImageCommand, CreateSnapshotCommand, CreateVolumeCommand, DescribeVolumesCommand, CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeSnapshotsCommand, EC2Client,
  DescribeInstancesCommand, DescribeInstanceTypesCommand, paginateDescribeImages, RunInstancesCommand, waitUntilImageAvailable, waitUntilSnapshotCompleted,
  AttachVolumeCommand, DetachVolumeCommand, StartInstancesCommand, StopInstancesCommand, DescribeImageAttributeCommand, ImageAttributeName,
  CopyImageCommand, ModifyImageAttributeCommand, ModifyInstanceAttributeCommand, RegisterImageCommand, ResetImageAttributeCommand, DescribeInstanceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

/** Images and snapshots through the JS SDK: DescribeImages (owners, filters, pages), CreateImage with a waiter, RegisterImage, CopyImage, the image attributes, DeregisterImage, snapshots. */
describe('EC2 images and snapshots (JS SDK)', () => {
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

  it("lists the catalog's public images as Amazon's, with EC2's fields, filters and pages", async () => {
    const out = await client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const al2023 = out.Images!.find((i) => i.ImageId === LINUX_AMI)!;
    expect(al2023).toMatchObject({
      Name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', Description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1',
      ImageLocation: 'amazon/al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', State: 'available', OwnerId: '137112412989', ImageOwnerAlias: 'amazon', Public: true, Architecture: 'x86_64',
      PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances', RootDeviceType: 'ebs', VirtualizationType: 'hvm', ImageType: 'machine',
    });
    expect(al2023.Platform).toBeUndefined();
    expect(out.Images!.find((i) => i.ImageId === WINDOWS_AMI)).toMatchObject({ Platform: 'windows', PlatformDetails: 'Windows', UsageOperation: 'RunInstances:0002' });

    const arm = await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'architecture', Values: ['arm64'] }, { Name: 'description', Values: ['*Linux*'] }] }));
    expect(arm.Images!.map((i) => i.Name)).toEqual(['al2023-ami-2023.6.20241212.0-kernel-6.1-arm64']);
    const windows = await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'platform', Values: ['windows'] }] }));
    expect(windows.Images!.length).toBeGreaterThanOrEqual(4);
    expect(windows.Images!.every((i) => (i.Platform as string) === 'windows')).toBe(true);

    const all: string[] = [];
    for await (const p of paginateDescribeImages({ client, pageSize: 5 }, { Owners: ['amazon'] })) {
      expect(p.Images!.length).toBeLessThanOrEqual(5);
      all.push(...p.Images!.map((i) => i.ImageId!));
    }
    expect(all.sort()).toEqual(out.Images!.map((i) => i.ImageId!).sort());
    expect(new Set(all).size).toBe(all.length);

    expect((await failure(client.send(new DescribeImagesCommand({ ImageIds: ['ami-nope'] })))).name).toBe('InvalidAMIID.Malformed');
    expect((await failure(client.send(new DescribeImagesCommand({ ImageIds: ['ami-00000000000000000'] })))).name).toBe('InvalidAMIID.NotFound');
    expect((await failure(client.send(new DescribeImagesCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');

    // More of DescribeImages' documented filters, each on what the image shows.
    const ids = async (filters: { Name: string; Values: string[] }[]) =>
      ((await client.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: filters }))).Images ?? []).map((i) => i.ImageId!).sort();
    const allIds = out.Images!.map((i) => i.ImageId!).sort();
    expect(await ids([{ Name: 'creation-date', Values: [`${al2023.CreationDate!.slice(0, 10)}T*`] }, { Name: 'image-id', Values: [LINUX_AMI] }])).toEqual([LINUX_AMI]);
    expect(await ids([{ Name: 'creation-date', Values: ['1999-*'] }])).toEqual([]);
    expect(await ids([{ Name: 'ena-support', Values: ['true'] }])).toEqual(allIds);
    expect(await ids([{ Name: 'block-device-mapping.delete-on-termination', Values: ['true'] }])).toEqual(allIds);
    expect(await ids([{ Name: 'block-device-mapping.encrypted', Values: ['true'] }])).toEqual([]);
    expect(await ids([{ Name: 'block-device-mapping.encrypted', Values: ['false'] }])).toEqual(allIds);
    expect(await ids([{ Name: 'manifest-location', Values: [al2023.ImageLocation!] }])).toEqual([LINUX_AMI]);
    for (const none of ['kernel-id', 'ramdisk-id', 'product-code', 'product-code.type', 'state-reason-code', 'state-reason-message']) {
      expect(await ids([{ Name: none, Values: ['*'] }])).toEqual([]);
    }
  });

  it("finds the catalog's images as scripts and Terraform's aws_ami look EC2's up: by publisher and AMI name pattern", async () => {
    const names = async (owners: string[], filters: { Name: string; Values: string[] }[] = []) =>
      (await client.send(new DescribeImagesCommand({ Owners: owners, Filters: filters }))).Images!.map((i) => [i.ImageId, i.Name, i.OwnerId, i.ImageOwnerAlias ?? null]).sort();
    // Amazon Linux 2023, the AWS documentation's pattern: owner amazon, name al2023-ami-2023.*-x86_64.
    expect(await names(['amazon'], [{ Name: 'name', Values: ['al2023-ami-2023.*-x86_64'] }])).toEqual([
      [LINUX_AMI, 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', '137112412989', 'amazon'],
    ]);
    // Ubuntu is Canonical's (099720109477, no alias): its own owner id finds it, `amazon` does not.
    expect(await names(['099720109477'], [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }])).toEqual([
      ['ami-0b0b0c00000000b24', 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206', '099720109477', null],
    ]);
    expect(await names(['amazon'], [{ Name: 'name', Values: ['ubuntu/*'] }])).toEqual([]);
    // Red Hat's (309956199498) and SUSE's (013907871322, alias amazon), by their schemes.
    expect(await names(['309956199498'], [{ Name: 'name', Values: ['RHEL-9.*_HVM-*-x86_64-*-Hourly2-GP3'] }])).toEqual([
      ['ami-0d0e0c00000000d09', 'RHEL-9.5.0_HVM-20241211-x86_64-0-Hourly2-GP3', '309956199498', null],
    ]);
    expect(await names(['amazon'], [{ Name: 'name', Values: ['suse-sles-15-sp6-v*-hvm-ssd-x86_64'] }])).toEqual([
      ['ami-0e0e0c00000000e15', 'suse-sles-15-sp6-v20241218-hvm-ssd-x86_64', '013907871322', 'amazon'],
    ]);
    // Windows Server 2022 Base: Amazon's Windows account (801119661308); the BYOL image (Nimbus's own) is not among them.
    expect(await names(['801119661308'], [{ Name: 'name', Values: ['Windows_Server-2022-English-Full-Base-*'] }])).toEqual([
      [WINDOWS_AMI, 'Windows_Server-2022-English-Full-Base-2024.12.13', '801119661308', 'amazon'],
    ]);
    expect((await names(['amazon'], [{ Name: 'owner-alias', Values: ['amazon'] }])).length).toBe((await names(['amazon'])).length);
    expect((await names([], [{ Name: 'owner-id', Values: ['099720109477'] }])).map(([id]) => id)).toEqual(['ami-0b0b0c00000000b24', 'ami-0b0b0c00000000b64', 'ami-0c0b0c00000000c24']);
  });

  it("mirrors a team's AMI through the admin API: its id, name, owner and root device, found and launched as the team's scripts do", async () => {
    const mirror = { imageId: 'ami-0c7217cdde317cfec', name: 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240111', description: 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image', platform: 'linux' };
    const added = await t.admin().post('/v1/admin/images', { ...mirror, ownerId: '099720109477', rootDeviceName: '/dev/sda1' }).expect(201);
    expect(added.body).toMatchObject({ imageId: mirror.imageId, ownerId: '099720109477', rootDeviceName: '/dev/sda1', public: true });
    expect(added.body.ownerAlias).toBeUndefined();
    const found = await client.send(new DescribeImagesCommand({ Owners: ['099720109477'], Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*'] }] }));
    expect(found.Images!.map((i) => [i.ImageId, i.OwnerId, i.ImageOwnerAlias, i.RootDeviceName, i.Description])).toEqual([[mirror.imageId, '099720109477', undefined, '/dev/sda1', mirror.description]]);
    const run = await client.send(new RunInstancesCommand({
      ImageId: mirror.imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 20 } }],
    }));
    expect([run.Instances![0].RootDeviceName, run.Instances![0].BlockDeviceMappings!.map((m) => m.DeviceName)]).toEqual(['/dev/sda1', ['/dev/sda1']]);
    // Without an owner it is Amazon's, alias amazon, root /dev/xvda; a bad root device or owner is refused.
    const plain = await t.admin().post('/v1/admin/images', { imageId: 'ami-0aa0aa0aa0aa0aa01', name: 'team-base', platform: 'linux' }).expect(201);
    expect(plain.body).toMatchObject({ ownerId: '137112412989', ownerAlias: 'amazon', rootDeviceName: '/dev/xvda' });
    const amazonsOwn = await t.admin().post('/v1/admin/images', { imageId: 'ami-0aa0aa0aa0aa0aa02', name: 'suse-mirror', platform: 'suse', ownerId: '013907871322', ownerAlias: 'amazon' }).expect(201);
    expect(amazonsOwn.body).toMatchObject({ ownerId: '013907871322', ownerAlias: 'amazon' });
    for (const bad of [{ rootDeviceName: '/dev/sdb' }, { ownerId: '12345' }, { ownerAlias: 'canonical' }]) {
      const res = await t.admin().post('/v1/admin/images', { imageId: 'ami-0aa0aa0aa0aa0aa03', name: 'bad', platform: 'linux', ...bad });
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({ bad, status: 400, code: 'ValidationError' });
    }
    await t.admin().delete(`/v1/admin/images/${mirror.imageId}`).expect(204);
    await t.admin().delete('/v1/admin/images/ami-0aa0aa0aa0aa0aa01').expect(204);
    await t.admin().delete('/v1/admin/images/ami-0aa0aa0aa0aa0aa02').expect(204);
  });

  it("shows each catalog image's root as an AMI's mapping, from Amazon's snapshot, and launches its root from it: never smaller", async () => {
    const [linux, windows] = await Promise.all([LINUX_AMI, WINDOWS_AMI].map(async (id) => (await client.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0]));
    // Amazon Linux's root device is /dev/xvda, Windows' /dev/sda1 (as their AMIs').
    expect([linux.RootDeviceName, windows.RootDeviceName]).toEqual(['/dev/xvda', '/dev/sda1']);
    // Amazon Linux 2023's AMIs require IMDSv2 (its instances launch with HttpTokens required); Windows Server's do not say.
    expect([linux.ImdsSupport, windows.ImdsSupport]).toEqual(['v2.0', undefined]);
    expect(linux.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0a1e0c00000000a23', VolumeSize: 8, VolumeType: 'gp3', Iops: 3000, Throughput: 125, DeleteOnTermination: true, Encrypted: false } },
    ]);
    expect(windows.BlockDeviceMappings).toEqual([
      { DeviceName: '/dev/sda1', Ebs: { SnapshotId: 'snap-0f0d0c00000000f22', VolumeSize: 30, VolumeType: 'gp2', DeleteOnTermination: true, Encrypted: false } },
    ]);
    // The mapping's filters see it: the 30 GiB roots are the Windows images'.
    const big = await client.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'block-device-mapping.volume-size', Values: ['30'] }] }));
    expect(big.Images!.length).toBeGreaterThanOrEqual(4);
    expect(big.Images!.every((i) => (i.Platform as string) === 'windows')).toBe(true);

    // A launch's root is made from it (DescribeVolumes' SnapshotId), the image's size, or a larger one asked — also with the
    // AMI's mapping copied into the request, as tools that copy DescribeImages' mapping do.
    const rootOf = async (mappings?: { DeviceName: string; Ebs: Record<string, unknown> }[]) => {
      const out = await client.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, BlockDeviceMappings: mappings }));
      const volumeId = out.Instances![0].BlockDeviceMappings![0].Ebs!.VolumeId!;
      return (await client.send(new DescribeVolumesCommand({ VolumeIds: [volumeId] }))).Volumes![0];
    };
    expect(await rootOf()).toMatchObject({ Size: 8, SnapshotId: 'snap-0a1e0c00000000a23', VolumeType: 'gp3', Iops: 3000, Throughput: 125 });
    expect(await rootOf([{ DeviceName: '/dev/xvda', Ebs: { ...linux.BlockDeviceMappings![0].Ebs, VolumeSize: 20 } }])).toMatchObject({ Size: 20, SnapshotId: 'snap-0a1e0c00000000a23' });
    const small = await failure(client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 4 } }],
    })));
    expect({ name: small.name, message: small.message }).toEqual({ name: 'InvalidBlockDeviceMapping', message: "Volume of size 4GB is smaller than  snapshot 'snap-0a1e0c00000000a23', expect size >= 8GB" });
    // Amazon's snapshot is no tenant's: not described, no volume made from it.
    expect((await failure(client.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0a1e0c00000000a23'] })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: 'snap-0a1e0c00000000a23' })))).name).toBe('InvalidSnapshot.NotFound');
  });

  it("grows an Ubuntu instance's root as scripts do, by its AMI's root device /dev/sda1; its image keeps that root", async () => {
    const ubuntu = 'ami-0b0b0c00000000b24';
    const run = await client.send(new RunInstancesCommand({
      ImageId: ubuntu, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 30, VolumeType: 'gp3' } }, { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 100 } }],
    }));
    const instance = run.Instances![0];
    expect(instance.RootDeviceName).toBe('/dev/sda1');
    expect(instance.BlockDeviceMappings!.map((m) => m.DeviceName)).toEqual(['/dev/sda1', '/dev/sdf']);
    const root = (await client.send(new DescribeVolumesCommand({ VolumeIds: [instance.BlockDeviceMappings![0].Ebs!.VolumeId!] }))).Volumes![0];
    expect(root).toMatchObject({ Size: 30, VolumeType: 'gp3', SnapshotId: 'snap-0b0b0c00000000b24', Attachments: [expect.objectContaining({ Device: '/dev/sda1', DeleteOnTermination: true })] });
    const described = (await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'root-device-name', Values: ['/dev/sda1'] }, { Name: 'image-id', Values: [ubuntu] }] }))).Reservations!;
    expect(described.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([instance.InstanceId]);
    // Amazon Linux's root device is not one of Ubuntu's instances' devices, as on EC2.
    const wrong = await failure(client.send(new RunInstancesCommand({
      ImageId: ubuntu, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } }],
    })));
    expect({ name: wrong.name, message: wrong.message }).toEqual({ name: 'InvalidBlockDeviceMapping', message: 'Invalid device name /dev/xvda' });
    // An image of it (once it runs: Ubuntu boots in 20 s) has its root at /dev/sda1.
    await t.advance(20);
    const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instance.InstanceId!, Name: 'ubuntu-grown', NoReboot: true }));
    const image = (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0];
    expect([image.RootDeviceName, image.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs!.VolumeSize])]).toEqual(['/dev/sda1', [['/dev/sda1', 30], ['/dev/sdf', 100]]]);
    await client.send(new DeregisterImageCommand({ ImageId }));

    // Its root leaves and returns at /dev/sda1 only: stopped, detached, it does not start; /dev/xvda is not its root.
    await client.send(new StopInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    await t.advance(10);
    await client.send(new DetachVolumeCommand({ VolumeId: root.VolumeId! }));
    await t.advance(1);
    const noRoot = await failure(client.send(new StartInstancesCommand({ InstanceIds: [instance.InstanceId!] })));
    expect({ name: noRoot.name, message: noRoot.message }).toEqual({
      name: 'InvalidParameterValue', message: `Invalid value '${instance.InstanceId}' for instanceId. Instance does not have a volume attached at root (/dev/sda1)`,
    });
    const atXvda = await failure(client.send(new AttachVolumeCommand({ VolumeId: root.VolumeId!, InstanceId: instance.InstanceId!, Device: '/dev/xvda' })));
    expect({ name: atXvda.name, message: atXvda.message }).toEqual({
      name: 'InvalidParameterValue', message: `Value (/dev/xvda) for parameter device is invalid: the root device of instance '${instance.InstanceId}' is /dev/sda1`,
    });
    await client.send(new AttachVolumeCommand({ VolumeId: root.VolumeId!, InstanceId: instance.InstanceId!, Device: '/dev/sda1' }));
    await t.advance(1);
    expect((await client.send(new StartInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).StartingInstances![0].CurrentState!.Name).toBe('pending');
  });

  it('answers DescribeInstanceTypes from the broad catalog (t2.micro, m4.large, t1.micro as AWS publishes them)', async () => {
    const out = await client.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['t2.micro', 'm4.large', 't1.micro'] }));
    const byName = Object.fromEntries(out.InstanceTypes!.map((x) => [x.InstanceType, x]));
    expect(byName['t2.micro']).toMatchObject({ VCpuInfo: { DefaultVCpus: 1 }, MemoryInfo: { SizeInMiB: 1024 }, BurstablePerformanceSupported: true });
    expect(byName['m4.large']).toMatchObject({ VCpuInfo: { DefaultVCpus: 2 }, MemoryInfo: { SizeInMiB: 8192 } });
    expect(byName['t1.micro']).toMatchObject({ VCpuInfo: { DefaultVCpus: 1 }, MemoryInfo: { SizeInMiB: 627 } });
  });

  it('snapshots a volume, waits for it to complete, and deletes it; another tenant sees none of it', async () => {
    const volumeId = (await t.as(alice.key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 10, type: 'gp3' }).expect(201)).body.volumeId;
    const snap = await client.send(new CreateSnapshotCommand({ VolumeId: volumeId, Description: 'before upgrade', TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'env', Value: 'test' }] }] }));
    expect(snap).toMatchObject({ VolumeId: volumeId, State: 'pending', VolumeSize: 10, OwnerId: alice.accountId, Description: 'before upgrade', Tags: [{ Key: 'env', Value: 'test' }] });
    const mine = await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:env', Values: ['test'] }] }));
    expect(mine.Snapshots!.map((s) => s.SnapshotId)).toEqual([snap.SnapshotId]);
    // DescribeSnapshots' documented owner-alias and transfer-type filters are taken (not InvalidParameterValue) and match none of a tenant's snapshots.
    for (const Name of ['owner-alias', 'transfer-type']) expect((await client.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name, Values: ['*'] }] }))).Snapshots).toEqual([]);
    // A volume from a snapshot still pending is refused, as EC2 refuses it.
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: snap.SnapshotId! })))).name).toBe('IncorrectState');
    await t.advance(40); // 30 s + 10 × 1 s
    await waitUntilSnapshotCompleted({ client, maxWaitTime: 10, minDelay: 1 }, { SnapshotIds: [snap.SnapshotId!] });
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId!] }))).Snapshots![0]).toMatchObject({ State: 'completed', Progress: '100%' });
    // Completed: a volume from it takes its size (or a larger one, never a smaller).
    const restored = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: snap.SnapshotId!, VolumeType: 'gp3' }));
    expect(restored).toMatchObject({ SnapshotId: snap.SnapshotId, Size: 10, VolumeType: 'gp3', AvailabilityZone: 'us-east-1b' });
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [restored.VolumeId!] }))).Volumes![0].SnapshotId).toBe(snap.SnapshotId);
    expect((await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: snap.SnapshotId!, Size: 20 }))).Size).toBe(20);
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: snap.SnapshotId!, Size: 5 })))).name).toBe('InvalidParameterValue');
    expect((await failure(bobClient.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: snap.SnapshotId! })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: 'snap-bad' })))).name).toBe('InvalidSnapshotID.Malformed');
    // RunInstances' BlockDeviceMapping from the snapshot: the volume takes its size; a smaller one, or another tenant's snapshot, refuses the launch.
    const launched = await client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snap.SnapshotId!, VolumeType: 'gp3' } }],
    }));
    const rootId = launched.Instances![0].BlockDeviceMappings![0].Ebs!.VolumeId!;
    expect((await client.send(new DescribeVolumesCommand({ VolumeIds: [rootId] }))).Volumes![0]).toMatchObject({ Size: 10, SnapshotId: snap.SnapshotId, VolumeType: 'gp3' });
    const small = await failure(client.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snap.SnapshotId!, VolumeSize: 4 } }],
    })));
    // EC2's RunInstances error, word for word (its two spaces too).
    expect({ name: small.name, message: small.message }).toEqual({ name: 'InvalidBlockDeviceMapping', message: `Volume of size 4GB is smaller than  snapshot '${snap.SnapshotId}', expect size >= 10GB` });
    const foreign = await failure(bobClient.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snap.SnapshotId! } }],
    })));
    expect(foreign.name).toBe('InvalidSnapshot.NotFound');
    expect((await bobClient.send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);

    expect((await failure(bobClient.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId!] })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await bobClient.send(new DescribeSnapshotsCommand({ OwnerIds: [alice.accountId] }))).Snapshots).toEqual([]);
    expect((await failure(bobClient.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId! })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await failure(bobClient.send(new CreateSnapshotCommand({ VolumeId: volumeId })))).name).toBe('InvalidVolume.NotFound');
    await client.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId! }));
    expect((await failure(client.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId! })))).name).toBe('InvalidSnapshot.NotFound');
  });

  it('creates an image of an instance (pending, then available by the waiter), private to its owner, deregistered by its owner only', async () => {
    const instanceId = (await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', volumes: [{ sizeGiB: 8, type: 'gp3' }] }).expect(201))
      .body.instances[0].instanceId;
    await t.advance(20);
    const { ImageId } = await client.send(new CreateImageCommand({
      InstanceId: instanceId, Name: 'web-2026', Description: 'the web tier', NoReboot: true,
      TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'tier', Value: 'web' }] }, { ResourceType: 'snapshot', Tags: [{ Key: 'of', Value: 'web-2026' }] }],
    }));
    expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    const [pending] = (await client.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images!;
    expect(pending).toMatchObject({ ImageId, State: 'pending', Public: false, OwnerId: alice.accountId, Name: 'web-2026', Description: 'the web tier', Tags: [{ Key: 'tier', Value: 'web' }] });
    const snapshotId = pending.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    expect(pending.BlockDeviceMappings![0].Ebs).toMatchObject({ VolumeSize: 8, VolumeType: 'gp3' });
    expect((await client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:of', Values: ['web-2026'] }] }))).Snapshots!.map((s) => s.SnapshotId)).toEqual([snapshotId]);

    await t.advance(48); // the 8 GiB snapshot (38 s), then registration (10 s)
    await waitUntilImageAvailable({ client, maxWaitTime: 10, minDelay: 1 }, { ImageIds: [ImageId!] });
    expect((await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'tag:tier', Values: ['web'] }, { Name: 'state', Values: ['available'] }] }))).Images!.map((i) => i.ImageId)).toEqual([ImageId]);
    // Tags through CreateTags / DeleteTags / DescribeTags, on the image and its snapshot.
    await client.send(new CreateTagsCommand({ Resources: [ImageId!, snapshotId], Tags: [{ Key: 'owner', Value: 'alice' }] }));
    const described = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['owner'] }] }));
    expect(described.Tags!.map((x) => [x.ResourceId, x.ResourceType]).sort()).toEqual([[ImageId, 'image'], [snapshotId, 'snapshot']].sort());
    await client.send(new DeleteTagsCommand({ Resources: [snapshotId], Tags: [{ Key: 'owner' }] }));
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))).Snapshots![0].Tags).toEqual([{ Key: 'of', Value: 'web-2026' }]);
    expect((await failure(bobClient.send(new CreateTagsCommand({ Resources: [ImageId!], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidAMIID.NotFound');
    expect((await client.send(new DescribeImagesCommand({ ExecutableUsers: ['all'], Filters: [{ Name: 'image-id', Values: [ImageId!] }] }))).Images).toEqual([]);
    // ExecutableUsers=self (or the caller's account id): the images it owns or that are shared with it, not Amazon's public ones (EC2's reference).
    for (const user of ['self', alice.accountId]) {
      expect((await client.send(new DescribeImagesCommand({ ExecutableUsers: [user] }))).Images!.map((i) => i.ImageId)).toEqual([ImageId]);
    }
    expect((await client.send(new DescribeImagesCommand({ ExecutableUsers: [bob.accountId] }))).Images).toEqual([]);
    // A CreateImage image shows the instance it was made from (SourceInstanceId), and the source-instance-id filter finds it; Amazon's show none.
    const [baked] = (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images!;
    expect(baked.SourceInstanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect((await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'source-instance-id', Values: [baked.SourceInstanceId!] }] }))).Images!.map((i) => i.ImageId)).toEqual([ImageId]);
    expect((await client.send(new DescribeImagesCommand({ ImageIds: [LINUX_AMI] }))).Images![0].SourceInstanceId).toBeUndefined();
    expect((await client.send(new DescribeImagesCommand({ ExecutableUsers: ['all'], Filters: [{ Name: 'image-id', Values: [LINUX_AMI] }] }))).Images!.map((i) => i.ImageId)).toEqual([LINUX_AMI]);

    // Bob: alice's image is exactly as missing.
    const missing = 'ami-00000000000000000';
    for (const id of [ImageId!, missing]) {
      const e = await failure(bobClient.send(new DescribeImagesCommand({ ImageIds: [id] })));
      expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: 'InvalidAMIID.NotFound', status: 400 });
      expect((await failure(bobClient.send(new DeregisterImageCommand({ ImageId: id })))).name).toBe('InvalidAMIID.NotFound');
    }
    expect((await bobClient.send(new DescribeImagesCommand({ Owners: [alice.accountId] }))).Images).toEqual([]);

    // RunInstances from the tenant's own image; bob cannot.
    const run = await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }));
    expect(run.Instances![0]).toMatchObject({ ImageId, PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances' });
    expect((await failure(bobClient.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 })))).name).toBe('InvalidAMIID.NotFound');

    expect((await failure(client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })))).name).toBe('InvalidSnapshot.InUse');
    expect((await failure(client.send(new DeregisterImageCommand({ ImageId: LINUX_AMI })))).name).toBe('UnauthorizedOperation');
    expect((await failure(client.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'web-2026' })))).name).toBe('InvalidAMIName.Duplicate');
    await client.send(new DeregisterImageCommand({ ImageId }));
    expect((await client.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toEqual([]);
    await client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
  });
  it("answers DescribeImageAttribute from what DescribeImages shows: unset attributes empty, launch permissions to the owner only, another tenant's image as a missing one", async () => {
    const instanceId = (await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', volumes: [{ sizeGiB: 8, type: 'gp3' }] }).expect(201))
      .body.instances[0].instanceId;
    await t.advance(20);
    const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'attributes-2026', Description: 'for its attributes', NoReboot: true }));
    const attr = (c: EC2Client, id: string, Attribute: string) => c.send(new DescribeImageAttributeCommand({ ImageId: id, Attribute: Attribute as ImageAttributeName }));
    const [own] = (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images!;
    const [amazon] = (await client.send(new DescribeImagesCommand({ ImageIds: [LINUX_AMI] }))).Images!;

    // Each value is DescribeImages' field of the same image.
    expect(await attr(client, ImageId!, 'description')).toMatchObject({ ImageId, Description: { Value: 'for its attributes' } });
    expect((await attr(client, LINUX_AMI, 'description')).Description).toEqual({ Value: amazon.Description });
    expect((await attr(client, LINUX_AMI, 'imdsSupport')).ImdsSupport).toEqual({ Value: 'v2.0' });
    expect((await attr(client, ImageId!, 'imdsSupport')).ImdsSupport?.Value).toBe(own.ImdsSupport);
    // What DescribeImages shows no value of is unset, an empty element (EC2's answer for an HVM image's kernel, say): nothing invented.
    for (const name of ['kernel', 'ramdisk', 'sriovNetSupport', 'bootMode', 'tpmSupport', 'uefiData', 'lastLaunchedTime', 'deregistrationProtection']) {
      const a = (await attr(client, ImageId!, name)) as unknown as Record<string, { Value?: string } | undefined>;
      expect([name, a.ImageId, Object.values(a).some((x) => typeof x === 'object' && x !== null && 'Value' in x)]).toEqual([name, ImageId, false]);
    }
    expect((await attr(client, ImageId!, 'productCodes')).ProductCodes).toEqual([]);
    // Launch permissions: the owner's own image is shared with no one; Amazon's public image is not the caller's to ask about (EC2: AuthFailure).
    expect((await attr(client, ImageId!, 'launchPermission')).LaunchPermissions).toEqual([]);
    const notOwner = await failure(attr(client, LINUX_AMI, 'launchPermission'));
    expect([notOwner.name, notOwner.message]).toEqual(['AuthFailure', `Not authorized for image:${LINUX_AMI}`]);
    // The reference's deprecated blockDeviceMapping attribute: AuthFailure, as EC2 answers (DescribeImages shows the mapping).
    expect((await failure(attr(client, ImageId!, 'blockDeviceMapping'))).name).toBe('AuthFailure');

    // Bob: alice's image is exactly as a missing one; a malformed id and an unknown attribute are the caller's error.
    const missing = 'ami-00000000000000000';
    const theirs = await failure(attr(bobClient, ImageId!, 'description'));
    const none = await failure(attr(bobClient, missing, 'description'));
    expect([theirs.name, theirs.$metadata.httpStatusCode, theirs.message.replace(ImageId!, 'ID')]).toEqual([none.name, 400, none.message.replace(missing, 'ID')]);
    expect(theirs.name).toBe('InvalidAMIID.NotFound');
    expect((await failure(attr(client, 'ami-nope', 'description'))).name).toBe('InvalidAMIID.Malformed');
    const unknown = await failure(attr(client, ImageId!, 'colour'));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
    // DryRun: would succeed for the owner; bob's is the same NotFound.
    expect((await failure(client.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'description', DryRun: true })))).name).toBe('DryRunOperation');
    expect((await failure(bobClient.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'description', DryRun: true })))).name).toBe('InvalidAMIID.NotFound');
  });

  it('launches an image baked before a restart with its volumes from its snapshots (the catalog reloads its mapping)', async () => {
    // REST launches exactly its volumes: a gp3 root and an io1 data volume at /dev/sdf.
    const instanceId = (await t.as(alice.key).post('/v1/instances', {
      imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', volumes: [{ sizeGiB: 10, type: 'gp3' }, { sizeGiB: 40, type: 'io1', iops: 400 }],
    }).expect(201)).body.instances[0].instanceId;
    await t.advance(20);
    const { ImageId } = await client.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'baked-before-restart', NoReboot: true }));
    await t.advance(90); // the 40 GiB snapshot (70 s), then registration (10 s)
    const mapping = (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0].BlockDeviceMappings!;
    // gp3's 3,000 IOPS and 125 MiB/s by default; io1's as provisioned.
    expect(mapping.map((m) => [m.DeviceName, m.Ebs!.VolumeType, m.Ebs!.VolumeSize, m.Ebs!.Iops, m.Ebs!.Throughput])).toEqual([['/dev/xvda', 'gp3', 10, 3000, 125], ['/dev/sdf', 'io1', 40, 400, undefined]]);
    const snapshots = mapping.map((m) => [m.DeviceName, m.Ebs!.SnapshotId]);

    t = await t.restart();
    client.destroy();
    client = ec2Client(t, alice);
    bobClient.destroy();
    bobClient = ec2Client(t, bob);
    const launched = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0];
    const volumeIds = launched.BlockDeviceMappings!.map((m) => m.Ebs!.VolumeId!);
    const volumes = (await client.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }))).Volumes!;
    expect(launched.BlockDeviceMappings!.map((m) => {
      const v = volumes.find((x) => x.VolumeId === m.Ebs!.VolumeId)!;
      return [m.DeviceName, v.SnapshotId, v.Size, v.VolumeType, v.Iops];
    })).toEqual([['/dev/xvda', snapshots[0][1], 10, 'gp3', 3000], ['/dev/sdf', snapshots[1][1], 40, 'io1', 400]]);
  });

  // The image actions image pipelines call (Packer's amazon-ebs and amazon-ebssurrogate builders, SDK scripts): RegisterImage, CopyImage, the image attributes.
  /** A completed snapshot of a new volume of the tenant's (CreateSnapshot: 30 s + 1 s per GiB). */
  const snapshotOf = async (who: Ec2Tenant, c: EC2Client, sizeGiB: number) => {
    const volumeId = (await t.as(who.key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB, type: 'gp3' }).expect(201)).body.volumeId as string;
    const { SnapshotId } = await c.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
    await t.advance(30 + sizeGiB);
    return SnapshotId!;
  };
  const image = async (c: EC2Client, id: string) => (await c.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0];
  const register = (c: EC2Client, name: string, snapshotId: string, extra: Record<string, unknown> = {}) => c.send(new RegisterImageCommand({
    Name: name, Architecture: 'x86_64', VirtualizationType: 'hvm', RootDeviceName: '/dev/xvda',
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId, VolumeSize: 10, VolumeType: 'gp3', DeleteOnTermination: true } }], ...extra,
  }));

  it('registers an image from a snapshot of a volume: pending, then available; launched as Linux/UNIX with its root from the snapshot; the snapshot is in use', async () => {
    const snapshotId = await snapshotOf(alice, client, 8);
    const { ImageId } = await register(client, 'packer-surrogate-1', snapshotId, {
      Description: 'from a snapshot', EnaSupport: true, BootMode: 'uefi', TpmSupport: 'v2.0', SriovNetSupport: 'simple',
      TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'built-by', Value: 'packer' }] }],
    });
    expect(ImageId).toMatch(/^ami-[0-9a-f]{17}$/);
    expect(await image(client, ImageId!)).toMatchObject({
      State: 'pending', Name: 'packer-surrogate-1', Description: 'from a snapshot', OwnerId: alice.accountId, Public: false, Architecture: 'x86_64',
      RootDeviceName: '/dev/xvda', RootDeviceType: 'ebs', VirtualizationType: 'hvm', EnaSupport: true, BootMode: 'uefi', TpmSupport: 'v2.0', SriovNetSupport: 'simple',
      // EC2 keeps a billing code only through CreateImage and CopyImage: a registered image is Linux/UNIX.
      PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances', Tags: [{ Key: 'built-by', Value: 'packer' }],
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId, VolumeSize: 10, VolumeType: 'gp3', Iops: 3000, Throughput: 125, DeleteOnTermination: true, Encrypted: false } }],
    });
    expect((await failure(client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 })))).name).toBe('InvalidAMIID.Unavailable');
    await t.advance(10); // it registers 10 s after its (completed) snapshot
    await waitUntilImageAvailable({ client, maxWaitTime: 10, minDelay: 1 }, { ImageIds: [ImageId!] });
    expect((await client.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'bootMode' }))).BootMode).toEqual({ Value: 'uefi' });

    const launched = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0];
    expect(launched).toMatchObject({ ImageId, PlatformDetails: 'Linux/UNIX', UsageOperation: 'RunInstances' });
    const root = (await client.send(new DescribeVolumesCommand({ VolumeIds: [launched.BlockDeviceMappings![0].Ebs!.VolumeId!] }))).Volumes![0];
    expect([root.SnapshotId, root.Size, root.VolumeType]).toEqual([snapshotId, 10, 'gp3']);
    // The image maps the snapshot: it cannot be deleted under it (any image that maps it, not only the one it was made for).
    expect((await failure(client.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })))).name).toBe('InvalidSnapshot.InUse');
    expect((await failure(register(client, 'packer-surrogate-1', snapshotId))).name).toBe('InvalidAMIName.Duplicate');
    // Without an architecture, EC2's default for an EBS-backed image: i386.
    const { ImageId: i386 } = await client.send(new RegisterImageCommand({
      Name: 'no-architecture', VirtualizationType: 'hvm', RootDeviceName: '/dev/sda1', BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snapshotId } }],
    }));
    expect(await image(client, i386!)).toMatchObject({ Architecture: 'i386', RootDeviceName: '/dev/sda1', BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { VolumeSize: 8, VolumeType: 'gp2' } }] });
  });

  it("refuses to launch a type that requires ENA (t3, m5, c5) from an image registered with EnaSupport=false, with EC2's InvalidParameterCombination, on RunInstances, its dry run, REST and a type change; t2 launches it", async () => {
    await t.hosts('t2-host', 'us-east-1a');
    const { ImageId } = await register(client, 'no-ena', await snapshotOf(alice, client, 8), { EnaSupport: false });
    await t.advance(10);
    expect((await image(client, ImageId!)).EnaSupport).toBe(false);
    const enaRequired = (type: string) => `Enhanced networking with the Elastic Network Adapter (ENA) is required for the '${type}' instance type. Ensure that you are using an AMI that is enabled for ENA.`;
    for (const type of ['t3.micro', 'm5.large', 'c5.large']) {
      const refused = await failure(client.send(new RunInstancesCommand({ ImageId, InstanceType: type as never, MinCount: 1, MaxCount: 1 })));
      expect({ name: refused.name, message: refused.message, status: refused.$metadata.httpStatusCode }).toEqual({ name: 'InvalidParameterCombination', message: enaRequired(type), status: 400 });
    }
    const dry = await failure(client.send(new RunInstancesCommand({ ImageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, DryRun: true })));
    expect({ name: dry.name, message: dry.message }).toEqual({ name: 'InvalidParameterCombination', message: enaRequired('t3.micro') });
    const rest = await t.as(alice.key).post('/v1/instances', { imageId: ImageId, instanceType: 'm5.large', minCount: 1, maxCount: 1 });
    expect(expectError(rest, 400, 'InvalidParameterCombination').message).toBe(enaRequired('m5.large'));
    expect((await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'image-id', Values: [ImageId!] }] }))).Reservations).toEqual([]);

    // t2 has no ENA: it launches the image; stopped, it cannot become a t3.
    const id = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 't2.micro', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0].InstanceId!;
    await t.advance(60);
    await client.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await t.advance(60);
    const resize = await failure(client.send(new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: 't3.micro' } })));
    expect({ name: resize.name, message: resize.message }).toEqual({ name: 'InvalidParameterCombination', message: enaRequired('t3.micro') });
    const [after] = (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances!;
    expect([after.InstanceType, after.State!.Name]).toEqual(['t2.micro', 'stopped']);
    // The instance has the image's ENA support, as EC2 sets it at launch: off, in the describe and the attribute.
    expect(after.EnaSupport).toBe(false);
    expect((await client.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'enaSupport' }))).EnaSupport).toEqual({ Value: false });
  });

  it("bills a registered image's launches as Linux/UNIX even from a Windows instance's root, and a copy's as its source's (Windows)", async () => {
    const windows = (await client.send(new RunInstancesCommand({ ImageId: WINDOWS_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances![0];
    await t.advance(200);
    const { ImageId: baked } = await client.send(new CreateImageCommand({ InstanceId: windows.InstanceId, Name: 'windows-baked', NoReboot: true }));
    await t.advance(30 + 30 + 10); // its 30 GiB root's snapshot, then registration
    const [bakedImage] = (await client.send(new DescribeImagesCommand({ ImageIds: [baked!] }))).Images!;
    expect([bakedImage.State, bakedImage.PlatformDetails, bakedImage.UsageOperation]).toEqual(['available', 'Windows', 'RunInstances:0002']);

    // The Windows root's snapshot registered as an image: EC2 does not keep its billing code.
    const rootSnapshot = bakedImage.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    const { ImageId: registered } = await client.send(new RegisterImageCommand({
      Name: 'windows-root-registered', Architecture: 'x86_64', VirtualizationType: 'hvm', RootDeviceName: '/dev/sda1', BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: rootSnapshot } }],
    }));
    // CopyImage keeps it.
    const { ImageId: copied } = await client.send(new CopyImageCommand({ SourceImageId: baked, SourceRegion: 'us-east-1', Name: 'windows-copied' }));
    await t.advance(30 + 30 + 10);
    const launch = async (imageId: string) => (await client.send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0];
    const fromRegistered = await launch(registered!);
    const fromCopy = await launch(copied!);
    expect([fromRegistered.PlatformDetails, fromRegistered.UsageOperation, fromRegistered.Platform]).toEqual(['Linux/UNIX', 'RunInstances', undefined]);
    expect([fromCopy.PlatformDetails, fromCopy.UsageOperation, fromCopy.Platform]).toEqual(['Windows', 'RunInstances:0002', 'windows']);
    // Billing prices each launch by that platform: an hour of m5.large is $0.096 on Linux and $0.188 on Windows (us-east-1 On-Demand).
    const byInstance = async (id: string) => (await t.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body.platform;
    expect([await byInstance(fromRegistered.InstanceId!), await byInstance(fromCopy.InstanceId!)]).toEqual(['linux', 'windows']);
  });

  it('copies an image with its snapshots (the tenant\'s, billed), idempotently by ClientToken; a public Linux AMI too, not a Windows one; another tenant\'s is a missing one', async () => {
    const snapshotId = await snapshotOf(alice, client, 6);
    const { ImageId: source } = await register(client, 'copy-source', snapshotId, { TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'team', Value: 'a' }] }] });
    await t.advance(10);
    const request = { SourceImageId: source, SourceRegion: 'us-east-1', Name: 'copy-1', Description: 'a copy', ClientToken: 'copy-token-1', CopyImageTags: true,
      TagSpecifications: [{ ResourceType: 'snapshot' as const, Tags: [{ Key: 'copied', Value: 'yes' }] }] };
    const first = await client.send(new CopyImageCommand(request));
    const again = await client.send(new CopyImageCommand(request));
    expect(again.ImageId).toBe(first.ImageId);
    expect((await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['copy-1'] }] }))).Images!.map((i) => i.ImageId)).toEqual([first.ImageId]);
    expect((await failure(client.send(new CopyImageCommand({ ...request, Name: 'copy-2' })))).name).toBe('IdempotentParameterMismatch');

    const copy = await image(client, first.ImageId!);
    expect(copy).toMatchObject({
      State: 'pending', Name: 'copy-1', Description: 'a copy', SourceImageId: source, SourceImageRegion: 'us-east-1', OwnerId: alice.accountId,
      PlatformDetails: 'Linux/UNIX', Tags: [{ Key: 'team', Value: 'a' }],
    });
    const copiedSnapshot = copy.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    expect(copiedSnapshot).not.toBe(snapshotId);
    expect(copy.BlockDeviceMappings![0].Ebs).toMatchObject({ VolumeSize: 10, VolumeType: 'gp3' });
    // The copy's snapshot is a new snapshot of the tenant's, of its source's size, pending then completed; the image after it.
    const [snap] = (await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [copiedSnapshot] }))).Snapshots!;
    expect(snap).toMatchObject({ OwnerId: alice.accountId, VolumeSize: 6, State: 'pending', Tags: [{ Key: 'copied', Value: 'yes' }] });
    expect((await failure(bobClient.send(new DescribeSnapshotsCommand({ SnapshotIds: [copiedSnapshot] })))).name).toBe('InvalidSnapshot.NotFound');
    await t.advance(36 + 10); // 30 s + 6 × 1 s, then registration
    await waitUntilImageAvailable({ client, maxWaitTime: 10, minDelay: 1 }, { ImageIds: [first.ImageId!] });
    expect((await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'source-image-id', Values: [source!] }] }))).Images!.map((i) => i.ImageId)).toEqual([first.ImageId]);
    // Its snapshot storage is billed from the copy on (carol's only snapshot: a copy of Amazon Linux's 8 GiB root): an hour of it is
    // 8 GiB × 1 h / the month's hours, at $0.05 per GiB-month.
    const carol = await ec2Tenant(t, 'carol');
    const carolClient = ec2Client(t, carol);
    const from = Date.parse((await t.admin().get('/v1/admin/clock').expect(200)).body.now);
    await carolClient.send(new CopyImageCommand({ SourceImageId: LINUX_AMI, SourceRegion: 'us-east-1', Name: 'carol-al2023' }));
    carolClient.destroy();
    await t.advance(3600);
    const month = new Date(from);
    const monthMs = Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1) - Date.UTC(month.getUTCFullYear(), month.getUTCMonth(), 1);
    const usage = (await t.as(carol.key).get('/v1/usage').query({ groupBy: 'type', from: new Date(from).toISOString(), to: new Date(from + 3_600_000).toISOString() }).expect(200)).body.usage;
    const snapshotUsage = usage.filter((u: { usageType: string }) => u.usageType === 'EBS:SnapshotUsage');
    expect(snapshotUsage).toHaveLength(1);
    expect(Number(snapshotUsage[0].quantity)).toBeCloseTo((8 * 3_600_000) / monthMs, 6);

    // A public Linux/UNIX AMI can be copied: its root snapshot (Amazon's, 8 GiB) becomes the tenant's.
    const { ImageId: publicCopy } = await client.send(new CopyImageCommand({ SourceImageId: LINUX_AMI, SourceRegion: 'us-east-1', Name: 'al2023-copy' }));
    const publicCopied = await image(client, publicCopy!);
    expect(publicCopied).toMatchObject({ Public: false, OwnerId: alice.accountId, PlatformDetails: 'Linux/UNIX', SourceImageId: LINUX_AMI, ImdsSupport: 'v2.0', RootDeviceName: '/dev/xvda' });
    expect(publicCopied.ImageOwnerAlias).toBeUndefined();
    const rootCopy = publicCopied.BlockDeviceMappings![0].Ebs!.SnapshotId!;
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [rootCopy] }))).Snapshots![0]).toMatchObject({ VolumeSize: 8, OwnerId: alice.accountId });
    // A public Windows AMI has a billing code: EC2 copies no shared AMI with one.
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: WINDOWS_AMI, SourceRegion: 'us-east-1', Name: 'windows-copy' })))).name).toBe('InvalidRequest');

    // Bob: alice's image is exactly a missing one; another region is not simulated.
    const theirs = await failure(bobClient.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-east-1', Name: 'stolen' })));
    const missing = await failure(bobClient.send(new CopyImageCommand({ SourceImageId: 'ami-00000000000000000', SourceRegion: 'us-east-1', Name: 'stolen' })));
    expect([theirs.name, theirs.message.replace(source!, 'ID')]).toEqual([missing.name, missing.message.replace('ami-00000000000000000', 'ID')]);
    expect(theirs.name).toBe('InvalidAMIID.NotFound');
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'eu-west-1', Name: 'x-region' })))).name).toBe('UnsupportedOperation');
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-east-1', Name: 'keyed', KmsKeyId: 'alias/aws/ebs' })))).name).toBe('InvalidParameterDependency');
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-east-1', Name: 'dry', DryRun: true })))).name).toBe('DryRunOperation');
    expect((await client.send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['dry'] }] }))).Images).toEqual([]);
  });

  it("refuses what RegisterImage cannot simulate, and another tenant's snapshot as a missing one", async () => {
    const snapshotId = await snapshotOf(alice, client, 4);
    const code = async (p: Promise<unknown>) => (await failure(p)).name;
    const bobs = await failure(register(bobClient, 'not-mine', snapshotId));
    const none = await failure(register(bobClient, 'not-mine', 'snap-00000000000000000'));
    expect([bobs.name, bobs.message.replace(snapshotId, 'ID')]).toEqual(['InvalidSnapshot.NotFound', none.message.replace('snap-00000000000000000', 'ID')]);
    expect(await code(register(client, 'pv', snapshotId, { VirtualizationType: 'paravirtual' }))).toBe('UnsupportedOperation');
    expect(await code(register(client, 'no-virt', snapshotId, { VirtualizationType: undefined }))).toBe('UnsupportedOperation');
    expect(await code(register(client, 's3', snapshotId, { ImageLocation: 'bucket/image.manifest.xml' }))).toBe('UnsupportedOperation');
    expect(await code(register(client, 'billed', snapshotId, { BillingProducts: ['bp-6ba54002'] }))).toBe('UnsupportedOperation');
    expect(await code(register(client, 'kernel', snapshotId, { KernelId: 'aki-88aa75e1' }))).toBe('UnsupportedOperation');
    expect(await code(register(client, 'x', snapshotId))).toBe('InvalidAMIName.Malformed');
    expect(await code(register(client, 'small', snapshotId, { BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snapshotId, VolumeSize: 2 } }] }))).toBe('InvalidBlockDeviceMapping');
    expect(await code(register(client, 'no-root', snapshotId, { BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { SnapshotId: snapshotId } }] }))).toBe('InvalidBlockDeviceMapping');
    expect(await code(register(client, 'tpm', snapshotId, { TpmSupport: 'v2.0', BootMode: 'legacy-bios' }))).toBe('InvalidParameterCombination');
    expect(await code(register(client, 'dry', snapshotId, { DryRun: true }))).toBe('DryRunOperation');
    expect((await client.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['dry', 'pv', 'billed'] }] }))).Images).toEqual([]);
  });

  it('modifies and resets image attributes: the description persists across a restart, IMDSv2 is required of its launches, sharing is refused, owner only', async () => {
    const snapshotId = await snapshotOf(alice, client, 4);
    const { ImageId } = await register(client, 'attributes-image', snapshotId, { Description: 'before' });
    await t.advance(10);
    await client.send(new ModifyImageAttributeCommand({ ImageId, Description: { Value: 'after' } }));
    const describeAttribute = async (c: EC2Client, Attribute: 'description' | 'launchPermission') => c.send(new DescribeImageAttributeCommand({ ImageId, Attribute }));
    expect((await describeAttribute(client, 'description')).Description).toEqual({ Value: 'after' });
    await client.send(new ModifyImageAttributeCommand({ ImageId, Attribute: 'description', Value: 'by attribute' }));
    expect((await image(client, ImageId!)).Description).toBe('by attribute');

    // Sharing with an account or making it public: refused, as snapshot sharing is; removing from the empty list and resetting leave it empty.
    for (const change of [
      { LaunchPermission: { Add: [{ Group: 'all' as const }] } }, { LaunchPermission: { Add: [{ UserId: bob.accountId }] } },
      { Attribute: 'launchPermission', OperationType: 'add' as const, UserIds: [bob.accountId] },
    ]) {
      const refused = await failure(client.send(new ModifyImageAttributeCommand({ ImageId, ...change })));
      expect([refused.name, refused.message]).toEqual(['UnsupportedOperation', "Nimbus does not support sharing images with other accounts or making them public (launchPermission add): a tenant's images are its own."]);
    }
    await client.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Remove: [{ UserId: bob.accountId }] } }));
    await client.send(new ResetImageAttributeCommand({ ImageId, Attribute: 'launchPermission' }));
    expect((await describeAttribute(client, 'launchPermission')).LaunchPermissions).toEqual([]);
    expect((await failure(client.send(new ResetImageAttributeCommand({ ImageId, Attribute: 'description' as 'launchPermission' })))).name).toBe('InvalidParameterValue');
    expect((await failure(client.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ UserId: '12' }] } })))).name).toBe('InvalidUserID.Malformed');
    expect((await failure(client.send(new ModifyImageAttributeCommand({ ImageId, ProductCodes: ['abc'] })))).name).toBe('UnsupportedOperation');

    // Owner only: Amazon's image is EC2's AuthFailure; alice's is, to bob, a missing one.
    expect((await failure(client.send(new ModifyImageAttributeCommand({ ImageId: LINUX_AMI, Description: { Value: 'mine now' } })))).name).toBe('AuthFailure');
    for (const c of [new ModifyImageAttributeCommand({ ImageId, Description: { Value: 'bob was here' } }), new ResetImageAttributeCommand({ ImageId, Attribute: 'launchPermission' })]) {
      expect((await failure(bobClient.send(c as ModifyImageAttributeCommand))).name).toBe('InvalidAMIID.NotFound');
    }
    expect((await failure(client.send(new ModifyImageAttributeCommand({ ImageId, Description: { Value: 'dry' }, DryRun: true })))).name).toBe('DryRunOperation');

    // IMDSv2 required from now on: its launches get session tokens required.
    await client.send(new ModifyImageAttributeCommand({ ImageId, ImdsSupport: { Value: 'v2.0' } }));
    const launched = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(launched.MetadataOptions?.HttpTokens).toBe('required');

    t = await t.restart();
    client.destroy();
    client = ec2Client(t, alice);
    bobClient.destroy();
    bobClient = ec2Client(t, bob);
    expect(await image(client, ImageId!)).toMatchObject({ Description: 'by attribute', ImdsSupport: 'v2.0', State: 'available' });
    const again = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(again.MetadataOptions?.HttpTokens).toBe('required');
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [again.InstanceId!] }))).Reservations![0].Instances![0].ImageId).toBe(ImageId);
  });
});
