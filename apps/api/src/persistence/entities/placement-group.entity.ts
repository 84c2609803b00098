import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** A tenant's placement group (EC2 CreatePlacementGroup): names are unique per tenant. */
@Entity('placement_groups')
@Index('ux_placement_groups_name', ['tenantId', 'name'], { unique: true })
export class PlacementGroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** `cluster`, `spread` or `partition`. */
  @Column({ type: 'varchar', length: 16 }) strategy!: string;
  @Column({ name: 'partition_count', type: 'integer', nullable: true }) partitionCount!: number | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** Its tags, a JSON object (EC2's tagSet; CreateTags / DeleteTags / DescribeTags). */
  @Column({ type: 'text', default: '{}' }) tags!: string;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_placement_groups_tenant' })
  tenant?: TenantEntity;
}
