import { BucketSpec } from './operations';

/**
 * One token bucket (https://en.wikipedia.org/wiki/Token_bucket), as EC2 describes its own: it
 * starts full, regains `refillPerSecond` tokens a second up to `bucketSize`, and a request passes
 * only if the bucket holds the tokens it needs. Refill is continuous (EC2 adds a second's tokens
 * each second; spread out, the sustained rate and the burst are the same).
 */
export class TokenBucket {
  private tokens: number;
  private capacity: number;

  constructor(spec: BucketSpec, private atMs: number) {
    this.tokens = spec.bucketSize;
    this.capacity = spec.bucketSize;
  }

  /** Brings the bucket to `nowMs` under `spec` (a raised or lowered size takes effect at once). */
  refill(spec: BucketSpec, nowMs: number): void {
    if (spec.bucketSize !== this.capacity) {
      // A limit increase adds its extra burst now; a decrease takes it away.
      this.tokens = Math.max(0, this.tokens + spec.bucketSize - this.capacity);
      this.capacity = spec.bucketSize;
    }
    const elapsedMs = Math.max(0, nowMs - this.atMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs / 1000) * spec.refillPerSecond);
    this.atMs = Math.max(this.atMs, nowMs);
  }

  /** Seconds until `count` tokens are in the bucket (0 if they are now); Infinity if it can never hold them. */
  secondsUntil(count: number, spec: BucketSpec): number {
    const missing = count - this.tokens;
    if (missing <= EPSILON) return 0;
    if (count > this.capacity + EPSILON) return Infinity;
    return missing / spec.refillPerSecond;
  }

  take(count: number): void {
    this.tokens = Math.max(0, this.tokens - count);
  }

  /** Tokens given back (a refund), never beyond the bucket's size. */
  give(count: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + count);
  }

  get available(): number {
    return this.tokens;
  }
}

/** Float slack: 0.1-token refill rates (as EC2 has) must still add up to whole tokens. */
const EPSILON = 1e-9;
