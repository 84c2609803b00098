import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { READ_DB } from './data-source';
import { ApiKeyEntity, SettingEntity } from './entities';
import { Tx } from './tx';

const ADMIN_KEY_SETTING = 'admin_key_hash';

/** Tenants' API keys (stored hashed) and the admin key's hash. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  /** The committed key with this hash (read connection: authentication never waits behind writes). */
  findByHash(keyHash: string): Promise<ApiKeyEntity | null> {
    return this.db.getRepository(ApiKeyEntity).findOneBy({ keyHash });
  }

  async insertKey(tx: Tx, fields: Omit<ApiKeyEntity, 'tenant'>): Promise<ApiKeyEntity> {
    const row = tx.create(ApiKeyEntity, fields);
    await tx.insert(ApiKeyEntity, row);
    return row;
  }

  /** A tenant's keys (ids and creation times; the secrets are never stored), oldest first. */
  keysOf(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.db.getRepository(ApiKeyEntity).find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Deletes the tenant's key; false when the tenant has no such key. */
  async deleteKey(tx: Tx, tenantId: string, keyId: string): Promise<boolean> {
    const r = await tx.delete(ApiKeyEntity, { id: keyId, tenantId });
    return !!r.affected;
  }

  async storedAdminKeyHash(): Promise<string | undefined> {
    return (await this.db.getRepository(SettingEntity).findOneBy({ key: ADMIN_KEY_SETTING }))?.value;
  }

  /** Stores the hash of a generated admin key, at start-up (before any command runs). */
  async storeAdminKeyHash(keyHash: string): Promise<void> {
    await this.db.getRepository(SettingEntity).insert({ key: ADMIN_KEY_SETTING, value: keyHash });
  }
}
