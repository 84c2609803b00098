import {
  CopySnapshotCommand, CreateSnapshotCommand, CreateVolumeCommand, DeleteSnapshotCommand, DescribeSnapshotAttributeCommand, DescribeSnapshotsCommand, DescribeVolumeAttributeCommand,
  DescribeVolumesCommand, DescribeVolumeStatusCommand, EC2Client, ModifySnapshotAttributeCommand, ModifyVolumeAttributeCommand, ResetSnapshotAttributeCommand,
  waitUntilSnapshotCompleted, waitUntilVolumeAvailable,
} from '@aws-sdk/client-ec2';
import { startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

/** CopySnapshot, DescribeVolumeStatus and the volume and snapshot attributes through the JS SDK. */
describe('EC2 storage: snapshot copies, volume status, volume and snapshot attributes (JS SDK)', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let client: EC2Client;
  let bobClient: EC2Client;
  beforeAll(async () => {
    t = await startApp();
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

  /** A completed snapshot of a new volume of alice's (30 s + 1 s per GiB of simulated time). */
  async function completedSnapshot(sizeGiB: number): Promise<string> {
    const { VolumeId } = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: sizeGiB, VolumeType: 'gp3' }));
    const { SnapshotId } = await client.send(new CreateSnapshotCommand({ VolumeId }));
    await t.advance(30 + sizeGiB);
    return SnapshotId!;
  }

  it('copies a completed snapshot: a new snapshot of the source size, pending then completed over simulated time, then a volume is made from it', async () => {
    const sourceId = await completedSnapshot(12);
    const copy = await client.send(new CopySnapshotCommand({
      SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, Description: 'nightly copy',
      TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'kind', Value: 'copy' }] }],
    }));
    expect(copy.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
    expect(copy.SnapshotId).not.toBe(sourceId);
    expect(copy.Tags).toEqual([{ Key: 'kind', Value: 'copy' }]);
    const [pending] = (await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots!;
    // A copy's volume is EC2's arbitrary vol-ffffffff; it is a standard (not time-based) copy.
    expect(pending).toMatchObject({
      State: 'pending', Progress: '0%', VolumeSize: 12, VolumeId: 'vol-ffffffff', OwnerId: alice.accountId, Description: 'nightly copy', TransferType: 'standard', Tags: [{ Key: 'kind', Value: 'copy' }],
    });
    expect((await client.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'transfer-type', Values: ['standard'] }] }))).Snapshots!.map((s) => s.SnapshotId)).toEqual([copy.SnapshotId]);
    // Pending, it is no source for a volume nor for another copy (IncorrectState, as CreateVolume answers).
    expect((await failure(client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: copy.SnapshotId! })))).name).toBe('IncorrectState');
    expect((await failure(client.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: copy.SnapshotId! })))).name).toBe('IncorrectState');

    await t.advance(41); // 30 s + 12 × 1 s: one short
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots![0]).toMatchObject({ State: 'pending', Progress: '97%' });
    await t.advance(1);
    await waitUntilSnapshotCompleted({ client, maxWaitTime: 10, minDelay: 1 }, { SnapshotIds: [copy.SnapshotId!] });
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots![0]).toMatchObject({ State: 'completed', Progress: '100%' });

    // Completed, it restores a volume of its size, and is copied in turn.
    const restored = await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: copy.SnapshotId! }));
    expect(restored).toMatchObject({ Size: 12, SnapshotId: copy.SnapshotId, AvailabilityZone: 'us-east-1b' });
    await waitUntilVolumeAvailable({ client, maxWaitTime: 10, minDelay: 1 }, { VolumeIds: [restored.VolumeId!] });
    const second = await client.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: copy.SnapshotId! }));
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [second.SnapshotId!] }))).Snapshots![0]).toMatchObject({ VolumeSize: 12, Description: '', State: 'pending' });
    // The copy is independent of its source: the source goes, the copy stays.
    await client.send(new DeleteSnapshotCommand({ SnapshotId: sourceId }));
    expect((await client.send(new DescribeSnapshotsCommand({ SnapshotIds: [copy.SnapshotId!] }))).Snapshots![0].State).toBe('completed');
  });

  it("refuses what Nimbus does not simulate, answers EC2's errors, and keeps another tenant's snapshot as missing", async () => {
    const sourceId = await completedSnapshot(1);
    const refused = async (input: ConstructorParameters<typeof CopySnapshotCommand>[0]) => {
      const e = await failure(client.send(new CopySnapshotCommand(input)));
      return { name: e.name, status: e.$metadata.httpStatusCode };
    };
    const unsupported = { name: 'UnsupportedOperation', status: 400 };
    expect(await refused({ SourceRegion: 'eu-west-1', SourceSnapshotId: sourceId })).toEqual(unsupported);
    // A key without Encrypted=true is EC2's InvalidParameterDependency (encrypted copies: test/ec2/ebs-encryption.e2e-spec.ts).
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, KmsKeyId: 'alias/aws/ebs' })).toEqual({ name: 'InvalidParameterDependency', status: 400 });
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, DestinationOutpostArn: 'arn:aws:outposts:us-east-1:123456789012:outpost/op-1234567890abcdef0' })).toEqual(unsupported);
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, CompletionDurationMinutes: 15 })).toEqual(unsupported);
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: 'snap-bad' })).toEqual({ name: 'InvalidSnapshotID.Malformed', status: 400 });
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'a', Value: 'b' }] }] }))
      .toEqual({ name: 'InvalidParameterValue', status: 400 });
    expect(await refused({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, Description: 'x'.repeat(256) })).toEqual({ name: 'InvalidParameterValue', status: 400 });

    // DryRun checks the source and copies nothing.
    const before = (await client.send(new DescribeSnapshotsCommand({}))).Snapshots!.length;
    expect((await failure(client.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, DryRun: true })))).name).toBe('DryRunOperation');
    expect((await failure(bobClient.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: sourceId, DryRun: true })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await client.send(new DescribeSnapshotsCommand({}))).Snapshots!.length).toBe(before);

    // Bob: alice's snapshot is exactly a missing one, for a copy as for its attributes.
    const missing = 'snap-00000000000000000';
    for (const id of [sourceId, missing]) {
      const copy = await failure(bobClient.send(new CopySnapshotCommand({ SourceRegion: 'us-east-1', SourceSnapshotId: id })));
      expect({ name: copy.name, message: copy.message.replace(id, 'ID') }).toEqual({ name: 'InvalidSnapshot.NotFound', message: "The snapshot 'ID' does not exist." });
      expect((await failure(bobClient.send(new DescribeSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' })))).name).toBe('InvalidSnapshot.NotFound');
      expect((await failure(bobClient.send(new ModifySnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission', OperationType: 'remove', UserIds: [bob.accountId] })))).name)
        .toBe('InvalidSnapshot.NotFound');
      expect((await failure(bobClient.send(new ResetSnapshotAttributeCommand({ SnapshotId: id, Attribute: 'createVolumePermission' })))).name).toBe('InvalidSnapshot.NotFound');
    }
    expect((await bobClient.send(new DescribeSnapshotsCommand({}))).Snapshots).toEqual([]);
  });

  it("answers DescribeVolumeStatus for each volume: ok, io-enabled passed, io-performance by type; filters and pages; another tenant's volume as a missing one", async () => {
    const gp2 = (await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 4, VolumeType: 'gp2' }))).VolumeId!;
    const io2 = (await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1c', Size: 4, VolumeType: 'io2', Iops: 200 }))).VolumeId!;
    const { VolumeStatuses } = await client.send(new DescribeVolumeStatusCommand({ VolumeIds: [gp2, io2] }));
    const byId = new Map(VolumeStatuses!.map((s) => [s.VolumeId, s]));
    expect(byId.get(gp2)).toEqual({
      VolumeId: gp2, AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1', Actions: [], Events: [],
      VolumeStatus: { Status: 'ok', Details: [{ Name: 'io-enabled', Status: 'passed' }, { Name: 'io-performance', Status: 'not-applicable' }] },
    });
    expect(byId.get(io2)!.VolumeStatus).toEqual({ Status: 'ok', Details: [{ Name: 'io-enabled', Status: 'passed' }, { Name: 'io-performance', Status: 'normal' }] });

    const ids = async (Filters: { Name: string; Values: string[] }[]) =>
      (await client.send(new DescribeVolumeStatusCommand({ VolumeIds: [gp2, io2], Filters }))).VolumeStatuses!.map((s) => s.VolumeId).sort();
    expect(await ids([{ Name: 'availability-zone', Values: ['us-east-1c'] }])).toEqual([io2]);
    expect(await ids([{ Name: 'volume-status.status', Values: ['ok'] }])).toEqual([gp2, io2].sort());
    expect(await ids([{ Name: 'volume-status.status', Values: ['impaired'] }])).toEqual([]);
    expect(await ids([{ Name: 'volume-status.details-name', Values: ['io-performance'] }, { Name: 'volume-status.details-status', Values: ['normal'] }])).toEqual([io2]);
    for (const Name of ['event.event-type', 'event.description', 'action.code', 'event.not-before']) expect(await ids([{ Name, Values: ['*'] }])).toEqual([]);
    expect((await failure(client.send(new DescribeVolumeStatusCommand({ Filters: [{ Name: 'volume-type', Values: ['gp2'] }] })))).name).toBe('InvalidParameterValue');

    // Every volume of the tenant's without ids, in pages of MaxResults (5 at least).
    for (let i = 0; i < 4; i++) await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 1 }));
    const all = (await client.send(new DescribeVolumesCommand({}))).Volumes!.map((v) => v.VolumeId).sort();
    const first = await client.send(new DescribeVolumeStatusCommand({ MaxResults: 5 }));
    expect(first.VolumeStatuses).toHaveLength(5);
    const rest = await client.send(new DescribeVolumeStatusCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect([...first.VolumeStatuses!, ...rest.VolumeStatuses!].map((s) => s.VolumeId).sort()).toEqual(all);
    expect((await failure(client.send(new DescribeVolumeStatusCommand({ MaxResults: 4 })))).name).toBe('InvalidParameterValue');

    for (const id of [gp2, 'vol-00000000000000000']) {
      const e = await failure(bobClient.send(new DescribeVolumeStatusCommand({ VolumeIds: [id] })));
      expect({ name: e.name, message: e.message.replace(id, 'ID') }).toEqual({ name: 'InvalidVolume.NotFound', message: "The volume 'ID' does not exist." });
    }
    expect((await bobClient.send(new DescribeVolumeStatusCommand({}))).VolumeStatuses).toEqual([]);
  });

  it('keeps a volume\'s autoEnableIO (ModifyVolumeAttribute), answers DescribeVolumeAttribute, and leaves DescribeVolumes as it was', async () => {
    const VolumeId = (await client.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 2 }))).VolumeId!;
    const described = async (Attribute: 'autoEnableIO' | 'productCodes') => {
      const { $metadata: _m, ...rest } = await client.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute }));
      return rest;
    };
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: false } });
    expect(await described('productCodes')).toEqual({ VolumeId, ProductCodes: [] });
    await client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true } }));
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: true } });
    const [volume] = (await client.send(new DescribeVolumesCommand({ VolumeIds: [VolumeId] }))).Volumes!;
    expect(Object.keys(volume).sort()).toEqual(['Attachments', 'AvailabilityZone', 'AvailabilityZoneId', 'CreateTime', 'Encrypted', 'Iops', 'MultiAttachEnabled', 'Size', 'SnapshotId', 'State', 'Tags', 'VolumeId', 'VolumeType']);
    // It is kept: a restart reads it back.
    t = await t.restart();
    client.destroy();
    bobClient.destroy();
    client = ec2Client(t, alice);
    bobClient = ec2Client(t, bob);
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: true } });
    await client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: false } }));
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: false } });

    expect((await failure(client.send(new ModifyVolumeAttributeCommand({ VolumeId })))).name).toBe('MissingParameter');
    expect((await failure(client.send(new DescribeVolumeAttributeCommand({ VolumeId, Attribute: 'size' as never })))).name).toBe('InvalidParameterValue');
    expect((await failure(client.send(new ModifyVolumeAttributeCommand({ VolumeId, AutoEnableIO: { Value: true }, DryRun: true })))).name).toBe('DryRunOperation');
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: false } });
    for (const id of [VolumeId, 'vol-00000000000000000']) {
      expect((await failure(bobClient.send(new DescribeVolumeAttributeCommand({ VolumeId: id, Attribute: 'autoEnableIO' })))).name).toBe('InvalidVolume.NotFound');
      expect((await failure(bobClient.send(new ModifyVolumeAttributeCommand({ VolumeId: id, AutoEnableIO: { Value: true } })))).name).toBe('InvalidVolume.NotFound');
    }
    expect(await described('autoEnableIO')).toEqual({ VolumeId, AutoEnableIO: { Value: false } });
  });

  it("answers a snapshot's attributes: no one may create volumes from it but its owner; sharing it is refused, removing and resetting leave it private", async () => {
    const SnapshotId = await completedSnapshot(1);
    const permissions = async () => (await client.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission' }))).CreateVolumePermissions;
    expect(await permissions()).toEqual([]);
    const codes = await client.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: 'productCodes' }));
    expect({ SnapshotId: codes.SnapshotId, ProductCodes: codes.ProductCodes }).toEqual({ SnapshotId, ProductCodes: [] });

    // Sharing with an account or with everyone (public) is not simulated.
    const shares = [
      { SnapshotId, Attribute: 'createVolumePermission' as const, OperationType: 'add' as const, UserIds: [bob.accountId] },
      { SnapshotId, Attribute: 'createVolumePermission' as const, OperationType: 'add' as const, GroupNames: ['all'] },
      { SnapshotId, CreateVolumePermission: { Add: [{ UserId: bob.accountId }] } },
    ];
    for (const share of shares) {
      const e = await failure(client.send(new ModifySnapshotAttributeCommand(share)));
      expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: 'UnsupportedOperation', status: 400 });
    }
    expect(await permissions()).toEqual([]);
    expect((await failure(bobClient.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId })))).name).toBe('InvalidSnapshot.NotFound');
    expect((await bobClient.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['self'] }))).Snapshots).toEqual([]);
    // Restorable by all is public snapshots only: the owner's own private snapshot is not among them, but is restorable by self.
    expect((await client.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all'] }))).Snapshots).toEqual([]);
    expect((await client.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['self'] }))).Snapshots!.map((s) => s.SnapshotId)).toContain(SnapshotId);
    expect((await client.send(new DescribeSnapshotsCommand({ RestorableByUserIds: ['all', 'self'] }))).Snapshots!.map((s) => s.SnapshotId)).toContain(SnapshotId);

    // Removing an account (or the group all) from the empty list, and resetting it, succeed and change nothing.
    await client.send(new ModifySnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission', OperationType: 'remove', UserIds: [bob.accountId] }));
    await client.send(new ModifySnapshotAttributeCommand({ SnapshotId, CreateVolumePermission: { Remove: [{ Group: 'all' }] } }));
    await client.send(new ResetSnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission' }));
    expect(await permissions()).toEqual([]);

    const errorOf = async (p: Promise<unknown>) => (await failure(p)).name;
    expect(await errorOf(client.send(new ModifySnapshotAttributeCommand({ SnapshotId, OperationType: 'remove', UserIds: ['12345'] })))).toBe('InvalidUserID.Malformed');
    expect(await errorOf(client.send(new ModifySnapshotAttributeCommand({ SnapshotId, OperationType: 'remove', GroupNames: ['admins'] })))).toBe('InvalidParameterValue');
    expect(await errorOf(client.send(new ModifySnapshotAttributeCommand({ SnapshotId, Attribute: 'productCodes', OperationType: 'remove', UserIds: [bob.accountId] })))).toBe('InvalidParameterValue');
    expect(await errorOf(client.send(new ModifySnapshotAttributeCommand({ SnapshotId })))).toBe('MissingParameter');
    expect(await errorOf(client.send(new ResetSnapshotAttributeCommand({ SnapshotId, Attribute: 'productCodes' })))).toBe('InvalidParameterValue');
    expect(await errorOf(client.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: 'volumeSize' as never })))).toBe('InvalidParameterValue');
    expect(await errorOf(client.send(new DescribeSnapshotAttributeCommand({ SnapshotId, Attribute: 'createVolumePermission', DryRun: true })))).toBe('DryRunOperation');
    expect(await errorOf(client.send(new ModifySnapshotAttributeCommand({ ...shares[0], DryRun: true })))).toBe('UnsupportedOperation');
  });
});
