import { Fleet, FleetEvent, MS_PER_MINUTE, seconds, SimTime } from '@nimbus/hypervisor';
import { Scheduler } from '../scheduler';

/**
 * How long a host failure goes unnoticed: EC2's system status check runs every minute and a
 * recovery alarm needs two failed periods, then the recovery action starts (AWS, "Recover your
 * instance"): about three minutes.
 */
export const RECOVERY_DETECTION_MS = 3 * MS_PER_MINUTE;
/** With no capacity for the VM anywhere in its zone, recovery tries again after this long. */
export const RECOVERY_RETRY_MS = 5 * MS_PER_MINUTE;

/**
 * Auto-recovery (docs/model.md §3.8; EC2's simplified automatic recovery): a VM impaired by a host
 * failure is, after the detection delay, placed on healthy hardware in its zone and rebooted there,
 * keeping its id, state and zone. Its downtime — failure to running again — is reported. A VM with
 * auto-recovery disabled waits for its host's repair.
 */
export class AutoRecovery {
  private readonly unsubscribe: () => void;
  private readonly pending = new Set<string>();

  constructor(
    private readonly fleet: Fleet,
    private readonly scheduler: Scheduler,
  ) {
    this.unsubscribe = fleet.engine.subscribe((e) => this.observe(e));
  }

  dispose(): void {
    this.unsubscribe();
  }

  /** After a restart: resumes recovery of every VM still impaired by a host failure, or rebooting after one. */
  resume(): void {
    for (const vm of this.fleet.allVms()) {
      if (vm.status !== 'impaired' || vm.hostId === null) continue;
      const host = this.fleet.host(vm.hostId);
      if (vm.statusReason === 'recovering') this.scheduleBoot(vm.vmId, vm.hostId, host?.stateSince ?? this.fleet.now, this.fleet.now);
      else if (vm.statusReason === 'host-failure' && host?.state === 'failed' && vm.autoRecovery !== false)
        this.scheduleCheck(vm.vmId, Math.max(this.fleet.now, host.stateSince + RECOVERY_DETECTION_MS), host.stateSince);
    }
  }

  private observe(e: FleetEvent): void {
    if (e.type !== 'vm.status-changed' || e.status !== 'impaired' || e.reason !== 'host-failure') return;
    const vm = this.fleet.vm(e.vmId);
    if (!vm || vm.autoRecovery === false) return;
    this.scheduleCheck(e.vmId, e.time + RECOVERY_DETECTION_MS, e.time);
  }

  private scheduleCheck(vmId: string, at: SimTime, impairedAt: SimTime): void {
    if (this.pending.has(vmId)) return;
    this.pending.add(vmId);
    this.fleet.engine.schedule(at, () => {
      this.pending.delete(vmId);
      this.recover(vmId, impairedAt);
    });
  }

  private recover(vmId: string, impairedAt: SimTime): void {
    const vm = this.fleet.vm(vmId);
    if (!vm || vm.status !== 'impaired' || vm.statusReason !== 'host-failure' || vm.hostId === null) return;
    const from = this.fleet.host(vm.hostId);
    if (!from || from.state !== 'failed') return;
    if (vm.state !== 'running' && vm.state !== 'pending') return;
    // Under the VM's own rules (tenancy, placement group); an instance on a Dedicated Host keeps its host, and waits for its repair.
    const decision = this.scheduler.placeVm(vmId, from.availabilityZone);
    if (!decision.ok) {
      this.fleet.notice({
        kind: 'vm.recovery-deferred', hostId: from.id, vmId, tenantId: vm.tenantId,
        detail: { reason: decision.refusals.map((r) => r.reasons.join(', ')).join('; ') || 'no capacity', retryInMs: RECOVERY_RETRY_MS },
      });
      this.scheduleCheck(vmId, this.fleet.now + RECOVERY_RETRY_MS, impairedAt);
      return;
    }
    const to = decision.hostIds[0];
    this.fleet.relocate(vmId, to);
    this.fleet.setVmStatus(vmId, 'impaired', 'recovering');
    this.fleet.notice({ kind: 'vm.recovery-started', hostId: to, vmId, tenantId: vm.tenantId, detail: { fromHostId: from.id, detectedAfterMs: this.fleet.now - impairedAt } });
    this.scheduleBoot(vmId, to, impairedAt, this.fleet.now);
  }

  /** The VM reboots on its new host: its image's boot time, then it runs again. */
  private scheduleBoot(vmId: string, hostId: string, impairedAt: SimTime, from: SimTime): void {
    const vm = this.fleet.vm(vmId);
    if (!vm) return;
    this.fleet.engine.schedule(from + seconds(vm.image.bootSeconds), () => {
      const v = this.fleet.vm(vmId);
      if (!v || v.statusReason !== 'recovering' || v.hostId !== hostId) return;
      this.fleet.setVmStatus(vmId, 'ok', null);
      this.fleet.notice({ kind: 'vm.recovered', hostId, vmId, tenantId: v.tenantId, detail: { downtimeMs: this.fleet.now - impairedAt } });
    });
  }
}
