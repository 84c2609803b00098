import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/** The last metered reading of a cumulative counter of an instance (surplus vCPU-ms, bytes): deltas start from it. */
@Entity('usage_meters')
export class UsageMeterEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  /** `surplus`, `cross-az`, `internet-out`. */
  @PrimaryColumn({ type: 'varchar', length: 16 }) meter!: string;
  @Column({ type: 'bigint', transformer: msTransformer }) value!: number;
  @Column({ name: 'at_ms', type: 'bigint', transformer: msTransformer }) atMs!: number;
}
