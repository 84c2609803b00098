import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { ApiKeysRepository } from '../../persistence/api-keys.repository';
import { TenantEntity } from '../../persistence/entities';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { RequestThrottle } from '../throttling';
import { hashKey, isTenantKeyShaped, MAX_KEY_LENGTH, newSecretKey, sameHash } from './key-hash';

export type Caller = { kind: 'admin' } | { kind: 'tenant'; tenant: TenantEntity } | { kind: 'unknown' };

interface CachedKey {
  readonly keyId: string;
  readonly tenantId: string;
}

/**
 * Who a key belongs to. Keys that authenticated are cached in memory (hash → tenant), so a
 * request that is then throttled, or any request of a known key, costs no database round trip;
 * a malformed key is refused before the database. Only positives are cached, so a key created
 * later is never refused for having been tried before. The cache is updated when a key is revoked
 * or a tenant changes (TenantsService, after its commit), so both take effect at once.
 * One process serves the API; a second one would need its own invalidation.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  private adminKeyHash!: string;
  /** Set only on the first embedded start, when the key was generated here: main prints it once. */
  generatedAdminKey?: string;

  private readonly keys = new Map<string, CachedKey>();
  private readonly hashByKeyId = new Map<string, string>();
  private readonly tenants = new Map<string, TenantEntity>();
  /** Bumped by every eviction: a lookup that started before one does not cache what it read. */
  private generation = 0;

  constructor(
    private readonly apiKeys: ApiKeysRepository,
    private readonly tenantRows: TenantsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: RequestThrottle,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.adminKey) {
      this.adminKeyHash = hashKey(this.config.adminKey);
      return;
    }
    const stored = await this.apiKeys.storedAdminKeyHash();
    if (stored !== undefined) {
      this.adminKeyHash = stored;
      return;
    }
    this.generatedAdminKey = newSecretKey('nmbadmin');
    this.adminKeyHash = hashKey(this.generatedAdminKey);
    await this.apiKeys.storeAdminKeyHash(this.adminKeyHash);
  }

  async identify(key: string | undefined): Promise<Caller> {
    if (!key || key.length > MAX_KEY_LENGTH) return UNKNOWN;
    const h = hashKey(key);
    if (sameHash(h, this.adminKeyHash)) return ADMIN;
    if (!isTenantKeyShaped(key)) return UNKNOWN;
    const cached = this.keys.get(h);
    const tenant = cached && this.tenants.get(cached.tenantId);
    if (tenant) return { kind: 'tenant', tenant };
    return this.lookUp(h);
  }

  /** A key was deleted (committed): it is refused from now on. */
  keyRevoked(keyId: string): void {
    this.generation++;
    // A refusal remembered for the key (RequestThrottle.remember) must not outlive it: it is a 401 now.
    this.throttle.forgetRefusals();
    const h = this.hashByKeyId.get(keyId);
    if (h === undefined) return;
    this.hashByKeyId.delete(keyId);
    this.keys.delete(h);
  }

  /** A tenant changed (committed): its requests see the new quotas and limits from now on. */
  tenantChanged(tenant: TenantEntity): void {
    this.generation++;
    // Its limits may have been raised: refusals remembered under the old ones are dropped.
    this.throttle.forgetRefusals();
    if (this.tenants.has(tenant.id)) this.tenants.set(tenant.id, tenant);
  }

  private async lookUp(h: string): Promise<Caller> {
    const generation = this.generation;
    const apiKey = await this.apiKeys.findByHash(h);
    if (!apiKey) return UNKNOWN;
    const tenant = await this.tenantRows.findById(this.tenantRows.reader, apiKey.tenantId);
    if (!tenant) return UNKNOWN;
    if (generation === this.generation) {
      this.keys.set(h, { keyId: apiKey.id, tenantId: tenant.id });
      this.hashByKeyId.set(apiKey.id, h);
      if (!this.tenants.has(tenant.id)) this.tenants.set(tenant.id, tenant);
    }
    return { kind: 'tenant', tenant: this.tenants.get(tenant.id) ?? tenant };
  }
}

const UNKNOWN: Caller = { kind: 'unknown' };
const ADMIN: Caller = { kind: 'admin' };
