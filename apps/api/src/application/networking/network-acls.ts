import type { SubnetEntity, VpcEntity } from '../../persistence/entities';

/** One entry of a network ACL (EC2's NetworkAclEntry). */
export interface NetworkAclEntryView {
  readonly ruleNumber: number;
  readonly protocol: string;
  readonly ruleAction: 'allow' | 'deny';
  readonly egress: boolean;
  readonly cidrBlock: string;
}

export interface NetworkAclView {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly isDefault: true;
  readonly entries: readonly NetworkAclEntryView[];
  readonly associations: readonly { readonly networkAclAssociationId: string; readonly subnetId: string }[];
  /** Its tags (CreateTags on its id; kept in network_tags, as the other networking resources' are). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The highest rule number: EC2's catch-all rule `*`, which denies what no other rule matched. */
export const CATCH_ALL_RULE = 32767;

/**
 * A VPC's default network ACL as EC2 makes it (VPC User Guide, "Default network ACL"): rule 100
 * allows all traffic from and to 0.0.0.0/0, and the catch-all rule denies the rest, both ways.
 * Nimbus has no other network ACLs, so every subnet of the VPC is associated with it, and it never
 * changes: its ids are derived from the VPC's and the subnets' (`id` names one stably), not stored.
 */
export function defaultNetworkAcl(vpc: Pick<VpcEntity, 'id'>, subnets: readonly Pick<SubnetEntity, 'id'>[], id: (prefix: string, of: string) => string): NetworkAclView {
  const entries: NetworkAclEntryView[] = [];
  for (const egress of [true, false]) {
    entries.push({ ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress, cidrBlock: '0.0.0.0/0' });
    entries.push({ ruleNumber: CATCH_ALL_RULE, protocol: '-1', ruleAction: 'deny', egress, cidrBlock: '0.0.0.0/0' });
  }
  return {
    networkAclId: id('acl', vpc.id), vpcId: vpc.id, isDefault: true, entries,
    associations: subnets.map((s) => ({ networkAclAssociationId: id('aclassoc', s.id), subnetId: s.id })), tags: {},
  };
}
