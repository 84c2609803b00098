import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys are 256 random bits, so SHA-256 is enough to store them (no password stretching needed). */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function newSecretKey(prefix: 'nmb' | 'nmbadmin'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
