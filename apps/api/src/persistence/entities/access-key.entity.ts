import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/**
 * A tenant's access key for the EC2 Query protocol (Signature Version 4). SigV4 needs the secret
 * itself to recompute a signature, so it cannot be hashed: it is stored encrypted (AES-256-GCM)
 * under the server's key, which is not in the database (application/credentials/secret-box.ts).
 */
@Entity('access_keys')
@Index('ix_access_keys_tenant', ['tenantId'])
export class AccessKeyEntity {
  @PrimaryColumn({ name: 'access_key_id', type: 'varchar', length: 20 }) accessKeyId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_access_keys_tenant' })
  tenant?: TenantEntity;
  /** `v1:` and base64 of IV (12 bytes), GCM tag (16 bytes) and ciphertext. */
  @Column({ name: 'secret_ciphertext', type: 'varchar', length: 255 }) secretCiphertext!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
