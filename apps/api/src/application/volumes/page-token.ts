import { ApiError } from '../common/api-errors';
import { ID_PATTERN } from '../common/ids';

export { encodePageToken } from '../instances/page-token';

/** The last volume id of the previous page (same opaque format as the instances' tokens). */
export function decodeVolumePageToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && ID_PATTERN('vol').test(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new ApiError('InvalidPaginationToken', 'The nextToken is not valid');
}
