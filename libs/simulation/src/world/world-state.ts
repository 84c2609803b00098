import { CatalogAdditions, CpuParams, DriverDomainState, HostState, InstanceStateName, InstanceStatus, SimTime, Tenancy, VmRuntimeInit, VolumeDefinition } from '@nimbus/hypervisor';
import { HostOwner, PlacementGroupDefinition, RebalancerConfig, RebalancerConfigPatch, RebalancerState, SchedulerConfig } from '@nimbus/scheduler';

/** A host as saved: its type and zone, and (restored) its state and energy so far. */
export interface HostRecord {
  readonly hostId: string;
  /** A host type of the catalog, by name. */
  readonly hostType: string;
  readonly availabilityZone: string;
  readonly state?: HostState;
  readonly stateSince?: SimTime;
  readonly driverDomain?: DriverDomainState;
  readonly energyJoules?: number;
}

/** A VM as saved: what the fleet needs, and what the data plane needs to carry it on (VmRuntimeInit). */
export interface VmRecord extends VmRuntimeInit {
  readonly vmId: string;
  readonly tenantId: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly autoRecovery: boolean;
  readonly cpu: CpuParams;
  readonly state: InstanceStateName;
  readonly hostId: string | null;
  readonly stateSince: SimTime;
  readonly transitionAt: SimTime | null;
  readonly status: InstanceStatus;
  readonly tenancy: Tenancy;
  readonly placementGroup?: { readonly groupId: string; readonly partition?: number };
}

/** A volume as saved, with its gp2 bucket and the VM it is attached to. */
export interface VolumeRecord extends VolumeDefinition {
  readonly attachedTo?: string | null;
}

/**
 * A world, serializable: everything needed to build it again and carry on exactly. The live API
 * loads it from the database; an offline run can save and resume it.
 */
export interface WorldState {
  readonly nowMs: SimTime;
  readonly hosts: readonly HostRecord[];
  readonly vms?: readonly VmRecord[];
  readonly volumes?: readonly VolumeRecord[];
  readonly placementGroups?: readonly PlacementGroupDefinition[];
  readonly hostOwners?: readonly { readonly hostId: string; readonly owner: HostOwner }[];
  readonly scheduler?: Partial<SchedulerConfig>;
  readonly rebalancer?: RebalancerConfig | RebalancerConfigPatch;
  readonly rebalancerState?: RebalancerState;
  /** What the catalog has beyond the built-in one (custom types, operators' and tenants' images). */
  readonly catalog?: CatalogAdditions;
  /** Usage meters' last stored readings, `<vmId>|<meter>` → value. */
  readonly meters?: readonly (readonly [string, number])[];
}
