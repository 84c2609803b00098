import { checkScopeAndTime, readClaim, SignedRequest, verifySignature } from './sigv4';
import type { SigningIdentity } from '../../application/credentials/credentials.service';

/**
 * AWS's published Signature Version 4 example ("Create a signed AWS API request", the IAM
 * ListUsers request of 2015-08-30): its secret, request and the signature AWS gives for it.
 */
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const PUBLISHED_SIGNATURE = '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7';
const published = (signature = PUBLISHED_SIGNATURE, headers: Record<string, string> = {}): SignedRequest => ({
  method: 'GET', host: 'iam.amazonaws.com', path: '/', body: '',
  query: { Action: 'ListUsers', Version: '2010-05-08' },
  headers: {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: 'iam.amazonaws.com', 'x-amz-date': '20150830T123600Z',
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`,
    ...headers,
  },
});
const identity = (secretAccessKey: string) => ({ secretAccessKey }) as SigningIdentity;
const codeOf = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'accepted';
};

describe('SigV4 verification', () => {
  it("accepts AWS's published example with its secret, and refuses it with another secret or an altered request", async () => {
    const sut = published();
    const claim = readClaim(sut);
    expect(claim).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'iam', signedHeaders: ['content-type', 'host', 'x-amz-date'] });
    await expect(verifySignature(sut, claim, identity(SECRET))).resolves.toBeUndefined();
    expect(await codeOf(verifySignature(sut, claim, identity(SECRET.replace('K', 'k'))))).toBe('SignatureDoesNotMatch');
    const altered = { ...sut, query: { Action: 'ListUsers', Version: '2010-05-09' } };
    expect(await codeOf(verifySignature(altered, readClaim(altered), identity(SECRET)))).toBe('SignatureDoesNotMatch');
    const flipped = published(PUBLISHED_SIGNATURE.replace(/.$/, '8'));
    expect(await codeOf(verifySignature(flipped, readClaim(flipped), identity(SECRET)))).toBe('SignatureDoesNotMatch');
  });

  it('tells a missing signature from a malformed one', async () => {
    const none: SignedRequest = { ...published(), headers: { host: 'x' } };
    await expect(codeOf(() => readClaim(none))).resolves.toBe('MissingAuthenticationToken');
    await expect(codeOf(() => readClaim(published(undefined, { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request' })))).resolves.toBe('IncompleteSignature');
    await expect(codeOf(() => readClaim(published(undefined, { authorization: 'Bearer nmb_x' })))).resolves.toBe('IncompleteSignature');
    await expect(codeOf(() => readClaim(published(undefined, { 'x-amz-date': '2015-08-30T12:36:00Z' })))).resolves.toBe('IncompleteSignature');
  });

  it('allows 15 minutes of skew either way, and no more', async () => {
    const at = Date.UTC(2015, 7, 30, 12, 36, 0);
    const ec2 = readClaim(published(undefined, { authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=${PUBLISHED_SIGNATURE}` }));
    const minutes = (m: number) => at + m * 60_000;
    for (const m of [-15, 0, 15]) await expect(codeOf(() => checkScopeAndTime(ec2, minutes(m)))).resolves.toBe('accepted');
    for (const m of [-15.02, 15.02, 16]) await expect(codeOf(() => checkScopeAndTime(ec2, minutes(m)))).resolves.toBe('RequestExpired');
    // Scoped to another service or region: refused whatever the time.
    await expect(codeOf(() => checkScopeAndTime(readClaim(published()), at))).resolves.toBe('SignatureDoesNotMatch');
  });
});
