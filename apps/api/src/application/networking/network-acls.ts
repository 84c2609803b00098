import { ApiError, invalidParameter } from '../common/api-errors';
import type { NetworkAclAssociationEntity, NetworkAclEntity, NetworkAclEntryEntity, SubnetEntity, VpcEntity } from '../../persistence/entities';
import type { NetworkAclRows } from '../../persistence/network-acls.repository';
import { ipv4Range } from './cidr';
import { normalizeProtocol, portsOf } from './security-group-rules';

/**
 * Network ACLs as EC2 keeps them (VPC User Guide, "Network ACLs", "Network ACL rules"): numbered
 * rules per direction, evaluated lowest first, ending in the catch-all rule that denies the rest.
 * Nimbus keeps them as configuration only; it does not filter the simulation's traffic with them
 * (as with security group rules).
 */

/** One entry of a network ACL (EC2's NetworkAclEntry). */
export interface NetworkAclEntryView {
  readonly ruleNumber: number;
  /** EC2's protocol number, `-1` for all. */
  readonly protocol: string;
  readonly ruleAction: 'allow' | 'deny';
  readonly egress: boolean;
  readonly cidrBlock: string;
  /** TCP and UDP rules' ports. */
  readonly portRange?: { readonly from: number; readonly to: number };
  /** ICMP rules' type and code (-1: all). */
  readonly icmpTypeCode?: { readonly type: number; readonly code: number };
}

export interface NetworkAclView {
  readonly networkAclId: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly entries: readonly NetworkAclEntryView[];
  readonly associations: readonly { readonly networkAclAssociationId: string; readonly subnetId: string }[];
  /** Its tags (CreateTags on its id; kept in network_tags, as the other networking resources' are). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The highest rule number: EC2's catch-all rule `*`, which denies what no other rule matched. */
export const CATCH_ALL_RULE = 32767;
/** The rule numbers a client may use (CreateNetworkAclEntry: "Positive integer from 1 to 32766"). */
export const MAX_RULE_NUMBER = 32766;
/** Amazon VPC quotas, "Rules per network ACL": 20 a direction, the catch-all rule not counted. */
export const RULES_PER_DIRECTION = 20;

/** Protocol numbers of the names EC2 takes (IANA's numbers; `-1` is all). */
const PROTOCOL_NUMBERS: Readonly<Record<string, string>> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };
const TCP = '6';
const UDP = '17';
const ICMP = '1';

type EntryRow = Omit<NetworkAclEntryEntity, 'networkAclId' | 'tenantId'>;

const catchAll = (egress: boolean): EntryRow => ({
  egress, ruleNumber: CATCH_ALL_RULE, protocol: '-1', ruleAction: 'deny', cidrBlock: '0.0.0.0/0', portFrom: null, portTo: null, icmpType: null, icmpCode: null,
});

function aclRows(acl: NetworkAclEntity, entries: readonly EntryRow[]): NetworkAclRows {
  return { acl, entries: entries.map((e) => ({ ...e, networkAclId: acl.id, tenantId: acl.tenantId })) };
}

/**
 * A VPC's default network ACL as EC2 makes it (VPC User Guide, "Default network ACL"): rule 100
 * allows all traffic from and to 0.0.0.0/0, and the catch-all rule denies the rest, both ways. Its
 * id is derived from the VPC's (`id`), as Nimbus showed it before ACLs were stored.
 */
export function defaultAclRows(vpc: Pick<VpcEntity, 'id' | 'tenantId'>, now: number, id: (prefix: string, of: string) => string): NetworkAclRows {
  const acl = { id: id('acl', vpc.id), tenantId: vpc.tenantId, vpcId: vpc.id, isDefault: true, createdAt: now };
  const allowAll = (egress: boolean): EntryRow => ({ ...catchAll(egress), ruleNumber: 100, ruleAction: 'allow' });
  return aclRows(acl, [allowAll(false), catchAll(false), allowAll(true), catchAll(true)]);
}

/** CreateNetworkAcl: a VPC's ACL with only the catch-all rules, denying all traffic both ways, associated with nothing. */
export function newAclRows(aclId: string, vpc: Pick<VpcEntity, 'id' | 'tenantId'>, now: number): NetworkAclRows {
  return aclRows({ id: aclId, tenantId: vpc.tenantId, vpcId: vpc.id, isDefault: false, createdAt: now }, [catchAll(false), catchAll(true)]);
}

/** New subnets' associations with their VPC's default ACL, each id derived from its subnet's, as Nimbus showed it before ACLs were stored. */
export function defaultAssociations(subnets: readonly Pick<SubnetEntity, 'id' | 'tenantId'>[], aclId: string, id: (prefix: string, of: string) => string): NetworkAclAssociationEntity[] {
  return subnets.map((s) => ({ id: id('aclassoc', s.id), tenantId: s.tenantId, networkAclId: aclId, subnetId: s.id }));
}

