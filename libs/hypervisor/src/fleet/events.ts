import { SimTime } from '../engine/sim-time';
import { InstanceStateName } from './vm';

/** What the fleet publishes. Listeners (the app's persistence, the scheduler's index) observe these. */
export type FleetEvent =
  | { readonly type: 'host.added'; readonly time: SimTime; readonly hostId: string }
  | { readonly type: 'host.removed'; readonly time: SimTime; readonly hostId: string }
  | { readonly type: 'host.allocation-changed'; readonly time: SimTime; readonly hostId: string }
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
  | { readonly type: 'vm.rebooted'; readonly time: SimTime; readonly vmId: string; readonly tenantId: string; readonly hostId: string };
