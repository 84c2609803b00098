import { InvalidParameterValue } from '../errors';
import { planPreCopy, PreCopyPlan } from '../vmm/migration/pre-copy.planner';
import { VmRt } from './runtime';
import { DataPlaneState } from './state';

// Live migration (docs/model.md §3.7): pre-copy rounds on engine timers, stop-and-copy, completion or abort.

/**
 * Live-migrates a running VM to `targetHostId` by pre-copy: the target holds its resources from
 * now; each round runs while the guest does (throttled by auto-converge if it must); the VM pauses
 * for stop-and-copy and resumes on the target. Returns the plan, or null when the migration cannot
 * converge and auto-converge is off (it is then not started: the VM stays).
 */
export function migrate(s: DataPlaneState, vmId: string, targetHostId: string, reason: string): PreCopyPlan | null {
  const vm = s.requireVm(vmId);
  const rt = s.vmRt(vm);
  const target = s.requireHost(targetHostId);
  if (target.state !== 'available') throw new InvalidParameterValue(`host '${targetHostId}' is ${target.state} and takes no instances`);
  if (vm.hostId !== null && s.fleet.host(vm.hostId)?.state === 'failed')
    throw new InvalidParameterValue(`instance '${vmId}' is on a failed host: it can only be recovered, not live-migrated`);
  const plan = planMigration(s, vmId);
  const detail = planDetail(plan);
  if (!plan.completed) {
    s.fleet.notice({ kind: 'vm.migration-failed', hostId: vm.hostId ?? undefined, vmId, tenantId: vm.tenantId, detail: { targetHostId, reason, ...detail, why: plan.reason } });
    return null;
  }
  s.fleet.beginMigration(vmId, targetHostId);
  s.settle(rt);
  rt.migration = { targetHostId, reason, startedAt: s.now, plan, phase: 'pre-copy', round: 0, throttlePercent: plan.rounds[0]?.throttlePercent ?? 0, timer: null };
  s.hostRt(vm.hostId!).migrationsOut++;
  s.fleet.notice({ kind: 'vm.migration-started', hostId: vm.hostId!, vmId, tenantId: vm.tenantId, detail: { targetHostId, reason, ...detail } });
  nextMigrationStep(s, rt);
  s.markDirty(vm.hostId!);
  return plan;
}

/**
 * The pre-copy plan a live migration of this VM would follow now (its memory, its guest's dirty
 * rate, the migration link): what minimum-migration-time policies compare. Changes nothing.
 */
export function planMigration(s: DataPlaneState, vmId: string): PreCopyPlan {
  const vm = s.requireVm(vmId);
  const m = s.migration;
  return planPreCopy({
    memoryMiB: vm.instanceType.memoryMiB,
    dirtyRateMiBps: s.vmRt(vm).workload.memory?.dirtyRateMiBps ?? 0,
    bandwidthMiBps: m.bandwidthMiBps,
    stopThresholdMiB: (m.bandwidthMiBps * m.maxDowntimeMs) / 1000,
    maxRounds: m.maxRounds,
    resumeCostMs: m.resumeCostMs,
    autoConverge: m.autoConverge,
  });
}

/** VMs migrating right now. */
export function migrationsInFlight(s: DataPlaneState): number {
  let n = 0;
  for (const rt of s.vms.values()) if (rt.migration) n++;
  return n;
}

/** Stops a VM's migration (its host failed): the target's hold is released and the VM stays. */
export function abortMigrationOf(s: DataPlaneState, vmId: string, why: string): void {
  const rt = s.vms.get(vmId);
  if (!rt?.migration) return;
  const m = rt.migration;
  if (m.timer) s.engine.cancel(m.timer);
  s.settle(rt);
  rt.migration = null;
  s.fleet.abortMigration(vmId);
  s.fleet.notice({ kind: 'vm.migration-aborted', hostId: rt.vm.hostId ?? undefined, vmId, tenantId: rt.vm.tenantId, detail: { targetHostId: m.targetHostId, reason: m.reason, why } });
  if (rt.vm.hostId) s.markDirty(rt.vm.hostId);
}

function nextMigrationStep(s: DataPlaneState, rt: VmRt): void {
  const m = rt.migration!;
  const plan = m.plan;
  if (m.phase === 'pre-copy' && m.round < plan.rounds.length) {
    const round = plan.rounds[m.round];
    m.throttlePercent = round.throttlePercent;
    m.timer = s.engine.scheduleIn(round.durationMs, () => {
      m.round++;
      s.settle(rt);
      nextMigrationStep(s, rt);
      s.markDirty(rt.vm.hostId!);
    });
    return;
  }
  if (m.phase === 'pre-copy') {
    m.phase = 'stop-and-copy';
    m.throttlePercent = 0;
    m.timer = s.engine.scheduleIn(plan.downtimeMs, () => completeMigration(s, rt));
    return;
  }
}

function completeMigration(s: DataPlaneState, rt: VmRt): void {
  const m = rt.migration!;
  const from = rt.vm.hostId!;
  s.settle(rt);
  rt.migration = null;
  s.fleet.completeMigration(rt.vm.vmId);
  s.hostRt(m.targetHostId).migrationsIn++;
  s.fleet.notice({
    kind: 'vm.migration-completed', hostId: m.targetHostId, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
    detail: { sourceHostId: from, reason: m.reason, ...planDetail(m.plan) },
  });
}

function planDetail(plan: PreCopyPlan) {
  return {
    rounds: plan.rounds.length, converged: plan.converged, stopReason: plan.stopReason, downtimeMs: plan.downtimeMs,
    totalMs: plan.totalMs, transferredMiB: Math.round(plan.transferredMiB), finalThrottlePercent: plan.finalThrottlePercent,
  };
}
