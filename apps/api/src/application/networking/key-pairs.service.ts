import { Injectable } from '@nestjs/common';
import { Image, isWindowsPlatform } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { KeyPairEntity, TenantEntity } from '../../persistence/entities';
import { NetworkingRepository } from '../../persistence/networking.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { validateTags } from '../instances/tags';
import { describe, isWellFormed, KEY_PAIR_ID, Page } from './describe-query';
import { createKey, importKey } from './key-material';
import { CreateKeyPairCommand, DeleteKeyPairCommand, DescribeKeyPairsQuery, ImportKeyPairCommand } from './networking.commands';

const duplicateKeyPair = (name: string) => new ApiError('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);

/** A key pair as Describe shows it. */
export interface KeyPairView {
  readonly keyPair: KeyPairEntity;
  readonly tags: Readonly<Record<string, string>>;
}

/** CreateKeyPair's answer: the private key, shown this once and never stored. */
export interface CreatedKeyPair extends KeyPairView {
  readonly keyMaterial: string;
}

const keyPairNotFound = (name: string) => new ApiError('InvalidKeyPair.NotFound', `The key pair '${name}' does not exist`);

/** EC2's key names: 1 to 255 ASCII characters. */
function validateKeyName(name: string): void {
  if (name.length < 1 || name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) {
    throw invalidParameter(`Value (${name.slice(0, 40)}) for parameter keyName is invalid: 1 to 255 ASCII characters`);
  }
}

/**
 * EC2's key pairs per tenant: CreateKeyPair (RSA 2048 or ED25519, the private key returned once),
 * ImportKeyPair, DescribeKeyPairs, DeleteKeyPair; fingerprints as EC2 computes them (key-material.ts).
 */
@Injectable()
export class KeyPairsService {
  constructor(
    private readonly repo: NetworkingRepository,
    private readonly engine: EngineService,
  ) {}

  async create(tenant: TenantEntity, cmd: CreateKeyPairCommand): Promise<CreatedKeyPair> {
    validateKeyName(cmd.keyName);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const keyType = cmd.keyType ?? 'rsa';
    if (!['rsa', 'ed25519'].includes(keyType)) throw invalidParameter(`Value (${keyType}) for parameter keyType is invalid: rsa or ed25519`);
    const format = cmd.keyFormat ?? 'pem';
    if (!['pem', 'ppk'].includes(format)) throw invalidParameter(`Value (${format}) for parameter keyFormat is invalid: pem or ppk`);
    // A name taken is refused before a key is made (the command checks again): generating an RSA key
    // costs 50 ms to seconds of CPU, which a stream of duplicate requests must not be able to buy.
    if (await this.repo.findKeyPairByName(this.repo.reader, tenant.id, cmd.keyName)) throw duplicateKeyPair(cmd.keyName);
    // Generated outside the command: the write path should not wait for it.
    const key = await createKey(keyType, format, cmd.keyName);
    return this.engine.command(async (tx, e) => {
      const row = await this.insert(tx, tenant.id, cmd.keyName, key.keyType, key.fingerprint, key.publicKey, e.now, tags);
      return { keyPair: row, tags, keyMaterial: key.privateKeyMaterial };
    });
  }

  import(tenant: TenantEntity, cmd: ImportKeyPairCommand): Promise<KeyPairView> {
    validateKeyName(cmd.keyName);
    const tags = validateTags({ ...(cmd.tags ?? {}) });
    const key = importKey(cmd.publicKeyMaterial);
    return this.engine.command(async (tx, e) => {
      const row = await this.insert(tx, tenant.id, cmd.keyName, key.keyType, key.fingerprint, key.publicKey, e.now, tags);
      return { keyPair: row, tags };
    });
  }

  /** DescribeKeyPairs: by name (KeyName.N) or id (KeyPairId.N), each of which must exist, and filters. */
  async describe(tenant: TenantEntity, q: DescribeKeyPairsQuery<KeyPairView>): Promise<Page<KeyPairView>> {
    const m = this.repo.reader;
    const rows = await this.repo.keyPairsOf(m, tenant.id);
    for (const name of q.names ?? []) if (!rows.some((r) => r.name === name)) throw keyPairNotFound(name);
    const tags = await this.repo.tagsOf(m, rows.map((r) => r.id));
    let views = rows.map((keyPair) => ({ keyPair, tags: tags.get(keyPair.id) ?? {} }));
    if (q.names && q.names.length > 0) views = views.filter((v) => q.names!.includes(v.keyPair.name));
    const page = describe(views, (v) => v.keyPair.id, KEY_PAIR_ID, { ids: q.ids, match: q.match });
    // By name, as EC2 lists them.
    return { items: [...page.items].sort((a, b) => (a.keyPair.name < b.keyPair.name ? -1 : a.keyPair.name > b.keyPair.name ? 1 : 0)) };
  }

  /** DeleteKeyPair: idempotent, as EC2 (a missing name or id deletes nothing and succeeds). The id of the key pair deleted, if one was. */
  delete(tenant: TenantEntity, cmd: DeleteKeyPairCommand): Promise<string | undefined> {
    if (cmd.keyName === undefined && cmd.keyPairId === undefined) throw new ApiError('MissingParameter', 'The request must contain the parameter KeyName or KeyPairId');
    return this.engine.command(async (tx) => {
      const row = cmd.keyPairId !== undefined ? await this.findById(tx, tenant.id, cmd.keyPairId) : await this.repo.findKeyPairByName(tx, tenant.id, cmd.keyName!);
      if (!row || (cmd.keyName !== undefined && row.name !== cmd.keyName)) return undefined;
      await this.repo.deleteKeyPair(tx, row.id);
      return row.id;
    });
  }

  /**
   * RunInstances' KeyName (EC2 protocol and REST alike): the tenant's key pair of that name, else
   * InvalidKeyPair.NotFound; of a type the image takes. "ED25519 keys are not supported for Windows
   * instances" (EC2 User Guide, "Amazon EC2 key pairs"): a Windows launch with one is refused with
   * EC2's code and words (its Administrator password is encrypted with the key pair's RSA key).
   */
  async requireForLaunch(tx: Tx, tenantId: string, name: string, image: Pick<Image, 'platform'>): Promise<KeyPairEntity> {
    const row = await this.repo.findKeyPairByName(tx, tenantId, name);
    if (!row) throw keyPairNotFound(name);
    if (row.keyType === 'ed25519' && isWindowsPlatform(image.platform)) {
      throw new ApiError('Unsupported', 'ED25519 key pairs are not supported with Windows AMIs. Choose a different key pair type and try again.');
    }
    return row;
  }

  async findById(m: Tx, tenantId: string, id: string): Promise<KeyPairEntity | undefined> {
    if (!isWellFormed(KEY_PAIR_ID, id)) return undefined;
    return (await this.repo.keyPairsOf(m, tenantId)).find((k) => k.id === id);
  }

  private async insert(
    tx: Tx, tenantId: string, name: string, keyType: string, fingerprint: string, publicKey: string, now: number, tags: Record<string, string>,
  ): Promise<KeyPairEntity> {
    if (await this.repo.findKeyPairByName(tx, tenantId, name)) throw duplicateKeyPair(name);
    const row: KeyPairEntity = { id: resourceId('key'), tenantId, name, keyType, fingerprint, publicKey, createdAt: now };
    await this.repo.insertKeyPair(tx, row);
    await this.repo.saveTags(tx, tenantId, row.id, tags);
    return row;
  }
}
