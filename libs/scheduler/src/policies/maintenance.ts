import { DataPlane, Fleet, FleetEvent, MS_PER_MINUTE, Vm } from '@nimbus/hypervisor';
import { Scheduler } from '../scheduler';

/** A draining host with nowhere to send its next VM tries again after this long. */
export const DRAIN_RETRY_MS = 5 * MS_PER_MINUTE;

/**
 * Host maintenance (MODEL.md §2, §3.7): a draining host takes no new VMs and live-migrates the
 * ones it runs to other hosts of its zone, one at a time (one migration saturates the migration
 * link), smallest memory first — the minimum-migration-time choice of the consolidation literature
 * (Beloglazov & Buyya 2012, MMT). Instances that are stopping or terminating just leave; pending
 * ones are moved once they run. When nothing is left the host is drained and waits for the admin.
 */
export class Maintenance {
  private readonly unsubscribe: () => void;
  private readonly draining = new Set<string>();
  private readonly busy = new Set<string>();
  private readonly retry = new Set<string>();

  constructor(
    private readonly fleet: Fleet,
    private readonly dataPlane: DataPlane,
    private readonly scheduler: Scheduler,
  ) {
    this.unsubscribe = fleet.engine.subscribe((e) => this.observe(e));
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** Starts draining `hostId` (or resumes it after a restart). */
  drain(hostId: string, resumed = false): void {
    const host = this.fleet.host(hostId);
    if (!host) return;
    if (host.state !== 'draining') this.fleet.setHostState(hostId, 'draining');
    if (!resumed) this.fleet.notice({ kind: 'host.drain-started', hostId, detail: { instances: host.vmIds.size } });
    this.draining.add(hostId);
    this.fleet.engine.scheduleIn(0, () => this.pump(hostId));
  }

  isDraining(hostId: string): boolean {
    return this.draining.has(hostId);
  }

  private observe(e: FleetEvent): void {
    if (e.type === 'host.state-changed' && e.current !== 'draining') {
      this.draining.delete(e.hostId);
      return;
    }
    if (e.type === 'timeline' && (e.kind === 'vm.migration-completed' || e.kind === 'vm.migration-aborted')) {
      const source = e.kind === 'vm.migration-completed' ? (e.detail.sourceHostId as string) : e.hostId;
      if (source && this.busy.delete(source) && this.draining.has(source)) this.pump(source);
      return;
    }
    if (e.type === 'vm.state-changed' && e.hostId && this.draining.has(e.hostId) && !this.busy.has(e.hostId)) this.pump(e.hostId);
    if (e.type === 'vm.state-changed' && e.previous !== null && e.current === 'stopped') {
      for (const h of this.draining) if (!this.busy.has(h)) this.fleet.engine.scheduleIn(0, () => this.pump(h));
    }
  }

  private pump(hostId: string): void {
    if (!this.draining.has(hostId) || this.busy.has(hostId)) return;
    const host = this.fleet.host(hostId);
    if (!host || host.state !== 'draining') {
      this.draining.delete(hostId);
      return;
    }
    if (host.vmIds.size === 0 && host.incoming.size === 0) {
      this.draining.delete(hostId);
      this.fleet.notice({ kind: 'host.drained', hostId, detail: { drainedAfterMs: this.fleet.now - host.stateSince } });
      return;
    }
    const candidates: Vm[] = [];
    for (const vmId of host.vmIds) {
      const vm = this.fleet.vm(vmId)!;
      if (vm.state === 'running' && !this.dataPlane.isMigrating(vmId) && vm.status === 'ok') candidates.push(vm);
    }
    candidates.sort((a, b) => a.instanceType.memoryMiB - b.instanceType.memoryMiB || (a.vmId < b.vmId ? -1 : 1));
    for (const vm of candidates) {
      const decision = this.scheduler.place({
        tenantId: vm.tenantId, instanceType: vm.instanceType, cpu: vm.cpu, availabilityZone: host.availabilityZone, minCount: 1, maxCount: 1,
      });
      if (!decision.ok) continue;
      if (this.dataPlane.migrate(vm.vmId, decision.hostIds[0], 'maintenance')) {
        this.busy.add(hostId);
        return;
      }
    }
    // Nothing could move now (no room, or only VMs in transition): look again later.
    if (candidates.length > 0 && !this.retry.has(hostId)) {
      this.retry.add(hostId);
      this.fleet.notice({ kind: 'vm.migration-failed', hostId, detail: { reason: 'maintenance', why: 'no host in the zone has room', retryInMs: DRAIN_RETRY_MS } });
      this.fleet.engine.scheduleIn(DRAIN_RETRY_MS, () => {
        this.retry.delete(hostId);
        this.pump(hostId);
      });
    }
  }
}
