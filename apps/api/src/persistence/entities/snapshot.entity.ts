import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** An EBS snapshot of a tenant's volume: pending from `startedAt` until `completedAt` (simulated time); `imageId` is the image it backs, if any. */
@Entity('snapshots')
@Index('ix_snapshots_tenant', ['tenantId'])
@Index('ix_snapshots_image', ['imageId'])
export class SnapshotEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'volume_id', type: 'varchar', length: 32, nullable: true }) volumeId!: string | null;
  @Column({ name: 'volume_size_gib', type: 'integer' }) volumeSizeGiB!: number;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
  @Column({ name: 'image_id', type: 'varchar', length: 32, nullable: true }) imageId!: string | null;
  @Column({ type: 'text' }) tags!: string;
  @Column({ name: 'started_at', type: 'bigint', transformer: msTransformer }) startedAt!: number;
  @Column({ name: 'completed_at', type: 'bigint', transformer: msTransformer }) completedAt!: number;
  /** The snapshot CopySnapshot copied it from; null for one CreateSnapshot or CreateImage made. */
  @Column({ name: 'source_snapshot_id', type: 'varchar', length: 32, nullable: true }) sourceSnapshotId!: string | null;
  /** The ARN of the KMS key it is encrypted with (its volume's, its source's, or the one CopySnapshot asked); null: not encrypted. */
  @Column({ name: 'kms_key_id', type: 'varchar', length: 2048, nullable: true }) kmsKeyId!: string | null;
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_snapshots_tenant' })
  tenant?: TenantEntity;
}
