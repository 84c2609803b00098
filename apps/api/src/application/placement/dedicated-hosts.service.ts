import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { READ_DB } from '../../persistence/data-source';
import { findInstanceType, Host, INSTANCE_TYPES, isAvailabilityZone } from '@nimbus/hypervisor';
import { InvalidParameterCombination } from '@nimbus/scheduler';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { ApiError, invalidParameter } from '../common/api-errors';
import { DedicatedHostEntity, InstanceEntity, TenantEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { AllocateHostsDto } from '../../http/rest/placement/placement.dto';

export const dedicatedHostNotFound = (id: string) => new ApiError('InvalidHostID.NotFound', `The Dedicated Host ID '${id}' does not exist`);
const FAMILIES = [...new Set(INSTANCE_TYPES.map((t) => t.family))];

/** EC2's Dedicated Hosts (AllocateHosts, DescribeHosts, ReleaseHosts): fleet hosts allocated whole to one tenant. */
@Injectable()
export class DedicatedHostsService {
  constructor(
    @InjectDataSource(READ_DB) private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  /** All or nothing: `quantity` free hosts of a type that runs the family, in the zone, or none. */
  allocate(tenant: TenantEntity, dto: AllocateHostsDto) {
    if ((dto.instanceType === undefined) === (dto.instanceFamily === undefined))
      throw new InvalidParameterCombination('give exactly one of instanceType and instanceFamily');
    const type = dto.instanceType !== undefined ? findInstanceType(dto.instanceType) : undefined;
    if (dto.instanceType !== undefined && !type) throw invalidParameter(`instanceType '${dto.instanceType}' does not exist`);
    const family = type?.family ?? dto.instanceFamily!;
    if (!FAMILIES.includes(family as never))
      throw new ApiError('UnsupportedHostConfiguration', `instanceFamily '${family}' is not offered on Dedicated Hosts; use one of ${FAMILIES.join(', ')}`);
    if (!isAvailabilityZone(dto.availabilityZone)) throw invalidParameter(`availabilityZone '${dto.availabilityZone}' does not exist`);
    return this.engine.command(async (tx, e) => {
      const free = e.scheduler.freeHosts(dto.availabilityZone, family, dto.quantity);
      if (free.length < dto.quantity)
        throw new ApiError(
          'InsufficientHostCapacity',
          `There is not enough capacity to fulfill your Dedicated Host request in ${dto.availabilityZone}: ${free.length} of ${dto.quantity} ${family} host(s) free.`,
        );
      const rows = free.map((h) => tx.create(DedicatedHostEntity, {
        hostId: h.id, tenantId: tenant.id, autoPlacement: dto.autoPlacement === 'on', instanceFamily: family, instanceType: type?.name ?? null, allocatedAt: e.now,
      }));
      await tx.insert(DedicatedHostEntity, rows.map((r) => ({ ...r })));
      for (const r of rows) {
        e.scheduler.setHostOwner(r.hostId, ownerOf(r));
        // Billed per host-hour from now until released (MODEL.md §5); its instances pay no compute.
        await this.engine.usage.openHost(tx, { hostId: r.hostId, tenantId: tenant.id, hostFamily: family, availabilityZone: dto.availabilityZone, startMs: e.now });
      }
      return { hosts: rows.map((r) => this.view(r, e.fleet.host(r.hostId)!, [])) };
    });
  }

  async list(tenant: TenantEntity) {
    const rows = await this.db.getRepository(DedicatedHostEntity).find({ where: { tenantId: tenant.id }, order: { hostId: 'ASC' } });
    const members = await this.instancesOn(this.db.manager, rows.map((r) => r.hostId));
    return this.engine.read((e) => ({ hosts: rows.filter((r) => e.fleet.host(r.hostId)).map((r) => this.view(r, e.fleet.host(r.hostId)!, members.get(r.hostId) ?? [])) }));
  }

  async get(tenant: TenantEntity, id: string) {
    const row = await this.require(this.db.manager, tenant.id, id);
    const members = await this.instancesOn(this.db.manager, [id]);
    return this.engine.read((e) => {
      const host = e.fleet.host(id);
      if (!host) throw dedicatedHostNotFound(id);
      return this.view(row, host, members.get(id) ?? []);
    });
  }

  /** Refused while instances (running, stopped, …: anything not terminated) are on it. */
  release(tenant: TenantEntity, id: string) {
    return this.engine.command(async (tx, e) => {
      await this.require(tx, tenant.id, id);
      const members = (await this.instancesOn(tx, [id])).get(id) ?? [];
      if (members.length > 0)
        throw new ApiError('IncorrectHostState', `The Dedicated Host '${id}' still has ${members.length} instance(s) (${members.map((m) => m.instanceId).join(', ')}); terminate them before releasing it.`);
      await tx.delete(DedicatedHostEntity, { hostId: id });
      e.scheduler.setHostOwner(id, null);
      await this.engine.usage.closeHost(tx, id, e.now);
    });
  }

  /** Another tenant's host (or any fleet host not allocated to this tenant) is indistinguishable from a missing one. */
  async require(m: EntityManager, tenantId: string, id: string): Promise<DedicatedHostEntity> {
    const row = await m.findOneBy(DedicatedHostEntity, { hostId: id, tenantId });
    if (!row) throw dedicatedHostNotFound(id);
    return row;
  }

  private async instancesOn(m: EntityManager, hostIds: string[]): Promise<Map<string, { instanceId: string; instanceType: string }[]>> {
    const out = new Map<string, { instanceId: string; instanceType: string }[]>();
    if (hostIds.length === 0) return out;
    const rows = await m.find(InstanceEntity, { where: { dedicatedHostId: In(hostIds), state: Not('terminated') }, order: { id: 'ASC' } });
    for (const r of rows) out.set(r.dedicatedHostId!, [...(out.get(r.dedicatedHostId!) ?? []), { instanceId: r.id, instanceType: r.instanceType }]);
    return out;
  }

  /** EC2's DescribeHosts fields; the host type itself stays an operator's detail. */
  private view(r: DedicatedHostEntity, host: Host, instances: { instanceId: string; instanceType: string }[]) {
    return {
      hostId: r.hostId,
      availabilityZone: host.availabilityZone,
      // EC2's host states: a failed host is under assessment until repaired.
      state: host.state === 'failed' ? 'under-assessment' : 'available',
      autoPlacement: r.autoPlacement ? 'on' : 'off',
      hostProperties: {
        ...(r.instanceType ? { instanceType: r.instanceType } : { instanceFamily: r.instanceFamily }),
        sockets: host.type.sockets,
        cores: host.type.sockets * host.type.coresPerSocket,
        totalVCpus: host.threads,
        memoryMiB: host.memoryCapacityMiB,
      },
      availableCapacity: { availableVCpus: Math.max(0, host.threads - host.allocation.vcpus) },
      instances,
      allocationTime: new Date(r.allocatedAt).toISOString(),
    };
  }
}

export function ownerOf(r: DedicatedHostEntity) {
  return { tenantId: r.tenantId, autoPlacement: r.autoPlacement, instanceFamily: r.instanceFamily, ...(r.instanceType ? { instanceType: r.instanceType } : {}) };
}
