import { ApiError, notFound } from '../common/api-errors';
import { checkEc2Id, isEc2Id } from '../common/ids';
import { encodePageToken } from '../instances/page-token';

/**
 * What the networking Describe actions share: lookups by id that fail with the resource's NotFound
 * code, a filter (the adapter's: EC2's Filter.N semantics live in http/ec2/ec2-filters.ts), and
 * keyset pages by id.
 */

/** A Describe request: ids (all must exist), a filter over the resources' views, and a page. */
export interface DescribeQuery<T = never> {
  readonly ids?: readonly string[];
  readonly match?: (view: T) => boolean;
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** A resource kind's id prefix and EC2's error codes for its ids. */
export interface IdKind {
  readonly prefix: string;
  readonly notFound: string;
  readonly malformed: string;
  /** The noun in messages ("vpc ID", "subnet ID"). */
  readonly noun: string;
}

export const VPC_ID: IdKind = { prefix: 'vpc', notFound: 'InvalidVpcID.NotFound', malformed: 'InvalidVpcID.Malformed', noun: 'vpc ID' };
export const SUBNET_ID: IdKind = { prefix: 'subnet', notFound: 'InvalidSubnetID.NotFound', malformed: 'InvalidSubnetID.Malformed', noun: 'subnet ID' };
export const GROUP_ID: IdKind = { prefix: 'sg', notFound: 'InvalidGroup.NotFound', malformed: 'InvalidGroupId.Malformed', noun: 'security group ID' };
export const INTERFACE_ID: IdKind = {
  prefix: 'eni', notFound: 'InvalidNetworkInterfaceID.NotFound', malformed: 'InvalidNetworkInterfaceID.Malformed', noun: 'network interface ID',
};
export const KEY_PAIR_ID: IdKind = { prefix: 'key', notFound: 'InvalidKeyPair.NotFound', malformed: 'InvalidKeyPair.NotFound', noun: 'key pair ID' };
export const ATTACHMENT_ID: IdKind = { prefix: 'eni-attach', notFound: 'InvalidAttachmentID.NotFound', malformed: 'InvalidAttachmentID.Malformed', noun: 'attachment ID' };
/**
 * Elastic IPs' allocation and association ids. EC2's error codes list no `.Malformed` code for
 * either (API Reference, "Error codes"): a malformed one is answered as not found.
 */
export const ELASTIC_IP_ID: IdKind = { prefix: 'eipalloc', notFound: 'InvalidAllocationID.NotFound', malformed: 'InvalidAllocationID.NotFound', noun: 'allocation ID' };
export const ASSOCIATION_ID: IdKind = { prefix: 'eipassoc', notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.NotFound', noun: 'association ID' };
export const GATEWAY_ID: IdKind = { prefix: 'igw', notFound: 'InvalidInternetGatewayID.NotFound', malformed: 'InvalidInternetGatewayID.Malformed', noun: 'internet gateway ID' };
export const ROUTE_TABLE_ID: IdKind = { prefix: 'rtb', notFound: 'InvalidRouteTableID.NotFound', malformed: 'InvalidRouteTableID.Malformed', noun: 'route table ID' };
/** EC2's error codes list no `.Malformed` code for a route table association id: a malformed one is not found. */
export const ROUTE_ASSOCIATION_ID: IdKind = { prefix: 'rtbassoc', notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.NotFound', noun: 'association ID' };
export const NETWORK_ACL_ID: IdKind = { prefix: 'acl', notFound: 'InvalidNetworkAclID.NotFound', malformed: 'InvalidNetworkAclID.Malformed', noun: 'network ACL ID' };
/** Likewise for a network ACL association id. */
export const ACL_ASSOCIATION_ID: IdKind = { prefix: 'aclassoc', notFound: 'InvalidAssociationID.NotFound', malformed: 'InvalidAssociationID.NotFound', noun: 'association ID' };
export const RULE_ID: IdKind = { prefix: 'sgr', notFound: 'InvalidSecurityGroupRuleId.NotFound', malformed: 'InvalidSecurityGroupRuleId.Malformed', noun: 'security group rule ID' };

/** EC2's ids: the prefix and 8 (older resources) or 17 hex digits. */
export function isWellFormed(kind: IdKind, id: string): boolean {
  return isEc2Id(kind.prefix, id);
}

/** EC2's DependencyViolation for a resource that others still use ("The vpc 'vpc-…' has dependencies and cannot be deleted."). */
export function dependencyViolation(what: string, id: string): ApiError {
  return new ApiError('DependencyViolation', `The ${what} '${id}' has dependencies and cannot be deleted.`);
}

export function notFoundError(kind: IdKind, id: string): ApiError {
  return notFound(kind.notFound, `The ${kind.noun} '${id}' does not exist`);
}

/** Throws the kind's Malformed error for an id that is not one of its ids. */
export function requireWellFormed(kind: IdKind, id: string): void {
  checkEc2Id(kind.malformed, kind.prefix, id);
}

/** The page token's last id (the format of application/instances/page-token.ts), checked against the kind. */
function afterIdOf(kind: IdKind, token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && isWellFormed(kind, parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}

/**
 * A Describe over the tenant's resources, sorted by id: the named ids must all exist (else the
 * first missing one's NotFound), then the filters, then the page.
 */
export function describe<T>(all: readonly T[], idOf: (r: T) => string, kind: IdKind, q: DescribeQuery<T>): Page<T> {
  let rows = [...all].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0));
  if (q.ids && q.ids.length > 0) {
    const byId = new Map(rows.map((r) => [idOf(r), r]));
    for (const id of q.ids) {
      requireWellFormed(kind, id);
      if (!byId.has(id)) throw notFoundError(kind, id);
    }
    const wanted = new Set(q.ids);
    rows = rows.filter((r) => wanted.has(idOf(r)));
  }
  if (q.match) rows = rows.filter(q.match);
  if (q.nextToken) {
    const after = afterIdOf(kind, q.nextToken);
    rows = rows.filter((r) => idOf(r) > after);
  }
  if (q.maxResults === undefined || rows.length <= q.maxResults) return { items: rows };
  const items = rows.slice(0, q.maxResults);
  return { items, nextToken: encodePageToken(idOf(items[items.length - 1])) };
}
