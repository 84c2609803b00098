import {
  AssignPrivateIpAddressesCommand, UnassignPrivateIpAddressesCommand, AttachNetworkInterfaceCommand, CreateTagsCommand, DeleteTagsCommand, DescribeTagsCommand, AuthorizeSecurityGroupEgressCommand, AuthorizeSecurityGroupIngressCommand, CreateKeyPairCommand, CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand, DeleteKeyPairCommand, DeleteNetworkInterfaceCommand, DeleteSecurityGroupCommand,
  DeleteSubnetCommand, DeleteVpcCommand, DescribeKeyPairsCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand,
  DescribeVpcsCommand, DetachNetworkInterfaceCommand, EC2Client, ImportKeyPairCommand, ModifyNetworkInterfaceAttributeCommand, paginateDescribeSubnets,
  RevokeSecurityGroupIngressCommand, RevokeSecurityGroupEgressCommand, ModifyInstanceAttributeCommand, DescribeInstanceAttributeCommand, DescribeAccountAttributesCommand,
  RunInstancesCommand, DescribeInstancesCommand, Instance, _InstanceType, StartInstancesCommand, StopInstancesCommand, TerminateInstancesCommand,
  DescribeVpcAttributeCommand, ModifyVpcAttributeCommand, ModifySubnetAttributeCommand, RunInstancesCommandInput, VpcAttributeName,
  AssociateRouteTableCommand, AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateRouteCommand, CreateRouteTableCommand, DeleteInternetGatewayCommand,
  DeleteRouteCommand, DeleteRouteTableCommand, DescribeInternetGatewaysCommand, DescribeRouteTablesCommand, DetachInternetGatewayCommand, DisassociateRouteTableCommand,
  CreateImageCommand, DeregisterImageCommand, CreateSnapshotCommand, CreateVolumeCommand, AllocateAddressCommand,
  ReplaceRouteCommand, paginateDescribeRouteTables, DescribeNetworkAclsCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupRulesCommandInput, paginateDescribeSecurityGroupRules,
} from '@aws-sdk/client-ec2';
import { createHash, createPrivateKey } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NetworkingService } from '../../apps/api/src/application/networking/networking.service';
import { EngineService } from '../../apps/api/src/engine/engine.service';
import { TenantsRepository } from '../../apps/api/src/persistence/tenants.repository';
import { NetworkingRepository } from '../../apps/api/src/persistence/networking.repository';
import { InstancesService } from '../../apps/api/src/application/instances/instances.service';
import { parseIpv4 } from '../../apps/api/src/application/networking/cidr';
import { LINUX_AMI, TestApp, expectError } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, failure, missing, sameAsMissing as same, statementsSent, withNewTenant, codeOf, twoTenantApp, closeTwoTenantApp } from './ec2-support';

/** The SDK's error for a call, or a failure if it succeeded. */


/** A new VPC 10.{n}.0.0/16 of the client's tenant, and in it a subnet 10.{n}.1.0/24 in us-east-1a: the subnet's id. */
async function ownSubnet(c: EC2Client, n: number): Promise<string> {
  const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: `10.${n}.0.0/16` }))).Vpc!;
  return (await c.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: `10.${n}.1.0/24`, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
}


/** A throwaway ED25519 key made by ssh-keygen (see apps/api/src/application/networking/key-material.spec.ts) and its fingerprint. */
const ED25519_PUBLIC = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMB25bjJcW7d6ZSDrhyyQFjVuJZ9UxJqR4cn5N1b6FbX vector-ed';
const ED25519_FINGERPRINT = 'M2wQNALDGgcGjO8tVX2u6Bip2Tlxpbd9ALtAoE6SyLw=';

