import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** An EBS-like volume (docs/model.md §3.3). `runtime` holds the data plane's snapshot (a gp2 bucket). */
@Entity('volumes')
@Index('ix_volumes_tenant_state', ['tenantId', 'state'])
@Index('ix_volumes_instance', ['instanceId'])
export class VolumeEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ name: 'volume_type', type: 'varchar', length: 8 }) volumeType!: string;
  @Column({ name: 'size_gib', type: 'integer' }) sizeGiB!: number;
  @Column({ type: 'integer' }) iops!: number;
  @Column({ name: 'throughput_mibps', type: 'integer' }) throughputMiBps!: number;
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true }) instanceId!: string | null;
  @Column({ type: 'varchar', length: 32, nullable: true }) device!: string | null;
  @Column({ name: 'attach_time', type: 'bigint', nullable: true, transformer: msTransformer }) attachTime!: number | null;
  @Column({ name: 'delete_on_termination', type: 'boolean' }) deleteOnTermination!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msTransformer }) deletedAt!: number | null;
  @Column({ type: 'text', nullable: true }) runtime!: string | null;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_volumes_tenant' })
  tenant?: TenantEntity;
}
