import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { DhcpOption } from '../../application/networking/dhcp-options';
import { jsonTransformer, msTransformer } from './columns';

/**
 * A DHCP option set (EC2's DhcpOptions; docs/ec2-networking.md, "DHCP option sets"): a tenant's,
 * its options as given (checked, by key). A VPC names the set it is associated with
 * (`vpcs.dhcp_options_id`). The account's default set is an ordinary row under an id derived from
 * the tenant's (application/networking/dhcp-options.ts `defaultDhcpOptionsId`). Tags: network_tags.
 */
@Entity('dhcp_options')
@Index('ix_dhcp_options_tenant', ['tenantId'])
export class DhcpOptionsEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  /** The options, `[{ key, values }]` in key order (JSON). */
  @Column({ type: 'text', transformer: jsonTransformer }) configuration!: DhcpOption[];
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}
