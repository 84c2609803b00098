import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { TenantEntity } from './entities';
import { selectWhere } from './fast-sql';
import { Tx } from './tx';

@Injectable()
export class TenantsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  /** The committed state, for reads outside a command: it never waits behind the write path. */
  get reader(): Tx {
    return this.db.manager;
  }

  async insertTenant(tx: Tx, fields: Omit<TenantEntity, 'requestLimits'>): Promise<TenantEntity> {
    const tenant = tx.create(TenantEntity, fields);
    await tx.insert(TenantEntity, tenant);
    return tenant;
  }

  /** Every tenant, oldest first. */
  all(): Promise<TenantEntity[]> {
    return this.db.getRepository(TenantEntity).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findById(m: Tx, id: string): Promise<TenantEntity | null> {
    return m.findOneBy(TenantEntity, { id });
  }

  /** The tenant's On-Demand vCPU quota, as committed before this transaction or changed in it. */
  async onDemandVcpuQuota(tx: Tx, tenantId: string): Promise<number> {
    const [t] = await selectWhere(tx, TenantEntity, { id: tenantId });
    if (!t) throw new Error(`tenant ${tenantId} does not exist`);
    return t.quotaOnDemandVcpus;
  }

  async save(tx: Tx, tenant: TenantEntity): Promise<void> {
    await tx.save(TenantEntity, tenant);
  }
}
