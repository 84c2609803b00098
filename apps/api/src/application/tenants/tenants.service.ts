import { Injectable } from '@nestjs/common';
import { DEFAULT_REQUEST_LIMITS, parseRequestLimits } from '../throttling';
import { AuthService } from '../auth/auth.service';
import { newAccountId } from '../credentials/account-id';
import { CredentialsService } from '../credentials/credentials.service';
import { hashKey, newSecretKey } from '../auth/key-hash';
import { ApiError, notFound } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ApiKeyEntity, TenantEntity } from '../../persistence/entities';
import { ApiKeysRepository } from '../../persistence/api-keys.repository';
import { TenantsRepository } from '../../persistence/tenants.repository';
import { Tx } from '../../persistence/tx';
import { TenantQuotas } from './tenant-quotas';
import { EngineService } from '../../engine/engine.service';
import { CreateTenantCommand, DeleteApiKeyCommand, TenantIdCommand, UpdateTenantCommand } from './tenants.commands';

/** EC2's default On-Demand vCPU quota is small for new accounts; 64 is a workable simulator default. */
export const DEFAULT_QUOTAS = { onDemandVcpus: 64, provisionedIops: 100_000 };

/** A key just created, with its secret: the only time the secret exists outside its hash. */
export interface NewApiKey {
  readonly row: ApiKeyEntity;
  readonly key: string;
}

export interface CreatedTenant {
  readonly tenant: TenantEntity;
  readonly apiKey: NewApiKey;
}

const tenantNotFound = (id: string) => notFound('InvalidTenantID.NotFound', `The tenant ID '${id}' does not exist`);

@Injectable()
export class TenantsService {
  constructor(
    private readonly engine: EngineService,
    private readonly auth: AuthService,
    private readonly tenants: TenantsRepository,
    private readonly apiKeys: ApiKeysRepository,
    private readonly credentials: CredentialsService,
    private readonly quotas: TenantQuotas,
  ) {}

  create(cmd: CreateTenantCommand): Promise<CreatedTenant> {
    return this.engine.command(async (tx, e) => {
      const tenant = await this.tenants.insertTenant(tx, {
        id: resourceId('t'),
        name: cmd.name,
        accountId: newAccountId(),
        quotaOnDemandVcpus: cmd.quotas?.onDemandVcpus ?? DEFAULT_QUOTAS.onDemandVcpus,
        quotaProvisionedIops: cmd.quotas?.provisionedIops ?? DEFAULT_QUOTAS.provisionedIops,
        createdAt: e.now,
      });
      const apiKey = await this.insertKey(tx, tenant.id, e.now);
      return { tenant, apiKey };
    });
  }

  list(): Promise<TenantEntity[]> {
    return this.tenants.all();
  }

  get(q: TenantIdCommand): Promise<TenantEntity> {
    return this.require(this.tenants.reader, q.tenantId);
  }

  async update(cmd: UpdateTenantCommand): Promise<TenantEntity> {
    const tenant = await this.engine.command(async (tx) => {
      const t = await this.require(tx, cmd.tenantId);
      if (cmd.quotas?.onDemandVcpus !== undefined) t.quotaOnDemandVcpus = cmd.quotas.onDemandVcpus;
      if (cmd.quotas?.provisionedIops !== undefined) t.quotaProvisionedIops = cmd.quotas.provisionedIops;
      if (cmd.requestLimits === null) t.requestLimits = null;
      else if (cmd.requestLimits !== undefined) {
        const parsed = parseRequestLimits(cmd.requestLimits, t.requestLimits ?? DEFAULT_REQUEST_LIMITS);
        if ('errors' in parsed) throw new ApiError('ValidationError', parsed.errors.join('; '));
        t.requestLimits = parsed.limits;
      }
      await this.tenants.save(tx, t);
      this.quotas.quotaChanged(t.id, t.quotaOnDemandVcpus);
      return t;
    });
    // Committed: the tenant's next request sees its new quotas and limits.
    this.auth.tenantChanged(tenant);
    this.credentials.tenantChanged(tenant);
    return tenant;
  }

  createKey(cmd: TenantIdCommand): Promise<NewApiKey> {
    return this.engine.command(async (tx, e) => {
      await this.require(tx, cmd.tenantId);
      return this.insertKey(tx, cmd.tenantId, e.now);
    });
  }

  /** The tenant's keys: ids and creation times (a key's secret is shown only when it is created). */
  async listKeys(q: TenantIdCommand): Promise<{ keyId: string; createdAtMs: number }[]> {
    await this.get(q);
    return (await this.apiKeys.keysOf(q.tenantId)).map((k) => ({ keyId: k.id, createdAtMs: Number(k.createdAt) }));
  }

  async deleteKey(cmd: DeleteApiKeyCommand): Promise<void> {
    const { tenantId, keyId } = cmd;
    await this.engine.command(async (tx) => {
      if (!(await this.apiKeys.deleteKey(tx, tenantId, keyId)))
        throw notFound('InvalidKeyID.NotFound', `The API key '${keyId}' does not exist for tenant '${tenantId}'`);
    });
    // Committed: the key is refused from its next request on.
    this.auth.keyRevoked(keyId);
  }

  private async insertKey(tx: Tx, tenantId: string, now: number): Promise<NewApiKey> {
    const key = newSecretKey('nmb');
    const row = await this.apiKeys.insertKey(tx, { id: resourceId('key'), tenantId, keyHash: hashKey(key), createdAt: now });
    return { row, key };
  }

  private async require(m: Tx, id: string): Promise<TenantEntity> {
    const t = await this.tenants.findById(m, id);
    if (!t) throw tenantNotFound(id);
    return t;
  }
}
