import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * The last metered reading of a cumulative counter (an instance's surplus vCPU-ms or bytes, a
 * standard volume's I/O requests): deltas start from it. `instance_id` holds the resource's id
 * (an `i-` or a `vol-`).
 */
@Entity('usage_meters')
export class UsageMeterEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  /** `surplus`, `cross-az`, `internet-out` (instances), `volume-io` (volumes). */
  @PrimaryColumn({ type: 'varchar', length: 16 }) meter!: string;
  @Column({ type: 'bigint', transformer: msTransformer }) value!: number;
  @Column({ name: 'at_ms', type: 'bigint', transformer: msTransformer }) atMs!: number;
}
