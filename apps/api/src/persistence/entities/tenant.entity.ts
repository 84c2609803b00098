import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RequestLimits } from '../../application/throttling';
import { jsonTransformer, msTransformer } from './columns';

@Entity('tenants')
@Index('ux_tenants_account_id', ['accountId'], { unique: true })
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ name: 'quota_on_demand_vcpus', type: 'integer' }) quotaOnDemandVcpus!: number;
  @Column({ name: 'quota_provisioned_iops', type: 'integer' }) quotaProvisionedIops!: number;
  /** Raised request limits (admin); null for EC2's published figures. */
  @Column({ name: 'request_limits', type: 'text', nullable: true, transformer: jsonTransformer }) requestLimits!: RequestLimits | null;
  /** EC2's 12-digit account id (`ownerId`); every tenant has one (the column is nullable only for the migration's backfill). */
  @Column({ name: 'account_id', type: 'varchar', length: 12, nullable: true }) accountId!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
