import { ApiError } from '../../application/common/api-errors';
import type { Ec2Params } from './ec2-action';

/**
 * EC2's rule for the Describe actions whose reference says "You cannot specify this parameter and
 * the … IDs parameter in the same request" (DescribeInstances, DescribeInstanceStatus,
 * DescribeInstanceCreditSpecifications, DescribeVolumes, DescribeHosts, DescribeNetworkInterfaces):
 * `MaxResults` beside ids is InvalidParameterCombination.
 */
export function refuseMaxResultsWithIds(p: Ec2Params, idParam: string): void {
  if (p.list(idParam).length > 0 && p.string('MaxResults') !== undefined) {
    throw new ApiError('InvalidParameterCombination', `The parameter ${idParam} cannot be used with the parameter MaxResults`);
  }
}

/**
 * A page token for lists the adapter pages itself (catalog answers, tags): an opaque offset.
 * Lists the application pages keep the application's tokens.
 */
export function encodeIndexToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

export function decodeIndexToken(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof v.offset === 'number' && Number.isInteger(v.offset) && v.offset >= 0) return v.offset;
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The NextToken is not valid');
}

/** A page of `all` from a token, and the token of the next page. */
export function pageOf<T>(all: readonly T[], maxResults: number, nextToken: string | undefined): { page: T[]; nextToken?: string } {
  const from = nextToken ? decodeIndexToken(nextToken) : 0;
  return { page: all.slice(from, from + maxResults), ...(from + maxResults < all.length ? { nextToken: encodeIndexToken(from + maxResults) } : {}) };
}
