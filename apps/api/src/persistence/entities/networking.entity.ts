import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { msTransformer } from './columns';

/**
 * EC2's networking (issue 15): VPCs, subnets, security groups and their rules, network interfaces
 * and their groups, public addresses, key pairs, these resources' tags, and each tenant's default
 * VPC marker. Every row carries its tenant; the repository's queries all filter by it.
 */

/**
 * A tenant's default VPC was made (once: deleting the default VPC does not bring it back on the
 * next use; `vpcId` null while it has none, until CreateDefaultVpc makes another).
 */
@Entity('tenant_default_vpcs')
export class TenantDefaultVpcEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32, nullable: true }) vpcId!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

@Entity('vpcs')
@Index('ix_vpcs_tenant', ['tenantId'])
export class VpcEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'cidr_block', type: 'varchar', length: 18 }) cidrBlock!: string;
  @Column({ name: 'is_default', type: 'boolean' }) isDefault!: boolean;
  @Column({ name: 'instance_tenancy', type: 'varchar', length: 16 }) instanceTenancy!: string;
  /** EC2's VPC attributes: the Amazon DNS server answers in the VPC; its instances get public DNS names (both must be on). */
  @Column({ name: 'enable_dns_support', type: 'boolean', default: true }) enableDnsSupport!: boolean;
  @Column({ name: 'enable_dns_hostnames', type: 'boolean', default: false }) enableDnsHostnames!: boolean;
  @Column({ name: 'enable_network_address_usage_metrics', type: 'boolean', default: false }) enableNetworkAddressUsageMetrics!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** The DHCP option set it is associated with (dhcp_options); null: none, shown as `default`. */
  @Column({ name: 'dhcp_options_id', type: 'varchar', length: 32, nullable: true }) dhcpOptionsId!: string | null;
}

@Entity('subnets')
@Index('ix_subnets_tenant', ['tenantId'])
@Index('ix_subnets_vpc', ['vpcId'])
export class SubnetEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  @Column({ name: 'cidr_block', type: 'varchar', length: 18 }) cidrBlock!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ name: 'default_for_az', type: 'boolean' }) defaultForAz!: boolean;
  @Column({ name: 'map_public_ip_on_launch', type: 'boolean' }) mapPublicIpOnLaunch!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/** Names are unique per VPC. */
@Entity('security_groups')
@Index('ix_security_groups_tenant', ['tenantId'])
@Index('ux_security_groups_name', ['vpcId', 'name'], { unique: true })
export class SecurityGroupEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column({ type: 'varchar', length: 255 }) description!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/**
 * One rule (EC2's SecurityGroupRule): one protocol and port range, and one peer (an IPv4 range, an
 * IPv6 range or a group). Ports are null where the protocol has none (`-1`, or a protocol number).
 */
@Entity('security_group_rules')
@Index('ix_security_group_rules_group', ['groupId'])
@Index('ix_security_group_rules_peer', ['referencedGroupId'])
export class SecurityGroupRuleEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'group_id', type: 'varchar', length: 32 }) groupId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'is_egress', type: 'boolean' }) isEgress!: boolean;
  @Column({ name: 'ip_protocol', type: 'varchar', length: 16 }) ipProtocol!: string;
  @Column({ name: 'from_port', type: 'integer', nullable: true }) fromPort!: number | null;
  @Column({ name: 'to_port', type: 'integer', nullable: true }) toPort!: number | null;
  @Column({ name: 'cidr_ipv4', type: 'varchar', length: 18, nullable: true }) cidrIpv4!: string | null;
  @Column({ name: 'cidr_ipv6', type: 'varchar', length: 64, nullable: true }) cidrIpv6!: string | null;
  @Column({ name: 'referenced_group_id', type: 'varchar', length: 32, nullable: true }) referencedGroupId!: string | null;
  @Column({ type: 'varchar', length: 255, nullable: true }) description!: string | null;
  /** Rules in the order they were authorized (EC2 lists them so). */
  @Column({ type: 'integer' }) position!: number;
}

/**
 * An elastic network interface. Its private address is unique in its subnet (an index keeps two
 * commands from taking the same one); attached, it names its instance, device index and attachment.
 */
