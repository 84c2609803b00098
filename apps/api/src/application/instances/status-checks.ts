import type { InstanceEntity } from '../../persistence/entities/instance.entity';

/**
 * How long a running instance's status checks report `initializing` before their first result:
 * EC2 runs the checks every minute, and a new instance shows `initializing` until they have
 * passed (AWS publishes no figure; two check periods is Nimbus's choice). Simulated time.
 */
export const STATUS_CHECKS_INITIALIZING_MS = 2 * 60_000;

/** One of EC2's status checks (system: the host under the instance; instance: the instance itself). */
export type CheckStatus = 'ok' | 'impaired' | 'initializing' | 'not-applicable';

export interface StatusChecks {
  readonly system: CheckStatus;
  readonly instance: CheckStatus;
}

/**
 * EC2's status checks of an instance at simulated time `now` (DescribeInstanceStatus):
 * `not-applicable` unless it is running; `initializing` for its first STATUS_CHECKS_INITIALIZING_MS
 * of its current boot (since it last entered `running`: a launch, a start, a recovery; or since it
 * was rebooted: EC2 shows the checks `initializing` again after RebootInstances); then both `impaired`
 * while its host or driver domain is down (Nimbus's `impaired`: a fault of the infrastructure under
 * it, which fails EC2's system check and leaves the instance unreachable), else both `ok`.
 */
export function statusChecks(row: Pick<InstanceEntity, 'state' | 'stateSince' | 'bootedAt' | 'status'>, now: number): StatusChecks {
  if (row.state !== 'running') return { system: 'not-applicable', instance: 'not-applicable' };
  if (row.status === 'impaired') return { system: 'impaired', instance: 'impaired' };
  // booted_at is written with the state, so it is never before stateSince while running; the max covers a row of before it was kept.
  if (now - Math.max(row.stateSince, row.bootedAt ?? 0) < STATUS_CHECKS_INITIALIZING_MS) return { system: 'initializing', instance: 'initializing' };
  return { system: 'ok', instance: 'ok' };
}

/** EC2's `reachability` detail of a check: passed, failed or initializing; none when not applicable. */
export function reachabilityOf(status: CheckStatus): 'passed' | 'failed' | 'initializing' | undefined {
  return status === 'ok' ? 'passed' : status === 'impaired' ? 'failed' : status === 'initializing' ? 'initializing' : undefined;
}
