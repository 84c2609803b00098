import {
  CreateDefaultSubnetCommand, CreateDefaultVpcCommand, CreateNetworkInterfaceCommand, CreateSubnetCommand, CreateVpcCommand, DeleteSubnetCommand,
  DescribeAccountAttributesCommand, DescribeInstanceAttributeCommand, DescribeInstancesCommand, DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand, DescribeNetworkInterfaceAttributeCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeVpcAttributeCommand, DescribeVpcsCommand, EC2Client, Instance, ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand, ResetInstanceAttributeCommand, ResetNetworkInterfaceAttributeCommand, RunInstancesCommand, StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { LINUX_AMI, startApp, TestApp } from '../support/app';
import { deleteDefaultVpc, ec2Client, ec2Tenant, Ec2Tenant, failure, missing, sameAsMissing, withNewTenant } from './ec2-support';

/** EC2's code and message for a call that fails. */
const errorOf = async (p: Promise<unknown>) => {
  const e = await failure(p);
  return { code: e.name, message: e.message };
};

/**
 * The tenant's default VPC as its describes show it, without the ids that differ between two VPCs
 * (references are kept as what they point at: the VPC's own gateway, its own group): what two
 * tenants' default VPCs must have alike.
 */
async function defaultVpcShape(c: EC2Client) {
  const vpcs = (await c.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
  expect(vpcs).toHaveLength(1);
  const vpc = vpcs[0];
  const vpcId = vpc.VpcId!;
  const inVpc = [{ Name: 'vpc-id', Values: [vpcId] }];
  const attribute = async (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') => {
    const a = await c.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute }));
    return (Attribute === 'enableDnsSupport' ? a.EnableDnsSupport : a.EnableDnsHostnames)?.Value;
  };
  const subnets = (await c.send(new DescribeSubnetsCommand({ Filters: inVpc }))).Subnets!;
  const gateways = (await c.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] }))).InternetGateways!;
  const gatewayIds = new Set(gateways.map((g) => g.InternetGatewayId));
  const tables = (await c.send(new DescribeRouteTablesCommand({ Filters: inVpc }))).RouteTables!;
  const groups = (await c.send(new DescribeSecurityGroupsCommand({ Filters: inVpc }))).SecurityGroups!;
  const groupIds = new Set(groups.map((g) => g.GroupId));
  const acls = (await c.send(new DescribeNetworkAclsCommand({ Filters: inVpc }))).NetworkAcls!;
  const subnetIds = new Set(subnets.map((s) => s.SubnetId));
  const permissions = (ps: typeof groups[number]['IpPermissions']) => (ps ?? []).map((p) => ({
    protocol: p.IpProtocol, ranges: (p.IpRanges ?? []).map((r) => r.CidrIp), groups: (p.UserIdGroupPairs ?? []).map((g) => (groupIds.has(g.GroupId) ? 'own group' : g.GroupId)),
  }));
  return {
    vpc: { cidr: vpc.CidrBlock, isDefault: vpc.IsDefault, state: vpc.State, tenancy: vpc.InstanceTenancy, dnsSupport: await attribute('enableDnsSupport'), dnsHostnames: await attribute('enableDnsHostnames') },
    subnets: subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.DefaultForAz, s.MapPublicIpOnLaunch, s.AvailableIpAddressCount]).sort(),
    gateways: gateways.map((g) => g.Attachments!.map((a) => a.State)),
    tables: tables.map((t) => ({
      main: t.Associations!.map((a) => a.Main),
      routes: t.Routes!.map((r) => [r.DestinationCidrBlock, gatewayIds.has(r.GatewayId) ? 'its internet gateway' : r.GatewayId, r.State, r.Origin]),
    })),
    groups: groups.map((g) => ({ name: g.GroupName, description: g.Description, ingress: permissions(g.IpPermissions), egress: permissions(g.IpPermissionsEgress) })),
    acls: acls.map((a) => ({
      isDefault: a.IsDefault,
      entries: a.Entries!.map((e) => [e.RuleNumber, e.Egress, e.Protocol, e.RuleAction, e.CidrBlock]),
      associatesEverySubnet: a.Associations!.map((x) => x.SubnetId).sort().join() === [...subnetIds].sort().join(),
    })),
  };
}

