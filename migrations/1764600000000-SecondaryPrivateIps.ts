import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

/**
 * Secondary private IPv4 addresses of network interfaces (AssignPrivateIpAddresses,
 * CreateNetworkInterface's SecondaryPrivateIpAddressCount, …; docs/ec2-networking.md). One row an
 * address; the primary stays on `network_interfaces.private_ip_address`. The primary key (subnet,
 * address) holds an address once per subnet among the secondaries, as `ux_network_interfaces_address`
 * does among the primaries; across the two the allocator checks both (commands run one at a time).
 *
 * `network_interfaces.secondary_ip_count`: how many of these rows the interface has, kept exact in
 * the transaction that inserts or deletes them, so that reading an instance's or an interface's
 * addresses touches this table only for the interfaces that have some (none, nearly always), and a
 * subnet's used addresses are one statement on `network_interfaces`. 0 for every interface here
 * (no secondaries exist yet). Plain ALTER TABLE ADD/DROP COLUMN, as PublicIpOnStart1764590000000.
 * The revert drops the column and the table.
 */
export class SecondaryPrivateIps1764600000000 implements MigrationInterface {
  name = 'SecondaryPrivateIps1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(new Table({
      name: 'network_interface_private_ips',
      columns: [
        { name: 'subnet_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'private_ip_address', type: 'varchar', length: '15', isPrimary: true },
        { name: 'network_interface_id', type: 'varchar', length: '32' },
        { name: 'tenant_id', type: 'varchar', length: '32' },
        { name: 'assigned_at', type: 'bigint' },
      ],
      indices: [new TableIndex({ name: 'ix_network_interface_private_ips_interface', columnNames: ['network_interface_id'] })],
    }));
    await q.query('ALTER TABLE "network_interfaces" ADD COLUMN "secondary_ip_count" integer NOT NULL DEFAULT 0');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE "network_interfaces" DROP COLUMN "secondary_ip_count"');
    await q.dropTable('network_interface_private_ips');
  }
}
