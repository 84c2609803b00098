import { CpuParams, DomainError, InstanceType } from '@nimbus/hypervisor';

/** Which soft weigher orders the hosts that pass every filter. */
export type WeigherName = 'pack' | 'spread';


export interface SchedulerConfig {
  readonly weigher: WeigherName;
  /** Σ limits on a host may reach its hardware threads × this ratio (reservations never exceed capacity). */
  readonly cpuAllocationRatio: number;
  /** Σ memory footprints may reach the host's guest memory × this ratio (1 = no oversubscription, Xen's choice). */
  readonly ramAllocationRatio: number;
  /**
   * Ratios an admin set for one host type or one availability zone (MODEL.md §3.2: "an admin may
   * set a RAM overcommit ratio"). A host type's setting wins over its zone's, which wins over the default.
   */
  readonly overrides?: RatioOverrides;
}

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

export interface PlacementRequest {
  readonly tenantId: string;
  readonly instanceType: InstanceType;
  readonly cpu: CpuParams;
  /** Omitted: the scheduler chooses one zone; all instances of one request land in the same zone, as on EC2. */
  readonly availabilityZone?: string;
  readonly minCount: number;
  readonly maxCount: number;
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
  /** A live migration's destination: hosts with room were refused by the mover (excluded, or would become a hot spot). */
  | 'rebalancing: destination refused';

export interface ZoneRefusal {
  readonly availabilityZone: string;
  /** How many instances this zone could still take (fewer than minCount). */
  readonly fits: number;
  readonly reasons: readonly RefusalReason[];
}

export type PlacementDecision =
  | { readonly ok: true; readonly availabilityZone: string; readonly hostIds: readonly string[] }
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
