import { CpuParams, DomainError, InstanceType, Tenancy } from '@nimbus/hypervisor';

/**
 * Which soft weigher orders the hosts that pass every filter: best fit, worst fit, or CPU/RAM
 * balance. Whichever it is, hosts with a recent guarantee violation go last (see
 * `avoidViolationsWithinMs`).
 */
export type WeigherName = 'pack' | 'spread' | 'balance';


export interface SchedulerConfig {
  readonly weigher: WeigherName;
  /** Σ limits on a host may reach its hardware threads × this ratio (reservations never exceed capacity). */
  readonly cpuAllocationRatio: number;
  /** Σ memory footprints may reach the host's guest memory × this ratio (1 = no oversubscription, Xen's choice). */
  readonly ramAllocationRatio: number;
  /**
   * Ratios an admin set for one host type or one availability zone (docs/model.md §3.2: "an admin may
   * set a RAM overcommit ratio"). A host type's setting wins over its zone's, which wins over the default.
   */
  readonly overrides?: RatioOverrides;
  /**
   * Hosts with a guarantee violation less than this long ago are used only when no other host
   * can take the request (needs the data plane's lookup, given to the Scheduler). Absent:
   * DEFAULT_AVOID_VIOLATIONS_MS; 0 turns it off.
   */
  readonly avoidViolationsWithinMs?: number;
}

/**
 * The range of an allocation ratio (docs/model.md §3.2). At most 64 (VMware's and OpenStack's
 * ceilings are of that order); at least 0.1, selling a tenth of a host: an operator may hold
 * capacity back with a ratio below 1, but 2.5e-114 is a typo, not a policy.
 */
export const MIN_ALLOCATION_RATIO = 0.1;
export const MAX_ALLOCATION_RATIO = 64;
/** The longest `avoidViolationsWithinMs`: a day of simulated time (the default is 15 minutes). */
export const MAX_AVOID_VIOLATIONS_MS = 24 * 3600 * 1000;

/** 15 simulated minutes: three of EC2's 5-minute monitoring periods. */
export const DEFAULT_AVOID_VIOLATIONS_MS = 15 * 60_000;

export interface RatioOverrides {
  readonly hostTypes?: Readonly<Record<string, Partial<AllocationRatios>>>;
  readonly availabilityZones?: Readonly<Record<string, Partial<AllocationRatios>>>;
}

export interface AllocationRatios {
  readonly cpuAllocationRatio: number;
  readonly ramAllocationRatio: number;
}

export const DEFAULT_SCHEDULER_CONFIG: SchedulerConfig = { weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 };

/** The ratios that apply to hosts of `hostTypeName` in `availabilityZone` under `config`. */
export function ratiosFor(config: SchedulerConfig, availabilityZone: string, hostTypeName: string): AllocationRatios {
  const t = config.overrides?.hostTypes?.[hostTypeName];
  const z = config.overrides?.availabilityZones?.[availabilityZone];
  return {
    cpuAllocationRatio: t?.cpuAllocationRatio ?? z?.cpuAllocationRatio ?? config.cpuAllocationRatio,
    ramAllocationRatio: t?.ramAllocationRatio ?? z?.ramAllocationRatio ?? config.ramAllocationRatio,
  };
}

export type PlacementStrategy = 'cluster' | 'spread' | 'partition';
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['cluster', 'spread', 'partition'];

/** A placement group as the scheduler knows it (the app keeps names and owners). */
export interface PlacementGroupDefinition {
  readonly groupId: string;
  readonly strategy: PlacementStrategy;
  /** Partition groups: 1 to MAX_PARTITIONS. */
  readonly partitionCount?: number;
}

/** EC2's limits: seven running instances per zone in a spread group; seven partitions per zone. */
export const SPREAD_MAX_PER_ZONE = 7;
export const MAX_PARTITIONS = 7;
/** A cluster group's instances share one rack: at most this many hosts (two-socket 2U servers in a 42U rack, less switches). */
export const CLUSTER_MAX_HOSTS = 16;

