import {
  CopyImageCommand, CopySnapshotCommand, CreateImageCommand, CreateLaunchTemplateCommand, CreateSnapshotCommand, CreateVolumeCommand, DescribeImagesCommand,
  DescribeSnapshotsCommand, DescribeVolumesCommand, DisableEbsEncryptionByDefaultCommand, EC2Client, EnableEbsEncryptionByDefaultCommand, GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand, ModifyEbsDefaultKmsKeyIdCommand, ModifyImageAttributeCommand, ModifySnapshotAttributeCommand, ResetEbsDefaultKmsKeyIdCommand,
  RunInstancesCommand, TerminateInstancesCommand, Volume,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI } from '../support/app';
import { closeTwoTenantApp, failure, TwoTenantApp, twoTenantApp, withNewTenant } from './ec2-support';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_KEY = 'abcd1234-a123-456a-a12b-a123b4cd56ef';
const KEY_ARN = /^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Amazon EBS encryption through the JS SDK (EBS User Guide, "Amazon EBS encryption"; docs/ec2.md). */
describe('EC2 EBS encryption (JS SDK)', () => {
  let app: TwoTenantApp;
  let ec2: EC2Client;
  beforeAll(async () => {
    app = await twoTenantApp([['us-east-1a', 2]]);
    ec2 = app.ec2;
  });
  afterAll(() => closeTwoTenantApp(app));

  const volumeOf = async (c: EC2Client, VolumeId: string): Promise<Volume> => (await c.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId] }))).Volumes![0];
  const keyOf = (v: Volume) => [v.Encrypted, v.KmsKeyId];
  const managedKey = async (c: EC2Client) => (await c.send(new GetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId!;
  const create = (c: EC2Client, input: Partial<ConstructorParameters<typeof CreateVolumeCommand>[0]> = {}) =>
    c.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 8, VolumeType: 'gp3', ...input }));
  /** A completed snapshot of the volume (30 s + 1 s per GiB of simulated time). */
  const snapshotOf = async (c: EC2Client, VolumeId: string, sizeGiB = 8) => {
    const { SnapshotId } = await c.send(new CreateSnapshotCommand({ VolumeId }));
    await app.t.advance(30 + sizeGiB);
    return SnapshotId!;
  };

  it('creates encrypted volumes with the AWS managed key or a key named in any of its forms, shows them, and filters on encrypted', async () => {
    const managed = await managedKey(ec2);
    expect(managed).toMatch(KEY_ARN);
    expect(managed).toContain(`:${app.alice.accountId}:key/`);
    // Another account's AWS managed key is another key.
    expect(await managedKey(app.bobEc2)).not.toBe(managed);

    const plain = await create(ec2);
    expect(keyOf(plain)).toEqual([false, undefined]);
    const byManaged = await create(ec2, { Encrypted: true });
    expect(keyOf(byManaged)).toEqual([true, managed]);
    expect(keyOf(await volumeOf(ec2, byManaged.VolumeId!))).toEqual([true, managed]);
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: 'alias/aws/ebs' }))).toEqual([true, managed]);
    const ownKeyArn = `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${KEY}`;
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: KEY }))).toEqual([true, ownKeyArn]);
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: ownKeyArn }))).toEqual([true, ownKeyArn]);
    const aliased = await create(ec2, { Encrypted: true, KmsKeyId: 'alias/team-key' });
    expect(aliased.KmsKeyId).toMatch(KEY_ARN);
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: `arn:aws:kms:us-east-1:${app.alice.accountId}:alias/team-key` }))).toEqual([true, aliased.KmsKeyId]);
    // Bob's key ARN is just a key ARN: it is taken as given, and says nothing of bob.
    const bobsKey = `arn:aws:kms:us-east-1:${app.bob.accountId}:key/${OTHER_KEY}`;
    const strangersKey = `arn:aws:kms:us-east-1:999999999999:key/${OTHER_KEY}`;
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: bobsKey }))).toEqual([true, bobsKey]);
    expect(keyOf(await create(ec2, { Encrypted: true, KmsKeyId: strangersKey }))).toEqual([true, strangersKey]);

    const encryptedIds = async (value: string) => (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'encrypted', Values: [value] }] }))).Volumes!.map((v) => v.VolumeId);
    expect(await encryptedIds('false')).toEqual([plain.VolumeId]);
    expect(await encryptedIds('true')).toHaveLength(8);
    expect(await encryptedIds('true')).toContain(byManaged.VolumeId);
  });

  it("refuses a KmsKeyId without Encrypted=true with EC2's error, and a key in no form EC2 takes", async () => {
    for (const Encrypted of [undefined, false]) {
      const e = await failure(create(ec2, { Encrypted, KmsKeyId: KEY }));
      expect({ name: e.name, status: e.$metadata.httpStatusCode, message: e.message })
        .toEqual({ name: 'InvalidParameterDependency', status: 400, message: 'The parameter KmsKeyId requires the parameter Encrypted to be set.' });
    }
    // A client token names the volume it made: the same encrypted request answers it, another key is another request.
    const first = await create(ec2, { Encrypted: true, KmsKeyId: KEY, ClientToken: 'enc-1' });
    expect((await create(ec2, { Encrypted: true, KmsKeyId: KEY, ClientToken: 'enc-1' })).VolumeId).toBe(first.VolumeId);
    expect((await failure(create(ec2, { Encrypted: true, KmsKeyId: OTHER_KEY, ClientToken: 'enc-1' }))).name).toBe('IdempotentParameterMismatch');
    const plain = await create(ec2, { ClientToken: 'plain-1' });
    expect((await failure(create(ec2, { ClientToken: 'plain-1', Encrypted: true }))).name).toBe('IdempotentParameterMismatch');
    // Encryption by default turned on since changes nothing of the request: the same token answers the plain volume.
    await ec2.send(new EnableEbsEncryptionByDefaultCommand({}));
    expect((await create(ec2, { ClientToken: 'plain-1' })).VolumeId).toBe(plain.VolumeId);
    await ec2.send(new DisableEbsEncryptionByDefaultCommand({}));
    for (const KmsKeyId of ['not-a-key', `arn:aws:kms:eu-west-1:${app.alice.accountId}:key/${KEY}`]) {
      const e = await failure(create(ec2, { Encrypted: true, KmsKeyId }));
      expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: 'InvalidParameterValue', status: 400 });
    }
  });

  it("inherits a snapshot's key: a snapshot of an encrypted volume, a volume of it (Encrypted=false too), re-encrypted only by a KmsKeyId", async () => {
    const keyArn = `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${KEY}`;
    const volume = await create(ec2, { Encrypted: true, KmsKeyId: KEY });
    const snapshotId = await snapshotOf(ec2, volume.VolumeId!);
    const [snapshot] = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))).Snapshots!;
    expect([snapshot.Encrypted, snapshot.KmsKeyId]).toEqual([true, keyArn]);
    const encryptedSnapshots = (await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'encrypted', Values: ['true'] }] }))).Snapshots!.map((s) => s.SnapshotId);
    expect(encryptedSnapshots).toEqual([snapshotId]);

    expect(keyOf(await create(ec2, { SnapshotId: snapshotId }))).toEqual([true, keyArn]);
    expect(keyOf(await create(ec2, { SnapshotId: snapshotId, Encrypted: false }))).toEqual([true, keyArn]);
    expect(keyOf(await create(ec2, { SnapshotId: snapshotId, Encrypted: true }))).toEqual([true, keyArn]);
    const otherArn = `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${OTHER_KEY}`;
    expect(keyOf(await create(ec2, { SnapshotId: snapshotId, Encrypted: true, KmsKeyId: OTHER_KEY }))).toEqual([true, otherArn]);

    // A plain snapshot's volume is plain unless asked.
    const plainSnapshot = await snapshotOf(ec2, (await create(ec2)).VolumeId!);
    expect(keyOf(await create(ec2, { SnapshotId: plainSnapshot }))).toEqual([false, undefined]);
    expect(keyOf(await create(ec2, { SnapshotId: plainSnapshot, Encrypted: true }))).toEqual([true, await managedKey(ec2)]);
  });

  it('copies a plain snapshot encrypted, keeps a copy of an encrypted one encrypted, and copies an image with its snapshots encrypted', async () => {
    const plainSnapshot = await snapshotOf(ec2, (await create(ec2)).VolumeId!);
    const copy = async (input: Partial<ConstructorParameters<typeof CopySnapshotCommand>[0]>) => {
      const { SnapshotId } = await ec2.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: plainSnapshot, ...input }));
      const [s] = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId!] }))).Snapshots!;
      return { id: SnapshotId!, key: [s.Encrypted, s.KmsKeyId] };
    };
    expect((await copy({})).key).toEqual([false, undefined]);
    const keyArn = `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${KEY}`;
    const encrypted = await copy({ Encrypted: true, KmsKeyId: KEY });
    expect(encrypted.key).toEqual([true, keyArn]);
    expect((await copy({ Encrypted: true })).key).toEqual([true, await managedKey(ec2)]);
    await app.t.advance(40);
    const { SnapshotId: copyOfEncrypted } = await ec2.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: encrypted.id, Encrypted: false }));
    expect((await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [copyOfEncrypted!] }))).Snapshots![0].KmsKeyId).toBe(keyArn);

    // CopyImage of the public Linux AMI, encrypted: its root snapshot's copy is encrypted, and its mapping says so.
    const { ImageId } = await ec2.send(new CopyImageCommand({ SourceImageId: LINUX_AMI, SourceRegion: 'us-east-1', Name: 'encrypted-linux', Encrypted: true, KmsKeyId: KEY }));
    const [image] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images!;
    expect(image.BlockDeviceMappings!.map((m) => [m.Ebs!.Encrypted, m.Ebs!.KmsKeyId])).toEqual([[true, keyArn]]);
    const [snapshot] = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [image.BlockDeviceMappings![0].Ebs!.SnapshotId!] }))).Snapshots!;
    expect([snapshot.Encrypted, snapshot.KmsKeyId]).toEqual([true, keyArn]);
    const filtered = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'block-device-mapping.encrypted', Values: ['true'] }] }))).Images!;
    expect(filtered.map((i) => i.ImageId)).toEqual([ImageId]);
  });

  it('launches with an encrypted root and data volume (RunInstances and a launch template), and images them encrypted', async () => {
    const keyArn = `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${KEY}`;
    const run = await ec2.send(new RunInstancesCommand({
      ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }, { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 4, Encrypted: true, KmsKeyId: KEY } }],
    }));
    const instanceId = run.Instances![0].InstanceId!;
    const attached = async (id: string) => (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }))).Volumes!
      .map((v) => [v.Attachments![0].Device, v.Encrypted, v.KmsKeyId]).sort();
    expect(await attached(instanceId)).toEqual([['/dev/sdf', true, keyArn], ['/dev/xvda', true, await managedKey(ec2)]]);
    await app.t.advance(60); // booted: an image is of a running (or stopped) instance

    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'encrypted-root', NoReboot: true }));
    const [image] = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images!;
    expect(image.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs!.Encrypted, m.Ebs!.KmsKeyId]).sort()).toEqual([['/dev/sdf', true, keyArn], ['/dev/xvda', true, await managedKey(ec2)]]);

    await ec2.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'encrypted-data',
      LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro', BlockDeviceMappings: [{ DeviceName: '/dev/sdg', Ebs: { VolumeSize: 2, Encrypted: true, KmsKeyId: OTHER_KEY } }] },
    }));
    const fromTemplate = await ec2.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'encrypted-data' }, MinCount: 1, MaxCount: 1 }));
    const templated = fromTemplate.Instances![0].InstanceId!;
    expect(await attached(templated)).toEqual([['/dev/sdg', true, `arn:aws:kms:us-east-1:${app.alice.accountId}:key/${OTHER_KEY}`], ['/dev/xvda', false, undefined]]);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId, templated] }));
  });

  it("refuses EC2's way to share a snapshot or image encrypted with the AWS managed key, or to make an encrypted one public", async () => {
    const managedSnapshot = await snapshotOf(ec2, (await create(ec2, { Encrypted: true })).VolumeId!);
    const customSnapshot = await snapshotOf(ec2, (await create(ec2, { Encrypted: true, KmsKeyId: KEY })).VolumeId!);
    const share = async (SnapshotId: string, who: { UserId?: string; Group?: 'all' }) => {
      const e = await failure(ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId, CreateVolumePermission: { Add: [who] } })));
      return [e.name, e.message];
    };
    expect(await share(managedSnapshot, { UserId: app.bob.accountId })).toEqual(['OperationNotPermitted', 'Encrypted snapshots with EBS default key cannot be shared']);
    expect((await share(customSnapshot, { Group: 'all' }))[0]).toBe('OperationNotPermitted');
    // A customer key's snapshot could be shared on EC2: Nimbus shares no snapshot, and says so.
    expect((await share(customSnapshot, { UserId: app.bob.accountId }))[0]).toBe('UnsupportedOperation');

    const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true } }] }));
    await app.t.advance(60);
    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: run.Instances![0].InstanceId!, Name: 'managed-root', NoReboot: true }));
    const shareImage = async (who: { UserId?: string; Group?: 'all' }) => (await failure(ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [who] } })))).name;
    expect(await shareImage({ UserId: app.bob.accountId })).toBe('InvalidParameter');
    expect(await shareImage({ Group: 'all' })).toBe('UnsupportedOperation');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [run.Instances![0].InstanceId!] }));
  });

  it('encrypts every new volume by default when the account turns it on, with its default key, until it turns it off', async () => {
    await withNewTenant(app.t, 'carol', async (c) => {
      const managed = await managedKey(c);
      expect((await c.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(false);
      // A volume made before: plain (and the setting, once read by a command, is what the next change must replace).
      expect(keyOf(await create(c))).toEqual([false, undefined]);
      expect((await c.send(new EnableEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(true);
      expect((await c.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(true);
      // Another account's setting is its own.
      expect((await app.bobEc2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(false);

      expect(keyOf(await create(c))).toEqual([true, managed]);
      expect(keyOf(await create(c, { Encrypted: false }))).toEqual([true, managed]);
      const run = await c.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 2 } }],
      }));
      const volumes = (await c.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [run.Instances![0].InstanceId!] }] }))).Volumes!;
      expect(volumes.map(keyOf)).toEqual([[true, managed], [true, managed]]);

      const chosen = (await c.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: 'alias/team-key' }))).KmsKeyId!;
      expect(chosen).toMatch(KEY_ARN);
      expect(chosen).not.toBe(managed);
      expect(await managedKey(c)).toBe(chosen);
      expect(keyOf(await create(c))).toEqual([true, chosen]);
      expect((await c.send(new ResetEbsDefaultKmsKeyIdCommand({}))).KmsKeyId).toBe(managed);
      expect(keyOf(await create(c))).toEqual([true, managed]);

      expect((await c.send(new DisableEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault).toBe(false);
      expect(keyOf(await create(c))).toEqual([false, undefined]);
      expect((await failure(c.send(new ModifyEbsDefaultKmsKeyIdCommand({ KmsKeyId: 'nope' })))).name).toBe('InvalidParameterValue');
      await c.send(new TerminateInstancesCommand({ InstanceIds: [run.Instances![0].InstanceId!] }));
    });
  });
});
