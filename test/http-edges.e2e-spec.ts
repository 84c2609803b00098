import http from 'node:http';
import request from 'supertest';
import { ADMIN_KEY, expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/**
 * The HTTP server's edges, where a request fails before any controller: what each client gets,
 * always in the error shape, never a 500. (Fastify parses and routes; see apps/api/src/http/server.ts.)
 */
describe('HTTP edges: bodies, URLs and paths', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startApp();
    ({ key } = await t.tenant('edges', { onDemandVcpus: 100 }));
  });
  afterAll(() => t.close());

  const post = (path: string, contentType: string, body: string) =>
    request(t.app.getHttpServer()).post(path).set('Authorization', `Bearer ${key}`).set('Content-Type', contentType).send(body);

  it('a body nested 20,000 deep is 400 InvalidParameterValue, and the server goes on', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
    const res = await post('/v1/instances', 'application/json', deep);
    expect(expectError(res, 400, 'InvalidParameterValue').message).toBe('The request body nests deeper than 32 levels.');
    // Also with no key at all: the body is refused as it is parsed, before authentication.
    const anonymous = await request(t.app.getHttpServer()).post('/v1/instances').set('Content-Type', 'application/json').send(deep);
    expect(expectError(anonymous, 400, 'InvalidParameterValue').message).toBe('The request body nests deeper than 32 levels.');
    await t.as(key).get('/v1/instances').expect(200);
  });

  it('a body 32 levels deep is parsed (and then validated as usual)', async () => {
    const res = await post('/v1/instances', 'application/json', JSON.stringify({ imageId: LINUX_AMI, instanceType: 't3.micro', tags: { x: 'y' }, extra: JSON.parse('{"a":'.repeat(30) + '1' + '}'.repeat(30)) }));
    // 32 levels: the body, `extra` and 30 nested objects. Unknown fields are refused by validation, not by depth.
    expect(expectError(res, 400, /.+/).message).not.toMatch(/nests deeper/);
  });

  it('a JSON content type with an empty body is no body: a POST without parameters works', async () => {
    await t.hosts('m5-host', 'us-east-1a');
    const { instances } = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.micro' }).expect(201)).body;
    await t.advance(120); // pending → running
    const res = await post(`/v1/instances/${instances[0].instanceId}/stop`, 'application/json', '');
    expect(res.status).toBe(200);
  });

  it('a body that is not JSON is 415, one over 1 MiB 413, in the error shape', async () => {
    const res = await post('/v1/instances', 'text/plain', 'imageId=ami-0a1e0c00000000a23');
    expect(expectError(res, 415, 'ValidationError').message).toBe('The request body must be application/json.');
    const big = await post('/v1/instances', 'application/json', JSON.stringify({ imageId: LINUX_AMI, pad: 'x'.repeat(1024 * 1024) }));
    expect(expectError(big, 413, 'ValidationError').message).toBe('The request body is larger than 1 MiB.');
  });

  it('__proto__ and constructor.prototype keys are refused, and pollute nothing', async () => {
    for (const body of ['{"imageId":"x","__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}']) {
      expectError(await post('/v1/instances', 'application/json', body), 400, 'ValidationError');
    }
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('a URL that cannot be percent-decoded is 400 in the error shape, with the request id in header and body', async () => {
    const res = await request(t.app.getHttpServer()).get('/v1/instances/%ZZ').set('Authorization', `Bearer ${key}`);
    const err = expectError(res, 400, 'InvalidParameterValue');
    expect(res.headers['x-request-id']).toBe(err.requestId);
  });

  it('paths match with a trailing slash and in any letter case, as before', async () => {
    await t.as(key).get('/v1/instances/').expect(200);
    await request(t.app.getHttpServer()).get('/V1/Admin/Tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).expect(200);
  });

  it('an unknown route is 404 NotFound naming the path without its query', async () => {
    const res = await request(t.app.getHttpServer()).get('/v1/nothing-here?x=1');
    expect(expectError(res, 404, 'NotFound').message).toBe('No route for GET /v1/nothing-here');
  });
});

describe('HTTP edges: a request Node refuses before routing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t?.close());

  /** One request with a 20 KiB header (Node's limit is 16 KiB), on a socket of its own. */
  const oversized = (method: string, path: string): Promise<{ status: number; type: string; connection: string; body: string }> =>
    new Promise((resolve, reject) => {
      const port = (t.app.getHttpServer().address() as { port: number }).port;
      const req = http.request({ host: '127.0.0.1', port, method, path, headers: { 'x-big': 'x'.repeat(20 * 1024) }, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), connection: String(res.headers.connection), body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers headers over 16 KiB with 431 in the error shape, and closes the connection', async () => {
    const rest = await oversized('GET', '/v1/instances');
    expect({ status: rest.status, connection: rest.connection }).toEqual({ status: 431, connection: 'close' });
    expect(JSON.parse(rest.body)).toEqual({ error: { code: 'InvalidParameterValue', message: 'The request headers are larger than 16 KiB.', requestId: expect.any(String) } });
    const ec2 = await oversized('POST', '/');
    expect({ status: ec2.status, type: ec2.type }).toEqual({ status: 431, type: 'text/xml;charset=UTF-8' });
    expect(ec2.body).toMatch(/<Response><Errors><Error><Code>InvalidParameterValue<\/Code><Message>The request headers are larger than 16 KiB.<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>/);
    await t.anonymous().get('/health/live').expect(200);
  });
});