/** What a new tenant's default VPC has, worked out by hand from EC2's defaults (docs/ec2-networking.md, "The default VPC"). */
const DEFAULT_VPC = {
  vpc: { cidr: '172.31.0.0/16', isDefault: true, state: 'available', tenancy: 'default', dnsSupport: true, dnsHostnames: true },
  // A /20 has 4,096 addresses, less EC2's five reserved ones.
  subnets: [['us-east-1a', '172.31.0.0/20', true, true, 4091], ['us-east-1b', '172.31.16.0/20', true, true, 4091], ['us-east-1c', '172.31.32.0/20', true, true, 4091]],
  gateways: [['available']],
  tables: [{ main: [true], routes: [['172.31.0.0/16', 'local', 'active', 'CreateRouteTable'], ['0.0.0.0/0', 'its internet gateway', 'active', 'CreateRouteTable']] }],
  groups: [{
    name: 'default', description: 'default VPC security group',
    ingress: [{ protocol: '-1', ranges: [], groups: ['own group'] }], egress: [{ protocol: '-1', ranges: ['0.0.0.0/0'], groups: [] }],
  }],
  acls: [{
    isDefault: true, associatesEverySubnet: true,
    entries: expect.arrayContaining([[100, false, '-1', 'allow', '0.0.0.0/0'], [100, true, '-1', 'allow', '0.0.0.0/0'], [32767, false, '-1', 'deny', '0.0.0.0/0'], [32767, true, '-1', 'deny', '0.0.0.0/0']]),
  }],
};

