import { randomBytes } from 'node:crypto';

/** EC2-style resource ids: a prefix and 17 lowercase hex digits (`i-0123456789abcdef0`). */
export function resourceId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;
}

export const ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{17}$`);
