import { ApiError, invalidParameter } from '../common/api-errors';
import type { VpcEntity } from '../../persistence/entities';

/**
 * A VPC's attributes (EC2's DescribeVpcAttribute and ModifyVpcAttribute) and a subnet's
 * (ModifySubnetAttribute), and what they change. One rule, one place: the networking service
 * applies these changes, and every view of a public address asks `givesPublicDnsNames`.
 */
export const VPC_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames', 'enableNetworkAddressUsageMetrics'] as const;
export type VpcAttribute = (typeof VPC_ATTRIBUTES)[number];
export type VpcAttributes = Readonly<Record<VpcAttribute, boolean>>;

export const isVpcAttribute = (name: string): name is VpcAttribute => (VPC_ATTRIBUTES as readonly string[]).includes(name);

/**
 * EC2's defaults: a default VPC resolves names and gives its instances DNS hostnames; any other VPC
 * resolves names only. Network Address Usage metrics are off in both.
 */
export const defaultVpcAttributes = (isDefault: boolean): VpcAttributes => ({
  enableDnsSupport: true, enableDnsHostnames: isDefault, enableNetworkAddressUsageMetrics: false,
});

export const vpcAttributesOf = (vpc: VpcEntity): VpcAttributes => ({
  enableDnsSupport: vpc.enableDnsSupport, enableDnsHostnames: vpc.enableDnsHostnames, enableNetworkAddressUsageMetrics: vpc.enableNetworkAddressUsageMetrics,
});

/**
 * An instance's public address has a public DNS name (`ec2-…compute-1.amazonaws.com`) only in a
 * VPC with both DNS support and DNS hostnames on (EC2's rule); elsewhere its name is empty. Private
 * DNS names do not depend on them.
 */
export const givesPublicDnsNames = (vpc: Pick<VpcAttributes, 'enableDnsSupport' | 'enableDnsHostnames'>): boolean => vpc.enableDnsSupport && vpc.enableDnsHostnames;

/**
 * The one attribute a ModifyVpcAttribute changes, checked as EC2 does: exactly one per request
 * ("Fields for multiple attribute types specified: …"), and DNS hostnames turned on only where DNS
 * support is on. Turning DNS support off is not refused; the VPC then gives no public DNS names
 * (`givesPublicDnsNames`) until it is on again.
 */
export function vpcAttributeChange(current: VpcAttributes, asked: Partial<VpcAttributes>): Partial<VpcAttributes> {
  const named = VPC_ATTRIBUTES.filter((a) => asked[a] !== undefined);
  if (named.length === 0) throw new ApiError('MissingParameter', `The request must contain one of the parameters ${VPC_ATTRIBUTES.map((a) => a[0].toUpperCase() + a.slice(1)).join(', ')}`);
  if (named.length > 1) throw new ApiError('InvalidParameterCombination', `Fields for multiple attribute types specified: ${named.join(', ')}`);
  const change = { [named[0]]: asked[named[0]] } as Partial<VpcAttributes>;
  if (change.enableDnsHostnames === true && !current.enableDnsSupport) {
    throw invalidParameter('DNS hostnames can only be turned on in a VPC with DNS support: turn enableDnsSupport on first.');
  }
  return change;
}