@Entity('network_interfaces')
@Index('ix_network_interfaces_tenant', ['tenantId'])
@Index('ix_network_interfaces_instance', ['instanceId'])
@Index('ux_network_interfaces_address', ['subnetId', 'privateIpAddress'], { unique: true })
export class NetworkInterfaceEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  @Column({ name: 'subnet_id', type: 'varchar', length: 32 }) subnetId!: string;
  @Column({ name: 'availability_zone', type: 'varchar', length: 32 }) availabilityZone!: string;
  @Column({ name: 'private_ip_address', type: 'varchar', length: 15 }) privateIpAddress!: string;
  @Column({ name: 'mac_address', type: 'varchar', length: 17 }) macAddress!: string;
  @Column({ type: 'varchar', length: 255 }) description!: string;
  @Column({ name: 'source_dest_check', type: 'boolean' }) sourceDestCheck!: boolean;
  /** `interface` for one a tenant created, `instance` for one created with an instance (shown as interfaceType `interface` either way). */
  @Column({ type: 'varchar', length: 16 }) origin!: string;
  @Column({ name: 'instance_id', type: 'varchar', length: 32, nullable: true }) instanceId!: string | null;
  @Column({ name: 'device_index', type: 'integer', nullable: true }) deviceIndex!: number | null;
  @Column({ name: 'attachment_id', type: 'varchar', length: 32, nullable: true }) attachmentId!: string | null;
  @Column({ name: 'attach_time', type: 'bigint', nullable: true, transformer: msTransformer }) attachTime!: number | null;
  @Column({ name: 'delete_on_termination', type: 'boolean' }) deleteOnTermination!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** Given an auto-assigned public address at launch: it loses it when its instance stops and gets a new one when it starts. */
  @Column({ name: 'auto_public_ip', type: 'boolean', default: false }) autoPublicIp!: boolean;
  /**
   * How many secondary private addresses it has (network_interface_private_ips rows): kept exact by
   * the repository where they are written, so that only interfaces with some are looked up there.
   */
  @Column({ name: 'secondary_ip_count', type: 'integer', default: 0 }) secondaryIpCount!: number;
}

/** An interface's security groups, in the order given. */
@Entity('network_interface_groups')
@Index('ix_network_interface_groups_group', ['groupId'])
export class NetworkInterfaceGroupEntity {
  @PrimaryColumn({ name: 'network_interface_id', type: 'varchar', length: 32 }) networkInterfaceId!: string;
  @PrimaryColumn({ name: 'group_id', type: 'varchar', length: 32 }) groupId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'integer' }) position!: number;
}

/**
 * A public IPv4 address of the simulated pool, held: the one table of held public addresses, so an
 * address is never held twice (its primary key). Either auto-assigned to an interface's primary
 * private address (no allocation id; released, the row is gone), or an Elastic IP of the tenant's
 * (AllocateAddress to ReleaseAddress), associated with one private address of an interface or with
 * none (interface, private address and association id null).
 */
@Entity('public_ip_allocations')
@Index('ux_public_ip_allocations_private_ip', ['networkInterfaceId', 'privateIpAddress'], { unique: true, where: '"network_interface_id" IS NOT NULL' })
@Index('ux_public_ip_allocations_allocation', ['allocationId'], { unique: true, where: '"allocation_id" IS NOT NULL' })
@Index('ux_public_ip_allocations_association', ['associationId'], { unique: true, where: '"association_id" IS NOT NULL' })
@Index('ix_public_ip_allocations_elastic', ['tenantId'], { where: '"allocation_id" IS NOT NULL' })
export class PublicIpAllocationEntity {
  @PrimaryColumn({ name: 'public_ip', type: 'varchar', length: 15 }) publicIp!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'network_interface_id', type: 'varchar', length: 32, nullable: true }) networkInterfaceId!: string | null;
  /** The interface's private address it maps to (an auto-assigned one: the interface's primary). */
  @Column({ name: 'private_ip_address', type: 'varchar', length: 15, nullable: true }) privateIpAddress!: string | null;
  /** An Elastic IP's `eipalloc-` id; null for an auto-assigned address. */
  @Column({ name: 'allocation_id', type: 'varchar', length: 32, nullable: true }) allocationId!: string | null;
  /** An associated Elastic IP's `eipassoc-` id. */
  @Column({ name: 'association_id', type: 'varchar', length: 32, nullable: true }) associationId!: string | null;
  @Column({ name: 'allocated_at', type: 'bigint', transformer: msTransformer }) allocatedAt!: number;
}

/** A secondary private IPv4 address of an interface (the primary is the interface's own column); unassigned, the row is gone. */
@Entity('network_interface_private_ips')
@Index('ix_network_interface_private_ips_interface', ['networkInterfaceId'])
export class NetworkInterfacePrivateIpEntity {
  @PrimaryColumn({ name: 'subnet_id', type: 'varchar', length: 32 }) subnetId!: string;
  @PrimaryColumn({ name: 'private_ip_address', type: 'varchar', length: 15 }) privateIpAddress!: string;
  @Column({ name: 'network_interface_id', type: 'varchar', length: 32 }) networkInterfaceId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'assigned_at', type: 'bigint', transformer: msTransformer }) assignedAt!: number;
}

