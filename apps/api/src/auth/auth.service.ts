import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../database/data-source';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ApiKeyEntity, SettingEntity, TenantEntity } from '../database/entities';
import { hashKey, newSecretKey, sameHash } from './key-hash';

const ADMIN_KEY_SETTING = 'admin_key_hash';

export type Caller = { kind: 'admin' } | { kind: 'tenant'; tenant: TenantEntity } | { kind: 'unknown' };

@Injectable()
export class AuthService implements OnModuleInit {
  private adminKeyHash!: string;
  /** Set only on the first embedded start, when the key was generated here: main prints it once. */
  generatedAdminKey?: string;

  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.adminKey) {
      this.adminKeyHash = hashKey(this.config.adminKey);
      return;
    }
    const settings = this.db.getRepository(SettingEntity);
    const stored = await settings.findOneBy({ key: ADMIN_KEY_SETTING });
    if (stored) {
      this.adminKeyHash = stored.value;
      return;
    }
    this.generatedAdminKey = newSecretKey('nmbadmin');
    this.adminKeyHash = hashKey(this.generatedAdminKey);
    await settings.insert({ key: ADMIN_KEY_SETTING, value: this.adminKeyHash });
  }

  async identify(key: string | undefined): Promise<Caller> {
    if (!key) return { kind: 'unknown' };
    const h = hashKey(key);
    if (sameHash(h, this.adminKeyHash)) return { kind: 'admin' };
    const apiKey = await this.db.getRepository(ApiKeyEntity).findOneBy({ keyHash: h });
    if (!apiKey) return { kind: 'unknown' };
    const tenant = await this.db.getRepository(TenantEntity).findOneBy({ id: apiKey.tenantId });
    return tenant ? { kind: 'tenant', tenant } : { kind: 'unknown' };
  }
}
