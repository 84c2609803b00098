import { AppConfig } from '../../config/app-config';
import { ApiKeysRepository } from '../../persistence/api-keys.repository';
import { TenantEntity } from '../../persistence/entities';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { RequestThrottle } from '../throttling';
import { AuthService } from './auth.service';
import { hashKey, newSecretKey } from './key-hash';

/** AuthService over fake repositories that count their look-ups and can hold one back. */
function rig() {
  const keys = new Map<string, { id: string; tenantId: string; keyHash: string }>();
  const tenants = new Map<string, TenantEntity>();
  let lookups = 0;
  let hold: Promise<void> | undefined;
  const lookUp = async <T>(row: T | undefined): Promise<T | null> => {
    lookups++;
    if (hold) await hold; // the answer was read; it arrives later
    return row ?? null;
  };
  const apiKeys = { findByHash: (keyHash: string) => lookUp(keys.get(keyHash)) } as unknown as ApiKeysRepository;
  const tenantRows = { reader: {}, findById: (_m: unknown, id: string) => lookUp(tenants.get(id)) } as unknown as TenantsRepository;
  const sut = new AuthService(apiKeys, tenantRows, { adminKey: 'admin-key-0123456789' } as AppConfig, new RequestThrottle(() => 0));
  const addTenant = (id: string, quota = 8) => {
    const t = Object.assign(new TenantEntity(), { id, name: id, quotaOnDemandVcpus: quota, quotaProvisionedIops: 0, requestLimits: null, createdAt: 0 });
    tenants.set(id, t);
    return t;
  };
  const addKey = (id: string, tenantId: string) => {
    const key = newSecretKey('nmb');
    keys.set(hashKey(key), { id, tenantId, keyHash: hashKey(key) });
    return key;
  };
  return {
    sut, keys, addTenant, addKey,
    lookups: () => lookups,
    holdLookups: () => {
      let release!: () => void;
      hold = new Promise<void>((r) => (release = r));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

describe('AuthService', () => {
  it('looks a key up once, then answers from memory', async () => {
    const { sut, addTenant, addKey, lookups } = rig();
    await sut.onModuleInit();
    addTenant('t-1');
    const key = addKey('key-1', 't-1');
    expect(await sut.identify(key)).toMatchObject({ kind: 'tenant', tenant: { id: 't-1' } });
    const after = lookups();
    for (let i = 0; i < 10; i++) expect(await sut.identify(key)).toMatchObject({ kind: 'tenant' });
    expect(lookups()).toBe(after);
  });

  it('refuses malformed and oversized keys, and knows the admin key, without the database', async () => {
    const { sut, lookups } = rig();
    await sut.onModuleInit();
    for (const key of [undefined, '', 'nmb_short', `nmb_${'a'.repeat(44)}`, 'x'.repeat(10_000)]) expect(await sut.identify(key)).toEqual({ kind: 'unknown' });
    expect(await sut.identify('admin-key-0123456789')).toEqual({ kind: 'admin' });
    expect(lookups()).toBe(0);
  });

  it('caches no refusal: a key unknown when first tried works once it exists', async () => {
    const { sut, keys, addTenant } = rig();
    await sut.onModuleInit();
    addTenant('t-1');
    const key = newSecretKey('nmb');
    expect(await sut.identify(key)).toEqual({ kind: 'unknown' });
    keys.set(hashKey(key), { id: 'key-1', tenantId: 't-1', keyHash: hashKey(key) });
    expect(await sut.identify(key)).toMatchObject({ kind: 'tenant', tenant: { id: 't-1' } });
  });

  it('refuses a revoked key at once', async () => {
    const { sut, keys, addTenant, addKey } = rig();
    await sut.onModuleInit();
    addTenant('t-1');
    const key = addKey('key-1', 't-1');
    await sut.identify(key);
    keys.delete(hashKey(key)); // committed
    sut.keyRevoked('key-1');
    expect(await sut.identify(key)).toEqual({ kind: 'unknown' });
  });

  it('answers with the tenant as last changed', async () => {
    const { sut, addTenant, addKey } = rig();
    await sut.onModuleInit();
    addTenant('t-1', 8);
    const key = addKey('key-1', 't-1');
    await sut.identify(key);
    sut.tenantChanged(addTenant('t-1', 32));
    expect(await sut.identify(key)).toMatchObject({ tenant: { quotaOnDemandVcpus: 32 } });
  });

  it('does not cache what a look-up read before a revocation that overtook it', async () => {
    const { sut, keys, addTenant, addKey, holdLookups } = rig();
    await sut.onModuleInit();
    addTenant('t-1');
    const key = addKey('key-1', 't-1');
    const release = holdLookups();
    const inFlight = sut.identify(key); // reads the key before it is deleted
    keys.delete(hashKey(key));
    sut.keyRevoked('key-1');
    release();
    expect(await inFlight).toMatchObject({ kind: 'tenant' }); // it was valid when read
    expect(await sut.identify(key)).toEqual({ kind: 'unknown' });
  });
});
