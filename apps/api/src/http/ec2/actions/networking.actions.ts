import { Injectable } from '@nestjs/common';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { KeyPairsService, KeyPairView } from '../../../application/networking/key-pairs.service';
import { privateDnsName } from '../../../application/networking/cidr';
import type { ShownPublicIp } from '../../../application/networking/instance-networking';
import { IpPermission } from '../../../application/networking/networking.commands';
import { interfaceKind } from '../../../application/networking/nat-gateways';
import { NO_DHCP_OPTIONS } from '../../../application/networking/dhcp-options';
import { NetworkInterfaceView, NetworkingService, SubnetView, VpcView } from '../../../application/networking/networking.service';
import { PermissionView } from '../../../application/networking/security-group-rules';
import { SecurityGroupRuleView, SecurityGroupsService, SecurityGroupView } from '../../../application/networking/security-groups.service';
import { isVpcAttribute, VPC_ATTRIBUTES } from '../../../application/networking/vpc-attributes';
import { SecurityGroupRuleEntity } from '../../../persistence/entities';
import { Ec2Actions, Ec2Context, Ec2Params, items } from '../ec2-action';
import { unsupported } from '../ec2-errors';
import { Ec2ActionSource } from '../ec2-action-source';
import { FilterField, filterMatcher } from '../ec2-filters';
import { zoneIdOf, zoneNameOf } from '../availability-zones';
import { refuseMaxResultsWithIds } from '../ec2-pages';
import { ec2TimeMs } from '../ec2-xml';

/** ModifySubnetAttribute's attributes in EC2's API reference; Nimbus changes MapPublicIpOnLaunch and refuses the others as unsupported. */
const SUBNET_ATTRIBUTES = [
  'MapPublicIpOnLaunch', 'AssignIpv6AddressOnCreation', 'MapCustomerOwnedIpOnLaunch', 'CustomerOwnedIpv4Pool', 'EnableDns64', 'PrivateDnsHostnameTypeOnLaunch',
  'EnableResourceNameDnsARecordOnLaunch', 'EnableResourceNameDnsAAAARecordOnLaunch', 'EnableLniAtDeviceIndex', 'DisableLniAtDeviceIndex',
] as const;

/** The zone an `AvailabilityZoneId` names (use1-az1 …), or InvalidParameterValue. */
function zoneOf(zoneId: string): string {
  const zone = zoneNameOf(zoneId);
  if (zone === undefined) throw invalidParameter(`Value (${zoneId.slice(0, 40)}) for parameter AvailabilityZoneId is invalid.`);
  return zone;
}

/** MaxResults where EC2 pages these Describe actions: 5 to 1,000. */
const PAGE = { min: 5, max: 1000 };

export const tagSet = (tags: Readonly<Record<string, string>>) => items(Object.entries(tags).map(([key, value]) => ({ key, value })));

/**
 * `TagSpecification.N` (ResourceType, Tag.M.Key/Value) for the resource types an action tags (EC2's
 * ResourceType names): the tags to put on each created resource, by type. A specification for
 * another type is InvalidParameterValue, as on EC2.
 */
export function tagSpecifications(p: Ec2Params, allowed: readonly string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const spec of p.structs('TagSpecification')) {
    const type = spec.required('ResourceType');
    if (!allowed.includes(type)) throw invalidParameter(`'${type.slice(0, 64)}' is not a valid taggable resource type for this operation (${allowed.join(', ')}).`);
    const tags = (out[type] ??= {});
    for (const t of spec.structs('Tag')) tags[t.required('Key')] = t.string('Value') ?? '';
  }
  return out;
}

/** `TagSpecification.N` of an action that tags one resource type: its tags. */
export const tagSpecs = (p: Ec2Params, resourceType: string): Record<string, string> => tagSpecifications(p, [resourceType])[resourceType] ?? {};

/** Filters with tag-key and tag-value beside the table's names (tag:<key> is the matcher's). */
export function matcher<T extends { readonly tags: Readonly<Record<string, string>> }>(p: Ec2Params, fields: Readonly<Record<string, FilterField<T>>>) {
  const filters = p.filters();
  if (filters.length === 0) return undefined;
  return filterMatcher<T>(filters, { ...fields, 'tag-key': (v) => Object.keys(v.tags), 'tag-value': (v) => Object.values(v.tags) }, (v) => v.tags);
}

/**
 * `PrivateIpAddress` and `PrivateIpAddresses.N` (`PrivateIpAddress`, `Primary`), as CreateNetworkInterface
 * and RunInstances' `NetworkInterface.N` take them: the primary (one at most, the same if given both
 * ways) and the secondaries. Without a primary among them, the primary is allocated and they are all secondaries.
 */
export function privateIpSpecs(p: Ec2Params): { readonly primary?: string; readonly secondaries: string[] } {
  let primary = p.string('PrivateIpAddress');
  let flagged = 0;
  const secondaries: string[] = [];
  for (const spec of p.structs('PrivateIpAddresses')) {
    const address = spec.required('PrivateIpAddress');
    if (!spec.bool('Primary')) {
      secondaries.push(address);
      continue;
    }
    if (++flagged > 1) throw invalidParameter('Only one private IP address can be designated as primary (PrivateIpAddresses.N.Primary)');
    if (primary !== undefined && primary !== address) {
      throw new ApiError('InvalidParameterCombination', `The primary address is given twice: PrivateIpAddress ${primary.slice(0, 40)} and PrivateIpAddresses.N ${address.slice(0, 40)} marked primary`);
    }
    primary = address;
  }
  return { ...(primary !== undefined ? { primary } : {}), secondaries };
}

/** A Describe's `MaxResults` (within `range`: EC2's 5–1000 unless the action's own) and `NextToken`. */
export function page(p: Ec2Params, range: { readonly min: number; readonly max: number } = PAGE) {
  return { maxResults: p.int('MaxResults', range), nextToken: p.string('NextToken') };
}

/** `IpPermissions.N` as the application's permissions. */
function permissions(p: Ec2Params): IpPermission[] {
  return p.structs('IpPermissions').map((perm) => {
    if (perm.structs('PrefixListIds').length > 0) throw unsupported('the parameter IpPermissions.N.PrefixListIds');
    return {
      ipProtocol: perm.required('IpProtocol'),
      fromPort: perm.int('FromPort'),
      toPort: perm.int('ToPort'),
      ipRanges: perm.structs('IpRanges').map((r) => ({ cidrIp: r.required('CidrIp'), description: r.string('Description') })),
      ipv6Ranges: perm.structs('Ipv6Ranges').map((r) => ({ cidrIpv6: r.required('CidrIpv6'), description: r.string('Description') })),
      groupPairs: perm.structs('Groups').map((g) => ({ groupId: g.string('GroupId'), groupName: g.string('GroupName'), description: g.string('Description') })),
    };
  });
}


