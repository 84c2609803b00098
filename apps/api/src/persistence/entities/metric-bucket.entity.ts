import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * One closed metrics bucket of an instance, a host or the fleet (kind `vm`, `host`, `fleet`):
 * its JSON summary (count, mean, max, end values). Buckets in which nothing changed have no row;
 * they carry the previous row's end values (the fluid model: constant between events).
 */
@Entity('metric_buckets')
export class MetricBucketEntity {
  @PrimaryColumn({ name: 'entity_id', type: 'varchar', length: 32 }) entityId!: string;
  @PrimaryColumn({ name: 'bucket_start', type: 'bigint', transformer: msTransformer }) bucketStart!: number;
  @Column({ type: 'varchar', length: 8 }) kind!: string;
  @Column({ type: 'text' }) summary!: string;
}
