import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * An EC2 Fleet (CreateFleet, type `instant` only; docs/ec2.md, "EC2 Fleet"): what it was asked
 * (target capacity, JSON) and what it answered (its instances and errors, JSON), kept so that
 * DescribeFleets shows them and a client token's retry answers the same.
 */
@Entity('fleets')
@Index('ix_fleets_tenant', ['tenantId'])
export class FleetEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  /** `instant`. */
  @Column({ type: 'varchar', length: 16 }) type!: string;
  /** EC2's FleetStateCode: `active`, then `deleted` (an instant fleet's instances are terminated with it). */
  @Column({ type: 'varchar', length: 32 }) state!: string;
  @Column({ name: 'client_token', type: 'varchar', length: 128, nullable: true }) clientToken!: string | null;
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true }) requestHash!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** The TargetCapacitySpecification and allocation strategies asked (JSON). */
  @Column({ type: 'text' }) request!: string;
  /** The fleetInstanceSet: per override and lifecycle, its instance ids (JSON). */
  @Column({ type: 'text' }) instances!: string;
  /** The errorSet: per override that could not launch, EC2's code and message (JSON). */
  @Column({ type: 'text' }) errors!: string;
  /** The fleet's tags (TagSpecification `fleet`, JSON object). */
  @Column({ type: 'text', default: '{}' }) tags!: string;
}
