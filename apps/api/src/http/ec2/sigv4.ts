import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { timingSafeEqual } from 'node:crypto';
import { REGION } from '@nimbus/hypervisor';
import { ApiError } from '../../application/common/api-errors';
import type { SigningIdentity } from '../../application/credentials/credentials.service';

/** How far a request's signing time may be from the server's clock, either way (AWS's 15 minutes). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** The longest a presigned URL may be valid (AWS's: 7 days). */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'ec2';

/** A request as it arrived, for verifying its signature. */
export interface SignedRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The query string's parameters (decoded); a repeated name has several values. */
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Header names in lowercase. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body exactly as received ('' when none). */
  readonly body: string;
}

/** What the signature names: who, when, and what it signs. */
interface Claim {
  readonly presigned: boolean;
  readonly accessKeyId: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  readonly signingDate: Date;
  readonly expiresSeconds?: number;
}

const incomplete = (message: string) => new ApiError('IncompleteSignature', message);
const mismatch = (message = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.') =>
  new ApiError('SignatureDoesNotMatch', message);

const header = (h: SignedRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
};
const queryOne = (q: SignedRequest['query'], name: string): string | undefined => {
  const v = q[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
};

/** `20261203T185630Z` → a Date; undefined when malformed. */
function parseAmzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? '');
  if (!m) return undefined;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

function parseCredential(credential: string): Pick<Claim, 'accessKeyId' | 'shortDate' | 'region' | 'service'> {
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !/^\d{8}$/.test(parts[1]))
    throw incomplete(`Credential must have the form <access key id>/<date>/<region>/<service>/aws4_request, not '${credential.slice(0, 120)}'.`);
  return { accessKeyId: parts[0], shortDate: parts[1], region: parts[2], service: parts[3] };
}

/**
 * What the request claims (its access key, date, scope, signed headers and signature), from the
 * `Authorization` header or a presigned query string. Throws MissingAuthenticationToken when it
 * carries no signature at all, IncompleteSignature when one is malformed.
 */
