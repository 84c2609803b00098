import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { XMLParser } from 'fast-xml-parser';
import { DataSource } from 'typeorm';
import { startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, endpointOf, failure } from './ec2-support';

const xml = new XMLParser();

/** The SDK's error for a call, or a failure if it succeeded. */

describe('EC2 Query protocol', () => {
  let t: TestApp;
  let alice: Ec2Tenant;
  let client: EC2Client;
  beforeAll(async () => {
    t = await startApp();
    alice = await ec2Tenant(t, 'alice');
    client = ec2Client(t, alice);
  });
  afterAll(async () => {
    client?.destroy();
    await t?.close();
  });

  it('answers DescribeRegions to the JS SDK, signed with an access key the admin issued', async () => {
    const out = await client.send(new DescribeRegionsCommand({}));
    expect(out.Regions).toEqual([{ RegionName: 'us-east-1', Endpoint: 'ec2.us-east-1.amazonaws.com', OptInStatus: 'opt-in-not-required' }]);
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(/.+/);
  });

  it('refuses a wrong secret (SignatureDoesNotMatch, 403) and an unknown key (InvalidClientTokenId)', async () => {
    const wrong = ec2Client(t, { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) });
    const e = await failure(wrong.send(new DescribeRegionsCommand({})));
    expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: 'SignatureDoesNotMatch', status: 403 });
    const unknown = ec2Client(t, { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: alice.secretAccessKey });
    expect((await failure(unknown.send(new DescribeRegionsCommand({})))).name).toBe('InvalidClientTokenId');
    wrong.destroy();
    unknown.destroy();
  });

  it('refuses a request signed 16 minutes ago or 16 minutes ahead (RequestExpired), and accepts one 10 minutes off', async () => {
    for (const offsetMinutes of [-16, 16]) {
      const skewed = new EC2Client({ endpoint: endpointOf(t), region: 'us-east-1', credentials: alice, maxAttempts: 1, systemClockOffset: offsetMinutes * 60_000 });
      const e = await failure(skewed.send(new DescribeRegionsCommand({})));
      expect({ name: e.name, status: e.$metadata.httpStatusCode }).toEqual({ name: 'RequestExpired', status: 400 });
      skewed.destroy();
    }
    const close = new EC2Client({ endpoint: endpointOf(t), region: 'us-east-1', credentials: alice, maxAttempts: 1, systemClockOffset: -10 * 60_000 });
    expect((await close.send(new DescribeRegionsCommand({}))).Regions).toHaveLength(1);
    close.destroy();
  });

  it('accepts a presigned GET (X-Amz-* in the query string) and refuses it once expired or altered', async () => {
    const url = new URL(endpointOf(t));
    const signer = new SignatureV4({ credentials: alice, region: 'us-east-1', service: 'ec2', sha256: Hash.bind(null, 'sha256') });
    const presign = (signingDate: Date) => signer.presign(
      new HttpRequest({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: { Action: 'DescribeRegions', Version: '2016-11-15' }, headers: { host: url.host } }),
      { signingDate, expiresIn: 300 },
    );
    const toUrl = (r: { query?: unknown }) => `${endpointOf(t)}/?${new URLSearchParams(r.query as Record<string, string>).toString()}`;
    const ok = await fetch(toUrl(await presign(new Date())));
    expect(ok.status).toBe(200);
    expect(xml.parse(await ok.text()).DescribeRegionsResponse.regionInfo.item.regionName).toBe('us-east-1');
    const old = await fetch(toUrl(await presign(new Date(Date.now() - 6 * 60_000))));
    expect({ status: old.status, code: xml.parse(await old.text()).Response.Errors.Error.Code }).toEqual({ status: 400, code: 'RequestExpired' });
    const altered = await fetch(toUrl(await presign(new Date())).replace('DescribeRegions', 'DescribeAvailabilityZones'));
    expect({ status: altered.status, code: xml.parse(await altered.text()).Response.Errors.Error.Code }).toEqual({ status: 403, code: 'SignatureDoesNotMatch' });
  });

  it('refuses a key once revoked, and lets a tenant rotate its own (at most two keys)', async () => {
    const res = await t.as(alice.key).post('/v1/access-keys').expect(201);
    expect(res.body).toEqual({ accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/), secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/), createdAt: expect.any(String) });
    const third = await t.as(alice.key).post('/v1/access-keys');
    expect({ status: third.status, code: third.body.error.code }).toEqual({ status: 409, code: 'AccessKeyLimitExceeded' });
    const listed = await t.as(alice.key).get('/v1/access-keys').expect(200);
    expect(listed.body.accountId).toBe(alice.accountId);
    expect(listed.body.accessKeys.map((k: { accessKeyId: string }) => k.accessKeyId).sort()).toEqual([alice.accessKeyId, res.body.accessKeyId].sort());
    expect(JSON.stringify(listed.body)).not.toContain(res.body.secretAccessKey);
    const rotated = ec2Client(t, res.body);
    expect((await rotated.send(new DescribeRegionsCommand({}))).Regions).toHaveLength(1);
    await t.as(alice.key).delete(`/v1/access-keys/${res.body.accessKeyId}`).expect(204);
    expect((await failure(rotated.send(new DescribeRegionsCommand({})))).name).toBe('InvalidClientTokenId');
    rotated.destroy();
    // Another tenant's key is not found for this tenant, as a missing one.
    const bob = await ec2Tenant(t, 'bob');
    const res2 = await t.as(alice.key).delete(`/v1/access-keys/${bob.accessKeyId}`);
    expect({ status: res2.status, code: res2.body.error.code }).toEqual({ status: 404, code: 'InvalidAccessKeyId.NotFound' });
  });

  it('keeps the secret out of the database in clear', async () => {
    const rows: { access_key_id: string; secret_ciphertext: string }[] = await t.app.get(DataSource).query('SELECT access_key_id, secret_ciphertext FROM access_keys');
    const mine = rows.find((r) => r.access_key_id === alice.accessKeyId)!;
    expect(mine.secret_ciphertext).toMatch(/^v1:[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(mine.secret_ciphertext.slice(3), 'base64').toString('latin1')).not.toContain(alice.secretAccessKey);
    expect(mine.secret_ciphertext).not.toContain(alice.secretAccessKey);
  });

  it('answers EC2 error documents for an unsigned request, a missing and an unknown action', async () => {
    const res = await fetch(`${endpointOf(t)}/?Action=DescribeRegions&Version=2016-11-15`);
    expect(res.status).toBe(401);
    const doc = xml.parse(await res.text());
    expect(doc.Response.Errors.Error.Code).toBe('MissingAuthenticationToken');
    expect(doc.Response.RequestID).toBe(res.headers.get('x-request-id'));
    const noAction = await fetch(`${endpointOf(t)}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Version=2016-11-15' });
    expect({ status: noAction.status, code: xml.parse(await noAction.text()).Response.Errors.Error.Code }).toEqual({ status: 400, code: 'MissingAction' });
    const bad = await fetch(`${endpointOf(t)}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=LaunchRocket&Version=2016-11-15' });
    expect({ status: bad.status, code: xml.parse(await bad.text()).Response.Errors.Error.Code }).toEqual({ status: 400, code: 'InvalidAction' });
  });

  it('keeps REST JSON-only: a form body under /v1 is still 415 in the JSON error shape', async () => {
    const res = await t.anonymous().post('/v1/instances').set('content-type', 'application/x-www-form-urlencoded').send('a=b');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('ValidationError');
  });
});

