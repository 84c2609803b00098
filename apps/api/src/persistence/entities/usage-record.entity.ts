import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * One usage record (libs/metering's UsageRecord, flattened). `recordId` is the idempotency key,
 * derived from the source event (instance id + segment start, meter id + reading): writers insert
 * with ON CONFLICT DO NOTHING, so a replay writes nothing new. An interval still running has
 * `endMs` null; it is closed exactly once (UPDATE … WHERE end_ms IS NULL), and read as ending at
 * now (estimates) or at the month's end (close).
 */
@Entity('usage_records')
@Index('ix_usage_records_tenant_start', ['tenantId', 'startMs'])
@Index('ix_usage_records_resource', ['resourceId', 'endMs'])
export class UsageRecordEntity {
  @PrimaryColumn({ name: 'record_id', type: 'varchar', length: 200 }) recordId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  /** instance-usage, volume-usage, snapshot-usage, public-ipv4, monitoring, host-usage, nat-gateway, cpu-surplus, data-transfer, nat-bytes, volume-io. */
  @Column({ type: 'varchar', length: 16 }) kind!: string;
  /** The instance, volume, snapshot, host or public IPv4 address the record is about. */
  @Column({ name: 'resource_id', type: 'varchar', length: 32 }) resourceId!: string;
  /** Interval start, or the reading time of a point record. */
  @Column({ name: 'start_ms', type: 'bigint', transformer: msTransformer }) startMs!: number;
  @Column({ name: 'end_ms', type: 'bigint', nullable: true, transformer: msTransformer }) endMs!: number | null;
  @Column({ name: 'period_start_ms', type: 'bigint', nullable: true, transformer: msTransformer }) periodStartMs!: number | null;
  /** Point records: bytes or surplus vCPU-ms. */
  @Column({ type: 'bigint', nullable: true, transformer: msTransformer }) quantity!: number | null;
  /** What the record describes (instance type, platform, zone, volume type, …), JSON. */
  @Column({ type: 'text' }) attrs!: string;
}
