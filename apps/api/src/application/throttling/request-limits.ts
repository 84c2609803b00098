import { BucketSpec, OPERATIONS, OperationSpec } from './operations';

/**
 * A tenant's raised limits, as EC2 grants limit increases ("Request a limit increase" on the
 * throttling page): figures per operation, and a multiplier over all of them.
 */
export interface OperationLimits {
  /** The request bucket's maximum capacity (tokens). */
  readonly bucketSize?: number;
  /** The request bucket's refill rate (tokens per second). */
  readonly refillPerSecond?: number;
  /** Operations with resource rate limiting only: the resource bucket's capacity (instances). */
  readonly resourceBucketSize?: number;
  readonly resourceRefillPerSecond?: number;
}

export interface RequestLimits {
  /** Scales the size and refill rate of every request and resource bucket of the tenant. */
  readonly multiplier: number;
  readonly operations: Readonly<Record<string, OperationLimits>>;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { multiplier: 1, operations: {} };

export const MAX_MULTIPLIER = 100_000;
/** Large enough for any test rig; small enough that sizes × multiplier stay exact doubles. */
export const MAX_BUCKET_FIGURE = 1_000_000_000;

const FIELDS: readonly (keyof OperationLimits)[] = ['bucketSize', 'refillPerSecond', 'resourceBucketSize', 'resourceRefillPerSecond'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Validates an admin's `requestLimits` (JSON). Returns the limits, or every problem found, each
 * naming its path, so a 400 says exactly what is wrong. Both parts are optional; an omitted part
 * keeps `current`'s.
 */
export function parseRequestLimits(input: unknown, current: RequestLimits = DEFAULT_REQUEST_LIMITS): { limits: RequestLimits } | { errors: string[] } {
  const errors: string[] = [];
  if (!isObject(input)) return { errors: ['requestLimits must be an object'] };
  for (const k of Object.keys(input)) if (k !== 'multiplier' && k !== 'operations') errors.push(`unknown field 'requestLimits.${k}'`);
  let multiplier = current.multiplier;
  if (input.multiplier !== undefined) {
    if (!isFiniteNumber(input.multiplier) || input.multiplier < 1 || input.multiplier > MAX_MULTIPLIER) {
      errors.push(`requestLimits.multiplier must be a number from 1 to ${MAX_MULTIPLIER}`);
    } else multiplier = input.multiplier;
  }
  let operations = current.operations;
  if (input.operations !== undefined) {
    if (!isObject(input.operations)) errors.push('requestLimits.operations must be an object keyed by operation name');
    else {
      const parsed: Record<string, OperationLimits> = {};
      for (const [name, raw] of Object.entries(input.operations)) {
        const path = `requestLimits.operations.${name}`;
        const spec = OPERATIONS.get(name);
        if (!spec) {
          errors.push(`${path}: unknown operation '${name}'`);
          continue;
        }
        if (!isObject(raw)) {
          errors.push(`${path} must be an object`);
          continue;
        }
        const out: Record<string, number> = {};
        for (const [field, value] of Object.entries(raw)) {
          if (!(FIELDS as readonly string[]).includes(field)) {
            errors.push(`unknown field '${path}.${field}'`);
            continue;
          }
          if (field.startsWith('resource') && !spec.resource) {
            errors.push(`${path}.${field}: ${name} has no resource bucket`);
            continue;
          }
          const integer = field.endsWith('BucketSize') || field === 'bucketSize';
          if (!isFiniteNumber(value) || value <= 0 || value > MAX_BUCKET_FIGURE || (integer && !Number.isInteger(value)) || (integer && value < 1)) {
            errors.push(`${path}.${field} must be ${integer ? 'an integer' : 'a number'} greater than 0 and at most ${MAX_BUCKET_FIGURE}`);
            continue;
          }
          out[field] = value;
        }
        if (Object.keys(raw).length === 0) errors.push(`${path} must set bucketSize, refillPerSecond${spec.resource ? ', resourceBucketSize or resourceRefillPerSecond' : ' or both'}`);
        parsed[name] = out;
      }
      operations = parsed;
    }
  }
  return errors.length > 0 ? { errors } : { limits: { multiplier, operations } };
}

export interface EffectiveBuckets {
  readonly request: BucketSpec;
  readonly resource?: BucketSpec;
}

const scale = (b: BucketSpec, m: number): BucketSpec => (m === 1 ? b : { bucketSize: b.bucketSize * m, refillPerSecond: b.refillPerSecond * m });

/**
 * The buckets an operation's request draws from for this tenant: the page's figures (the smaller
 * "unfiltered and unpaginated" bucket when that applies), replaced by the tenant's own figures for
 * the operation where it has some, then scaled by its multiplier.
 */
export function effectiveBuckets(spec: OperationSpec, limits: RequestLimits, unfiltered: boolean): EffectiveBuckets {
  const own = limits.operations[spec.name];
  const base = unfiltered && spec.unfiltered ? spec.unfiltered : spec.request;
  const request = { bucketSize: own?.bucketSize ?? base.bucketSize, refillPerSecond: own?.refillPerSecond ?? base.refillPerSecond };
  const resource = spec.resource && {
    bucketSize: own?.resourceBucketSize ?? spec.resource.bucketSize,
    refillPerSecond: own?.resourceRefillPerSecond ?? spec.resource.refillPerSecond,
  };
  return { request: scale(request, limits.multiplier), ...(resource ? { resource: scale(resource, limits.multiplier) } : {}) };
}