export interface PlacementRequest {
  readonly tenantId: string;
  readonly instanceType: InstanceType;
  readonly cpu: CpuParams;
  /** Omitted: the scheduler chooses one zone; all instances of one request land in the same zone, as on EC2. */
  readonly availabilityZone?: string;
  readonly minCount: number;
  readonly maxCount: number;
  /** Default `default`. */
  readonly tenancy?: Tenancy;
  /** Tenancy `host`: this Dedicated Host (the tenant's); omitted, any of its hosts with auto-placement on. */
  readonly hostId?: string;
  /** A group defined with `Scheduler.defineGroup`; `partition` (1-based) only for partition groups. */
  readonly placementGroup?: { readonly groupId: string; readonly partition?: number };
  /**
   * Set when an existing VM is re-placed (start after stop, recovery, migration): it is not
   * counted against its own group's limits (see Scheduler.placeVm).
   */
  readonly vmId?: string;
}

/** Why a host (or a whole zone) was refused. Each reason reaches the user in the error message. */
export type RefusalReason =
  | 'availability-zone'
  | 'instance-family'
  | 'host-state'
  | 'capacity: cpu-reservation'
  | 'capacity: cpu-limit'
  | 'capacity: memory'
  | 'capacity: fragmented'
  | 'tenancy'
  | 'dedicated-host'
  | 'placement-group: cluster'
  | 'placement-group: spread'
  | 'placement-group: partition'
  /** A live migration's destination: hosts with room were refused by the mover (excluded, or would become a hot spot). */
  | 'rebalancing: destination refused';

export interface ZoneRefusal {
  readonly availabilityZone: string;
  /** How many instances this zone could still take (fewer than minCount). */
  readonly fits: number;
  readonly reasons: readonly RefusalReason[];
}

export type PlacementDecision =
  | {
      readonly ok: true;
      readonly availabilityZone: string;
      readonly hostIds: readonly string[];
      /** Partition groups: each instance's partition, in hostIds order. */
      readonly partitions?: readonly number[];
    }
  | { readonly ok: false; readonly refusals: readonly ZoneRefusal[] };

export class InsufficientInstanceCapacity extends DomainError {
  constructor(
    readonly instanceType: string,
    readonly refusals: readonly ZoneRefusal[],
    requestedZone?: string,
  ) {
    const where = requestedZone ? `the Availability Zone you requested (${requestedZone})` : `any Availability Zone`;
    const why = refusals.map((r) => `${r.availabilityZone}: ${r.reasons.join(', ') || 'no capacity'}`).join('; ');
    super(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient ${instanceType} capacity in ${where}. Refused by: ${why}.`,
    );
  }
}

export class VcpuLimitExceeded extends DomainError {
  constructor(limit: number, used: number, requested: number) {
    super(
      'VcpuLimitExceeded',
      `You have requested more vCPU capacity than your current vCPU limit of ${limit} allows: ${used} in use, ${requested} requested (quota).`,
    );
  }
}

/** EC2's code when a Dedicated Host the tenant named (or all its auto-placement hosts) has no room. */
export class InsufficientCapacityOnHost extends DomainError {
  constructor(instanceType: string, refusals: readonly ZoneRefusal[], hostId?: string) {
    const why = refusals.map((r) => `${r.availabilityZone}: ${r.reasons.join(', ') || 'no capacity'}`).join('; ');
    super(
      'InsufficientCapacityOnHost',
      `There is not enough capacity on ${hostId ? `the Dedicated Host '${hostId}'` : 'your Dedicated Hosts with auto-placement on'} to launch ${instanceType}. Refused by: ${why}.`,
    );
  }
}

/** Two parameters that are each valid but not together (EC2's InvalidParameterCombination). */
export class InvalidParameterCombination extends DomainError {
  constructor(message: string) {
    super('InvalidParameterCombination', message);
  }
}

export class LicenseLimitExceeded extends DomainError {
  constructor(licenseConfigurationId: string, countingType: string, limit: number, consumed: number, requested: number) {
    super(
      'LicenseLimitExceeded',
      `License configuration '${licenseConfigurationId}' has a hard limit of ${limit} ${countingType} licenses: ${consumed} in use, the request needs ${requested} more.`,
    );
  }
}
