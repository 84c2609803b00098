import { ApiError } from '../common/api-errors';

/** Opaque keyset pagination token: the last instance id of the previous page. */
export function encodePageToken(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && /^i-[0-9a-f]{17}$/.test(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}
