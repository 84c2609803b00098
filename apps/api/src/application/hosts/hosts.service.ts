import { Injectable } from '@nestjs/common';
import { findHostType, Host, HOST_TYPES, HostType, isAvailabilityZone } from '@nimbus/hypervisor';
import { hostNotFound } from '@nimbus/simulation';
import { ApiError, invalidParameter } from '../common/api-errors';
import { resourceId } from '../common/ids';
import { HostsRepository } from '../../persistence/hosts.repository';
import { EngineService } from '../../engine/engine.service';
import { AddHostsCommand, HostIdCommand, ListHostsQuery } from './hosts.commands';

@Injectable()
export class HostsService {
  constructor(
    private readonly engine: EngineService,
    private readonly repo: HostsRepository,
  ) {}

  hostTypes(): readonly HostType[] {
    return HOST_TYPES;
  }

  add(cmd: AddHostsCommand): Promise<Host[]> {
    const type = findHostType(cmd.hostType);
    if (!type) throw invalidParameter(`hostType '${cmd.hostType}' does not exist`);
    if (!isAvailabilityZone(cmd.availabilityZone)) throw invalidParameter(`availabilityZone '${cmd.availabilityZone}' does not exist`);
    return this.engine.command(async (tx, e) => {
      const hosts = Array.from({ length: cmd.count }, () => ({ id: resourceId('h'), hostType: type.name, availabilityZone: cmd.availabilityZone }));
      await this.repo.insertHosts(tx, hosts, e.now);
      return hosts.map((h) => e.fleet.addHost(h.id, type, h.availabilityZone));
    });
  }

  /** The hosts, by id. */
  list(q: ListHostsQuery): Host[] {
    return [...this.engine.fleet.hosts()]
      .filter((h) => (!q.availabilityZone || h.availabilityZone === q.availabilityZone) && (!q.hostType || h.type.name === q.hostType))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** One host (an operator's view; tenants never see hosts). */
  get(cmd: HostIdCommand): Host {
    const h = this.engine.fleet.host(cmd.hostId);
    if (!h) throw hostNotFound(cmd.hostId);
    return h;
  }

  remove(cmd: HostIdCommand): Promise<void> {
    const id = cmd.hostId;
    return this.engine.command(async (tx, e) => {
      if (!e.fleet.host(id)) throw hostNotFound(id);
      const owner = e.scheduler.hostOwner(id);
      if (owner) throw new ApiError('IncorrectHostState', `host '${id}' is a Dedicated Host allocated to tenant '${owner.tenantId}'; it must be released first`);
      e.fleet.removeHost(id);
      await this.repo.deleteHost(tx, id);
    });
  }
}
