import { Image } from '../catalog/images';
import { InstanceType } from '../catalog/instance-types';
import { InvalidParameterValue } from '../errors';
import { SimTime } from '../engine/sim-time';

export type InstanceStateName = 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** EC2's numeric state codes. */
export const INSTANCE_STATE_CODES: Readonly<Record<InstanceStateName, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** States in which a VM holds a place on a host (and counts against the tenant's vCPU quota). */
export function holdsHost(state: InstanceStateName): boolean {
  return state === 'pending' || state === 'running' || state === 'stopping' || state === 'shutting-down';
}

/**
 * CPU parameters of docs/model.md §3.1, in integer millicores so that sums never drift:
 * reservation r (guaranteed), limit c (max, ≤ vCPUs), weight w (shares).
 */
export interface CpuParams {
  readonly reservationMillicores: number;
  readonly limitMillicores: number;
  readonly weight: number;
}

/** Shares per vCPU by default (cgroups' 1024 per CPU), so weight is proportional to size. */
export const WEIGHT_PER_VCPU = 1024;
export const MAX_WEIGHT = 1_000_000;

/** EC2's defaults: fixed-performance types reserve all vCPUs; burstable ones their baseline. */
export function defaultCpuParams(t: InstanceType): CpuParams {
  const full = t.vcpus * 1000;
  const reservation = t.baselinePerVcpu !== undefined ? Math.round(t.baselinePerVcpu * full) : full;
  return { reservationMillicores: reservation, limitMillicores: full, weight: t.vcpus * WEIGHT_PER_VCPU };
}

/**
 * A tenant may lower its limit (not below its reservation), raise its weight, or give up part of
 * its reservation — never claim more than its type sells.
 */
export function resolveCpuParams(t: InstanceType, requested: Partial<CpuParams> = {}): CpuParams {
  const d = defaultCpuParams(t);
  const p: CpuParams = {
    reservationMillicores: requested.reservationMillicores ?? d.reservationMillicores,
    limitMillicores: requested.limitMillicores ?? d.limitMillicores,
    weight: requested.weight ?? d.weight,
  };
  const cores = (m: number) => m / 1000;
  if (!Number.isInteger(p.reservationMillicores) || p.reservationMillicores < 0 || p.reservationMillicores > d.reservationMillicores)
    throw new InvalidParameterValue(`cpu.reservation must be between 0 and ${cores(d.reservationMillicores)} cores for ${t.name}`);
  if (!Number.isInteger(p.limitMillicores) || p.limitMillicores < 1 || p.limitMillicores > d.limitMillicores)
    throw new InvalidParameterValue(`cpu.limit must be more than 0 and at most ${cores(d.limitMillicores)} cores (its vCPUs) for ${t.name}`);
  if (p.limitMillicores < p.reservationMillicores)
    throw new InvalidParameterValue(`cpu.limit (${cores(p.limitMillicores)}) must not be below cpu.reservation (${cores(p.reservationMillicores)})`);
  if (!Number.isInteger(p.weight) || p.weight < d.weight || p.weight > MAX_WEIGHT)
    throw new InvalidParameterValue(`cpu.weight must be an integer from ${d.weight} (the default for ${t.name}) to ${MAX_WEIGHT}`);
  return p;
}

/** EC2's tenancy: shared hardware, hardware dedicated to one tenant, or a tenant's Dedicated Host. */
export type Tenancy = 'default' | 'dedicated' | 'host';
export const TENANCIES: readonly Tenancy[] = ['default', 'dedicated', 'host'];

/** A VM's membership of a placement group (the scheduler keeps the group's rules). */
export interface PlacementGroupMembership {
  readonly groupId: string;
  /** Partition groups: the partition (1-based) the VM is in. */
  readonly partition?: number;
}

export interface VmSpec {
  readonly vmId: string;
  readonly tenantId: string;
  readonly instanceType: InstanceType;
  readonly image: Image;
  readonly cpu: CpuParams;
  /** EC2's maintenanceOptions.autoRecovery: restart on other hardware after a host failure (default true). */
  readonly autoRecovery?: boolean;
  /** Default `default`. The scheduler's placement rules read it; the VMM does not. */
  readonly tenancy?: Tenancy;
  readonly placementGroup?: PlacementGroupMembership;
}

/** EC2's instance status check: `impaired` while the VM's host or its driver domain is down. */
export type InstanceStatus = 'ok' | 'impaired';

export interface Vm extends VmSpec {
  state: InstanceStateName;
  hostId: string | null;
  /** When the VM entered its current state. */
  stateSince: SimTime;
  /** When a transient state (pending, stopping, shutting-down) completes; null otherwise. */
  transitionAt: SimTime | null;
  status: InstanceStatus;
  /** Why the status is impaired (a host failure, a driver-domain failure, a reboot on new hardware). */
  statusReason: string | null;
}

export interface StateTransition {
  readonly vmId: string;
  readonly previous: InstanceStateName;
  readonly current: InstanceStateName;
}
