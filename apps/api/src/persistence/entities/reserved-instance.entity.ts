import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * A Standard Reserved Instance a tenant bought (EC2's ReservedInstances; docs/ec2.md, "Reserved
 * Instances"): its offering's terms and prices as they were at purchase. Its state is derived from
 * the engine's clock (payment-pending, active, retired: application/reserved-instances); its billing
 * is its `reserved` usage record, written in the purchase's commit.
 */
@Entity('reserved_instances')
@Index('ix_reserved_instances_tenant', ['tenantId'])
export class ReservedInstanceEntity {
  /** EC2's UUID form (36 characters). */
  @PrimaryColumn({ type: 'varchar', length: 36 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'offering_id', type: 'varchar', length: 36 }) offeringId!: string;
  @Column({ name: 'instance_type', type: 'varchar', length: 32 }) instanceType!: string;
  /** `Region` or `Availability Zone`. */
  @Column({ type: 'varchar', length: 32 }) scope!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32, nullable: true }) availabilityZone!: string | null;
  @Column({ name: 'instance_count', type: 'integer' }) instanceCount!: number;
  /** `No Upfront`, `Partial Upfront`, `All Upfront`. */
  @Column({ name: 'offering_type', type: 'varchar', length: 32 }) offeringType!: string;
  @Column({ name: 'duration_s', type: 'bigint', transformer: msTransformer }) durationSeconds!: number;
  /** Per instance, decimal strings (USD). */
  @Column({ name: 'fixed_price', type: 'varchar', length: 32 }) fixedPrice!: string;
  @Column({ name: 'hourly_price', type: 'varchar', length: 32 }) hourlyPrice!: string;
  /** The term's start; it ends `durationSeconds` later (ri-state.ts riEndMs). */
  @Column({ name: 'start_ms', type: 'bigint', transformer: msTransformer }) startMs!: number;
}

/** A Reserved Instance's tags (resource type `reserved-instances`). */
@Entity('reserved_instance_tags')
@Index('ix_reserved_instance_tags_tenant', ['tenantId'])
export class ReservedInstanceTagEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 36 }) resourceId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}

export const RESERVED_INSTANCE_ENTITIES = [ReservedInstanceEntity, ReservedInstanceTagEntity];
