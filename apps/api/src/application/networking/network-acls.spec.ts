import { DomainError } from '@nimbus/hypervisor';
import { aclView, CATCH_ALL_RULE, defaultAclRows, defaultAssociations, entryRow, NetworkAclEntryInput, newAclRows, requireRoomForEntry, requireRuleNumber } from './network-acls';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as DomainError).code;
  }
};

const id = (prefix: string, of: string) => `${prefix}-of-${of}`;
const vpc = { id: 'vpc-1', tenantId: 't-1' };
const allow = (over: Partial<NetworkAclEntryInput> = {}): NetworkAclEntryInput => ({ ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: false, cidrBlock: '10.0.0.0/16', ...over });

/** The facts are the VPC User Guide's ("Default network ACL": rule 100 allows all, rule * denies, inbound and outbound). */
describe('the default network ACL', () => {
  it('allows all traffic by rule 100 and denies the rest by the catch-all rule 32767, inbound and outbound, under the id derived from its VPC', () => {
    const rows = defaultAclRows(vpc, 7, id);
    expect(CATCH_ALL_RULE).toBe(32767);
    expect(rows.acl).toEqual({ id: 'acl-of-vpc-1', tenantId: 't-1', vpcId: 'vpc-1', isDefault: true, createdAt: 7 });
    expect(rows.entries.map((e) => [e.egress, e.ruleNumber, e.protocol, e.ruleAction, e.cidrBlock, e.networkAclId]).sort()).toEqual([
      [false, 100, '-1', 'allow', '0.0.0.0/0', 'acl-of-vpc-1'], [false, 32767, '-1', 'deny', '0.0.0.0/0', 'acl-of-vpc-1'],
      [true, 100, '-1', 'allow', '0.0.0.0/0', 'acl-of-vpc-1'], [true, 32767, '-1', 'deny', '0.0.0.0/0', 'acl-of-vpc-1'],
    ].sort());
  });

  it('is associated with each new subnet, each association named after its subnet', () => {
    expect(defaultAssociations([{ id: 'subnet-a', tenantId: 't-1' }, { id: 'subnet-b', tenantId: 't-1' }], 'acl-of-vpc-1', id)).toEqual([
      { id: 'aclassoc-of-subnet-a', tenantId: 't-1', networkAclId: 'acl-of-vpc-1', subnetId: 'subnet-a' },
      { id: 'aclassoc-of-subnet-b', tenantId: 't-1', networkAclId: 'acl-of-vpc-1', subnetId: 'subnet-b' },
    ]);
  });
});

describe('a new network ACL (CreateNetworkAcl)', () => {
  it('has only the two catch-all deny entries, and shows them egress first', () => {
    const rows = newAclRows('acl-2', vpc, 3);
    expect(rows.acl.isDefault).toBe(false);
    const view = aclView(rows.acl, rows.entries, [], {});
    expect(view.entries).toEqual([
      { ruleNumber: 32767, protocol: '-1', ruleAction: 'deny', egress: true, cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, protocol: '-1', ruleAction: 'deny', egress: false, cidrBlock: '0.0.0.0/0' },
    ]);
    expect(view.associations).toEqual([]);
  });
});

describe('a network ACL entry', () => {
  it('takes rule numbers 1 to 32766 only (32767 is the catch-all rule)', () => {
    expect(requireRuleNumber(1)).toBe(1);
    expect(requireRuleNumber(32766)).toBe(32766);
    for (const n of [0, -1, 32767, 65535, 1.5]) expect(codeOf(() => requireRuleNumber(n))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ ruleNumber: 32767 })))).toBe('InvalidParameterValue');
  });

  it('keeps the protocol as its number: names tcp 6, udp 17, icmp 1, all -1; numbers 0-255 as given', () => {
    const protocolOf = (protocol: string) => entryRow(allow({ protocol, portRange: { from: 1, to: 2 }, icmpTypeCode: { type: -1, code: -1 } })).protocol;
    expect(['tcp', 'udp', 'icmp', 'all', '-1', '50', '255'].map(protocolOf)).toEqual(['6', '17', '1', '-1', '-1', '50', '255']);
    for (const bad of ['256', 'ftp', '']) expect(codeOf(() => protocolOf(bad))).toBe('InvalidParameterValue');
  });

  it('needs a port range for TCP and UDP, from <= to within 0-65535', () => {
    expect(entryRow(allow({ protocol: '6', portRange: { from: 443, to: 443 } }))).toMatchObject({ protocol: '6', portFrom: 443, portTo: 443, icmpType: null });
    expect(entryRow(allow({ protocol: 'udp', portRange: { from: 1024, to: 65535 } }))).toMatchObject({ portFrom: 1024, portTo: 65535 });
    expect(codeOf(() => entryRow(allow({ protocol: '6' })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ protocol: '17', portRange: { from: 53 } })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ protocol: '6', portRange: { from: 80, to: 79 } })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ protocol: '6', portRange: { from: 0, to: 65536 } })))).toBe('InvalidParameterValue');
  });

  it('needs an ICMP type and code for ICMP, each -1 (all) or 0-255', () => {
    expect(entryRow(allow({ protocol: '1', icmpTypeCode: { type: 8, code: -1 } }))).toMatchObject({ icmpType: 8, icmpCode: -1, portFrom: null });
    expect(codeOf(() => entryRow(allow({ protocol: '1' })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ protocol: 'icmp', icmpTypeCode: { type: 8 } })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ protocol: '1', icmpTypeCode: { type: 256, code: 0 } })))).toBe('InvalidParameterValue');
  });

  it('applies other protocols to all ports: ports or ICMP given with them are not kept', () => {
    expect(entryRow(allow({ protocol: '-1', portRange: { from: 22, to: 22 }, icmpTypeCode: { type: 0, code: 0 } }))).toMatchObject({ portFrom: null, portTo: null, icmpType: null, icmpCode: null });
  });

  it('takes allow or deny, and an IPv4 block kept canonical', () => {
    expect(entryRow(allow({ cidrBlock: '100.68.0.18/18' })).cidrBlock).toBe('100.68.0.0/18');
    expect(codeOf(() => entryRow(allow({ ruleAction: 'permit' })))).toBe('InvalidParameterValue');
    expect(codeOf(() => entryRow(allow({ cidrBlock: '10.0.0.0/33' })))).toBe('InvalidParameterValue');
  });

  it('fits 20 rules a direction besides the catch-all rule: the 21st is NetworkAclEntryLimitExceeded', () => {
    // `count` is the direction's entries with the catch-all: 20 stored (19 + catch-all) leave room for one more.
    expect(codeOf(() => requireRoomForEntry(20))).toBeUndefined();
    expect(codeOf(() => requireRoomForEntry(21))).toBe('NetworkAclEntryLimitExceeded');
  });
});
