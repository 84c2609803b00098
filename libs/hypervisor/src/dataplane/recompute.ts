import { hardwareThreads } from '../catalog/host-types';
import { hostCpuCapacityMillicores } from '../vmm/cpu/cpu-allocator';
import { hostDriverDomainMillicores } from '../vmm/driver/driver-domain.cost';
import { seekTrace } from '../vmm/workload/cpu-demand';
import { CpuStep } from './cpu.step';
import { IoStep } from './io.step';
import { reclaimHostMemory } from './memory.step';
import { NetworkStep } from './network.step';
import { HostRt, isDown, utilizationOf, VmRt } from './runtime';
import { DataPlaneState } from './state';
import { PACKET_BYTES } from './types';

/**
 * One host's recomputation at this instant (docs/model.md §1, §3): what ran since the last event is
 * integrated at the old rates and the workloads are stepped; then IO, network, the driver
 * domain's CPU, memory and CPU are divided anew (one step per resource, each in its own file), and
 * the host's power and metrics follow.
 */
export class HostRecomputer {
  /** Host recomputations so far (a cost measure). */
  recomputes = 0;
  /** CPU demand steps taken so far: a VM's workload moved to its next step (the model's events, §1). */
  steps = 0;
  private readonly io: IoStep;
  private readonly network: NetworkStep;
  private readonly cpu: CpuStep;

  constructor(private readonly s: DataPlaneState) {
    this.io = new IoStep(s);
    this.network = new NetworkStep(s);
    this.cpu = new CpuStep(s, this.io);
  }

  /** Recomputes the host; returns when its timer is next due (Infinity: none). */
  recompute(h: HostRt): number {
    const s = this.s;
    const now = s.now;
    const host = h.host;
    this.recomputes++;
    const failed = host.state === 'failed';
    const ddFailed = host.driverDomain === 'failed';

    // 1. Integrate what ran since the last event at the old rates, and step the workloads.
    if (h.membersStale) {
      h.membersStale = false;
      const members: VmRt[] = [];
      for (const vmId of host.vmIds) {
        const vm = s.fleet.vm(vmId);
        if (vm) members.push(s.vmRt(vm));
      }
      h.members = members;
    }
    const rts = h.members;
    const n = rts.length;
    // The earliest step first, in a loop that does nothing else: its reads of the runtimes are
    // independent, so the processor fetches them from memory together rather than one per VM in
    // the loop below (where the misses dominated the cost of a recomputation at 100,000 VMs).
    let soonest = Infinity;
    for (let i = 0; i < n; i++) {
      const next = rts[i].cursorNext;
      if (next < soonest) soonest = next;
    }
    const stepping = soonest <= now;
    let anyIo = false;
    let anyNet = false;
    // Σ privileged ops/s × millicores demanded of the running VMs (§3.1's per-privileged-op-rate term).
    let privOpsMillicores = 0;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      // Credits here; the volumes' buckets are settled by the IO step below, before their rates change.
      s.settleCredits(rt);
      if (stepping && rt.cursorNext <= now) {
        this.steps++;
        if (rt.trace !== null) seekTrace(rt.trace, now, rt);
        else {
          rt.cursor!.advanceTo(now);
          rt.syncCursor();
        }
      }
      // A VM runs unless its host is down, it is rebooting on new hardware, or it is paused for stop-and-copy.
      // (A driver-domain failure takes its IO, not its CPU.) Nothing below changes these before the last use.
      rt.active = !failed && rt.state === 'running' && !isDown(rt) && rt.migration?.phase !== 'stop-and-copy';
      // Whether the IO and network steps have anything to do on this host (most hosts: no).
      if (rt.vols !== null || rt.ioSet) anyIo = true;
      if (!rt.netIdle || rt.netSet) anyNet = true;
      if (rt.privOps > 0 && rt.active) privOpsMillicores += rt.privOps * rt.cursorNow;
    }

    // 2. IO (§3.3): volumes of the running VMs, by mClock, under each instance's EBS cap and the host's path.
    h.iops = h.iopsThrottled = 0;
    if (anyIo) this.io.run(h, rts, ddFailed);

    // 3. Network (§3.5): egress per VM under its type's cap; same-host flows bypass the NIC.
    h.nicMbps = h.sameHostMbps = h.crossAzMbps = h.internetMbps = 0;
    if (anyNet) this.network.run(h, rts, ddFailed);

    // 4. The driver domain's CPU (§3.4) comes off the host's capacity (§3.1).
    const packetsPerSec = ((h.nicMbps + h.sameHostMbps) * 1e6) / (8 * PACKET_BYTES);
    h.driverDomain = failed || ddFailed ? 0 : hostDriverDomainMillicores(host.type, { iops: h.iops, packetsPerSec });
    if (failed) h.capacity = 0;
    else {
      // The host's privileged-op rate per hardware thread: the guests' ops/s per core × the cores they demand, over the threads.
      const privOps = privOpsMillicores / 1000 / hardwareThreads(host.type);
      // A function of the host type, the driver domain's use and that rate only: computed again when they change.
      if (h.capacityForDriverDomain !== h.driverDomain || h.capacityForPrivOps !== privOps) {
        h.capacityUp = hostCpuCapacityMillicores(host.type, { driverDomainMillicores: h.driverDomain, privOpsPerSecPerCore: privOps });
        h.capacityForDriverDomain = h.driverDomain;
        h.capacityForPrivOps = privOps;
      }
      h.capacity = h.capacityUp;
    }

    // 5. Memory (§3.2): sharing, ballooning, swapping under pressure.
    if (h.memoryDirty) {
      h.memoryDirty = false;
      reclaimHostMemory(s, h, rts);
    }

    // 6. CPU (§3.1): reservation, limit, shares; credits cap burstable VMs; auto-converge throttles.
    const next = this.cpu.run(h, rts, failed);

    // 7. Power (§3.9) and the host's own series.
    const wattsBefore = h.energy.watts;
    const energyBefore = h.energy.energyKWh;
    const tBefore = h.energy.now;
    if (failed || host.state === 'off') {
      if (h.energy.poweredOn) h.energy.switchOff(now);
      else h.energy.advance(now);
    } else {
      if (!h.energy.poweredOn) h.energy.switchOn(now);
      h.energy.setUtilization(now, Math.min(1, utilizationOf(h)));
    }
    s.metrics.hostEnergyChanged(h, wattsBefore, energyBefore, tBefore);
    s.snapHost(h);
    s.metrics.recordHost(h, n);
    return next;
  }
}
