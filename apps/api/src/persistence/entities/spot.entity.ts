import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * A Spot Instance request (EC2's SpotInstanceRequest; docs/ec2.md, "Spot Instances"): made by
 * RunInstances with `InstanceMarketOptions.MarketType=spot`, one per instance, `one-time`. Its state
 * and status code change with its instance (fulfilled, cancelled, closed when it terminates).
 */
@Entity('spot_instance_requests')
@Index('ix_spot_requests_tenant', ['tenantId'])
@Index('ix_spot_requests_instance', ['instanceId'])
export class SpotInstanceRequestEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true }) instanceId!: string | null;
  @Column({ name: 'instance_type', type: 'varchar', length: 32 }) instanceType!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  /** EC2's productDescription: `Linux/UNIX`, `Windows`, … (the image's platform). */
  @Column({ name: 'product_description', type: 'varchar', length: 64 }) productDescription!: string;
  /** `one-time` or `persistent` (relaunched after an interruption: docs/model.md, "Persistent Spot requests"). */
  @Column({ type: 'varchar', length: 16 }) type!: string;
  /** The maximum price per instance-hour, a decimal string (EC2's `spotPrice`): the On-Demand price when none was asked. */
  @Column({ name: 'max_price', type: 'varchar', length: 32 }) maxPrice!: string;
  @Column({ name: 'interruption_behavior', type: 'varchar', length: 16 }) interruptionBehavior!: string;
  /** open, active, closed, cancelled, failed, disabled. */
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'status_code', type: 'varchar', length: 64 }) statusCode!: string;
  @Column({ name: 'status_updated_at', type: 'bigint', transformer: msTransformer }) statusUpdatedAt!: number;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** The launch a persistent request makes again (a RunInstancesCommand, JSON): null for a one-time request (migration PersistentSpotRequests1764840000000). */
  @Column({ name: 'launch_spec', type: 'text', nullable: true }) launchSpec!: string | null;
  /** EC2's validFrom and validUntil: not fulfilled before the one, cancelled (`schedule-expired`) at the other; null: none. */
  @Column({ name: 'valid_from', type: 'bigint', nullable: true, transformer: msTransformer }) validFrom!: number | null;
  @Column({ name: 'valid_until', type: 'bigint', nullable: true, transformer: msTransformer }) validUntil!: number | null;
  /** RequestSpotInstances' ClientToken (idempotency), with the hash of the request it came with. */
  @Column({ name: 'client_token', type: 'varchar', length: 64, nullable: true }) clientToken!: string | null;
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true }) requestHash!: string | null;
  /**
   * Why EC2 gave the instance its two-minute notice, `price` or `capacity` (null: none given, or
   * given before migration SpotInterruptionReason1764880000000, when only price gave one).
   */
  @Column({ name: 'interruption_reason', type: 'varchar', length: 16, nullable: true }) interruptionReason!: string | null;
}

/** A Spot Instance request's tags (resource type `spot-instances-request`). */
@Entity('spot_instance_request_tags')
@Index('ix_spot_request_tags_tenant', ['tenantId'])
export class SpotInstanceRequestTagEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 32 }) resourceId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}

export const SPOT_ENTITIES = [SpotInstanceRequestEntity, SpotInstanceRequestTagEntity];
