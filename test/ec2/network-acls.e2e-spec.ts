import {
  AssociateRouteTableCommand, CreateNetworkAclCommand, CreateNetworkAclEntryCommand, CreateRouteTableCommand, CreateSubnetCommand, CreateVpcCommand,
  DeleteNetworkAclCommand, DeleteNetworkAclEntryCommand, DeleteRouteTableCommand, DeleteSubnetCommand, DeleteVpcCommand, DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand, EC2Client, NetworkAcl, ReplaceNetworkAclAssociationCommand, ReplaceNetworkAclEntryCommand, ReplaceRouteTableAssociationCommand,
} from '@aws-sdk/client-ec2';
import { TestApp } from '../support/app';
import { ec2Client, Ec2Tenant, missing, sameAsMissing, codeOf, twoTenantApp, closeTwoTenantApp } from './ec2-support';


describe('network ACLs and route table associations through the JS SDK', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  beforeAll(async () => {
    ({ t, alice, bob, ec2, bobEc2 } = await twoTenantApp());
  });
  afterAll(() => closeTwoTenantApp({ t, ec2, bobEc2 }));

  const acl = async (c: EC2Client, id: string): Promise<NetworkAcl> => (await c.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] }))).NetworkAcls![0];
  const defaultAclOf = async (c: EC2Client, vpcId: string): Promise<NetworkAcl> =>
    (await c.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'default', Values: ['true'] }] }))).NetworkAcls![0];
  const vpcWithSubnet = async (c: EC2Client, cidr = '10.20.0.0/16') => {
    const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
    const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr.replace('0.0/16', '1.0/24') }))).Subnet!.SubnetId!;
    return { vpcId, subnetId };
  };

  it('a new VPC has its default ACL (allow 100, deny *, both ways) with its new subnet associated; CreateNetworkAcl makes one denying all, associated with nothing', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(ec2);
    const def = await defaultAclOf(ec2, vpcId);
    expect(def).toMatchObject({ IsDefault: true, VpcId: vpcId, OwnerId: alice.accountId });
    expect(def.Entries!.map((e) => [e.Egress, e.RuleNumber, e.Protocol, e.RuleAction, e.CidrBlock])).toEqual([
      [true, 100, '-1', 'allow', '0.0.0.0/0'], [true, 32767, '-1', 'deny', '0.0.0.0/0'], [false, 100, '-1', 'allow', '0.0.0.0/0'], [false, 32767, '-1', 'deny', '0.0.0.0/0'],
    ]);
    expect(def.Associations).toEqual([{ NetworkAclAssociationId: expect.stringMatching(/^aclassoc-[0-9a-f]{17}$/), NetworkAclId: def.NetworkAclId, SubnetId: subnetId }]);

    const made = await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, ClientToken: 'tok-1', TagSpecifications: [{ ResourceType: 'network-acl', Tags: [{ Key: 'Name', Value: 'edge' }] }] }));
    expect(made.ClientToken).toBe('tok-1');
    expect(made.NetworkAcl).toMatchObject({ IsDefault: false, VpcId: vpcId, Associations: [], Tags: [{ Key: 'Name', Value: 'edge' }] });
    expect(made.NetworkAcl!.Entries!.map((e) => [e.Egress, e.RuleNumber, e.RuleAction])).toEqual([[true, 32767, 'deny'], [false, 32767, 'deny']]);
    // The same token answers the same ACL; for another VPC it is a mismatch.
    expect((await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, ClientToken: 'tok-1' }))).NetworkAcl!.NetworkAclId).toBe(made.NetworkAcl!.NetworkAclId);
    const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.21.0.0/16' }))).Vpc!.VpcId!;
    expect(await codeOf(ec2.send(new CreateNetworkAclCommand({ VpcId: other, ClientToken: 'tok-1' })))).toBe('IdempotentParameterMismatch');
    expect(await codeOf(ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] })))).toBe('InvalidParameterValue');
  });

  it('creates, replaces and deletes entries: port ranges and ICMP shown and filtered, duplicates and missing ones refused, 20 rules a direction', async () => {
    const { vpcId } = await vpcWithSubnet(ec2, '10.30.0.0/16');
    const id = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: 'tcp', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.5/8', PortRange: { From: 443, To: 443 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Protocol: '1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', IcmpTypeCode: { Type: 8, Code: -1 } }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }));
    expect((await acl(ec2, id)).Entries).toEqual([
      { RuleNumber: 100, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' },
      { RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.0/8', PortRange: { From: 443, To: 443 } },
      { RuleNumber: 110, Protocol: '1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0', IcmpTypeCode: { Type: 8, Code: -1 } },
      { RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' },
    ]);
    const matching = async (Name: string, value: string) => (await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name, Values: [value] }] }))).NetworkAcls!.map((a) => a.NetworkAclId);
    expect(await matching('entry.port-range.from', '443')).toEqual([id]);
    expect(await matching('entry.port-range.to', '443')).toEqual([id]);
    expect(await matching('entry.icmp.type', '8')).toEqual([id]);
    expect(await matching('entry.icmp.code', '-1')).toEqual([id]);
    expect(await matching('entry.port-range.from', '444')).toEqual([]);

    const entry = { NetworkAclId: id, RuleNumber: 100, Protocol: 'udp', RuleAction: 'deny' as const, Egress: false, CidrBlock: '10.1.0.0/16', PortRange: { From: 53, To: 53 } };
    expect(await codeOf(ec2.send(new CreateNetworkAclEntryCommand(entry)))).toBe('NetworkAclEntryAlreadyExists');
    await ec2.send(new ReplaceNetworkAclEntryCommand(entry));
    expect((await acl(ec2, id)).Entries!.find((e) => !e.Egress && e.RuleNumber === 100)).toEqual({ RuleNumber: 100, Protocol: '17', RuleAction: 'deny', Egress: false, CidrBlock: '10.1.0.0/16', PortRange: { From: 53, To: 53 } });
    expect(await codeOf(ec2.send(new ReplaceNetworkAclEntryCommand({ ...entry, RuleNumber: 120 })))).toBe('InvalidNetworkAclEntry.NotFound');
    await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false }));
    expect(await codeOf(ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 110, Egress: false })))).toBe('InvalidNetworkAclEntry.NotFound');
    // The same number the other way is another rule, still there.
    expect((await acl(ec2, id)).Entries!.some((e) => e.Egress && e.RuleNumber === 100)).toBe(true);

    // Egress now has rule 100 and the catch-all: 19 more fit, the 21st rule does not.
    const egress = (n: number) => ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: n, Protocol: '-1', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0' }));
    for (let n = 1; n <= 19; n++) await egress(n);
    expect(await codeOf(egress(20))).toBe('NetworkAclEntryLimitExceeded');
    expect((await acl(ec2, id)).Entries!.filter((e) => e.Egress)).toHaveLength(21);
  });

  it('refuses bad entries with EC2\'s 4xx: rule numbers, protocols, missing ports or ICMP, IPv6, malformed and unknown ids', async () => {
    const { vpcId } = await vpcWithSubnet(ec2, '10.40.0.0/16');
    const id = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    const base = { NetworkAclId: id, RuleNumber: 100, Protocol: '-1', RuleAction: 'allow' as const, Egress: false, CidrBlock: '0.0.0.0/0' };
    const code = (over: Partial<typeof base> & Record<string, unknown>) => codeOf(ec2.send(new CreateNetworkAclEntryCommand({ ...base, ...over })));
    expect(await code({ RuleNumber: 0 })).toBe('InvalidParameterValue');
    expect(await code({ RuleNumber: 32767 })).toBe('InvalidParameterValue');
    expect(await code({ Protocol: '256' })).toBe('InvalidParameterValue');
    expect(await code({ Protocol: '6' })).toBe('InvalidParameterValue');
    expect(await code({ Protocol: '6', PortRange: { From: 90, To: 80 } })).toBe('InvalidParameterValue');
    expect(await code({ Protocol: '1' })).toBe('InvalidParameterValue');
    expect(await code({ RuleAction: 'maybe' as 'allow' })).toBe('InvalidParameterValue');
    expect(await code({ CidrBlock: 'ten' })).toBe('InvalidParameterValue');
    expect(await code({ CidrBlock: undefined })).toBe('MissingParameter');
    expect(await code({ Ipv6CidrBlock: '::/0' })).toBe('UnsupportedOperation');
    expect(await code({ NetworkAclId: 'acl-xyz' })).toBe('InvalidNetworkAclID.Malformed');
    expect(await code({ NetworkAclId: missing(id) })).toBe('InvalidNetworkAclID.NotFound');
    expect(await codeOf(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: 'aclassoc-nope', NetworkAclId: id })))).toBe('InvalidAssociationID.NotFound');
    expect(await codeOf(ec2.send(new CreateNetworkAclEntryCommand({ ...base, DryRun: true })))).toBe('DryRunOperation');
    expect((await acl(ec2, id)).Entries).toHaveLength(2);
  });

  it('associates a subnet with an ACL and back with the default (new association ids); DeleteNetworkAcl refuses the default and an associated one', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, '10.50.0.0/16');
    const def = await defaultAclOf(ec2, vpcId);
    const id = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    const first = def.Associations![0].NetworkAclAssociationId!;
    const moved = (await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: first, NetworkAclId: id }))).NewAssociationId!;
    expect(moved).toMatch(/^aclassoc-[0-9a-f]{17}$/);
    expect(moved).not.toBe(first);
    expect((await acl(ec2, id)).Associations).toEqual([{ NetworkAclAssociationId: moved, NetworkAclId: id, SubnetId: subnetId }]);
    expect((await acl(ec2, def.NetworkAclId!)).Associations).toEqual([]);
    expect(await codeOf(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: first, NetworkAclId: id })))).toBe('InvalidAssociationID.NotFound');
    expect((await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] }))).NetworkAcls!.map((a) => a.NetworkAclId)).toEqual([id]);

    // An ACL of another VPC is refused; DeleteNetworkAcl while associated, and of the default, too.
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }))).Vpc!.VpcId!;
    expect(await codeOf(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: moved, NetworkAclId: (await defaultAclOf(ec2, otherVpc)).NetworkAclId })))).toBe('InvalidParameterValue');
    expect(await codeOf(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id })))).toBe('DependencyViolation');
    expect(await codeOf(ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: def.NetworkAclId })))).toBe('InvalidParameterValue');

    // DeleteVpc with a non-default ACL left is a dependency; back to the default, the ACL goes, then the VPC.
    const back = (await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: moved, NetworkAclId: def.NetworkAclId }))).NewAssociationId!;
    expect((await acl(ec2, def.NetworkAclId!)).Associations).toEqual([{ NetworkAclAssociationId: back, NetworkAclId: def.NetworkAclId, SubnetId: subnetId }]);
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    expect(await codeOf(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })))).toBe('DependencyViolation');
    await ec2.send(new DeleteNetworkAclCommand({ NetworkAclId: id }));
    expect(await codeOf(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [id] })))).toBe('InvalidNetworkAclID.NotFound');
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    expect(await codeOf(ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [def.NetworkAclId!] })))).toBe('InvalidNetworkAclID.NotFound');
  });

  it('edits the default ACL as Terraform\'s aws_default_network_acl does: its rules removed, others made, the catch-all kept', async () => {
    const { vpcId } = await vpcWithSubnet(ec2, '10.60.0.0/16');
    const def = await defaultAclOf(ec2, vpcId);
    for (const Egress of [true, false]) await ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: def.NetworkAclId, RuleNumber: 100, Egress }));
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: def.NetworkAclId, RuleNumber: 100, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.60.0.0/16', PortRange: { From: 22, To: 22 } }));
    expect(await codeOf(ec2.send(new DeleteNetworkAclEntryCommand({ NetworkAclId: def.NetworkAclId, RuleNumber: 32767, Egress: false })))).toBe('InvalidParameterValue');
    expect((await acl(ec2, def.NetworkAclId!)).Entries!.map((e) => [e.Egress, e.RuleNumber, e.Protocol])).toEqual([[true, 32767, '-1'], [false, 100, '6'], [false, 32767, '-1']]);
  });

  it('another tenant\'s ACL and associations are exactly missing ones', async () => {
    const { vpcId } = await vpcWithSubnet(ec2, '10.70.0.0/16');
    const def = await defaultAclOf(ec2, vpcId);
    const id = def.NetworkAclId!;
    const assoc = def.Associations![0].NetworkAclAssociationId!;
    const bobVpc = (await bobEc2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc!.VpcId!;
    const bobAcl = (await bobEc2.send(new CreateNetworkAclCommand({ VpcId: bobVpc }))).NetworkAcl!.NetworkAclId!;
    const entry = (NetworkAclId: string) => new CreateNetworkAclEntryCommand({ NetworkAclId, RuleNumber: 5, Protocol: '-1', RuleAction: 'deny', Egress: false, CidrBlock: '0.0.0.0/0' });
    expect(await sameAsMissing(() => bobEc2.send(entry(id)), () => bobEc2.send(entry(missing(id))), id)).toBe('InvalidNetworkAclID.NotFound');
    expect(await sameAsMissing(() => bobEc2.send(new DeleteNetworkAclCommand({ NetworkAclId: id })), () => bobEc2.send(new DeleteNetworkAclCommand({ NetworkAclId: missing(id) })), id)).toBe('InvalidNetworkAclID.NotFound');
    expect(await sameAsMissing(() => bobEc2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: bobAcl })),
      () => bobEc2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: missing(assoc), NetworkAclId: bobAcl })), assoc)).toBe('InvalidAssociationID.NotFound');
    expect(await codeOf(ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: bobAcl })))).toBe('InvalidNetworkAclID.NotFound');
    expect((await bobEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'network-acl-id', Values: [id] }] }))).NetworkAcls).toEqual([]);
  });

  it('ReplaceRouteTableAssociation re-points a subnet\'s association, and moves the main association (the new table becomes main)', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, '10.80.0.0/16');
    const tables = async () => (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!;
    const main = (await tables())[0];
    const mainAssoc = main.Associations!.find((a) => a.Main)!.RouteTableAssociationId!;
    const a = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const b = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const explicit = (await ec2.send(new AssociateRouteTableCommand({ RouteTableId: a, SubnetId: subnetId }))).AssociationId!;
    const repointed = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: explicit, RouteTableId: b }));
    expect(repointed).toMatchObject({ NewAssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/), AssociationState: { State: 'associated' } });
    const byId = async () => new Map((await tables()).map((x) => [x.RouteTableId!, x.Associations!]));
    expect((await byId()).get(b)).toEqual([expect.objectContaining({ RouteTableAssociationId: repointed.NewAssociationId, SubnetId: subnetId, Main: false })]);
    expect((await byId()).get(a)).toEqual([]);

    const moved = (await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: a }))).NewAssociationId!;
    const after = await byId();
    expect(after.get(a)).toEqual([expect.objectContaining({ RouteTableAssociationId: moved, Main: true })]);
    expect(after.get(main.RouteTableId!)).toEqual([]);
    expect((await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.main', Values: ['true'] }, { Name: 'vpc-id', Values: [vpcId] }] }))).RouteTables!.map((x) => x.RouteTableId)).toEqual([a]);
    // The old main table is an ordinary one now: it can be deleted; the new main cannot.
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTableId }));
    expect(await codeOf(ec2.send(new DeleteRouteTableCommand({ RouteTableId: a })))).toBe('DependencyViolation');
    expect(await codeOf(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: b })))).toBe('InvalidAssociationID.NotFound');
    const otherVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.81.0.0/16' }))).Vpc!.VpcId!;
    const foreign = (await ec2.send(new CreateRouteTableCommand({ VpcId: otherVpc }))).RouteTable!.RouteTableId!;
    expect(await codeOf(ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: moved, RouteTableId: foreign })))).toBe('InvalidParameterValue');
    expect(await sameAsMissing(() => bobEc2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: moved, RouteTableId: foreign })),
      () => bobEc2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: missing(moved), RouteTableId: foreign })), moved)).toBe('InvalidAssociationID.NotFound');
  });

  it('keeps ACLs, entries and associations across a restart', async () => {
    const { vpcId, subnetId } = await vpcWithSubnet(ec2, '10.90.0.0/16');
    const id = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpcId }))).NetworkAcl!.NetworkAclId!;
    await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: id, RuleNumber: 7, Protocol: 'udp', RuleAction: 'allow', Egress: true, CidrBlock: '0.0.0.0/0', PortRange: { From: 123, To: 123 } }));
    const assoc = (await defaultAclOf(ec2, vpcId)).Associations![0].NetworkAclAssociationId!;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: assoc, NetworkAclId: id }));
    const before = await acl(ec2, id);
    ec2.destroy();
    bobEc2.destroy();
    t = await t.restart();
    ec2 = ec2Client(t, alice);
    bobEc2 = ec2Client(t, bob);
    expect(await acl(ec2, id)).toEqual(before);
    expect(before.Associations![0].SubnetId).toBe(subnetId);
  });
});
