import type { InstanceEntity } from '../../persistence/entities/instance.entity';

/**
 * Detailed monitoring (EC2's `Monitoring.Enabled`, MonitorInstances / UnmonitorInstances), EC2's
 * states: `disabled` | `disabling` | `enabled` | `pending`. An instance keeps what was last asked
 * (`monitoring`: enabled or disabled) and when (`monitoringSince`, simulated time); it shows the
 * change under way (`pending`, `disabling`) for MONITORING_CHANGE_MS after it was asked, then the
 * state asked. The state resolves on read by the engine's clock (as GetPasswordData's password
 * does, password-data.ts): no transition is scheduled, and a restart shows the same state at the
 * same simulated instant.
 */
export type MonitoringState = 'disabled' | 'disabling' | 'enabled' | 'pending';

/**
 * How long a change stays `pending` / `disabling`: one minute, CloudWatch's detailed-monitoring
 * period (metrics every minute instead of every five). EC2 publishes no figure; MonitorInstances
 * answers `pending` and DescribeInstances shows `enabled` shortly after.
 */
export const MONITORING_CHANGE_MS = 60_000;

type MonitoringRow = Pick<InstanceEntity, 'monitoring' | 'monitoringSince'>;

/** The state an instance shows at simulated time `now`. */
export function monitoringStateOf(row: MonitoringRow, now: number): MonitoringState {
  const enabled = row.monitoring === 'enabled';
  const settled = row.monitoringSince === null || now >= row.monitoringSince + MONITORING_CHANGE_MS;
  if (settled) return enabled ? 'enabled' : 'disabled';
  return enabled ? 'pending' : 'disabling';
}

/**
 * What MonitorInstances (`enable` true) or UnmonitorInstances does to an instance at `now`, and what
 * it answers: the change under way (`pending` / `disabling`). Asking again what is already asked
 * changes nothing and answers the state DescribeInstances shows (EC2's reference does not say what
 * it answers then).
 */
export function changeMonitoring(row: MonitoringRow, enable: boolean, now: number): { readonly row: MonitoringRow; readonly answer: MonitoringState } {
  const wanted = enable ? 'enabled' : 'disabled';
  if (row.monitoring === wanted) return { row, answer: monitoringStateOf(row, now) };
  const changed = { monitoring: wanted, monitoringSince: now };
  return { row: changed, answer: monitoringStateOf(changed, now) };
}

/** A launch's monitoring: asked at the launch's instant (pending for MONITORING_CHANGE_MS), or off. */
export function launchMonitoring(enabled: boolean | undefined, now: number): MonitoringRow {
  return enabled === true ? { monitoring: 'enabled', monitoringSince: now } : { monitoring: 'disabled', monitoringSince: null };
}
