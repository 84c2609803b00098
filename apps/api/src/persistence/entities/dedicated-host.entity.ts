import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** A fleet host allocated whole to a tenant (EC2 AllocateHosts); the row goes when it is released. */
@Entity('dedicated_hosts')
@Index('ix_dedicated_hosts_tenant', ['tenantId'])
export class DedicatedHostEntity {
  /** The fleet host's id: the tenant sees it as its Dedicated Host id. */
  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 32 }) hostId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'auto_placement', type: 'boolean' }) autoPlacement!: boolean;
  /** What the tenant asked for: an instance family, or one instance type. */
  @Column({ name: 'instance_family', type: 'varchar', length: 16 }) instanceFamily!: string;
  @Column({ name: 'instance_type', type: 'varchar', length: 32, nullable: true }) instanceType!: string | null;
  @Column({ name: 'allocated_at', type: 'bigint', transformer: msTransformer }) allocatedAt!: number;
  /** Its tags, a JSON object (EC2's tagSet; CreateTags / DeleteTags / DescribeTags). */
  @Column({ type: 'text', default: '{}' }) tags!: string;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_dedicated_hosts_tenant' })
  tenant?: TenantEntity;
}