/** A rule number a client may create, replace or delete: 1 to 32766 (the catch-all rule is EC2's own). */
export function requireRuleNumber(ruleNumber: number): number {
  if (!Number.isInteger(ruleNumber) || ruleNumber < 1 || ruleNumber > MAX_RULE_NUMBER) {
    throw invalidParameter(`Value (${ruleNumber}) for parameter ruleNumber is invalid. Rule numbers must be from 1 to ${MAX_RULE_NUMBER}.`);
  }
  return ruleNumber;
}

/** An entry as CreateNetworkAclEntry and ReplaceNetworkAclEntry take it. */
export interface NetworkAclEntryInput {
  readonly ruleNumber: number;
  readonly protocol: string;
  readonly ruleAction: string;
  readonly egress: boolean;
  readonly cidrBlock: string;
  readonly portRange?: { readonly from?: number; readonly to?: number };
  readonly icmpTypeCode?: { readonly type?: number; readonly code?: number };
}

/**
 * An entry checked as EC2 checks it: a rule number from 1 to 32766; a protocol by number (0–255,
 * `-1` all) or by name (tcp, udp, icmp, icmpv6, all), kept as its number; `allow` or `deny`; an
 * IPv4 block, kept canonical (host bits cleared, as EC2 does); a port range for TCP and UDP, an ICMP
 * type and code for ICMP. Other protocols apply to all ports, so ports or ICMP given with them
 * are not kept (EC2: "traffic on all ports is allowed, regardless of any ports or ICMP types").
 */
export function entryRow(input: NetworkAclEntryInput): EntryRow {
  const ruleNumber = requireRuleNumber(input.ruleNumber);
  const named = normalizeProtocol(input.protocol);
  const protocol = PROTOCOL_NUMBERS[named] ?? named;
  if (input.ruleAction !== 'allow' && input.ruleAction !== 'deny') {
    throw invalidParameter(`Value (${input.ruleAction.slice(0, 32)}) for parameter ruleAction is invalid. Valid values: allow | deny.`);
  }
  const row: EntryRow = {
    egress: input.egress, ruleNumber, protocol, ruleAction: input.ruleAction, cidrBlock: ipv4Range(input.cidrBlock), portFrom: null, portTo: null, icmpType: null, icmpCode: null,
  };
  if (protocol === TCP || protocol === UDP) {
    const ports = portsOf('tcp', input.portRange?.from, input.portRange?.to);
    return { ...row, portFrom: ports.fromPort, portTo: ports.toPort };
  }
  if (protocol === ICMP) {
    const { type, code } = input.icmpTypeCode ?? {};
    if (type === undefined || code === undefined) throw invalidParameter('Invalid value for icmpTypeCode. Must specify both the ICMP type and code with ICMP (protocol 1).');
    const icmp = portsOf('icmp', type, code);
    return { ...row, icmpType: icmp.fromPort, icmpCode: icmp.toPort };
  }
  return row;
}

/** CreateNetworkAclEntry's quota: 20 rules a direction besides the catch-all rule (`count` counts it). */
export function requireRoomForEntry(count: number): void {
  if (count - 1 >= RULES_PER_DIRECTION) throw new ApiError('NetworkAclEntryLimitExceeded', `The maximum number of rules per network ACL (${RULES_PER_DIRECTION} a direction) has been reached.`);
}

export const entryAlreadyExists = (ruleNumber: number) => new ApiError('NetworkAclEntryAlreadyExists', `The network acl entry identified by ${ruleNumber} already exists.`);

export const entryNotFound = (aclId: string, egress: boolean, ruleNumber: number) =>
  new ApiError('InvalidNetworkAclEntry.NotFound', `The network acl entry identified by ${ruleNumber} (${egress ? 'egress' : 'ingress'}) does not exist in network ACL ${aclId}.`);

/** An ACL as DescribeNetworkAcls shows it: entries egress first, by rule number, as EC2 lists them. */
export function aclView(acl: NetworkAclEntity, entries: readonly NetworkAclEntryEntity[], associations: readonly NetworkAclAssociationEntity[], tags: Readonly<Record<string, string>>): NetworkAclView {
  const ordered = [...entries].sort((a, b) => Number(b.egress) - Number(a.egress) || a.ruleNumber - b.ruleNumber);
  return {
    networkAclId: acl.id, vpcId: acl.vpcId, isDefault: acl.isDefault,
    entries: ordered.map((e) => ({
      ruleNumber: e.ruleNumber, protocol: e.protocol, ruleAction: e.ruleAction as 'allow' | 'deny', egress: e.egress, cidrBlock: e.cidrBlock,
      ...(e.portFrom !== null && e.portTo !== null ? { portRange: { from: e.portFrom, to: e.portTo } } : {}),
      ...(e.icmpType !== null && e.icmpCode !== null ? { icmpTypeCode: { type: e.icmpType, code: e.icmpCode } } : {}),
    })),
    associations: associations.map((a) => ({ networkAclAssociationId: a.id, subnetId: a.subnetId })),
    tags,
  };
}
