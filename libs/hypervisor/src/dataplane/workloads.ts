import { isBurstable } from '../catalog/instance-types';
import { SimTime } from '../engine/sim-time';
import { InvalidParameterValue } from '../errors';
import { CreditAccount, CreditMode } from '../vmm/cpu/credit-account';
import { bytesTransferred, INTERNET } from '../vmm/network/network-allocator';
import { CpuDemandCursor } from '../vmm/workload/cpu-demand';
import { mergeWorkload, Workload } from '../vmm/workload/workload';
import { sameReceivers, VmRt } from './runtime';
import { DataPlaneState } from './state';
import { VmRuntimeInit } from './types';

// A VM's runtime inputs: its workload (CPU, IO, network, memory), credit mode and restored state.

/**
 * Gives a VM its runtime state (a new VM gets defaults on first sight; call this after a restart
 * to restore its workload and credits).
 */
export function initVm(s: DataPlaneState, vmId: string, init: VmRuntimeInit): void {
  const vm = s.requireVm(vmId);
  const rt = s.vmRt(vm);
  if (init.workload) applyWorkload(s, rt, init.workload, init.workloadSetAtMs ?? s.now);
  if (isBurstable(vm.instanceType)) {
    const baselinePerVcpu = vm.instanceType.baselinePerVcpu!;
    if (init.credits) {
      rt.credit = CreditAccount.restore({ vcpus: vm.instanceType.vcpus, baselinePerVcpu }, init.credits);
      rt.credit.carry(s.now, init.creditUseMillicores ?? 0);
    } else if (init.creditMode && rt.credit) rt.credit.setMode(init.creditMode);
    else if (init.creditMode) rt.credit = s.newCreditAccount(vm, init.creditMode);
  }
  if (init.transfer) {
    // Carried to now at the rates of the snapshot (they held until the next recomputation, which
    // would have written a newer snapshot); the next recomputation sets the rates anew.
    const t = init.transfer;
    const dt = Math.max(0, s.now - t.asOfMs);
    rt.crossAzBytes = t.crossAzBytes + bytesTransferred(t.crossAzMbps, dt);
    rt.internetBytes = t.internetBytes + bytesTransferred(t.internetMbps, dt);
    rt.xferAt = s.now;
  }
  if (vm.hostId) s.markDirty(vm.hostId, true);
}

/** Sets what the guest does from now on; omitted parts keep their current value. */
export function setWorkload(s: DataPlaneState, vmId: string, update: Workload): Workload {
  // (A VM with a runtime is in the fleet: both go when it terminates.)
  const rt = s.vms.get(vmId) ?? s.vmRt(s.requireVm(vmId));
  // Attached to this VM ⟺ in its volume set (attach and detach keep both).
  for (const io of update.io ?? []) {
    if (!rt.vols?.has(io.volumeId)) throw new InvalidParameterValue(`volume '${io.volumeId}' is not attached to instance '${vmId}'`);
  }
  for (const f of update.network ?? []) {
    if (f.to === vmId) throw new InvalidParameterValue(`instance '${vmId}' cannot send network traffic to itself`);
  }
  // (Nothing to settle: the rates change only at the host's recomputation, at this instant, which
  // integrates what ran up to now at the old ones first.)
  applyWorkload(s, rt, mergeWorkload(rt.workload, update), s.now, update.cpu !== undefined);
  if (rt.hostId) s.markDirty(rt.hostId, update.memory !== undefined);
  return rt.workload;
}

/** Switches a burstable VM between `standard` and `unlimited` (unlimited → standard charges the surplus). */
export function setCreditMode(s: DataPlaneState, vmId: string, mode: CreditMode): void {
  const rt = s.vmRt(s.requireVm(vmId));
  if (!rt.credit) throw new InvalidParameterValue(`instance '${vmId}' is not burstable`);
  s.settle(rt);
  rt.credit.setMode(mode);
  // A new mode changes what the stored snapshot carries forward, whether or not the use changes.
  s.snapVm(rt);
  if (rt.vm.hostId) s.markDirty(rt.vm.hostId);
}

function applyWorkload(s: DataPlaneState, rt: VmRt, w: Workload, setAtMs: SimTime, cpuChanged = true): void {
  // The receivers' sets of senders change only with the receivers (not with the rates).
  const receiversChanged = !sameReceivers(rt.workload.network, w.network);
  if (receiversChanged) for (const f of rt.workload.network ?? []) s.senders.get(f.to)?.delete(rt.id);
  const ioChanged = w.io !== rt.workload.io;
  rt.setWorkload(w);
  if (ioChanged) s.syncWants(rt);
  if (receiversChanged)
    for (const f of w.network ?? []) {
      if (f.to === INTERNET) continue;
      let senders = s.senders.get(f.to);
      if (!senders) s.senders.set(f.to, (senders = new Set()));
      senders.add(rt.id);
    }
  if (cpuChanged) {
    rt.cursor = w.cpu ? new CpuDemandCursor(w.cpu, setAtMs, rt.type.vcpus) : null;
    if (rt.cursor && setAtMs < s.now) rt.cursor.advanceTo(s.now);
    rt.syncCursor();
    rt.trace = rt.cursor ? rt.cursor.trace : null;
  }
}