/** Names are unique per tenant. `publicKey` is OpenSSH's one-line form. */
@Entity('key_pairs')
@Index('ux_key_pairs_name', ['tenantId', 'name'], { unique: true })
export class KeyPairEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 255 }) name!: string;
  @Column({ name: 'key_type', type: 'varchar', length: 16 }) keyType!: string;
  @Column({ type: 'varchar', length: 128 }) fingerprint!: string;
  @Column({ name: 'public_key', type: 'text' }) publicKey!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/** The key pair an instance was launched with, by name (EC2 keeps showing it after the key pair is deleted). */
@Entity('instance_key_names')
export class InstanceKeyNameEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'varchar', length: 32 }) instanceId!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'key_name', type: 'varchar', length: 255 }) keyName!: string;
}

/** Tags of the networking resources (VPCs, subnets, groups, interfaces, key pairs, Elastic IPs), by resource id. */
@Entity('network_tags')
@Index('ix_network_tags_lookup', ['tenantId', 'key', 'value'])
export class NetworkTagEntity {
  @PrimaryColumn({ name: 'resource_id', type: 'varchar', length: 32 }) resourceId!: string;
  @PrimaryColumn({ name: 'tag_key', type: 'varchar', length: 128 }) key!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'tag_value', type: 'varchar', length: 256 }) value!: string;
}

/** An internet gateway (EC2's InternetGateway): attached to at most one VPC, and a VPC has at most one (a unique index). */
@Entity('internet_gateways')
@Index('ix_internet_gateways_tenant', ['tenantId'])
@Index('ux_internet_gateways_vpc', ['vpcId'], { unique: true })
export class InternetGatewayEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  /** The VPC it is attached to; null: detached. */
  @Column({ name: 'vpc_id', type: 'varchar', length: 32, nullable: true }) vpcId!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/** A route table of a VPC. Each VPC has one main table (`mainAssociationId` set), made with it and deleted with it. */
@Entity('route_tables')
@Index('ix_route_tables_tenant', ['tenantId'])
@Index('ix_route_tables_vpc', ['vpcId'])
export class RouteTableEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  /** The main association's id (`rtbassoc-…`) on the VPC's main table; null on the others. */
  @Column({ name: 'main_association_id', type: 'varchar', length: 32, nullable: true }) mainAssociationId!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/** One route: a destination once per table (the key), to `local` (the VPC's own block), an internet gateway or a NAT gateway (`nat-` ids). */
@Entity('routes')
export class RouteEntity {
  @PrimaryColumn({ name: 'route_table_id', type: 'varchar', length: 32 }) routeTableId!: string;
  @PrimaryColumn({ name: 'destination_cidr_block', type: 'varchar', length: 18 }) destinationCidrBlock!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'gateway_id', type: 'varchar', length: 32 }) gatewayId!: string;
  /** EC2's origin: CreateRouteTable (the local route, and the default VPC's route to its gateway) or CreateRoute. */
  @Column({ type: 'varchar', length: 32 }) origin!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/** A subnet's explicit association with a route table: at most one per subnet (a unique index). */
@Entity('route_table_associations')
@Index('ix_route_table_associations_table', ['routeTableId'])
@Index('ux_route_table_associations_subnet', ['subnetId'], { unique: true })
export class RouteTableAssociationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'route_table_id', type: 'varchar', length: 32 }) routeTableId!: string;
  @Column({ name: 'subnet_id', type: 'varchar', length: 32 }) subnetId!: string;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/**
 * A network ACL of a VPC (EC2's NetworkAcl). Each VPC has one default ACL (`isDefault`), made and
 * deleted with it; its id is the one Nimbus derived before ACLs were stored (network-acls.ts).
 */
@Entity('network_acls')
@Index('ix_network_acls_tenant', ['tenantId'])
@Index('ix_network_acls_vpc', ['vpcId'])
export class NetworkAclEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  @Column({ name: 'is_default', type: 'boolean' }) isDefault!: boolean;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
}

/**
 * One entry (rule) of a network ACL: a rule number once per direction (the key). `protocol` is
 * EC2's number (`-1`: all); ports for TCP and UDP, ICMP type and code for ICMP, null otherwise.
 */
