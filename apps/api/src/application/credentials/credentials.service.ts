import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { resolveServerKey } from '../../config/server-key';
import { EngineService } from '../../engine/engine.service';
import { AccessKeysRepository } from '../../persistence/access-keys.repository';
import { AccessKeyEntity, TenantEntity } from '../../persistence/entities';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { ApiError, notFound } from '../common/api-errors';
import { DeleteAccessKeyCommand, TenantAccessKeysCommand } from './credentials.commands';
import { SecretBox } from './secret-box';

/** EC2 (IAM) allows two access keys per user, so that one can be rotated while the other serves. */
export const MAX_ACCESS_KEYS = 2;

/** `AKIA` and 16 characters of base32's alphabet, as AWS's long-term key ids. */
export const ACCESS_KEY_ID = /^AKIA[A-Z2-7]{16}$/;

/** A key just created: the only time its secret is shown. */
export interface NewAccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly createdAt: number;
}

/** Who signs with an access key: the tenant, its account id and the secret to recompute the signature with. */
export interface SigningIdentity {
  readonly tenant: TenantEntity;
  readonly accountId: string;
  readonly secretAccessKey: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function newAccessKeyId(): string {
  const bytes = randomBytes(16);
  let id = 'AKIA';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

/** 30 random bytes in base64: 40 characters, as AWS's secret access keys. */
const newSecret = () => randomBytes(30).toString('base64');

const tenantNotFound = (id: string) => notFound('InvalidTenantID.NotFound', `The tenant ID '${id}' does not exist`);
const keyNotFound = (id: string) => notFound('InvalidAccessKeyId.NotFound', `The access key ID '${id}' does not exist`);

/**
 * The access keys of the EC2 Query protocol. Identities that signed successfully are cached in
 * memory (key id → tenant and decrypted secret), so a signed request costs no database round trip
 * and no decryption; a revoked key and a changed tenant are updated at once (after their commit),
 * as AuthService does for API keys. Only positives are cached.
 */
@Injectable()
export class CredentialsService {
  private readonly box: SecretBox;
  private readonly identities = new Map<string, { readonly tenantId: string; readonly secretAccessKey: string }>();
  private readonly tenants = new Map<string, TenantEntity>();
  private generation = 0;

  constructor(
    private readonly engine: EngineService,
    private readonly accessKeys: AccessKeysRepository,
    private readonly tenantRows: TenantsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new SecretBox(resolveServerKey(config));
  }

  /** Issues a key (admin, or the tenant rotating its own); at most two per tenant. */
  create(cmd: TenantAccessKeysCommand): Promise<NewAccessKey> {
    return this.engine.command(async (tx, e) => {
      if (!(await this.tenantRows.findById(tx, cmd.tenantId))) throw tenantNotFound(cmd.tenantId);
      const existing = await this.accessKeys.ofTenant(tx, cmd.tenantId);
      if (existing.length >= MAX_ACCESS_KEYS)
        throw new ApiError('AccessKeyLimitExceeded', `A tenant may have at most ${MAX_ACCESS_KEYS} access keys; delete one (${existing.map((k) => k.accessKeyId).join(', ')}) first.`);
      const accessKeyId = newAccessKeyId();
      const secretAccessKey = newSecret();
      await this.accessKeys.insert(tx, { accessKeyId, tenantId: cmd.tenantId, secretCiphertext: this.box.seal(secretAccessKey, accessKeyId), createdAt: e.now });
      return { accessKeyId, secretAccessKey, createdAt: e.now };
    });
  }

  /** The tenant's account id and keys (ids and creation times; secrets are never shown again). */
  async list(cmd: TenantAccessKeysCommand): Promise<{ readonly accountId: string; readonly keys: AccessKeyEntity[] }> {
    const m = this.accessKeys.reader;
    const tenant = await this.tenantRows.findById(m, cmd.tenantId);
    if (!tenant) throw tenantNotFound(cmd.tenantId);
    return { accountId: tenant.accountId, keys: await this.accessKeys.ofTenant(m, cmd.tenantId) };
  }

  /** Revokes a key: refused from its next request on. Another tenant's key is not found, as a missing one. */
  async delete(cmd: DeleteAccessKeyCommand): Promise<void> {
    await this.engine.command(async (tx) => {
      if (!(await this.accessKeys.delete(tx, cmd.tenantId, cmd.accessKeyId))) throw keyNotFound(cmd.accessKeyId);
    });
    this.generation++;
    this.identities.delete(cmd.accessKeyId);
  }

  /** A tenant changed (committed): signed requests see its new quotas and limits from now on. */
  tenantChanged(tenant: TenantEntity): void {
    this.generation++;
    if (this.tenants.has(tenant.id)) this.tenants.set(tenant.id, tenant);
  }

  /** Who signs with this access key id, or undefined for a key that does not exist. */
  async identify(accessKeyId: string): Promise<SigningIdentity | undefined> {
    if (!ACCESS_KEY_ID.test(accessKeyId)) return undefined;
    const cached = this.identities.get(accessKeyId);
    const cachedTenant = cached && this.tenants.get(cached.tenantId);
    if (cached && cachedTenant) return { tenant: cachedTenant, accountId: cachedTenant.accountId, secretAccessKey: cached.secretAccessKey };
    const generation = this.generation;
    const row = await this.accessKeys.findById(this.accessKeys.reader, accessKeyId);
    if (!row) return undefined;
    const tenant = await this.tenantRows.findById(this.tenantRows.reader, row.tenantId);
    if (!tenant) return undefined;
    // A secret sealed under another server key cannot be used: the key is refused, never a 500.
    let secretAccessKey: string;
    try {
      secretAccessKey = this.box.open(row.secretCiphertext, accessKeyId);
    } catch {
      return undefined;
    }
    if (generation === this.generation) {
      this.identities.set(accessKeyId, { tenantId: tenant.id, secretAccessKey });
      if (!this.tenants.has(tenant.id)) this.tenants.set(tenant.id, tenant);
    }
    const current = this.tenants.get(tenant.id) ?? tenant;
    return { tenant: current, accountId: current.accountId, secretAccessKey };
  }
}
