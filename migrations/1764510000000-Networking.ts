import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

const id = (name = 'id') => ({ name, type: 'varchar', length: '32', isPrimary: true });
const ref = (name: string, nullable = false) => ({ name, type: 'varchar', length: '32', isNullable: nullable });
const ms = (name: string, nullable = false) => ({ name, type: 'bigint', isNullable: nullable });
const str = (name: string, length: number, nullable = false) => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
const int = (name: string, nullable = false) => ({ name, type: 'integer', isNullable: nullable });
const bool = (name: string) => ({ name, type: 'boolean' });
const index = (name: string, columnNames: string[], isUnique = false) => new TableIndex({ name, columnNames, isUnique });

/** The networking tables, in creation order (dropped in reverse). */
export const NETWORKING_TABLES = [
  'tenant_default_vpcs', 'vpcs', 'subnets', 'security_groups', 'security_group_rules', 'network_interfaces', 'network_interface_groups',
  'public_ip_allocations', 'key_pairs', 'instance_key_names', 'network_tags',
];

/**
 * EC2 networking (issue 15): VPCs, subnets, security groups and rules, network interfaces and their
 * groups, public address allocations, key pairs, the key name each instance was launched with,
 * these resources' tags, and the marker of a tenant's default VPC. New tables only, so it reverts
 * alone without touching the others.
 */
export class Networking1764510000000 implements MigrationInterface {
  name = 'Networking1764510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({ name: 'tenant_default_vpcs', columns: [id('tenant_id'), ref('vpc_id', true), ms('created_at')] }));
    await q.createTable(new Table({
      name: 'vpcs',
      columns: [id(), ref('tenant_id'), str('cidr_block', 18), bool('is_default'), str('instance_tenancy', 16), ms('created_at')],
      indices: [index('ix_vpcs_tenant', ['tenant_id'])],
    }));
    await q.createTable(new Table({
      name: 'subnets',
      columns: [id(), ref('tenant_id'), ref('vpc_id'), str('cidr_block', 18), str('availability_zone', 32), bool('default_for_az'), bool('map_public_ip_on_launch'), ms('created_at')],
      indices: [index('ix_subnets_tenant', ['tenant_id']), index('ix_subnets_vpc', ['vpc_id'])],
    }));
    await q.createTable(new Table({
      name: 'security_groups',
      columns: [id(), ref('tenant_id'), ref('vpc_id'), str('name', 255), str('description', 255), ms('created_at')],
      indices: [index('ix_security_groups_tenant', ['tenant_id']), index('ux_security_groups_name', ['vpc_id', 'name'], true)],
    }));
    await q.createTable(new Table({
      name: 'security_group_rules',
      columns: [
        id(), ref('group_id'), ref('tenant_id'), bool('is_egress'), str('ip_protocol', 16), int('from_port', true), int('to_port', true),
        str('cidr_ipv4', 18, true), str('cidr_ipv6', 64, true), ref('referenced_group_id', true), str('description', 255, true), int('position'),
      ],
      indices: [index('ix_security_group_rules_group', ['group_id']), index('ix_security_group_rules_peer', ['referenced_group_id'])],
    }));
    await q.createTable(new Table({
      name: 'network_interfaces',
      columns: [
        id(), ref('tenant_id'), ref('vpc_id'), ref('subnet_id'), str('availability_zone', 32), str('private_ip_address', 15), str('mac_address', 17),
        str('description', 255), bool('source_dest_check'), str('origin', 16), ref('instance_id', true), int('device_index', true),
        ref('attachment_id', true), ms('attach_time', true), bool('delete_on_termination'), ms('created_at'),
      ],
      indices: [
        index('ix_network_interfaces_tenant', ['tenant_id']), index('ix_network_interfaces_instance', ['instance_id']),
        index('ux_network_interfaces_address', ['subnet_id', 'private_ip_address'], true),
      ],
    }));
    await q.createTable(new Table({
      name: 'network_interface_groups',
      columns: [id('network_interface_id'), id('group_id'), ref('tenant_id'), int('position')],
      indices: [index('ix_network_interface_groups_group', ['group_id'])],
    }));
    await q.createTable(new Table({
      name: 'public_ip_allocations',
      columns: [{ ...str('public_ip', 15), isPrimary: true }, ref('tenant_id'), ref('network_interface_id'), ms('allocated_at')],
      indices: [index('ux_public_ip_allocations_interface', ['network_interface_id'], true)],
    }));
    await q.createTable(new Table({
      name: 'key_pairs',
      columns: [id(), ref('tenant_id'), str('name', 255), str('key_type', 16), str('fingerprint', 128), { name: 'public_key', type: 'text' }, ms('created_at')],
      indices: [index('ux_key_pairs_name', ['tenant_id', 'name'], true)],
    }));
    await q.createTable(new Table({ name: 'instance_key_names', columns: [id('instance_id'), ref('tenant_id'), str('key_name', 255)] }));
    await q.createTable(new Table({
      name: 'network_tags',
      columns: [id('resource_id'), { ...str('tag_key', 128), isPrimary: true }, ref('tenant_id'), str('tag_value', 256)],
      indices: [index('ix_network_tags_lookup', ['tenant_id', 'tag_key', 'tag_value'])],
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [...NETWORKING_TABLES].reverse()) await q.dropTable(t);
  }
}
