import { MS_PER_HOUR } from '@nimbus/hypervisor';
import { notFound } from '../common/api-errors';
import { checkEc2Id } from '../common/ids';
import { InstanceEntity } from '../../persistence/entities';
import { InstancesRepository } from '../../persistence/instances.repository';
import { Tx } from '../../persistence/tx';

/** Terminated instances stay visible for one simulated hour (docs/model.md §3.6), then are gone. */
export const TERMINATED_VISIBLE_MS = MS_PER_HOUR;

/** Instances terminated at or before this time are gone at `now`. */
export const terminatedGoneBy = (now: number): number => now - TERMINATED_VISIBLE_MS;

export const instanceNotFound = (id: string) => notFound('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);

/**
 * The tenant's instance `id`, as every instance operation finds it: a malformed id is
 * InvalidInstanceID.Malformed; another tenant's instance, or one terminated over an hour ago, is
 * InvalidInstanceID.NotFound, indistinguishable from a missing one. `m` is the command's
 * transaction, or `instances.reader` for a read of the committed state.
 */
export async function requireInstance(instances: InstancesRepository, m: Tx, tenantId: string, id: string, now: number): Promise<InstanceEntity> {
  checkInstanceId(id);
  const row = await instances.findOwned(m, tenantId, id);
  if (!row || (row.state === 'terminated' && row.stateSince <= terminatedGoneBy(now))) throw instanceNotFound(id);
  return row;
}

/** A well-formed instance id, or InvalidInstanceID.Malformed. */
export function checkInstanceId(id: string): void {
  checkEc2Id('InvalidInstanceID.Malformed', 'i', id);
}