/** A group rule request's top-level shorthand (CidrIp, IpProtocol, FromPort, ToPort), which EC2 still accepts for ingress. */
function shorthandPermission(p: Ec2Params): IpPermission[] {
  if (!p.has('IpProtocol') && !p.has('CidrIp')) return [];
  return [{ ipProtocol: p.required('IpProtocol'), fromPort: p.int('FromPort'), toPort: p.int('ToPort'), ipRanges: [{ cidrIp: p.required('CidrIp') }] }];
}

// ---- answers ----

/** The association id of a VPC's one IPv4 block, as shown and as `cidr-block-association.association-id` reads it. */
const vpcCidrAssociationId = (v: VpcView) => `vpc-cidr-assoc-${v.vpc.id.slice(4)}`;

function vpcXml(v: VpcView, ctx: Ec2Context) {
  return {
    vpcId: v.vpc.id, ownerId: ctx.accountId, state: 'available', cidrBlock: v.vpc.cidrBlock,
    cidrBlockAssociationSet: items([{ cidrBlock: v.vpc.cidrBlock, associationId: vpcCidrAssociationId(v), cidrBlockState: { state: 'associated' } }]),
    ipv6CidrBlockAssociationSet: items([]), dhcpOptionsId: v.vpc.dhcpOptionsId ?? NO_DHCP_OPTIONS, tagSet: tagSet(v.tags), instanceTenancy: v.vpc.instanceTenancy, isDefault: v.vpc.isDefault,
  };
}

/** A subnet's ARN, as shown and as the `subnet-arn` filter reads it. */
const subnetArn = (accountId: string, subnetId: string) => `arn:aws:ec2:us-east-1:${accountId}:subnet/${subnetId}`;

function subnetXml(v: SubnetView, ctx: Ec2Context) {
  const s = v.subnet;
  return {
    subnetId: s.id, subnetArn: subnetArn(ctx.accountId, s.id), state: 'available', ownerId: ctx.accountId, vpcId: s.vpcId, cidrBlock: s.cidrBlock,
    ipv6CidrBlockAssociationSet: items([]), availableIpAddressCount: v.availableIpAddressCount, availabilityZone: s.availabilityZone,
    availabilityZoneId: zoneIdOf(s.availabilityZone),
    defaultForAz: s.defaultForAz, mapPublicIpOnLaunch: s.mapPublicIpOnLaunch, mapCustomerOwnedIpOnLaunch: false, assignIpv6AddressOnCreation: false,
    tagSet: tagSet(v.tags), enableDns64: false, ipv6Native: false,
    // Instances' private DNS names are IP names (ip-10-0-1-4.ec2.internal); resource-name records are not simulated.
    privateDnsNameOptionsOnLaunch: { hostnameType: 'ip-name', enableResourceNameDnsARecord: false, enableResourceNameDnsAAAARecord: false },
  };
}

/**
 * A permission's referenced groups as EC2's UserIdGroupPairs show them: each group's owner (`userId`,
 * the tenant's account: a rule names only the tenant's own groups) and id. The `ip-permission.user-id`
 * filters read these.
 */
const userIdGroupPairs = (perm: PermissionView, accountId: string) => perm.groups.map((g) => ({ userId: accountId, groupId: g.groupId, description: g.description }));

/** A permission's prefix lists (`prefixListIds`): Nimbus has no prefix lists, so none; the `prefix-list-id` filters read this. */
const prefixListIdsOf = (_perm: PermissionView): { prefixListId: string }[] => [];

function permissionXml(perm: PermissionView, ctx: Ec2Context) {
  return {
    ipProtocol: perm.ipProtocol, fromPort: perm.fromPort, toPort: perm.toPort,
    groups: items(userIdGroupPairs(perm, ctx.accountId)),
    ipRanges: items(perm.ipRanges.map((r) => ({ cidrIp: r.cidrIp, description: r.description }))),
    ipv6Ranges: items(perm.ipv6Ranges.map((r) => ({ cidrIpv6: r.cidrIpv6, description: r.description }))),
    prefixListIds: items(prefixListIdsOf(perm)),
  };
}

function groupXml(v: SecurityGroupView, ctx: Ec2Context) {
  return {
    ownerId: ctx.accountId, groupId: v.group.id, groupName: v.group.name, groupDescription: v.group.description, vpcId: v.group.vpcId,
    ipPermissions: items(v.ingress.map((x) => permissionXml(x, ctx))), ipPermissionsEgress: items(v.egress.map((x) => permissionXml(x, ctx))), tagSet: tagSet(v.tags),
  };
}

/** EC2's SecurityGroupRule, as Authorize… and DescribeSecurityGroupRules answer it. */
function ruleXml(r: SecurityGroupRuleEntity, tags: Readonly<Record<string, string>>, ctx: Ec2Context) {
  return {
    securityGroupRuleId: r.id, groupId: r.groupId, groupOwnerId: ctx.accountId, isEgress: r.isEgress, ipProtocol: r.ipProtocol,
    fromPort: r.fromPort ?? -1, toPort: r.toPort ?? -1, cidrIpv4: r.cidrIpv4 ?? undefined, cidrIpv6: r.cidrIpv6 ?? undefined,
    referencedGroupInfo: r.referencedGroupId !== null ? { groupId: r.referencedGroupId, userId: ctx.accountId } : undefined,
    description: r.description ?? undefined, tagSet: tagSet(tags),
    securityGroupRuleArn: `arn:aws:ec2:us-east-1:${ctx.accountId}:security-group-rule/${r.id}`,
  };
}

/** EC2's RevokedSecurityGroupRule: the rule as it was, its peer group by id only. */
function revokedRuleXml(r: SecurityGroupRuleEntity) {
  return {
    securityGroupRuleId: r.id, groupId: r.groupId, isEgress: r.isEgress, ipProtocol: r.ipProtocol, fromPort: r.fromPort ?? -1, toPort: r.toPort ?? -1,
    cidrIpv4: r.cidrIpv4 ?? undefined, cidrIpv6: r.cidrIpv6 ?? undefined, referencedGroupId: r.referencedGroupId ?? undefined, description: r.description ?? undefined,
  };
}

