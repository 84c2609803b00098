import { DataPlane, Fleet, FleetEvent, MS_PER_MINUTE, Vm } from '@nimbus/hypervisor';
import { Scheduler } from '../scheduler';
import { MigrationExecutor, MigrationRequest } from './migration-executor';

/** A draining host with nowhere to send its next VM tries again after this long. */
export const DRAIN_RETRY_MS = 5 * MS_PER_MINUTE;

/** Why a host is being emptied: an operator's maintenance, or consolidation (then switched off). */
export type DrainPurpose = 'maintenance' | 'consolidation';

/** Where a drain's VMs may go, besides the placement filters (consolidation's rules). */
export type DestinationRules = Pick<MigrationRequest, 'maxTargetUtilization' | 'minTargetUtilization'>;

/** How a drain ended: the host is empty, or (consolidation only) a VM had nowhere to go. */
export type DrainOutcome = 'drained' | 'stuck';

/**
 * Host maintenance (docs/model.md §2, §3.7): a draining host takes no new VMs and live-migrates the
 * ones it runs to other hosts of its zone through the migration executor, one at a time (one
 * migration saturates the migration link), in order of minimum migration time (the pre-copy
 * plan's total: smallest memory and dirty rate first — Beloglazov & Buyya 2012, MMT). Instances
 * that are stopping or terminating just leave; pending ones are moved once they run. When nothing
 * is left the host is drained and waits for the admin.
 *
 * Consolidation empties a host the same way (purpose `consolidation`): its destinations must not
 * become hot spots, and if a VM has nowhere to go the drain ends as `stuck` instead of retrying
 * (the consolidation policy then gives the host back).
 */
export class Maintenance {
  private readonly unsubscribe: () => void;
  private readonly draining = new Map<string, DrainPurpose>();
  /** For consolidation drains: the destination rules (see MigrationRequest). */
  private readonly rules = new Map<string, DestinationRules>();
  private readonly retry = new Set<string>();
  private readonly listeners: ((hostId: string, purpose: DrainPurpose, outcome: DrainOutcome) => void)[] = [];
  readonly executor: MigrationExecutor;

  constructor(
    private readonly fleet: Fleet,
    private readonly dataPlane: DataPlane,
    scheduler: Scheduler,
    executor?: MigrationExecutor,
  ) {
    this.executor = executor ?? new MigrationExecutor(fleet, dataPlane, scheduler);
    this.unsubscribe = fleet.engine.subscribe((e) => this.observe(e));
    this.executor.onSettled((o) => {
      if (this.draining.has(o.sourceHostId)) this.pump(o.sourceHostId);
    });
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** Told when a drain ends. */
  onDrainEnded(listener: (hostId: string, purpose: DrainPurpose, outcome: DrainOutcome) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Starts draining `hostId` (or resumes it after a restart). Draining a host that consolidation
   * is emptying turns it into maintenance: the host then stays drained for the operator.
   */
  drain(hostId: string, resumed = false, purpose: DrainPurpose = 'maintenance', rules: DestinationRules = {}): void {
    const host = this.fleet.host(hostId);
    if (!host) return;
    this.rules.set(hostId, rules);
    if (host.state !== 'draining') this.fleet.setHostState(hostId, 'draining');
    if (!resumed && purpose === 'maintenance') this.fleet.notice({ kind: 'host.drain-started', hostId, detail: { instances: host.vmIds.size } });
    this.draining.set(hostId, purpose);
    this.fleet.engine.scheduleIn(0, () => this.pump(hostId));
  }

  isDraining(hostId: string): boolean {
    return this.draining.has(hostId);
  }

  purposeOf(hostId: string): DrainPurpose | undefined {
    return this.draining.get(hostId);
  }

  private observe(e: FleetEvent): void {
    if (e.type === 'host.state-changed' && e.current !== 'draining') {
      this.draining.delete(e.hostId);
      return;
    }
    if (e.type === 'vm.state-changed' && e.hostId && this.draining.has(e.hostId)) this.pump(e.hostId);
    if (e.type === 'vm.state-changed' && e.previous !== null && e.current === 'stopped') {
      for (const h of this.draining.keys()) if (!this.executor.busyWith(h)) this.fleet.engine.scheduleIn(0, () => this.pump(h));
    }
  }

  private pump(hostId: string): void {
    const purpose = this.draining.get(hostId);
    if (purpose === undefined || this.executor.busyWith(hostId)) return;
    const host = this.fleet.host(hostId);
    if (!host || host.state !== 'draining') {
      this.draining.delete(hostId);
      return;
    }
    if (host.vmIds.size === 0 && host.incoming.size === 0) {
      this.draining.delete(hostId);
      if (purpose === 'maintenance') this.fleet.notice({ kind: 'host.drained', hostId, detail: { drainedAfterMs: this.fleet.now - host.stateSince } });
      for (const l of this.listeners) l(hostId, purpose, 'drained');
      return;
    }
    const candidates = byMigrationTime(this.dataPlane, [...host.vmIds].map((id) => this.fleet.vm(id)!).filter((vm) => vm.state === 'running' && !this.dataPlane.isMigrating(vm.vmId) && vm.status === 'ok'));
    for (const vm of candidates) {
      const request: MigrationRequest =
        purpose === 'consolidation'
          ? { vmId: vm.vmId, reason: 'consolidation', ...this.rules.get(hostId), powerOn: false }
          : { vmId: vm.vmId, reason: 'maintenance' };
      if (this.executor.destinationFor(request) === null) continue;
      if (this.executor.enqueue(request)) return;
    }
    if (candidates.length === 0) return; // only VMs in transition: their state changes pump again
    if (purpose === 'consolidation') {
      this.draining.delete(hostId);
      for (const l of this.listeners) l(hostId, purpose, 'stuck');
      return;
    }
    // Nothing could move now (no room): look again later.
    if (!this.retry.has(hostId)) {
      this.retry.add(hostId);
      this.fleet.notice({ kind: 'vm.migration-failed', hostId, detail: { reason: 'maintenance', why: 'no host in the zone has room', retryInMs: DRAIN_RETRY_MS } });
      this.fleet.engine.scheduleIn(DRAIN_RETRY_MS, () => {
        this.retry.delete(hostId);
        this.pump(hostId);
      });
    }
  }
}

/**
 * VMs in order of minimum migration time (Beloglazov & Buyya 2012, MMT): the pre-copy plan's
 * total time now (memory, dirty rate, link); a plan that would not converge goes last; then
 * smaller memory, then id (a stable order).
 */
export function byMigrationTime(dataPlane: DataPlane, vms: Vm[]): Vm[] {
  const total = new Map<string, number>();
  for (const vm of vms) {
    const plan = dataPlane.planMigration(vm.vmId);
    total.set(vm.vmId, plan.completed ? plan.totalMs : Infinity);
  }
  return vms.sort((a, b) => {
    const ta = total.get(a.vmId)!;
    const tb = total.get(b.vmId)!;
    return (ta === tb ? 0 : ta < tb ? -1 : 1) || a.instanceType.memoryMiB - b.instanceType.memoryMiB || (a.vmId < b.vmId ? -1 : 1);
  });
}
