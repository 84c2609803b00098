import { BucketSpec, operationSpec } from './operations';
import { DEFAULT_REQUEST_LIMITS, effectiveBuckets, RequestLimits } from './request-limits';
import { TokenBucket } from './token-bucket';

/** Milliseconds from a monotonic source: injected, so tests freeze and step it. */
export type ThrottleClock = () => number;

export interface ThrottleRequest {
  readonly tenantId: string;
  /** The EC2 action (operations.ts). */
  readonly operation: string;
  /**
   * Whether the request filtered or paginated its results: the "unfiltered and unpaginated"
   * Describe actions take the smaller bucket when it did neither. Ignored for other operations.
   */
  readonly filteredOrPaginated?: boolean;
  /** Instances the request affects, for operations with resource rate limiting (default 1). */
  readonly resourceCount?: number;
  /** The tenant's raised limits, if any. */
  readonly limits?: RequestLimits;
}

export type ThrottleDecision =
  | {
      readonly allowed: true;
      /**
       * Gives the resource tokens back (capped at the bucket's size): the request failed, so it
       * affected no instance. Present only when the request drew on a resource bucket; call it once.
       */
      readonly refundResources?: () => void;
    }
  | {
      readonly allowed: false;
      readonly operation: string;
      /** Which bucket refused: one token per request, or one per instance. */
      readonly bucket: 'request' | 'resource';
      readonly spec: BucketSpec;
      /** Whole seconds until the request would pass; undefined if it never can (more than the bucket holds). */
      readonly retryAfterSeconds?: number;
      /** The exact wait behind `retryAfterSeconds`, in seconds, if no other request of the bucket takes a token first. */
      readonly waitSeconds?: number;
      readonly message: string;
    };

/**
 * EC2's request throttling, protocol-independent: one request bucket per (tenant, operation) —
 * two for the Describe actions with an "unfiltered and unpaginated" bucket — and a resource bucket
 * per (tenant, operation) for RunInstances and Start/Stop/TerminateInstances. A request passes only
 * if every bucket it draws from holds its tokens, and a refused request takes none.
 */
export class RequestThrottle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly refusals = new Map<string, { readonly untilMs: number; readonly decision: Extract<ThrottleDecision, { allowed: false }> }>();
  /** Told of each refusal, by operation (metrics). */
  onRefused?: (operation: string) => void;

  /**
   * `baseMultiplier` scales every tenant's limits on top of its own multiplier: 1 (EC2's figures)
   * in service; a test rig whose subject is not throttling raises it.
   */
  constructor(
    private readonly clockMs: ThrottleClock,
    private readonly baseMultiplier = 1,
  ) {}

  take(req: ThrottleRequest): ThrottleDecision {
    const spec = operationSpec(req.operation);
    const unfiltered = spec.unfiltered !== undefined && req.filteredOrPaginated === false;
    const own = req.limits ?? DEFAULT_REQUEST_LIMITS;
    const limits = this.baseMultiplier === 1 ? own : { ...own, multiplier: own.multiplier * this.baseMultiplier };
    const effective = effectiveBuckets(spec, limits, unfiltered);
    const now = this.clockMs();

    const requestKey = `${req.tenantId}\u0000${spec.name}\u0000${unfiltered ? 'unfiltered' : 'request'}`;
    const request = this.bucket(requestKey, effective.request, now);
    const requestWait = request.secondsUntil(1, effective.request);
    let resource: TokenBucket | undefined;
    let resourceWait = 0;
    const count = Math.max(1, Math.floor(req.resourceCount ?? 1));
    if (effective.resource) {
      resource = this.bucket(`${req.tenantId}\u0000${spec.name}\u0000resource`, effective.resource, now);
      resourceWait = resource.secondsUntil(count, effective.resource);
    }
    if (requestWait === 0 && resourceWait === 0) {
      request.take(1);
      if (!resource) return { allowed: true };
      resource.take(count);
      const drawn = resource;
      let refunded = false;
      return {
        allowed: true,
        refundResources: () => {
          if (refunded) return;
          refunded = true;
          drawn.give(count);
        },
      };
    }
    this.onRefused?.(spec.name);
    const byResource = resourceWait > requestWait;
    const bucket = byResource ? 'resource' : 'request';
    const bucketSpec = byResource ? effective.resource! : effective.request;
    const wait = Math.max(requestWait, resourceWait);
    const what = byResource
      ? `its resource bucket (${fmt(bucketSpec.bucketSize)} instances, refilled at ${fmt(bucketSpec.refillPerSecond)}/s) cannot cover ${count} instance${count === 1 ? '' : 's'}`
      : `its ${unfiltered ? 'unfiltered and unpaginated ' : ''}request bucket (${fmt(bucketSpec.bucketSize)} tokens, refilled at ${fmt(bucketSpec.refillPerSecond)}/s) is empty`;
    if (!Number.isFinite(wait)) {
      return { allowed: false, operation: spec.name, bucket, spec: bucketSpec, message: `Request limit exceeded for ${spec.name}: ${what}, and never can; ask for fewer.` };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil(wait - 1e-9));
    return { allowed: false, operation: spec.name, bucket, spec: bucketSpec, retryAfterSeconds, waitSeconds: wait, message: `Request limit exceeded for ${spec.name}: ${what}; retry after ${retryAfterSeconds} s.` };
  }

  /**
   * Remembers a refusal by the request bucket under `key` (the adapter's: the caller's key and the
   * route) until that bucket could hold a token again. Until then `refusalFor(key)` answers the
   * same refusal without authenticating or routing the request: a bucket only refills at its rate,
   * and other requests only take from it, so nothing it would have allowed is refused. Forgotten
   * at once when a key is revoked or a tenant's limits change (`forgetRefusals`).
   */
  remember(key: string, decision: ThrottleDecision): void {
    if (decision.allowed || decision.bucket !== 'request' || decision.waitSeconds === undefined) return;
    if (this.refusals.size >= MAX_REMEMBERED_REFUSALS) this.refusals.clear();
    this.refusals.set(key, { untilMs: this.clockMs() + decision.waitSeconds * 1000, decision });
  }

  /**
   * The refusal remembered under `key`, while it holds (counted as a refusal, as `take`'s are), and
   * the milliseconds until its bucket could hold a token again.
   */
  refusalFor(key: string): { decision: Extract<ThrottleDecision, { allowed: false }>; remainingMs: number } | undefined {
    const r = this.refusals.get(key);
    if (!r) return undefined;
    const now = this.clockMs();
    if (now >= r.untilMs) {
      this.refusals.delete(key);
      return undefined;
    }
    this.onRefused?.(r.decision.operation);
    return { decision: r.decision, remainingMs: r.untilMs - now };
  }

  forgetRefusals(): void {
    this.refusals.clear();
  }

  private bucket(key: string, spec: BucketSpec, now: number): TokenBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new TokenBucket(spec, now);
      this.buckets.set(key, b);
    } else b.refill(spec, now);
    return b;
  }
}

/** Remembered refusals kept at most (each lives a fraction of a second; past this many, all are dropped). */
const MAX_REMEMBERED_REFUSALS = 10_000;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3))));
