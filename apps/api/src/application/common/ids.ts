import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for ids and MAC addresses, drawn from the CSPRNG a page at a time: one `getrandom`
 * call per 455 ids rather than one per id (a launch makes two, and a MAC address).
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `bytes` random bytes (at most the pool's 4,096) as lowercase hex, from the pool. */
export function randomHex(bytes: number): string {
  if (bytes > pool.length) throw new RangeError(`randomHex: at most ${pool.length} bytes, not ${bytes}`);
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

/** EC2-style resource ids: a prefix and 17 lowercase hex digits (`i-0123456789abcdef0`). */
export function resourceId(prefix: string): string {
  return `${prefix}-${randomHex(9).slice(0, 17)}`;
}

export const ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{17}$`);

/**
 * An id EC2 takes as well formed: the prefix and 8 or 17 hex digits ("Resource IDs", EC2 User
 * Guide: resources created before the longer format, e.g. `i-1a2b3c4d`, keep their 8-character ids).
 * Nimbus makes 17-digit ids only, so an 8-digit one is well formed but never found.
 */
export const EC2_ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);
