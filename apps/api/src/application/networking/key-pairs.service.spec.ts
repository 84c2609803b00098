import { EngineService } from '../../engine/engine.service';
import { KeyPairEntity, TenantEntity } from '../../persistence/entities';
import { NetworkingRepository } from '../../persistence/networking.repository';
import { createKey } from './key-material';
import { KeyPairsService } from './key-pairs.service';

jest.mock('./key-material', () => ({ ...jest.requireActual('./key-material'), createKey: jest.fn() }));

describe('KeyPairsService.create', () => {
  const tenant = Object.assign(new TenantEntity(), { id: 't-1' });
  const taken: KeyPairEntity = { id: 'key-0123456789abcdef0', tenantId: 't-1', name: 'main', keyType: 'rsa', fingerprint: 'f', publicKey: 'p', createdAt: 0 };

  it('refuses a name the tenant already has before making a key (an RSA key costs up to seconds of CPU)', async () => {
    const repo = { reader: {}, findKeyPairByName: jest.fn(async (_m: unknown, tenantId: string, name: string) => (tenantId === 't-1' && name === 'main' ? taken : undefined)) };
    const engine = { command: jest.fn() };
    const sut = new KeyPairsService(repo as unknown as NetworkingRepository, engine as unknown as EngineService);
    await expect(sut.create(tenant, { keyName: 'main' })).rejects.toMatchObject({ code: 'InvalidKeyPair.Duplicate', message: "The keypair 'main' already exists." });
    expect(createKey).not.toHaveBeenCalled();
    expect(engine.command).not.toHaveBeenCalled();
  });
});