@Entity('network_acl_entries')
export class NetworkAclEntryEntity {
  @PrimaryColumn({ name: 'network_acl_id', type: 'varchar', length: 32 }) networkAclId!: string;
  @PrimaryColumn({ type: 'boolean' }) egress!: boolean;
  @PrimaryColumn({ name: 'rule_number', type: 'integer' }) ruleNumber!: number;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ type: 'varchar', length: 8 }) protocol!: string;
  @Column({ name: 'rule_action', type: 'varchar', length: 8 }) ruleAction!: string;
  @Column({ name: 'cidr_block', type: 'varchar', length: 18 }) cidrBlock!: string;
  @Column({ name: 'port_from', type: 'integer', nullable: true }) portFrom!: number | null;
  @Column({ name: 'port_to', type: 'integer', nullable: true }) portTo!: number | null;
  @Column({ name: 'icmp_type', type: 'integer', nullable: true }) icmpType!: number | null;
  @Column({ name: 'icmp_code', type: 'integer', nullable: true }) icmpCode!: number | null;
}

/** A subnet's association with a network ACL: exactly one per subnet (a unique index), made with the subnet. */
@Entity('network_acl_associations')
@Index('ix_network_acl_associations_acl', ['networkAclId'])
@Index('ux_network_acl_associations_subnet', ['subnetId'], { unique: true })
export class NetworkAclAssociationEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'network_acl_id', type: 'varchar', length: 32 }) networkAclId!: string;
  @Column({ name: 'subnet_id', type: 'varchar', length: 32 }) subnetId!: string;
}

/**
 * A NAT gateway (EC2's CreateNatGateway … DeleteNatGateway) in a subnet. Its state follows the
 * engine clock (nat-gateways.ts natGatewayState): pending until `readyAt`, then available (or
 * failed, where `failureCode` was decided at creation); deleting from `deleteRequestedAt` until
 * `deletedAt`. Its interface (origin `nat_gateway`) and Elastic IP association exist while it is
 * pending or available; the ids and addresses stay here for Describe after they are gone.
 */
@Entity('nat_gateways')
@Index('ix_nat_gateways_tenant', ['tenantId'])
export class NatGatewayEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) id!: string;
  @Column({ name: 'tenant_id', type: 'varchar', length: 32 }) tenantId!: string;
  @Column({ name: 'vpc_id', type: 'varchar', length: 32 }) vpcId!: string;
  @Column({ name: 'subnet_id', type: 'varchar', length: 32 }) subnetId!: string;
  /** `public` or `private`. */
  @Column({ name: 'connectivity_type', type: 'varchar', length: 8 }) connectivityType!: string;
  @Column({ name: 'allocation_id', type: 'varchar', length: 32, nullable: true }) allocationId!: string | null;
  @Column({ name: 'public_ip', type: 'varchar', length: 15, nullable: true }) publicIp!: string | null;
  @Column({ name: 'network_interface_id', type: 'varchar', length: 32, nullable: true }) networkInterfaceId!: string | null;
  @Column({ name: 'private_ip', type: 'varchar', length: 15, nullable: true }) privateIp!: string | null;
  @Column({ name: 'failure_code', type: 'varchar', length: 64, nullable: true }) failureCode!: string | null;
  @Column({ name: 'failure_message', type: 'varchar', length: 255, nullable: true }) failureMessage!: string | null;
  @Column({ name: 'created_at', type: 'bigint', transformer: msTransformer }) createdAt!: number;
  /** When pending ends (available, or failed). */
  @Column({ name: 'ready_at', type: 'bigint', transformer: msTransformer }) readyAt!: number;
  @Column({ name: 'delete_requested_at', type: 'bigint', nullable: true, transformer: msTransformer }) deleteRequestedAt!: number | null;
  @Column({ name: 'deleted_at', type: 'bigint', nullable: true, transformer: msTransformer }) deletedAt!: number | null;
}

export const NETWORKING_ENTITIES = [
  TenantDefaultVpcEntity, VpcEntity, SubnetEntity, SecurityGroupEntity, SecurityGroupRuleEntity, NetworkInterfaceEntity,
  NetworkInterfaceGroupEntity, PublicIpAllocationEntity, KeyPairEntity, InstanceKeyNameEntity, NetworkTagEntity, NetworkInterfacePrivateIpEntity,
  InternetGatewayEntity, RouteTableEntity, RouteEntity, RouteTableAssociationEntity, NetworkAclEntity, NetworkAclEntryEntity, NetworkAclAssociationEntity, NatGatewayEntity,
];
