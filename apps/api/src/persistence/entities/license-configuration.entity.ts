import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** A tenant's license configuration (AWS License Manager): how its BYOL licenses are counted and limited. */
@Entity('license_configurations')
@Index('ix_license_configurations_tenant', ['tenantId'])
export class LicenseConfigurationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  /** `vCPU`, `Core`, `Socket` or `Instance`. */
  @Column({ name: 'counting_type', type: 'varchar', length: 16 }) countingType!: string;
  @Column({ name: 'license_limit', type: 'integer' }) limit!: number;
  @Column({ name: 'hard_limit', type: 'boolean' }) hardLimit!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_license_configurations_tenant' })
  tenant?: TenantEntity;
}
