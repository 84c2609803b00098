import { MemoryVm, reclaimMemory } from '../vmm/memory/memory-reclaimer';
import { HostRt, VmRt } from './runtime';
import { DataPlaneState } from './state';
import { IDLE_WORKING_SET_MIB } from './types';

/**
 * A host recomputation's memory step (docs/model.md §3.2), when its members or their working sets
 * changed: all resident while the configured memory fits; otherwise sharing, ballooning and
 * swapping under the admin's RAM ratio (`reclaimMemory`); sharing only if the data plane's
 * `pageSharing` is on.
 */
export function reclaimHostMemory(s: DataPlaneState, h: HostRt, rts: VmRt[]): void {
  const host = h.host;
  const perVm = host.memoryFootprintMiB(0);
  const members: MemoryVm[] = [];
  const holders: VmRt[] = [];
  let configured = 0;
  for (const rt of rts) {
    const t = rt.vm.instanceType;
    configured += t.memoryMiB;
    holders.push(rt);
    members.push({ id: rt.vm.vmId, configuredMiB: t.memoryMiB, workingSetMiB: Math.min(t.memoryMiB, rt.workload.memory?.workingSetMiB ?? IDLE_WORKING_SET_MIB), imageId: rt.vm.image.imageId });
  }
  const capacity = Math.max(0, host.memoryCapacityMiB - perVm * rts.length);
  h.configured = configured;
  if (configured <= capacity) {
    for (const rt of holders) {
      rt.resident = rt.vm.instanceType.memoryMiB;
      rt.shared = rt.ballooned = rt.swapped = 0;
      rt.slowdown = 1;
    }
    h.resident = configured;
    h.sharedMem = h.ballooned = h.swapped = h.swappedVms = 0;
    return;
  }
  const r = reclaimMemory({ hostMemoryMiB: capacity, overcommitRatio: Math.max(1, s.ramRatio(host)), vms: members, ...(s.pageSharing ? {} : { shareableMiBPerVm: 0 }) });
  let swappedVms = 0;
  for (let i = 0; i < holders.length; i++) {
    const m = r.vms[i];
    const rt = holders[i];
    rt.resident = m.residentMiB;
    rt.shared = m.sharedMiB;
    rt.ballooned = m.balloonedMiB;
    rt.swapped = m.swappedMiB;
    rt.slowdown = m.slowdownFactor;
    if (m.swappedMiB > 0) swappedVms++;
  }
  h.swappedVms = swappedVms;
  h.resident = r.host.residentMiB;
  h.sharedMem = r.host.sharedMiB;
  h.ballooned = r.host.balloonedMiB;
  h.swapped = r.host.swappedMiB;
}
