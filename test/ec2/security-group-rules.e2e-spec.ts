import {
  AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand,
  EC2Client, ModifySecurityGroupRulesCommand, SecurityGroupRule, UpdateSecurityGroupRuleDescriptionsEgressCommand, UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, missing, sameAsMissing, codeOf } from './ec2-support';


/** Editing security group rules in place through the JS SDK: their descriptions, and ModifySecurityGroupRules. */
describe('EC2 security group rule edits through the JS SDK', () => {
  let t: TestApp;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  beforeAll(async () => {
    t = await startApp();
    ec2 = ec2Client(t, await ec2Tenant(t, 'alice'));
    bobEc2 = ec2Client(t, await ec2Tenant(t, 'bob'));
  });
  afterAll(async () => {
    ec2?.destroy();
    bobEc2?.destroy();
    await t?.close();
  });

  const rulesOf = async (groupId: string, c = ec2): Promise<SecurityGroupRule[]> =>
    (await c.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules!;
  const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 };

  it('UpdateSecurityGroupRuleDescriptionsIngress sets, replaces and removes descriptions by permission (group id or default-VPC name) or by rule id', async () => {
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }))).GroupId!;
    const added = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16', Description: 'office' }] }],
    }))).SecurityGroupRules!;
    const byCidr = async () => Object.fromEntries((await rulesOf(groupId)).filter((r) => !r.IsEgress).map((r) => [r.CidrIpv4, r.Description]));

    const answer = await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpn' }] }] }));
    expect(answer.Return).toBe(true);
    expect(await byCidr()).toEqual({ '10.0.0.0/8': 'vpn', '192.168.0.0/16': 'office' });
    // By name in the default VPC; a range left without Description loses its description.
    await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupName: 'web', IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '192.168.0.0/16' }] }] }));
    expect(await byCidr()).toEqual({ '10.0.0.0/8': 'vpn', '192.168.0.0/16': undefined });
    const vpnRule = added.find((r) => r.CidrIpv4 === '10.0.0.0/8')!.SecurityGroupRuleId!;
    await ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: vpnRule, Description: 'corporate vpn' }] }));
    expect(await byCidr()).toEqual({ '10.0.0.0/8': 'corporate vpn', '192.168.0.0/16': undefined });
    // DescribeSecurityGroups shows the same, and the rule kept its id.
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups!;
    expect(group.IpPermissions![0].IpRanges).toEqual([{ CidrIp: '10.0.0.0/8', Description: 'corporate vpn' }, { CidrIp: '192.168.0.0/16' }]);
    expect((await rulesOf(groupId)).map((r) => r.SecurityGroupRuleId)).toEqual(expect.arrayContaining(added.map((r) => r.SecurityGroupRuleId)));

    // A permission that matches no rule (another port, another range): EC2's NotFound, and nothing changes.
    for (const perm of [{ IpProtocol: 'tcp', FromPort: 23, ToPort: 23, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'x' }] }, { ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'x' }] }]) {
      expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, IpPermissions: [perm] })))).toBe('InvalidPermission.NotFound');
    }
    expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({
      GroupId: groupId, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'half' }, { CidrIp: '172.16.0.0/12', Description: 'half' }] }],
    })))).toBe('InvalidPermission.NotFound');
    expect((await byCidr())['10.0.0.0/8']).toBe('corporate vpn');
    // The egress rule is not an ingress rule; unknown and malformed rule ids; another tenant's group is as a missing one.
    const egressRule = (await rulesOf(groupId)).find((r) => r.IsEgress)!.SecurityGroupRuleId!;
    expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: egressRule, Description: 'x' }] }))))
      .toBe('InvalidSecurityGroupRuleId.NotFound');
    expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: 'sgr-nope', Description: 'x' }] }))))
      .toBe('InvalidSecurityGroupRuleId.Malformed');
    expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: groupId })))).toBe('MissingParameter');
    const update = (c: EC2Client, id: string) => c.send(new UpdateSecurityGroupRuleDescriptionsIngressCommand({ GroupId: id, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }));
    expect(await sameAsMissing(() => update(bobEc2, groupId), () => update(ec2, missing(groupId)), groupId)).toBe('InvalidGroup.NotFound');
  });

  it('UpdateSecurityGroupRuleDescriptionsEgress describes egress rules (by GroupId, in a VPC of the tenant\'s own too)', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'databases', VpcId: vpcId }))).GroupId!;
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }] }));
    await ec2.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'anywhere' }] }] }));
    const egress = Object.fromEntries((await rulesOf(groupId)).map((r) => [`${r.IpProtocol}:${r.FromPort}`, r.Description]));
    expect(egress).toEqual({ '-1:-1': 'anywhere', 'tcp:5432': undefined });
    expect(await codeOf(ec2.send(new UpdateSecurityGroupRuleDescriptionsEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }))))
      .toBe('InvalidPermission.NotFound');
  });

  it('ModifySecurityGroupRules replaces rules in place, keeping their ids, checked as Authorize checks them; a duplicate or an unknown id changes nothing', async () => {
    const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'api', Description: 'api servers' }))).GroupId!;
    const peer = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'lb', Description: 'load balancers' }))).GroupId!;
    const [a, b] = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({
      GroupId: groupId, IpPermissions: [{ ...ssh, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }))).SecurityGroupRules!;
    const modify = (rules: { id: string; rule: Record<string, unknown> }[], group = groupId, c = ec2) =>
      c.send(new ModifySecurityGroupRulesCommand({ GroupId: group, SecurityGroupRules: rules.map((r) => ({ SecurityGroupRuleId: r.id, SecurityGroupRule: r.rule })) }));
    const answer = await modify([{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '10.0.0.0/8', Description: 'ssh alt' } }]);
    expect(answer.Return).toBe(true);
    await modify([{ id: b.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, ReferencedGroupId: peer } }]);
    const shown = async () => Object.fromEntries((await rulesOf(groupId)).filter((r) => !r.IsEgress)
      .map((r) => [r.SecurityGroupRuleId, [r.FromPort, r.ToPort, r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId, r.Description]]));
    const after = { [a.SecurityGroupRuleId!]: [2222, 2222, '10.0.0.0/8', 'ssh alt'], [b.SecurityGroupRuleId!]: [8443, 8443, peer, undefined] };
    expect(await shown()).toEqual(after);
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups!;
    expect(group.IpPermissions!.map((p) => [p.FromPort, p.IpRanges!.map((r) => r.CidrIp), p.UserIdGroupPairs!.map((g) => g.GroupId)])).toEqual([[2222, ['10.0.0.0/8'], []], [8443, [], [peer]]]);

    // Refused, each changing nothing: the same as the other rule; an unknown or malformed id; a bad rule (Authorize's checks); no peer; a prefix list.
    for (const [rules, code] of [
      [[{ id: b.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 2222, ToPort: 2222, CidrIpv4: '10.0.0.0/8' } }], 'InvalidPermission.Duplicate'],
      [[{ id: missing(a.SecurityGroupRuleId!), rule: { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8' } }], 'InvalidSecurityGroupRuleId.NotFound'],
      [[{ id: 'sgr-x', rule: { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8' } }], 'InvalidSecurityGroupRuleId.Malformed'],
      [[{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 90, ToPort: 80, CidrIpv4: '10.0.0.0/8' } }], 'InvalidParameterValue'],
      [[{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/33' } }], 'InvalidParameterValue'],
      [[{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22 } }], 'InvalidParameterCombination'],
      [[{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListId: 'pl-12345678' } }], 'UnsupportedOperation'],
      [[{ id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' } }, { id: b.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' } }], 'InvalidPermission.Duplicate'],
    ] as const) {
      expect([rules[0].rule, await codeOf(modify(rules as unknown as { id: string; rule: Record<string, unknown> }[]))]).toEqual([rules[0].rule, code]);
    }
    expect(await shown()).toEqual(after);
    // Another tenant's group is as a missing one.
    const rule = { id: a.SecurityGroupRuleId!, rule: { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8' } };
    expect(await sameAsMissing(() => modify([rule], groupId, bobEc2), () => modify([rule], missing(groupId)), groupId)).toBe('InvalidGroup.NotFound');
    expect(await shown()).toEqual(after);
  });
});