describe('EC2 throttling, with EC2\'s own bucket figures', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  it('answers RequestLimitExceeded (503) once the bucket is empty, and the SDK retries it until it passes', async () => {
    t = await startApp(undefined, {}, { throttle: {} });
    const alice = await ec2Tenant(t, 'alice');
    // The tenant's DescribeRegions bucket set small through the admin setting (10 tokens, 2 per second), so that
    // a burst empties it however fast the machine is.
    await t.admin().patch(`/v1/admin/tenants/${alice.tenantId}`, { requestLimits: { operations: { DescribeRegions: { bucketSize: 10, refillPerSecond: 2 } } } }).expect(200);
    const once = ec2Client(t, alice);
    const answers = await Promise.all(Array.from({ length: 40 }, () => once.send(new DescribeRegionsCommand({})).then(() => 'ok', (e: EC2ServiceException) => `${e.name} ${e.$metadata.httpStatusCode}`)));
    expect(answers.filter((a) => a === 'ok').length).toBeGreaterThanOrEqual(10);
    expect(answers).toContain('RequestLimitExceeded 503');
    expect(answers.every((a) => a === 'ok' || a === 'RequestLimitExceeded 503')).toBe(true);
    // The bucket is empty now: the SDK's standard retry (back-off on a throttling code) gets each request through.
    const retrying = ec2Client(t, alice, { maxAttempts: 10 });
    const drained = await Promise.all(Array.from({ length: 4 }, () => retrying.send(new DescribeRegionsCommand({}))));
    expect(drained.every((d) => d.Regions!.length === 1)).toBe(true);
    expect(Math.max(...drained.map((d) => d.$metadata.attempts ?? 1))).toBeGreaterThan(1);
    once.destroy();
    retrying.destroy();
  });
});