function interfaceXml(v: NetworkInterfaceView, ctx: Ec2Context) {
  const n = v.networkInterface;
  const association = associationXml(primaryPublicIp(v), ctx.accountId, true);
  return {
    networkInterfaceId: n.id, subnetId: n.subnetId, vpcId: n.vpcId, availabilityZone: n.availabilityZone, description: n.description, ownerId: ctx.accountId,
    requesterManaged: interfaceKind(n).requesterManaged, status: interfaceKind(n).status, macAddress: n.macAddress, privateIpAddress: n.privateIpAddress,
    privateDnsName: v.privateDnsName, sourceDestCheck: n.sourceDestCheck, groupSet: items(v.groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName }))),
    attachment: attachmentXml(n, ctx),
    association,
    tagSet: tagSet(v.tags),
    privateIpAddressesSet: privateIpAddressesSet(n.privateIpAddress, v.secondaryPrivateIpAddresses, v.publicIps, ctx.accountId, true),
    ipv6AddressesSet: items([]), interfaceType: interfaceKind(n).interfaceType,
  };
}

/** An interface's attachment (EC2's NetworkInterfaceAttachment), if it is attached: DescribeNetworkInterfaces and DescribeNetworkInterfaceAttribute. */
function attachmentXml(n: NetworkInterfaceView['networkInterface'], ctx: Ec2Context) {
  if (n.instanceId === null) return undefined;
  return {
    attachmentId: n.attachmentId, instanceId: n.instanceId, instanceOwnerId: ctx.accountId, deviceIndex: n.deviceIndex, status: 'attached',
    attachTime: ec2TimeMs(n.attachTime!), deleteOnTermination: n.deleteOnTermination, networkCardIndex: 0,
  };
}

/** DescribeNetworkInterfaceAttribute's attributes (the API reference's), each as its answer shows it. */
const INTERFACE_ATTRIBUTES: Readonly<Record<string, (v: NetworkInterfaceView, ctx: Ec2Context) => unknown>> = {
  description: (v) => ({ value: v.networkInterface.description }),
  groupSet: (v) => items(v.groups.map((g) => ({ groupId: g.groupId, groupName: g.groupName }))),
  sourceDestCheck: (v) => ({ value: v.networkInterface.sourceDestCheck }),
  attachment: (v, ctx) => attachmentXml(v.networkInterface, ctx),
  // Whether the interface is given an auto-assigned public address (at launch, and again at each start).
  associatePublicIpAddress: (v) => v.networkInterface.autoPublicIp,
};

/**
 * A public address as an interface's `association` shows it: an Elastic IP's owner is the tenant's
 * account (`ipOwnerId`), an auto-assigned address's is `amazon`. DescribeNetworkInterfaces'
 * NetworkInterfaceAssociation also names an Elastic IP's allocation and association (`withIds`);
 * DescribeInstances' InstanceNetworkInterfaceAssociation does not.
 */
export function associationXml(held: ShownPublicIp | undefined, accountId: string, withIds: boolean) {
  if (!held) return undefined;
  return {
    ...(withIds ? { allocationId: held.allocationId, associationId: held.associationId } : {}),
    ipOwnerId: ipOwnerIdOf(held, accountId), publicDnsName: held.publicDnsName, publicIp: held.publicIp,
  };
}

/** A public address's owner as EC2 shows it: the tenant's account for an Elastic IP, `amazon` for an auto-assigned one. */
const ipOwnerIdOf = (held: ShownPublicIp, accountId: string) => (held.allocationId !== undefined ? accountId : 'amazon');

/** The public address an interface's primary private address holds (its `association`). */
const primaryPublicIp = (v: NetworkInterfaceView) => v.publicIps.find((p) => p.privateIpAddress === v.networkInterface.privateIpAddress);

/**
 * An interface's `privateIpAddressesSet`: the primary, then each secondary, each with its private
 * DNS name as EC2 forms it and the public address it holds, if any.
 */
export function privateIpAddressesSet(primary: string, secondaries: readonly string[], publicIps: readonly ShownPublicIp[], accountId: string, withIds: boolean) {
  const association = (a: string) => associationXml(publicIps.find((p) => p.privateIpAddress === a), accountId, withIds);
  return items([
    { privateIpAddress: primary, privateDnsName: privateDnsName(primary), primary: true, association: association(primary) },
    ...secondaries.map((a) => ({ privateIpAddress: a, privateDnsName: privateDnsName(a), primary: false, association: association(a) })),
  ]);
}

function keyPairXml(v: KeyPairView, includePublicKey: boolean) {
  const k = v.keyPair;
  return {
    keyPairId: k.id, keyType: k.keyType, tagSet: tagSet(v.tags), keyName: k.name, keyFingerprint: k.fingerprint,
    ...(includePublicKey ? { publicKey: k.publicKey } : {}), createTime: ec2TimeMs(k.createdAt),
  };
}

// ---- filters ----

/** The filters on the account's own resources read its id (`owner-id`: every resource a tenant describes is its own). */
const VPC_FILTERS = (accountId: string): Readonly<Record<string, FilterField<VpcView>>> => ({
  'owner-id': () => accountId,
  'vpc-id': (v) => v.vpc.id, cidr: (v) => v.vpc.cidrBlock, 'cidr-block-association.cidr-block': (v) => v.vpc.cidrBlock,
  'is-default': (v) => v.vpc.isDefault, state: () => 'available', 'dhcp-options-id': (v) => v.vpc.dhcpOptionsId ?? NO_DHCP_OPTIONS,
  'cidr-block-association.association-id': vpcCidrAssociationId, 'cidr-block-association.state': () => 'associated',
  // No VPC has an IPv6 block here (ipv6CidrBlockAssociationSet is empty).
  'ipv6-cidr-block-association.ipv6-cidr-block': () => undefined, 'ipv6-cidr-block-association.ipv6-pool': () => undefined,
  'ipv6-cidr-block-association.association-id': () => undefined, 'ipv6-cidr-block-association.state': () => undefined,
});

