import {
  CopyImageCommand, CreateImageCommand, CreateSnapshotCommand, DeleteSnapshotCommand, DescribeImageAttributeCommand, DescribeImagesCommand, DescribeInstancesCommand,
  DescribeSnapshotsCommand, DescribeVolumesCommand, EC2Client, ModifyImageAttributeCommand, RegisterImageCommand, ResetImageAttributeCommand, RunInstancesCommand,
  waitUntilImageAvailable,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

/**
 * The image actions image pipelines call (Packer's amazon-ebs and amazon-ebssurrogate builders, SDK
 * scripts) through the JS SDK: RegisterImage from a snapshot, CopyImage, Modify/ResetImageAttribute.
 */
describe('EC2 image pipelines: RegisterImage, CopyImage, image attributes (JS SDK)', () => {
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

    // Bob: alice's image is exactly a missing one; another region and encryption are not simulated.
    const theirs = await failure(bobClient.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-east-1', Name: 'stolen' })));
    const missing = await failure(bobClient.send(new CopyImageCommand({ SourceImageId: 'ami-00000000000000000', SourceRegion: 'us-east-1', Name: 'stolen' })));
    expect([theirs.name, theirs.message.replace(source!, 'ID')]).toEqual([missing.name, missing.message.replace('ami-00000000000000000', 'ID')]);
    expect(theirs.name).toBe('InvalidAMIID.NotFound');
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'eu-west-1', Name: 'x-region' })))).name).toBe('UnsupportedOperation');
    expect((await failure(client.send(new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-east-1', Name: 'encrypted', Encrypted: true })))).name).toBe('UnsupportedOperation');
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
    expect(await image(client, ImageId!)).toMatchObject({ Description: 'by attribute', ImdsSupport: 'v2.0', State: 'available' });
    const again = (await client.send(new RunInstancesCommand({ ImageId, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(again.MetadataOptions?.HttpTokens).toBe('required');
    expect((await client.send(new DescribeInstancesCommand({ InstanceIds: [again.InstanceId!] }))).Reservations![0].Instances![0].ImageId).toBe(ImageId);
  });
});
