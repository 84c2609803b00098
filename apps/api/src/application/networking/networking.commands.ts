import type { DescribeQuery } from './describe-query';

/** The tenant's commands and queries on its networking (NetworkingService, SecurityGroupsService, KeyPairsService). */

export interface CreateVpcCommand {
  readonly cidrBlock: string;
  readonly instanceTenancy?: 'default' | 'dedicated';
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** ModifyVpcAttribute: exactly one attribute (vpc-attributes.ts). */
export interface ModifyVpcAttributeCommand {
  readonly vpcId: string;
  readonly enableDnsSupport?: boolean;
  readonly enableDnsHostnames?: boolean;
  readonly enableNetworkAddressUsageMetrics?: boolean;
}

export interface CreateSubnetCommand {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** CreateDefaultSubnet: the zone whose default subnet the default VPC gets. */
export interface CreateDefaultSubnetCommand {
  readonly availabilityZone: string;
}

/** ModifySubnetAttribute's subset Nimbus keeps: whether launches in the subnet get a public address. */
export interface ModifySubnetAttributeCommand {
  readonly subnetId: string;
  readonly mapPublicIpOnLaunch: boolean;
}

export interface CreateNetworkInterfaceCommand {
  readonly subnetId: string;
  /** The primary address; default: the lowest free one. */
  readonly privateIpAddress?: string;
  /** Secondary addresses asked by value (not with `secondaryPrivateIpAddressCount`). */
  readonly secondaryPrivateIpAddresses?: readonly string[];
  /** Secondary addresses to allocate, the lowest free ones (not with `secondaryPrivateIpAddresses`). */
  readonly secondaryPrivateIpAddressCount?: number;
  readonly groupIds?: readonly string[];
  readonly description?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
  /** Idempotency: the same token and request answer the same interface. */
  readonly clientToken?: string;
}

/** AssignPrivateIpAddresses: secondary addresses by value, or a count of them (one of the two). */
export interface AssignPrivateIpAddressesCommand {
  readonly networkInterfaceId: string;
  readonly privateIpAddresses?: readonly string[];
  readonly secondaryPrivateIpAddressCount?: number;
}

/** UnassignPrivateIpAddresses: secondary addresses of the interface. */
export interface UnassignPrivateIpAddressesCommand {
  readonly networkInterfaceId: string;
  readonly privateIpAddresses: readonly string[];
}

export interface AttachNetworkInterfaceCommand {
  readonly networkInterfaceId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
}

export interface DetachNetworkInterfaceCommand {
  readonly attachmentId: string;
  readonly force?: boolean;
}

/** ModifyNetworkInterfaceAttribute's subset Nimbus keeps: the source/destination check, the groups, the description. */
export interface ModifyNetworkInterfaceCommand {
  readonly networkInterfaceId: string;
  readonly sourceDestCheck?: boolean;
  readonly groupIds?: readonly string[];
  readonly description?: string;
}

export interface CreateSecurityGroupCommand {
  readonly groupName: string;
  readonly description: string;
  /** Default: the tenant's default VPC. */
  readonly vpcId?: string;
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** A group named by id, or by name (default VPC only), as EC2's GroupId / GroupName. */
export interface GroupRefCommand {
  readonly groupId?: string;
  readonly groupName?: string;
}

export interface IpRange {
  readonly cidrIp: string;
  readonly description?: string;
}

export interface Ipv6Range {
  readonly cidrIpv6: string;
  readonly description?: string;
}

export interface GroupPair {
  readonly groupId?: string;
  readonly groupName?: string;
  readonly description?: string;
}

/** EC2's IpPermission. */
export interface IpPermission {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly ipRanges?: readonly IpRange[];
  readonly ipv6Ranges?: readonly Ipv6Range[];
  readonly groupPairs?: readonly GroupPair[];
}

export interface SecurityGroupRulesCommand extends GroupRefCommand {
  readonly egress: boolean;
  readonly permissions: readonly IpPermission[];
  /** Revoke only: rules by id (`sgr-…`). */
  readonly ruleIds?: readonly string[];
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** UpdateSecurityGroupRuleDescriptionsIngress / …Egress: descriptions by permission (matching existing rules) or by rule id; a description left out removes it. */
export interface SecurityGroupRuleDescriptionsCommand extends GroupRefCommand {
  readonly egress: boolean;
  readonly permissions: readonly IpPermission[];
  readonly descriptions: readonly { readonly ruleId: string; readonly description?: string }[];
}

/** EC2's SecurityGroupRuleRequest: a rule as ModifySecurityGroupRules writes it. */
export interface SecurityGroupRuleRequest {
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly referencedGroupId?: string;
  readonly description?: string;
}

/** ModifySecurityGroupRules: each rule (by id) replaced in place, keeping its id. */
export interface ModifySecurityGroupRulesCommand {
  readonly groupId: string;
  readonly rules: readonly { readonly ruleId: string; readonly rule: SecurityGroupRuleRequest }[];
}

export interface DescribeSecurityGroupsQuery<T> extends DescribeQuery<T> {
  /** Default VPC only, as EC2's GroupName.N. */
  readonly names?: readonly string[];
}

export interface CreateKeyPairCommand {
  readonly keyName: string;
  readonly keyType?: 'rsa' | 'ed25519';
  readonly keyFormat?: 'pem' | 'ppk';
  readonly tags?: Readonly<Record<string, unknown>>;
}

export interface ImportKeyPairCommand {
  readonly keyName: string;
  /** The public key (OpenSSH, RFC 4716 or PEM), as bytes. */
  readonly publicKeyMaterial: Buffer;
  readonly tags?: Readonly<Record<string, unknown>>;
}

export interface DescribeKeyPairsQuery<T> extends DescribeQuery<T> {
  readonly names?: readonly string[];
  readonly includePublicKey?: boolean;
}

export interface DeleteKeyPairCommand {
  readonly keyName?: string;
  readonly keyPairId?: string;
}

/** A tag to delete: by key, or by key and value (deleted only if the value matches), as DeleteTags. */
export interface TagToDelete {
  readonly key: string;
  readonly value?: string;
}

/** AllocateAddress: an Elastic IP from the public pool, with its tags. */
export interface AllocateAddressCommand {
  readonly tags?: Readonly<Record<string, unknown>>;
}

/** DescribeAddresses: by allocation id or by address (each must be the tenant's), then a filter over the views. */
export interface DescribeAddressesQuery<T> {
  readonly allocationIds?: readonly string[];
  readonly publicIps?: readonly string[];
  readonly match?: (view: T) => boolean;
}

/** AssociateAddress: an Elastic IP to an instance (its only interface) or to an interface, on one of its private addresses. */
export interface AssociateAddressCommand {
  readonly allocationId: string;
  readonly instanceId?: string;
  readonly networkInterfaceId?: string;
  /** The primary or a secondary address of the interface; default: its primary. */
  readonly privateIpAddress?: string;
  /** false: refuse an Elastic IP associated elsewhere (Resource.AlreadyAssociated); default: move it. */
  readonly allowReassociation?: boolean;
}
