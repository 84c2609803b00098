import { Injectable } from '@nestjs/common';
import { findHostType, Host, HOST_TYPES, isAvailabilityZone, hardwareThreads } from '@nimbus/hypervisor';
import { ApiError, invalidParameter, notFound } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { HostEntity } from '../../persistence/entities';
import { EngineService } from '../../engine/engine.service';
import { AddHostsDto } from '../../http/rest/hosts/host.dto';

const hostNotFound = (id: string) => notFound('InvalidHostID.NotFound', `The host ID '${id}' does not exist`);

export function mapHost(h: Host) {
  const a = h.allocation;
  return {
    hostId: h.id,
    hostType: h.type.name,
    availabilityZone: h.availabilityZone,
    state: h.state,
    capacity: { threads: h.threads, cpuCores: h.cpuCapacityMillicores / 1000, memoryMiB: h.memoryCapacityMiB },
    allocated: { reservedCores: a.reservedMillicores / 1000, limitCores: a.limitMillicores / 1000, memoryMiB: a.memoryMiB, vcpus: a.vcpus, instances: a.vmCount },
  };
}

@Injectable()
export class HostsService {
  constructor(private readonly engine: EngineService) {}

  hostTypes() {
    return {
      hostTypes: HOST_TYPES.map((t) => ({ ...t, threads: hardwareThreads(t) })),
    };
  }

  add(dto: AddHostsDto) {
    const type = findHostType(dto.hostType);
    if (!type) throw invalidParameter(`hostType '${dto.hostType}' does not exist`);
    if (!isAvailabilityZone(dto.availabilityZone)) throw invalidParameter(`availabilityZone '${dto.availabilityZone}' does not exist`);
    return this.engine.command(async (tx, e) => {
      const rows = Array.from({ length: dto.count }, () =>
        tx.create(HostEntity, { id: resourceId('h'), hostType: type.name, availabilityZone: dto.availabilityZone, state: 'available', createdAt: e.now }),
      );
      await tx.insert(HostEntity, rows);
      return { hosts: rows.map((r) => mapHost(e.fleet.addHost(r.id, type, r.availabilityZone))) };
    });
  }

  list(filter: { availabilityZone?: string; hostType?: string }) {
    const hosts = [...this.engine.fleet.hosts()]
      .filter((h) => (!filter.availabilityZone || h.availabilityZone === filter.availabilityZone) && (!filter.hostType || h.type.name === filter.hostType))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return { hosts: hosts.map(mapHost) };
  }

  /** One host, with the instances it holds (an operator's view; tenants never see hosts). */
  get(id: string) {
    const h = this.engine.fleet.host(id);
    if (!h) throw hostNotFound(id);
    return { ...mapHost(h), instanceIds: [...h.vmIds].sort() };
  }

  remove(id: string) {
    return this.engine.command(async (tx, e) => {
      if (!e.fleet.host(id)) throw hostNotFound(id);
      const owner = e.scheduler.hostOwner(id);
      if (owner) throw new ApiError('IncorrectHostState', `host '${id}' is a Dedicated Host allocated to tenant '${owner.tenantId}'; it must be released first`);
      e.fleet.removeHost(id);
      await tx.delete(HostEntity, { id });
    });
  }
}

