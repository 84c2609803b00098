import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * A VPC peering connection (EC2's VpcPeeringConnection; docs/ec2-networking.md, "VPC peering
 * connections"): between a requester VPC of one tenant and an accepter VPC of the same or another
 * tenant. One row for both sides; each side reaches it by its own tenant column. Its status is
 * resolved on read from the times stored here (application/networking/vpc-peering.ts).
 */
@Entity('vpc_peering_connections')
@Index('ix_vpc_peering_requester', ['requesterTenantId'])
@Index('ix_vpc_peering_accepter', ['accepterTenantId'])
export class VpcPeeringConnectionEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'requester_tenant_id', type: 'varchar', length: 32 }) requesterTenantId!: string;
  @Column({ name: 'requester_owner_id', type: 'varchar', length: 12 }) requesterOwnerId!: string;
  @Column({ name: 'requester_vpc_id', type: 'varchar', length: 32 }) requesterVpcId!: string;
  @Column({ name: 'requester_cidr_block', type: 'varchar', length: 18 }) requesterCidrBlock!: string;
  /** The tenant whose account is PeerOwnerId, when the connection reached it; null when it failed before (no such tenant, or not its VPC). */
  @Column({ name: 'accepter_tenant_id', type: 'varchar', length: 32, nullable: true }) accepterTenantId!: string | null;
  @Column({ name: 'accepter_owner_id', type: 'varchar', length: 12 }) accepterOwnerId!: string;
  @Column({ name: 'accepter_vpc_id', type: 'varchar', length: 32 }) accepterVpcId!: string;
  @Column({ name: 'accepter_cidr_block', type: 'varchar', length: 18, nullable: true }) accepterCidrBlock!: string | null;
  /** Why the request failed (status `failed`); null: it did not. */
  @Column({ name: 'failure_message', type: 'varchar', length: 255, nullable: true }) failureMessage!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** When an unaccepted request expires (7 days after creation). */
  @Column({ name: 'expires_at', type: 'bigint', transformer: msTransformer }) expiresAt!: number;
  @Column({ name: 'accepted_at', type: 'bigint', nullable: true, transformer: msTransformer }) acceptedAt!: number | null;
  @Column({ name: 'rejected_at', type: 'bigint', nullable: true, transformer: msTransformer }) rejectedAt!: number | null;
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msTransformer }) deletedAt!: number | null;
  /** The account that deleted it (either side's, or the owner of a VPC deleted with it). */
  @Column({ name: 'deleted_by', type: 'varchar', length: 12, nullable: true }) deletedBy!: string | null;
}

/** A peering connection's tags, per tenant: each side's tags are its own account's, as EC2 keeps them. */
@Entity('vpc_peering_connection_tags')
@Index('ix_vpc_peering_tags_tenant', ['tenantId'])
export class VpcPeeringTagEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 32 }) resourceId!: string;
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}

export const VPC_PEERING_ENTITIES = [VpcPeeringConnectionEntity, VpcPeeringTagEntity];
