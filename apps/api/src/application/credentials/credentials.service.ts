import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { resolveServerKey, SERVER_KEY_FILE } from '../../config/server-key';
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

/** Keys read per query by the start-up check, and the most its error names (its count covers all). */
const CHECK_PAGE = 500;
const NAMED_AT_MOST = 20;

/** What an operator can do about keys (or a key) sealed under another server key. */
const remedy = (them: 'them' | 'it') =>
  `start the server with the NIMBUS_SECRET_KEY ${them === 'it' ? 'it was' : 'they were'} sealed under, or revoke and reissue ${them} through the admin API ` +
  '(DELETE /v1/admin/tenants/{tenantId}/access-keys/{accessKeyId}, then POST /v1/admin/tenants/{tenantId}/access-keys)';

const tenantNotFound = (id: string) => notFound('InvalidTenantID.NotFound', `The tenant ID '${id}' does not exist`);
const keyNotFound = (id: string) => notFound('InvalidAccessKeyId.NotFound', `The access key ID '${id}' does not exist`);

/**
 * The access keys of the EC2 Query protocol. Identities that signed successfully are cached in
 * memory (key id → tenant and decrypted secret), so a signed request costs no database round trip
 * and no decryption; a revoked key and a changed tenant are updated at once (after their commit),
 * as AuthService does for API keys. Only positives are cached.
 *
 * A key whose secret was sealed under another server key is refused as a key that does not exist:
 * the client must learn nothing more. The operator does: an error at start naming how many, and a
 * warning the first time each such key is used.
 */
@Injectable()
export class CredentialsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CredentialsService.name);
  private readonly box: SecretBox;
  /** The server key's origin, as the operator's messages name it. */
  private readonly serverKeySource: string;
  /** Keys already warned about as sealed under another server key: once each, not per request. */
  private readonly warnedUnopenable = new Set<string>();
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
    this.serverKeySource = config.secretKey ? 'NIMBUS_SECRET_KEY' : `NIMBUS_SECRET_KEY unset: the key generated in ${SERVER_KEY_FILE}`;
  }

  /**
   * Opens every stored secret once (the database is migrated and read by now): keys sealed under
   * another server key are one error, with what to do. The server starts either way. A page at a
   * time, each secret a few microseconds of AES-GCM.
   */
  async onApplicationBootstrap(): Promise<void> {
    try {
      let total = 0;
      const unopenable: { readonly accessKeyId: string; readonly tenantId: string }[] = [];
      let count = 0;
      for (let after = ''; ;) {
        const page = await this.accessKeys.sealedSecrets(this.accessKeys.reader, after, CHECK_PAGE);
        for (const k of page) {
          total++;
          if (this.opened(k.secretCiphertext, k.accessKeyId) !== undefined) continue;
          if (count++ < NAMED_AT_MOST) unopenable.push({ accessKeyId: k.accessKeyId, tenantId: k.tenantId });
        }
        if (page.length < CHECK_PAGE) break;
        after = page[page.length - 1].accessKeyId;
      }
      if (count > 0)
        this.logger.error({ count, total, accessKeys: unopenable },
          `${count} of the ${total} stored EC2 access keys cannot be opened with this server's key (${this.serverKeySource}): they were sealed under another one, ` +
          `and requests signed with them are refused as for a key that does not exist (InvalidClientTokenId). To fix: ${remedy('them')}.`);
    } catch (err) {
      this.logger.warn({ err }, 'the stored EC2 access keys could not be checked against the server key');
    }
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
    this.warnedUnopenable.delete(cmd.accessKeyId);
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
    // A secret sealed under another server key cannot be used: the key is refused as an unknown
    // one, never a 500, and the operator is told (once per key).
    const secretAccessKey = this.opened(row.secretCiphertext, accessKeyId);
    if (secretAccessKey === undefined) {
      if (!this.warnedUnopenable.has(accessKeyId)) {
        this.warnedUnopenable.add(accessKeyId);
        this.logger.warn({ accessKeyId, tenantId: row.tenantId },
          `EC2 access key ${accessKeyId} cannot be opened with this server's key (${this.serverKeySource}): it was sealed under another one, ` +
          `so its requests are refused as for a key that does not exist (InvalidClientTokenId). To fix: ${remedy('it')}.`);
      }
      return undefined;
    }
    if (generation === this.generation) {
      this.identities.set(accessKeyId, { tenantId: tenant.id, secretAccessKey });
      if (!this.tenants.has(tenant.id)) this.tenants.set(tenant.id, tenant);
    }
    const current = this.tenants.get(tenant.id) ?? tenant;
    return { tenant: current, accountId: current.accountId, secretAccessKey };
  }

  /** The secret, or undefined when it was not sealed under this server's key (for this key id). */
  private opened(secretCiphertext: string, accessKeyId: string): string | undefined {
    try {
      return this.box.open(secretCiphertext, accessKeyId);
    } catch {
      return undefined;
    }
  }
}