describe('EC2 networking through the JS SDK', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let bob: Ec2Tenant;
  let ec2: EC2Client;
  let bobEc2: EC2Client;
  beforeAll(async () => {
    ({ t, alice, bob, ec2, bobEc2 } = await twoTenantApp([['us-east-1a', 2], ['us-east-1b', 2]]));
  });
  afterAll(() => closeTwoTenantApp({ t, ec2, bobEc2 }));

  /** A tenant of its own for one test, with its client, destroyed after. */
  const asNewTenant = (name: string, fn: (client: EC2Client, who: Ec2Tenant) => Promise<void>) => withNewTenant(t, name, fn);

  describe('the default VPC', () => {
    it('is made on first use, once even when the first requests arrive together: 172.31.0.0/16, a /20 default subnet per zone, a default group', async () => {
      const carol = await ec2Tenant(t, 'carol');
      const c = ec2Client(t, carol);
      const answers = await Promise.all(Array.from({ length: 6 }, () => c.send(new DescribeVpcsCommand({}))));
      const ids = new Set(answers.map((a) => a.Vpcs!.map((v) => v.VpcId).join()));
      expect(ids.size).toBe(1);
      const [vpc] = answers[0].Vpcs!;
      expect(vpc).toMatchObject({ CidrBlock: '172.31.0.0/16', IsDefault: true, State: 'available', OwnerId: carol.accountId });
      const subnets = (await c.send(new DescribeSubnetsCommand({}))).Subnets!;
      expect(subnets.map((s) => [s.AvailabilityZone, s.CidrBlock, s.AvailableIpAddressCount, s.DefaultForAz, s.MapPublicIpOnLaunch, s.VpcId]).sort()).toEqual([
        ['us-east-1a', '172.31.0.0/20', 4091, true, true, vpc.VpcId],
        ['us-east-1b', '172.31.16.0/20', 4091, true, true, vpc.VpcId],
        ['us-east-1c', '172.31.32.0/20', 4091, true, true, vpc.VpcId],
      ]);
      const [group] = (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
      expect(group).toMatchObject({ GroupName: 'default', VpcId: vpc.VpcId });
      expect(group.IpPermissions).toEqual([expect.objectContaining({ IpProtocol: '-1', UserIdGroupPairs: [expect.objectContaining({ GroupId: group.GroupId })] })]);
      expect(group.IpPermissionsEgress).toEqual([expect.objectContaining({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] })]);
      c.destroy();
    });
  });

  describe('VPCs and subnets', () => {
    it('validates blocks: /16 to /28, inside the VPC, no overlap', async () => {
      expect(await codeOf(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/15' })))).toBe('InvalidParameterValue');
      expect(await codeOf(ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/29' })))).toBe('InvalidParameterValue');
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'lab' }] }] }))).Vpc!;
      expect(vpc).toMatchObject({ CidrBlock: '10.0.0.0/16', IsDefault: false, Tags: [{ Key: 'Name', Value: 'lab' }] });
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!;
      expect(subnet).toMatchObject({ CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1b', AvailableIpAddressCount: 251, DefaultForAz: false, MapPublicIpOnLaunch: false });
      expect(await codeOf(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.1.128/25' })))).toBe('InvalidSubnet.Conflict');
      expect(await codeOf(ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.1.0.0/24' })))).toBe('InvalidSubnet.Range');
      // A VPC with a subnet cannot go; without, it can, and is then NotFound.
      expect(await codeOf(ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId })))).toBe('DependencyViolation');
      await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
      await ec2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
      expect(await codeOf(ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })))).toBe('InvalidVpcID.NotFound');
      expect(await codeOf(ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-nope'] })))).toBe('InvalidVpcID.Malformed');
    });

    it('DescribeSubnets filters and pages (the SDK paginator, MaxResults 5)', async () => {
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!;
      for (let i = 0; i < 7; i++) await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: `10.9.${i}.0/24`, AvailabilityZone: 'us-east-1a' }));
      const filtered = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'cidr-block', Values: ['10.9.[0-2]*', '10.9.1.*', '10.9.2.0/24'] }] }));
      expect(filtered.Subnets!.map((s) => s.CidrBlock).sort()).toEqual(['10.9.1.0/24', '10.9.2.0/24']);
      const pages: string[][] = [];
      for await (const p of paginateDescribeSubnets({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] })) pages.push(p.Subnets!.map((s) => s.SubnetId!));
      expect(pages.map((p) => p.length)).toEqual([5, 2]);
      expect(new Set(pages.flat()).size).toBe(7);
      expect(await codeOf(ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })))).toBe('InvalidParameterValue');
    });
  });

  describe('security groups', () => {
    it('create, authorize (rules returned), duplicates refused, describe, revoke, and the default group cannot be deleted', async () => {
      const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }));
      const groupId = created.GroupId!;
      expect(await codeOf(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'again' })))).toBe('InvalidGroup.Duplicate');
      const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }] };
      const auth = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
      expect(auth.Return).toBe(true);
      expect(auth.SecurityGroupRules!.map((r) => [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4, r.IsEgress, r.GroupId])).toEqual([
        ['tcp', 22, 22, '203.0.113.0/24', false, groupId], ['tcp', 443, 443, '0.0.0.0/0', false, groupId],
      ]);
      expect(auth.SecurityGroupRules![0].SecurityGroupRuleId).toMatch(/^sgr-[0-9a-f]{17}$/);
      expect(await codeOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] })))).toBe('InvalidPermission.Duplicate');
      await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
      const [g] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups!;
      expect(g.IpPermissions).toEqual([
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.0/24', Description: 'office' }] }),
        expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }),
      ]);
      expect(g.IpPermissionsEgress!.map((p) => p.IpProtocol)).toEqual(['-1', 'udp']);
      const byFilter = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'ip-permission.from-port', Values: ['443'] }] }));
      expect(byFilter.SecurityGroups!.map((x) => x.GroupId)).toEqual([groupId]);
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
      // Gone: in a default VPC a second revoke is no error, and says the rule was not revoked (below).
      expect((await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }))).UnknownIpPermissions).toHaveLength(1);
      const [def] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups!;
      expect(await codeOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: def.GroupId })))).toBe('CannotDelete');
      // A group another group's rule names is in use.
      const app = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app servers' }));
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: groupId }] }] }));
      expect(await codeOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId })))).toBe('DependencyViolation');
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: app.GroupId }));
      await ec2.send(new DeleteSecurityGroupCommand({ GroupName: 'web' }));
      expect(await codeOf(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })))).toBe('InvalidGroup.NotFound');
    });
  });

  describe('DescribeSecurityGroups: the reference\'s owner and rule-peer filters', () => {
    it('owner-id, ip-permission.user-id / group-name / prefix-list-id and their egress.ip-permission.* forms read what the answer shows', async () => {
      await asNewTenant('olga', async (c, olga) => {
        const db = (await c.send(new CreateSecurityGroupCommand({ GroupName: 'db', Description: 'db' }))).GroupId!;
        const app = (await c.send(new CreateSecurityGroupCommand({ GroupName: 'app', Description: 'app' }))).GroupId!;
        const [def] = (await c.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups!;
        await c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: db, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: app }] }] }));
        await c.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: app, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: db }] }] }));
        const ids = async (Name: string, ...Values: string[]) => (await c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name, Values }] }))).SecurityGroups!.map((g) => g.GroupId).sort();
        // Every group is the tenant's: owner-id is its account, as OwnerId shows.
        expect(await ids('owner-id', olga.accountId)).toEqual([db, app, def.GroupId].sort());
        expect(await ids('owner-id', bob.accountId)).toEqual([]);
        // The referenced group's owner, as UserIdGroupPairs' UserId shows it (the default group references itself).
        const [shown] = (await c.send(new DescribeSecurityGroupsCommand({ GroupIds: [db] }))).SecurityGroups!;
        expect(shown.IpPermissions![0].UserIdGroupPairs).toEqual([{ UserId: olga.accountId, GroupId: app }]);
        expect(await ids('ip-permission.user-id', olga.accountId)).toEqual([db, def.GroupId].sort());
        expect(await ids('egress.ip-permission.user-id', olga.accountId)).toEqual([app]);
        expect(await ids('ip-permission.user-id', bob.accountId)).toEqual([]);
        // The referenced group's name.
        expect(await ids('ip-permission.group-name', 'app')).toEqual([db]);
        expect(await ids('ip-permission.group-name', 'db')).toEqual([]);
        expect(await ids('egress.ip-permission.group-name', 'd*')).toEqual([app]);
        // No prefix lists here: PrefixListIds is empty, and the filters match none.
        expect(shown.IpPermissions![0].PrefixListIds).toEqual([]);
        expect(await ids('ip-permission.prefix-list-id', '*')).toEqual([]);
        expect(await ids('egress.ip-permission.prefix-list-id', 'pl-12345678')).toEqual([]);
      });
    });
  });

  describe('security group rules: EC2 masks an IPv4 range to its network address', () => {
    it('10.0.0.1/8 is the rule 10.0.0.0/8: a duplicate, shown masked, and revoked by either form (ingress and egress)', async () => {
      const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'masked', Description: 'host bits' }))).GroupId!;
      const ssh = (CidrIp: string) => ({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp }] });
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh('10.0.0.0/8')] }));
      expect(await codeOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh('10.0.0.1/8')] })))).toBe('InvalidPermission.Duplicate');
      // Within one request too: the two forms are one rule, authorized twice.
      expect(await codeOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({
        GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '192.168.1.0/24' }, { CidrIp: '192.168.1.9/24' }] }],
      })))).toBe('InvalidPermission.Duplicate');
      // The answer and Describe show the network address.
      const https = await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '172.16.5.4/12' }));
      expect(https.SecurityGroupRules!.map((r) => r.CidrIpv4)).toEqual(['172.16.0.0/12']);
      const egress = await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '192.168.1.200/25' }] }] }));
      expect(egress.SecurityGroupRules!.map((r) => r.CidrIpv4)).toEqual(['192.168.1.128/25']);
      expect(await codeOf(ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '192.168.1.255/25' }] }] })))).toBe('InvalidPermission.Duplicate');
      const shown = async () => (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0];
      const g = await shown();
      expect(g.IpPermissions!.map((p) => [p.FromPort, p.IpRanges!.map((r) => r.CidrIp)])).toEqual([[22, ['10.0.0.0/8']], [443, ['172.16.0.0/12']]]);
      expect(g.IpPermissionsEgress!.flatMap((p) => p.IpRanges!.map((r) => r.CidrIp))).toEqual(['0.0.0.0/0', '192.168.1.128/25']);
      // A revoke by the unmasked form removes the masked rule.
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh('10.200.3.4/8')] }));
      await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '192.168.1.130/25' }] }] }));
      const after = await shown();
      expect(after.IpPermissions!.map((p) => p.FromPort)).toEqual([443]);
      expect(after.IpPermissionsEgress!.flatMap((p) => p.IpRanges!.map((r) => r.CidrIp))).toEqual(['0.0.0.0/0']);
      // Not a block: EC2's InvalidParameterValue, for authorize and revoke alike.
      expect(await codeOf(ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh('10.0.0.0/33')] })))).toBe('InvalidParameterValue');
      expect(await codeOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh('10.0.0.1')] })))).toBe('InvalidParameterValue');
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    });
  });

  describe("revoking a rule that does not exist (RevokeSecurityGroupIngress's API reference)", () => {
    const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] };
    const dns = { IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

    it('in a default VPC: no error; the rules that matched are revoked (revokedSecurityGroupRuleSet), the others answered in unknownIpPermissionSet', async () => {
      const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'revoke-default', Description: 'default VPC' }))).GroupId!;
      const [sshRule] = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }))).SecurityGroupRules!;
      const ingress = await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh, dns] }));
      expect(ingress.Return).toBe(true);
      expect(ingress.UnknownIpPermissions).toEqual([expect.objectContaining({ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })]);
      expect(ingress.RevokedSecurityGroupRules).toEqual([{
        SecurityGroupRuleId: sshRule.SecurityGroupRuleId, GroupId: groupId, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8',
      }]);
      expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0].IpPermissions).toEqual([]);
      // Egress: the same in a default VPC; the group's own 0.0.0.0/0 rule is untouched.
      const egress = await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [dns] }));
      expect([egress.Return, egress.UnknownIpPermissions!.map((x) => x.IpProtocol), egress.RevokedSecurityGroupRules]).toEqual([true, ['udp'], []]);
      expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups![0].IpPermissionsEgress!.map((x) => x.IpProtocol)).toEqual(['-1']);
      // A rule id is not a "value": a missing one is still its NotFound; a malformed one, Malformed.
      expect(await codeOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [sshRule.SecurityGroupRuleId!] })))).toBe('InvalidSecurityGroupRuleId.NotFound');
      expect(await codeOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ['sgr-nothex'] })))).toBe('InvalidSecurityGroupRuleId.Malformed');
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
    });

    it('in another VPC: InvalidPermission.NotFound, and no rule is revoked (not even those that matched); by rule id, the revoked rule is answered', async () => {
      const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.13.0.0/16' }))).Vpc!.VpcId!;
      const groupId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'revoke-other', Description: 'non-default VPC', VpcId: vpcId }))).GroupId!;
      const [sshRule] = (await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }))).SecurityGroupRules!;
      const [egressRule] = (await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [ssh] }))).SecurityGroupRules!;
      expect(await codeOf(ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh, dns] })))).toBe('InvalidPermission.NotFound');
      expect(await codeOf(ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [ssh, dns] })))).toBe('InvalidPermission.NotFound');
      const [g] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups!;
      expect(g.IpPermissions!.map((x) => x.FromPort)).toEqual([22]);
      expect(g.IpPermissionsEgress!.map((x) => x.FromPort)).toEqual([undefined, 22]);
      const byId = await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [egressRule.SecurityGroupRuleId!] }));
      expect([byId.Return, byId.UnknownIpPermissions, byId.RevokedSecurityGroupRules!.map((x) => [x.SecurityGroupRuleId, x.IsEgress, x.CidrIpv4])]).toEqual([
        true, [], [[egressRule.SecurityGroupRuleId, true, '10.0.0.0/8']],
      ]);
      // The ingress rule's id does not name an egress rule.
      expect(await codeOf(ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: [sshRule.SecurityGroupRuleId!] })))).toBe('InvalidSecurityGroupRuleId.NotFound');
      await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
      await ec2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
      await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    });
  });

  describe('security group rules as taggable resources', () => {
    it('CreateTags, DeleteTags and DescribeTags reach a rule (resource type security-group-rule); its tags go with its group; another tenant\'s rule answers as a missing one', async () => {
      await asNewTenant('lee', async (leeEc2) => {
        const groupId = (await leeEc2.send(new CreateSecurityGroupCommand({ GroupName: 'tagged-rules', Description: 'tagged rules' }))).GroupId!;
        const [rule] = (await leeEc2.send(new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }],
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'Name', Value: 'ssh' }] }],
        }))).SecurityGroupRules!;
        const id = rule.SecurityGroupRuleId!;
        const tagsOfRules = async () => (await leeEc2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['security-group-rule'] }] }))).Tags!
          .map((x) => [x.ResourceId, x.ResourceType, x.Key, x.Value]);
        expect(await tagsOfRules()).toEqual([[id, 'security-group-rule', 'Name', 'ssh']]);
        await leeEc2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'team', Value: 'ops' }] }));
        await leeEc2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'Name' }] }));
        expect(await tagsOfRules()).toEqual([[id, 'security-group-rule', 'team', 'ops']]);
        expect((await leeEc2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] }))).SecurityGroupRules![0].Tags).toEqual([{ Key: 'team', Value: 'ops' }]);
        // Another tenant's rule: the same answer as a missing one, and nothing changed.
        expect(await same(() => bobEc2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'x', Value: 'y' }] })), () => bobEc2.send(new CreateTagsCommand({ Resources: [missing(id)], Tags: [{ Key: 'x', Value: 'y' }] })), id))
          .toBe('InvalidSecurityGroupRuleId.NotFound');
        expect((await bobEc2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }))).Tags).toEqual([]);
        // Deleting the group deletes its rules, and their tags with them.
        await leeEc2.send(new DeleteSecurityGroupCommand({ GroupId: groupId }));
        expect(await tagsOfRules()).toEqual([]);
      });
    });
  });

  describe('DescribeSecurityGroupRules', () => {
    it('by id, by filter (group-id, security-group-rule-id, tag:<key>), over pages; each rule with EC2\'s fields; another tenant\'s rule answers exactly as a missing one', async () => {
      await asNewTenant('kim', async (kimEc2, kim) => {
        const groupId = (await kimEc2.send(new CreateSecurityGroupCommand({ GroupName: 'rules', Description: 'rules' }))).GroupId!;
        const [defaultGroup] = (await kimEc2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups!;
        const port = (n: number) => ({ IpProtocol: 'tcp', FromPort: n, ToPort: n, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: `port ${n}` }] });
        const tagged = await kimEc2.send(new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId, IpPermissions: [port(22), port(80), port(443)], TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: [{ Key: 'team', Value: 'web' }] }],
        }));
        const [ssh, http, https] = tagged.SecurityGroupRules!;
        // Authorize's answer carries the tags it set, and the rule's ARN.
        expect(ssh.Tags).toEqual([{ Key: 'team', Value: 'web' }]);
        expect(ssh.SecurityGroupRuleArn).toBe(`arn:aws:ec2:us-east-1:${kim.accountId}:security-group-rule/${ssh.SecurityGroupRuleId}`);
        const [fromDefault] = (await kimEc2.send(new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: defaultGroup.GroupId }] }],
        }))).SecurityGroupRules!;
        const [dnsOut] = (await kimEc2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }))).SecurityGroupRules!;
        const rules = (input: DescribeSecurityGroupRulesCommandInput) => kimEc2.send(new DescribeSecurityGroupRulesCommand(input));

        // By id: exactly those, with EC2's SecurityGroupRule fields.
        const byId = (await rules({ SecurityGroupRuleIds: [ssh.SecurityGroupRuleId!, fromDefault.SecurityGroupRuleId!] })).SecurityGroupRules!;
        expect(byId).toEqual(expect.arrayContaining([
          {
            SecurityGroupRuleId: ssh.SecurityGroupRuleId, GroupId: groupId, GroupOwnerId: kim.accountId, IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22,
            CidrIpv4: '0.0.0.0/0', Description: 'port 22', Tags: [{ Key: 'team', Value: 'web' }], SecurityGroupRuleArn: ssh.SecurityGroupRuleArn,
          },
          {
            SecurityGroupRuleId: fromDefault.SecurityGroupRuleId, GroupId: groupId, GroupOwnerId: kim.accountId, IsEgress: false, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432,
            ReferencedGroupInfo: { GroupId: defaultGroup.GroupId, UserId: kim.accountId }, Tags: [], SecurityGroupRuleArn: expect.stringContaining(fromDefault.SecurityGroupRuleId!),
          },
        ]));
        expect(byId).toHaveLength(2);

        // Filters: the group's rules, ingress and egress (its 0.0.0.0/0 egress rule from creation included); by rule id; by tag.
        const ofGroup = (await rules({ Filters: [{ Name: 'group-id', Values: [groupId] }] })).SecurityGroupRules!;
        expect(ofGroup.map((r) => [r.IsEgress, r.IpProtocol, r.FromPort, r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId]).sort()).toEqual([
          [false, 'tcp', 22, '0.0.0.0/0'], [false, 'tcp', 443, '0.0.0.0/0'], [false, 'tcp', 5432, defaultGroup.GroupId], [false, 'tcp', 80, '0.0.0.0/0'],
          [true, '-1', -1, '0.0.0.0/0'], [true, 'udp', 53, '10.0.0.0/8'],
        ]);
        expect((await rules({ Filters: [{ Name: 'security-group-rule-id', Values: [dnsOut.SecurityGroupRuleId!] }] })).SecurityGroupRules!.map((r) => [r.SecurityGroupRuleId, r.IsEgress])).toEqual([[dnsOut.SecurityGroupRuleId, true]]);
        expect((await rules({ Filters: [{ Name: 'tag:team', Values: ['web'] }] })).SecurityGroupRules!.map((r) => r.SecurityGroupRuleId).sort()).toEqual(
          [ssh, http, https].map((r) => r.SecurityGroupRuleId).sort(),
        );
        expect((await rules({ Filters: [{ Name: 'tag:team', Values: ['db'] }] })).SecurityGroupRules).toEqual([]);
        // Filters the reference does not list are refused, never ignored.
        expect(await codeOf(rules({ Filters: [{ Name: 'vpc-id', Values: ['vpc-1'] }] }))).toBe('InvalidParameterValue');
        expect(await codeOf(rules({ Filters: [{ Name: 'tag-key', Values: ['team'] }] }))).toBe('InvalidParameterValue');

        // Every rule of the tenant (the default group's two and this group's six) over pages of 5, each once.
        const seen: string[] = [];
        let pages = 0;
        for await (const page of paginateDescribeSecurityGroupRules({ client: kimEc2, pageSize: 5 }, {})) {
          pages++;
          expect(page.SecurityGroupRules!.length).toBeLessThanOrEqual(5);
          seen.push(...page.SecurityGroupRules!.map((r) => r.SecurityGroupRuleId!));
        }
        expect([pages, seen.length, new Set(seen).size]).toEqual([2, 8, 8]);
        expect(seen).toEqual(expect.arrayContaining([...ofGroup.map((r) => r.SecurityGroupRuleId)]));
        expect((await rules({ Filters: [{ Name: 'group-id', Values: [defaultGroup.GroupId!] }] })).SecurityGroupRules!.map((r) => [r.IsEgress, r.ReferencedGroupInfo?.GroupId ?? r.CidrIpv4])).toEqual(
          expect.arrayContaining([[false, defaultGroup.GroupId], [true, '0.0.0.0/0']]),
        );
        expect(await codeOf(rules({ MaxResults: 4 }))).toBe('InvalidParameterValue');

        // Missing, malformed, another tenant's: as EC2 answers them; Bob's filter by Kim's id finds nothing.
        const id = http.SecurityGroupRuleId!;
        expect(await same(() => bobEc2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [id] })), () => bobEc2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [missing(id)] })), id)).toBe('InvalidSecurityGroupRuleId.NotFound');
        expect((await bobEc2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: [id] }] }))).SecurityGroupRules).toEqual([]);
        expect(await codeOf(rules({ SecurityGroupRuleIds: ['sgr-xyz'] }))).toBe('InvalidSecurityGroupRuleId.Malformed');
        // A revoked rule is gone.
        await kimEc2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [id] }));
        expect(await codeOf(rules({ SecurityGroupRuleIds: [id] }))).toBe('InvalidSecurityGroupRuleId.NotFound');
      });
    });
  });

  describe('network interfaces and instances', () => {
    it("a launch's answer shows the network exactly as a describe right after it (the answer is built from what the launch wrote)", async () => {
      // A tenant of its own: the other tests count this one's addresses and key pairs.
      const carol = await ec2Tenant(t, 'carol');
      const ec2 = ec2Client(t, carol);
      const web = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'answer-web', Description: 'w' }))).GroupId!;
      const db = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'answer-db', Description: 'd' }))).GroupId!;
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.40.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
      const [vpcDefault] = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).SecurityGroups!;
      await ec2.send(new CreateKeyPairCommand({ KeyName: 'answer-key' }));
      const spare = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId, Description: 'spare', Groups: [vpcDefault.GroupId!] }))).NetworkInterface!;
      const launches = [
        // The default subnet and group, two instances, public addresses.
        { MinCount: 2, MaxCount: 2 },
        // Groups by id (one twice) and by name, in the asked order; a key pair.
        { MinCount: 1, MaxCount: 1, SecurityGroupIds: [db, web, db], SecurityGroups: ['default'], KeyName: 'answer-key' },
        // Two new interfaces in a nondefault subnet (no public address), descriptions, the VPC's default group on the second.
        { MinCount: 1, MaxCount: 1, NetworkInterfaces: [
          { DeviceIndex: 1, SubnetId: subnet.SubnetId, Description: 'second', DeleteOnTermination: false },
          { DeviceIndex: 0, SubnetId: subnet.SubnetId, Groups: [vpcDefault.GroupId!] },
        ] },
        // A public address asked for in a subnet that maps none.
        { MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.SubnetId, AssociatePublicIpAddress: true }] },
        // An existing interface attached by id beside a new one.
        { MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.SubnetId }, { DeviceIndex: 1, NetworkInterfaceId: spare.NetworkInterfaceId }] },
      ];
      for (const launch of launches) {
        const run = await ec2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', ...launch }));
        const ids = run.Instances!.map((i) => i.InstanceId!);
        const [described] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!;
        // (Describe answers in id order.)
        expect([...run.Instances!].sort((a, b) => (a.InstanceId! < b.InstanceId! ? -1 : 1))).toEqual(described.Instances);
        // Two new interfaces of one launch in one subnet get two addresses (this was a 500: both were given the same).
        for (const i of run.Instances!) {
          const addresses = i.NetworkInterfaces!.map((n) => n.PrivateIpAddress);
          expect(new Set(addresses).size).toBe(addresses.length);
        }
      }
      const [named] = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['answer-key'] }] }))).Reservations!;
      expect(named.Instances![0].SecurityGroups!.map((g) => g.GroupName)).toEqual(['answer-db', 'answer-web', 'default']);
      // The REST answer of a launch is its describe too.
      const res = await t.as(carol.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', securityGroupIds: [web], keyName: 'answer-key' }).expect(201);
      const got = (await t.as(carol.key).get(`/v1/instances/${res.body.instances[0].instanceId}`).expect(200)).body;
      expect(res.body.instances[0]).toEqual(got);
      ec2.destroy();
    });

    it('a launch gets the lowest free address of its subnet, DNS names, a public IP where the subnet maps one; termination frees them', async () => {
      const [subnetB] = (await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1b'] }, { Name: 'default-for-az', Values: ['true'] }] }))).Subnets!;
      const res = await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnetB.SubnetId, minCount: 2, maxCount: 2 }).expect(201);
      const [a, b] = res.body.instances;
      expect([a.availabilityZone, b.availabilityZone]).toEqual(['us-east-1b', 'us-east-1b']);
      expect([a.privateIpAddress, b.privateIpAddress].sort()).toEqual(['172.31.16.4', '172.31.16.5']);
      expect(a.privateDnsName).toBe(`ip-${a.privateIpAddress.replaceAll('.', '-')}.ec2.internal`);
      expect(a.publicIpAddress).toMatch(/^3\.(8\d|9[0-5])\.\d+\.\d+$/);
      expect(a.publicDnsName).toBe(`ec2-${a.publicIpAddress.replaceAll('.', '-')}.compute-1.amazonaws.com`);
      expect(a.publicIpAddress).not.toBe(b.publicIpAddress);
      expect(a.securityGroups).toEqual([{ groupId: expect.stringMatching(/^sg-/), groupName: 'default' }]);
      const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [a.instanceId] }] }))).NetworkInterfaces!;
      expect(eni).toHaveLength(1);
      expect(eni[0]).toMatchObject({ PrivateIpAddress: a.privateIpAddress, Status: 'in-use', Attachment: { DeviceIndex: 0, InstanceId: a.instanceId, DeleteOnTermination: true } });
      expect(eni[0].Association).toMatchObject({ PublicIp: a.publicIpAddress });
      // More of the documented filters: owner-id, availability-zone-id, attachment.instance-owner-id and .attach-time; requester-id matches none.
      const eniIds = async (Filters: { Name: string; Values: string[] }[]) =>
        (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [a.instanceId] }, ...Filters] }))).NetworkInterfaces!.map((n) => n.NetworkInterfaceId);
      expect(await eniIds([{ Name: 'owner-id', Values: [alice.accountId] }, { Name: 'availability-zone-id', Values: ['use1-az2'] }])).toEqual([eni[0].NetworkInterfaceId]);
      expect(await eniIds([{ Name: 'attachment.instance-owner-id', Values: [alice.accountId] }])).toEqual([eni[0].NetworkInterfaceId]);
      expect(await eniIds([{ Name: 'attachment.attach-time', Values: [eni[0].Attachment!.AttachTime!.toISOString()] }])).toEqual([eni[0].NetworkInterfaceId]);
      expect(await eniIds([{ Name: 'owner-id', Values: ['123456789012'] }])).toEqual([]);
      expect(await eniIds([{ Name: 'requester-id', Values: ['*'] }])).toEqual([]);
      const subnetsBy = async (Filters: { Name: string; Values: string[] }[]) => (await ec2.send(new DescribeSubnetsCommand({ Filters }))).Subnets!.map((x) => x.SubnetId);
      expect(await subnetsBy([{ Name: 'owner-id', Values: [alice.accountId] }, { Name: 'availability-zone-id', Values: ['use1-az2'] }, { Name: 'default-for-az', Values: ['true'] }])).toEqual([subnetB.SubnetId]);
      expect(await subnetsBy([{ Name: 'subnet-arn', Values: [subnetB.SubnetArn!] }])).toEqual([subnetB.SubnetId]);
      // The subnet shows EC2's defaults for what Nimbus does not simulate (DNS64, IPv6-only, customer-owned addresses, resource names), and they filter.
      expect(subnetB).toMatchObject({ EnableDns64: false, Ipv6Native: false, MapCustomerOwnedIpOnLaunch: false, PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name' } });
      expect(await subnetsBy([{ Name: 'subnet-id', Values: [subnetB.SubnetId!] }, { Name: 'enable-dns64', Values: ['false'] }, { Name: 'ipv6-native', Values: ['false'] },
        { Name: 'map-customer-owned-ip-on-launch', Values: ['false'] }, { Name: 'private-dns-name-options-on-launch.hostname-type', Values: ['ip-name'] }])).toEqual([subnetB.SubnetId]);
      for (const none of ['ipv6-cidr-block-association.ipv6-cidr-block', 'customer-owned-ipv4-pool', 'outpost-arn', 'enable-lni-at-device-index']) {
        expect(await subnetsBy([{ Name: none, Values: ['*'] }])).toEqual([]);
      }
      const [defaultVpc] = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
      const association = defaultVpc.CidrBlockAssociationSet![0];
      const vpcsBy = async (Name: string, value: string) => (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name, Values: [value] }] }))).Vpcs!.map((x) => x.VpcId);
      expect(await vpcsBy('cidr-block-association.association-id', association.AssociationId!)).toEqual([defaultVpc.VpcId]);
      expect(await vpcsBy('cidr-block-association.state', 'associated')).toContain(defaultVpc.VpcId);
      expect(await vpcsBy('ipv6-cidr-block-association.ipv6-cidr-block', '*')).toEqual([]);
      expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'owner-id', Values: [alice.accountId] }, { Name: 'is-default', Values: ['true'] }] }))).Vpcs).toHaveLength(1);
      expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'owner-id', Values: ['123456789012'] }] }))).Vpcs).toEqual([]);
      // DescribeNetworkInterfaces' reference: MaxResults and the network interface IDs cannot be in the same request.
      const both = await failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni[0].NetworkInterfaceId!], MaxResults: 5 })));
      expect([both.name, both.$metadata.httpStatusCode]).toEqual(['InvalidParameterCombination', 400]);
      expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetB.SubnetId!] }))).Subnets![0].AvailableIpAddressCount).toBe(4089);

      // An address asked for: taken is InvalidIPAddress.InUse; outside the subnet, InvalidParameterValue.
      expectError(await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnetB.SubnetId, privateIpAddress: '172.31.16.4' }), 400, 'InvalidIPAddress.InUse');
      expectError(await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnetB.SubnetId, privateIpAddress: '172.31.0.9' }), 400, 'InvalidParameterValue');
      const chosen = await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnetB.SubnetId, privateIpAddress: '172.31.20.7' }).expect(201);
      expect(chosen.body.instances[0].privateIpAddress).toBe('172.31.20.7');

      // A second interface: attached to a running instance in its zone, detached, deleted.
      await t.advance(120);
      const extra = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetB.SubnetId, Description: 'second' }))).NetworkInterface!;
      expect(extra).toMatchObject({ PrivateIpAddress: '172.31.16.6', Status: 'available', PrivateDnsName: 'ip-172-31-16-6.ec2.internal' });
      const attached = await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: extra.NetworkInterfaceId, InstanceId: a.instanceId, DeviceIndex: 1 }));
      expect(attached.AttachmentId).toMatch(/^eni-attach-[0-9a-f]{17}$/);
      expect(await codeOf(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: extra.NetworkInterfaceId })))).toBe('InvalidNetworkInterface.InUse');
      const shown = (await t.as(alice.key).get(`/v1/instances/${a.instanceId}`).expect(200)).body;
      expect(shown.networkInterfaces.map((n: { deviceIndex: number }) => n.deviceIndex)).toEqual([0, 1]);
      await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attached.AttachmentId }));
      await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: extra.NetworkInterfaceId }));

      // A group in use by an interface cannot be deleted; a subnet with interfaces neither.
      expect(await codeOf(ec2.send(new DeleteSubnetCommand({ SubnetId: subnetB.SubnetId })))).toBe('DependencyViolation');

      // Termination: the interfaces go, the addresses return.
      for (const i of [a, b, chosen.body.instances[0]]) await t.as(alice.key).delete(`/v1/instances/${i.instanceId}`).expect(200);
      await t.advance(120);
      const left = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetB.SubnetId!] }] }));
      expect(left.NetworkInterfaces).toEqual([]);
      expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetB.SubnetId!] }))).Subnets![0].AvailableIpAddressCount).toBe(4091);
      const gone = (await t.as(alice.key).get(`/v1/instances/${a.instanceId}`).expect(200)).body;
      expect(gone.state.name).toBe('terminated');
      expect(gone.privateIpAddress).toBeUndefined();
      // The next launch takes the lowest address again.
      const again = await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnetB.SubnetId }).expect(201);
      expect(again.body.instances[0].privateIpAddress).toBe('172.31.16.4');
    });

    it('a subnet without enough free addresses refuses the launch (InsufficientFreeAddressesInSubnet); a nondefault subnet maps no public IP', async () => {
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc!;
      const small = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.5.0.0/28', AvailabilityZone: 'us-east-1a' }))).Subnet!;
      expect(small.AvailableIpAddressCount).toBe(11);
      await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: small.SubnetId }));
      const launch = (n: number) => t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: small.SubnetId, minCount: n, maxCount: n });
      expectError(await launch(11), 400, 'InsufficientFreeAddressesInSubnet');
      // An empty /28 too: 12 is one more than it has.
      const empty = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.5.1.0/28', AvailabilityZone: 'us-east-1a' }))).Subnet!;
      expectError(await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: empty.SubnetId, minCount: 12, maxCount: 12 }), 400, 'InsufficientFreeAddressesInSubnet');
      const res = await launch(2).expect(201);
      expect(res.body.instances.map((i: { privateIpAddress: string }) => i.privateIpAddress).sort()).toEqual(['10.5.0.5', '10.5.0.6']);
      expect(res.body.instances[0]).not.toHaveProperty('publicIpAddress');
      expect(res.body.instances[0].vpcId).toBe(vpc.VpcId);
      expect((await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small.SubnetId!] }))).Subnets![0].AvailableIpAddressCount).toBe(8);
    });

    it('a security group in use by an instance cannot be deleted (DependencyViolation)', async () => {
      const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'used', Description: 'used by an instance' }));
      const res = await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', securityGroupIds: [sg.GroupId] }).expect(201);
      expect(res.body.instances[0].securityGroups).toEqual([{ groupId: sg.GroupId, groupName: 'used' }]);
      expect(res.body.instances[0].subnetId).toMatch(/^subnet-/);
      expect(await codeOf(ec2.send(new DeleteSecurityGroupCommand({ GroupId: sg.GroupId })))).toBe('DependencyViolation');

      // The primary interface's attributes are the instance's: its source/destination check and its groups.
      const instanceId = res.body.instances[0].instanceId;
      const [eni] = (await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }))).NetworkInterfaces!;
      const [def] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupNames: ['default'] }))).SecurityGroups!;
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, SourceDestCheck: { Value: false } }));
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: [def.GroupId!, sg.GroupId!] }));
      const shown = (await t.as(alice.key).get(`/v1/instances/${instanceId}`).expect(200)).body;
      expect({ sourceDestCheck: shown.sourceDestCheck, groups: shown.securityGroups.map((g: { groupName: string }) => g.groupName) }).toEqual({ sourceDestCheck: false, groups: ['default', 'used'] });
      // ModifyInstanceAttribute's sourceDestCheck and groupSet act on the primary interface.
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, SourceDestCheck: { Value: true } }));
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, Groups: [sg.GroupId!] }));
      const after = (await t.as(alice.key).get(`/v1/instances/${instanceId}`).expect(200)).body;
      expect({ sourceDestCheck: after.sourceDestCheck, groups: after.securityGroups.map((g: { groupName: string }) => g.groupName) }).toEqual({ sourceDestCheck: true, groups: ['used'] });
      const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'groupSet' }));
      expect(attr.Groups!.map((g) => g.GroupId)).toEqual([sg.GroupId]);
      // Another tenant's instance is a missing one.
      expect(await codeOf(bobEc2.send(new ModifyInstanceAttributeCommand({ InstanceId: instanceId, SourceDestCheck: { Value: false } })))).toBe('InvalidInstanceID.NotFound');
      const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.8.0.0/16' }))).Vpc!;
      const [otherDefault] = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [other.VpcId!] }] }))).SecurityGroups!;
      expect(await codeOf(ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, Groups: [otherDefault.GroupId!] })))).toBe('InvalidParameter');
    });

    it("an instance has at most its type's interfaces (m5.large 3, m5.xlarge 4): at launch, attach and type change, AttachmentLimitExceeded", async () => {
      const erin = await ec2Tenant(t, 'erin');
      const c = ec2Client(t, erin);
      const subnet = await ownSubnet(c, 60);
      const interfaces = (n: number) => Array.from({ length: n }, (_, i) => ({ DeviceIndex: i, SubnetId: subnet }));
      const launch = (type: _InstanceType, n: number) => c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: type, MinCount: 1, MaxCount: 1, NetworkInterfaces: interfaces(n) }));
      const before = (await c.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces!.length;
      // Four on an m5.large: refused ("Interface count 4 exceeds the limit for m5.large"), and nothing is created.
      const tooMany = await failure(launch('m5.large', 4));
      expect([tooMany.name, tooMany.$metadata.httpStatusCode]).toEqual(['AttachmentLimitExceeded', 400]);
      expect(tooMany.message).toContain('Interface count 4 exceeds the limit for m5.large');
      expect((await c.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces!.length).toBe(before);

      // Three: its limit. A fourth attached is refused; detach one and another fits.
      const id = (await launch('m5.large', 3)).Instances![0].InstanceId!;
      await t.advance(120);
      const spare = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.NetworkInterfaceId!;
      const refused = await failure(c.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: spare, InstanceId: id, DeviceIndex: 3 })));
      expect([refused.name, refused.message]).toEqual(['AttachmentLimitExceeded', 'Interface count 4 exceeds the limit for m5.large (at most 3).']);
      const attached = (await c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [id] }] }))).NetworkInterfaces!;
      const second = attached.find((n) => n.Attachment!.DeviceIndex === 2)!;
      await c.send(new DetachNetworkInterfaceCommand({ AttachmentId: second.Attachment!.AttachmentId }));
      await c.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: spare, InstanceId: id, DeviceIndex: 2 }));

      // Four on an m5.xlarge; stopped, it may not become an m5.large (3), but may become an m5.2xlarge (4).
      const big = (await launch('m5.xlarge', 4)).Instances![0].InstanceId!;
      await t.advance(120);
      await c.send(new StopInstancesCommand({ InstanceIds: [big] }));
      await t.advance(120);
      expect(await codeOf(c.send(new ModifyInstanceAttributeCommand({ InstanceId: big, InstanceType: { Value: 'm5.large' } })))).toBe('AttachmentLimitExceeded');
      await c.send(new ModifyInstanceAttributeCommand({ InstanceId: big, InstanceType: { Value: 'm5.2xlarge' } }));
      expect((await c.send(new DescribeInstancesCommand({ InstanceIds: [big] }))).Reservations![0].Instances![0].InstanceType).toBe('m5.2xlarge');
      c.destroy();
    });
  });

  describe('public addresses across a stop and start (EC2 User Guide, "Public IPv4 addresses")', () => {
    const POOL = /^3\.(8\d|9[0-5])\.\d+\.\d+$/;
    const dnsOf = (ip: string) => `ec2-${ip.replaceAll('.', '-')}.compute-1.amazonaws.com`;
    /** As if the pool's round robin had come around: the next launch or start tries `address` first (held ones are skipped). */
    const rewindPoolTo = (address: string) =>
      t.app.get(EngineService).command((tx) => t.app.get(NetworkingService).setPublicIpCursor(tx, parseIpv4(address)! - parseIpv4('3.80.0.0')!));

    it('a stop releases the address at stopped, another launch can take it, a start gives a new one, termination releases it (EC2 and REST alike)', async () => {
      const erin = await ec2Tenant(t, 'erin');
      const c = ec2Client(t, erin);
      try {
        const describeOne = async (id: string): Promise<Instance> => (await c.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
        const byFilter = async (name: string, value: string) =>
          (await c.send(new DescribeInstancesCommand({ Filters: [{ Name: name, Values: [value] }] }))).Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId));
        const launched = await c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }));
        const a = launched.Instances![0].InstanceId!;
        const first = launched.Instances![0].PublicIpAddress!;
        expect(first).toMatch(POOL);
        await t.advance(120);

        // Stopping: EC2 releases the address when the instance is stopped, so it still shows while stopping.
        await c.send(new StopInstancesCommand({ InstanceIds: [a] }));
        expect(await describeOne(a)).toMatchObject({ State: { Name: 'stopping' }, PublicIpAddress: first, PublicDnsName: dnsOf(first) });
        await t.advance(120);
        const stopped = await describeOne(a);
        expect(stopped.State!.Name).toBe('stopped');
        // As for an instance launched without one: no ipAddress, an empty dnsName, no association on the interface.
        expect(stopped.PublicIpAddress).toBeUndefined();
        expect(stopped.PublicDnsName).toBe('');
        expect(stopped.NetworkInterfaces![0].Association).toBeUndefined();
        expect(stopped.PrivateIpAddress).toBe(launched.Instances![0].PrivateIpAddress);
        const rest = (await t.as(erin.key).get(`/v1/instances/${a}`).expect(200)).body;
        expect(rest).not.toHaveProperty('publicIpAddress');
        expect(rest).not.toHaveProperty('publicDnsName');
        expect(rest.networkInterfaces[0]).not.toHaveProperty('publicIpAddress');
        expect(await byFilter('ip-address', first)).toEqual([]);
        expect(await byFilter('dns-name', dnsOf(first))).toEqual([]);
        expect((await c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'association.public-ip', Values: [first] }] }))).NetworkInterfaces).toEqual([]);

        // The address is back in the pool: another launch takes it.
        await rewindPoolTo(first);
        const b = (await t.as(erin.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0];
        expect(b.publicIpAddress).toBe(first);

        // Started (EC2): a new address from the pool, shown once it is pending; the filters find it by that one only.
        await rewindPoolTo(first);
        await c.send(new StartInstancesCommand({ InstanceIds: [a] }));
        const pending = await describeOne(a);
        expect(pending.State!.Name).toBe('pending');
        const second = pending.PublicIpAddress!;
        expect(second).toMatch(POOL);
        expect(second).not.toBe(first);
        expect(pending.PublicDnsName).toBe(dnsOf(second));
        expect(pending.NetworkInterfaces![0].Association).toMatchObject({ PublicIp: second, PublicDnsName: dnsOf(second) });
        await t.advance(120);
        expect(await byFilter('ip-address', second)).toEqual([a]);
        expect(await byFilter('dns-name', dnsOf(second))).toEqual([a]);
        expect(await byFilter('ip-address', first)).toEqual([b.instanceId]);

        // The same through REST: stop, nothing public; start, a new address.
        await t.as(erin.key).post(`/v1/instances/${a}/stop`).expect(200);
        await t.advance(120);
        expect((await t.as(erin.key).get(`/v1/instances/${a}`).expect(200)).body).not.toHaveProperty('publicIpAddress');
        await t.as(erin.key).post(`/v1/instances/${a}/start`).expect(200);
        const third = (await t.as(erin.key).get(`/v1/instances/${a}`).expect(200)).body;
        expect(third.publicIpAddress).toMatch(POOL);
        expect(third.publicDnsName).toBe(dnsOf(third.publicIpAddress));
        expect([first, second]).not.toContain(third.publicIpAddress);

        // Termination releases it: the next launch can take it.
        await c.send(new TerminateInstancesCommand({ InstanceIds: [a] }));
        await t.advance(120);
        expect(await byFilter('ip-address', third.publicIpAddress)).toEqual([]);
        await rewindPoolTo(third.publicIpAddress);
        const d = (await t.as(erin.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0];
        expect(d.publicIpAddress).toBe(third.publicIpAddress);
        for (const i of [b, d]) await t.as(erin.key).delete(`/v1/instances/${i.instanceId}`).expect(200);
        await t.advance(120);
      } finally {
        c.destroy();
      }
    });

    it('stopped and started in one group commit: the start releases the old address and gives a new one', async () => {
      const gil = await t.tenant('gil');
      const a = (await t.as(gil.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0];
      await t.advance(120);
      await t.as(gil.key).post(`/v1/instances/${a.instanceId}/stop`).expect(200);
      // Queued in one turn, so one group: the stop completes in the advance, the start sees it stopped,
      // and the change set keeps only the last state (pending): no release at stopped runs.
      const tenant = (await t.app.get(TenantsRepository).findById(t.app.get(TenantsRepository).reader, gil.tenantId))!;
      const engine = t.app.get(EngineService);
      const commitsBefore = engine.stats.commits;
      const [, started] = await Promise.all([engine.advance(120_000), t.app.get(InstancesService).start(tenant, { instanceId: a.instanceId })]);
      expect(engine.stats.commits).toBe(commitsBefore + 1);
      expect(started).toMatchObject({ previous: 'stopped', current: 'pending' });
      const shown = (await t.as(gil.key).get(`/v1/instances/${a.instanceId}`).expect(200)).body;
      expect(shown.publicIpAddress).toMatch(POOL);
      expect(shown.publicIpAddress).not.toBe(a.publicIpAddress);
      await rewindPoolTo(a.publicIpAddress);
      const b = (await t.as(gil.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0];
      expect(b.publicIpAddress).toBe(a.publicIpAddress);
      for (const i of [a, b]) await t.as(gil.key).delete(`/v1/instances/${i.instanceId}`).expect(200);
      await t.advance(120);
    });

    it('only an interface given one at launch gets one at a start (AssociatePublicIpAddress too), and none with a second interface attached', async () => {
      const fay = await ec2Tenant(t, 'fay');
      const c = ec2Client(t, fay);
      try {
        const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc!;
        const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.9.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
        const run = async (associate?: boolean) => (await c.send(new RunInstancesCommand({
          ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1,
          NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.SubnetId, ...(associate !== undefined ? { AssociatePublicIpAddress: associate } : {}) }],
        }))).Instances![0];
        const none = await run();
        const asked = await run(true);
        const twoInterfaces = await run(true);
        expect([none.PublicIpAddress, asked.PublicIpAddress, twoInterfaces.PublicIpAddress].map((ip) => ip !== undefined)).toEqual([false, true, true]);
        await t.advance(120);
        const extra = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId }))).NetworkInterface!;
        await c.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: extra.NetworkInterfaceId, InstanceId: twoInterfaces.InstanceId, DeviceIndex: 1 }));
        const ids = [none, asked, twoInterfaces].map((i) => i.InstanceId!);
        await c.send(new StopInstancesCommand({ InstanceIds: ids }));
        await t.advance(120);
        await c.send(new StartInstancesCommand({ InstanceIds: ids }));
        await t.advance(120);
        const after = (await c.send(new DescribeInstancesCommand({ InstanceIds: ids }))).Reservations!.flatMap((r) => r.Instances!);
        const byId = new Map(after.map((i) => [i.InstanceId, i]));
        expect(ids.map((id) => byId.get(id)!.State!.Name)).toEqual(['running', 'running', 'running']);
        expect(byId.get(none.InstanceId)!.PublicIpAddress).toBeUndefined();
        expect(byId.get(asked.InstanceId)!.PublicIpAddress).toMatch(POOL);
        expect(byId.get(asked.InstanceId)!.PublicIpAddress).not.toBe(asked.PublicIpAddress);
        // "it will not receive a new one if there is more than one network interface attached to your instance"
        expect(byId.get(twoInterfaces.InstanceId)!.PublicIpAddress).toBeUndefined();
        expect(byId.get(twoInterfaces.InstanceId)!.NetworkInterfaces!.map((n) => n.Association)).toEqual([undefined, undefined]);
        await c.send(new TerminateInstancesCommand({ InstanceIds: ids }));
        await t.advance(120);
      } finally {
        c.destroy();
      }
    });
  });

  describe('secondary private IPv4 addresses (AssignPrivateIpAddresses, UnassignPrivateIpAddresses)', () => {
    it('an interface made with 2 secondaries shows 3 addresses, one primary; assign and unassign; the primary stays; addresses go back to the subnet', async () => {
      const hana = await ec2Tenant(t, 'hana');
      const c = ec2Client(t, hana);
      try {
        const subnet = await ownSubnet(c, 70);
        const free = async () => (await c.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))).Subnets![0].AvailableIpAddressCount;
        const addresses = async (id: string) => (await c.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))).NetworkInterfaces![0].PrivateIpAddresses!
          .map((a) => [a.PrivateIpAddress, a.Primary, a.PrivateDnsName]);
        // A /24 has 256 - 5 = 251; the lowest free is .4 (the first four are reserved).
        const eni = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }))).NetworkInterface!;
        expect(eni.PrivateIpAddress).toBe('10.70.1.4');
        expect(eni.PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary])).toEqual([['10.70.1.4', true], ['10.70.1.5', false], ['10.70.1.6', false]]);
        const id = eni.NetworkInterfaceId!;
        expect(await addresses(id)).toEqual([
          ['10.70.1.4', true, 'ip-10-70-1-4.ec2.internal'], ['10.70.1.5', false, 'ip-10-70-1-5.ec2.internal'], ['10.70.1.6', false, 'ip-10-70-1-6.ec2.internal'],
        ]);
        expect(await free()).toBe(251 - 3);

        // One more by count (the lowest free, .7), one by value; in use or outside the subnet refused.
        const byCount = await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 }));
        expect([byCount.NetworkInterfaceId, byCount.AssignedPrivateIpAddresses!.map((a) => a.PrivateIpAddress)]).toEqual([id, ['10.70.1.7']]);
        const byValue = await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.20'] }));
        expect(byValue.AssignedPrivateIpAddresses!.map((a) => a.PrivateIpAddress)).toEqual(['10.70.1.20']);
        expect(await codeOf(c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.5'] })))).toBe('InvalidIPAddress.InUse');
        expect(await codeOf(c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.2.5'] })))).toBe('InvalidParameterValue');
        expect(await codeOf(c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id })))).toBe('MissingParameter');
        expect(await codeOf(c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1, AllowReassignment: true })))).toBe('UnsupportedOperation');
        expect(await free()).toBe(251 - 5);

        // Every address is found by the filters.
        for (const name of ['addresses.private-ip-address', 'private-ip-address']) {
          const found = (await c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: name, Values: ['10.70.1.20'] }] }))).NetworkInterfaces!;
          expect(found.map((n) => n.NetworkInterfaceId)).toEqual([id]);
        }

        // Unassign .5: gone, and the next address given in the subnet is .5 again. The primary, or one not assigned: refused.
        await c.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.5'] }));
        expect((await addresses(id)).map(([a, primary]) => [a, primary])).toEqual([['10.70.1.4', true], ['10.70.1.6', false], ['10.70.1.7', false], ['10.70.1.20', false]]);
        const unassignPrimary = await failure(c.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.4'] })));
        expect([unassignPrimary.name, unassignPrimary.$metadata.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
        expect(unassignPrimary.message).toContain('primary');
        expect(await codeOf(c.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.5'] })))).toBe('InvalidParameterValue');
        expect((await addresses(id)).length).toBe(4);
        const next = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!;
        expect(next.PrivateIpAddress).toBe('10.70.1.5');
        // addresses.primary=false: the interfaces with a secondary.
        const withSecondaries = (await c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.primary', Values: ['false'] }] }))).NetworkInterfaces!;
        expect(withSecondaries.map((n) => n.NetworkInterfaceId)).toEqual([id]);

        // Another tenant's interface is a missing one.
        for (const call of [
          bobEc2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: id, SecondaryPrivateIpAddressCount: 1 })),
          bobEc2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: id, PrivateIpAddresses: ['10.70.1.6'] })),
        ]) expect(await codeOf(call)).toBe('InvalidNetworkInterfaceID.NotFound');

        // Unattached, at most 50 addresses (the largest any type allows).
        expect(await codeOf(c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, SecondaryPrivateIpAddressCount: 50 })))).toBe('PrivateIpAddressLimitExceeded');

        // Deleted, its addresses (4) and the other interface's (1) go back.
        await c.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
        await c.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: next.NetworkInterfaceId }));
        expect(await free()).toBe(251);
      } finally {
        c.destroy();
      }
    });

    it('addresses given by value above the lowest free are skipped by the next ones given by count, however many there are in a row', async () => {
      const rosa = await ec2Tenant(t, 'rosa');
      const c = ec2Client(t, rosa);
      try {
        const subnet = await ownSubnet(c, 71);
        const byCount = async () => (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.PrivateIpAddress;
        expect(await byCount()).toBe('10.71.1.4');
        // .5 by count, then .6 to .13 by value: eight held in a row above the lowest free, more than the search's first statement checks.
        const held = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!;
        expect(held.PrivateIpAddress).toBe('10.71.1.5');
        await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: held.NetworkInterfaceId, PrivateIpAddresses: ['10.71.1.6', '10.71.1.7', '10.71.1.8', '10.71.1.9'] }));
        const other = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: '10.71.1.10' }))).NetworkInterface!;
        await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: other.NetworkInterfaceId, PrivateIpAddresses: ['10.71.1.11', '10.71.1.12', '10.71.1.13'] }));
        expect(await byCount()).toBe('10.71.1.14');
        expect(await byCount()).toBe('10.71.1.15');
        // Two at once by count (primary and a secondary) after .20 is taken by value: .16 and .17, then .18, .19, .21.
        await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: '10.71.1.20' }));
        const two = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, SecondaryPrivateIpAddressCount: 1 }))).NetworkInterface!;
        expect(two.PrivateIpAddresses!.map((a) => a.PrivateIpAddress)).toEqual(['10.71.1.16', '10.71.1.17']);
        expect([await byCount(), await byCount(), await byCount()]).toEqual(['10.71.1.18', '10.71.1.19', '10.71.1.21']);
      } finally {
        c.destroy();
      }
    });

    it("at most the instance type's addresses per interface (t3.micro 2): at launch, assignment, attach and type change, PrivateIpAddressLimitExceeded", async () => {
      const ivan = await ec2Tenant(t, 'ivan');
      const c = ec2Client(t, ivan);
      try {
        const subnet = await ownSubnet(c, 71);
        const free = async () => (await c.send(new DescribeSubnetsCommand({ SubnetIds: [subnet] }))).Subnets![0].AvailableIpAddressCount;
        const launch = (type: _InstanceType, spec: Record<string, unknown>) => c.send(new RunInstancesCommand({
          ImageId: LINUX_AMI, InstanceType: type, MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, ...spec }],
        }));
        // t3.micro: 2 per interface. Primary + 2 secondaries refused, and nothing is held.
        const over = await failure(launch('t3.micro', { SecondaryPrivateIpAddressCount: 2 }));
        expect([over.name, over.$metadata.httpStatusCode]).toEqual(['PrivateIpAddressLimitExceeded', 400]);
        expect(over.message).toContain('Number of private addresses will exceed limit');
        expect(await free()).toBe(251);

        // Primary + 1: fits; the instance shows both, and DescribeInstances finds it by the secondary.
        const small = (await launch('t3.micro', { SecondaryPrivateIpAddressCount: 1 })).Instances![0];
        expect(small.NetworkInterfaces![0].PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary, a.PrivateDnsName])).toEqual([
          ['10.71.1.4', true, 'ip-10-71-1-4.ec2.internal'], ['10.71.1.5', false, 'ip-10-71-1-5.ec2.internal'],
        ]);
        await t.advance(120);
        const described = (await c.send(new DescribeInstancesCommand({ InstanceIds: [small.InstanceId!] }))).Reservations![0].Instances![0];
        expect(described.NetworkInterfaces![0].PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary])).toEqual([['10.71.1.4', true], ['10.71.1.5', false]]);
        const byFilter = (await c.send(new DescribeInstancesCommand({ Filters: [{ Name: 'network-interface.addresses.private-ip-address', Values: ['10.71.1.5'] }] }))).Reservations!;
        expect(byFilter.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([small.InstanceId]);
        // REST's instance shows them too (an additive field of each interface).
        const rest = (await t.as(ivan.key).get(`/v1/instances/${small.InstanceId}`).expect(200)).body;
        expect(rest.networkInterfaces.map((n: { privateIpAddress: string; secondaryPrivateIpAddresses: string[] }) => [n.privateIpAddress, n.secondaryPrivateIpAddresses])).toEqual([['10.71.1.4', ['10.71.1.5']]]);
        expect(rest.privateIpAddress).toBe('10.71.1.4');
        const primaryEni = small.NetworkInterfaces![0].NetworkInterfaceId!;
        expect(await codeOf(c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primaryEni, SecondaryPrivateIpAddressCount: 1 })))).toBe('PrivateIpAddressLimitExceeded');

        // An interface of 3 addresses may not be attached to it.
        const three = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }))).NetworkInterface!.NetworkInterfaceId!;
        expect(await codeOf(c.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: three, InstanceId: small.InstanceId, DeviceIndex: 1 })))).toBe('PrivateIpAddressLimitExceeded');

        // Addresses by value at launch (PrivateIpAddresses, terraform's private_ips); an m5.large with 5 may not become a t3.micro, but an m5.xlarge.
        const big = (await launch('m5.large', {
          PrivateIpAddresses: [{ PrivateIpAddress: '10.71.1.40', Primary: true }, { PrivateIpAddress: '10.71.1.41', Primary: false }],
        })).Instances![0];
        expect(big.NetworkInterfaces![0].PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary])).toEqual([['10.71.1.40', true], ['10.71.1.41', false]]);
        expect(big.PrivateIpAddress).toBe('10.71.1.40');
        await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: big.NetworkInterfaces![0].NetworkInterfaceId, SecondaryPrivateIpAddressCount: 3 }));
        await t.advance(120);
        await c.send(new StopInstancesCommand({ InstanceIds: [big.InstanceId!] }));
        await t.advance(120);
        expect(await codeOf(c.send(new ModifyInstanceAttributeCommand({ InstanceId: big.InstanceId, InstanceType: { Value: 't3.micro' } })))).toBe('PrivateIpAddressLimitExceeded');
        await c.send(new ModifyInstanceAttributeCommand({ InstanceId: big.InstanceId, InstanceType: { Value: 'm5.xlarge' } }));

        // Two instances of one launch, 2 secondaries each: every address distinct, the lowest free in launch order
        // (.4 and .5 are the t3.micro's; .6, .7, .8 the spare interface's; the m5.large's .40 and .41 by value, then
        // .9, .10, .11 by count): primaries .12 and .13, then the secondaries .14 to .17.
        const pair = (await c.send(new RunInstancesCommand({
          ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, SecondaryPrivateIpAddressCount: 2 }],
        }))).Instances!;
        expect(pair.map((i) => i.NetworkInterfaces![0].PrivateIpAddresses!.map((a) => a.PrivateIpAddress))).toEqual([
          ['10.71.1.12', '10.71.1.14', '10.71.1.15'], ['10.71.1.13', '10.71.1.16', '10.71.1.17'],
        ]);
        await t.advance(120);

        // Terminated, their interfaces (deleted on termination) give back every address: 251 less the spare interface's 3.
        expect(await free()).toBe(251 - 2 - 5 - 3 - 6);
        await c.send(new TerminateInstancesCommand({ InstanceIds: [small.InstanceId!, big.InstanceId!, ...pair.map((i) => i.InstanceId!)] }));
        await t.advance(120);
        expect(await free()).toBe(251 - 3);
      } finally {
        c.destroy();
      }
    });

    it('secondary_ip_count stays exact (assign 2, unassign 1: one shown, one counted); an instance without secondaries is read with no statement on their table; the subnet reads are one statement each', async () => {
      const jun = await ec2Tenant(t, 'jun');
      const c = ec2Client(t, jun);
      const ds = t.app.get<DataSource>(getDataSourceToken());
      const repo = t.app.get(NetworkingRepository);
      try {
        // Two m5.large (10 addresses per interface) in the default subnet of us-east-1a (172.31.0.0/20): .4 and .5.
        const [one, other] = (await c.send(new RunInstancesCommand({
          ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, Placement: { AvailabilityZone: 'us-east-1a' },
        }))).Instances!;
        expect([one.PrivateIpAddress, other.PrivateIpAddress]).toEqual(['172.31.0.4', '172.31.0.5']);
        const eni = one.NetworkInterfaces![0].NetworkInterfaceId!;
        const otherEni = other.NetworkInterfaces![0].NetworkInterfaceId!;
        const subnetId = one.SubnetId!;
        /** The statements on the interfaces' tables that `run` sends (every query runner of either database, and SQLite's read thread). */
        const statementsOf = async (run: () => Promise<unknown>): Promise<string[]> => (await statementsSent(run)).filter((q) => q.includes('network_interface'));
        const onSecondaries = (statements: string[]) => statements.filter((q) => q.includes('network_interface_private_ips')).length;
        const addressesOf = async (instanceId: string) => (await c.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations![0].Instances![0]
          .NetworkInterfaces![0].PrivateIpAddresses!.map((a) => [a.PrivateIpAddress, a.Primary]);

        // No interface of the tenant has secondaries: DescribeNetworkInterfaces (all of the tenant's) does not look for any.
        let listed: { NetworkInterfaceId?: string; PrivateIpAddresses?: { PrivateIpAddress?: string }[] }[] = [];
        expect(onSecondaries(await statementsOf(async () => (listed = (await c.send(new DescribeNetworkInterfacesCommand({}))).NetworkInterfaces!)))).toBe(0);
        expect(listed.map((n) => [n.NetworkInterfaceId, n.PrivateIpAddresses!.map((a) => a.PrivateIpAddress)]).sort()).toEqual([[eni, ['172.31.0.4']], [otherEni, ['172.31.0.5']]].sort());
        // The lowest free two, .6 and .7; .6 goes back.
        const assigned = await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 2 }));
        expect(assigned.AssignedPrivateIpAddresses!.map((a) => a.PrivateIpAddress)).toEqual(['172.31.0.6', '172.31.0.7']);
        await c.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: ['172.31.0.6'] }));

        // The column, and the rows it counts.
        const counts = await ds.query(
          `SELECT n.id AS id, n.secondary_ip_count AS n, (SELECT COUNT(*) FROM network_interface_private_ips p WHERE p.network_interface_id = n.id) AS rows_held FROM network_interfaces n WHERE n.id IN ('${eni}', '${otherEni}') ORDER BY n.private_ip_address`,
        );
        expect(counts.map((r: { id: string; n: unknown; rows_held: unknown }) => [r.id, Number(r.n), Number(r.rows_held)])).toEqual([[eni, 1, 1], [otherEni, 0, 0]]);

        // DescribeInstances, REST's instance: the one secondary left; none on the other, and not looked for. DescribeNetworkInterfaces shows the same.
        let shown: unknown;
        expect(onSecondaries(await statementsOf(async () => (shown = await addressesOf(one.InstanceId!))))).toBe(1);
        expect(shown).toEqual([['172.31.0.4', true], ['172.31.0.7', false]]);
        expect(onSecondaries(await statementsOf(async () => (shown = await addressesOf(other.InstanceId!))))).toBe(0);
        expect(shown).toEqual([['172.31.0.5', true]]);
        const rest = async (id: string) => (await t.as(jun.key).get(`/v1/instances/${id}`).expect(200)).body.networkInterfaces[0].secondaryPrivateIpAddresses;
        expect(onSecondaries(await statementsOf(async () => (shown = await rest(other.InstanceId!))))).toBe(0);
        expect(shown).toEqual([]);
        expect(await rest(one.InstanceId!)).toEqual(['172.31.0.7']);
        const enis = (await c.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni, otherEni] }))).NetworkInterfaces!;
        expect(enis.map((n) => [n.NetworkInterfaceId, n.PrivateIpAddresses!.map((a) => a.PrivateIpAddress)]).sort()).toEqual([[eni, ['172.31.0.4', '172.31.0.7']], [otherEni, ['172.31.0.5']]].sort());

        // The subnet's reads, one statement each, primaries and the secondary alike: held .4, .5, .7 (3 of 4091).
        let held: Set<string> | undefined;
        expect(await statementsOf(async () => (held = await repo.heldAddresses(repo.reader, subnetId, ['172.31.0.4', '172.31.0.6', '172.31.0.7', '172.31.0.8'])))).toHaveLength(1);
        expect([...held!].sort()).toEqual(['172.31.0.4', '172.31.0.7']);
        let all: string[] = [];
        expect(await statementsOf(async () => (all = await repo.addressesIn(repo.reader, subnetId)))).toHaveLength(1);
        expect(all.sort()).toEqual(['172.31.0.4', '172.31.0.5', '172.31.0.7']);
        let used: Map<string, number> | undefined;
        expect(await statementsOf(async () => (used = await repo.addressCounts(repo.reader, [subnetId])))).toHaveLength(1);
        expect(used!.get(subnetId)).toBe(3);
        const subnet = (await c.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0];
        expect(subnet.AvailableIpAddressCount).toBe(4091 - 3);

        await c.send(new TerminateInstancesCommand({ InstanceIds: [one.InstanceId!, other.InstanceId!] }));
        await t.advance(120);
        expect((await c.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0].AvailableIpAddressCount).toBe(4091);
      } finally {
        c.destroy();
      }
    });
  });

  it('a launch sees at once that the tenant deleted its default subnet, then its default VPC (what launches remember is forgotten)', async () => {
    const dave = await ec2Tenant(t, 'dave');
    const daveEc2 = ec2Client(t, dave);
    try {
      const launch = (zone: string) => t.as(dave.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: zone });
      // Two launches in us-east-1a: the second uses the default VPC, subnet and group the first found.
      const first = (await launch('us-east-1a').expect(201)).body.instances[0];
      const second = (await launch('us-east-1a').expect(201)).body.instances[0];
      expect([first.privateIpAddress, second.privateIpAddress]).toEqual(['172.31.0.4', '172.31.0.5']);
      expect(second.subnetId).toBe(first.subnetId);
      for (const i of [first, second]) await t.as(dave.key).delete(`/v1/instances/${i.instanceId}`).expect(200);
      await t.advance(120);
      // The freed addresses are handed out again from the bottom.
      const third = (await launch('us-east-1a').expect(201)).body.instances[0];
      expect(third.privateIpAddress).toBe('172.31.0.4');
      await t.as(dave.key).delete(`/v1/instances/${third.instanceId}`).expect(200);
      await t.advance(120);

      await daveEc2.send(new DeleteSubnetCommand({ SubnetId: first.subnetId }));
      expectError(await launch('us-east-1a'), 404, 'InvalidSubnetID.NotFound');
      const inB = (await launch('us-east-1b').expect(201)).body.instances[0];
      expect(inB.vpcId).toBe(first.vpcId);
      await t.as(dave.key).delete(`/v1/instances/${inB.instanceId}`).expect(200);
      await t.advance(120);

      const subnets = (await daveEc2.send(new DescribeSubnetsCommand({}))).Subnets!;
      for (const s of subnets) await daveEc2.send(new DeleteSubnetCommand({ SubnetId: s.SubnetId }));
      // The default VPC's internet gateway must be detached first, as on EC2 (its main route table goes with it).
      expect(await codeOf(daveEc2.send(new DeleteVpcCommand({ VpcId: first.vpcId })))).toBe('DependencyViolation');
      const [igw] = (await daveEc2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [first.vpcId] }] }))).InternetGateways!;
      await daveEc2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: first.vpcId }));
      await daveEc2.send(new DeleteVpcCommand({ VpcId: first.vpcId }));
      expect((await daveEc2.send(new DescribeRouteTablesCommand({}))).RouteTables).toEqual([]);
      expectError(await launch('us-east-1b'), 400, 'VPCIdNotSpecified');
    } finally {
      daveEc2.destroy();
    }
  });

  it('DescribeAccountAttributes names the tenant\'s default VPC', async () => {
    const [vpc] = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
    const attrs = (await ec2.send(new DescribeAccountAttributesCommand({ AttributeNames: ['default-vpc'] }))).AccountAttributes!;
    expect(attrs).toEqual([{ AttributeName: 'default-vpc', AttributeValues: [{ AttributeValue: vpc.VpcId }] }]);
  });

  it('refuses each parameter of EC2\'s it does not simulate with UnsupportedOperation naming it, whatever the feature (not InvalidParameterValue, EC2\'s answer to a value it refuses)', async () => {
    await asNewTenant('una', async (c) => {
      const [vpc] = (await c.send(new DescribeVpcsCommand({}))).Vpcs!;
      const [subnet] = (await c.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }))).Subnets!;
      const [group] = (await c.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups!;
      const [table] = (await c.send(new DescribeRouteTablesCommand({}))).RouteTables!;
      const eni = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId }))).NetworkInterface!.NetworkInterfaceId!;
      const igw = (await c.send(new DescribeInternetGatewaysCommand({}))).InternetGateways![0].InternetGatewayId!;
      const refusals: [string, () => Promise<unknown>][] = [
        ['AmazonProvidedIpv6CidrBlock', () => c.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16', AmazonProvidedIpv6CidrBlock: true }))],
        ['EnableDns64', () => c.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, EnableDns64: { Value: true } }))],
        ['PrefixListIds', () => c.send(new AuthorizeSecurityGroupIngressCommand({
          GroupId: group.GroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: 'pl-0123456789abcdef0' }] }],
        }))],
        ['SourceSecurityGroupName', () => c.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group.GroupId, SourceSecurityGroupName: 'default' }))],
        ['Ipv4PrefixCount', () => c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4PrefixCount: 1 }))],
        ['DestinationIpv6CidrBlock', () => c.send(new CreateRouteCommand({ RouteTableId: table.RouteTableId, DestinationIpv6CidrBlock: '::/0', GatewayId: igw }))],
        ['LocalTarget', () => c.send(new ReplaceRouteCommand({ RouteTableId: table.RouteTableId, DestinationCidrBlock: vpc.CidrBlock, LocalTarget: true }))],
        ['GatewayId', () => c.send(new AssociateRouteTableCommand({ RouteTableId: table.RouteTableId, GatewayId: igw }))],
        ['BlockDeviceMapping', () => c.send(new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'x', BlockDeviceMappings: [{ DeviceName: '/dev/sdf', NoDevice: '' }] }))],
        ['DeleteAssociatedSnapshots', () => c.send(new DeregisterImageCommand({ ImageId: 'ami-0123456789abcdef0', DeleteAssociatedSnapshots: true }))],
        ['OutpostArn', () => c.send(new CreateSnapshotCommand({ VolumeId: 'vol-0123456789abcdef0', OutpostArn: 'arn:aws:outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0' }))],
        ['Multi-Attach', () => c.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 4, VolumeType: 'io2', Iops: 100, MultiAttachEnabled: true }))],
        ['Address', () => c.send(new AllocateAddressCommand({ Domain: 'vpc', Address: '3.80.0.9' }))],
      ];
      for (const [what, send] of refusals) {
        const e = await failure(send());
        expect([what, e.name, e.$metadata.httpStatusCode, e.message.startsWith('Nimbus does not support') && e.message.includes(what)]).toEqual([what, 'UnsupportedOperation', 400, true]);
      }
    });
  });

  describe('VPC and subnet attributes (the VPC tutorial\'s and Terraform\'s aws_vpc and aws_subnet calls)', () => {
    it("Describe/ModifyVpcAttribute: EC2's defaults, one attribute per request, hostnames only with DNS support; another tenant's VPC is missing", async () => {
      const erin = await ec2Tenant(t, 'erin');
      const erinEc2 = ec2Client(t, erin);
      try {
        const [defaultVpc] = (await erinEc2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
        const vpc = (await erinEc2.send(new CreateVpcCommand({ CidrBlock: '10.11.0.0/16' }))).Vpc!;
        const attribute = async (vpcId: string, name: VpcAttributeName) => {
          const r = await erinEc2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: name }));
          expect(r.VpcId).toBe(vpcId);
          return { enableDnsSupport: r.EnableDnsSupport, enableDnsHostnames: r.EnableDnsHostnames, enableNetworkAddressUsageMetrics: r.EnableNetworkAddressUsageMetrics }[name]!.Value;
        };
        const all = async (vpcId: string) => [await attribute(vpcId, 'enableDnsSupport'), await attribute(vpcId, 'enableDnsHostnames'), await attribute(vpcId, 'enableNetworkAddressUsageMetrics')];
        // The VPC User Guide: a default VPC resolves and names; a VPC you create resolves only.
        expect(await all(defaultVpc.VpcId!)).toEqual([true, true, false]);
        expect(await all(vpc.VpcId!)).toEqual([true, false, false]);

        const both = await failure(erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } })));
        expect([both.name, both.message]).toEqual(['InvalidParameterCombination', 'Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames']);
        expect(await codeOf(erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId })))).toBe('MissingParameter');
        expect(await codeOf(erinEc2.send(new DescribeVpcAttributeCommand({ VpcId: vpc.VpcId, Attribute: 'enableDnsResolution' as VpcAttributeName })))).toBe('InvalidParameterValue');

        await erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsSupport: { Value: false } }));
        expect(await codeOf(erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } })))).toBe('InvalidParameterValue');
        expect(await all(vpc.VpcId!)).toEqual([false, false, false]);
        await erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsSupport: { Value: true } }));
        await erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } }));
        await erinEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableNetworkAddressUsageMetrics: { Value: true } }));
        expect(await all(vpc.VpcId!)).toEqual([true, true, true]);
        // Stored in the VPC's row.
        const repo = t.app.get(NetworkingRepository);
        expect(await repo.findVpc(repo.reader, erin.tenantId, vpc.VpcId!)).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true, enableNetworkAddressUsageMetrics: true });

        // Alice's VPC is Erin's missing VPC, for both actions.
        const v = vpc.VpcId!;
        expect(await same(
          () => ec2.send(new DescribeVpcAttributeCommand({ VpcId: v, Attribute: 'enableDnsSupport' })), () => ec2.send(new DescribeVpcAttributeCommand({ VpcId: missing(v), Attribute: 'enableDnsSupport' })), v,
        )).toBe('InvalidVpcID.NotFound');
        expect(await same(
          () => ec2.send(new ModifyVpcAttributeCommand({ VpcId: v, EnableDnsSupport: { Value: false } })), () => ec2.send(new ModifyVpcAttributeCommand({ VpcId: missing(v), EnableDnsSupport: { Value: false } })), v,
        )).toBe('InvalidVpcID.NotFound');
        expect(await all(vpc.VpcId!)).toEqual([true, true, true]);
      } finally {
        erinEc2.destroy();
      }
    });

    it('MapPublicIpOnLaunch decides the next launches\' public address (default subnets too); DNS hostnames decide every public DNS name in the VPC, at once', async () => {
      const fay = await ec2Tenant(t, 'fay');
      const fayEc2 = ec2Client(t, fay);
      const run = async (extra: Partial<RunInstancesCommandInput>) => (await fayEc2.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, ...extra }))).Instances![0];
      const describe = async (id: string) => (await fayEc2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
      const ec2Name = (ip: string) => `ec2-${ip.replaceAll('.', '-')}.compute-1.amazonaws.com`;
      try {
        const vpc = (await fayEc2.send(new CreateVpcCommand({ CidrBlock: '10.12.0.0/16' }))).Vpc!;
        const subnet = (await fayEc2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.12.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
        expect(subnet.MapPublicIpOnLaunch).toBe(false);
        // A launch before: no public address (and what the launch reads of the VPC is remembered).
        const before = await run({ SubnetId: subnet.SubnetId });
        expect(before.PublicIpAddress).toBeUndefined();

        await fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
        expect((await fayEc2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))).Subnets![0].MapPublicIpOnLaunch).toBe(true);
        const mapped = await run({ SubnetId: subnet.SubnetId });
        expect(mapped.PublicIpAddress).toMatch(/^3\./);
        // Hostnames off (CreateVpc's default): a public address, no public DNS name; the private name stays.
        expect(mapped.PublicDnsName).toBe('');
        expect(mapped.PrivateDnsName).toBe('ip-10-12-1-5.ec2.internal');
        expect(mapped.NetworkInterfaces![0].Association).toMatchObject({ PublicIp: mapped.PublicIpAddress, PublicDnsName: '' });
        expect((await describe(mapped.InstanceId!)).PublicDnsName).toBe('');
        const eni = async () => (await fayEc2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [mapped.NetworkInterfaces![0].NetworkInterfaceId!] }))).NetworkInterfaces![0];
        expect((await eni()).Association).toMatchObject({ PublicIp: mapped.PublicIpAddress, PublicDnsName: '' });
        // The instance the subnet did not map still has no public address.
        expect((await describe(before.InstanceId!)).PublicIpAddress).toBeUndefined();

        // Hostnames on: the running instance's name shows at once, in every view and in the dns-name filter; a new launch's answer has its own.
        await fayEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsHostnames: { Value: true } }));
        const named = await describe(mapped.InstanceId!);
        expect(named.PublicDnsName).toBe(ec2Name(mapped.PublicIpAddress!));
        expect(named.NetworkInterfaces![0].Association!.PublicDnsName).toBe(ec2Name(mapped.PublicIpAddress!));
        expect((await eni()).Association!.PublicDnsName).toBe(ec2Name(mapped.PublicIpAddress!));
        const byName = await fayEc2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'dns-name', Values: [ec2Name(mapped.PublicIpAddress!)] }] }));
        expect(byName.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId))).toEqual([mapped.InstanceId]);
        const after = await run({ SubnetId: subnet.SubnetId });
        expect(after.PublicDnsName).toBe(ec2Name(after.PublicIpAddress!));
        // DNS support off: no public names again, though hostnames stay on.
        await fayEc2.send(new ModifyVpcAttributeCommand({ VpcId: vpc.VpcId, EnableDnsSupport: { Value: false } }));
        expect((await describe(after.InstanceId!)).PublicDnsName).toBe('');
        expect((await run({ SubnetId: subnet.SubnetId })).PublicDnsName).toBe('');

        // Mapping off again: the next launch gets none; those running keep theirs.
        await fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, MapPublicIpOnLaunch: { Value: false } }));
        expect((await run({ SubnetId: subnet.SubnetId })).PublicIpAddress).toBeUndefined();
        expect((await describe(after.InstanceId!)).PublicIpAddress).toBe(after.PublicIpAddress);

        // A default subnet, which launches without a subnet use (and remember): off, then on again.
        const inB = await run({ Placement: { AvailabilityZone: 'us-east-1b' } });
        expect(inB.PublicDnsName).toBe(ec2Name(inB.PublicIpAddress!));
        await fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: inB.SubnetId, MapPublicIpOnLaunch: { Value: false } }));
        expect((await run({ Placement: { AvailabilityZone: 'us-east-1b' } })).PublicIpAddress).toBeUndefined();
        // AssociatePublicIpAddress still overrides the subnet, as on EC2.
        const asked = await run({ NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: inB.SubnetId, AssociatePublicIpAddress: true }] });
        expect(asked.PublicIpAddress).toMatch(/^3\./);
        await fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: inB.SubnetId, MapPublicIpOnLaunch: { Value: true } }));
        expect((await run({ Placement: { AvailabilityZone: 'us-east-1b' } })).PublicIpAddress).toMatch(/^3\./);

        // One attribute, the supported one; another tenant's subnet is a missing one.
        const ipv6 = await failure(fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, AssignIpv6AddressOnCreation: { Value: true } })));
        expect([ipv6.name, ipv6.message]).toEqual(['UnsupportedOperation', 'Nimbus does not support the parameter AssignIpv6AddressOnCreation.']);
        expect(await codeOf(fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId, MapPublicIpOnLaunch: { Value: true }, EnableDns64: { Value: true } })))).toBe('InvalidParameterCombination');
        expect(await codeOf(fayEc2.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.SubnetId })))).toBe('MissingParameter');
        const sub = subnet.SubnetId!;
        expect(await same(
          () => ec2.send(new ModifySubnetAttributeCommand({ SubnetId: sub, MapPublicIpOnLaunch: { Value: true } })), () => ec2.send(new ModifySubnetAttributeCommand({ SubnetId: missing(sub), MapPublicIpOnLaunch: { Value: true } })), sub,
        )).toBe('InvalidSubnetID.NotFound');
        expect((await fayEc2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] }))).Subnets![0].MapPublicIpOnLaunch).toBe(false);
      } finally {
        fayEc2.destroy();
      }
    });
  });

  describe("internet gateways and route tables (the VPC tutorial's, and Terraform's aws_vpc, aws_internet_gateway and aws_route_table)", () => {
    it('a default VPC has an attached internet gateway, a main table routing 0.0.0.0/0 to it and its default network ACL; a created VPC a main table with its local route only', async () => {
      const hal = await ec2Tenant(t, 'hal');
      const halEc2 = ec2Client(t, hal);
      try {
        const [defaultVpc] = (await halEc2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
        const gateways = (await halEc2.send(new DescribeInternetGatewaysCommand({}))).InternetGateways!;
        expect(gateways).toEqual([{ InternetGatewayId: expect.stringMatching(/^igw-[0-9a-f]{17}$/), OwnerId: hal.accountId, Attachments: [{ VpcId: defaultVpc.VpcId, State: 'available' }], Tags: [] }]);
        const [main] = (await halEc2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [defaultVpc.VpcId!] }] }))).RouteTables!;
        expect(main.Routes).toEqual([
          { DestinationCidrBlock: '172.31.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' },
          { DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateways[0].InternetGatewayId, State: 'active', Origin: 'CreateRouteTable' },
        ]);
        expect(main.Associations).toEqual([{ RouteTableAssociationId: expect.stringMatching(/^rtbassoc-/), RouteTableId: main.RouteTableId, Main: true, AssociationState: { State: 'associated' } }]);
        expect(main.OwnerId).toBe(hal.accountId);
        // The documented filters on targets and associations Nimbus does not simulate are taken, and match none.
        for (const Name of ['association.gateway-id', 'route.instance-id', 'route.nat-gateway-id', 'route.vpc-peering-connection-id', 'route.destination-ipv6-cidr-block']) {
          expect((await halEc2.send(new DescribeRouteTablesCommand({ Filters: [{ Name, Values: ['*'] }] }))).RouteTables).toEqual([]);
        }

        // Its default network ACL (what Terraform's aws_vpc reads): rule 100 allows all, the catch-all denies the rest, every default subnet associated.
        const acls = (await halEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'default', Values: ['true'] }, { Name: 'vpc-id', Values: [defaultVpc.VpcId!] }] }))).NetworkAcls!;
        expect(acls).toHaveLength(1);
        expect(acls[0]).toMatchObject({ NetworkAclId: expect.stringMatching(/^acl-[0-9a-f]{17}$/), VpcId: defaultVpc.VpcId, IsDefault: true, OwnerId: hal.accountId });
        expect(acls[0].Entries!.map((e) => [e.Egress, e.RuleNumber, e.Protocol, e.RuleAction, e.CidrBlock])).toEqual([
          [true, 100, '-1', 'allow', '0.0.0.0/0'], [true, 32767, '-1', 'deny', '0.0.0.0/0'], [false, 100, '-1', 'allow', '0.0.0.0/0'], [false, 32767, '-1', 'deny', '0.0.0.0/0'],
        ]);
        const defaultSubnets = (await halEc2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [defaultVpc.VpcId!] }] }))).Subnets!.map((x) => x.SubnetId).sort();
        expect(acls[0].Associations!.map((a) => a.SubnetId).sort()).toEqual(defaultSubnets);
        for (const Name of ['entry.port-range.from', 'entry.port-range.to', 'entry.icmp.code', 'entry.icmp.type', 'entry.ipv6-cidr']) {
          expect((await halEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name, Values: ['*'] }] }))).NetworkAcls).toEqual([]);
        }
        expect(acls[0].Associations!.every((a) => /^aclassoc-[0-9a-f]{17}$/.test(a.NetworkAclAssociationId!) && a.NetworkAclId === acls[0].NetworkAclId)).toBe(true);
        // The same ids on every call; by a subnet; another tenant's is a missing one; a malformed one is Malformed.
        const byId = (await halEc2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acls[0].NetworkAclId!] }))).NetworkAcls!;
        expect(byId).toEqual(acls);
        expect((await halEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [defaultSubnets[0]!] }] }))).NetworkAcls!.map((x) => x.NetworkAclId)).toEqual([acls[0].NetworkAclId]);
        const n = acls[0].NetworkAclId!;
        expect(await same(() => bobEc2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [n] })), () => bobEc2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [missing(n)] })), n)).toBe('InvalidNetworkAclID.NotFound');
        expect(await codeOf(halEc2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: ['acl-xyz'] })))).toBe('InvalidNetworkAclID.Malformed');

        const vpc = (await halEc2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!;
        const ownAcl = (await halEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }] }))).NetworkAcls!;
        expect(ownAcl.map((x) => [x.IsDefault, x.Associations])).toEqual([[true, []]]);
        const tables = (await halEc2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables!;
        expect(tables.map((x) => x.Routes)).toEqual([[{ DestinationCidrBlock: '10.40.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' }]]);
        expect((await halEc2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpc.VpcId!] }] }))).InternetGateways).toEqual([]);
        // A network ACL takes tags as EC2's do (CreateTags, DeleteTags, DescribeTags, its tagSet and tag filters); another tenant's id is a missing one.
        const aclId = ownAcl[0].NetworkAclId!;
        await halEc2.send(new CreateTagsCommand({ Resources: [aclId, n], Tags: [{ Key: 'Name', Value: 'edge' }] }));
        const tagged = async (Name: string, Values: string[]) => (await halEc2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name, Values }] }))).NetworkAcls!.map((x) => x.NetworkAclId).sort();
        expect(await tagged('tag:Name', ['edge'])).toEqual([aclId, n].sort());
        expect(await tagged('tag-key', ['Name'])).toEqual([aclId, n].sort());
        expect((await halEc2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls![0].Tags).toEqual([{ Key: 'Name', Value: 'edge' }]);
        const aclTags = async (id: string) => (await halEc2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }))).Tags!.map((x) => [x.ResourceType, x.Key, x.Value]);
        expect(await aclTags(aclId)).toEqual([['network-acl', 'Name', 'edge']]);
        await halEc2.send(new DeleteTagsCommand({ Resources: [n], Tags: [{ Key: 'Name' }] }));
        expect(await aclTags(n)).toEqual([]);
        expect(await same(() => bobEc2.send(new CreateTagsCommand({ Resources: [aclId], Tags: [{ Key: 'x', Value: 'y' }] })),
          () => bobEc2.send(new CreateTagsCommand({ Resources: [missing(aclId)], Tags: [{ Key: 'x', Value: 'y' }] })), aclId)).toBe('InvalidNetworkAclID.NotFound');
        // The main table, and the default network ACL's tags, go with their VPC.
        await halEc2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId }));
        expect(await codeOf(halEc2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tables[0].RouteTableId!] })))).toBe('InvalidRouteTableID.NotFound');
        expect(await aclTags(aclId)).toEqual([]);
      } finally {
        halEc2.destroy();
      }
    });

    it('the tutorial: a gateway attached, a table with a route to it associated with a subnet; EC2\'s rules and errors at each step, and the way back', async () => {
      const ivy = await ec2Tenant(t, 'ivy');
      const ivyEc2 = ec2Client(t, ivy);
      const send = ivyEc2.send.bind(ivyEc2) as EC2Client['send'];
      try {
        const vpc = (await send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!;
        const subnet = (await send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
        const other = (await send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }))).Vpc!;
        const otherSubnet = (await send(new CreateSubnetCommand({ VpcId: other.VpcId, CidrBlock: '10.51.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;

        const igw = (await send(new CreateInternetGatewayCommand({ TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'tutorial' }] }] }))).InternetGateway!;
        expect(igw).toMatchObject({ Attachments: [], Tags: [{ Key: 'Name', Value: 'tutorial' }] });
        const spare = (await send(new CreateInternetGatewayCommand({}))).InternetGateway!;
        await send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId }));
        expect(await codeOf(send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: other.VpcId })))).toBe('Resource.AlreadyAssociated');
        expect(await codeOf(send(new AttachInternetGatewayCommand({ InternetGatewayId: spare.InternetGatewayId, VpcId: vpc.VpcId })))).toBe('InvalidParameterValue');
        expect(await codeOf(send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId })))).toBe('DependencyViolation');
        expect(await codeOf(send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: other.VpcId })))).toBe('Gateway.NotAttached');

        const table = (await send(new CreateRouteTableCommand({ VpcId: vpc.VpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: 'public' }] }] }))).RouteTable!;
        expect(table).toMatchObject({ VpcId: vpc.VpcId, Associations: [], Tags: [{ Key: 'Name', Value: 'public' }], Routes: [{ DestinationCidrBlock: '10.50.0.0/16', GatewayId: 'local', State: 'active' }] });
        const rt = table.RouteTableId!;
        await send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId }));
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw.InternetGatewayId })))).toBe('RouteAlreadyExists');
        // Inside the VPC's block (the local route's), not a block, another target (not simulated), a gateway not attached to this VPC.
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '10.50.1.0/24', GatewayId: igw.InternetGatewayId })))).toBe('InvalidParameterValue');
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '192.168.0.1/16', GatewayId: igw.InternetGatewayId })))).toBe('InvalidParameterValue');
        // A NAT gateway target is supported (test/ec2/nat-gateways.e2e-spec.ts): a missing one is EC2's NotFound; an instance target is not supported.
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '192.168.0.0/16', NatGatewayId: 'nat-0123456789abcdef0' })))).toBe('InvalidNatGatewayID.NotFound');
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '192.168.0.0/16', InstanceId: 'i-0123456789abcdef0' })))).toBe('UnsupportedOperation');
        expect(await codeOf(send(new CreateRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '192.168.0.0/16', GatewayId: spare.InternetGatewayId })))).toBe('InvalidParameterValue');

        const association = await send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: subnet.SubnetId }));
        expect(association).toMatchObject({ AssociationId: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/), AssociationState: { State: 'associated' } });
        expect(await codeOf(send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: subnet.SubnetId })))).toBe('Resource.AlreadyAssociated');
        expect(await codeOf(send(new AssociateRouteTableCommand({ RouteTableId: rt, SubnetId: otherSubnet.SubnetId })))).toBe('InvalidParameterValue');
        const bySubnet = (await send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet.SubnetId!] }] }))).RouteTables!;
        expect(bySubnet.map((x) => [x.RouteTableId, x.Associations])).toEqual([[rt, [{ RouteTableAssociationId: association.AssociationId, RouteTableId: rt, SubnetId: subnet.SubnetId, Main: false, AssociationState: { State: 'associated' } }]]]);
        const byGateway = (await send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.gateway-id', Values: [igw.InternetGatewayId!] }] }))).RouteTables!;
        expect(byGateway.map((x) => x.RouteTableId)).toEqual([rt]);
        // Deleting: not while associated, never the main table, never the main association.
        expect(await codeOf(send(new DeleteRouteTableCommand({ RouteTableId: rt })))).toBe('DependencyViolation');
        const [main] = (await send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc.VpcId!] }, { Name: 'association.main', Values: ['true'] }] }))).RouteTables!;
        expect(await codeOf(send(new DeleteRouteTableCommand({ RouteTableId: main.RouteTableId })))).toBe('DependencyViolation');
        expect(await codeOf(send(new DisassociateRouteTableCommand({ AssociationId: main.Associations![0].RouteTableAssociationId })))).toBe('InvalidParameterValue');
        // A VPC with its gateway attached, or a table of its own, cannot be deleted.
        const empty = (await send(new CreateVpcCommand({ CidrBlock: '10.52.0.0/16' }))).Vpc!;
        const own = (await send(new CreateRouteTableCommand({ VpcId: empty.VpcId }))).RouteTable!;
        expect(await codeOf(send(new DeleteVpcCommand({ VpcId: empty.VpcId })))).toBe('DependencyViolation');
        await send(new DeleteRouteTableCommand({ RouteTableId: own.RouteTableId }));
        await send(new DeleteVpcCommand({ VpcId: empty.VpcId }));

        // An instance with a public address in the VPC: the gateway stays attached until it is gone (EC2: unmap them first).
        const running = (await send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.SubnetId, AssociatePublicIpAddress: true }] }))).Instances![0];
        expect(running.PublicIpAddress).toMatch(/^3\./);
        const detach = await failure(send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId })));
        expect([detach.name, detach.message]).toEqual(['DependencyViolation', `Network ${vpc.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`]);
        await send(new TerminateInstancesCommand({ InstanceIds: [running.InstanceId!] }));
        await t.advance(120);
        await send(new DetachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId, VpcId: vpc.VpcId }));
        const routesOf = async () => (await send(new DescribeRouteTablesCommand({ RouteTableIds: [rt] }))).RouteTables![0].Routes!.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.State, r.Origin]);
        expect(await routesOf()).toEqual([['10.50.0.0/16', 'local', 'active', 'CreateRouteTable'], ['0.0.0.0/0', igw.InternetGatewayId, 'blackhole', 'CreateRoute']]);
        // Another gateway attached, the route replaced to it: active again.
        await send(new AttachInternetGatewayCommand({ InternetGatewayId: spare.InternetGatewayId, VpcId: vpc.VpcId }));
        await send(new ReplaceRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0', GatewayId: spare.InternetGatewayId }));
        expect(await routesOf()).toEqual([['10.50.0.0/16', 'local', 'active', 'CreateRouteTable'], ['0.0.0.0/0', spare.InternetGatewayId, 'active', 'CreateRoute']]);
        expect(await codeOf(send(new ReplaceRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '8.8.8.0/24', GatewayId: spare.InternetGatewayId })))).toBe('InvalidRoute.NotFound');
        expect(await codeOf(send(new DeleteRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '10.50.0.0/16' })))).toBe('InvalidParameterValue');
        await send(new DeleteRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0' }));
        expect(await codeOf(send(new DeleteRouteCommand({ RouteTableId: rt, DestinationCidrBlock: '0.0.0.0/0' })))).toBe('InvalidRoute.NotFound');
        await send(new DisassociateRouteTableCommand({ AssociationId: association.AssociationId }));
        expect(await codeOf(send(new DisassociateRouteTableCommand({ AssociationId: association.AssociationId })))).toBe('InvalidAssociationID.NotFound');
        await send(new DeleteRouteTableCommand({ RouteTableId: rt }));
        await send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId }));
        expect(await codeOf(send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igw.InternetGatewayId!] })))).toBe('InvalidInternetGatewayID.NotFound');

        // A subnet's association goes with the subnet.
        const again = (await send(new CreateRouteTableCommand({ VpcId: vpc.VpcId }))).RouteTable!;
        await send(new AssociateRouteTableCommand({ RouteTableId: again.RouteTableId, SubnetId: subnet.SubnetId }));
        await send(new DeleteSubnetCommand({ SubnetId: subnet.SubnetId }));
        expect((await send(new DescribeRouteTablesCommand({ RouteTableIds: [again.RouteTableId!] }))).RouteTables![0].Associations).toEqual([]);
        await send(new DeleteRouteTableCommand({ RouteTableId: again.RouteTableId }));
      } finally {
        ivyEc2.destroy();
      }
    });

    it("tags, the paginator, and another tenant's gateway, table and association answer exactly as missing ones", async () => {
      const jo = await ec2Tenant(t, 'jo');
      const joEc2 = ec2Client(t, jo);
      try {
        const vpc = (await joEc2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }))).Vpc!;
        const subnet = (await joEc2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.60.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
        const igw = (await joEc2.send(new CreateInternetGatewayCommand({}))).InternetGateway!;
        const made: string[] = [];
        for (let i = 0; i < 6; i++) made.push((await joEc2.send(new CreateRouteTableCommand({ VpcId: vpc.VpcId }))).RouteTable!.RouteTableId!);
        // A retry with the same client token answers the table it made; the token for another VPC is a mismatch.
        const token = 'retry-me-1';
        const first = (await joEc2.send(new CreateRouteTableCommand({ VpcId: vpc.VpcId, ClientToken: token }))).RouteTable!;
        expect((await joEc2.send(new CreateRouteTableCommand({ VpcId: vpc.VpcId, ClientToken: token }))).RouteTable!.RouteTableId).toBe(first.RouteTableId);
        const [defaultVpc] = (await joEc2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs!;
        expect(await codeOf(joEc2.send(new CreateRouteTableCommand({ VpcId: defaultVpc.VpcId, ClientToken: token })))).toBe('IdempotentParameterMismatch');
        await joEc2.send(new DeleteRouteTableCommand({ RouteTableId: first.RouteTableId }));
        const association = await joEc2.send(new AssociateRouteTableCommand({ RouteTableId: made[0], SubnetId: subnet.SubnetId }));
        await joEc2.send(new CreateTagsCommand({ Resources: [igw.InternetGatewayId!, made[1]], Tags: [{ Key: 'team', Value: 'net' }] }));
        const tagged = (await joEc2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['team'] }] }))).Tags!;
        expect(tagged.map((x) => [x.ResourceId, x.ResourceType]).sort()).toEqual([[igw.InternetGatewayId, 'internet-gateway'], [made[1], 'route-table']].sort());
        expect((await joEc2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'tag:team', Values: ['net'] }] }))).RouteTables!.map((x) => x.RouteTableId)).toEqual([made[1]]);
        // Every table, the default VPC's and this VPC's main ones included, over pages of 5.
        const seen: string[] = [];
        for await (const page of paginateDescribeRouteTables({ client: joEc2, pageSize: 5 }, {})) {
          expect(page.RouteTables!.length).toBeLessThanOrEqual(5);
          seen.push(...page.RouteTables!.map((x) => x.RouteTableId!));
        }
        expect(seen).toHaveLength(8);
        expect(seen).toEqual(expect.arrayContaining(made));

        const g = igw.InternetGatewayId!;
        expect(await same(() => bobEc2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [g] })), () => bobEc2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [missing(g)] })), g)).toBe('InvalidInternetGatewayID.NotFound');
        expect(await same(() => bobEc2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: g })), () => bobEc2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: missing(g) })), g)).toBe('InvalidInternetGatewayID.NotFound');
        expect(await same(() => bobEc2.send(new DescribeRouteTablesCommand({ RouteTableIds: [made[2]] })), () => bobEc2.send(new DescribeRouteTablesCommand({ RouteTableIds: [missing(made[2])] })), made[2])).toBe('InvalidRouteTableID.NotFound');
        expect(await same(() => bobEc2.send(new DeleteRouteTableCommand({ RouteTableId: made[2] })), () => bobEc2.send(new DeleteRouteTableCommand({ RouteTableId: missing(made[2]) })), made[2])).toBe('InvalidRouteTableID.NotFound');
        const a = association.AssociationId!;
        expect(await same(() => bobEc2.send(new DisassociateRouteTableCommand({ AssociationId: a })), () => bobEc2.send(new DisassociateRouteTableCommand({ AssociationId: missing(a) })), a)).toBe('InvalidAssociationID.NotFound');
        expect(await codeOf(bobEc2.send(new CreateTagsCommand({ Resources: [g], Tags: [{ Key: 'x', Value: 'y' }] })))).toBe('InvalidInternetGatewayID.NotFound');
        expect(await codeOf(joEc2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-xyz'] })))).toBe('InvalidRouteTableID.Malformed');
        expect((await bobEc2.send(new DescribeRouteTablesCommand({}))).RouteTables!.map((x) => x.RouteTableId)).not.toEqual(expect.arrayContaining([made[0]]));
        // Jo's own still answer.
        expect((await joEc2.send(new DescribeRouteTablesCommand({ RouteTableIds: [made[0]] }))).RouteTables![0].Associations![0].SubnetId).toBe(subnet.SubnetId);
      } finally {
        joEc2.destroy();
      }
    });
  });

  describe('key pairs', () => {
    it('CreateKeyPair returns the private key once, fingerprinted as EC2 does; RSA and ED25519', async () => {
      const rsa = await ec2.send(new CreateKeyPairCommand({ KeyName: 'deploy' }));
      const der = createPrivateKey(rsa.KeyMaterial!).export({ type: 'pkcs8', format: 'der' });
      expect(rsa.KeyFingerprint).toBe(createHash('sha1').update(der).digest('hex').match(/../g)!.join(':'));
      expect(rsa.KeyPairId).toMatch(/^key-[0-9a-f]{17}$/);
      const ed = await ec2.send(new CreateKeyPairCommand({ KeyName: 'ed', KeyType: 'ed25519' }));
      expect(ed.KeyMaterial).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
      expect(await codeOf(ec2.send(new CreateKeyPairCommand({ KeyName: 'deploy' })))).toBe('InvalidKeyPair.Duplicate');
      const listed = (await ec2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))).KeyPairs!;
      expect(listed.map((k) => [k.KeyName, k.KeyType, k.KeyFingerprint])).toEqual([['deploy', 'rsa', rsa.KeyFingerprint], ['ed', 'ed25519', ed.KeyFingerprint]]);
      expect(listed[0].PublicKey).toMatch(/^ssh-rsa AAAA/);
      expect(listed[0]).not.toHaveProperty('KeyMaterial');
    });

    it('ImportKeyPair computes the fingerprint of a known key; Describe by a missing name is NotFound; Delete is idempotent', async () => {
      const imported = await ec2.send(new ImportKeyPairCommand({ KeyName: 'laptop', PublicKeyMaterial: Buffer.from(ED25519_PUBLIC) }));
      expect(imported.KeyFingerprint).toBe(ED25519_FINGERPRINT);
      expect(await codeOf(ec2.send(new ImportKeyPairCommand({ KeyName: 'bad', PublicKeyMaterial: Buffer.from('not a key') })))).toBe('InvalidKey.Format');
      expect(await codeOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['nope'] })))).toBe('InvalidKeyPair.NotFound');
      const byFilter = await ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'fingerprint', Values: [ED25519_FINGERPRINT] }] }));
      expect(byFilter.KeyPairs!.map((k) => k.KeyName)).toEqual(['laptop']);
      await ec2.send(new DeleteKeyPairCommand({ KeyName: 'laptop' }));
      expect((await ec2.send(new DeleteKeyPairCommand({ KeyName: 'laptop' }))).Return).toBe(true);
      expect(await codeOf(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['laptop'] })))).toBe('InvalidKeyPair.NotFound');
    });

    it("a launch's KeyName must name an existing key pair, and the instance shows it", async () => {
      expectError(await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', keyName: 'missing' }), 404, 'InvalidKeyPair.NotFound');
      const res = await t.as(alice.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', keyName: 'deploy' }).expect(201);
      expect(res.body.instances[0].keyName).toBe('deploy');
    });
  });

  describe('tags (the methods CreateTags, DeleteTags and DescribeTags call)', () => {
    it('put, remove (by key, or key and value) and list the tags of networking resources, the tenant\'s only', async () => {
      const networking = t.app.get(NetworkingService);
      const engine = t.app.get(EngineService);
      const tenantOf = async (id: string) => (await t.app.get(TenantsRepository).findById(t.app.get(TenantsRepository).reader, id))!;
      const [alicesTenant, bobsTenant] = [await tenantOf(alice.tenantId), await tenantOf(bob.tenantId)];
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'team', Value: 'net' }] }] }))).Vpc!;
      await engine.command((tx) => networking.putTags(tx, alice.tenantId, vpc.VpcId!, { Name: 'six', env: 'test' }));
      expect((await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['six'] }] }))).Vpcs!.map((v) => v.VpcId)).toEqual([vpc.VpcId]);
      await engine.command((tx) => networking.removeTags(tx, alice.tenantId, vpc.VpcId!, [{ key: 'env', value: 'other' }, { key: 'team' }]));
      const rows = (await networking.tagRows(alicesTenant)).filter((r) => r.resourceId === vpc.VpcId);
      expect(rows).toEqual([{ resourceId: vpc.VpcId, resourceType: 'vpc', key: 'Name', value: 'six' }, { resourceId: vpc.VpcId, resourceType: 'vpc', key: 'env', value: 'test' }]);
      await expect(engine.command((tx) => networking.putTags(tx, bob.tenantId, vpc.VpcId!, { x: 'y' }))).rejects.toMatchObject({ code: 'InvalidVpcID.NotFound' });
      expect((await networking.tagRows(bobsTenant)).some((r) => r.resourceId === vpc.VpcId)).toBe(false);
      expect(await networking.defaultVpcId(alicesTenant)).toMatch(/^vpc-/);

      // Through CreateTags, DescribeTags and DeleteTags (TagsService reaches the networking resources).
      const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'tagged', Description: 'tags' }));
      await ec2.send(new CreateTagsCommand({ Resources: [vpc.VpcId!, sg.GroupId!], Tags: [{ Key: 'owner', Value: 'alice' }] }));
      const described = await ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['owner'] }] }));
      expect(described.Tags!.map((x) => [x.ResourceId, x.ResourceType, x.Value]).sort()).toEqual([[sg.GroupId, 'security-group', 'alice'], [vpc.VpcId, 'vpc', 'alice']].sort());
      await ec2.send(new DeleteTagsCommand({ Resources: [sg.GroupId!], Tags: [{ Key: 'owner' }] }));
      expect((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg.GroupId!] }))).SecurityGroups![0].Tags).toEqual([]);
      expect(await codeOf(bobEc2.send(new CreateTagsCommand({ Resources: [vpc.VpcId!], Tags: [{ Key: 'x', Value: 'y' }] })))).toBe('InvalidVpcID.NotFound');
    });

    it("a launch's TagSpecification with ResourceType=network-interface tags each interface it creates, not an existing one it attaches", async () => {
      const dave = await ec2Tenant(t, 'dave');
      const c = ec2Client(t, dave);
      const vpc = (await c.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc!;
      const subnet = (await c.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
      const spare = (await c.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId }))).NetworkInterface!;
      const tagSpecs = [{ ResourceType: 'network-interface' as const, Tags: [{ Key: 'team', Value: 'net' }, { Key: 'Name', Value: 'web-eni' }] }, { ResourceType: 'instance' as const, Tags: [{ Key: 'Name', Value: 'web' }] }];
      // Two instances in the default subnet: two interfaces, both tagged.
      const two = await c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 2, MaxCount: 2, TagSpecifications: tagSpecs }));
      const created = two.Instances!.map((i) => i.NetworkInterfaces![0].NetworkInterfaceId!);
      // A new interface and an existing one: only the new one is tagged.
      const mixed = await c.send(new RunInstancesCommand({
        ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, TagSpecifications: tagSpecs,
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet.SubnetId }, { DeviceIndex: 1, NetworkInterfaceId: spare.NetworkInterfaceId }],
      }));
      const primary = mixed.Instances![0].NetworkInterfaces!.find((n) => n.Attachment!.DeviceIndex === 0)!.NetworkInterfaceId!;
      const enis = (await c.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:team', Values: ['net'] }] }))).NetworkInterfaces!;
      expect(enis.map((n) => n.NetworkInterfaceId).sort()).toEqual([...created, primary].sort());
      for (const n of enis) expect(n.TagSet).toEqual([{ Key: 'Name', Value: 'web-eni' }, { Key: 'team', Value: 'net' }]);
      const listed = (await c.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-type', Values: ['network-interface'] }] }))).Tags!;
      expect(listed.map((x) => x.ResourceId).sort()).toEqual([...created, ...created, primary, primary].sort());
      // The instance's own tags stay the instance's.
      expect(two.Instances![0].Tags).toEqual([{ Key: 'Name', Value: 'web' }]);
      // EC2's tag rules hold here too: 51 is TagLimitExceeded, and nothing is launched.
      const before = (await c.send(new DescribeInstancesCommand({}))).Reservations!.length;
      const many = Array.from({ length: 51 }, (_, n) => ({ Key: `k${n}`, Value: 'v' }));
      expect(await codeOf(c.send(new RunInstancesCommand({ ImageId: LINUX_AMI, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'network-interface', Tags: many }] })))).toBe('TagLimitExceeded');
      expect((await c.send(new DescribeInstancesCommand({}))).Reservations!.length).toBe(before);
      c.destroy();
    });
  });

  describe('isolation', () => {
    it("another tenant's VPC, subnet, group, interface and key pair answer exactly as missing ones", async () => {
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.7.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
      const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'private', Description: 'x', VpcId: vpc.VpcId }));
      const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId }))).NetworkInterface!;
      await ec2.send(new CreateKeyPairCommand({ KeyName: 'alice-only', KeyType: 'ed25519' }));
      expect(await same(() => bobEc2.send(new DescribeVpcsCommand({ VpcIds: [vpc.VpcId!] })), () => bobEc2.send(new DescribeVpcsCommand({ VpcIds: [missing(vpc.VpcId!)] })), vpc.VpcId!)).toBe('InvalidVpcID.NotFound');
      expect(await same(() => bobEc2.send(new DeleteVpcCommand({ VpcId: vpc.VpcId })), () => bobEc2.send(new DeleteVpcCommand({ VpcId: missing(vpc.VpcId!) })), vpc.VpcId!)).toBe('InvalidVpcID.NotFound');
      expect(await same(
        () => bobEc2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.7.1.0/24' })), () => bobEc2.send(new CreateSubnetCommand({ VpcId: missing(vpc.VpcId!), CidrBlock: '10.7.1.0/24' })), vpc.VpcId!,
      )).toBe('InvalidVpcID.NotFound');
      expect(await same(() => bobEc2.send(new DescribeSubnetsCommand({ SubnetIds: [subnet.SubnetId!] })), () => bobEc2.send(new DescribeSubnetsCommand({ SubnetIds: [missing(subnet.SubnetId!)] })), subnet.SubnetId!)).toBe('InvalidSubnetID.NotFound');
      expect(await same(() => bobEc2.send(new DescribeSecurityGroupsCommand({ GroupIds: [sg.GroupId!] })), () => bobEc2.send(new DescribeSecurityGroupsCommand({ GroupIds: [missing(sg.GroupId!)] })), sg.GroupId!)).toBe('InvalidGroup.NotFound');
      expect(await same(() => bobEc2.send(new DeleteSecurityGroupCommand({ GroupId: sg.GroupId })), () => bobEc2.send(new DeleteSecurityGroupCommand({ GroupId: missing(sg.GroupId!) })), sg.GroupId!)).toBe('InvalidGroup.NotFound');
      expect(await same(
        () => bobEc2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni.NetworkInterfaceId!] })),
        () => bobEc2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [missing(eni.NetworkInterfaceId!)] })), eni.NetworkInterfaceId!,
      )).toBe('InvalidNetworkInterfaceID.NotFound');
      expect(await same(
        () => bobEc2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId })),
        () => bobEc2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: missing(eni.NetworkInterfaceId!) })), eni.NetworkInterfaceId!,
      )).toBe('InvalidNetworkInterfaceID.NotFound');
      expect(await codeOf(bobEc2.send(new DescribeKeyPairsCommand({ KeyNames: ['alice-only'] })))).toBe('InvalidKeyPair.NotFound');
      // Bob's lists hold none of Alice's; a launch into her subnet or with her key is NotFound.
      expect((await bobEc2.send(new DescribeVpcsCommand({}))).Vpcs!.map((v) => v.VpcId)).not.toContain(vpc.VpcId);
      expect((await bobEc2.send(new DescribeKeyPairsCommand({}))).KeyPairs).toEqual([]);
      expectError(await t.as(bob.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', subnetId: subnet.SubnetId }), 404, 'InvalidSubnetID.NotFound');
      expectError(await t.as(bob.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', keyName: 'alice-only' }), 404, 'InvalidKeyPair.NotFound');
      // Bob may use the same names and blocks in his own account.
      await bobEc2.send(new CreateKeyPairCommand({ KeyName: 'alice-only', KeyType: 'ed25519' }));
      await bobEc2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }));
    });
  });
});
