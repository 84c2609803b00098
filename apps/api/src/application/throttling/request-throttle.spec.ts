import { OPERATIONS, operationSpec } from './operations';
import { parseRequestLimits, RequestLimits } from './request-limits';
import { RequestThrottle, ThrottleRequest } from './request-throttle';

/** A throttle on a clock the test moves by hand. */
function rig() {
  let now = 1_000_000;
  const sut = new RequestThrottle(() => now);
  const advance = (seconds: number) => (now += seconds * 1000);
  /** How many requests pass in a row, right now (at most `max`). */
  const burst = (req: ThrottleRequest, max = 100_000) => {
    let n = 0;
    while (n < max && sut.take(req).allowed) n++;
    return n;
  };
  return { sut, advance, burst };
}

const T = 't-1';

describe('RequestThrottle: the bucket math', () => {
  it('a mutating bucket (50 at 5/s): 50 at once, the 51st waits 1 s, after 2 s exactly 10 more', () => {
    const { sut, advance, burst } = rig();
    const attach = { tenantId: T, operation: 'AttachVolume' };
    expect(burst(attach)).toBe(50);
    expect(sut.take(attach)).toMatchObject({ allowed: false, bucket: 'request', retryAfterSeconds: 1, spec: { bucketSize: 50, refillPerSecond: 5 } });
    advance(2);
    expect(burst(attach)).toBe(10);
    advance(0.1); // half a token
    expect(sut.take(attach)).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it('a non-mutating bucket (100 at 20/s) refills in 5 s and never holds more than 100', () => {
    const { advance, burst } = rig();
    const hosts = { tenantId: T, operation: 'DescribeHosts' };
    expect(burst(hosts)).toBe(100);
    advance(2.5);
    expect(burst(hosts)).toBe(50);
    advance(3600);
    expect(burst(hosts)).toBe(100);
  });

  it('DescribeInstances with neither filter nor pagination draws from its own 50-token bucket at 10/s', () => {
    const { sut, advance, burst } = rig();
    const unfiltered = { tenantId: T, operation: 'DescribeInstances', filteredOrPaginated: false };
    const filtered = { tenantId: T, operation: 'DescribeInstances', filteredOrPaginated: true };
    expect(burst(unfiltered)).toBe(50);
    expect(sut.take(unfiltered)).toMatchObject({ allowed: false, retryAfterSeconds: 1, spec: { bucketSize: 50, refillPerSecond: 10 } });
    expect(burst(filtered)).toBe(100);
    advance(1);
    expect(burst(unfiltered)).toBe(10);
    expect(burst(filtered)).toBe(20);
  });

  it('the filter flag changes nothing for an action outside the unfiltered subset', () => {
    const { burst } = rig();
    expect(burst({ tenantId: T, operation: 'DescribeHosts', filteredOrPaginated: false })).toBe(100);
  });

  it('keeps one bucket per tenant and operation', () => {
    const { sut, burst } = rig();
    expect(burst({ tenantId: T, operation: 'RebootInstances' })).toBe(50);
    expect(sut.take({ tenantId: T, operation: 'RebootInstances' }).allowed).toBe(false);
    expect(sut.take({ tenantId: 't-2', operation: 'RebootInstances' }).allowed).toBe(true);
    expect(sut.take({ tenantId: T, operation: 'StopInstances' }).allowed).toBe(true);
  });

  it('RunInstances: 5 requests at 2/s, and a resource bucket of 1000 instances at 2/s', () => {
    const { sut, advance, burst } = rig();
    const one = { tenantId: T, operation: 'RunInstances' };
    expect(burst(one)).toBe(5); // 5 instances used
    expect(sut.take(one)).toMatchObject({ allowed: false, bucket: 'request', retryAfterSeconds: 1, spec: { bucketSize: 5, refillPerSecond: 2 } });
    advance(3); // 6 more of each: the request bucket is capped at 5, the resource bucket at 1000
    const many = (n: number) => ({ tenantId: T, operation: 'RunInstances', resourceCount: n });
    expect(sut.take(many(500)).allowed).toBe(true);
    expect(sut.take(many(499)).allowed).toBe(true); // 1 instance left, 3 requests
    // 400 more instances need (400 − 1) / 2 = 199.5 s: the resource bucket refuses, and takes nothing.
    expect(sut.take(many(400))).toMatchObject({ allowed: false, bucket: 'resource', retryAfterSeconds: 200, spec: { bucketSize: 1000, refillPerSecond: 2 } });
    expect(sut.take(many(1)).allowed).toBe(true); // 0 instances left, 2 requests
    expect(sut.take(one)).toMatchObject({ allowed: false, bucket: 'resource', retryAfterSeconds: 1 });
    expect(burst(one)).toBe(0);
  });

  it('a refused resource request takes no request token either (all or nothing)', () => {
    const { sut, advance, burst } = rig();
    // A request bucket that barely refills, so only what the refusals left can pass later.
    const limits: RequestLimits = { multiplier: 1, operations: { StartInstances: { refillPerSecond: 0.001 } } };
    const start = (n: number) => ({ tenantId: T, operation: 'StartInstances', resourceCount: n, limits });
    expect(sut.take(start(1000)).allowed).toBe(true); // 4 requests left, no instances
    for (let i = 0; i < 10; i++) expect(sut.take(start(1))).toMatchObject({ allowed: false, bucket: 'resource', retryAfterSeconds: 1 });
    advance(50); // 100 instances back
    expect(burst(start(1))).toBe(4);
  });

  it('a failed RunInstances gives its resource tokens back, once, never beyond the bucket; the request token stays spent', () => {
    const { sut, advance } = rig();
    const run = (n: number) => ({ tenantId: T, operation: 'RunInstances', resourceCount: n });
    const failed = sut.take(run(600));
    expect(failed.allowed).toBe(true);
    // 400 instances left: 500 do not fit, until the failed launch's 600 come back.
    expect(sut.take(run(500))).toMatchObject({ allowed: false, bucket: 'resource' });
    if (!failed.allowed) throw new Error('unreachable');
    failed.refundResources!();
    failed.refundResources!(); // a second call gives nothing more
    expect(sut.take(run(1000)).allowed).toBe(true); // 1000 exactly, not 1600
    expect(sut.take(run(1))).toMatchObject({ allowed: false, bucket: 'resource' });
    // A refund after the bucket refilled is capped at its size: 700 left, refilled to 1000, plus 300 back, is 1000.
    advance(500);
    const drawn = sut.take(run(300));
    if (!drawn.allowed) throw new Error('expected to pass');
    advance(500);
    drawn.refundResources!();
    expect(sut.take(run(1000)).allowed).toBe(true);
    expect(sut.take(run(1))).toMatchObject({ allowed: false, bucket: 'resource' });
    // Operations without a resource bucket have nothing to give back.
    const describe = sut.take({ tenantId: T, operation: 'DescribeInstances' });
    expect(describe).toEqual({ allowed: true });
  });

  it('Stop and TerminateInstances refill their resource buckets at 20 instances/s', () => {
    const { sut, advance } = rig();
    for (const operation of ['StopInstances', 'TerminateInstances']) {
      expect(sut.take({ tenantId: T, operation, resourceCount: 1000 }).allowed).toBe(true);
      expect(sut.take({ tenantId: T, operation, resourceCount: 40 })).toMatchObject({ allowed: false, bucket: 'resource', retryAfterSeconds: 2 });
    }
    advance(2);
    expect(sut.take({ tenantId: T, operation: 'StopInstances', resourceCount: 40 }).allowed).toBe(true);
  });

  it('refuses without Retry-After a request for more instances than the bucket can ever hold', () => {
    const { sut } = rig();
    const d = sut.take({ tenantId: T, operation: 'RunInstances', resourceCount: 1001 });
    expect(d).toMatchObject({ allowed: false, bucket: 'resource' });
    expect('retryAfterSeconds' in d).toBe(false);
    expect(!d.allowed && d.message).toContain('RunInstances');
  });

  it('names the operation in its message', () => {
    const { sut, burst } = rig();
    burst({ tenantId: T, operation: 'CreateTags' });
    const d = sut.take({ tenantId: T, operation: 'CreateTags' });
    expect(!d.allowed && d.message).toBe('Request limit exceeded for CreateTags: its request bucket (100 tokens, refilled at 10/s) is empty; retry after 1 s.');
  });

  it('fractional refill rates add up to whole tokens (1 token at 0.1/s: Retry-After 10, then exactly 1 more)', () => {
    const { sut, advance, burst } = rig();
    const limits: RequestLimits = { multiplier: 1, operations: { RebootInstances: { bucketSize: 1, refillPerSecond: 0.1 } } };
    const req = { tenantId: T, operation: 'RebootInstances', limits };
    expect(burst(req)).toBe(1);
    expect(sut.take(req)).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
    for (let i = 0; i < 10; i++) advance(1);
    expect(burst(req)).toBe(1);
  });
});

describe('RequestThrottle: raised limits', () => {
  it('a multiplier scales the size and the refill of request and resource buckets', () => {
    const { advance, burst, sut } = rig();
    const limits: RequestLimits = { multiplier: 10, operations: {} };
    expect(burst({ tenantId: T, operation: 'AttachVolume', limits })).toBe(500);
    advance(1);
    expect(burst({ tenantId: T, operation: 'AttachVolume', limits })).toBe(50);
    expect(sut.take({ tenantId: T, operation: 'RunInstances', resourceCount: 10_000, limits }).allowed).toBe(true);
    expect(sut.take({ tenantId: T, operation: 'RunInstances', resourceCount: 1, limits })).toMatchObject({ allowed: false, bucket: 'resource' });
  });

  it('an operation’s own figures replace its category’s, and the multiplier scales them too', () => {
    const { burst } = rig();
    const own: RequestLimits = { multiplier: 1, operations: { RunInstances: { bucketSize: 20, refillPerSecond: 10 } } };
    expect(burst({ tenantId: T, operation: 'RunInstances', limits: own })).toBe(20);
    expect(burst({ tenantId: 't-2', operation: 'RunInstances', limits: { ...own, multiplier: 2 } })).toBe(40);
  });

  it('a raise takes effect at once: an empty bucket gains the extra burst without waiting', () => {
    const { sut, burst } = rig();
    const req = { tenantId: T, operation: 'DetachVolume' };
    expect(burst(req)).toBe(50);
    expect(sut.take(req).allowed).toBe(false);
    expect(burst({ ...req, limits: { multiplier: 3, operations: {} } })).toBe(100);
    expect(burst({ ...req, limits: { multiplier: 1, operations: {} } })).toBe(0);
  });
});

describe('the operation registry', () => {
  it('holds the page’s figures for the categories and the uncategorized actions Nimbus serves', () => {
    const figures = (name: string) => {
      const s = operationSpec(name);
      return [s.category, s.request.bucketSize, s.request.refillPerSecond, s.unfiltered?.bucketSize, s.resource?.bucketSize, s.resource?.refillPerSecond];
    };
    expect(figures('DescribeHosts')).toEqual(['non-mutating', 100, 20, undefined, undefined, undefined]);
    expect(figures('DescribeInstances')).toEqual(['non-mutating', 100, 20, 50, undefined, undefined]);
    expect(figures('DescribeVolumes')).toEqual(['non-mutating', 100, 20, 50, undefined, undefined]);
    expect(figures('AllocateHosts')).toEqual(['mutating', 50, 5, undefined, undefined, undefined]);
    expect(figures('CreateKeyPair')).toEqual(['resource-intensive', 50, 5, undefined, undefined, undefined]);
    expect(figures('RunInstances')).toEqual(['uncategorized', 5, 2, undefined, 1000, 2]);
    expect(figures('StartInstances')).toEqual(['uncategorized', 5, 2, undefined, 1000, 2]);
    expect(figures('TerminateInstances')).toEqual(['uncategorized', 100, 5, undefined, 1000, 20]);
    expect(figures('StopInstances')).toEqual(['mutating', 50, 5, undefined, 1000, 20]);
    expect(figures('CreateVolume')).toEqual(['uncategorized', 100, 5, undefined, undefined, undefined]);
    expect(figures('CreateTags')).toEqual(['uncategorized', 100, 10, undefined, undefined, undefined]);
  });

  it('names every operation as EC2 does: Describe/List/Get actions are non-mutating, no others are', () => {
    for (const [name, spec] of OPERATIONS) {
      expect({ name, readOnly: /^(Describe|List|Search|Get)/.test(name) }).toEqual({ name, readOnly: spec.category === 'non-mutating' });
    }
  });

  it('refuses an unknown operation loudly', () => {
    expect(() => operationSpec('DescribeEverything')).toThrow(/Unknown operation 'DescribeEverything'/);
  });
});

describe('parseRequestLimits', () => {
  it('reads a multiplier and per-operation figures; an omitted part keeps the current one', () => {
    const first = parseRequestLimits({ multiplier: 2.5, operations: { RunInstances: { bucketSize: 50, refillPerSecond: 0.5, resourceBucketSize: 5000 } } });
    expect(first).toEqual({ limits: { multiplier: 2.5, operations: { RunInstances: { bucketSize: 50, refillPerSecond: 0.5, resourceBucketSize: 5000 } } } });
    const next = parseRequestLimits({ multiplier: 4 }, 'limits' in first ? first.limits : undefined);
    expect(next).toEqual({ limits: { multiplier: 4, operations: { RunInstances: { bucketSize: 50, refillPerSecond: 0.5, resourceBucketSize: 5000 } } } });
  });

  it.each([
    [{ multiplier: 0.5 }, 'requestLimits.multiplier must be a number from 1 to 100000'],
    [{ multiplier: 100_001 }, 'requestLimits.multiplier must be a number from 1 to 100000'],
    [{ multiplier: '2' }, 'requestLimits.multiplier must be a number from 1 to 100000'],
    [{ operations: { RunEverything: { bucketSize: 1 } } }, "requestLimits.operations.RunEverything: unknown operation 'RunEverything'"],
    [{ operations: { RunInstances: { bucketSize: 2.5 } } }, 'requestLimits.operations.RunInstances.bucketSize must be an integer greater than 0'],
    [{ operations: { RunInstances: { refillPerSecond: 0 } } }, 'requestLimits.operations.RunInstances.refillPerSecond must be a number greater than 0'],
    [{ operations: { RunInstances: { burst: 3 } } }, "unknown field 'requestLimits.operations.RunInstances.burst'"],
    [{ operations: { AttachVolume: { resourceBucketSize: 3 } } }, 'AttachVolume has no resource bucket'],
    [{ operations: { RunInstances: {} } }, 'requestLimits.operations.RunInstances must set'],
    [{ operations: [] }, 'requestLimits.operations must be an object'],
    [{ rate: 3 }, "unknown field 'requestLimits.rate'"],
    [7, 'requestLimits must be an object'],
  ])('refuses %j, naming the path', (input, message) => {
    const r = parseRequestLimits(input);
    expect('errors' in r && r.errors.join('; ')).toContain(message);
  });
});
