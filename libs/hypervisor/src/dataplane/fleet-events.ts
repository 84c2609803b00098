import { isBurstable } from '../catalog/instance-types';
import { defaultCreditMode } from '../vmm/cpu/credit-account';
import { FleetEvent } from '../fleet/events';
import { abortMigrationOf } from './migration';
import { VmRt } from './runtime';
import { DataPlaneState } from './state';

/**
 * The data plane's reactions to the fleet's events: hosts added and removed, allocations and
 * states changed, VMs launched, started, stopped, terminated and moved. Each marks the hosts it
 * concerns dirty (recomputed once at this instant, flush.ts) after settling what ran up to now.
 */
export function observeFleet(s: DataPlaneState, e: FleetEvent): void {
  switch (e.type) {
    case 'host.added':
      s.addHostRt(s.fleet.host(e.hostId)!);
      break;
    case 'host.removed': {
      const h = s.hostRts.get(e.hostId);
      if (h) {
        h.timerAt = Infinity;
        s.metrics.removeHost(h);
        h.series?.end(s.now);
        s.hostRts.delete(e.hostId);
        h.removed = true;
        s.metrics.countHost(h, -1);
      }
      break;
    }
    case 'host.allocation-changed':
      s.markDirty(e.hostId, true);
      break;
    case 'host.state-changed': {
      s.markDirty(e.hostId, true);
      const h = s.hostRts.get(e.hostId);
      if (h) {
        s.metrics.countHost(h, -1);
        h.countedState = h.host.state;
        s.metrics.countHost(h, +1);
      }
      break;
    }
    case 'vm.state-changed':
      onVmState(s, e);
      break;
    case 'vm.status-changed':
      // A VM runs only while its status allows (a recovery's reboot ends with a status change and
      // nothing else): its host is recomputed.
      s.syncRt(s.vms.get(e.vmId));
      if (e.hostId !== null) s.markDirty(e.hostId, false);
      break;
    case 'vm.host-changed':
      onVmMoved(s, e.vmId, e.from, e.to);
      break;
    case 'vm.type-changed':
      onVmRetyped(s, e.vmId);
      break;
    default:
      break;
  }
}

function onVmState(s: DataPlaneState, e: Extract<FleetEvent, { type: 'vm.state-changed' }>): void {
  const vm = s.fleet.vm(e.vmId);
  const known = s.vms.get(e.vmId);
  if (!known && vm && e.current === 'pending') {
    // A VM seen for the first time, just launched: its runtime is made by its host's recomputation
    // at this instant (as it would be here: a new one has nothing to settle), so that the runtimes
    // of a host's VMs are allocated together — recomputing a host then touches a few memory pages,
    // not one per VM (what dominates the cost at 100,000 VMs). (A burstable VM's credit snapshot
    // is then taken from that recomputation on.)
    markSendersDirty(s, e.vmId);
    if (e.hostId) s.markDirty(e.hostId, true);
    return;
  }
  const rt = known ?? (vm ? s.vmRt(vm) : undefined);
  if (!rt) return;
  s.syncRt(rt);
  s.settle(rt);
  // A VM that stops running (stop, terminate) mid-migration: the fleet has already released the
  // target's hold; the migration itself ends here too, reported, and its timer with it (left
  // running, it would complete a migration the fleet no longer knows, and throw in the engine).
  if (e.current !== 'running' && rt.migration) abortMigrationOf(s, e.vmId, `instance ${e.current}`);
  if (rt.credit) {
    if (e.current === 'running') rt.credit.start(s.now);
    else if (e.previous === 'running') rt.credit.stop();
    s.snapVm(rt);
  }
  if (e.current === 'stopped' || e.current === 'terminated') {
    if (rt.vm.status !== 'ok' && vm) s.fleet.setVmStatus(e.vmId, 'ok', null);
    zeroVm(s, rt);
  }
  if (e.current === 'terminated') {
    rt.series?.end(s.now);
    rt.series = null;
    s.vms.delete(e.vmId);
    for (const sender of s.senders.get(e.vmId) ?? []) {
      const srt = s.vms.get(sender);
      if (srt) srt.netTargets = null;
    }
    s.senders.delete(e.vmId);
    for (const f of rt.workload.network ?? []) s.senders.get(f.to)?.delete(e.vmId);
  }
  markSendersDirty(s, e.vmId);
  if (e.hostId) s.markDirty(e.hostId, true);
}

/**
 * A stopped VM's type changed: its runtime takes the type's limits; a burstable type starts a new
 * credit account in the old one's mode (its default when the old type had none), a fixed one has
 * none. (Stopped, it runs nothing: there is nothing to settle at the old type.)
 */
function onVmRetyped(s: DataPlaneState, vmId: string): void {
  const rt = s.vms.get(vmId);
  if (!rt) return;
  const vm = rt.vm;
  rt.retype();
  const mode = rt.credit?.mode;
  rt.credit = isBurstable(vm.instanceType) ? s.newCreditAccount(vm, mode ?? defaultCreditMode(vm.instanceType)) : null;
  rt.credit?.stop();
  s.snapVm(rt);
}

function onVmMoved(s: DataPlaneState, vmId: string, from: string | null, to: string): void {
  const rt = s.vms.get(vmId);
  s.syncRt(rt);
  if (rt) s.settle(rt);
  if (from) s.markDirty(from, true);
  s.markDirty(to, true);
  markSendersDirty(s, vmId);
}

/** The VM moved or changed state: the flows sent to it are classified again, on their senders' hosts. */
function markSendersDirty(s: DataPlaneState, vmId: string): void {
  const senders = s.senders.get(vmId);
  if (!senders) return;
  for (const sender of senders) {
    const srt = s.vms.get(sender);
    if (srt) srt.netKindsValid = false;
    const h = s.fleet.vm(sender)?.hostId;
    if (h) s.markDirty(h);
  }
}

/** A stopped or terminated VM uses nothing: its rates are zeroed (after settling what ran until now). */
function zeroVm(s: DataPlaneState, rt: VmRt): void {
  rt.demand = rt.alloc = rt.steal = 0;
  rt.resident = rt.shared = rt.ballooned = rt.swapped = 0;
  rt.slowdown = 1;
  rt.iopsDemanded = rt.iopsDelivered = rt.iopsThrottled = rt.mibps = 0;
  s.settleTransfer(rt);
  // Rates that ran are zeroed: the next snapshot carries the zeros (a restart must not carry the old rates forward).
  if (rt.netCrossAz > 0 || rt.netInternet > 0) s.snapVm(rt);
  rt.netOut = rt.netCrossAz = rt.netInternet = 0;
  rt.netSet = false;
  if (rt.violated) rt.violationMs += s.now - rt.violatedSince;
  rt.violated = false;
  const vols = s.volumesOf(rt);
  if (vols)
    for (const v of vols) {
      s.settleVolume(v);
      v.delivered = v.deliveredMiBps = v.demanded = v.throttled = 0;
    }
  s.metrics.recordVm(rt);
}
