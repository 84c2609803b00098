import {
  AccountAttributeName,
  AllocateAddressCommand, AssignPrivateIpAddressesCommand, AssociateAddressCommand, AttachNetworkInterfaceCommand, CreateNetworkInterfaceCommand, CreateSubnetCommand,
  CreateTagsCommand, CreateVpcCommand, DeleteTagsCommand, DescribeAccountAttributesCommand, DescribeAddressesCommand, DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand, DescribeTagsCommand, DisassociateAddressCommand, EC2Client, Instance, ReleaseAddressCommand, RunInstancesCommand,
  StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseIpv4 } from '../../apps/api/src/application/networking/cidr';
import { EngineService } from '../../apps/api/src/engine/engine.service';
import { NetworkingService } from '../../apps/api/src/application/networking/networking.service';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BetterSqlite3QueryRunner } from 'typeorm/driver/better-sqlite3/BetterSqlite3QueryRunner';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { SettingEntity } from '../../apps/api/src/persistence/entities';
import { LINUX_AMI, TestApp } from '../support/app';
import { Ec2Tenant, failure, codeOf, twoTenantApp, closeTwoTenantApp } from './ec2-support';

const POOL = /^3\.(8\d|9[0-5])\.\d+\.\d+$/;
const dnsOf = (ip: string) => `ec2-${ip.replaceAll('.', '-')}.compute-1.amazonaws.com`;