const SUBNET_FILTERS = (accountId: string): Readonly<Record<string, FilterField<SubnetView>>> => ({
  'owner-id': () => accountId, 'subnet-arn': (v) => subnetArn(accountId, v.subnet.id), 'availability-zone-id': (v) => zoneIdOf(v.subnet.availabilityZone),
  'subnet-id': (v) => v.subnet.id, 'vpc-id': (v) => v.subnet.vpcId, 'cidr-block': (v) => v.subnet.cidrBlock, cidr: (v) => v.subnet.cidrBlock,
  cidrBlock: (v) => v.subnet.cidrBlock, 'availability-zone': (v) => v.subnet.availabilityZone, availabilityZone: (v) => v.subnet.availabilityZone,
  'default-for-az': (v) => v.subnet.defaultForAz, defaultForAz: (v) => v.subnet.defaultForAz, 'map-public-ip-on-launch': (v) => v.subnet.mapPublicIpOnLaunch,
  'available-ip-address-count': (v) => v.availableIpAddressCount, state: () => 'available',
  'enable-dns64': () => false, 'ipv6-native': () => false, 'map-customer-owned-ip-on-launch': () => false,
  'private-dns-name-options-on-launch.hostname-type': () => 'ip-name',
  // Neither IPv6 blocks, customer-owned pools, Outposts nor LNI devices are simulated: these match no subnet.
  'ipv6-cidr-block-association.ipv6-cidr-block': () => undefined, 'ipv6-cidr-block-association.association-id': () => undefined,
  'ipv6-cidr-block-association.state': () => undefined, 'customer-owned-ipv4-pool': () => undefined, 'outpost-arn': () => undefined,
  'enable-lni-at-device-index': () => undefined,
});

const peers = (ps: readonly PermissionView[], accountId: string) => ({
  cidrs: ps.flatMap((x) => x.ipRanges.map((r) => r.cidrIp)), ipv6: ps.flatMap((x) => x.ipv6Ranges.map((r) => r.cidrIpv6)), groups: ps.flatMap((x) => x.groups.map((g) => g.groupId)),
  userIds: ps.flatMap((x) => userIdGroupPairs(x, accountId).map((g) => g.userId)),
  // The pairs show no groupName (EC2 shows it for default-VPC groups only); the filter reads the referenced group's name Describe resolved.
  groupNames: ps.flatMap((x) => x.groups.flatMap((g) => (g.groupName !== undefined ? [g.groupName] : []))),
  prefixLists: ps.flatMap((x) => prefixListIdsOf(x).map((l) => l.prefixListId)),
});
const ports = (ps: readonly PermissionView[], which: 'fromPort' | 'toPort') => ps.flatMap((x) => (x[which] === undefined ? [] : [String(x[which])]));

/** DescribeSecurityGroups' filters, the API reference's list; `owner-id` and the pairs' `user-id` read the tenant's account, as the answer shows it. */
const GROUP_FILTERS = (accountId: string): Readonly<Record<string, FilterField<SecurityGroupView>>> => ({
  'owner-id': () => accountId,
  'group-id': (v) => v.group.id, 'group-name': (v) => v.group.name, description: (v) => v.group.description, 'vpc-id': (v) => v.group.vpcId,
  'ip-permission.protocol': (v) => v.ingress.map((x) => x.ipProtocol), 'ip-permission.from-port': (v) => ports(v.ingress, 'fromPort'),
  'ip-permission.to-port': (v) => ports(v.ingress, 'toPort'), 'ip-permission.cidr': (v) => peers(v.ingress, accountId).cidrs,
  'ip-permission.ipv6-cidr': (v) => peers(v.ingress, accountId).ipv6, 'ip-permission.group-id': (v) => peers(v.ingress, accountId).groups,
  'ip-permission.group-name': (v) => peers(v.ingress, accountId).groupNames, 'ip-permission.user-id': (v) => peers(v.ingress, accountId).userIds,
  'ip-permission.prefix-list-id': (v) => peers(v.ingress, accountId).prefixLists,
  'egress.ip-permission.protocol': (v) => v.egress.map((x) => x.ipProtocol), 'egress.ip-permission.from-port': (v) => ports(v.egress, 'fromPort'),
  'egress.ip-permission.to-port': (v) => ports(v.egress, 'toPort'), 'egress.ip-permission.cidr': (v) => peers(v.egress, accountId).cidrs,
  'egress.ip-permission.ipv6-cidr': (v) => peers(v.egress, accountId).ipv6, 'egress.ip-permission.group-id': (v) => peers(v.egress, accountId).groups,
  'egress.ip-permission.group-name': (v) => peers(v.egress, accountId).groupNames, 'egress.ip-permission.user-id': (v) => peers(v.egress, accountId).userIds,
  'egress.ip-permission.prefix-list-id': (v) => peers(v.egress, accountId).prefixLists,
});

/**
 * DescribeSecurityGroupRules' filters, the API reference's: `group-id`, `security-group-rule-id` and
 * `tag:<key>` (the matcher's). It lists no `tag-key` or `tag-value`, so they are unknown filters here.
 */
const RULE_FILTERS: Readonly<Record<string, FilterField<SecurityGroupRuleView>>> = {
  'group-id': (v) => v.rule.groupId, 'security-group-rule-id': (v) => v.rule.id,
};

const INTERFACE_FILTERS = (accountId: string): Readonly<Record<string, FilterField<NetworkInterfaceView>>> => ({
  'owner-id': () => accountId, 'availability-zone-id': (v) => zoneIdOf(v.networkInterface.availabilityZone),
  // Interfaces a service made for the tenant (requester-managed) are not simulated: none has a requester id.
  'requester-id': () => undefined,
  'attachment.instance-owner-id': (v) => (v.networkInterface.instanceId ? accountId : undefined),
  'attachment.attach-time': (v) => (v.networkInterface.instanceId && v.networkInterface.attachTime !== null ? ec2TimeMs(v.networkInterface.attachTime) : undefined),
  'network-interface-id': (v) => v.networkInterface.id, 'subnet-id': (v) => v.networkInterface.subnetId, 'vpc-id': (v) => v.networkInterface.vpcId,
  'availability-zone': (v) => v.networkInterface.availabilityZone,
  // Every address of the interface, its primary and its secondaries (EC2: "the private IPv4 address or addresses").
  'private-ip-address': (v) => [v.networkInterface.privateIpAddress, ...v.secondaryPrivateIpAddresses],
  'addresses.private-ip-address': (v) => [v.networkInterface.privateIpAddress, ...v.secondaryPrivateIpAddresses],
  'addresses.primary': (v) => ['true', ...v.secondaryPrivateIpAddresses.map(() => 'false')],
  'private-dns-name': (v) => v.privateDnsName,
  'mac-address': (v) => v.networkInterface.macAddress, description: (v) => v.networkInterface.description,
  status: (v) => interfaceKind(v.networkInterface).status, 'source-dest-check': (v) => v.networkInterface.sourceDestCheck,
  'group-id': (v) => v.groups.map((g) => g.groupId), 'group-name': (v) => v.groups.map((g) => g.groupName),
  'association.public-ip': (v) => v.publicIp, 'association.public-dns-name': (v) => v.publicDnsName,
  'association.allocation-id': (v) => primaryPublicIp(v)?.allocationId, 'association.association-id': (v) => primaryPublicIp(v)?.associationId,
  'association.ip-owner-id': (v) => { const held = primaryPublicIp(v); return held && ipOwnerIdOf(held, accountId); },
  'addresses.association.public-ip': (v) => v.publicIps.map((p) => p.publicIp),
  'addresses.association.owner-id': (v) => v.publicIps.map((p) => ipOwnerIdOf(p, accountId)),
  // No interface has an IPv6 address here (ipv6AddressesSet is empty).
  'ipv6-addresses.ipv6-address': () => undefined,
  'attachment.instance-id': (v) => v.networkInterface.instanceId ?? undefined, 'attachment.attachment-id': (v) => v.networkInterface.attachmentId ?? undefined,
  'attachment.device-index': (v) => v.networkInterface.deviceIndex ?? undefined, 'attachment.status': (v) => (v.networkInterface.instanceId ? 'attached' : undefined),
  'attachment.delete-on-termination': (v) => (v.networkInterface.instanceId ? v.networkInterface.deleteOnTermination : undefined),
  'interface-type': (v) => interfaceKind(v.networkInterface).interfaceType, 'requester-managed': (v) => interfaceKind(v.networkInterface).requesterManaged,
});

