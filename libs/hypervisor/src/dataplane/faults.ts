import { abortMigrationOf } from './migration';
import { DataPlaneState } from './state';

// Faults (docs/model.md §3.4, §3.8): a host or its driver domain fails and is repaired.

/** The host fails: its VMs are impaired and get nothing until it is repaired or they are recovered elsewhere. */
export function failHost(s: DataPlaneState, hostId: string): void {
  const host = s.requireHost(hostId);
  if (host.state === 'failed') return;
  const previous = host.state;
  s.fleet.setHostState(hostId, 'failed');
  for (const vmId of [...host.vmIds, ...host.incoming]) abortMigrationOf(s, vmId, 'host failed');
  for (const vmId of host.vmIds) s.fleet.setVmStatus(vmId, 'impaired', 'host-failure');
  s.fleet.notice({ kind: 'host.failed', hostId, detail: { previousState: previous, instances: host.vmIds.size } });
  for (const vmId of host.vmIds) {
    const vm = s.fleet.vm(vmId)!;
    s.fleet.notice({ kind: 'vm.impaired', hostId, vmId, tenantId: vm.tenantId, detail: { cause: 'host-failure' } });
  }
  s.markDirty(hostId, true);
}

/** A failed host is back: its impaired VMs reboot in place; a draining host returns to service. */
export function repairHost(s: DataPlaneState, hostId: string): void {
  const host = s.requireHost(hostId);
  if (host.state !== 'failed' && host.state !== 'draining' && host.state !== 'off' && host.driverDomain === 'ok') return;
  const failedSince = host.stateSince;
  const wasFailed = host.state === 'failed';
  s.fleet.setHostState(hostId, 'available', 'ok');
  for (const vmId of host.vmIds) {
    const vm = s.fleet.vm(vmId)!;
    if (vm.status === 'impaired') s.fleet.setVmStatus(vmId, 'ok', null);
  }
  s.fleet.notice({ kind: 'host.repaired', hostId, detail: wasFailed ? { timeToRepairMs: s.now - failedSince } : {} });
  s.markDirty(hostId, true);
}

/**
 * The host's driver domain fails (docs/model.md §3.4): every VM on the host loses its block IO, and
 * its network unless the NIC is SR-IOV (which bypasses the driver domain) — a host-wide failure domain.
 */
export function failDriverDomain(s: DataPlaneState, hostId: string): void {
  const host = s.requireHost(hostId);
  if (host.driverDomain === 'failed') return;
  s.fleet.setHostState(hostId, host.state, 'failed');
  for (const vmId of host.vmIds) {
    const vm = s.fleet.vm(vmId)!;
    if (vm.status === 'ok') s.fleet.setVmStatus(vmId, 'impaired', 'driver-domain-failure');
    s.fleet.notice({ kind: 'vm.impaired', hostId, vmId, tenantId: vm.tenantId, detail: { cause: 'driver-domain-failure' } });
  }
  s.fleet.notice({ kind: 'host.driver-domain-failed', hostId, detail: { instances: host.vmIds.size, networkBypassed: host.type.nic.sriov } });
  s.markDirty(hostId);
}

export function repairDriverDomain(s: DataPlaneState, hostId: string): void {
  const host = s.requireHost(hostId);
  if (host.driverDomain === 'ok') return;
  s.fleet.setHostState(hostId, host.state, 'ok');
  if (host.state !== 'failed')
    for (const vmId of host.vmIds) if (s.fleet.vm(vmId)!.statusReason === 'driver-domain-failure') s.fleet.setVmStatus(vmId, 'ok', null);
  s.fleet.notice({ kind: 'host.driver-domain-repaired', hostId, detail: {} });
  s.markDirty(hostId);
}