describe('Elastic IP addresses through the JS SDK', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  beforeAll(async () => {
    ({ t, alice, ec2, bobEc2 } = await twoTenantApp([['us-east-1a', 2]]));
  });
  afterAll(() => closeTwoTenantApp({ t, ec2, bobEc2 }));

  const launch = async (c: EC2Client, extra: Partial<ConstructorParameters<typeof RunInstancesCommand>[0]> = {}): Promise<Instance> =>
    (await c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' }, ...extra }))).Instances![0];
  const describeOne = async (c: EC2Client, id: string): Promise<Instance> => (await c.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
  const addresses = async (c: EC2Client, input: ConstructorParameters<typeof DescribeAddressesCommand>[0] = {}) => (await c.send(new DescribeAddressesCommand(input))).Addresses!;
  const releaseAll = async (c: EC2Client) => {
    for (const a of await addresses(c)) {
      if (a.AssociationId) await c.send(new DisassociateAddressCommand({ AssociationId: a.AssociationId }));
      await c.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId }));
    }
  };
  /** Moves the pool's cursor so that the next address handed out is `address` (if free). */
  const rewindPoolTo = (address: string) =>
    t.app.get(EngineService).command((tx) => t.app.get(NetworkingService).setPublicIpCursor(tx, parseIpv4(address)! - parseIpv4('3.80.0.0')!));

  it('AllocateAddress answers an address of the public pool, vpc, with its tags; DescribeAddresses filters; tags on eipalloc- ids', async () => {
    const a = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'app', Value: 'web' }] }] }));
    expect(a).toMatchObject({ Domain: 'vpc', PublicIpv4Pool: 'amazon', NetworkBorderGroup: 'us-east-1' });
    expect(a.AllocationId).toMatch(/^eipalloc-[0-9a-f]{17}$/);
    expect(a.PublicIp).toMatch(POOL);
    const b = await ec2.send(new AllocateAddressCommand({}));
    try {
      expect(b.PublicIp).not.toBe(a.PublicIp);
      expect((await addresses(ec2)).map((x) => x.AllocationId).sort()).toEqual([a.AllocationId, b.AllocationId].sort());
      const [one] = await addresses(ec2, { AllocationIds: [a.AllocationId!] });
      expect(one).toMatchObject({ PublicIp: a.PublicIp, AllocationId: a.AllocationId, Domain: 'vpc', PublicIpv4Pool: 'amazon', NetworkBorderGroup: 'us-east-1', Tags: [{ Key: 'app', Value: 'web' }] });
      expect(one.AssociationId).toBeUndefined();
      expect(one.InstanceId).toBeUndefined();
      const filtered = async (Name: string, Values: string[]) => (await addresses(ec2, { Filters: [{ Name, Values }] })).map((x) => x.AllocationId);
      expect(await filtered('tag:app', ['web'])).toEqual([a.AllocationId]);
      expect(await filtered('tag-key', ['app'])).toEqual([a.AllocationId]);
      expect(await filtered('tag-value', ['w*'])).toEqual([a.AllocationId]);
      expect(await filtered('public-ip', [b.PublicIp!])).toEqual([b.AllocationId]);
      expect(await filtered('allocation-id', [b.AllocationId!])).toEqual([b.AllocationId]);
      expect((await filtered('domain', ['vpc'])).length).toBe(2);
      expect(await filtered('instance-id', ['i-0123456789abcdef0'])).toEqual([]);
      expect((await addresses(ec2, { PublicIps: [b.PublicIp!] })).map((x) => x.AllocationId)).toEqual([b.AllocationId]);
      expect(await codeOf(ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })))).toBe('InvalidParameterValue');

      // CreateTags / DeleteTags / DescribeTags reach Elastic IPs (resource type elastic-ip).
      await ec2.send(new CreateTagsCommand({ Resources: [b.AllocationId!], Tags: [{ Key: 'env', Value: 'prod' }] }));
      const tags = (await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['elastic-ip'] }] }))).Tags!;
      expect(tags.map((x) => [x.ResourceId, x.Key, x.Value]).sort()).toEqual([[a.AllocationId, 'app', 'web'], [b.AllocationId, 'env', 'prod']].sort());
      expect(tags.every((x) => x.ResourceType === 'elastic-ip')).toBe(true);
      await ec2.send(new DeleteTagsCommand({ Resources: [b.AllocationId!], Tags: [{ Key: 'env' }] }));
      expect((await addresses(ec2, { AllocationIds: [b.AllocationId!] }))[0].Tags ?? []).toEqual([]);
      expect(await codeOf(bobEc2.send(new CreateTagsCommand({ Resources: [a.AllocationId!], Tags: [{ Key: 'x', Value: 'y' }] })))).toBe('InvalidAllocationID.NotFound');
    } finally {
      await releaseAll(ec2);
    }
    // Released: gone, and its tags with it.
    expect(await addresses(ec2)).toEqual([]);
    expect(await codeOf(ec2.send(new DescribeAddressesCommand({ AllocationIds: [a.AllocationId!] })))).toBe('InvalidAllocationID.NotFound');
    expect((await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['elastic-ip'] }] }))).Tags).toEqual([]);
  });

  it('refuses what EC2 refuses: EC2-Classic, unsimulated pools, malformed and unknown ids, a 6th address (5, as DescribeAccountAttributes says)', async () => {
    expect(await codeOf(ec2.send(new AllocateAddressCommand({ Domain: 'standard' })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new AllocateAddressCommand({ Address: '3.80.0.9' })))).toBe('UnsupportedOperation');
    expect(await codeOf(ec2.send(new AllocateAddressCommand({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] })))).toBe('InvalidAllocationID.NotFound');
    expect(await codeOf(ec2.send(new DescribeAddressesCommand({ AllocationIds: ['nonsense'] })))).toBe('InvalidAllocationID.NotFound');
    expect(await codeOf(ec2.send(new DescribeAddressesCommand({ PublicIps: ['3.80.255.1'] })))).toBe('InvalidAddress.NotFound');
    expect(await codeOf(ec2.send(new DescribeAddressesCommand({ PublicIps: ['eipalloc-0123456789abcdef0'] })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new DisassociateAddressCommand({ AssociationId: 'eipassoc-0123456789abcdef0' })))).toBe('InvalidAssociationID.NotFound');
    expect(await codeOf(ec2.send(new ReleaseAddressCommand({ AllocationId: 'eipalloc-0123456789abcdef0' })))).toBe('InvalidAllocationID.NotFound');
    expect(await codeOf(ec2.send(new ReleaseAddressCommand({ PublicIp: '3.80.0.9' })))).toBe('InvalidParameterValue');
    // DryRun checks and does nothing.
    expect(await codeOf(ec2.send(new AllocateAddressCommand({ DryRun: true })))).toBe('DryRunOperation');
    expect(await addresses(ec2)).toEqual([]);

    const attrs = (await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['max-elastic-ips' as AccountAttributeName] }))).AccountAttributes!;
    const max = Number(attrs[0].AttributeValues![0].AttributeValue);
    expect(max).toBe(5);
    try {
      for (let i = 0; i < max; i++) await ec2.send(new AllocateAddressCommand({}));
      const over = await failure(ec2.send(new AllocateAddressCommand({})));
      expect(over.name).toBe('AddressLimitExceeded');
      expect(over.message).toBe('The maximum number of addresses has been reached.');
      expect(over.$metadata.httpStatusCode).toBe(400);
      // Another tenant's quota is its own.
      const theirs = await bobEc2.send(new AllocateAddressCommand({}));
      await bobEc2.send(new ReleaseAddressCommand({ AllocationId: theirs.AllocationId }));
      // A release frees a place.
      await ec2.send(new ReleaseAddressCommand({ AllocationId: (await addresses(ec2))[0].AllocationId }));
      await ec2.send(new AllocateAddressCommand({}));
    } finally {
      await releaseAll(ec2);
    }
  });

  it('associated with a running instance, it is the instance\'s public address everywhere; the auto-assigned one goes back to the pool; it survives stop and start; disassociation gives a new auto address', async () => {
    const instance = await launch(ec2);
    const id = instance.InstanceId!;
    const auto = instance.PublicIpAddress!;
    expect(auto).toMatch(POOL);
    await t.advance(120);
    const eip = await ec2.send(new AllocateAddressCommand({}));
    try {
      const { AssociationId } = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: id }));
      expect(AssociationId).toMatch(/^eipassoc-[0-9a-f]{17}$/);
      const shows = async (ip: string) => {
        const d = await describeOne(ec2, id);
        expect(d).toMatchObject({ PublicIpAddress: ip, PublicDnsName: dnsOf(ip) });
        expect(d.NetworkInterfaces![0].Association).toMatchObject({ PublicIp: ip, PublicDnsName: dnsOf(ip), IpOwnerId: alice.accountId });
        // The interface's owner is the account that made it (EC2's InstanceNetworkInterface.ownerId).
        expect(d.NetworkInterfaces![0].OwnerId).toBe(alice.accountId);
        expect(d.NetworkInterfaces![0].PrivateIpAddresses![0].Association).toMatchObject({ PublicIp: ip, IpOwnerId: alice.accountId });
        const [eni] = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'association.public-ip', Values: [ip] }] }))).NetworkInterfaces!;
        expect(eni.Association).toMatchObject({ PublicIp: ip, IpOwnerId: alice.accountId, AllocationId: eip.AllocationId, AssociationId });
        // The instance shows its interface's attachment as DescribeNetworkInterfaces does: attached at the
        // first launch, and still then after a stop and start (LaunchTime moves; the attachment stays).
        expect(d.NetworkInterfaces![0].Attachment).toEqual({ ...eni.Attachment, InstanceId: undefined, InstanceOwnerId: undefined });
        expect(d.NetworkInterfaces![0].Attachment!.AttachTime!.getTime()).toBeLessThanOrEqual(d.LaunchTime!.getTime());
        // DescribeNetworkInterfaces' association.* and addresses.association.* filters read that association.
        const byFilter = async (Name: string, value: string) =>
          (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name, Values: [value] }] }))).NetworkInterfaces!.map((n) => n.NetworkInterfaceId);
        for (const [Name, value] of [
          ['association.allocation-id', eip.AllocationId!], ['association.association-id', AssociationId!], ['addresses.association.public-ip', ip],
        ] as const) expect(await byFilter(Name, value)).toEqual([eni.NetworkInterfaceId]);
        expect(await byFilter('association.ip-owner-id', alice.accountId)).toContain(eni.NetworkInterfaceId);
        expect(await byFilter('addresses.association.owner-id', alice.accountId)).toContain(eni.NetworkInterfaceId);
        expect(await byFilter('ipv6-addresses.ipv6-address', '*')).toEqual([]);
        const rest = (await t.as(alice.key).get(`/v1/instances/${id}`).expect(200)).body;
        expect(rest).toMatchObject({ publicIpAddress: ip, publicDnsName: dnsOf(ip) });
        const filtered = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'ip-address', Values: [ip] }] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
        expect(filtered).toEqual([id]);
        return d;
      };
      const d = await shows(eip.PublicIp!);
      const eniId = d.NetworkInterfaces![0].NetworkInterfaceId!;
      const [described] = await addresses(ec2, { AllocationIds: [eip.AllocationId!] });
      expect(described).toMatchObject({
        AssociationId, InstanceId: id, NetworkInterfaceId: eniId, NetworkInterfaceOwnerId: alice.accountId, PrivateIpAddress: instance.PrivateIpAddress,
      });
      for (const [Name, value] of [['instance-id', id], ['association-id', AssociationId!], ['network-interface-id', eniId], ['private-ip-address', instance.PrivateIpAddress!], ['network-interface-owner-id', alice.accountId]]) {
        expect((await addresses(ec2, { Filters: [{ Name, Values: [value] }] })).map((x) => x.AllocationId)).toEqual([eip.AllocationId]);
      }
      // The auto-assigned address went back to the pool: the next allocation from it takes it.
      expect((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'association.public-ip', Values: [auto] }] }))).NetworkInterfaces).toEqual([]);
      await rewindPoolTo(auto);
      const reused = await ec2.send(new AllocateAddressCommand({}));
      expect(reused.PublicIp).toBe(auto);
      await ec2.send(new ReleaseAddressCommand({ AllocationId: reused.AllocationId }));

      // Stop and start: unlike an auto-assigned address, it stays.
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await t.advance(120);
      expect((await describeOne(ec2, id)).State!.Name).toBe('stopped');
      await shows(eip.PublicIp!);
      await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      await t.advance(120);
      expect((await describeOne(ec2, id)).State!.Name).toBe('running');
      await shows(eip.PublicIp!);

      // Disassociated: still allocated; the running instance gets a new auto-assigned address.
      await ec2.send(new DisassociateAddressCommand({ AssociationId }));
      const after = await describeOne(ec2, id);
      expect(after.PublicIpAddress).toMatch(POOL);
      expect(after.PublicIpAddress).not.toBe(eip.PublicIp);
      expect(after.NetworkInterfaces![0].Association).toMatchObject({ PublicIp: after.PublicIpAddress, IpOwnerId: 'amazon' });
      const [free] = await addresses(ec2, { AllocationIds: [eip.AllocationId!] });
      expect(free.AssociationId).toBeUndefined();
      expect(free.InstanceId).toBeUndefined();
      expect(await codeOf(ec2.send(new DisassociateAddressCommand({ AssociationId })))).toBe('InvalidAssociationID.NotFound');

      // Associated again, then the instance terminates: disassociated, still allocated.
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: id }));
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      await t.advance(120);
      expect((await describeOne(ec2, id)).State!.Name).toBe('terminated');
      const [kept] = await addresses(ec2, { AllocationIds: [eip.AllocationId!] });
      expect(kept).toMatchObject({ PublicIp: eip.PublicIp, AllocationId: eip.AllocationId });
      expect(kept.AssociationId).toBeUndefined();
      const terminated = await failure(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: id })));
      expect(terminated.name).toBe('InvalidInstanceID');
      expect(terminated.message).toBe(`The terminated instance '${id}' is not in a valid state for this operation.`);
    } finally {
      await releaseAll(ec2);
    }
  });

  it('reassociation moves it unless AllowReassociation is false; a second interface needs NetworkInterfaceId; a secondary private address may hold one', async () => {
    const one = await launch(ec2);
    const two = await launch(ec2);
    await t.advance(120);
    const eip = await ec2.send(new AllocateAddressCommand({}));
    try {
      const first = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: one.InstanceId }));
      // The same association again: EC2 calls it idempotent.
      expect((await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: one.InstanceId }))).AssociationId).toBe(first.AssociationId);
      const refused = await failure(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: two.InstanceId, AllowReassociation: false })));
      expect(refused.name).toBe('Resource.AlreadyAssociated');
      expect(refused.message).toBe(`resource ${eip.AllocationId} is already associated with associate-id ${first.AssociationId}`);
      // Reassociation is automatic otherwise: it moves, and the instance it left gets a new auto-assigned address.
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: two.InstanceId }));
      expect((await describeOne(ec2, two.InstanceId!)).PublicIpAddress).toBe(eip.PublicIp);
      const left = (await describeOne(ec2, one.InstanceId!)).PublicIpAddress;
      expect(left).toMatch(POOL);
      expect(left).not.toBe(eip.PublicIp);

      // A second interface: the instance no longer names one interface.
      const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: one.SubnetId }))).NetworkInterface!;
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: one.InstanceId, DeviceIndex: 1 }));
      const several = await failure(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: one.InstanceId })));
      expect(several.name).toBe('InvalidInstanceID');
      expect(several.message).toBe(`There are multiple interfaces attached to instance '${one.InstanceId}'. Please specify an interface ID for the operation instead.`);
      // On a secondary address of that interface.
      const [secondary] = (await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 }))).AssignedPrivateIpAddresses!;
      expect(await codeOf(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIpAddress: '172.31.15.250' })))).toBe('InvalidParameterValue');
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIpAddress: secondary.PrivateIpAddress }));
      const [shown] = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] }))).NetworkInterfaces!;
      expect(shown.Association).toBeUndefined();
      expect(shown.PrivateIpAddresses!.find((p) => p.PrivateIpAddress === secondary.PrivateIpAddress)!.Association).toMatchObject({ PublicIp: eip.PublicIp, IpOwnerId: alice.accountId });
      expect((await addresses(ec2))[0]).toMatchObject({ NetworkInterfaceId: eni.NetworkInterfaceId, PrivateIpAddress: secondary.PrivateIpAddress, InstanceId: one.InstanceId });
      // Neither instance nor interface, or both.
      expect(await codeOf(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId })))).toBe('MissingParameter');
      expect(await codeOf(ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: one.InstanceId, NetworkInterfaceId: eni.NetworkInterfaceId })))).toBe('InvalidParameterCombination');
    } finally {
      await releaseAll(ec2);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [one.InstanceId!, two.InstanceId!] }));
      await t.advance(120);
    }
  });

  it('ReleaseAddress: refused while associated in a nondefault VPC (InvalidIPAddress.InUse), disassociates in the default VPC', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!;
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.9.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    const inner = await launch(ec2, { SubnetId: subnet.SubnetId });
    expect(inner.PublicIpAddress).toBeUndefined();
    const outer = await launch(ec2);
    await t.advance(120);
    const a = await ec2.send(new AllocateAddressCommand({}));
    const b = await ec2.send(new AllocateAddressCommand({}));
    try {
      const assoc = await ec2.send(new AssociateAddressCommand({ AllocationId: a.AllocationId, InstanceId: inner.InstanceId }));
      expect((await describeOne(ec2, inner.InstanceId!)).PublicIpAddress).toBe(a.PublicIp);
      const inUse = await failure(ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId })));
      expect(inUse.name).toBe('InvalidIPAddress.InUse');
      expect(inUse.message).toBe(`Address ${a.PublicIp} is in use.`);
      await ec2.send(new DisassociateAddressCommand({ AssociationId: assoc.AssociationId }));
      // Launched without a public address: none after the disassociation either.
      expect((await describeOne(ec2, inner.InstanceId!)).PublicIpAddress).toBeUndefined();
      await ec2.send(new ReleaseAddressCommand({ AllocationId: a.AllocationId }));

      await ec2.send(new AssociateAddressCommand({ AllocationId: b.AllocationId, InstanceId: outer.InstanceId }));
      await ec2.send(new ReleaseAddressCommand({ AllocationId: b.AllocationId }));
      const d = await describeOne(ec2, outer.InstanceId!);
      expect(d.PublicIpAddress).toMatch(POOL);
      expect(d.PublicIpAddress).not.toBe(b.PublicIp);
      expect(await addresses(ec2)).toEqual([]);
    } finally {
      await releaseAll(ec2);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [inner.InstanceId!, outer.InstanceId!] }));
      await t.advance(120);
    }
  });

  it('another tenant sees none of it: its allocation, association, address and instance are exactly not found', async () => {
    const mine = await launch(ec2);
    const theirs = await launch(bobEc2);
    await t.advance(120);
    const eip = await ec2.send(new AllocateAddressCommand({}));
    const bobs = await bobEc2.send(new AllocateAddressCommand({}));
    try {
      const { AssociationId } = await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: mine.InstanceId }));
      expect((await addresses(bobEc2)).map((x) => x.AllocationId)).toEqual([bobs.AllocationId]);
      const missing = await failure(bobEc2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] })));
      const unknown = await failure(bobEc2.send(new DescribeAddressesCommand({ AllocationIds: ['eipalloc-0123456789abcdef0'] })));
      expect([missing.name, missing.message.replace(eip.AllocationId!, 'ID')]).toEqual([unknown.name, unknown.message.replace('eipalloc-0123456789abcdef0', 'ID')]);
      expect(missing.name).toBe('InvalidAllocationID.NotFound');
      expect(await codeOf(bobEc2.send(new DescribeAddressesCommand({ PublicIps: [eip.PublicIp!] })))).toBe('InvalidAddress.NotFound');
      expect(await codeOf(bobEc2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, InstanceId: theirs.InstanceId })))).toBe('InvalidAllocationID.NotFound');
      expect(await codeOf(bobEc2.send(new AssociateAddressCommand({ AllocationId: bobs.AllocationId, InstanceId: mine.InstanceId })))).toBe('InvalidInstanceID.NotFound');
      expect(await codeOf(bobEc2.send(new DisassociateAddressCommand({ AssociationId })))).toBe('InvalidAssociationID.NotFound');
      expect(await codeOf(bobEc2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId })))).toBe('InvalidAllocationID.NotFound');
      expect(await codeOf(bobEc2.send(new ReleaseAddressCommand({ AllocationId: eip.AllocationId, DryRun: true })))).toBe('InvalidAllocationID.NotFound');
      expect((await describeOne(ec2, mine.InstanceId!)).PublicIpAddress).toBe(eip.PublicIp);
    } finally {
      await releaseAll(ec2);
      await releaseAll(bobEc2);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [mine.InstanceId!] }));
      await bobEc2.send(new TerminateInstancesCommand({ InstanceIds: [theirs.InstanceId!] }));
      await t.advance(120);
    }
  });
  it("the pool's cursor: a command that took an address and failed leaves it where it was; a group's moves are written once, in its commit", async () => {
    const engine = t.app.get(EngineService);
    const networking = t.app.get(NetworkingService);
    const db = t.app.get<DataSource>(getDataSourceToken());
    const offsetOf = (address: string) => parseIpv4(address)! - parseIpv4('3.80.0.0')!;
    const storedCursor = async () => Number(JSON.parse((await db.getRepository(SettingEntity).findOneByOrFail({ key: 'public-ip-cursor' })).value));
    await rewindPoolTo('3.80.40.1');
    expect(await storedCursor()).toBe(offsetOf('3.80.40.1'));
    // Takes 3.80.40.1, then fails: nothing of it stays, the address included, and the cursor is back.
    await expect(engine.command(async (tx) => {
      expect(await networking.takePublicIps(tx, 1)).toEqual(['3.80.40.1']);
      throw new Error('fails after taking an address');
    })).rejects.toThrow('fails after taking an address');
    expect(await storedCursor()).toBe(offsetOf('3.80.40.1'));
    const first = await ec2.send(new AllocateAddressCommand({}));
    expect(first.PublicIp).toBe('3.80.40.1');
    expect(await storedCursor()).toBe(offsetOf('3.80.40.2'));

    // Three allocations in one group: three addresses in order, the cursor neither read nor written by each, written once in the commit.
    const statements: { sql: string; params: unknown[] }[] = [];
    const runner = db.options.type === 'postgres' ? PostgresQueryRunner.prototype : BetterSqlite3QueryRunner.prototype;
    const original = runner.query;
    runner.query = function (this: never, ...args: Parameters<typeof original>) {
      statements.push({ sql: String(args[0]), params: (args[1] as unknown[] | undefined) ?? [] });
      return original.apply(this, args);
    } as typeof original;
    let got: string[];
    try {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const held = engine.command(() => gate);
      while (engine.queued > 0) await new Promise((r) => setTimeout(r, 5));
      const three = [1, 2, 3].map(() => ec2.send(new AllocateAddressCommand({})));
      while (engine.queued < 3) await new Promise((r) => setTimeout(r, 5));
      statements.length = 0;
      release();
      await held;
      got = (await Promise.all(three)).map((a) => a.PublicIp!);
    } finally {
      runner.query = original;
    }
    expect(got.sort()).toEqual(['3.80.40.2', '3.80.40.3', '3.80.40.4']);
    const cursorStatements = statements.filter((q) => q.params.includes('public-ip-cursor'));
    expect(cursorStatements).toHaveLength(1);
    expect(cursorStatements[0].sql).toMatch(/^INSERT INTO "settings"/);
    expect(await storedCursor()).toBe(offsetOf('3.80.40.5'));
    await releaseAll(ec2);
  });
  it("a launch's next pool address already held (the pool come round to it) is skipped: the launch gets free ones, as answered and described", async () => {
    const holder = await launch(ec2);
    const heldAddress = holder.PublicIpAddress!;
    const eip = await ec2.send(new AllocateAddressCommand({}));
    await rewindPoolTo(heldAddress); // the next two candidates: the holder's address, then the Elastic IP's, both held
    const pair = (await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances!;
    const got = pair.map((i) => i.PublicIpAddress!);
    expect(got.every((a) => POOL.test(a))).toBe(true);
    expect(new Set([...got, heldAddress, eip.PublicIp]).size).toBe(4);
    for (const i of pair) expect((await describeOne(ec2, i.InstanceId!)).PublicIpAddress).toBe(i.PublicIpAddress);
    expect((await describeOne(ec2, holder.InstanceId!)).PublicIpAddress).toBe(heldAddress);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [holder.InstanceId!, ...pair.map((i) => i.InstanceId!)] }));
    await t.advance(120);
    await releaseAll(ec2);
  });
});
