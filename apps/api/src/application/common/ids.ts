import { createHash, randomFillSync } from 'node:crypto';
import { ApiError } from './api-errors';

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

/** 2020-01-01T00:00:00Z: the origin of the ids' counter. */
const ID_EPOCH_MS = Date.UTC(2020, 0, 1);
/** The counter's 12 hex digits wrap after 16^12 steps: at 256 per millisecond, in 2054. */
const ID_COUNTER_SPAN = 16 ** 12;
/** The ids' counter: 256 steps per millisecond since ID_EPOCH_MS at start, then one per id. */
let idCounter = Math.floor((Date.now() - ID_EPOCH_MS) * 256);

/**
 * EC2-style resource ids: a prefix and 17 lowercase hex digits (`i-0123456789abcdef0`).
 *
 * The first 12 digits are a counter, the last 5 random (20 bits). The counter starts from the
 * clock (256 steps per millisecond since 2020) and moves one step per id. Ids made close together
 * therefore sort together, as UUIDv7 and ULIDs do (RFC 9562 §6.2), and a group commit's new rows
 * land on the same few pages of each index keyed by an id (an instance's, its tags', its
 * interface's) instead of one page per row: a third less for SQLite to write at each commit
 * (docs/benchmarks.md, sixteenth session). The counter makes ids unique within the process; a
 * restart starts it ahead of any id made before, unless the clock went back or the last process
 * made more than 256 ids per millisecond of its life; the random digits cover those cases.
 */
export function resourceId(prefix: string): string {
  const counter = idCounter++ % ID_COUNTER_SPAN;
  return `${prefix}-${counter.toString(16).padStart(12, '0')}${randomHex(3).slice(0, 5)}`;
}

/**
 * A short EC2 id: the prefix and 8 random lowercase hex digits, as EC2 still writes some kinds
 * (`sir-a1b2c3d4`: RequestSpotInstances' and DescribeSpotInstanceRequests' examples, EC2 API
 * Reference). 32 random bits collide far sooner than resourceId's 17 digits, so the caller checks
 * each against what is stored (`taken`) and draws again: a collision never overwrites a row.
 */
export async function shortResourceId(prefix: string, taken: (id: string) => Promise<boolean>): Promise<string> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const id = `${prefix}-${randomHex(4)}`;
    if (!(await taken(id))) return id;
  }
  // Sixteen collisions in a row: the space of this prefix is nearly full; a longer id never collides with a short one.
  return resourceId(prefix);
}

export const ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{17}$`);

/**
 * An id EC2 takes as well formed: the prefix and 8 or 17 hex digits ("Resource IDs", EC2 User
 * Guide: resources created before the longer format, e.g. `i-1a2b3c4d`, keep their 8-character ids).
 * Nimbus makes 17-digit ids only, so an 8-digit one is well formed but never found.
 */
export const EC2_ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

/** EC2_ID_PATTERN of each prefix asked, compiled once. */
const ec2IdPatterns = new Map<string, RegExp>();

/** Whether `id` is one of EC2's ids of `prefix` (EC2_ID_PATTERN). */
export function isEc2Id(prefix: string, id: string): boolean {
  let pattern = ec2IdPatterns.get(prefix);
  if (pattern === undefined) ec2IdPatterns.set(prefix, (pattern = EC2_ID_PATTERN(prefix)));
  return pattern.test(id);
}

/**
 * EC2's Malformed error `code` unless `id` is one of its ids of `prefix`, worded as EC2 words it:
 * `Invalid id: "i-zz" (expecting "i-...")`. The one check and message for every resource whose
 * Malformed code has these words (instances, images, volumes, snapshots, the networking ids); the
 * id is echoed to 64 characters at the most.
 */
export function checkEc2Id(code: string, prefix: string, id: string): void {
  if (!isEc2Id(prefix, id)) throw new ApiError(code, `Invalid id: "${id.slice(0, 64)}" (expecting "${prefix}-...")`);
}

/** An id a client token names: the prefix and 17 hex digits of a hash of what the token is scoped to (idempotency without a token column). */
export const tokenId = (prefix: string, scope: string) => `${prefix}-${createHash('sha256').update(scope).digest('hex').slice(0, 17)}`;

/** A Create action's new id: random, or with a client token named by it (tenant, action, token), so a retry derives the same id and finds what it made. */
export const createdId = (prefix: string, action: string, tenantId: string, clientToken: string | undefined): string =>
  clientToken === undefined ? resourceId(prefix) : tokenId(prefix, `${action}\0${tenantId}\0${clientToken}`);
