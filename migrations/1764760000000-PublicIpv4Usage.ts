import { MigrationInterface, QueryRunner } from 'typeorm';
import { insertOpenUsageOrIgnore, storedClockMs } from './usage-backfill';

/**
 * Public IPv4 addresses are billed (a `public-ipv4` interval per holding of an address, in use or
 * idle, from the row of `public_ip_allocations` that holds it until the row goes or the address
 * changes state). The addresses held when billing for them began are billed from then on, not from
 * their allocation, for the reason SnapshotStorageUsage1764750000000 gives: each row gets an open
 * interval from the simulation's clock as stored, or from its own `allocated_at` if that is later
 * (or if no clock was ever stored). Its state and key are the ones the app gives a row: in use
 * while mapped to a network interface, idle while an Elastic IP is associated with nothing; held by
 * the Elastic IP's allocation id, or by the interface an auto-assigned address is given to
 * (`public-ipv4:<holder>:<address>:<start>`), inserted or ignored, so a rerun adds nothing. No
 * schema change: `usage_records` holds any kind.
 *
 * Reverting deletes every `public-ipv4` record: the code before this reads an unknown kind as data
 * transfer, so they cannot stay.
 */
export class PublicIpv4Usage1764760000000 implements MigrationInterface {
  name = 'PublicIpv4Usage1764760000000';

  async up(q: QueryRunner): Promise<void> {
    const billingFromMs = await storedClockMs(q);
    const held = (await q.query(
      'SELECT "public_ip", "tenant_id", "network_interface_id", "allocation_id", "allocated_at" FROM "public_ip_allocations" ORDER BY "public_ip"',
    )) as { public_ip: string; tenant_id: string; network_interface_id: string | null; allocation_id: string | null; allocated_at: number | string }[];
    await insertOpenUsageOrIgnore(q, held.flatMap((a) => {
      const holderId = a.allocation_id ?? a.network_interface_id;
      // Neither an Elastic IP nor mapped to an interface: no row the app writes is one.
      if (holderId === null) return [];
      const startMs = Math.max(Number(a.allocated_at), billingFromMs);
      const state = a.network_interface_id !== null ? 'in-use' : 'idle';
      return [{ recordId: `public-ipv4:${holderId}:${a.public_ip}:${startMs}`, tenantId: a.tenant_id, kind: 'public-ipv4', resourceId: a.public_ip, startMs, attrs: { state } }];
    }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "usage_records" WHERE "kind" = 'public-ipv4'`);
  }
}
