import { SimTime } from '../engine/sim-time';
import { DriverDomainState, HostState } from './host';
import { InstanceStateName, InstanceStatus } from './vm';

/** What the fleet publishes. Listeners (the app's persistence, the scheduler's index) observe these. */
export type FleetEvent =
  | { readonly type: 'host.added'; readonly time: SimTime; readonly hostId: string }
  | { readonly type: 'host.removed'; readonly time: SimTime; readonly hostId: string }
  /** `vmId`: the VM that arrived on or left the host (absent only when no single VM is the cause). */
  | { readonly type: 'host.allocation-changed'; readonly time: SimTime; readonly hostId: string; readonly vmId?: string }
  | {
      readonly type: 'vm.state-changed';
      readonly time: SimTime;
      readonly vmId: string;
      readonly tenantId: string;
      readonly previous: InstanceStateName | null;
      readonly current: InstanceStateName;
      readonly hostId: string | null;
      readonly transitionAt: SimTime | null;
    }
  | { readonly type: 'vm.rebooted'; readonly time: SimTime; readonly vmId: string; readonly tenantId: string; readonly hostId: string }
  | {
      readonly type: 'host.state-changed';
      readonly time: SimTime;
      readonly hostId: string;
      readonly previous: HostState;
      readonly current: HostState;
      readonly driverDomain: DriverDomainState;
    }
  | {
      readonly type: 'vm.status-changed';
      readonly time: SimTime;
      readonly vmId: string;
      readonly tenantId: string;
      readonly hostId: string | null;
      readonly status: InstanceStatus;
      readonly reason: string | null;
    }
  | {
      readonly type: 'vm.host-changed';
      readonly time: SimTime;
      readonly vmId: string;
      readonly tenantId: string;
      readonly from: string | null;
      readonly to: string;
      readonly reason: 'migration' | 'recovery';
    }
  /** A stopped VM's instance type changed (EC2's ModifyInstanceAttribute instanceType). */
  | { readonly type: 'vm.type-changed'; readonly time: SimTime; readonly vmId: string; readonly tenantId: string; readonly previous: string; readonly current: string }
  | TimelineEvent;

/**
 * A notable moment of the simulated timeline (a fault, a repair, a recovery, a migration, a
 * guarantee violation), for operators and tenants to read back. `detail` is plain JSON.
 */
export interface TimelineEvent {
  readonly type: 'timeline';
  readonly time: SimTime;
  readonly kind: TimelineKind;
  readonly hostId?: string;
  readonly vmId?: string;
  readonly tenantId?: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export type TimelineKind =
  | 'host.failed'
  | 'host.repaired'
  | 'host.driver-domain-failed'
  | 'host.driver-domain-repaired'
  | 'host.drain-started'
  | 'host.drained'
  | 'host.hot-spot'
  | 'host.consolidation-started'
  | 'host.consolidation-completed'
  | 'host.consolidation-aborted'
  | 'host.powered-off'
  | 'host.powered-on'
  | 'vm.impaired'
  | 'vm.recovery-started'
  | 'vm.recovered'
  | 'vm.recovery-deferred'
  | 'vm.migration-started'
  | 'vm.migration-completed'
  | 'vm.migration-failed'
  | 'vm.migration-aborted'
  | 'vm.guarantee-violated'
  | 'vm.guarantee-restored'
  | 'vm.cpu-credits-exhausted'
  | 'volume.burst-credits-exhausted';
