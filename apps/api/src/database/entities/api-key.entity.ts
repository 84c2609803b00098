import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** A tenant's API key, stored as its SHA-256 (keys are 256-bit random, so a fast hash is safe). */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'key_hash', type: 'varchar', length: 64 }) keyHash!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
