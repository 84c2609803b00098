import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { DataSource, EntityManager } from 'typeorm';
import { DEFAULT_REQUEST_LIMITS, parseRequestLimits } from '../throttling';
import { AuthService } from '../auth/auth.service';
import { hashKey, newSecretKey } from '../auth/key-hash';
import { ApiError, notFound } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { ApiKeyEntity, TenantEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { CreateTenantDto, UpdateTenantDto } from '../../http/rest/tenants/tenant.dto';
import { mapNewApiKey, mapTenant } from '../../http/rest/tenants/tenant.mapper';

/** EC2's default On-Demand vCPU quota is small for new accounts; 64 is a workable simulator default. */
export const DEFAULT_QUOTAS = { onDemandVcpus: 64, provisionedIops: 100_000 };

const tenantNotFound = (id: string) => notFound('InvalidTenantID.NotFound', `The tenant ID '${id}' does not exist`);

@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
    private readonly auth: AuthService,
  ) {}

  create(dto: CreateTenantDto) {
    return this.engine.command(async (tx, e) => {
      const tenant = tx.create(TenantEntity, {
        id: resourceId('t'),
        name: dto.name,
        quotaOnDemandVcpus: dto.quotas?.onDemandVcpus ?? DEFAULT_QUOTAS.onDemandVcpus,
        quotaProvisionedIops: dto.quotas?.provisionedIops ?? DEFAULT_QUOTAS.provisionedIops,
        createdAt: e.now,
      });
      await tx.insert(TenantEntity, tenant);
      const apiKey = await this.insertKey(tx, tenant.id, e.now);
      return { tenant: mapTenant(tenant), apiKey };
    });
  }

  async list() {
    const rows = await this.repo().find({ order: { createdAt: 'ASC', id: 'ASC' } });
    return { tenants: rows.map(mapTenant) };
  }

  async get(id: string) {
    return mapTenant(await this.require(this.repo(), id));
  }

  async update(id: string, dto: UpdateTenantDto) {
    const tenant = await this.engine.command(async (tx) => {
      const t = await this.require(tx.getRepository(TenantEntity), id);
      if (dto.quotas?.onDemandVcpus !== undefined) t.quotaOnDemandVcpus = dto.quotas.onDemandVcpus;
      if (dto.quotas?.provisionedIops !== undefined) t.quotaProvisionedIops = dto.quotas.provisionedIops;
      if (dto.requestLimits === null) t.requestLimits = null;
      else if (dto.requestLimits !== undefined) {
        const parsed = parseRequestLimits(dto.requestLimits, t.requestLimits ?? DEFAULT_REQUEST_LIMITS);
        if ('errors' in parsed) throw new ApiError('ValidationError', parsed.errors.join('; '));
        t.requestLimits = parsed.limits;
      }
      await tx.save(TenantEntity, t);
      return t;
    });
    // Committed: the tenant's next request sees its new quotas and limits.
    this.auth.tenantChanged(tenant);
    return mapTenant(tenant);
  }

  createKey(tenantId: string) {
    return this.engine.command(async (tx, e) => {
      await this.require(tx.getRepository(TenantEntity), tenantId);
      return { apiKey: await this.insertKey(tx, tenantId, e.now) };
    });
  }

  async deleteKey(tenantId: string, keyId: string) {
    await this.engine.command(async (tx) => {
      const r = await tx.delete(ApiKeyEntity, { id: keyId, tenantId });
      if (!r.affected) throw notFound('InvalidKeyID.NotFound', `The API key '${keyId}' does not exist for tenant '${tenantId}'`);
    });
    // Committed: the key is refused from its next request on.
    this.auth.keyRevoked(keyId);
  }

  private async insertKey(tx: EntityManager, tenantId: string, now: number) {
    const key = newSecretKey('nmb');
    const row = tx.create(ApiKeyEntity, { id: resourceId('key'), tenantId, keyHash: hashKey(key), createdAt: now });
    await tx.insert(ApiKeyEntity, row);
    return mapNewApiKey(row, key);
  }

  private repo() {
    return this.db.getRepository(TenantEntity);
  }

  private async require(repo: ReturnType<TenantsService['repo']>, id: string): Promise<TenantEntity> {
    const t = await repo.findOneBy({ id });
    if (!t) throw tenantNotFound(id);
    return t;
  }
}
