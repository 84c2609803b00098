import { createHash } from 'node:crypto';
import request from 'supertest';
import { ADMIN_KEY, expectError, startApp, TestApp } from './support/app';

/** Bearer auth, admin/tenant separation, key lifecycle, and the error shape with its request id. */
describe('authentication and the error shape', () => {
  let t: TestApp;
  let tenantId: string;
  let key: string;
  beforeAll(async () => {
    t = await startApp();
    ({ tenantId, key } = await t.tenant('auth'));
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  const withAuth = (header: string, url = '/v1/instances') => request(server()).get(url).set('Authorization', header);

  /** The error body, its shape, and the response's X-Request-Id agreeing with it. */
  function expectShapedError(res: request.Response, status: number, code: string) {
    const error = expectError(res, status, code);
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.requestId.length).toBeGreaterThan(0);
    expect(res.headers['x-request-id']).toBe(error.requestId);
    return error;
  }

  describe('401 AuthFailure', () => {
    it('without an Authorization header, on tenant and admin routes', async () => {
      expectShapedError(await request(server()).get('/v1/instances'), 401, 'AuthFailure');
      expectShapedError(await request(server()).get('/v1/admin/tenants'), 401, 'AuthFailure');
      expectShapedError(await request(server()).post('/v1/instances').send({ imageId: 'ami-0a1e0c00000000a23', instanceType: 'm5.large' }), 401, 'AuthFailure');
    });

    it.each([
      ['another scheme', (k: string) => `Basic ${Buffer.from(`user:${k}`).toString('base64')}`],
      ['the key without a scheme', (k: string) => k],
      ['the scheme without a key', () => 'Bearer '],
      ['two tokens', (k: string) => `Bearer ${k} ${k}`],
      ['an empty header', () => ''],
    ])('with a malformed header: %s', async (_, header) => {
      expectShapedError(await withAuth(header(key)), 401, 'AuthFailure');
      expectShapedError(await withAuth(header(ADMIN_KEY), '/v1/admin/tenants'), 401, 'AuthFailure');
    });

    it('with an unknown key, a key with a character changed, or the hash of a real key', async () => {
      expectShapedError(await withAuth('Bearer nmb_thisKeyWasNeverIssued0123456789abcdefghij'), 401, 'AuthFailure');
      const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
      expectShapedError(await withAuth(`Bearer ${altered}`), 401, 'AuthFailure');
      const hash = createHash('sha256').update(key).digest('hex');
      expectShapedError(await withAuth(`Bearer ${hash}`), 401, 'AuthFailure');
      expectShapedError(await withAuth('Bearer not-the-admin-key', '/v1/admin/tenants'), 401, 'AuthFailure');
    });

    it('accepts the scheme in any case (RFC 7235)', async () => {
      await withAuth(`bearer ${key}`).expect(200);
      await withAuth(`BEARER ${ADMIN_KEY}`, '/v1/admin/tenants').expect(200);
    });
  });

  describe('403 UnauthorizedOperation', () => {
    it.each([
      ['GET', '/v1/admin/tenants'],
      ['POST', '/v1/admin/tenants'],
      ['GET', '/v1/admin/hosts'],
      ['GET', '/v1/admin/host-types'],
      ['GET', '/v1/admin/clock'],
      ['POST', '/v1/admin/clock/advance'],
    ])('a tenant key on the admin route %s %s', async (method, url) => {
      const c = t.as(key);
      const res = method === 'GET' ? await c.get(url) : await c.post(url, { name: 'x', seconds: 60 });
      expectShapedError(res, 403, 'UnauthorizedOperation');
    });

    it('a tenant key cannot read another tenant, even its own record, through the admin API', async () => {
      expectShapedError(await t.as(key).get(`/v1/admin/tenants/${tenantId}`), 403, 'UnauthorizedOperation');
      expectShapedError(await t.as(key).post(`/v1/admin/tenants/${tenantId}/api-keys`), 403, 'UnauthorizedOperation');
    });

    it.each([
      ['GET', '/v1/instances'],
      ['POST', '/v1/instances'],
      ['GET', '/v1/instances/i-0123456789abcdef0'],
      ['GET', '/v1/quotas'],
      ['GET', '/v1/instance-types'],
      ['GET', '/v1/images'],
      ['GET', '/v1/availability-zones'],
    ])('the admin key on the tenant route %s %s', async (method, url) => {
      const c = t.admin();
      const res = method === 'GET' ? await c.get(url) : await c.post(url, { imageId: 'ami-0a1e0c00000000a23', instanceType: 'm5.large' });
      expectShapedError(res, 403, 'UnauthorizedOperation');
    });

    it('a tenant key on an admin route causes nothing: no tenant is created', async () => {
      const before = (await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants.length;
      expectShapedError(await t.as(key).post('/v1/admin/tenants', { name: 'sneaky' }), 403, 'UnauthorizedOperation');
      expect((await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants).toHaveLength(before);
    });
  });

  describe('API keys', () => {
    it('a second key for the same tenant works, acts as the same tenant, and is different from the first', async () => {
      const { tenantId: id, key: first } = await t.tenant('two-keys');
      const res = await t.admin().post(`/v1/admin/tenants/${id}/api-keys`).expect(201);
      const second: string = res.body.apiKey.key;
      expect(second).not.toBe(first);
      await t.as(first).get('/v1/instances').expect(200);
      await t.as(second).get('/v1/instances').expect(200);
      // Both keys see the same quotas row: the same tenant.
      await t.admin().patch(`/v1/admin/tenants/${id}`, { quotas: { onDemandVcpus: 7 } }).expect(200);
      expect((await t.as(first).get('/v1/quotas').expect(200)).body.onDemandVcpus.limit).toBe(7);
      expect((await t.as(second).get('/v1/quotas').expect(200)).body.onDemandVcpus.limit).toBe(7);
    });

    it('a deleted key stops working immediately; the tenant\'s other keys keep working', async () => {
      const { tenantId: id, key: first } = await t.tenant('revoked');
      const created = (await t.admin().post(`/v1/admin/tenants/${id}/api-keys`).expect(201)).body.apiKey;
      await t.as(created.key).get('/v1/instances').expect(200);
      await t.admin().delete(`/v1/admin/tenants/${id}/api-keys/${created.keyId}`).expect(204);
      expectShapedError(await t.as(created.key).get('/v1/instances'), 401, 'AuthFailure');
      expectShapedError(await t.as(created.key).get('/v1/quotas'), 401, 'AuthFailure');
      await t.as(first).get('/v1/instances').expect(200);
    });

    it('keys are shown once: neither GET nor list of tenants returns a key or its hash', async () => {
      const created = (await t.admin().post('/v1/admin/tenants', { name: 'shown-once' }).expect(201)).body;
      const secret: string = created.apiKey.key;
      expect(secret.length).toBeGreaterThanOrEqual(32);
      const hash = createHash('sha256').update(secret).digest('hex');
      const one = await t.admin().get(`/v1/admin/tenants/${created.tenant.tenantId}`).expect(200);
      expect(Object.keys(one.body).sort()).toEqual(['accountId', 'createdAt', 'name', 'quotas', 'requestLimits', 'tenantId']);
      const all = await t.admin().get('/v1/admin/tenants').expect(200);
      for (const body of [one.body, all.body]) {
        const text = JSON.stringify(body);
        expect(text).not.toContain(secret);
        expect(text).not.toContain(hash);
      }
      const patched = await t.admin().patch(`/v1/admin/tenants/${created.tenant.tenantId}`, { quotas: { onDemandVcpus: 8 } }).expect(200);
      expect(JSON.stringify(patched.body)).not.toContain(secret);
    });
  });

  describe('request ids', () => {
    it('every response carries an X-Request-Id, a fresh one per request', async () => {
      const a = await t.as(key).get('/v1/instances').expect(200);
      const b = await t.as(key).get('/v1/instances').expect(200);
      expect(a.headers['x-request-id']).toMatch(/^[\w.-]+$/);
      expect(b.headers['x-request-id']).toMatch(/^[\w.-]+$/);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });

    it('a caller-supplied X-Request-Id is echoed, in the header and in an error body', async () => {
      const ok = await t.as(key).get('/v1/instances').set('X-Request-Id', 'trace-abc.123_x').expect(200);
      expect(ok.headers['x-request-id']).toBe('trace-abc.123_x');
      const err = await request(server()).get('/v1/instances').set('X-Request-Id', 'caller-req-42');
      expect(expectShapedError(err, 401, 'AuthFailure').requestId).toBe('caller-req-42');
      const notFound = await t.as(key).get('/v1/instances/i-0123456789abcdef0').set('X-Request-Id', 'caller-req-43');
      expect(expectShapedError(notFound, 404, 'InvalidInstanceID.NotFound').requestId).toBe('caller-req-43');
    });

    it('errors of every family have {error:{code,message,requestId}} and the header equals requestId', async () => {
      expectShapedError(await t.as(key).get('/v1/instances/i-0123456789abcdef0'), 404, 'InvalidInstanceID.NotFound');
      expectShapedError(await t.as(key).get('/v1/instances/nope'), 400, 'InvalidInstanceID.Malformed');
      expectShapedError(await t.as(key).post('/v1/instances', { instanceType: 'm5.large' }), 400, 'MissingParameter');
      expectShapedError(await t.as(key).post('/v1/instances', { imageId: 'ami-0a1e0c00000000a23', instanceType: 'm5.large', bogus: 1 }), 400, 'ValidationError');
      expectShapedError(await t.admin().get('/v1/admin/tenants/t-0123456789abcdef0'), 404, 'InvalidTenantID.NotFound');
      expectShapedError(await t.as(key).get('/v1/no-such-route'), 404, 'NotFound');
    });
  });
});