export function readClaim(req: SignedRequest): Claim {
  const authorization = header(req.headers, 'authorization');
  if (authorization !== undefined && authorization.startsWith(ALGORITHM + ' ')) {
    const fields = new Map<string, string>();
    for (const part of authorization.slice(ALGORITHM.length + 1).split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaders = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (!credential || !signedHeaders || !signature)
      throw incomplete(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${authorization.slice(0, 200)}`);
    const amzDate = header(req.headers, 'x-amz-date');
    const signingDate = parseAmzDate(amzDate);
    if (!signingDate) throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header, in the form YYYYMMDD'T'HHMMSS'Z'.");
    return { presigned: false, ...parseCredential(credential), signedHeaders: signedHeaders.split(';'), signature, signingDate };
  }
  if (authorization !== undefined && authorization.trim() !== '')
    throw incomplete(`The Authorization header must be Signature Version 4 ('${ALGORITHM} Credential=…, SignedHeaders=…, Signature=…').`);
  const algorithm = queryOne(req.query, 'X-Amz-Algorithm');
  if (algorithm === undefined) throw new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token: sign it with AWS Signature Version 4.');
  if (algorithm !== ALGORITHM) throw incomplete(`X-Amz-Algorithm must be ${ALGORITHM}.`);
  const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'].filter((n) => !queryOne(req.query, n));
  if (missing.length > 0) throw incomplete(`A presigned request requires the query parameters ${missing.join(', ')}.`);
  const signingDate = parseAmzDate(queryOne(req.query, 'X-Amz-Date'));
  if (!signingDate) throw incomplete("X-Amz-Date must have the form YYYYMMDD'T'HHMMSS'Z'.");
  const expires = queryOne(req.query, 'X-Amz-Expires')!;
  if (!/^\d{1,7}$/.test(expires) || Number(expires) > MAX_PRESIGNED_SECONDS) throw incomplete(`X-Amz-Expires must be a number of seconds up to ${MAX_PRESIGNED_SECONDS}.`);
  return {
    presigned: true, ...parseCredential(queryOne(req.query, 'X-Amz-Credential')!), signedHeaders: queryOne(req.query, 'X-Amz-SignedHeaders')!.split(';'),
    signature: queryOne(req.query, 'X-Amz-Signature')!, signingDate, expiresSeconds: Number(expires),
  };
}

/** Checks the claim's scope and time against the server: RequestExpired (15 minutes' skew either way, or a presigned URL past its expiry). */
export function checkScopeAndTime(claim: Claim, nowMs: number): void {
  const longDay = claim.signingDate.toISOString().slice(0, 10).replace(/-/g, '');
  if (claim.shortDate !== longDay) throw mismatch(`The credential's date (${claim.shortDate}) is not the date the request was signed (${longDay}).`);
  if (claim.service !== SERVICE) throw mismatch(`Credential should be scoped to correct service: '${SERVICE}', not '${claim.service}'.`);
  if (claim.region !== REGION) throw mismatch(`Credential should be scoped to a valid region: Nimbus simulates '${REGION}', not '${claim.region}'.`);
  const signed = claim.signingDate.getTime();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (claim.presigned) {
    if (signed - nowMs > MAX_CLOCK_SKEW_MS) throw new ApiError('RequestExpired', `Request is not yet valid: signed at ${iso(signed)}, now is ${iso(nowMs)}.`);
    if (nowMs > signed + claim.expiresSeconds! * 1000) throw new ApiError('RequestExpired', `Request has expired: signed at ${iso(signed)}, valid for ${claim.expiresSeconds} s, now is ${iso(nowMs)}.`);
    return;
  }
  if (Math.abs(nowMs - signed) > MAX_CLOCK_SKEW_MS)
    throw new ApiError('RequestExpired', `Request has expired: signed at ${iso(signed)}, now is ${iso(nowMs)}, more than 15 minutes apart. Check your clock.`);
}

const sha256 = Hash.bind(null, 'sha256');

/**
 * Recomputes the signature with the key's secret, by AWS's own signer (@smithy/signature-v4) over
 * exactly the headers the client signed, and compares it in constant time.
 */
export async function verifySignature(req: SignedRequest, claim: Claim, identity: SigningIdentity): Promise<void> {
  if (!claim.signedHeaders.includes('host')) throw incomplete("SignedHeaders must include 'host'.");
  if (header(req.headers, 'x-amz-security-token') !== undefined || queryOne(req.query, 'X-Amz-Security-Token') !== undefined)
    throw new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid: Nimbus issues long-term access keys only, not session credentials.');
  const headers: Record<string, string> = {};
  for (const name of claim.signedHeaders) {
    const v = name === 'host' ? (header(req.headers, 'host') ?? req.host) : header(req.headers, name);
    if (v === undefined) throw incomplete(`The signed header '${name}' is not in the request.`);
    headers[name] = v;
  }
  const query: Record<string, string | string[]> = { ...req.query };
  if (claim.presigned) delete query['X-Amz-Signature'];
  const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: req.host, path: req.path, query, headers, body: req.body });
  const signer = new SignatureV4({ credentials: { accessKeyId: claim.accessKeyId, secretAccessKey: identity.secretAccessKey }, region: claim.region, service: SERVICE, sha256, uriEscapePath: true, applyChecksum: false });
  const signableHeaders = new Set(claim.signedHeaders);
  let expected: string | undefined;
  if (claim.presigned) {
    const signed = await signer.presign(request, { signingDate: claim.signingDate, expiresIn: claim.expiresSeconds, signableHeaders });
    expected = queryOne((signed.query ?? {}) as SignedRequest['query'], 'X-Amz-Signature');
  } else {
    const signed = await signer.sign(request, { signingDate: claim.signingDate, signableHeaders });
    expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization ?? ''))?.[1];
  }
  const a = Buffer.from(expected ?? '', 'utf8');
  const b = Buffer.from(claim.signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw mismatch();
}
