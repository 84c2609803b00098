import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

@Entity('hosts')
@Index('ix_hosts_zone', ['availabilityZone'])
export class HostEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'host_type', type: 'varchar', length: 64 }) hostType!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ type: 'varchar', length: 16 }) state!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  @Column({ name: 'state_since', type: 'bigint', default: 0, transformer: msTransformer }) stateSince!: number;
  /** `ok` or `failed` (docs/model.md §3.4). */
  @Column({ name: 'driver_domain_state', type: 'varchar', length: 16, default: 'ok' }) driverDomainState!: string;
  /** The data plane's snapshot (energy meter), JSON. */
  @Column({ type: 'text', nullable: true }) runtime!: string | null;
}
