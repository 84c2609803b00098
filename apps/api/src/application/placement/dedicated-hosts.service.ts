import { setDedicatedHostOwner } from '@nimbus/simulation';
import { Injectable } from '@nestjs/common';
import { HOST_TYPES, Host, isAvailabilityZone } from '@nimbus/hypervisor';
import { InvalidParameterCombination } from '@nimbus/scheduler';
import { ApiError, invalidParameter } from '../common/api-errors';
import { DedicatedHostEntity, TenantEntity } from '../../persistence/entities';
import { DedicatedHostsRepository, HostedInstance } from '../../persistence/dedicated-hosts.repository';
import { Tx } from '../../persistence/tx';
import { EngineService } from '../../engine/engine.service';
import { validateTags } from '../instances/tags';
import { AllocateHostsCommand } from './placement.commands';

export const dedicatedHostNotFound = (id: string) => new ApiError('InvalidHostID.NotFound', `The Dedicated Host ID '${id}' does not exist`);
/** The families some host type runs: those a Dedicated Host can be allocated for. */
const FAMILIES = [...new Set(HOST_TYPES.flatMap((h) => h.families))].sort();

/** A Dedicated Host as its tenant sees it, taken from the fleet when it was read (EC2's DescribeHosts). */
export interface DedicatedHostView {
  readonly allocation: DedicatedHostEntity;
  readonly availabilityZone: string;
  /** A failed host, until repaired. */
  readonly failed: boolean;
  readonly sockets: number;
  readonly cores: number;
  readonly totalVCpus: number;
  readonly memoryMiB: number;
  readonly availableVCpus: number;
  readonly instances: readonly HostedInstance[];
}

/** EC2's Dedicated Hosts (AllocateHosts, DescribeHosts, ReleaseHosts): fleet hosts allocated whole to one tenant. */
@Injectable()
export class DedicatedHostsService {
  constructor(
    private readonly repo: DedicatedHostsRepository,
    private readonly engine: EngineService,
  ) {}

  /** All or nothing: `quantity` free hosts of a type that runs the family, in the zone, or none. */
  allocate(tenant: TenantEntity, cmd: AllocateHostsCommand): Promise<DedicatedHostView[]> {
    if ((cmd.instanceType === undefined) === (cmd.instanceFamily === undefined))
      throw new InvalidParameterCombination('give exactly one of instanceType and instanceFamily');
    const type = cmd.instanceType !== undefined ? this.engine.world.catalog.launchableInstanceType(cmd.instanceType) : undefined;
    if (cmd.instanceType !== undefined && !type) throw invalidParameter(`instanceType '${cmd.instanceType}' does not exist`);
    const family = type?.family ?? cmd.instanceFamily!;
    if (!FAMILIES.includes(family as never))
      throw new ApiError('UnsupportedHostConfiguration', `instanceFamily '${family}' is not offered on Dedicated Hosts; use one of ${FAMILIES.join(', ')}`);
    if (!isAvailabilityZone(cmd.availabilityZone)) throw invalidParameter(`availabilityZone '${cmd.availabilityZone}' does not exist`);
    const tags = JSON.stringify(validateTags({ ...cmd.tags }));
    return this.engine.command(async (tx, e) => {
      const free = e.scheduler.freeHosts(cmd.availabilityZone, family, cmd.quantity);
      if (free.length < cmd.quantity)
        throw new ApiError(
          'InsufficientHostCapacity',
          `There is not enough capacity to fulfill your Dedicated Host request in ${cmd.availabilityZone}: ${free.length} of ${cmd.quantity} ${family} host(s) free.`,
        );
      const rows: DedicatedHostEntity[] = free.map((h) => ({
        hostId: h.id, tenantId: tenant.id, autoPlacement: cmd.autoPlacement, instanceFamily: family, instanceType: type?.name ?? null, allocatedAt: e.now, tags,
      }));
      await this.repo.insert(tx, rows);
      for (const r of rows) {
        setDedicatedHostOwner(e.world, r.hostId, ownerOf(r));
        // Billed per host-hour from now until released (docs/model.md §5); its instances pay no compute.
        await this.engine.usage.openHost(tx, { hostId: r.hostId, tenantId: tenant.id, hostFamily: family, availabilityZone: cmd.availabilityZone, startMs: e.now });
      }
      return rows.map((r) => viewOf(r, e.fleet.host(r.hostId)!, []));
    });
  }

  async list(tenant: TenantEntity): Promise<DedicatedHostView[]> {
    const rows = await this.repo.listOf(tenant.id);
    const members = await this.repo.instancesOn(rows.map((r) => r.hostId));
    return this.engine.read((e) => rows.filter((r) => e.fleet.host(r.hostId)).map((r) => viewOf(r, e.fleet.host(r.hostId)!, members.get(r.hostId) ?? [])));
  }

  async get(tenant: TenantEntity, id: string): Promise<DedicatedHostView> {
    const row = await this.repo.findOwned(tenant.id, id);
    if (!row) throw dedicatedHostNotFound(id);
    const members = await this.repo.instancesOn([id]);
    return this.engine.read((e) => {
      const host = e.fleet.host(id);
      if (!host) throw dedicatedHostNotFound(id);
      return viewOf(row, host, members.get(id) ?? []);
    });
  }

  /** Refused while instances (running, stopped, …: anything not terminated) are on it. */
  release(tenant: TenantEntity, id: string): Promise<void> {
    return this.engine.command(async (tx, e) => {
      await this.require(tx, tenant.id, id);
      const members = (await this.repo.instancesOn([id], tx)).get(id) ?? [];
      if (members.length > 0)
        throw new ApiError('IncorrectHostState', `The Dedicated Host '${id}' still has ${members.length} instance(s) (${members.map((m) => m.instanceId).join(', ')}); terminate them before releasing it.`);
      await this.repo.delete(tx, id);
      setDedicatedHostOwner(e.world, id, null);
      await this.engine.usage.closeHost(tx, id, e.now);
    });
  }

  /** Another tenant's host (or any fleet host not allocated to this tenant) is indistinguishable from a missing one. */
  async require(tx: Tx | undefined, tenantId: string, id: string): Promise<DedicatedHostEntity> {
    const row = await this.repo.findOwned(tenantId, id, tx);
    if (!row) throw dedicatedHostNotFound(id);
    return row;
  }
}

/** The host's figures as of now: the view outlives the read (or command) it was taken in. */
function viewOf(r: DedicatedHostEntity, host: Host, instances: readonly HostedInstance[]): DedicatedHostView {
  return {
    allocation: r,
    availabilityZone: host.availabilityZone,
    failed: host.state === 'failed',
    sockets: host.type.sockets,
    cores: host.type.sockets * host.type.coresPerSocket,
    totalVCpus: host.threads,
    memoryMiB: host.memoryCapacityMiB,
    availableVCpus: Math.max(0, host.threads - host.allocation.vcpus),
    instances,
  };
}

export function ownerOf(r: DedicatedHostEntity) {
  return { tenantId: r.tenantId, autoPlacement: r.autoPlacement, instanceFamily: r.instanceFamily, ...(r.instanceType ? { instanceType: r.instanceType } : {}) };
}
