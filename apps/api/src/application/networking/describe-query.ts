import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { encodePageToken } from '../instances/page-token';

/**
 * What the networking Describe actions share: EC2's filters (`Filter.N.Name` / `Value.M`, with `*`
 * and `?` wildcards, values of one filter ORed, filters ANDed; `tag:<key>`, `tag-key`, `tag-value`),
 * lookups by id that fail with the resource's NotFound code, and keyset pages by id.
 */

export interface DescribeFilter {
  readonly name: string;
  readonly values: readonly string[];
}

/** A Describe request: ids (all must exist), filters, and a page. */
export interface DescribeQuery {
  readonly ids?: readonly string[];
  readonly filters?: readonly DescribeFilter[];
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** A resource's values for each filter name it supports (one or many; undefined: no value). */
export type FilterFields<T> = Readonly<Record<string, (r: T) => string | boolean | number | undefined | readonly (string | undefined)[]>>;

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
export const RULE_ID: IdKind = { prefix: 'sgr', notFound: 'InvalidSecurityGroupRuleId.NotFound', malformed: 'InvalidSecurityGroupRuleId.Malformed', noun: 'security group rule ID' };

/** EC2's ids: the prefix and 8 (older resources) or 17 hex digits. */
export function isWellFormed(kind: IdKind, id: string): boolean {
  return new RegExp(`^${kind.prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`).test(id);
}

export function notFoundError(kind: IdKind, id: string): ApiError {
  return notFound(kind.notFound, `The ${kind.noun} '${id}' does not exist`);
}

/** Throws the kind's Malformed error for an id that is not one of its ids. */
export function requireWellFormed(kind: IdKind, id: string): void {
  if (!isWellFormed(kind, id)) throw new ApiError(kind.malformed, `Invalid id: '${id}' (expecting '${kind.prefix}-' and 8 or 17 hex digits)`);
}

/** EC2's wildcard match: `*` any run, `?` one character, `\` escapes. */
export function wildcard(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += escapeRegExp(pattern[++i]);
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += escapeRegExp(c);
  }
  return new RegExp(`^${out}$`, 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The predicate of a request's filters over one kind of resource; an unknown filter name is
 * InvalidParameterValue, as on EC2. `tagsOf` gives a resource's tags for the tag filters.
 */
export function filterPredicate<T>(
  filters: readonly DescribeFilter[], fields: FilterFields<T>, tagsOf: (r: T) => Readonly<Record<string, string>>,
): (r: T) => boolean {
  const tests = filters.map((f): ((r: T) => boolean) => {
    const patterns = f.values.map(wildcard);
    const anyMatches = (values: readonly (string | undefined)[]) => values.some((v) => v !== undefined && patterns.some((p) => p.test(v)));
    if (f.name.startsWith('tag:')) {
      const key = f.name.slice(4);
      return (r) => anyMatches([tagsOf(r)[key]]);
    }
    if (f.name === 'tag-key') return (r) => anyMatches(Object.keys(tagsOf(r)));
    if (f.name === 'tag-value') return (r) => anyMatches(Object.values(tagsOf(r)));
    const field = fields[f.name];
    if (!field) throw invalidParameter(`The filter '${f.name}' is invalid`);
    return (r) => {
      const v = field(r);
      const list = Array.isArray(v) ? v : [v];
      return anyMatches(list.map((x) => (x === undefined ? undefined : String(x))));
    };
  });
  return (r) => tests.every((t) => t(r));
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
export function describe<T>(
  all: readonly T[], idOf: (r: T) => string, kind: IdKind, q: DescribeQuery, fields: FilterFields<T>, tagsOf: (r: T) => Readonly<Record<string, string>>,
): Page<T> {
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
  if (q.filters && q.filters.length > 0) rows = rows.filter(filterPredicate(q.filters, fields, tagsOf));
  if (q.nextToken) {
    const after = afterIdOf(kind, q.nextToken);
    rows = rows.filter((r) => idOf(r) > after);
  }
  if (q.maxResults === undefined || rows.length <= q.maxResults) return { items: rows };
  const items = rows.slice(0, q.maxResults);
  return { items, nextToken: encodePageToken(idOf(items[items.length - 1])) };
}
