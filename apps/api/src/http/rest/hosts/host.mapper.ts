import { hardwareThreads, HostType } from '@nimbus/hypervisor';
import type { HostSnapshot } from '../../../application/vmm/vmm.service';

/** A host as the hosts' listing shows it (a live Host fits HostSnapshot). */
export function mapHost(h: HostSnapshot) {
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

export function mapHosts(hosts: readonly HostSnapshot[]) {
  return { hosts: hosts.map(mapHost) };
}

export function mapHostTypes(types: readonly HostType[]) {
  return { hostTypes: types.map((t) => ({ ...t, threads: hardwareThreads(t) })) };
}
