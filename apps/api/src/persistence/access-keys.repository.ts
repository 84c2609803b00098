import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { READ_DB } from './data-source';
import { AccessKeyEntity } from './entities';
import { Tx } from './tx';

/** Tenants' EC2 access keys (secrets encrypted by the application before they get here). */
@Injectable()
export class AccessKeysRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  findById(m: Tx, accessKeyId: string): Promise<AccessKeyEntity | null> {
    return m.findOneBy(AccessKeyEntity, { accessKeyId });
  }

  /** A page of every tenant's keys, by key id after `after`: what the start-up check opens. */
  sealedSecrets(m: Tx, after: string, limit: number): Promise<Pick<AccessKeyEntity, 'accessKeyId' | 'tenantId' | 'secretCiphertext'>[]> {
    return m.find(AccessKeyEntity, {
      select: { accessKeyId: true, tenantId: true, secretCiphertext: true },
      where: { accessKeyId: MoreThan(after) }, order: { accessKeyId: 'ASC' }, take: limit,
    });
  }

  /** The tenant's keys, oldest first. */
  ofTenant(m: Tx, tenantId: string): Promise<AccessKeyEntity[]> {
    return m.find(AccessKeyEntity, { where: { tenantId }, order: { createdAt: 'ASC', accessKeyId: 'ASC' } });
  }

  async insert(tx: Tx, row: Omit<AccessKeyEntity, 'tenant'>): Promise<void> {
    await tx.insert(AccessKeyEntity, row);
  }

  /** False when the tenant has no such key. */
  async delete(tx: Tx, tenantId: string, accessKeyId: string): Promise<boolean> {
    const r = await tx.delete(AccessKeyEntity, { accessKeyId, tenantId });
    return !!r.affected;
  }
}
