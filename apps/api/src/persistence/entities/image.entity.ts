import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/**
 * An image beyond the built-in catalog: an operator's (no tenant: public) or a tenant's own
 * (CreateImage: private). `body` is libs/hypervisor's Image as JSON (what the world needs);
 * `blockDevices` its snapshots (the world's Image gets them too: catalog.repository's imageOf). Pending until `availableAt` (simulated time); a deregistered one
 * stays, for the instances launched from it.
 */
@Entity('images')
@Index('ix_images_tenant', ['tenantId', 'state'])
export class ImageEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32, nullable: true }) tenantId!: string | null;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
  @Column({ type: 'text' }) body!: string;
  @Column({ name: 'source_instance_id', type: 'varchar', length: 32, nullable: true }) sourceInstanceId!: string | null;
  /** The image CopyImage copied it from; null for one CreateImage, RegisterImage or an operator made. */
  @Column({ name: 'source_image_id', type: 'varchar', length: 32, nullable: true }) sourceImageId!: string | null;
  @Column({ name: 'block_devices', type: 'text' }) blockDevices!: string;
  @Column({ type: 'text' }) tags!: string;
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'available_at', type: 'bigint', transformer: msTransformer }) availableAt!: number;
  @Column({ name: 'deregistered_at', type: 'bigint', nullable: true, transformer: msTransformer }) deregisteredAt!: number | null;
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_images_tenant' })
  tenant?: TenantEntity;
}
