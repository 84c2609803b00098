import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestLimits } from '../../application/throttling';
import { jsonTransformer, msTransformer } from './columns';

@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ name: 'quota_on_demand_vcpus', type: 'integer' }) quotaOnDemandVcpus!: number;
  @Column({ name: 'quota_provisioned_iops', type: 'integer' }) quotaProvisionedIops!: number;
  /** Raised request limits (admin); null for EC2's published figures. */
  @Column({ name: 'request_limits', type: 'text', nullable: true, transformer: jsonTransformer }) requestLimits!: RequestLimits | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
