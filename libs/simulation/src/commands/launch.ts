import { CpuParams, CreditMode, defaultCpuParams, defaultCreditMode, Fleet, Image, InstanceType, isBurstable, LicensedProduct, Tenancy, Vm } from '@nimbus/hypervisor';
import {
  admitLicenses, checkVcpuQuota, InsufficientCapacityOnHost, InsufficientInstanceCapacity, LicensedHost, LicensedInstance, LicenseLimit, PlacementDecision,
} from '@nimbus/scheduler';
import { World } from '../world/world';

/** RunInstances in the world's terms: domain values, already validated as values (see validateLaunch). */
export interface LaunchCommand {
  readonly tenantId: string;
  readonly instanceType: InstanceType;
  readonly image: Image;
  readonly cpu?: CpuParams;
  readonly minCount: number;
  readonly maxCount: number;
  readonly availabilityZone?: string;
  readonly tenancy?: Tenancy;
  readonly hostId?: string;
  readonly placementGroup?: { readonly groupId: string; readonly partition?: number };
  /** Burstable types: `unlimited` when omitted (EC2's default for T3). */
  readonly creditMode?: CreditMode;
  readonly autoRecovery?: boolean;
  /** The tenant's On-Demand vCPU quota; omitted, unlimited. */
  readonly vcpuQuota?: number;
  /** A further cap on how many may launch, given how many the vCPU quota allows (e.g. a provisioned-IOPS quota). */
  readonly capCount?: (allowed: number) => number;
  /** BYOL: the configuration to count against, what it already counts, and the product. */
  readonly license?: { readonly limit: LicenseLimit; readonly existing: readonly LicensedInstance[]; readonly product: LicensedProduct };
  /** Ids for the new VMs, in launch order. */
  readonly newVmId: () => string;
}

export interface LaunchResult {
  readonly availabilityZone: string;
  readonly vms: readonly Vm[];
  /** Partition groups: each VM's partition. */
  readonly partitions?: readonly number[];
  /** Burstable VMs' credit mode (absent for others). */
  readonly creditMode?: CreditMode;
}

/** A placement the world refused, with its reasons, reported to the world's refusal listeners. */
export interface PlacementRefusal {
  readonly time: number;
  readonly tenantId: string;
  readonly instanceType: string;
  readonly availabilityZone?: string;
  readonly count: number;
  readonly code: string;
  readonly reasons: readonly string[];
}

/** A burstable type's credit mode: as requested, else its default (defaultCreditMode); none for other types. */
export const creditModeOf = (type: InstanceType, requested?: CreditMode): CreditMode | undefined => (isBurstable(type) ? (requested ?? defaultCreditMode(type)) : undefined);

/** The Dedicated Host a licence counts (cores and sockets once per host). */
export function licensedHost(fleet: Fleet, hostId: string): LicensedHost | undefined {
  const h = fleet.host(hostId);
  return h ? { hostId, sockets: h.type.sockets, cores: h.type.sockets * h.type.coresPerSocket } : undefined;
}

/**
 * Launches `minCount` to `maxCount` VMs, all or nothing (docs/model.md §4): the vCPU quota, then
 * placement through the scheduler, then licence admission on the hosts chosen; only when all three
 * admit is anything launched. A refusal throws the typed error (VcpuLimitExceeded,
 * InsufficientInstanceCapacity or InsufficientCapacityOnHost, LicenseLimitExceeded) and is
 * reported to the world's refusal listeners; nothing of it is left in the world.
 */
export function launch(world: World, cmd: LaunchCommand): LaunchResult {
  const type = cmd.instanceType;
  const tenancy = cmd.tenancy ?? 'default';
  const cpu = cmd.cpu ?? defaultCpuParams(type);
  const refuse = (code: string, reasons: readonly string[], err: Error): never => {
    world.reportRefusal({ time: world.now, tenantId: cmd.tenantId, instanceType: type.name, availabilityZone: cmd.availabilityZone, count: cmd.minCount, code, reasons });
    throw err;
  };
  let allowed = cmd.maxCount;
  if (cmd.vcpuQuota !== undefined) {
    try {
      allowed = checkVcpuQuota({ limit: cmd.vcpuQuota, used: world.fleet.vcpusInUse(cmd.tenantId), vcpusPerInstance: type.vcpus, minCount: cmd.minCount, maxCount: cmd.maxCount });
    } catch (err) {
      refuse((err as { code?: string }).code ?? 'VcpuLimitExceeded', ['quota'], err as Error);
    }
  }
  if (cmd.capCount) allowed = cmd.capCount(allowed);
  const decision: PlacementDecision = world.scheduler.place({
    tenantId: cmd.tenantId, instanceType: type, cpu, availabilityZone: cmd.availabilityZone, minCount: cmd.minCount, maxCount: allowed, tenancy,
    ...(cmd.hostId !== undefined ? { hostId: cmd.hostId } : {}),
    ...(cmd.placementGroup ? { placementGroup: cmd.placementGroup } : {}),
  });
  if (!decision.ok) {
    const err = tenancy === 'host'
      ? new InsufficientCapacityOnHost(type.name, decision.refusals, cmd.hostId)
      : new InsufficientInstanceCapacity(type.name, decision.refusals, cmd.availabilityZone);
    return refuse(err.code, [...new Set(decision.refusals.flatMap((r) => r.reasons))], err);
  }
  const ids = decision.hostIds.map(() => cmd.newVmId());
  if (cmd.license) {
    const { limit, existing, product } = cmd.license;
    const added = decision.hostIds.map((hostId, i): LicensedInstance => {
      const host = tenancy === 'host' ? licensedHost(world.fleet, hostId) : undefined;
      return { instanceId: ids[i], vcpus: type.vcpus, product, ...(host ? { dedicatedHost: host } : {}) };
    });
    try {
      admitLicenses(limit, existing, added);
    } catch (err) {
      refuse((err as { code?: string }).code ?? 'LicenseLimitExceeded', ['licence'], err as Error);
    }
  }
  const creditMode = creditModeOf(type, cmd.creditMode);
  const vms = decision.hostIds.map((hostId, i) => {
    const partition = decision.partitions?.[i];
    const vm = world.fleet.launch(
      {
        vmId: ids[i], tenantId: cmd.tenantId, instanceType: type, image: cmd.image, cpu, autoRecovery: cmd.autoRecovery ?? true, tenancy,
        ...(cmd.placementGroup ? { placementGroup: { groupId: cmd.placementGroup.groupId, ...(partition !== undefined ? { partition } : {}) } } : {}),
      },
      hostId,
    );
    if (creditMode) world.dataPlane.initVm(vm.vmId, { creditMode });
    return vm;
  });
  return { availabilityZone: decision.availabilityZone, vms, ...(decision.partitions ? { partitions: decision.partitions } : {}), ...(creditMode ? { creditMode } : {}) };
}
