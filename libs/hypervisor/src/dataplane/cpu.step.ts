import { allocateCpuInto, cpuBuffers, CpuBuffers } from '../vmm/cpu/cpu-allocator';
import { effectiveCpuLimitMillicores } from '../vmm/cpu/effective-limit';
import { isGuaranteeViolated } from '../vmm/cpu/guarantee';
import { IoStep } from './io.step';
import { HostRt, isDown, VmRt } from './runtime';
import { DataPlaneState } from './state';

/**
 * A host recomputation's CPU step (docs/model.md §3.1), the last one: each VM's effective limit
 * (credits, auto-converge), the division by reservation, limit and shares; then, per VM, its
 * guarantee (violated or restored), its credits' next bound and exhaustion, its volumes' buckets'
 * next bound (IoStep), and its metrics. Returns the host's next timer: the earliest of those
 * bounds and of its running VMs' next workload steps.
 */
export class CpuStep {
  /** The VMs of the CPU division in progress (for its error messages). */
  private cpuRts: readonly VmRt[] = [];
  private readonly cpuIdOf = (i: number): string => this.cpuRts[i].id;
  /** CPU division buffers by VM count, and whether a recompute is using them. */
  private readonly cpuBuffersBySize: CpuBuffers[] = [];
  private cpuBusy = false;

  constructor(
    private readonly s: DataPlaneState,
    private readonly io: IoStep,
  ) {}

  run(h: HostRt, rts: readonly VmRt[], failed: boolean): number {
    const s = this.s;
    const now = s.now;
    const n = rts.length;
    // Into buffers kept per VM count (no object per VM); fresh ones if a listener re-entered a recompute.
    const cpu = this.cpuBusy ? cpuBuffers(n) : (this.cpuBuffersBySize[n] ??= cpuBuffers(n));
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const limit = effectiveCpuLimitMillicores(
        rt.limitMillicores,
        rt.credit ? rt.credit.effectiveLimitMillicores() : Infinity,
        rt.migration ? rt.migration.throttlePercent : 0,
      );
      rt.demand = rt.active ? rt.cursorNow : 0;
      rt.limit = limit;
      cpu.demand[i] = rt.demand;
      cpu.reservation[i] = Math.min(rt.reservationMillicores, limit);
      cpu.limit[i] = limit;
      cpu.weight[i] = rt.weight;
    }
    this.cpuRts = rts;
    h.allocated = allocateCpuInto(h.capacity, cpu, this.cpuIdOf);
    this.cpuBusy = true;
    h.steal = 0;
    h.violations = 0;
    let next = Infinity;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const allocated = cpu.allocated[i];
      const steal = cpu.wanted[i] - allocated;
      const allocChanged = allocated !== rt.alloc;
      rt.alloc = allocated;
      rt.steal = steal;
      h.steal += steal;
      // CPU short of min(demand, reservation), a fault under it, or swapped memory (vmm/cpu/guarantee.ts).
      const violated = isGuaranteeViolated(
        rt.state === 'running', allocated, cpu.guaranteed[i], failed || isDown(rt), rt.cursorNow, rt.reservationMillicores, rt.swapped,
      );
      this.setViolated(rt, h, violated);
      if (violated) h.violations++;
      if (rt.credit) {
        // A credit snapshot with the use it integrates at carries the balance forward exactly
        // (CreditAccount.carry) until the use changes: only then is a new one worth storing. (A
        // host is recomputed whenever any of its VMs changes; snapshotting all its burstable VMs
        // each time made every launch on a busy host write hundreds of rows.)
        if (allocChanged) s.snapVm(rt);
        const kink = rt.credit.timeUntilKinkMs(rt.alloc);
        if (kink < Infinity) next = Math.min(next, now + Math.max(1, kink));
        if (rt.credit.balanceMillicoreMs > 0) rt.creditsExhaustedNotified = false;
        else if (rt.credit.mode === 'standard' && rt.demand > rt.credit.baselineMillicores && !rt.creditsExhaustedNotified) this.creditsExhausted(rt);
      }
      if (rt.cursorNext < Infinity && rt.state === 'running') next = Math.min(next, Math.max(now + 1, rt.cursorNext));
      next = this.io.bucketBounds(rt, next);
      s.metrics.recordVm(rt);
    }
    this.cpuBusy = false;
    return next;
  }

  private setViolated(rt: VmRt, h: HostRt, violated: boolean): void {
    if (violated === rt.violated) return;
    const s = this.s;
    if (violated) {
      rt.violatedSince = s.now;
      h.lastViolationAt = s.now;
      s.fleet.notice({
        kind: 'vm.guarantee-violated', hostId: h.host.id, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
        detail: {
          demandCores: rt.cursorNow / 1000, allocatedCores: rt.alloc / 1000, reservedCores: rt.vm.cpu.reservationMillicores / 1000, status: rt.vm.status,
          swappedMiB: rt.swapped,
        },
      });
    } else {
      rt.violationMs += s.now - rt.violatedSince;
      // The end of a violation is an event too: metering credits violations by their duration.
      s.fleet.notice({ kind: 'vm.guarantee-restored', hostId: h.host.id, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId, detail: { violatedMs: s.now - rt.violatedSince } });
    }
    rt.violated = violated;
  }

  private creditsExhausted(rt: VmRt): void {
    rt.creditsExhaustedNotified = true;
    this.s.fleet.notice({
      kind: 'vm.cpu-credits-exhausted', hostId: rt.vm.hostId ?? undefined, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
      detail: { baselineCores: rt.credit!.baselineMillicores / 1000, demandCores: rt.demand / 1000 },
    });
  }
}
