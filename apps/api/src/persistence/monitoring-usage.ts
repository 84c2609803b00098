import { monitoringUsageRecordId } from '@nimbus/metering';
import { UsageMeter } from '@nimbus/simulation';
import { IsNull } from 'typeorm';
import { InstanceEntity, UsageRecordEntity } from './entities';
import { Tx } from './tx';

/*
 * The billing of detailed monitoring (docs/model.md §5): a `monitoring` usage interval (UsageMeter's
 * keys and shape) while an instance is running with monitoring enabled. The running interval's edges
 * open and close it (UsageMeter.plan, from `monitoredSince` of the instance's row: the launch asked
 * it, or MonitorInstances); InstancesRepository.setMonitoring calls `monitoringChanged` in the
 * transaction that records MonitorInstances / UnmonitorInstances, for an instance that is running.
 */

const KIND = 'monitoring';

type MonitoringRow = Pick<InstanceEntity, 'id' | 'tenantId' | 'monitoring' | 'monitoringSince'>;

/** Since when the row's instance is monitored (what UsageMeter reads at a `running`), or null when it is not. */
export const monitoredSince = (row: Pick<InstanceEntity, 'monitoring' | 'monitoringSince'>): number | null =>
  row.monitoring === 'enabled' ? (row.monitoringSince ?? 0) : null;

/**
 * Monitoring of `before`'s instance was asked on (`enable`) or off at `at`, while the instance is
 * running since `runningSince` (null: not running, so nothing is metered until it runs again).
 * On: an interval opens at `at` (one that began at `at` and was closed there, off and on in one
 * instant, is replaced). Off: the open interval ends at `at`; if none is open because the instance's
 * `running` is recorded by this same commit (after this), the part it ran monitored is written closed.
 */
export async function monitoringChanged(tx: Tx, before: MonitoringRow, enable: boolean, at: number, runningSince: number | null): Promise<void> {
  if (runningSince === null) return;
  const ended = { resourceId: before.id, kind: KIND, endMs: IsNull() } as const;
  if (enable) {
    await tx.delete(UsageRecordEntity, { recordId: monitoringUsageRecordId(before.id, at) });
    await tx.insert(UsageRecordEntity, rowOf(before, at));
    return;
  }
  if (await tx.exists(UsageRecordEntity, { where: ended })) {
    await tx.update(UsageRecordEntity, ended, { endMs: at });
    return;
  }
  const since = monitoredSince(before);
  const startMs = since === null ? at : Math.max(since, runningSince);
  if (startMs < at) await tx.insert(UsageRecordEntity, { ...rowOf(before, startMs), endMs: at });
}

function rowOf(instance: MonitoringRow, startMs: number): Partial<UsageRecordEntity> {
  const write = UsageMeter.openMonitoring({ instanceId: instance.id, tenantId: instance.tenantId, startMs });
  if (write.op !== 'insert-usage') throw new Error('openMonitoring plans an insert');
  return { ...write.record, attrs: JSON.stringify(write.record.attrs) };
}
