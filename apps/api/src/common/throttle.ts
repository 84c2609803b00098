/**
 * EC2-style request throttling (the EC2 API's "request rate limiting"): every tenant has one token
 * bucket per API action; a request takes a token; buckets refill continuously. Non-mutating
 * actions: 100 tokens refilled at 20/s, as EC2 documents for its Describe* actions. Mutating
 * actions: 200 tokens at 5/s, EC2's default for unlisted mutating actions. Throttling is about
 * real request rates, so it runs on the wall clock (this is the app, not the simulation).
 */
export interface BucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export const NON_MUTATING: BucketSpec = { capacity: 100, refillPerSecond: 20 };
export const MUTATING: BucketSpec = { capacity: 200, refillPerSecond: 5 };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RequestThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clockMs: () => number = Date.now) {}

  /** Takes a token; returns 0 when allowed, else the seconds until one is available. */
  take(key: string, spec: BucketSpec): number {
    const now = this.clockMs();
    const b = this.buckets.get(key) ?? { tokens: spec.capacity, atMs: now };
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.atMs) / 1000) * spec.refillPerSecond);
    b.atMs = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / spec.refillPerSecond);
  }
}
