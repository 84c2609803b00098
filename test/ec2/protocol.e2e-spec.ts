import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { XMLParser } from 'fast-xml-parser';
import { startApp, TestApp } from '../support/app';
import { ec2Client, ec2Tenant, Ec2Tenant, endpointOf } from './ec2-support';

const xml = new XMLParser();

/** The SDK's error for a call, or a failure if it succeeded. */
async function failure(p: Promise<unknown>): Promise<EC2ServiceException> {
  try {
    await p;
  } catch (err) {
    return err as EC2ServiceException;
  }
  throw new Error('the call succeeded');
}

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
