import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * SLA facts from the engine's journal: a time an instance was `unavailable` (status impaired by a
 * host or driver-domain failure, or rebooting on new hardware), or a `guarantee-violation` (the VMM
 * gave it less than its reservation). Keyed like usage records (`<kind>:<instance>:<start>`);
 * open while it lasts.
 */
@Entity('sla_intervals')
@Index('ix_sla_intervals_tenant_start', ['tenantId', 'startMs'])
@Index('ix_sla_intervals_instance', ['instanceId', 'endMs'])
export class SlaIntervalEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 }) id!: string;
  @Column({ type: 'varchar', length: 24 }) kind!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  @Column({ name: 'start_ms', type: 'bigint', transformer: msTransformer }) startMs!: number;
  @Column({ name: 'end_ms', type: 'bigint', nullable: true, transformer: msTransformer }) endMs!: number | null;
  @Column({ type: 'text' }) detail!: string;
}
