import { ApiError } from '../../application/common/api-errors';

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
