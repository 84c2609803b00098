import { CATCH_ALL_RULE, defaultNetworkAcl } from './network-acls';

/** The facts are the VPC User Guide's ("Default network ACL": rule 100 allows all, rule * denies, inbound and outbound). */
describe('the default network ACL', () => {
  const id = (prefix: string, of: string) => `${prefix}-of-${of}`;

  it('allows all traffic by rule 100 and denies the rest by the catch-all rule 32767, inbound and outbound', () => {
    const acl = defaultNetworkAcl({ id: 'vpc-1' }, [], id);
    expect(CATCH_ALL_RULE).toBe(32767);
    expect(acl.entries.map((e) => [e.egress, e.ruleNumber, e.protocol, e.ruleAction, e.cidrBlock]).sort()).toEqual([
      [false, 100, '-1', 'allow', '0.0.0.0/0'], [false, 32767, '-1', 'deny', '0.0.0.0/0'],
      [true, 100, '-1', 'allow', '0.0.0.0/0'], [true, 32767, '-1', 'deny', '0.0.0.0/0'],
    ].sort());
    expect(acl).toMatchObject({ networkAclId: 'acl-of-vpc-1', vpcId: 'vpc-1', isDefault: true, associations: [], tags: {} });
  });

  it('is associated with every subnet of its VPC, each association named after its subnet', () => {
    const acl = defaultNetworkAcl({ id: 'vpc-1' }, [{ id: 'subnet-a' }, { id: 'subnet-b' }], id);
    expect(acl.associations).toEqual([{ networkAclAssociationId: 'aclassoc-of-subnet-a', subnetId: 'subnet-a' }, { networkAclAssociationId: 'aclassoc-of-subnet-b', subnetId: 'subnet-b' }]);
  });
});
