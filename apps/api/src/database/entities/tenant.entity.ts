import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

@Entity('tenants')
export class TenantEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ type: 'varchar', length: 128 }) name!: string;
  @Column({ name: 'quota_on_demand_vcpus', type: 'integer' }) quotaOnDemandVcpus!: number;
  @Column({ name: 'quota_provisioned_iops', type: 'integer' }) quotaProvisionedIops!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
