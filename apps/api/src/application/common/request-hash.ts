import { createHash } from 'node:crypto';

/** A value with its objects' keys sorted, so that two equal requests serialize alike. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

/** What a repeated client token is matched on: the SHA-256 of the request's canonical JSON (EC2's idempotency: the same request answers the first result). */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');
}
