import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateCommandInput, CreateLaunchTemplateVersionCommand, CreateTagsCommand, DeleteLaunchTemplateCommand, DeleteLaunchTemplateVersionsCommand,
  DeleteTagsCommand, DescribeInstancesCommand, DescribeLaunchTemplatesCommand, DescribeLaunchTemplatesCommandInput, DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplateVersionsCommandInput, DescribeTagsCommand, DescribeVolumesCommand,
  EC2Client, ModifyLaunchTemplateCommand, RequestLaunchTemplateData, RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { expectError, LINUX_AMI, startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure } from './ec2-support';

const USER_DATA = Buffer.from('#!/bin/sh\necho hi\n').toString('base64');

describe('EC2 launch templates through @aws-sdk/client-ec2', () => {
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

  const instanceOf = async (id: string) => (await client.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];

  it('creates a template and answers its data back in every shape DescribeLaunchTemplateVersions has', async () => {
    // Every member Nimbus keeps, as the SDK writes them: DescribeLaunchTemplateVersions answers each back in its shape.
    const data: RequestLaunchTemplateData = {
      ImageId: LINUX_AMI, InstanceType: 't3.micro', UserData: USER_DATA, EbsOptimized: true, DisableApiTermination: false, DisableApiStop: false,
      InstanceInitiatedShutdownBehavior: 'terminate', SecurityGroups: ['default'],
      BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: true, Iops: 3000, Throughput: 125 } }],
      Placement: { AvailabilityZone: 'us-east-1a', Tenancy: 'default' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'web' }] }, { ResourceType: 'volume', Tags: [{ Key: 'disk', Value: 'data' }] }],
      CreditSpecification: { CpuCredits: 'unlimited' },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
      Monitoring: { Enabled: false }, CpuOptions: { CoreCount: 1, ThreadsPerCore: 2 }, MaintenanceOptions: { AutoRecovery: 'default' },
      PrivateDnsNameOptions: { HostnameType: 'ip-name' },
    };
    const created = await client.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'web-shapes', VersionDescription: 'first',
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'web' }] }],
      LaunchTemplateData: data,
    }));
    const lt = created.LaunchTemplate!;
    expect(lt).toEqual({
      LaunchTemplateId: expect.stringMatching(/^lt-[0-9a-f]{17}$/), LaunchTemplateName: 'web-shapes', CreateTime: expect.any(Date),
      CreatedBy: `arn:aws:iam::${alice.accountId}:root`, DefaultVersionNumber: 1, LatestVersionNumber: 1, Tags: [{ Key: 'team', Value: 'web' }],
    });
    const [v] = (await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId }))).LaunchTemplateVersions!;
    expect(v).toMatchObject({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: 'web-shapes', VersionNumber: 1, VersionDescription: 'first', DefaultVersion: true, CreatedBy: lt.CreatedBy });
    expect(v.LaunchTemplateData).toEqual(data);
    // Network interfaces and security group ids, in their own shapes (groupSet of groupId).
    const nic = { DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: ['sg-0123456789abcdef0', 'sg-0123456789abcdef1'], DeleteOnTermination: true, PrivateIpAddresses: [{ PrivateIpAddress: '172.31.0.10', Primary: true }] };
    const net = await client.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'net-shapes',
      LaunchTemplateData: { NetworkInterfaces: [nic] },
    }));
    const [nv] = (await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'net-shapes', Versions: ['$Latest'] }))).LaunchTemplateVersions!;
    expect(nv.LaunchTemplateId).toBe(net.LaunchTemplate!.LaunchTemplateId);
    expect(nv.LaunchTemplateData).toEqual({ NetworkInterfaces: [nic] });
    const sgIds = await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'sg-shapes', LaunchTemplateData: { SecurityGroupIds: ['sg-0123456789abcdef0'] } }));
    const [sv] = (await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: sgIds.LaunchTemplate!.LaunchTemplateId }))).LaunchTemplateVersions!;
    expect(sv.LaunchTemplateData).toEqual({ SecurityGroupIds: ['sg-0123456789abcdef0'] });
  });

  it('versions: numbered from 1, from a source version with the given members replacing its, a new default; $Latest, $Default, ranges and filters', async () => {
    const lt = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'versions', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro', KeyName: 'none', SecurityGroupIds: ['sg-0123456789abcdef0'] } }))).LaunchTemplate!;
    const v2 = (await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'versions', SourceVersion: '1', VersionDescription: 'bigger', LaunchTemplateData: { InstanceType: 'm5.large' } }))).LaunchTemplateVersion!;
    expect(v2).toMatchObject({ VersionNumber: 2, DefaultVersion: false, VersionDescription: 'bigger', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 'm5.large', KeyName: 'none', SecurityGroupIds: ['sg-0123456789abcdef0'] } });
    const v3 = (await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: LINUX_AMI } }))).LaunchTemplateVersion!;
    expect([v3.VersionNumber, v3.LaunchTemplateData]).toEqual([3, { ImageId: LINUX_AMI }]);

    const [t1] = (await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['versions'] }))).LaunchTemplates!;
    expect([t1.DefaultVersionNumber, t1.LatestVersionNumber]).toEqual([1, 3]);
    const numbers = async (q: DescribeLaunchTemplateVersionsCommandInput) =>
      (await client.send(new DescribeLaunchTemplateVersionsCommand(q))).LaunchTemplateVersions!.map((v) => v.VersionNumber);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId })).toEqual([1, 2, 3]);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['$Latest', '$Default'] })).toEqual([1, 3]);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, MinVersion: '2', MaxVersion: '3' })).toEqual([2, 3]);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, Filters: [{ Name: 'instance-type', Values: ['m5.*'] }] })).toEqual([2]);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, Filters: [{ Name: 'is-default-version', Values: ['true'] }] })).toEqual([1]);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, Filters: [{ Name: 'kernel-id', Values: ['*'] }] })).toEqual([]);
    const paged = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, MaxResults: 2 }));
    expect([paged.LaunchTemplateVersions!.length, typeof paged.NextToken]).toEqual([2, 'string']);
    expect(await numbers({ LaunchTemplateId: lt.LaunchTemplateId, MaxResults: 2, NextToken: paged.NextToken })).toEqual([3]);

    const modified = await client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '2' }));
    expect(modified.LaunchTemplate).toMatchObject({ DefaultVersionNumber: 2, LatestVersionNumber: 3 });
    expect(await numbers({ LaunchTemplateName: 'versions', Versions: ['$Default'] })).toEqual([2]);
    // Without a template: every template's $Default versions.
    const defaults = (await client.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Default'] }))).LaunchTemplateVersions!;
    expect(defaults.find((v) => v.LaunchTemplateId === lt.LaunchTemplateId)?.VersionNumber).toBe(2);

    expect((await failure(client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '9' })))).name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect((await failure(client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: '7', LaunchTemplateData: { InstanceType: 'm5.large' } })))).name)
      .toBe('InvalidLaunchTemplateId.VersionNotFound');
  });

  it('describes templates by id, by name, by filter, and in pages', async () => {
    const a = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'list-a', LaunchTemplateData: { InstanceType: 't3.micro' }, TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'env', Value: 'prod' }] }] }))).LaunchTemplate!;
    await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'list-b', LaunchTemplateData: { InstanceType: 't3.micro' } }));
    const names = async (q: DescribeLaunchTemplatesCommandInput) => (await client.send(new DescribeLaunchTemplatesCommand(q))).LaunchTemplates!.map((x) => x.LaunchTemplateName);
    expect(await names({ LaunchTemplateIds: [a.LaunchTemplateId!] })).toEqual(['list-a']);
    expect(await names({ Filters: [{ Name: 'launch-template-name', Values: ['list-*'] }] })).toEqual(['list-a', 'list-b']);
    expect(await names({ Filters: [{ Name: 'tag:env', Values: ['prod'] }] })).toEqual(['list-a']);
    expect(await names({ Filters: [{ Name: 'tag-key', Values: ['env'] }] })).toEqual(['list-a']);
    const first = await client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: ['list-*'] }], MaxResults: 1 }));
    expect(first.LaunchTemplates!.map((x) => x.LaunchTemplateName)).toEqual(['list-a']);
    expect(await names({ Filters: [{ Name: 'launch-template-name', Values: ['list-*'] }], MaxResults: 1, NextToken: first.NextToken })).toEqual(['list-b']);
    expect((await failure(client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'bogus', Values: ['x'] }] })))).name).toBe('InvalidParameterValue');
    // Tags through CreateTags / DeleteTags / DescribeTags, resource type launch-template.
    await client.send(new CreateTagsCommand({ Resources: [a.LaunchTemplateId!], Tags: [{ Key: 'owner', Value: 'ops' }] }));
    await client.send(new DeleteTagsCommand({ Resources: [a.LaunchTemplateId!], Tags: [{ Key: 'env' }] }));
    const tags = await client.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['launch-template'] }, { Name: 'resource-id', Values: [a.LaunchTemplateId!] }] }));
    expect(tags.Tags).toEqual([{ ResourceId: a.LaunchTemplateId, ResourceType: 'launch-template', Key: 'owner', Value: 'ops' }]);
  });

  it("refuses at creation what EC2 refuses then, and what Nimbus refuses in a launch, by the launch's own rule", async () => {
    const create = (name: string, data: Record<string, unknown>) => client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: data }));
    await create('dup-name', { InstanceType: 't3.micro' });
    expect((await failure(create('dup-name', { InstanceType: 't3.micro' }))).name).toBe('InvalidLaunchTemplateName.AlreadyExistsException');
    expect((await failure(create('no', { InstanceType: 't3.micro' }))).name).toBe('InvalidLaunchTemplateName.MalformedException');
    expect((await failure(create('bad name!', { InstanceType: 't3.micro' }))).name).toBe('InvalidLaunchTemplateName.MalformedException');
    expect((await failure(create('empty-data', {}))).name).toBe('MissingParameter');
    // Not looked up at creation (EC2 checks the image exists at launch).
    await create('missing-ami', { ImageId: 'ami-00000000000000000' });
    for (const [data, code] of [
      [{ IamInstanceProfile: { Name: 'role' } }, 'UnsupportedOperation'],
      [{ KernelId: 'aki-12345678' }, 'UnsupportedOperation'],
      [{ HibernationOptions: { Configured: true } }, 'UnsupportedOperation'],
      [{ InstanceRequirements: { VCpuCount: { Min: 1 }, MemoryMiB: { Min: 512 } } }, 'UnsupportedOperation'],
      [{ BlockDeviceMappings: [{ DeviceName: '/dev/sdf', VirtualName: 'ephemeral0' }] }, 'UnsupportedOperation'],
      [{ InstanceInitiatedShutdownBehavior: 'hibernate' }, 'InvalidParameterValue'],
      [{ UserData: 'not base64!' }, 'InvalidParameterValue'],
      [{ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'y' }] }] }, 'InvalidParameterValue'],
      [{ MetadataOptions: { HttpPutResponseHopLimit: 65 } }, 'InvalidParameterValue'],
    ] as const) {
      expect([data, (await failure(create('refused', data as Record<string, unknown>))).name]).toEqual([data, code]);
    }
    expect((await client.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: ['refused'] }] }))).LaunchTemplates).toEqual([]);
  });

  it('is idempotent with a ClientToken: the same request answers the same template, another is IdempotentParameterMismatch', async () => {
    const req: CreateLaunchTemplateCommandInput = { LaunchTemplateName: 'idem', ClientToken: 'tok-1', LaunchTemplateData: { InstanceType: 't3.micro' } };
    const a = (await client.send(new CreateLaunchTemplateCommand(req))).LaunchTemplate!;
    const b = (await client.send(new CreateLaunchTemplateCommand(req))).LaunchTemplate!;
    expect(b.LaunchTemplateId).toBe(a.LaunchTemplateId);
    expect((await failure(client.send(new CreateLaunchTemplateCommand({ ...req, LaunchTemplateData: { InstanceType: 'm5.large' } })))).name).toBe('IdempotentParameterMismatch');
  });

  it('deletes versions one by one, never the default one (EC2\'s per-version errors), and whole templates', async () => {
    const lt = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'deleting', LaunchTemplateData: { InstanceType: 't3.micro' } }))).LaunchTemplate!;
    for (let i = 0; i < 2; i++) await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { InstanceType: 'm5.large' } }));
    const r = await client.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['1', '3', '8'] }));
    expect(r.SuccessfullyDeletedLaunchTemplateVersions).toEqual([{ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateName: 'deleting', VersionNumber: 3 }]);
    expect(r.UnsuccessfullyDeletedLaunchTemplateVersions!.map((u) => [u.VersionNumber, u.ResponseError!.Code])).toEqual([[1, 'unexpectedError'], [8, 'launchTemplateVersionDoesNotExist']]);
    const [after] = (await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [lt.LaunchTemplateId!] }))).LaunchTemplates!;
    expect([after.DefaultVersionNumber, after.LatestVersionNumber]).toEqual([1, 2]);
    // The deleted latest version's number is not given again: the next version is 4, as on EC2.
    const next = await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { InstanceType: 'c5.large' } }));
    expect(next.LaunchTemplateVersion!.VersionNumber).toBe(4);
    const [latest] = (await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [lt.LaunchTemplateId!] }))).LaunchTemplates!;
    expect([latest.DefaultVersionNumber, latest.LatestVersionNumber]).toEqual([1, 4]);
    const versions = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId }));
    expect(versions.LaunchTemplateVersions!.map((v) => v.VersionNumber).sort()).toEqual([1, 2, 4]);
    const $latest = await client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['$Latest'] }));
    expect($latest.LaunchTemplateVersions!.map((v) => [v.VersionNumber, v.LaunchTemplateData!.InstanceType])).toEqual([[4, 'c5.large']]);
    const deleted = await client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'deleting' }));
    expect(deleted.LaunchTemplate!.LaunchTemplateId).toBe(lt.LaunchTemplateId);
    expect((await failure(client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [lt.LaunchTemplateId!] })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await failure(client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: 'deleting' })))).name).toBe('InvalidLaunchTemplateName.NotFoundException');
  });

  it('launches from a template: its data fills what the request omits, the request overrides, $Default by default, $Latest and numbers; the instance shows the template', async () => {
    const lt = (await client.send(new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'launcher',
      LaunchTemplateData: {
        ImageId: LINUX_AMI, InstanceType: 't3.micro', UserData: USER_DATA, Placement: { AvailabilityZone: 'us-east-1a' },
        BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, VolumeType: 'gp3' } }],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'web' }, { Key: 'Owner', Value: 'TeamB' }] }],
      },
    }))).LaunchTemplate!;
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, SourceVersion: '1', LaunchTemplateData: { InstanceType: 'm5.large' } }));

    // $Default (version 1), the request overriding the type, adding a tag and replacing one, mapping another device.
    const r = await client.send(new RunInstancesCommand({
      LaunchTemplate: { LaunchTemplateName: 'launcher' }, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Owner', Value: 'TeamA' }] }],
      BlockDeviceMappings: [{ DeviceName: '/dev/sdg', Ebs: { VolumeSize: 5 } }],
    }));
    const id = r.Instances![0].InstanceId!;
    const i = await instanceOf(id);
    expect([i.ImageId, i.InstanceType, i.Placement!.AvailabilityZone]).toEqual([LINUX_AMI, 'm5.large', 'us-east-1a']);
    const tags = Object.fromEntries(i.Tags!.map((x) => [x.Key, x.Value]));
    expect(tags).toEqual({ app: 'web', Owner: 'TeamA', 'aws:ec2launchtemplate:id': lt.LaunchTemplateId, 'aws:ec2launchtemplate:version': '1' });
    expect(i.BlockDeviceMappings!.map((m) => m.DeviceName).sort()).toEqual(['/dev/sdf', '/dev/sdg', '/dev/xvda']);
    const sizes = (await client.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }))).Volumes!.map((v) => [v.Attachments![0].Device, v.Size, v.VolumeType]);
    expect(sizes.sort()).toEqual([['/dev/sdf', 20, 'gp3'], ['/dev/sdg', 5, 'gp2'], ['/dev/xvda', 8, 'gp3']]);
    const latest = (await client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '$Latest' }, MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect([latest.InstanceType, latest.Tags?.find((x) => x.Key === 'aws:ec2launchtemplate:version')?.Value]).toEqual(['m5.large', '2']);
    const one = (await client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: '1' }, MinCount: 1, MaxCount: 1 }))).Instances![0];
    expect(one.InstanceType).toBe('t3.micro');
    // Found by their system tags, which the tenant cannot delete.
    const byTag = await client.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:ec2launchtemplate:id', Values: [lt.LaunchTemplateId!] }] }));
    expect(byTag.Reservations!.flatMap((x) => x.Instances!).length).toBe(3);
    expect((await failure(client.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'aws:ec2launchtemplate:id' }] })))).name).toBe('InvalidParameterValue');
    // REST's tag delete keeps them too (the same rule), and REST shows them.
    const rest = await t.as(alice.key).delete(`/v1/instances/${id}/tags/${encodeURIComponent('aws:ec2launchtemplate:id')}`);
    expectError(rest, 400, 'InvalidParameterValue');
    expect((await t.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body.tags['aws:ec2launchtemplate:id']).toBe(lt.LaunchTemplateId);
    await client.send(new DeleteTagsCommand({ Resources: [id] }));
    expect(Object.keys(Object.fromEntries((await instanceOf(id)).Tags!.map((x) => [x.Key, x.Value]))).sort()).toEqual(['aws:ec2launchtemplate:id', 'aws:ec2launchtemplate:version']);

    // The launch's own rules hold on what the template gives: its missing image is the launch's error.
    const noImage = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'no-image', LaunchTemplateData: { InstanceType: 't3.micro' } }))).LaunchTemplate!;
    expect((await failure(client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: noImage.LaunchTemplateId }, MinCount: 1, MaxCount: 1 })))).name).toBe('MissingParameter');
    const missing = await failure(client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'missing-ami' }, MinCount: 1, MaxCount: 1 })));
    expect(missing.name).toBe('InvalidAMIID.NotFound');
    // DryRun takes the same path.
    const dry = await failure(client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'launcher' }, MinCount: 1, MaxCount: 1, DryRun: true })));
    expect(dry.name).toBe('DryRunOperation');
  });

  it("answers a missing, malformed or another tenant's template, or a missing version, with EC2's codes; another tenant's as a missing one", async () => {
    const lt = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'private', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro' } }))).LaunchTemplate!;
    const run = (c: EC2Client, spec: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string }) => failure(c.send(new RunInstancesCommand({ LaunchTemplate: spec, MinCount: 1, MaxCount: 1 })));
    expect((await run(client, { LaunchTemplateId: 'lt-0000000000000000a' })).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await run(client, { LaunchTemplateId: 'lt-nope' })).name).toBe('InvalidLaunchTemplateId.Malformed');
    expect((await run(client, { LaunchTemplateName: 'nope' })).name).toBe('InvalidLaunchTemplateName.NotFoundException');
    expect((await run(client, { LaunchTemplateId: lt.LaunchTemplateId, Version: '5' })).name).toBe('InvalidLaunchTemplateId.VersionNotFound');
    expect((await run(client, { LaunchTemplateId: lt.LaunchTemplateId, Version: 'latest' })).name).toBe('InvalidLaunchTemplateId.VersionNotFound');

    const mine = await run(client, { LaunchTemplateId: 'lt-0000000000000000a' });
    const theirs = await run(bobClient, { LaunchTemplateId: lt.LaunchTemplateId });
    expect([theirs.name, theirs.message.replace(lt.LaunchTemplateId!, 'ID')]).toEqual([mine.name, mine.message.replace('lt-0000000000000000a', 'ID')]);
    expect((await run(bobClient, { LaunchTemplateName: 'private' })).name).toBe('InvalidLaunchTemplateName.NotFoundException');
    expect((await failure(bobClient.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await failure(bobClient.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await failure(bobClient.send(new CreateTagsCommand({ Resources: [lt.LaunchTemplateId!], Tags: [{ Key: 'x', Value: 'y' }] })))).name).toBe('InvalidLaunchTemplateId.NotFound');
    expect((await bobClient.send(new DescribeLaunchTemplatesCommand({}))).LaunchTemplates).toEqual([]);
    // Bob may use the same name: names are per tenant.
    await bobClient.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'private', LaunchTemplateData: { InstanceType: 't3.micro' } }));
  });

  it('keeps templates and their versions across a restart', async () => {
    const lt = (await client.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'durable', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.micro' } }))).LaunchTemplate!;
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 'm5.large' } }));
    await client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: lt.LaunchTemplateId, DefaultVersion: '2' }));
    // A version 3 made and deleted: its number stays given across the restart.
    await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: lt.LaunchTemplateId, LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 'c5.large' } }));
    await client.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: lt.LaunchTemplateId, Versions: ['3'] }));
    client.destroy();
    bobClient.destroy();
    t = await t.restart();
    client = ec2Client(t, alice);
    bobClient = ec2Client(t, alice);
    const [after] = (await client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['durable'] }))).LaunchTemplates!;
    expect([after.LaunchTemplateId, after.DefaultVersionNumber, after.LatestVersionNumber]).toEqual([lt.LaunchTemplateId, 2, 2]);
    const r = await client.send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateName: 'durable' }, MinCount: 1, MaxCount: 1 }));
    expect(r.Instances![0].InstanceType).toBe('m5.large');
    const v = await client.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'durable', LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 't3.small' } }));
    expect(v.LaunchTemplateVersion!.VersionNumber).toBe(4);
  });
});
