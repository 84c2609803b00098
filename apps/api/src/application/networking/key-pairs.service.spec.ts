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

describe('KeyPairsService.requireForLaunch', () => {
  const keys: Record<string, KeyPairEntity> = {
    rsa: { id: 'key-0123456789abcdef1', tenantId: 't-1', name: 'rsa', keyType: 'rsa', fingerprint: 'f', publicKey: 'ssh-rsa AAAA', createdAt: 0 },
    ed: { id: 'key-0123456789abcdef2', tenantId: 't-1', name: 'ed', keyType: 'ed25519', fingerprint: 'f', publicKey: 'ssh-ed25519 AAAA', createdAt: 0 },
  };
  const repo = { findKeyPairByName: jest.fn(async (_m: unknown, tenantId: string, name: string) => (tenantId === 't-1' ? keys[name] : undefined)) };
  const sut = new KeyPairsService(repo as unknown as NetworkingRepository, {} as EngineService);
  const tx = {} as never;

  it("refuses an ED25519 key pair for a Windows image with EC2's code and words, and takes it for Linux", async () => {
    for (const platform of ['windows', 'windows-sql-standard'] as const) {
      await expect(sut.requireForLaunch(tx, 't-1', 'ed', { platform })).rejects.toMatchObject({
        code: 'Unsupported', message: 'ED25519 key pairs are not supported with Windows AMIs. Choose a different key pair type and try again.',
      });
    }
    await expect(sut.requireForLaunch(tx, 't-1', 'ed', { platform: 'linux' })).resolves.toBe(keys.ed);
    await expect(sut.requireForLaunch(tx, 't-1', 'rsa', { platform: 'windows' })).resolves.toBe(keys.rsa);
  });

  it("answers InvalidKeyPair.NotFound for a missing name, and for another tenant's", async () => {
    await expect(sut.requireForLaunch(tx, 't-1', 'nope', { platform: 'windows' })).rejects.toMatchObject({ code: 'InvalidKeyPair.NotFound', message: "The key pair 'nope' does not exist" });
    await expect(sut.requireForLaunch(tx, 't-2', 'rsa', { platform: 'linux' })).rejects.toMatchObject({ code: 'InvalidKeyPair.NotFound' });
  });
});