const KEY_PAIR_FILTERS: Readonly<Record<string, FilterField<KeyPairView>>> = {
  'key-pair-id': (v) => v.keyPair.id, 'key-name': (v) => v.keyPair.name, fingerprint: (v) => v.keyPair.fingerprint, 'key-type': (v) => v.keyPair.keyType,
};

/**
 * EC2's networking actions (docs/ec2.md, "Networking"): VPCs, subnets, security groups and their
 * rules, network interfaces, key pairs. Each handler reads the parameters, calls one application
 * method, and shapes EC2's answer.
 */
@Injectable()
export class NetworkingEc2Actions implements Ec2ActionSource {
  constructor(
    private readonly networking: NetworkingService,
    private readonly groups: SecurityGroupsService,
    private readonly keyPairs: KeyPairsService,
  ) {}

  readonly actions: Ec2Actions = {
    // ---- VPCs ----
    CreateVpc: {
      operation: 'CreateVpc',
      params: ['CidrBlock', 'InstanceTenancy', 'TagSpecification', 'AmazonProvidedIpv6CidrBlock'],
      handler: async (ctx, p) => {
        if (p.bool('AmazonProvidedIpv6CidrBlock')) throw unsupported('the parameter AmazonProvidedIpv6CidrBlock');
        const tenancy = p.string('InstanceTenancy');
        if (tenancy !== undefined && tenancy !== 'default' && tenancy !== 'dedicated') throw invalidParameter(`Value (${tenancy.slice(0, 40)}) for parameter InstanceTenancy is invalid: default or dedicated`);
        const v = await this.networking.createVpc(ctx.tenant, { cidrBlock: p.required('CidrBlock'), instanceTenancy: tenancy, tags: tagSpecs(p, 'vpc') });
        return { vpc: vpcXml(v, ctx) };
      },
    },
    DescribeVpcs: {
      operation: 'DescribeVpcs',
      params: ['VpcId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.networking.describeVpcs(ctx.tenant, { ids: p.list('VpcId'), match: matcher(p, VPC_FILTERS(ctx.accountId)), ...page(p) });
        return { vpcSet: items(r.items.map((v) => vpcXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    DescribeVpcAttribute: {
      operation: 'DescribeVpcAttribute',
      params: ['VpcId', 'Attribute'],
      handler: async (ctx, p) => {
        const vpcId = p.required('VpcId');
        const attribute = p.required('Attribute');
        if (!isVpcAttribute(attribute)) throw invalidParameter(`Value (${attribute.slice(0, 64)}) for parameter attribute is invalid. Valid values: ${VPC_ATTRIBUTES.join(', ')}`);
        const attributes = await this.networking.vpcAttributes(ctx.tenant, vpcId);
        return { vpcId, [attribute]: { value: attributes[attribute] } };
      },
    },
    ModifyVpcAttribute: {
      operation: 'ModifyVpcAttribute',
      params: ['VpcId', 'EnableDnsSupport', 'EnableDnsHostnames', 'EnableNetworkAddressUsageMetrics'],
      handler: async (ctx, p) => {
        // Each an AttributeBooleanValue: `EnableDnsSupport.Value=true`; exactly one (the service's rule).
        const value = (name: string) => p.struct(name)?.bool('Value');
        await this.networking.modifyVpcAttribute(ctx.tenant, {
          vpcId: p.required('VpcId'), enableDnsSupport: value('EnableDnsSupport'), enableDnsHostnames: value('EnableDnsHostnames'),
          enableNetworkAddressUsageMetrics: value('EnableNetworkAddressUsageMetrics'),
        });
        return { return: true };
      },
    },
    CreateDefaultVpc: {
      operation: 'CreateDefaultVpc',
      params: [],
      handler: async (ctx) => ({ vpc: vpcXml(await this.networking.createDefaultVpc(ctx.tenant), ctx) }),
    },
    DeleteVpc: {
      operation: 'DeleteVpc',
      params: ['VpcId'],
      handler: async (ctx, p) => {
        await this.networking.deleteVpc(ctx.tenant, p.required('VpcId'));
        return { return: true };
      },
    },

    // ---- subnets ----
    CreateSubnet: {
      operation: 'CreateSubnet',
      params: ['VpcId', 'CidrBlock', 'AvailabilityZone', 'AvailabilityZoneId', 'TagSpecification'],
      handler: async (ctx, p) => {
        const zoneId = p.string('AvailabilityZoneId');
        const v = await this.networking.createSubnet(ctx.tenant, {
          vpcId: p.required('VpcId'), cidrBlock: p.required('CidrBlock'), availabilityZone: p.string('AvailabilityZone') ?? (zoneId === undefined ? undefined : zoneOf(zoneId)), tags: tagSpecs(p, 'subnet'),
        });
        return { subnet: subnetXml(v, ctx) };
      },
    },
    CreateDefaultSubnet: {
      operation: 'CreateDefaultSubnet',
      params: ['AvailabilityZone', 'AvailabilityZoneId', 'Ipv6Native'],
      handler: async (ctx, p) => {
        if (p.bool('Ipv6Native')) throw unsupported('the parameter Ipv6Native (IPv6-only subnets)');
        const zone = p.string('AvailabilityZone');
        const zoneId = p.string('AvailabilityZoneId');
        if (zone !== undefined && zoneId !== undefined) throw new ApiError('InvalidParameterCombination', 'Either AvailabilityZone or AvailabilityZoneId may be specified, but not both.');
        if (zone === undefined && zoneId === undefined) throw new ApiError('MissingParameter', 'Either AvailabilityZone or AvailabilityZoneId must be specified.');
        const v = await this.networking.createDefaultSubnet(ctx.tenant, { availabilityZone: zone ?? zoneOf(zoneId!) });
        return { subnet: subnetXml(v, ctx) };
      },
    },
    DescribeSubnets: {
      operation: 'DescribeSubnets',
      params: ['SubnetId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.networking.describeSubnets(ctx.tenant, { ids: p.list('SubnetId'), match: matcher(p, SUBNET_FILTERS(ctx.accountId)), ...page(p) });
        return { subnetSet: items(r.items.map((v) => subnetXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    ModifySubnetAttribute: {
      operation: 'ModifySubnetAttribute',
      params: ['SubnetId', ...SUBNET_ATTRIBUTES],
      handler: async (ctx, p) => {
        const named = SUBNET_ATTRIBUTES.filter((a) => p.struct(a) !== undefined || p.has(a));
        if (named.length === 0) throw new ApiError('MissingParameter', 'The request must contain one subnet attribute to modify, such as MapPublicIpOnLaunch.Value');
        if (named.length > 1) throw new ApiError('InvalidParameterCombination', `Fields for multiple attribute types specified: ${named.join(', ')}`);
        // Nimbus's subnets are IPv4 only: an attribute that turns IPv6, DNS64 or resource-name records on is not supported.
        if (named[0] !== 'MapPublicIpOnLaunch') throw unsupported(`the parameter ${named[0]}`);
        const mapPublicIpOnLaunch = p.struct('MapPublicIpOnLaunch')?.bool('Value');
        if (mapPublicIpOnLaunch === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter MapPublicIpOnLaunch.Value');
        await this.networking.modifySubnetAttribute(ctx.tenant, { subnetId: p.required('SubnetId'), mapPublicIpOnLaunch });
        return { return: true };
      },
    },
    DeleteSubnet: {
      operation: 'DeleteSubnet',
      params: ['SubnetId'],
      handler: async (ctx, p) => {
        await this.networking.deleteSubnet(ctx.tenant, p.required('SubnetId'));
        return { return: true };
      },
    },

    // ---- security groups ----
    CreateSecurityGroup: {
      operation: 'CreateSecurityGroup',
      params: ['GroupName', 'GroupDescription', 'VpcId', 'TagSpecification'],
      handler: async (ctx, p) => {
        const tags = tagSpecs(p, 'security-group');
        const g = await this.groups.create(ctx.tenant, { groupName: p.required('GroupName'), description: p.required('GroupDescription'), vpcId: p.string('VpcId'), tags });
        return { return: true, groupId: g.id, securityGroupArn: `arn:aws:ec2:us-east-1:${ctx.accountId}:security-group/${g.id}`, tagSet: tagSet(tags) };
      },
    },
    DescribeSecurityGroups: {
      operation: 'DescribeSecurityGroups',
      params: ['GroupId', 'GroupName', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const r = await this.groups.describe(ctx.tenant, { ids: p.list('GroupId'), names: p.list('GroupName'), match: matcher(p, GROUP_FILTERS(ctx.accountId)), ...page(p) });
        return { securityGroupInfo: items(r.items.map((v) => groupXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    DescribeSecurityGroupRules: {
      operation: 'DescribeSecurityGroupRules',
      params: ['SecurityGroupRuleId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        const filters = p.filters();
        const match = filters.length > 0 ? filterMatcher<SecurityGroupRuleView>(filters, RULE_FILTERS, (v) => v.tags) : undefined;
        const r = await this.groups.describeRules(ctx.tenant, { ids: p.list('SecurityGroupRuleId'), match, ...page(p) });
        return { securityGroupRuleSet: items(r.items.map((v) => ruleXml(v.rule, v.tags, ctx))), nextToken: r.nextToken };
      },
    },
    DeleteSecurityGroup: {
      operation: 'DeleteSecurityGroup',
      params: ['GroupId', 'GroupName'],
      handler: async (ctx, p) => {
        const groupId = await this.groups.delete(ctx.tenant, { groupId: p.string('GroupId'), groupName: p.string('GroupName') });
        return { return: true, groupId };
      },
    },
    AuthorizeSecurityGroupIngress: this.authorize('AuthorizeSecurityGroupIngress', false),
    AuthorizeSecurityGroupEgress: this.authorize('AuthorizeSecurityGroupEgress', true),
    RevokeSecurityGroupIngress: this.revoke('RevokeSecurityGroupIngress', false),
    RevokeSecurityGroupEgress: this.revoke('RevokeSecurityGroupEgress', true),
    UpdateSecurityGroupRuleDescriptionsIngress: this.updateDescriptions('UpdateSecurityGroupRuleDescriptionsIngress', false),
    UpdateSecurityGroupRuleDescriptionsEgress: this.updateDescriptions('UpdateSecurityGroupRuleDescriptionsEgress', true),
    ModifySecurityGroupRules: {
      operation: 'ModifySecurityGroupRules',
      params: ['GroupId', 'SecurityGroupRule'],
      handler: async (ctx, p) => {
        const rules = p.structs('SecurityGroupRule').map((u) => {
          const r = u.struct('SecurityGroupRule');
          if (!r) throw new ApiError('MissingParameter', 'The request must contain the parameter SecurityGroupRule.N.SecurityGroupRule');
          if (r.has('PrefixListId')) throw unsupported('the parameter SecurityGroupRule.N.SecurityGroupRule.PrefixListId (prefix lists)');
          const rule = {
            ipProtocol: r.required('IpProtocol'), fromPort: r.int('FromPort'), toPort: r.int('ToPort'), cidrIpv4: r.string('CidrIpv4'), cidrIpv6: r.string('CidrIpv6'),
            referencedGroupId: r.string('ReferencedGroupId'), description: r.string('Description'),
          };
          return { ruleId: u.required('SecurityGroupRuleId'), rule: Object.fromEntries(Object.entries(rule).filter(([, v]) => v !== undefined)) as typeof rule };
        });
        await this.groups.modifyRules(ctx.tenant, { groupId: p.required('GroupId'), rules });
        return { return: true };
      },
    },

    // ---- network interfaces ----
    CreateNetworkInterface: {
      operation: 'CreateNetworkInterface',
      params: ['SubnetId', 'PrivateIpAddress', 'PrivateIpAddresses', 'SecondaryPrivateIpAddressCount', 'SecurityGroupId', 'Description', 'TagSpecification', 'ClientToken'],
      handler: async (ctx, p) => {
        const addresses = privateIpSpecs(p);
        const v = await this.networking.createNetworkInterface(ctx.tenant, {
          subnetId: p.required('SubnetId'), privateIpAddress: addresses.primary, secondaryPrivateIpAddresses: addresses.secondaries,
          secondaryPrivateIpAddressCount: p.int('SecondaryPrivateIpAddressCount'), groupIds: p.list('SecurityGroupId'),
          description: p.string('Description'), tags: tagSpecs(p, 'network-interface'), clientToken: p.string('ClientToken'),
        });
        return { networkInterface: interfaceXml(v, ctx) };
      },
    },
    DescribeNetworkInterfaces: {
      operation: 'DescribeNetworkInterfaces',
      params: ['NetworkInterfaceId', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (ctx, p) => {
        refuseMaxResultsWithIds(p, 'NetworkInterfaceId');
        const r = await this.networking.describeNetworkInterfaces(ctx.tenant, { ids: p.list('NetworkInterfaceId'), match: matcher(p, INTERFACE_FILTERS(ctx.accountId)), ...page(p) });
        return { networkInterfaceSet: items(r.items.map((v) => interfaceXml(v, ctx))), nextToken: r.nextToken };
      },
    },
    AttachNetworkInterface: {
      operation: 'AttachNetworkInterface',
      params: ['NetworkInterfaceId', 'InstanceId', 'DeviceIndex', 'NetworkCardIndex'],
      handler: async (ctx, p) => {
        if ((p.int('NetworkCardIndex') ?? 0) !== 0) throw unsupported('the parameter NetworkCardIndex (other than 0)');
        const deviceIndex = p.int('DeviceIndex');
        if (deviceIndex === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter DeviceIndex');
        const attachmentId = await this.networking.attachNetworkInterface(ctx.tenant, {
          networkInterfaceId: p.required('NetworkInterfaceId'), instanceId: p.required('InstanceId'), deviceIndex,
        });
        return { attachmentId, networkCardIndex: 0 };
      },
    },
    DetachNetworkInterface: {
      operation: 'DetachNetworkInterface',
      params: ['AttachmentId', 'Force'],
      handler: async (ctx, p) => {
        await this.networking.detachNetworkInterface(ctx.tenant, { attachmentId: p.required('AttachmentId'), force: p.bool('Force') });
        return { return: true };
      },
    },
    DeleteNetworkInterface: {
      operation: 'DeleteNetworkInterface',
      params: ['NetworkInterfaceId'],
      handler: async (ctx, p) => {
        await this.networking.deleteNetworkInterface(ctx.tenant, p.required('NetworkInterfaceId'));
        return { return: true };
      },
    },
    AssignPrivateIpAddresses: {
      operation: 'AssignPrivateIpAddresses',
      params: ['NetworkInterfaceId', 'PrivateIpAddress', 'SecondaryPrivateIpAddressCount', 'AllowReassignment', 'Ipv4Prefix', 'Ipv4PrefixCount'],
      handler: async (ctx, p) => {
        // Moving an address from another interface, and prefix delegation, are not simulated.
        if (p.bool('AllowReassignment')) throw unsupported('the parameter AllowReassignment (true)');
        if (p.has('Ipv4Prefix') || p.has('Ipv4PrefixCount')) throw unsupported('the parameter Ipv4Prefix / Ipv4PrefixCount');
        const networkInterfaceId = p.required('NetworkInterfaceId');
        const assigned = await this.networking.assignPrivateIpAddresses(ctx.tenant, {
          networkInterfaceId, privateIpAddresses: p.list('PrivateIpAddress'), secondaryPrivateIpAddressCount: p.int('SecondaryPrivateIpAddressCount'),
        });
        return { networkInterfaceId, assignedPrivateIpAddressesSet: items(assigned.map((privateIpAddress) => ({ privateIpAddress }))), assignedIpv4PrefixSet: items([]) };
      },
    },
    UnassignPrivateIpAddresses: {
      operation: 'UnassignPrivateIpAddresses',
      params: ['NetworkInterfaceId', 'PrivateIpAddress', 'Ipv4Prefix'],
      handler: async (ctx, p) => {
        if (p.has('Ipv4Prefix')) throw unsupported('the parameter Ipv4Prefix');
        await this.networking.unassignPrivateIpAddresses(ctx.tenant, { networkInterfaceId: p.required('NetworkInterfaceId'), privateIpAddresses: p.list('PrivateIpAddress') });
        return { return: true };
      },
    },
    ModifyNetworkInterfaceAttribute: {
      operation: 'ModifyNetworkInterfaceAttribute',
      params: ['NetworkInterfaceId', 'SourceDestCheck', 'Description', 'SecurityGroupId'],
      handler: async (ctx, p) => {
        const groupIds = p.list('SecurityGroupId');
        await this.networking.modifyNetworkInterface(ctx.tenant, {
          networkInterfaceId: p.required('NetworkInterfaceId'), sourceDestCheck: p.struct('SourceDestCheck')?.bool('Value'),
          description: p.struct('Description')?.string('Value'), groupIds: groupIds.length > 0 ? groupIds : undefined,
        });
        return { return: true };
      },
    },

    DescribeNetworkInterfaceAttribute: {
      operation: 'DescribeNetworkInterfaceAttribute',
      params: ['NetworkInterfaceId', 'Attribute'],
      handler: async (ctx, p) => {
        const networkInterfaceId = p.required('NetworkInterfaceId');
        const attribute = p.required('Attribute');
        const shown = Object.hasOwn(INTERFACE_ATTRIBUTES, attribute) ? INTERFACE_ATTRIBUTES[attribute] : undefined;
        if (!shown) throw invalidParameter(`Value (${attribute.slice(0, 64)}) for parameter attribute is invalid. Valid values: ${Object.keys(INTERFACE_ATTRIBUTES).join(', ')}`);
        return { networkInterfaceId, [attribute]: shown(await this.networking.networkInterface(ctx.tenant, networkInterfaceId), ctx) };
      },
    },
    ResetNetworkInterfaceAttribute: {
      operation: 'ResetNetworkInterfaceAttribute',
      params: ['NetworkInterfaceId', 'SourceDestCheck'],
      handler: async (ctx, p) => {
        const networkInterfaceId = p.required('NetworkInterfaceId');
        // The one attribute EC2 resets, to its default (true), through the modify's own method; its value in the request is not read.
        if (!p.has('SourceDestCheck')) throw new ApiError('MissingParameter', 'The request must contain the parameter SourceDestCheck (the one attribute that can be reset)');
        await this.networking.modifyNetworkInterface(ctx.tenant, { networkInterfaceId, sourceDestCheck: true });
        return { return: true };
      },
    },

    // ---- key pairs ----
    CreateKeyPair: {
      operation: 'CreateKeyPair',
      params: ['KeyName', 'KeyType', 'KeyFormat', 'TagSpecification'],
      handler: async (ctx, p) => {
        const keyType = p.string('KeyType');
        const keyFormat = p.string('KeyFormat');
        const k = await this.keyPairs.create(ctx.tenant, {
          keyName: p.required('KeyName'), keyType: keyType as 'rsa' | 'ed25519' | undefined, keyFormat: keyFormat as 'pem' | 'ppk' | undefined, tags: tagSpecs(p, 'key-pair'),
        });
        return { keyName: k.keyPair.name, keyFingerprint: k.keyPair.fingerprint, keyMaterial: k.keyMaterial, keyPairId: k.keyPair.id, tagSet: tagSet(k.tags) };
      },
    },
    ImportKeyPair: {
      operation: 'ImportKeyPair',
      params: ['KeyName', 'PublicKeyMaterial', 'TagSpecification'],
      handler: async (ctx, p) => {
        const material = p.required('PublicKeyMaterial');
        // The Query protocol carries the key base64-encoded (the SDKs encode the blob).
        if (!/^[A-Za-z0-9+/=\s]+$/.test(material)) throw invalidParameter('Value for parameter PublicKeyMaterial is invalid: it must be base64-encoded');
        const k = await this.keyPairs.import(ctx.tenant, { keyName: p.required('KeyName'), publicKeyMaterial: Buffer.from(material, 'base64'), tags: tagSpecs(p, 'key-pair') });
        return { keyFingerprint: k.keyPair.fingerprint, keyName: k.keyPair.name, keyPairId: k.keyPair.id, tagSet: tagSet(k.tags) };
      },
    },
    DescribeKeyPairs: {
      operation: 'DescribeKeyPairs',
      params: ['KeyName', 'KeyPairId', 'Filter', 'IncludePublicKey'],
      handler: async (ctx, p) => {
        const includePublicKey = p.bool('IncludePublicKey') ?? false;
        const r = await this.keyPairs.describe(ctx.tenant, { names: p.list('KeyName'), ids: p.list('KeyPairId'), match: matcher(p, KEY_PAIR_FILTERS) });
        return { keySet: items(r.items.map((v) => keyPairXml(v, includePublicKey))) };
      },
    },
    DeleteKeyPair: {
      operation: 'DeleteKeyPair',
      params: ['KeyName', 'KeyPairId'],
      handler: async (ctx, p) => {
        const keyPairId = await this.keyPairs.delete(ctx.tenant, { keyName: p.string('KeyName'), keyPairId: p.string('KeyPairId') });
        return { return: true, keyPairId };
      },
    },
  };

  private authorize(operation: string, egress: boolean) {
    return {
      operation,
      params: ['GroupId', 'GroupName', 'IpPermissions', 'TagSpecification', 'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'],
      handler: async (ctx: Ec2Context, p: Ec2Params) => {
        if (p.has('SourceSecurityGroupName') || p.has('SourceSecurityGroupOwnerId')) throw unsupported('the parameter SourceSecurityGroupName (use IpPermissions.N.Groups)');
        const r = await this.groups.authorize(ctx.tenant, {
          egress, groupId: p.string('GroupId'), groupName: egress ? undefined : p.string('GroupName'),
          permissions: [...permissions(p), ...shorthandPermission(p)], tags: tagSpecs(p, 'security-group-rule'),
        });
        return { return: true, securityGroupRuleSet: items(r.rules.map((x) => ruleXml(x, r.tags, ctx))) };
      },
    };
  }

  /** UpdateSecurityGroupRuleDescriptionsIngress / …Egress (GroupName: ingress only, the default VPC's). */
  private updateDescriptions(operation: string, egress: boolean) {
    return {
      operation,
      params: ['GroupId', 'GroupName', 'IpPermissions', 'SecurityGroupRuleDescription'],
      handler: async (ctx: Ec2Context, p: Ec2Params) => {
        if (egress && p.has('GroupName')) throw unsupported('the parameter GroupName for egress rules (use GroupId)');
        await this.groups.updateDescriptions(ctx.tenant, {
          egress, groupId: p.string('GroupId'), groupName: egress ? undefined : p.string('GroupName'), permissions: permissions(p),
          descriptions: p.structs('SecurityGroupRuleDescription').map((d) => ({ ruleId: d.required('SecurityGroupRuleId'), ...(d.string('Description') !== undefined ? { description: d.string('Description') } : {}) })),
        });
        return { return: true };
      },
    };
  }

  private revoke(operation: string, egress: boolean) {
    return {
      operation,
      params: ['GroupId', 'GroupName', 'IpPermissions', 'SecurityGroupRuleId', 'IpProtocol', 'FromPort', 'ToPort', 'CidrIp', 'SourceSecurityGroupName', 'SourceSecurityGroupOwnerId'],
      handler: async (ctx: Ec2Context, p: Ec2Params) => {
        if (p.has('SourceSecurityGroupName') || p.has('SourceSecurityGroupOwnerId')) throw unsupported('the parameter SourceSecurityGroupName (use IpPermissions.N.Groups)');
        const r = await this.groups.revoke(ctx.tenant, {
          egress, groupId: p.string('GroupId'), groupName: egress ? undefined : p.string('GroupName'),
          permissions: [...permissions(p), ...shorthandPermission(p)], ruleIds: p.list('SecurityGroupRuleId'),
        });
        return {
          return: true, unknownIpPermissionSet: items(r.unknown.map((x) => permissionXml(x, ctx))),
          revokedSecurityGroupRuleSet: items(r.revoked.map(revokedRuleXml)),
        };
      },
    };
  }
}
