import { CreditMode, HostState, InstanceStateName, Tenancy, VolumeSpec } from '@nimbus/hypervisor';
import { PlacementStrategy, RebalancerConfig, RebalancerState, SchedulerConfig } from '@nimbus/scheduler';
import { StoredVmRuntime, StoredVolumeRuntime, StoredWorkload, VmRecord, WorldState } from './stored-runtime';
import { DataSource, In } from 'typeorm';
import { DedicatedHostEntity, HostEntity, InstanceEntity, PlacementGroupEntity, SettingEntity, VolumeEntity } from './entities';
import { volumeSpecOf } from './volumes.repository';
import { UsageWriter } from './usage-writer';
import { CatalogRepository } from './catalog.repository';

/** Instances in these states are in the world (terminated ones are only rows). */
export const LIVE_STATES: InstanceStateName[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

/**
 * Reads the world's saved state from the database (the source of truth): hosts with their energy,
 * live instances with their workloads and credit and transfer state, volumes with their buckets,
 * I/O request counts and attachments, placement groups, Dedicated Host owners, the rebalancer's state and the
 * usage meters' last readings.
 */
export async function loadWorldState(
  db: DataSource, nowMs: number, scheduler: SchedulerConfig, rebalancer: RebalancerConfig, rebalancerStateKey: string,
): Promise<WorldState> {
  const hosts = await db.getRepository(HostEntity).find({ order: { id: 'ASC' } });
  const live = await db.getRepository(InstanceEntity).find({ where: { state: In(LIVE_STATES) }, order: { id: 'ASC' } });
  const vms = live.map((i): VmRecord => {
    const stored = i.workload ? (JSON.parse(i.workload) as StoredWorkload) : undefined;
    const runtime = i.runtime ? (JSON.parse(i.runtime) as StoredVmRuntime) : undefined;
    return {
      vmId: i.id, tenantId: i.tenantId, instanceType: i.instanceType, imageId: i.imageId, autoRecovery: i.autoRecovery !== 'disabled',
      cpu: { reservationMillicores: i.cpuReservationMillicores, limitMillicores: i.cpuLimitMillicores, weight: i.cpuWeight },
      state: i.state as InstanceStateName, hostId: i.hostId, stateSince: i.stateSince, transitionAt: i.transitionAt,
      status: i.status === 'impaired' ? 'impaired' : 'ok', tenancy: i.tenancy as Tenancy,
      ...(i.placementGroupId ? { placementGroup: { groupId: i.placementGroupId, ...(i.partitionNumber !== null ? { partition: i.partitionNumber } : {}) } } : {}),
      workload: stored?.workload, workloadSetAtMs: stored?.cpuSetAtMs,
      creditMode: (i.creditSpecification as CreditMode | null) ?? undefined, credits: runtime?.credits, creditUseMillicores: runtime?.useMillicores, transfer: runtime?.transfer,
    };
  });
  const volumes = await db.getRepository(VolumeEntity).find({ where: { state: In(['available', 'in-use']) }, order: { id: 'ASC' } });
  const groups = await db.getRepository(PlacementGroupEntity).find({ order: { id: 'ASC' } });
  const owners = await db.getRepository(DedicatedHostEntity).find({ order: { hostId: 'ASC' } });
  const rebalancerState = await db.getRepository(SettingEntity).findOneBy({ key: rebalancerStateKey });
  return {
    nowMs,
    hosts: hosts.map((h) => ({
      hostId: h.id, hostType: h.hostType, availabilityZone: h.availabilityZone, state: h.state as HostState, stateSince: h.stateSince,
      driverDomain: h.driverDomainState === 'failed' ? 'failed' : 'ok',
      ...(h.runtime ? { energyJoules: (JSON.parse(h.runtime) as { energyJoules: number }).energyJoules } : {}),
    })),
    vms,
    volumes: volumes.map((v) => {
      const r = v.runtime ? (JSON.parse(v.runtime) as StoredVolumeRuntime) : undefined;
      return {
        volumeId: v.id, tenantId: v.tenantId, availabilityZone: v.availabilityZone, spec: volumeSpecOf(v) as VolumeSpec, burstCredits: r?.burstCredits, asOfMs: r?.asOfMs,
        ioIopsMs: r?.ioIopsMs, deliveredIops: r?.deliveredIops, attachedTo: v.instanceId,
      };
    }),
    placementGroups: groups.map((g) => ({ groupId: g.id, strategy: g.strategy as PlacementStrategy, ...(g.partitionCount !== null ? { partitionCount: g.partitionCount } : {}) })),
    hostOwners: owners.map((d) => ({
      hostId: d.hostId,
      owner: { tenantId: d.tenantId, autoPlacement: d.autoPlacement, instanceFamily: d.instanceFamily, ...(d.instanceType ? { instanceType: d.instanceType } : {}) },
    })),
    scheduler,
    rebalancer,
    ...(rebalancerState ? { rebalancerState: JSON.parse(rebalancerState.value) as RebalancerState } : {}),
    meters: await UsageWriter.loadReadings(db, [...live.map((i) => i.id), ...volumes.map((v) => v.id)]),
    catalog: await CatalogRepository.loadAdditions(db.manager),
  };
}
