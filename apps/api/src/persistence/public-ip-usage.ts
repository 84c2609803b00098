import { PublicIpv4State } from '@nimbus/metering';
import { UsageMeter } from '@nimbus/simulation';
import { In, IsNull } from 'typeorm';
import { PublicIpAllocationEntity, UsageRecordEntity } from './entities';
import { placeholders } from './fast-sql';
import { Tx } from './tx';
import { inBatches } from './volumes.repository';

/*
 * The billing of held public IPv4 addresses (docs/model.md §5): a `public-ipv4` usage interval
 * (UsageMeter's keys and shape) for as long as a row of public_ip_allocations holds the address,
 * in one state. NetworkingRepository calls these from the methods that write those rows, in the
 * same transaction, so no caller can hold an address unbilled or bill one it released.
 */

const KIND = 'public-ipv4';

type Held = Pick<PublicIpAllocationEntity, 'publicIp' | 'tenantId' | 'networkInterfaceId' | 'allocationId'>;

/** In use while mapped to an interface; idle while an Elastic IP is associated with nothing. */
export const stateOf = (row: Pick<PublicIpAllocationEntity, 'networkInterfaceId'>): PublicIpv4State => (row.networkInterfaceId !== null ? 'in-use' : 'idle');

/** The usage_records row that opens a holding of `row`'s address at `startMs`. */
export function openedUsageRow(row: Held, startMs: number, state: PublicIpv4State = stateOf(row)): Partial<UsageRecordEntity> {
  const write = UsageMeter.openPublicIpv4({ holderId: row.allocationId ?? row.networkInterfaceId!, publicIp: row.publicIp, tenantId: row.tenantId, state, startMs });
  if (write.op !== 'insert-usage') throw new Error('openPublicIpv4 plans an insert');
  return { ...write.record, attrs: JSON.stringify(write.record.attrs) };
}

/** The open holdings of these addresses end at `endMs`. */
export async function closeAddresses(tx: Tx, publicIps: readonly string[], endMs: number): Promise<void> {
  for (const batch of inBatches(publicIps)) await tx.update(UsageRecordEntity, { resourceId: In(batch), kind: KIND, endMs: IsNull() }, { endMs });
}

/**
 * The open holdings of the addresses `heldBy` selects (a subquery of public_ip_allocations'
 * `public_ip`, its parameters after the end time) end at `endMs`: one statement, before the rows go.
 */
export async function closeAddressesSelected(tx: Tx, endMs: number, heldBy: string, params: readonly unknown[]): Promise<void> {
  await tx.query(
    `UPDATE "usage_records" SET "end_ms" = ${placeholders(tx, 1)} WHERE "kind" = '${KIND}' AND "end_ms" IS NULL AND "resource_id" IN (${heldBy})`,
    [endMs, ...params],
  );
}

/**
 * An Elastic IP changes state at `at` (associated: in use; disassociated: idle): its holding ends
 * and one in the new state begins. A holding that began at `at` (two changes in one instant) is
 * removed instead, so the new one can take its key and nothing bills twice.
 */
export async function switchState(tx: Tx, row: Held, state: PublicIpv4State, at: number): Promise<void> {
  await tx.delete(UsageRecordEntity, { resourceId: row.publicIp, kind: KIND, endMs: IsNull(), startMs: at });
  await closeAddresses(tx, [row.publicIp], at);
  await tx.insert(UsageRecordEntity, openedUsageRow(row, at, state));
}
