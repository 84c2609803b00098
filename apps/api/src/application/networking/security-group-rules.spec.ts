import { SecurityGroupRuleEntity } from '../../persistence/entities';
import { describeRule, expandPermissions, matchRules, normalizeProtocol, permissionOfRuleRequest, permissionsOf, portsOf, sameRule, unknownRuleError } from './security-group-rules';

const rule = (over: Partial<SecurityGroupRuleEntity>): SecurityGroupRuleEntity => ({
  id: 'sgr-1', groupId: 'sg-1', tenantId: 't', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: null,
  referencedGroupId: null, description: null, position: 1, ...over,
});

describe('security group rules', () => {
  it('names protocols as EC2 shows them: 6 is tcp, 17 udp, 1 icmp, 58 icmpv6, all is -1; other numbers stay numbers', () => {
    expect(['TCP', '6', '17', '1', '58', 'all', '-1', '50'].map(normalizeProtocol)).toEqual(['tcp', 'tcp', 'udp', 'icmp', 'icmpv6', '-1', '-1', '50']);
    for (const bad of ['256', 'http', '']) expect(() => normalizeProtocol(bad)).toThrow(expect.objectContaining({ code: 'InvalidParameterValue' }));
  });

  it('TCP and UDP need both ports in 0..65535, from ≤ to; ICMP keeps type and code (-1: all); -1 and other protocols keep none', () => {
    expect(portsOf('tcp', 80, 443)).toEqual({ fromPort: 80, toPort: 443 });
    expect(() => portsOf('tcp', 80, undefined)).toThrow();
    expect(() => portsOf('udp', 443, 80)).toThrow();
    expect(() => portsOf('tcp', 0, 65536)).toThrow();
    expect(portsOf('icmp', 8, undefined)).toEqual({ fromPort: 8, toPort: -1 });
    expect(portsOf('-1', 1, 2)).toEqual({ fromPort: null, toPort: null });
    expect(portsOf('50', undefined, undefined)).toEqual({ fromPort: null, toPort: null });
  });

  it('an IpPermission expands into one rule per peer, and needs at least one', async () => {
    const specs = await expandPermissions(false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8' }], ipv6Ranges: [{ cidrIpv6: '2001:DB8::/32' }], groupPairs: [{ groupName: 'web' }] }], async () => 'sg-web');
    expect(specs.map((s) => [s.cidrIpv4, s.cidrIpv6, s.referencedGroupId])).toEqual([['10.0.0.0/8', null, null], [null, '2001:db8::/32', null], [null, null, 'sg-web']]);
    await expect(expandPermissions(false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22 }], async () => 'x')).rejects.toMatchObject({ code: 'MissingParameter' });
    await expect(expandPermissions(false, [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/33' }] }], async () => 'x')).rejects.toMatchObject({ code: 'InvalidParameterValue' });
  });

  it('masks IPv4 ranges in the rules it expands (ingress and egress), so a range with host bits set is the same rule as its network', async () => {
    const ssh = (cidrIp: string) => ({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp }] });
    for (const egress of [false, true]) {
      const [masked] = await expandPermissions(egress, [ssh('10.0.0.1/8')], async () => 'x');
      const [network] = await expandPermissions(egress, [ssh('10.0.0.0/8')], async () => 'x');
      expect(masked.cidrIpv4).toBe('10.0.0.0/8');
      expect(sameRule(masked, network)).toBe(true);
    }
  });

  it("folds rules of one protocol and port range into one IpPermission, in the order they were first authorized", () => {
    const folded = permissionsOf([
      rule({ cidrIpv4: '10.0.0.0/8', description: 'office' }),
      rule({ ipProtocol: '-1', fromPort: null, toPort: null, referencedGroupId: 'sg-self' }),
      rule({ cidrIpv6: '::/0' }),
    ]);
    expect(folded).toEqual([
      { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'office' }], ipv6Ranges: [{ cidrIpv6: '::/0' }], groups: [] },
      { ipProtocol: '-1', ipRanges: [], ipv6Ranges: [], groups: [{ groupId: 'sg-self' }] },
    ]);
  });

  it("words a duplicate as EC2's message does", () => {
    expect(describeRule(rule({ cidrIpv4: '0.0.0.0/0' }))).toBe('peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW');
    expect(describeRule(rule({ ipProtocol: '-1', fromPort: null, toPort: null, referencedGroupId: 'sg-1' }))).toBe('peer: sg-1, ALL, ALLOW');
  });
});

describe('matching a request\'s rules to a group\'s (Revoke…, UpdateSecurityGroupRuleDescriptions…) and ModifySecurityGroupRules\' rules', () => {
  it('matches by direction, protocol, ports and peer, never by description; the others are unknown', () => {
    const ssh = rule({ id: 'sgr-ssh', cidrIpv4: '10.0.0.0/8', description: 'old' });
    const https = rule({ id: 'sgr-https', fromPort: 443, toPort: 443, cidrIpv4: '0.0.0.0/0' });
    const out = rule({ id: 'sgr-out', isEgress: true, ipProtocol: '-1', fromPort: null, toPort: null, cidrIpv4: '0.0.0.0/0' });
    const asked = [
      { ...ssh, description: 'new' }, // the same rule, another description
      { ...https, fromPort: 444, toPort: 444 }, // another port
      { ...out, isEgress: false }, // the egress rule asked as ingress
    ];
    const { found, unknown } = matchRules([ssh, https, out], asked);
    expect(found.map((f) => [f.rule.id, f.spec.description])).toEqual([['sgr-ssh', 'new']]);
    expect(unknown.map(describeRule)).toEqual(['peer: 0.0.0.0/0, TCP, from port: 444, to port: 444, ALLOW', 'peer: 0.0.0.0/0, ALL, ALLOW']);
    expect(unknownRuleError(unknown[0])).toMatchObject({ code: 'InvalidPermission.NotFound', message: 'The specified rule does not exist in this security group ("peer: 0.0.0.0/0, TCP, from port: 444, to port: 444, ALLOW").' });
  });

  it('a SecurityGroupRuleRequest is a permission of exactly one peer, its description on that peer', () => {
    expect(permissionOfRuleRequest({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', description: 'ssh' }))
      .toEqual({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '10.0.0.0/8', description: 'ssh' }] });
    expect(permissionOfRuleRequest({ ipProtocol: '-1', referencedGroupId: 'sg-1' })).toEqual({ ipProtocol: '-1', fromPort: undefined, toPort: undefined, groupPairs: [{ groupId: 'sg-1' }] });
    for (const bad of [{ ipProtocol: 'tcp' }, { ipProtocol: 'tcp', cidrIpv4: '10.0.0.0/8', cidrIpv6: '::/0' }]) {
      expect(() => permissionOfRuleRequest(bad)).toThrow(expect.objectContaining({ code: 'InvalidParameterCombination' }));
    }
  });
});
