import { Column, Entity, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * The fields of a host's closed metric bucket that the fleet views read (the heatmap: CPU and
 * memory utilization; availability: `failed`), beside its whole JSON summary in `metric_buckets`
 * and written with it (host-metric-buckets.ts has the encoding and the reasons). Each column is the
 * hex of little-endian float64s: `head` [start, coveredMs, count, final as 0 or 1], each field
 * [mean, max, end, slope]. On SQLite the rows lie in key order (no rowid): a host's window is a few
 * neighbouring pages.
 */
@Entity('host_metric_buckets', { withoutRowid: true })
export class HostMetricBucketEntity {
  @PrimaryColumn({ name: 'host_id', type: 'varchar', length: 32 }) hostId!: string;
  @PrimaryColumn({ name: 'bucket_start', type: 'bigint', transformer: msTransformer }) bucketStart!: number;
  @Column({ type: 'text' }) head!: string;
  @Column({ name: 'cpu_utilization', type: 'text' }) cpuUtilization!: string;
  @Column({ name: 'memory_resident_mib', type: 'text' }) memoryResidentMiB!: string;
  @Column({ name: 'memory_capacity_mib', type: 'text' }) memoryCapacityMiB!: string;
  @Column({ type: 'text' }) failed!: string;
}