describe('recovering a default VPC, and the attribute resets, through the JS SDK', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
    await t.hosts('m5-host', 'us-east-1b', 1);
  });
  afterAll(async () => {
    await t?.close();
  });
  const asNewTenant = (name: string, fn: (client: EC2Client, who: Ec2Tenant) => Promise<void>) => withNewTenant(t, name, fn);

  const launch = (c: EC2Client, zone = 'us-east-1a') =>
    c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: zone } }));
  const defaultVpcAttribute = async (c: EC2Client) =>
    (await c.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }))).AccountAttributes![0].AttributeValues![0].AttributeValue;

  it('a new tenant has its default VPC: CreateDefaultVpc answers EC2\'s DefaultVpcAlreadyExists', async () => {
    await asNewTenant('nina', async (c) => {
      expect(await defaultVpcShape(c)).toEqual(DEFAULT_VPC);
      expect(await errorOf(c.send(new CreateDefaultVpcCommand({})))).toEqual({ code: 'DefaultVpcAlreadyExists', message: 'A Default VPC already exists for this account in this region.' });
      expect((await c.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
    });
  });

  it('without its default VPC a tenant cannot launch without a subnet, none comes back by itself, and CreateDefaultVpc makes one as a new tenant has', async () => {
    await asNewTenant('carol', async (c) => {
      const fresh = await defaultVpcShape(c);
      const oldId = await deleteDefaultVpc(c);

      expect(await defaultVpcAttribute(c)).toBe('none');
      expect((await errorOf(launch(c))).code).toBe('VPCIdNotSpecified');
      expect(await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1a' }))))
        .toEqual({ code: 'DefaultVpcDoesNotExist', message: 'No default VPC exists for this account in this region.' });
      // Reads and creates elsewhere do not make one again ("first use" happened once).
      await c.send(new DescribeSecurityGroupsCommand({}));
      const { Vpc: own } = await c.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }));
      expect((await c.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => [v.VpcId, v.IsDefault])).toEqual([[own!.VpcId, false]]);
      expect((await c.send(new DescribeSubnetsCommand({}))).Subnets).toEqual([]);

      const { Vpc: vpc } = await c.send(new CreateDefaultVpcCommand({}));
      expect(vpc).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', InstanceTenancy: 'default', OwnerId: expect.any(String) });
      expect(vpc!.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(vpc!.VpcId).not.toBe(oldId);
      expect((await errorOf(c.send(new CreateDefaultVpcCommand({})))).code).toBe('DefaultVpcAlreadyExists');

      // What a new tenant's has, by hand and as this tenant's first one was.
      const recreated = await defaultVpcShape(c);
      expect(recreated).toEqual(DEFAULT_VPC);
      expect(recreated).toEqual(fresh);
      expect(await defaultVpcAttribute(c)).toBe(vpc!.VpcId);

      // Launching without a subnet works again: the zone's default subnet of the new VPC, its first address, a public address.
      const [i] = (await launch(c, 'us-east-1b')).Instances!;
      expect([i.VpcId, i.PrivateIpAddress, i.SecurityGroups!.map((g) => g.GroupName)]).toEqual([vpc!.VpcId, '172.31.16.4', ['default']]);
      expect(i.PublicIpAddress).toMatch(/^3\./);
    });
  });

  it('two CreateDefaultVpc calls at once make one default VPC; the other answers DefaultVpcAlreadyExists', async () => {
    await asNewTenant('cora', async (c) => {
      await deleteDefaultVpc(c);
      const results = await Promise.allSettled([c.send(new CreateDefaultVpcCommand({})), c.send(new CreateDefaultVpcCommand({}))]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as Error).name).toBe('DefaultVpcAlreadyExists');
      expect(await defaultVpcShape(c)).toEqual(DEFAULT_VPC);
      expect((await c.send(new DescribeVpcsCommand({}))).Vpcs).toHaveLength(1);
    });
  });

  it('CreateDefaultSubnet gives a zone back its default subnet, with first use\'s block where it is free', async () => {
    await asNewTenant('dina', async (c) => {
      const subnets = (await c.send(new DescribeSubnetsCommand({}))).Subnets!;
      const inZone = (zone: string) => subnets.find((s) => s.AvailabilityZone === zone)!;
      const vpcId = inZone('us-east-1b').VpcId!;
      expect(await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1b' })))).toEqual({
        code: 'DefaultSubnetAlreadyExistsInAvailabilityZone',
        message: 'A default subnet already exists in the Availability Zone us-east-1b. You can have only one default subnet per Availability Zone.',
      });
      await c.send(new DeleteSubnetCommand({ SubnetId: inZone('us-east-1b').SubnetId }));
      expect((await errorOf(launch(c, 'us-east-1b'))).code).toBe('InvalidSubnetID.NotFound');

      // By zone id: use1-az2 is us-east-1b.
      const { Subnet: made } = await c.send(new CreateDefaultSubnetCommand({ AvailabilityZoneId: 'use1-az2' }));
      expect(made).toMatchObject({
        VpcId: vpcId, AvailabilityZone: 'us-east-1b', AvailabilityZoneId: 'use1-az2', CidrBlock: '172.31.16.0/20', DefaultForAz: true, MapPublicIpOnLaunch: true,
        AvailableIpAddressCount: 4091, State: 'available',
      });
      expect(made!.SubnetId).not.toBe(inZone('us-east-1b').SubnetId);
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1b' })))).code).toBe('DefaultSubnetAlreadyExistsInAvailabilityZone');
      expect(await defaultVpcShape(c)).toEqual(DEFAULT_VPC);
      const [i] = (await launch(c, 'us-east-1b')).Instances!;
      expect([i.SubnetId, i.PrivateIpAddress]).toEqual([made!.SubnetId, '172.31.16.4']);

      // A subnet of the tenant's in us-east-1c's /20: the lowest /20 of the VPC free of its subnets (172.31.48.0/20).
      await c.send(new DeleteSubnetCommand({ SubnetId: inZone('us-east-1c').SubnetId }));
      await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '172.31.40.0/24', AvailabilityZone: 'us-east-1c' }));
      const { Subnet: moved } = await c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1c' }));
      expect([moved!.CidrBlock, moved!.DefaultForAz]).toEqual(['172.31.48.0/20', true]);

      // Refused: both zone parameters, neither, an unknown zone, an IPv6-only subnet.
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1a', AvailabilityZoneId: 'use1-az1' })))).code).toBe('InvalidParameterCombination');
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({})))).code).toBe('MissingParameter');
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1z' })))).code).toBe('InvalidParameterValue');
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZoneId: 'use1-az9' })))).code).toBe('InvalidParameterValue');
      expect((await errorOf(c.send(new CreateDefaultSubnetCommand({ AvailabilityZone: 'us-east-1a', Ipv6Native: true })))).code).toBe('UnsupportedOperation');
    });
  });

  describe('ResetInstanceAttribute, DescribeNetworkInterfaceAttribute and ResetNetworkInterfaceAttribute', () => {
    let ec2: EC2Client;
    let bobEc2: EC2Client;
    let instance: Instance;
    let primaryEni: string;
    beforeAll(async () => {
      ec2 = ec2Client(t, await ec2Tenant(t, 'alice'));
      bobEc2 = ec2Client(t, await ec2Tenant(t, 'bob'));
      [instance] = (await launch(ec2)).Instances!;
      primaryEni = instance.NetworkInterfaces![0].NetworkInterfaceId!;
      await t.advance(120);
    });
    afterAll(() => {
      ec2?.destroy();
      bobEc2?.destroy();
    });
    const sourceDestCheck = async (id: string) => (await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'sourceDestCheck' }))).SourceDestCheck?.Value;
    const eniAttribute = (NetworkInterfaceId: string, Attribute: 'description' | 'groupSet' | 'sourceDestCheck' | 'attachment' | 'associatePublicIpAddress', c = ec2) =>
      c.send(new DescribeNetworkInterfaceAttributeCommand({ NetworkInterfaceId, Attribute }));

    it('ResetInstanceAttribute sourceDestCheck turns the check back on (its primary interface\'s), running or stopped', async () => {
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.InstanceId, SourceDestCheck: { Value: false } }));
      expect(await sourceDestCheck(instance.InstanceId!)).toBe(false);
      expect((await eniAttribute(primaryEni, 'sourceDestCheck')).SourceDestCheck).toEqual({ Value: false });
      await ec2.send(new ResetInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'sourceDestCheck' }));
      expect(await sourceDestCheck(instance.InstanceId!)).toBe(true);
      expect((await eniAttribute(primaryEni, 'sourceDestCheck')).SourceDestCheck).toEqual({ Value: true });
      const [described] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance.InstanceId!] }))).Reservations![0].Instances!;
      expect(described.SourceDestCheck).toBe(true);
    });

    it('ResetInstanceAttribute kernel and ramdisk only while stopped (the image\'s: none); the others are refused', async () => {
      for (const Attribute of ['kernel', 'ramdisk'] as const) {
        expect((await errorOf(ec2.send(new ResetInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute })))).code).toBe('IncorrectInstanceState');
      }
      expect((await errorOf(ec2.send(new ResetInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'instanceType' })))).code).toBe('InvalidParameterValue');
      expect((await errorOf(ec2.send(new ResetInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'nonsense' as 'kernel' })))).code).toBe('InvalidParameterValue');
      const stop = await launch(ec2);
      const id = stop.Instances![0].InstanceId!;
      await t.advance(120);
      await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      await t.advance(120);
      for (const Attribute of ['kernel', 'ramdisk'] as const) {
        expect((await ec2.send(new ResetInstanceAttributeCommand({ InstanceId: id, Attribute }))).$metadata.httpStatusCode).toBe(200);
      }
      const kernel = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'kernel' }));
      expect(kernel.KernelId?.Value).toBeUndefined();
      // Stopped, the check resets too.
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } }));
      await ec2.send(new ResetInstanceAttributeCommand({ InstanceId: id, Attribute: 'sourceDestCheck' }));
      expect(await sourceDestCheck(id)).toBe(true);
    });

    it('DescribeNetworkInterfaceAttribute answers each attribute of the reference, one at a time', async () => {
      const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups!;
      expect(await eniAttribute(primaryEni, 'description')).toMatchObject({ NetworkInterfaceId: primaryEni, Description: { Value: '' } });
      expect((await eniAttribute(primaryEni, 'groupSet')).Groups).toEqual([{ GroupId: group.GroupId, GroupName: 'default' }]);
      const { Attachment: attachment } = await eniAttribute(primaryEni, 'attachment');
      expect(attachment).toMatchObject({
        AttachmentId: expect.stringMatching(/^eni-attach-[0-9a-f]{17}$/), InstanceId: instance.InstanceId, DeviceIndex: 0, Status: 'attached', DeleteOnTermination: true,
      });
      expect(attachment!.AttachTime).toBeInstanceOf(Date);
      // Launched into a default subnet (which maps public IPs): it is given a public address.
      expect((await eniAttribute(primaryEni, 'associatePublicIpAddress')).AssociatePublicIpAddress).toBe(true);
      // Only the attribute asked is answered.
      const one = await eniAttribute(primaryEni, 'description');
      expect([one.Attachment, one.Groups, one.SourceDestCheck]).toEqual([undefined, undefined, undefined]);

      const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId, Description: 'spare' }));
      const id = eni!.NetworkInterfaceId!;
      expect((await eniAttribute(id, 'description')).Description).toEqual({ Value: 'spare' });
      expect((await eniAttribute(id, 'attachment')).Attachment).toBeUndefined();
      expect((await eniAttribute(id, 'associatePublicIpAddress')).AssociatePublicIpAddress).toBe(false);
      expect((await errorOf(eniAttribute(id, 'nonsense' as 'description'))).code).toBe('InvalidParameterValue');
    });

    it('ResetNetworkInterfaceAttribute SourceDestCheck turns an interface\'s check back on', async () => {
      const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: instance.SubnetId }));
      const id = eni!.NetworkInterfaceId!;
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: { Value: false } }));
      expect((await eniAttribute(id, 'sourceDestCheck')).SourceDestCheck).toEqual({ Value: false });
      await ec2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: 'true' }));
      expect((await eniAttribute(id, 'sourceDestCheck')).SourceDestCheck).toEqual({ Value: true });
      expect((await errorOf(ec2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id })))).code).toBe('MissingParameter');
    });

    it('another tenant\'s instance or interface is answered as a missing one', async () => {
      const i = instance.InstanceId!;
      expect(await sameAsMissing(() => bobEc2.send(new ResetInstanceAttributeCommand({ InstanceId: i, Attribute: 'sourceDestCheck' })),
        () => bobEc2.send(new ResetInstanceAttributeCommand({ InstanceId: missing(i), Attribute: 'sourceDestCheck' })), i)).toBe('InvalidInstanceID.NotFound');
      expect(await sameAsMissing(() => eniAttribute(primaryEni, 'description', bobEc2), () => eniAttribute(missing(primaryEni), 'description', bobEc2), primaryEni))
        .toBe('InvalidNetworkInterfaceID.NotFound');
      expect(await sameAsMissing(() => bobEc2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: primaryEni, SourceDestCheck: 'true' })),
        () => bobEc2.send(new ResetNetworkInterfaceAttributeCommand({ NetworkInterfaceId: missing(primaryEni), SourceDestCheck: 'true' })), primaryEni))
        .toBe('InvalidNetworkInterfaceID.NotFound');
    });
  });

  it('keeps a recreated default VPC, and a deleted one\'s absence, across a restart', async () => {
    const ed = await ec2Tenant(t, 'ed');
    const flo = await ec2Tenant(t, 'flo');
    let edEc2 = ec2Client(t, ed);
    let floEc2 = ec2Client(t, flo);
    await deleteDefaultVpc(edEc2);
    const { Vpc: vpc } = await edEc2.send(new CreateDefaultVpcCommand({}));
    await deleteDefaultVpc(floEc2);
    edEc2.destroy();
    floEc2.destroy();
    t = await t.restart();
    edEc2 = ec2Client(t, ed);
    floEc2 = ec2Client(t, flo);
    try {
      expect(await defaultVpcAttribute(edEc2)).toBe(vpc!.VpcId);
      expect(await defaultVpcShape(edEc2)).toEqual(DEFAULT_VPC);
      expect((await errorOf(edEc2.send(new CreateDefaultVpcCommand({})))).code).toBe('DefaultVpcAlreadyExists');
      expect(await defaultVpcAttribute(floEc2)).toBe('none');
      expect((await floEc2.send(new DescribeVpcsCommand({}))).Vpcs).toEqual([]);
      expect((await errorOf(launch(floEc2))).code).toBe('VPCIdNotSpecified');
      expect((await floEc2.send(new CreateDefaultVpcCommand({}))).Vpc!.IsDefault).toBe(true);
    } finally {
      edEc2.destroy();
      floEc2.destroy();
    }
  });
});
