import { expectError, startApp, TestApp } from './support/app';

const TENANT_ID = /^t-[0-9a-f]{17}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Admin: tenants, their quotas and their API keys. */
describe('admin: tenants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const clockNow = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body.now as string;

  describe('POST /v1/admin/tenants', () => {
    it('creates a tenant with the default quotas and answers 201 with the tenant and its key', async () => {
      const now = await clockNow();
      const res = await t.admin().post('/v1/admin/tenants', { name: 'acme' }).expect(201);
      expect(res.body).toEqual({
        tenant: { tenantId: expect.stringMatching(TENANT_ID), name: 'acme', accountId: expect.stringMatching(/^[1-9]\d{11}$/), quotas: { onDemandVcpus: 64, provisionedIops: 100000 }, requestLimits: { multiplier: 1, operations: {} }, createdAt: now },
        apiKey: { keyId: expect.any(String), key: expect.any(String), createdAt: now },
      });
      expect(res.body.apiKey.key.length).toBeGreaterThanOrEqual(32);
      // The key is the tenant's: it reads the tenant's quotas.
      const quotas = await t.as(res.body.apiKey.key).get('/v1/quotas').expect(200);
      expect(quotas.body.onDemandVcpus).toEqual({ limit: 64, used: 0 });
      expect(quotas.body.provisionedIops).toEqual({ limit: 100000, used: 0 });
    });

    it('takes custom quotas, and a partial one keeps the other default', async () => {
      const both = await t.admin().post('/v1/admin/tenants', { name: 'big', quotas: { onDemandVcpus: 512, provisionedIops: 250000 } }).expect(201);
      expect(both.body.tenant.quotas).toEqual({ onDemandVcpus: 512, provisionedIops: 250000 });
      const partial = await t.admin().post('/v1/admin/tenants', { name: 'small', quotas: { onDemandVcpus: 4 } }).expect(201);
      expect(partial.body.tenant.quotas).toEqual({ onDemandVcpus: 4, provisionedIops: 100000 });
      const zero = await t.admin().post('/v1/admin/tenants', { name: 'none', quotas: { onDemandVcpus: 0 } }).expect(201);
      expect(zero.body.tenant.quotas.onDemandVcpus).toBe(0);
      expect((await t.as(both.body.apiKey.key).get('/v1/quotas').expect(200)).body.onDemandVcpus.limit).toBe(512);
    });

    it('gives every tenant a distinct id and key', async () => {
      const a = (await t.admin().post('/v1/admin/tenants', { name: 'same-name' }).expect(201)).body;
      const b = (await t.admin().post('/v1/admin/tenants', { name: 'same-name' }).expect(201)).body;
      expect(a.tenant.tenantId).not.toBe(b.tenant.tenantId);
      expect(a.apiKey.key).not.toBe(b.apiKey.key);
      expect(a.apiKey.keyId).not.toBe(b.apiKey.keyId);
    });

    it.each([
      ['no name', {}, 'MissingParameter'],
      ['an empty name', { name: '' }, 'ValidationError'],
      ['a name of 129 characters', { name: 'x'.repeat(129) }, 'ValidationError'],
      ['a numeric name', { name: 42 }, 'ValidationError'],
      ['an unknown field', { name: 'x', plan: 'gold' }, 'ValidationError'],
      ['an unknown quota', { name: 'x', quotas: { gpus: 4 } }, 'ValidationError'],
      ['a negative quota', { name: 'x', quotas: { onDemandVcpus: -1 } }, 'ValidationError'],
      ['a fractional quota', { name: 'x', quotas: { onDemandVcpus: 1.5 } }, 'ValidationError'],
      ['a quota as a string', { name: 'x', quotas: { onDemandVcpus: '8' } }, 'ValidationError'],
    ])('refuses %s with 400', async (_, body, code) => {
      const before = (await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants.length;
      expectError(await t.admin().post('/v1/admin/tenants', body), 400, code);
      expect((await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants).toHaveLength(before);
    });

    it('a name with a NUL character is 400 InvalidParameterValue, and creates nothing', async () => {
      const before = (await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants.length;
      expectError(await t.admin().post('/v1/admin/tenants', { name: 'nul\u0000name' }), 400, 'InvalidParameterValue');
      expect((await t.admin().get('/v1/admin/tenants').expect(200)).body.tenants).toHaveLength(before);
    });

    it('names the missing parameter and the unknown field', async () => {
      expect(expectError(await t.admin().post('/v1/admin/tenants', {}), 400, 'MissingParameter').message).toContain('name');
      expect(expectError(await t.admin().post('/v1/admin/tenants', { name: 'x', plan: 'gold' }), 400, 'ValidationError').message).toContain('plan');
    });
  });

  describe('GET /v1/admin/tenants and /v1/admin/tenants/{id}', () => {
    it('lists every tenant, oldest first, and gets one by id', async () => {
      const first = (await t.admin().post('/v1/admin/tenants', { name: 'list-1' }).expect(201)).body.tenant;
      await t.advance(1);
      const second = (await t.admin().post('/v1/admin/tenants', { name: 'list-2', quotas: { onDemandVcpus: 16 } }).expect(201)).body.tenant;
      const list = (await t.admin().get('/v1/admin/tenants').expect(200)).body;
      expect(Object.keys(list)).toEqual(['tenants']);
      const ids = list.tenants.map((x: { tenantId: string }) => x.tenantId);
      expect(ids.indexOf(first.tenantId)).toBeGreaterThanOrEqual(0);
      expect(ids.indexOf(second.tenantId)).toBeGreaterThan(ids.indexOf(first.tenantId));
      expect(list.tenants).toContainEqual(second);
      for (const x of list.tenants) {
        expect(Object.keys(x).sort()).toEqual(['accountId', 'createdAt', 'name', 'quotas', 'requestLimits', 'tenantId']);
        expect(x.createdAt).toMatch(ISO);
      }

      const one = await t.admin().get(`/v1/admin/tenants/${second.tenantId}`).expect(200);
      expect(one.body).toEqual({ tenantId: second.tenantId, name: 'list-2', accountId: second.accountId, quotas: { onDemandVcpus: 16, provisionedIops: 100000 }, requestLimits: { multiplier: 1, operations: {} }, createdAt: second.createdAt });
    });

    it('answers 404 with a .NotFound code for an unknown tenant', async () => {
      const err = expectError(await t.admin().get('/v1/admin/tenants/t-0123456789abcdef0'), 404, /\.NotFound$/);
      expect(err.message).toContain('t-0123456789abcdef0');
      expectError(await t.admin().get('/v1/admin/tenants/not-an-id'), 404, /\.NotFound$/);
    });
  });

  describe('PATCH /v1/admin/tenants/{id}', () => {
    it('changes one quota and keeps the other; the change is persisted and enforced', async () => {
      const { tenantId, key } = await t.tenant('patch-me');
      const res = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { onDemandVcpus: 8 } }).expect(200);
      expect(res.body).toEqual({ tenantId, name: 'patch-me', accountId: expect.stringMatching(/^[1-9]\d{11}$/), quotas: { onDemandVcpus: 8, provisionedIops: 100000 }, requestLimits: { multiplier: 1, operations: {} }, createdAt: expect.stringMatching(ISO) });
      const both = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { onDemandVcpus: 12, provisionedIops: 5000 } }).expect(200);
      expect(both.body.quotas).toEqual({ onDemandVcpus: 12, provisionedIops: 5000 });
      const iopsOnly = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { provisionedIops: 6000 } }).expect(200);
      expect(iopsOnly.body.quotas).toEqual({ onDemandVcpus: 12, provisionedIops: 6000 });
      expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.quotas).toEqual({ onDemandVcpus: 12, provisionedIops: 6000 });
      expect((await t.as(key).get('/v1/quotas').expect(200)).body).toEqual({
        onDemandVcpus: { limit: 12, used: 0 },
        provisionedIops: { limit: 6000, used: 0 },
      });
    });

    it('an empty quotas object changes nothing', async () => {
      const { tenantId } = await t.tenant('noop', { onDemandVcpus: 10 });
      const res = await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: {} }).expect(200);
      expect(res.body.quotas).toEqual({ onDemandVcpus: 10, provisionedIops: 100000 });
    });

    it.each([
      ['a negative quota', { quotas: { onDemandVcpus: -1 } }, 'ValidationError'],
      ['a negative IOPS quota', { quotas: { provisionedIops: -100 } }, 'ValidationError'],
      ['a fractional quota', { quotas: { onDemandVcpus: 2.5 } }, 'ValidationError'],
      ['an unknown top-level field', { quotas: { onDemandVcpus: 8 }, name: 'renamed' }, 'ValidationError'],
      ['an unknown quota field', { quotas: { onDemandVcpus: 8, gpus: 2 } }, 'ValidationError'],
      ['quotas that are not an object', { quotas: 8 }, 'ValidationError'],
      ['no quotas field', {}, 'MissingParameter'],
    ])('refuses %s with 400 and changes nothing', async (_, body, code) => {
      const { tenantId } = await t.tenant('invalid-patch', { onDemandVcpus: 20 });
      const err = expectError(await t.admin().patch(`/v1/admin/tenants/${tenantId}`, body), 400, code);
      if (code === 'MissingParameter') expect(err.message).toContain('quotas');
      expect((await t.admin().get(`/v1/admin/tenants/${tenantId}`).expect(200)).body.quotas).toEqual({ onDemandVcpus: 20, provisionedIops: 100000 });
    });

    it('answers 404 for an unknown tenant', async () => {
      expectError(await t.admin().patch('/v1/admin/tenants/t-0123456789abcdef0', { quotas: { onDemandVcpus: 8 } }), 404, /\.NotFound$/);
    });
  });

  describe('API keys', () => {
    it('POST creates a working key (201, shown in the answer only); DELETE revokes it (204), a second DELETE is 404', async () => {
      const { tenantId, key: first } = await t.tenant('keys');
      const created = await t.admin().post(`/v1/admin/tenants/${tenantId}/api-keys`).expect(201);
      expect(created.body).toEqual({ apiKey: { keyId: expect.any(String), key: expect.any(String), createdAt: expect.stringMatching(ISO) } });
      const { keyId, key } = created.body.apiKey;
      expect(key).not.toBe(first);
      await t.as(key).get('/v1/instances').expect(200);

      const del = await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/${keyId}`).expect(204);
      expect(del.text).toBe('');
      expectError(await t.as(key).get('/v1/instances'), 401, 'AuthFailure');
      const again = expectError(await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/${keyId}`), 404, /\.NotFound$/);
      expect(again.message).toContain(keyId);
      await t.as(first).get('/v1/instances').expect(200);
    });

    it('a key cannot be deleted through another tenant', async () => {
      const a = await t.tenant('owner');
      const b = await t.tenant('other');
      const { keyId, key } = (await t.admin().post(`/v1/admin/tenants/${a.tenantId}/api-keys`).expect(201)).body.apiKey;
      expectError(await t.admin().delete(`/v1/admin/tenants/${b.tenantId}/api-keys/${keyId}`), 404, /\.NotFound$/);
      await t.as(key).get('/v1/instances').expect(200);
    });

    it('creating a key for an unknown tenant is 404, as is deleting an unknown key', async () => {
      expectError(await t.admin().post('/v1/admin/tenants/t-0123456789abcdef0/api-keys'), 404, /\.NotFound$/);
      const { tenantId } = await t.tenant('no-such-key');
      expectError(await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/key-0123456789abcdef0`), 404, /\.NotFound$/);
    });

    it('a tenant may hold several keys at once, each deleted on its own', async () => {
      const { tenantId, key: k0 } = await t.tenant('many-keys');
      const made = [];
      for (let i = 0; i < 3; i++) made.push((await t.admin().post(`/v1/admin/tenants/${tenantId}/api-keys`).expect(201)).body.apiKey);
      expect(new Set([k0, ...made.map((m) => m.key)]).size).toBe(4);
      await t.admin().delete(`/v1/admin/tenants/${tenantId}/api-keys/${made[1].keyId}`).expect(204);
      await t.as(k0).get('/v1/quotas').expect(200);
      await t.as(made[0].key).get('/v1/quotas').expect(200);
      expectError(await t.as(made[1].key).get('/v1/quotas'), 401, 'AuthFailure');
      await t.as(made[2].key).get('/v1/quotas').expect(200);
    });
  });
});
