import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys are 256 random bits, so SHA-256 is enough to store them (no password stretching needed). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newSecretKey(prefix: 'nmb' | 'nmbadmin'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Longer than any key Nimbus issues or accepts as the admin key: refused before it is hashed. */
export const MAX_KEY_LENGTH = 512;

/** `nmb_` and 32 random bytes in base64url, as newSecretKey makes them. */
const TENANT_KEY = /^nmb_[A-Za-z0-9_-]{43}$/;

/** Whether a key could be a tenant key at all: anything else is refused without a database look-up. */
export function isTenantKeyShaped(key: string): boolean {
  return TENANT_KEY.test(key);
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
