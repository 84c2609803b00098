import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from '../support/app';
import { AWS_CLI, cleanAwsEnv, describeIf, haveAwsCli, run } from './clients';
import { decryptPassword, deleteDefaultVpc, ec2Client, ec2Tenant, Ec2Tenant, endpointOf } from './ec2-support';

// Each CLI run starts a Python interpreter: seconds apiece on a busy machine.
jest.setTimeout(240_000);

/** Debian's AWS CLI (awscli 2) pointed at Nimbus with --endpoint-url, credentials from the environment only. */
describeIf(haveAwsCli())('the AWS CLI against Nimbus', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  const aws = async (who: Ec2Tenant | { accessKeyId: string; secretAccessKey: string }, ...args: string[]) => {
    const r = await run(AWS_CLI, ['--endpoint-url', endpointOf(t), '--output', 'json', 'ec2', ...args], cleanAwsEnv(who));
    return { ...r, json: r.code === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : undefined };
  };
  beforeAll(async () => {
    t = await startApp(undefined, { NIMBUS_CLOCK: '600' });
    await t.hosts('m5-host', 'us-east-1a', 2);
    alice = await ec2Tenant(t, 'alice');
    bob = await ec2Tenant(t, 'bob');
  });
  afterAll(async () => {
    await t?.close();
  });

  it("finds the newest Amazon Linux 2023 and Ubuntu 24.04 AMIs with the one-liners scripts use", async () => {
    const al2023 = await aws(alice, 'describe-images', '--owners', 'amazon', '--filters', 'Name=name,Values=al2023-ami-2023.*-x86_64', 'Name=state,Values=available',
      '--query', 'sort_by(Images, &CreationDate)[-1].ImageId');
    expect({ code: al2023.code, stderr: al2023.stderr, id: al2023.json }).toEqual({ code: 0, stderr: '', id: LINUX_AMI });
    const ubuntu = await aws(alice, 'describe-images', '--owners', '099720109477', '--filters', 'Name=name,Values=ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*',
      '--query', 'sort_by(Images, &CreationDate)[-1].[ImageId,Architecture]');
    expect(ubuntu.json).toEqual(['ami-0b0b0c00000000b64', 'arm64']);
    // The usual way to launch Ubuntu with a larger root: a mapping at its AMI's root device, /dev/sda1.
    const ran = await aws(alice, 'run-instances', '--image-id', 'ami-0b0b0c00000000b24', '--instance-type', 't3.micro', '--placement', 'AvailabilityZone=us-east-1a',
      '--block-device-mappings', 'DeviceName=/dev/sda1,Ebs={VolumeSize=30,VolumeType=gp3}', '--query', 'Instances[0].[RootDeviceName,BlockDeviceMappings[0].Ebs.VolumeId]');
    expect({ code: ran.code, stderr: ran.stderr, root: ran.json?.[0] }).toEqual({ code: 0, stderr: '', root: '/dev/sda1' });
    const size = await aws(alice, 'describe-volumes', '--volume-ids', ran.json[1], '--query', 'Volumes[0].[Size,VolumeType,Attachments[0].Device]');
    expect(size.json).toEqual([30, 'gp3', '/dev/sda1']);
  });

  it('runs, waits for, filters, pages, tags, stops and terminates instances', async () => {
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--count', '3',
      '--placement', 'AvailabilityZone=us-east-1a', '--tag-specifications', 'ResourceType=instance,Tags=[{Key=app,Value=cli}]');
    expect(ran.stderr).toBe('');
    expect(ran.json.OwnerId).toBe(alice.accountId);
    const ids: string[] = ran.json.Instances.map((i: { InstanceId: string }) => i.InstanceId);
    expect(ids).toHaveLength(3);

    const wait = await aws(alice, 'wait', 'instance-running', '--instance-ids', ...ids);
    expect({ code: wait.code, stderr: wait.stderr }).toEqual({ code: 0, stderr: '' });
    const q = await aws(alice, 'describe-instances', '--filters', 'Name=tag:app,Values=cli', 'Name=instance-state-name,Values=running', '--query', 'Reservations[].Instances[].InstanceId');
    expect(q.json.sort()).toEqual([...ids].sort());

    // The CLI pages with MaxResults / NextToken under --page-size and gathers every page.
    const paged = await aws(alice, 'describe-instances', '--page-size', '5', '--filters', 'Name=tag:app,Values=cli', '--query', 'Reservations[].Instances[].InstanceId');
    expect(paged.json.sort()).toEqual([...ids].sort());

    expect((await aws(alice, 'create-tags', '--resources', ids[0], '--tags', 'Key=role,Value=primary')).code).toBe(0);
    const tags = await aws(alice, 'describe-tags', '--filters', `Name=resource-id,Values=${ids[0]}`);
    expect(tags.json.Tags).toEqual([
      { Key: 'app', ResourceId: ids[0], ResourceType: 'instance', Value: 'cli' },
      { Key: 'role', ResourceId: ids[0], ResourceType: 'instance', Value: 'primary' },
    ]);

    const stopped = await aws(alice, 'stop-instances', '--instance-ids', ids[0]);
    expect(stopped.json.StoppingInstances[0]).toEqual({ InstanceId: ids[0], CurrentState: { Code: 64, Name: 'stopping' }, PreviousState: { Code: 16, Name: 'running' } });
    expect((await aws(alice, 'wait', 'instance-stopped', '--instance-ids', ids[0])).code).toBe(0);
    // The clock held from here: at 600x a terminated instance's simulated hour of visibility is 6 wall
    // seconds, shorter than a few CLI runs on a busy machine.
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    const term = await aws(alice, 'terminate-instances', '--instance-ids', ...ids);
    expect(term.json.TerminatingInstances.map((x: { CurrentState: { Name: string } }) => x.CurrentState.Name)).toEqual(['shutting-down', 'shutting-down', 'shutting-down']);
    const ending = await aws(alice, 'describe-instances', '--instance-ids', ...ids, '--query', 'Reservations[].Instances[].State.Name');
    expect(ending.json).toEqual(['shutting-down', 'shutting-down', 'shutting-down']);
    await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
  });

  it('creates, describes and deletes a volume', async () => {
    const v = await aws(alice, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '8', '--volume-type', 'gp3');
    expect(v.json).toMatchObject({ Size: 8, VolumeType: 'gp3', AvailabilityZone: 'us-east-1a' });
    const d = await aws(alice, 'describe-volumes', '--volume-ids', v.json.VolumeId);
    expect(d.json.Volumes[0]).toMatchObject({ VolumeId: v.json.VolumeId, State: 'available' });
    // The plain command: the CLI sends MaxResults=1000 (its paginator's page size), which EC2 takes.
    const all = await aws(alice, 'describe-volumes', '--query', 'Volumes[].VolumeId');
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: '' });
    expect(all.json).toContain(v.json.VolumeId);
    expect((await aws(bob, 'describe-volumes', '--query', 'Volumes[].VolumeId')).json).not.toContain(v.json.VolumeId);
    expect((await aws(alice, 'delete-volume', '--volume-id', v.json.VolumeId)).code).toBe(0);
  });

  it('turns on EBS encryption by default and creates an encrypted volume (enable-ebs-encryption-by-default, get-ebs-default-kms-key-id, create-volume --encrypted)', async () => {
    const key = (await aws(bob, 'get-ebs-default-kms-key-id')).json.KmsKeyId;
    expect(key).toMatch(new RegExp(`^arn:aws:kms:us-east-1:${bob.accountId}:key/`));
    const v = await aws(bob, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4', '--encrypted', '--kms-key-id', 'alias/aws/ebs');
    expect(v.json).toMatchObject({ Encrypted: true, KmsKeyId: key });
    expect((await aws(bob, 'enable-ebs-encryption-by-default')).json).toEqual({ EbsEncryptionByDefault: true });
    const byDefault = await aws(bob, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4');
    expect([byDefault.json.Encrypted, byDefault.json.KmsKeyId]).toEqual([true, key]);
    expect((await aws(bob, 'disable-ebs-encryption-by-default')).json).toEqual({ EbsEncryptionByDefault: false });
    const refused = await aws(bob, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4', '--kms-key-id', 'alias/aws/ebs');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('InvalidParameterDependency');
    for (const id of [v.json.VolumeId, byDefault.json.VolumeId]) expect((await aws(bob, 'delete-volume', '--volume-id', id)).code).toBe(0);
  });

  it('copies a snapshot (copy-snapshot, wait snapshot-completed) and reads the volume status and attributes (describe-volume-status, describe-volume-attribute)', async () => {
    const v = await aws(alice, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4', '--volume-type', 'io1', '--iops', '100');
    const snap = await aws(alice, 'create-snapshot', '--volume-id', v.json.VolumeId, '--query', 'SnapshotId');
    expect((await aws(alice, 'wait', 'snapshot-completed', '--snapshot-ids', snap.json)).code).toBe(0);
    // The CLI signs a PresignedUrl and sends DestinationRegion with every copy, as botocore does against EC2.
    const copy = await aws(alice, 'copy-snapshot', '--source-region', 'us-east-1', '--source-snapshot-id', snap.json, '--description', 'cli copy');
    expect({ code: copy.code, stderr: copy.stderr }).toEqual({ code: 0, stderr: '' });
    const wait = await aws(alice, 'wait', 'snapshot-completed', '--snapshot-ids', copy.json.SnapshotId);
    expect({ code: wait.code, stderr: wait.stderr }).toEqual({ code: 0, stderr: '' });
    const copied = await aws(alice, 'describe-snapshots', '--snapshot-ids', copy.json.SnapshotId, '--query', 'Snapshots[0].[State,VolumeSize,Description]');
    expect(copied.json).toEqual(['completed', 4, 'cli copy']);
    const refused = await aws(alice, 'copy-snapshot', '--source-region', 'eu-west-1', '--source-snapshot-id', snap.json);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('UnsupportedOperation');

    const status = await aws(alice, 'describe-volume-status', '--volume-ids', v.json.VolumeId, '--query', 'VolumeStatuses[0].VolumeStatus');
    expect(status.json).toEqual({ Status: 'ok', Details: [{ Name: 'io-enabled', Status: 'passed' }, { Name: 'io-performance', Status: 'normal' }] });
    expect((await aws(alice, 'modify-volume-attribute', '--volume-id', v.json.VolumeId, '--auto-enable-io')).code).toBe(0);
    const attribute = await aws(alice, 'describe-volume-attribute', '--volume-id', v.json.VolumeId, '--attribute', 'autoEnableIO', '--query', 'AutoEnableIO.Value');
    expect(attribute.json).toBe(true);
  });

  it('registers an image from a snapshot and copies it (register-image, copy-image, wait image-available, modify-image-attribute)', async () => {
    const v = await aws(alice, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4', '--volume-type', 'gp3');
    const snap = await aws(alice, 'create-snapshot', '--volume-id', v.json.VolumeId, '--query', 'SnapshotId');
    expect((await aws(alice, 'wait', 'snapshot-completed', '--snapshot-ids', snap.json)).code).toBe(0);
    const registered = await aws(alice, 'register-image', '--name', 'cli-registered', '--architecture', 'x86_64', '--virtualization-type', 'hvm', '--ena-support',
      '--root-device-name', '/dev/xvda', '--block-device-mappings', `DeviceName=/dev/xvda,Ebs={SnapshotId=${snap.json},VolumeType=gp3}`);
    expect({ code: registered.code, stderr: registered.stderr }).toEqual({ code: 0, stderr: '' });
    const imageId = registered.json.ImageId;
    const waited = await aws(alice, 'wait', 'image-available', '--image-ids', imageId);
    expect({ code: waited.code, stderr: waited.stderr }).toEqual({ code: 0, stderr: '' });
    const copy = await aws(alice, 'copy-image', '--source-region', 'us-east-1', '--source-image-id', imageId, '--name', 'cli-copy', '--description', 'copied by the CLI');
    expect({ code: copy.code, stderr: copy.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await aws(alice, 'wait', 'image-available', '--image-ids', copy.json.ImageId)).code).toBe(0);
    // (Debian's CLI models no SourceImageId yet: the JS SDK's test reads it.)
    const shown = await aws(alice, 'describe-images', '--image-ids', copy.json.ImageId, '--query', 'Images[0].[State,Description,PlatformDetails]');
    expect(shown.json).toEqual(['available', 'copied by the CLI', 'Linux/UNIX']);
    expect((await aws(alice, 'modify-image-attribute', '--image-id', imageId, '--description', 'Value=changed')).code).toBe(0);
    expect((await aws(alice, 'describe-image-attribute', '--image-id', imageId, '--attribute', 'description', '--query', 'Description.Value')).json).toBe('changed');
    const shared = await aws(alice, 'modify-image-attribute', '--image-id', imageId, '--launch-permission', 'Add=[{Group=all}]');
    expect(shared.code).not.toBe(0);
    expect(shared.stderr).toContain('UnsupportedOperation');
    const otherRegion = await aws(alice, 'copy-image', '--source-region', 'eu-west-1', '--source-image-id', imageId, '--name', 'cli-x');
    expect(otherRegion.stderr).toContain('UnsupportedOperation');
    expect((await aws(bob, 'copy-image', '--source-region', 'us-east-1', '--source-image-id', imageId, '--name', 'cli-bob')).stderr).toContain('InvalidAMIID.NotFound');
  });

  it('tags volumes: at creation, with CreateTags and DeleteTags, in DescribeVolumes and its tag filters, and in DescribeTags', async () => {
    const v = await aws(alice, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4', '--tag-specifications', 'ResourceType=volume,Tags=[{Key=Name,Value=data}]');
    expect(v.stderr).toBe('');
    expect(v.json.Tags).toEqual([{ Key: 'Name', Value: 'data' }]);
    const id = v.json.VolumeId;
    const other = (await aws(alice, 'create-volume', '--availability-zone', 'us-east-1a', '--size', '4')).json.VolumeId;
    expect((await aws(alice, 'create-tags', '--resources', id, '--tags', 'Key=team,Value=storage')).code).toBe(0);

    const tagged = await aws(alice, 'describe-volumes', '--volume-ids', id, '--query', 'Volumes[0].Tags');
    expect(tagged.json.sort((a: { Key: string }, b: { Key: string }) => a.Key.localeCompare(b.Key))).toEqual([{ Key: 'Name', Value: 'data' }, { Key: 'team', Value: 'storage' }]);
    for (const filter of ['Name=tag:Name,Values=da*', 'Name=tag-key,Values=team', 'Name=tag-value,Values=storage']) {
      const found = await aws(alice, 'describe-volumes', '--filters', filter, '--query', 'Volumes[].VolumeId');
      expect({ filter, ids: found.json }).toEqual({ filter, ids: [id] });
    }
    const listed = await aws(alice, 'describe-tags', '--filters', 'Name=resource-type,Values=volume');
    expect(listed.json.Tags).toEqual([
      { Key: 'Name', ResourceId: id, ResourceType: 'volume', Value: 'data' },
      { Key: 'team', ResourceId: id, ResourceType: 'volume', Value: 'storage' },
    ]);
    // Another tenant's volume is NotFound, as a missing one.
    const theirs = await aws(bob, 'create-tags', '--resources', id, '--tags', 'Key=x,Value=y');
    expect(theirs.stderr).toContain('(InvalidVolume.NotFound)');

    expect((await aws(alice, 'delete-tags', '--resources', id, '--tags', 'Key=team')).code).toBe(0);
    expect((await aws(alice, 'describe-volumes', '--volume-ids', id, '--query', 'Volumes[0].Tags')).json).toEqual([{ Key: 'Name', Value: 'data' }]);
    // A deleted volume's tags go with it.
    expect((await aws(alice, 'delete-volume', '--volume-id', id)).code).toBe(0);
    expect((await aws(alice, 'describe-tags', '--filters', 'Name=resource-type,Values=volume')).json.Tags).toEqual([]);
    expect((await aws(alice, 'delete-volume', '--volume-id', other)).code).toBe(0);

    // RunInstances' TagSpecification with ResourceType=volume tags each of the launch's volumes.
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--placement', 'AvailabilityZone=us-east-1a',
      '--block-device-mappings', 'DeviceName=/dev/xvda,Ebs={VolumeSize=8}',
      '--tag-specifications', 'ResourceType=instance,Tags=[{Key=app,Value=vt}]', 'ResourceType=volume,Tags=[{Key=app,Value=vt-disk}]');
    expect(ran.stderr).toBe('');
    const instanceId = ran.json.Instances[0].InstanceId;
    const launched = await aws(alice, 'describe-volumes', '--filters', `Name=attachment.instance-id,Values=${instanceId}`, '--query', 'Volumes[].Tags');
    expect(launched.json).toEqual([[{ Key: 'app', Value: 'vt-disk' }]]);
    expect((await aws(alice, 'terminate-instances', '--instance-ids', instanceId)).code).toBe(0);
  });

  it('describes instance types as the catalog publishes them: architectures, generation, cores and threads', async () => {
    // EC2's DescribeInstanceTypes: m6g.large is Graviton (arm64, 2 cores of 1 thread), t2.medium
    // runs i386 and x86_64 on 2 cores of 1 thread, m1.small is a previous generation.
    const types = await aws(alice, 'describe-instance-types', '--instance-types', 'm6g.large', 't2.medium', 'm1.small',
      '--query', 'sort_by(InstanceTypes, &InstanceType)[].[InstanceType, ProcessorInfo.SupportedArchitectures, VCpuInfo.DefaultCores, VCpuInfo.DefaultThreadsPerCore, CurrentGeneration]');
    expect(types.json).toEqual([
      ['m1.small', ['i386', 'x86_64'], 1, 1, false],
      ['m6g.large', ['arm64'], 2, 1, true],
      ['t2.medium', ['i386', 'x86_64'], 2, 1, true],
    ]);
    const arm = await aws(alice, 'describe-instance-types', '--filters', 'Name=processor-info.supported-architecture,Values=arm64',
      'Name=instance-type,Values=m6g.large,m5.large', '--query', 'InstanceTypes[].InstanceType');
    expect(arm.json).toEqual(['m6g.large']);
    const previous = await aws(alice, 'describe-instance-types', '--filters', 'Name=current-generation,Values=false',
      'Name=instance-type,Values=m1.small,m6g.large', '--query', 'InstanceTypes[].InstanceType');
    expect(previous.json).toEqual(['m1.small']);

    // A t2.medium instance shows the same cores and threads (CpuOptions).
    await t.hosts('t2-host', 'us-east-1b');
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't2.medium', '--placement', 'AvailabilityZone=us-east-1b');
    expect(ran.stderr).toBe('');
    expect(ran.json.Instances[0].CpuOptions).toEqual({ CoreCount: 2, ThreadsPerCore: 1 });
    expect((await aws(alice, 'terminate-instances', '--instance-ids', ran.json.Instances[0].InstanceId)).code).toBe(0);
  });

  it('filters with escaped wildcards, DescribeTags by tag:<key>, and takes 8-digit ids as well formed', async () => {
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--count', '2', '--placement', 'AvailabilityZone=us-east-1a');
    const [literal, other] = ran.json.Instances.map((i: { InstanceId: string }) => i.InstanceId);
    expect((await aws(alice, 'create-tags', '--resources', literal, '--tags', 'Key=glob,Value=a*b', 'Key=owner,Value=team-x')).code).toBe(0);
    expect((await aws(alice, 'create-tags', '--resources', other, '--tags', 'Key=glob,Value=axxb')).code).toBe(0);

    // EC2: "a value of \*amazon\?\\ searches for the literal string *amazon?\": `a\*b` is only 'a*b'; `a*b` both.
    const escaped = await aws(alice, 'describe-instances', '--filters', 'Name=tag:glob,Values=a\\*b', '--query', 'Reservations[].Instances[].InstanceId');
    expect(escaped.json).toEqual([literal]);
    const glob = await aws(alice, 'describe-instances', '--filters', 'Name=tag:glob,Values=a*b', '--query', 'Reservations[].Instances[].InstanceId');
    expect(glob.json.sort()).toEqual([literal, other].sort());

    // DescribeTags' tag:<key>: the tags of the resources that carry owner=team-x (the literal one's two).
    const byTag = await aws(alice, 'describe-tags', '--filters', 'Name=tag:owner,Values=team-x');
    expect(byTag.json.Tags).toEqual([
      { Key: 'glob', ResourceId: literal, ResourceType: 'instance', Value: 'a*b' },
      { Key: 'owner', ResourceId: literal, ResourceType: 'instance', Value: 'team-x' },
    ]);

    // Instances and volumes made before 2016 have 8-digit ids (EC2's "Resource IDs"): well formed, not found here.
    const oldInstance = await aws(alice, 'describe-instances', '--instance-ids', 'i-1a2b3c4d');
    expect(oldInstance.stderr).toContain('(InvalidInstanceID.NotFound)');
    const oldVolume = await aws(alice, 'describe-volumes', '--volume-ids', 'vol-1a2b3c4d');
    expect(oldVolume.stderr).toContain('(InvalidVolume.NotFound)');
    const malformed = await aws(alice, 'describe-instances', '--instance-ids', 'i-1a2b3c4');
    // In EC2's words, as the CLI prints them for EC2 ("Invalid id: \"ma1\"" and the kind's prefix expected).
    expect(malformed.stderr).toContain('(InvalidInstanceID.Malformed) when calling the DescribeInstances operation: Invalid id: "i-1a2b3c4" (expecting "i-...")');
    expect((await aws(alice, 'terminate-instances', '--instance-ids', literal, other)).code).toBe(0);
  });

  it('assigns and unassigns secondary private addresses of a network interface (create-network-interface, assign-/unassign-private-ip-addresses)', async () => {
    const subnets = await aws(bob, 'describe-subnets', '--filters', 'Name=availability-zone,Values=us-east-1c', '--query', 'Subnets[].SubnetId');
    const [subnet] = subnets.json as string[];
    const made = await aws(bob, 'create-network-interface', '--subnet-id', subnet, '--secondary-private-ip-address-count', '1');
    const eni: string = made.json.NetworkInterface.NetworkInterfaceId;
    // us-east-1c's default subnet is 172.31.32.0/20, its first four addresses reserved: bob's first interface holds .4 and .5.
    expect(made.json.NetworkInterface.PrivateIpAddresses.map((a: { PrivateIpAddress: string; Primary: boolean }) => [a.PrivateIpAddress, a.Primary])).toEqual([['172.31.32.4', true], ['172.31.32.5', false]]);
    const assigned = await aws(bob, 'assign-private-ip-addresses', '--network-interface-id', eni, '--private-ip-addresses', '172.31.32.9');
    expect(assigned.json).toEqual({ NetworkInterfaceId: eni, AssignedPrivateIpAddresses: [{ PrivateIpAddress: '172.31.32.9' }], AssignedIpv4Prefixes: [] });
    const primary = await aws(bob, 'unassign-private-ip-addresses', '--network-interface-id', eni, '--private-ip-addresses', '172.31.32.4');
    expect(primary.stderr).toContain('(InvalidParameterValue)');
    expect((await aws(bob, 'unassign-private-ip-addresses', '--network-interface-id', eni, '--private-ip-addresses', '172.31.32.5')).code).toBe(0);
    const now = await aws(bob, 'describe-network-interfaces', '--filters', 'Name=addresses.private-ip-address,Values=172.31.32.9', '--query', 'NetworkInterfaces[].PrivateIpAddresses[].PrivateIpAddress');
    expect(now.json).toEqual(['172.31.32.4', '172.31.32.9']);
    expect((await aws(bob, 'delete-network-interface', '--network-interface-id', eni)).code).toBe(0);
  });

  it("follows the VPC tutorial: an internet gateway, a route table with a route to it for a public subnet (modify-subnet-attribute), DNS hostnames (modify-vpc-attribute, the User Guide's JSON form)", async () => {
    const vpc: string = (await aws(bob, 'create-vpc', '--cidr-block', '10.0.0.0/16', '--query', 'Vpc.VpcId')).json;
    const subnet: string = (await aws(bob, 'create-subnet', '--vpc-id', vpc, '--cidr-block', '10.0.1.0/24', '--availability-zone', 'us-east-1a', '--query', 'Subnet.SubnetId')).json;
    const hostnames = async () => (await aws(bob, 'describe-vpc-attribute', '--vpc-id', vpc, '--attribute', 'enableDnsHostnames')).json;
    expect(await hostnames()).toEqual({ VpcId: vpc, EnableDnsHostnames: { Value: false } });
    // The internet gateway, and a custom route table sending 0.0.0.0/0 to it, associated with the subnet.
    const igw: string = (await aws(bob, 'create-internet-gateway', '--query', 'InternetGateway.InternetGatewayId')).json;
    expect((await aws(bob, 'attach-internet-gateway', '--vpc-id', vpc, '--internet-gateway-id', igw)).code).toBe(0);
    const rtb: string = (await aws(bob, 'create-route-table', '--vpc-id', vpc, '--query', 'RouteTable.RouteTableId')).json;
    expect((await aws(bob, 'create-route', '--route-table-id', rtb, '--destination-cidr-block', '0.0.0.0/0', '--gateway-id', igw)).json).toEqual({ Return: true });
    const routes = await aws(bob, 'describe-route-tables', '--route-table-id', rtb, '--query', 'RouteTables[0].Routes[].[DestinationCidrBlock,GatewayId,State]');
    expect(routes.json).toEqual([['10.0.0.0/16', 'local', 'active'], ['0.0.0.0/0', igw, 'active']]);
    const associated = await aws(bob, 'associate-route-table', '--subnet-id', subnet, '--route-table-id', rtb);
    expect(associated.json).toEqual({ AssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/), AssociationState: { State: 'associated' } });
    const found = await aws(bob, 'describe-route-tables', '--filters', `Name=association.subnet-id,Values=${subnet}`, '--query', 'RouteTables[].RouteTableId');
    expect(found.json).toEqual([rtb]);
    // Terraform's aws_vpc reads the VPC's default network ACL so.
    const acl = await aws(bob, 'describe-network-acls', '--filters', 'Name=default,Values=true', `Name=vpc-id,Values=${vpc}`, '--query', 'NetworkAcls[].[IsDefault,Associations[0].SubnetId]');
    expect(acl.json).toEqual([[true, subnet]]);
    // A network ACL of its own for the subnet, as the CLI's create-network-acl-entry shorthand writes it.
    const nacl: string = (await aws(bob, 'create-network-acl', '--vpc-id', vpc, '--query', 'NetworkAcl.NetworkAclId')).json;
    const entry = ['--network-acl-id', nacl, '--ingress', '--rule-number', '100', '--protocol', 'tcp', '--port-range', 'From=80,To=80', '--cidr-block', '0.0.0.0/0', '--rule-action', 'allow'];
    expect((await aws(bob, 'create-network-acl-entry', ...entry)).code).toBe(0);
    expect((await aws(bob, 'create-network-acl-entry', ...entry)).stderr).toContain('(NetworkAclEntryAlreadyExists)');
    const defaultAssoc: string = (await aws(bob, 'describe-network-acls', '--filters', `Name=association.subnet-id,Values=${subnet}`, '--query', 'NetworkAcls[0].Associations[0].NetworkAclAssociationId')).json;
    expect((await aws(bob, 'replace-network-acl-association', '--association-id', defaultAssoc, '--network-acl-id', nacl)).json).toEqual({ NewAssociationId: expect.stringMatching(/^aclassoc-[0-9a-f]{17}$/) });
    const naclShown = await aws(bob, 'describe-network-acls', '--network-acl-ids', nacl, '--query', 'NetworkAcls[0].[Associations[0].SubnetId,Entries[?RuleNumber==`100`].PortRange]');
    expect(naclShown.json).toEqual([subnet, [{ From: 80, To: 80 }]]);
    expect((await aws(bob, 'modify-subnet-attribute', '--subnet-id', subnet, '--map-public-ip-on-launch')).code).toBe(0);
    expect((await aws(bob, 'modify-vpc-attribute', '--vpc-id', vpc, '--enable-dns-hostnames', '{"Value":true}')).code).toBe(0);
    expect(await hostnames()).toEqual({ VpcId: vpc, EnableDnsHostnames: { Value: true } });
    const ran = await aws(bob, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--subnet-id', subnet, '--query', 'Instances[0].[PublicIpAddress,PublicDnsName,PrivateDnsName]');
    const [ip, dns, privateDns] = ran.json as string[];
    expect(dns).toBe(`ec2-${ip.replaceAll('.', '-')}.compute-1.amazonaws.com`);
    expect(privateDns).toBe('ip-10-0-1-4.ec2.internal');
    const both = await aws(bob, 'modify-vpc-attribute', '--vpc-id', vpc, '--enable-dns-support', '{"Value":true}', '--enable-dns-hostnames', '{"Value":true}');
    expect(both.stderr).toContain('(InvalidParameterCombination)');
    expect((await aws(alice, 'modify-subnet-attribute', '--subnet-id', subnet, '--no-map-public-ip-on-launch')).stderr).toContain('(InvalidSubnetID.NotFound)');
    // Bob's gateway stays attached while his instance there holds a public address.
    expect((await aws(bob, 'detach-internet-gateway', '--vpc-id', vpc, '--internet-gateway-id', igw)).stderr).toContain('(DependencyViolation)');
  });

  it('allocates an Elastic IP, associates it with an instance and finds it with describe-addresses --query (allocate-, associate-, describe-, disassociate-, release-address)', async () => {
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    const ran = await aws(bob, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--placement', 'AvailabilityZone=us-east-1a');
    const id: string = ran.json.Instances[0].InstanceId;
    await t.advance(120);
    const eip = await aws(bob, 'allocate-address', '--domain', 'vpc', '--tag-specifications', 'ResourceType=elastic-ip,Tags=[{Key=app,Value=cli}]');
    expect(eip.json).toMatchObject({ Domain: 'vpc', PublicIpv4Pool: 'amazon', NetworkBorderGroup: 'us-east-1' });
    const associated = await aws(bob, 'associate-address', '--allocation-id', eip.json.AllocationId, '--instance-id', id);
    expect(associated.json.AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
    const found = await aws(bob, 'describe-addresses', '--filters', 'Name=tag:app,Values=cli', '--query', 'Addresses[].[PublicIp,InstanceId,AssociationId]');
    expect(found.json).toEqual([[eip.json.PublicIp, id, associated.json.AssociationId]]);
    const shown = await aws(bob, 'describe-instances', '--instance-ids', id, '--query', 'Reservations[].Instances[].PublicIpAddress');
    expect(shown.json).toEqual([eip.json.PublicIp]);
    const theirs = await aws(alice, 'describe-addresses', '--allocation-ids', eip.json.AllocationId);
    expect(theirs.stderr).toContain('(InvalidAllocationID.NotFound)');
    expect((await aws(bob, 'disassociate-address', '--association-id', associated.json.AssociationId)).code).toBe(0);
    expect((await aws(bob, 'release-address', '--allocation-id', eip.json.AllocationId)).code).toBe(0);
    expect((await aws(bob, 'describe-addresses')).json).toEqual({ Addresses: [] });
    expect((await aws(bob, 'terminate-instances', '--instance-ids', id)).code).toBe(0);
  });

  it('creates a NAT gateway with an Elastic IP, waits for it (wait nat-gateway-available), routes to it and deletes it (create-nat-gateway, describe-nat-gateways --filter, create-route --nat-gateway-id)', async () => {
    // The clock running (the test before held it): at 600x the gateway's pending minute is 0.1 s, so the waiter finds it available.
    await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
    const carol = await ec2Tenant(t, 'cli-nat');
    const subnet = await aws(carol, 'describe-subnets', '--filters', 'Name=default-for-az,Values=true', 'Name=availability-zone,Values=us-east-1a', '--query', 'Subnets[0].[SubnetId,VpcId]');
    const [subnetId, vpcId] = subnet.json as [string, string];
    const eip = await aws(carol, 'allocate-address', '--domain', 'vpc');
    const created = await aws(carol, 'create-nat-gateway', '--subnet-id', subnetId, '--allocation-id', eip.json.AllocationId, '--tag-specifications', 'ResourceType=natgateway,Tags=[{Key=Name,Value=cli-nat}]');
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const natId = created.json.NatGateway.NatGatewayId as string;
    expect(created.json.NatGateway).toMatchObject({ State: 'pending', SubnetId: subnetId, VpcId: vpcId, ConnectivityType: 'public' });
    const wait = await aws(carol, 'wait', 'nat-gateway-available', '--nat-gateway-ids', natId);
    expect({ code: wait.code, stderr: wait.stderr }).toEqual({ code: 0, stderr: '' });
    const found = await aws(carol, 'describe-nat-gateways', '--filter', 'Name=tag:Name,Values=cli-nat', '--query', 'NatGateways[].[NatGatewayId,State,NatGatewayAddresses[0].PublicIp]');
    expect(found.json).toEqual([[natId, 'available', eip.json.PublicIp]]);
    const table = await aws(carol, 'create-route-table', '--vpc-id', vpcId);
    expect((await aws(carol, 'create-route', '--route-table-id', table.json.RouteTable.RouteTableId, '--destination-cidr-block', '0.0.0.0/0', '--nat-gateway-id', natId)).code).toBe(0);
    const routes = await aws(carol, 'describe-route-tables', '--route-table-ids', table.json.RouteTable.RouteTableId, '--query', 'RouteTables[0].Routes[?NatGatewayId].[NatGatewayId,State]');
    expect(routes.json).toEqual([[natId, 'active']]);
    expect((await aws(bob, 'describe-nat-gateways', '--nat-gateway-ids', natId)).stderr).toContain('(NatGatewayNotFound)');
    const deleted = await aws(carol, 'delete-nat-gateway', '--nat-gateway-id', natId);
    expect(deleted.json).toEqual({ NatGatewayId: natId });
    expect((await aws(carol, 'describe-nat-gateways', '--nat-gateway-ids', natId, '--query', 'NatGateways[0].State')).json).toMatch(/^delet(ing|ed)$/);
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
  });

  it('peers two tenants\' VPCs: one requests, the other accepts, routes to it, deletes it (create-vpc-peering-connection --peer-owner-id, accept-vpc-peering-connection, wait vpc-peering-connection-exists, create-route --vpc-peering-connection-id)', async () => {
    const dan = await ec2Tenant(t, 'cli-pcx-dan');
    const eve = await ec2Tenant(t, 'cli-pcx-eve');
    const danVpc = (await aws(dan, 'create-vpc', '--cidr-block', '10.20.0.0/16')).json.Vpc.VpcId as string;
    const eveVpc = (await aws(eve, 'create-vpc', '--cidr-block', '10.21.0.0/16')).json.Vpc.VpcId as string;
    const created = await aws(dan, 'create-vpc-peering-connection', '--vpc-id', danVpc, '--peer-vpc-id', eveVpc, '--peer-owner-id', eve.accountId,
      '--tag-specifications', 'ResourceType=vpc-peering-connection,Tags=[{Key=Name,Value=cli-pcx}]');
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const pcxId = created.json.VpcPeeringConnection.VpcPeeringConnectionId as string;
    expect(created.json.VpcPeeringConnection.Status.Code).toBe('initiating-request');
    const wait = await aws(eve, 'wait', 'vpc-peering-connection-exists', '--vpc-peering-connection-ids', pcxId);
    expect({ code: wait.code, stderr: wait.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await aws(dan, 'accept-vpc-peering-connection', '--vpc-peering-connection-id', pcxId)).stderr).toContain('(OperationNotPermitted)');
    const accepted = await aws(eve, 'accept-vpc-peering-connection', '--vpc-peering-connection-id', pcxId);
    expect(accepted.json.VpcPeeringConnection.Status.Code).toBe('provisioning');
    const table = (await aws(dan, 'create-route-table', '--vpc-id', danVpc)).json.RouteTable.RouteTableId as string;
    expect((await aws(dan, 'create-route', '--route-table-id', table, '--destination-cidr-block', '10.21.0.0/16', '--vpc-peering-connection-id', pcxId)).json).toEqual({ Return: true });
    const found = await aws(dan, 'describe-vpc-peering-connections', '--filters', 'Name=tag:Name,Values=cli-pcx', '--query', 'VpcPeeringConnections[].[VpcPeeringConnectionId,AccepterVpcInfo.OwnerId]');
    expect(found.json).toEqual([[pcxId, eve.accountId]]);
    expect((await aws(bob, 'describe-vpc-peering-connections', '--vpc-peering-connection-ids', pcxId)).stderr).toContain('(InvalidVpcPeeringConnectionID.NotFound)');
    expect((await aws(eve, 'delete-vpc-peering-connection', '--vpc-peering-connection-id', pcxId)).json).toEqual({ Return: true });
    const routes = await aws(dan, 'describe-route-tables', '--route-table-ids', table, '--query', 'RouteTables[0].Routes[?VpcPeeringConnectionId].[VpcPeeringConnectionId,State]');
    expect(routes.json).toEqual([[pcxId, 'blackhole']]);
  });

  it('creates a DHCP option set, associates it with a VPC, and deletes it once the VPC has none (create-dhcp-options --dhcp-configurations, associate-dhcp-options, describe-dhcp-options --filters, delete-dhcp-options)', async () => {
    const fay = await ec2Tenant(t, 'cli-dopt-fay');
    const vpc = (await aws(fay, 'create-vpc', '--cidr-block', '10.50.0.0/16')).json.Vpc;
    const [own] = (await aws(fay, 'describe-dhcp-options')).json.DhcpOptions;
    expect(vpc.DhcpOptionsId).toBe(own.DhcpOptionsId);
    const created = await aws(fay, 'create-dhcp-options', '--dhcp-configurations', 'Key=domain-name-servers,Values=10.2.5.1,10.2.5.2', 'Key=domain-name,Values=example.com',
      'Key=netbios-node-type,Values=2', '--tag-specifications', 'ResourceType=dhcp-options,Tags=[{Key=Name,Value=cli-dopt}]');
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const dopt = created.json.DhcpOptions;
    expect(dopt.DhcpConfigurations).toEqual([
      { Key: 'domain-name', Values: [{ Value: 'example.com' }] }, { Key: 'domain-name-servers', Values: [{ Value: '10.2.5.1' }, { Value: '10.2.5.2' }] },
      { Key: 'netbios-node-type', Values: [{ Value: '2' }] },
    ]);
    const associated = await aws(fay, 'associate-dhcp-options', '--dhcp-options-id', dopt.DhcpOptionsId, '--vpc-id', vpc.VpcId);
    expect({ code: associated.code, stderr: associated.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await aws(fay, 'describe-vpcs', '--vpc-ids', vpc.VpcId, '--query', 'Vpcs[0].DhcpOptionsId')).json).toBe(dopt.DhcpOptionsId);
    const found = await aws(fay, 'describe-dhcp-options', '--filters', 'Name=tag:Name,Values=cli-dopt', 'Name=key,Values=netbios-node-type', '--query', 'DhcpOptions[].DhcpOptionsId');
    expect(found.json).toEqual([dopt.DhcpOptionsId]);
    expect((await aws(fay, 'delete-dhcp-options', '--dhcp-options-id', dopt.DhcpOptionsId)).stderr).toContain('(DependencyViolation)');
    expect((await aws(bob, 'describe-dhcp-options', '--dhcp-options-ids', dopt.DhcpOptionsId)).stderr).toContain('(InvalidDhcpOptionID.NotFound)');
    expect((await aws(fay, 'associate-dhcp-options', '--dhcp-options-id', 'default', '--vpc-id', vpc.VpcId)).code).toBe(0);
    const deleted = await aws(fay, 'delete-dhcp-options', '--dhcp-options-id', dopt.DhcpOptionsId);
    expect({ code: deleted.code, stderr: deleted.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await aws(fay, 'describe-vpcs', '--vpc-ids', vpc.VpcId, '--query', 'Vpcs[0].DhcpOptionsId')).json).toBe('default');
  });

  it('launches from a launch template version with --launch-template, the request overriding it (create-launch-template, create-launch-template-version)', async () => {
    const data = JSON.stringify({ ImageId: LINUX_AMI, InstanceType: 't3.micro', Placement: { AvailabilityZone: 'us-east-1a' }, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'cli-lt' }] }] });
    const created = await aws(alice, 'create-launch-template', '--launch-template-name', 'cli-web', '--version-description', 'v1', '--launch-template-data', data);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const id = created.json.LaunchTemplate.LaunchTemplateId;
    const v2 = await aws(alice, 'create-launch-template-version', '--launch-template-name', 'cli-web', '--source-version', '1', '--launch-template-data', '{"InstanceType":"m5.large"}');
    expect(v2.json.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, LaunchTemplateData: { ImageId: LINUX_AMI, InstanceType: 'm5.large' } });
    const ran = await aws(alice, 'run-instances', '--launch-template', 'LaunchTemplateName=cli-web,Version=2', '--query', 'Instances[0].[InstanceType,Placement.AvailabilityZone]');
    expect({ code: ran.code, stderr: ran.stderr, launched: ran.json }).toEqual({ code: 0, stderr: '', launched: ['m5.large', 'us-east-1a'] });
    const tags = await aws(alice, 'describe-instances', '--filters', 'Name=tag:app,Values=cli-lt', '--query', 'Reservations[0].Instances[0].Tags');
    expect(Object.fromEntries(tags.json.map((t: { Key: string; Value: string }) => [t.Key, t.Value]))).toEqual({ app: 'cli-lt', 'aws:ec2launchtemplate:id': id, 'aws:ec2launchtemplate:version': '2' });
    const bad = await aws(alice, 'run-instances', '--launch-template', 'LaunchTemplateName=cli-web,Version=7');
    expect(bad.stderr).toContain('(InvalidLaunchTemplateId.VersionNotFound)');
  });

  it("reports EC2's errors: another tenant's instance is NotFound as a missing one, a wrong secret fails the signature", async () => {
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 'm5.large', '--count', '1');
    const id = ran.json.Instances[0].InstanceId;
    const theirs = await aws(bob, 'describe-instances', '--instance-ids', id);
    expect(theirs.code).toBe(254);
    expect(theirs.stderr).toContain('(InvalidInstanceID.NotFound)');
    expect(theirs.stderr).toContain(`The instance ID '${id}' does not exist`);
    const wrong = await aws({ accessKeyId: alice.accessKeyId, secretAccessKey: 'x'.repeat(40) }, 'describe-regions');
    expect(wrong.code).toBe(254);
    expect(wrong.stderr).toContain('(SignatureDoesNotMatch)');
    const dry = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--dry-run');
    expect(dry.stderr).toContain('(DryRunOperation)');
  });

  it("gets a Windows instance's Administrator password with get-password-data --priv-launch-key (the CLI decrypts it with the key pair's private key)", async () => {
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    const key = await aws(alice, 'create-key-pair', '--key-name', 'cli-windows', '--query', 'KeyMaterial');
    const privateKey: string = key.json;
    const pem = join(mkdtempSync(join(tmpdir(), 'nimbus-key-')), 'cli-windows.pem');
    writeFileSync(pem, privateKey);
    chmodSync(pem, 0o600);
    const ran = await aws(alice, 'run-instances', '--image-id', WINDOWS_AMI, '--instance-type', 'm5.large', '--key-name', 'cli-windows', '--placement', 'AvailabilityZone=us-east-1a');
    const id: string = ran.json.Instances[0].InstanceId;
    const early = await aws(alice, 'get-password-data', '--instance-id', id, '--priv-launch-key', pem);
    expect({ code: early.code, stderr: early.stderr, data: early.json?.PasswordData }).toEqual({ code: 0, stderr: '', data: '' });

    // Boot (3 minutes) and the 4 minutes EC2 asks to wait: the waiter's first poll finds it.
    await t.advance(420);
    expect(await aws(alice, 'wait', 'password-data-available', '--instance-id', id)).toMatchObject({ code: 0, stderr: '' });
    const decrypted = await aws(alice, 'get-password-data', '--instance-id', id, '--priv-launch-key', pem);
    expect({ code: decrypted.code, stderr: decrypted.stderr, id: decrypted.json?.InstanceId }).toEqual({ code: 0, stderr: '', id });
    const password: string = decrypted.json.PasswordData;
    expect(password).toMatch(/^.{32}$/);
    const raw = await aws(alice, 'get-password-data', '--instance-id', id);
    expect(raw.json.PasswordData).not.toBe(password);
    expect(decryptPassword(privateKey, raw.json.PasswordData)).toBe(password);
    expect((await aws(bob, 'get-password-data', '--instance-id', id)).stderr).toContain('(InvalidInstanceID.NotFound)');

    const ed = await aws(alice, 'create-key-pair', '--key-name', 'cli-ed', '--key-type', 'ed25519');
    expect(ed.code).toBe(0);
    const refused = await aws(alice, 'run-instances', '--image-id', WINDOWS_AMI, '--instance-type', 'm5.large', '--key-name', 'cli-ed');
    expect(refused.stderr).toContain('(Unsupported) when calling the RunInstances operation: ED25519 key pairs are not supported with Windows AMIs.');
    await t.admin().put('/v1/admin/clock', { rate: 600 }).expect(200);
  });

  it('create-default-vpc gives back a deleted default VPC, then answers DefaultVpcAlreadyExists', async () => {
    const carol = await ec2Tenant(t, 'carol');
    const sdk = ec2Client(t, carol);
    try {
      const deleted = await deleteDefaultVpc(sdk);
      const made = await aws(carol, 'create-default-vpc');
      expect({ code: made.code, stderr: made.stderr }).toEqual({ code: 0, stderr: '' });
      expect(made.json.Vpc).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', OwnerId: carol.accountId });
      expect(made.json.Vpc.VpcId).not.toBe(deleted);
      const subnets = await aws(carol, 'describe-subnets', '--filters', `Name=vpc-id,Values=${made.json.Vpc.VpcId}`, '--query', 'sort_by(Subnets, &AvailabilityZone)[].[AvailabilityZone,CidrBlock,DefaultForAz]');
      expect(subnets.json).toEqual([['us-east-1a', '172.31.0.0/20', true], ['us-east-1b', '172.31.16.0/20', true], ['us-east-1c', '172.31.32.0/20', true]]);
      const again = await aws(carol, 'create-default-vpc');
      expect(again.code).toBe(254);
      expect(again.stderr).toContain('An error occurred (DefaultVpcAlreadyExists) when calling the CreateDefaultVpc operation: A Default VPC already exists for this account in this region.');
    } finally {
      sdk.destroy();
    }
  });
  it('turns on detailed monitoring (monitor-instances, then describe-instances a simulated minute later) and describes a rule (update-security-group-rule-descriptions-ingress)', async () => {
    await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
    const ran = await aws(bob, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--placement', 'AvailabilityZone=us-east-1a');
    const id: string = ran.json.Instances[0].InstanceId;
    const monitored = await aws(bob, 'monitor-instances', '--instance-ids', id);
    expect({ code: monitored.code, stderr: monitored.stderr, json: monitored.json }).toEqual({ code: 0, stderr: '', json: { InstanceMonitorings: [{ InstanceId: id, Monitoring: { State: 'pending' } }] } });
    await t.advance(60);
    expect((await aws(bob, 'describe-instances', '--instance-ids', id, '--query', 'Reservations[0].Instances[0].Monitoring.State')).json).toBe('enabled');
    expect((await aws(bob, 'terminate-instances', '--instance-ids', id)).code).toBe(0);

    const group = (await aws(bob, 'create-security-group', '--group-name', 'cli-rules', '--description', 'rules from the CLI')).json.GroupId;
    expect((await aws(bob, 'authorize-security-group-ingress', '--group-id', group, '--protocol', 'tcp', '--port', '22', '--cidr', '203.0.113.0/24')).code).toBe(0);
    const updated = await aws(bob, 'update-security-group-rule-descriptions-ingress', '--group-id', group, '--ip-permissions', 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=203.0.113.0/24,Description="SSH from the office"}]');
    expect({ code: updated.code, stderr: updated.stderr, json: updated.json }).toEqual({ code: 0, stderr: '', json: { Return: true } });
    const rules = await aws(bob, 'describe-security-group-rules', '--filters', `Name=group-id,Values=${group}`, '--query', 'SecurityGroupRules[?!IsEgress].[CidrIpv4,Description]');
    expect(rules.json).toEqual([['203.0.113.0/24', 'SSH from the office']]);
    const missingRule = await aws(bob, 'update-security-group-rule-descriptions-ingress', '--group-id', group, '--ip-permissions', 'IpProtocol=tcp,FromPort=23,ToPort=23,IpRanges=[{CidrIp=203.0.113.0/24}]');
    expect(missingRule.stderr).toContain('(InvalidPermission.NotFound)');
  });

  it('launches a Spot Instance and reads its request and the Spot price (run-instances --instance-market-options, describe-spot-instance-requests, describe-spot-price-history, cancel-spot-instance-requests)', async () => {
    const ran = await aws(alice, 'run-instances', '--image-id', LINUX_AMI, '--instance-type', 't3.micro', '--placement', 'AvailabilityZone=us-east-1a',
      '--instance-market-options', 'MarketType=spot,SpotOptions={MaxPrice=0.0104,SpotInstanceType=one-time,InstanceInterruptionBehavior=terminate}');
    expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
    const i = ran.json.Instances[0];
    expect(i.InstanceLifecycle).toBe('spot');
    const requests = await aws(alice, 'describe-spot-instance-requests', '--filters', `Name=instance-id,Values=${i.InstanceId}`,
      '--query', 'SpotInstanceRequests[].[SpotInstanceRequestId,State,Status.Code,SpotPrice,Type]');
    expect(requests.json).toEqual([[i.SpotInstanceRequestId, 'active', 'fulfilled', '0.0104', 'one-time']]);
    const history = await aws(alice, 'describe-spot-price-history', '--instance-types', 't3.micro', '--product-descriptions', 'Linux/UNIX', '--availability-zone', 'us-east-1a',
      '--max-items', '1', '--query', 'SpotPriceHistory[0].[InstanceType,AvailabilityZone,SpotPrice]');
    expect(history.json[0]).toBe('t3.micro');
    expect(Number(history.json[2])).toBeGreaterThanOrEqual(0.00312);
    expect(Number(history.json[2])).toBeLessThanOrEqual(0.00936);
    const cancelled = await aws(alice, 'cancel-spot-instance-requests', '--spot-instance-request-ids', i.SpotInstanceRequestId);
    expect(cancelled.json).toEqual({ CancelledSpotInstanceRequests: [{ SpotInstanceRequestId: i.SpotInstanceRequestId, State: 'cancelled' }] });
    expect((await aws(bob, 'describe-spot-instance-requests', '--spot-instance-request-ids', i.SpotInstanceRequestId)).stderr).toContain('(InvalidSpotInstanceRequestID.NotFound)');
    expect((await aws(alice, 'terminate-instances', '--instance-ids', i.InstanceId)).code).toBe(0);
  });
});
