import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';
import { TenantEntity } from './tenant.entity';

/** One RunInstances call; its client token makes a retry return the same reservation. */
@Entity('reservations')
@Index('ux_reservations_token', ['tenantId', 'clientToken'], { unique: true })
export class ReservationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'client_token', type: 'varchar', length: 64, nullable: true }) clientToken!: string | null;
  /** SHA-256 of the request without its token, so that the token's reuse for another request is refused; '' without a token. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 }) requestHash!: string;
  @ManyToOne(() => TenantEntity)
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'fk_reservations_tenant' })
  tenant?: TenantEntity;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
