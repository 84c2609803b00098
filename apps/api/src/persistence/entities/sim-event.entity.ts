import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { msTransformer } from './columns';

/** The simulated timeline's notable events: faults, repairs, recoveries, migrations. */
@Entity('sim_events')
@Index('ix_sim_events_time', ['time'])
@Index('ix_sim_events_instance', ['instanceId', 'time'])
@Index('ix_sim_events_host', ['hostId', 'time'])
export class SimEventEntity {
  @PrimaryGeneratedColumn('increment') seq!: number;
  @Column({ type: 'bigint', transformer: msTransformer }) time!: number;
  @Column({ type: 'varchar', length: 48 }) type!: string;
  @Column({ name: 'host_id', type: 'varchar', length: 32, nullable: true }) hostId!: string | null;
  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true }) instanceId!: string | null;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32, nullable: true }) tenantId!: string | null;
  @Column({ type: 'text' }) detail!: string;
}
