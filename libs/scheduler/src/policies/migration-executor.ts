import { DataPlane, Fleet, FleetEvent, Host, InvalidParameterValue, PreCopyPlan, Vm } from '@nimbus/hypervisor';
import { Scheduler } from '../scheduler';

/** Why a VM is live-migrated; every migration event carries it (`detail.reason`). */
export type MigrationReason = 'maintenance' | 'hot-spot' | 'consolidation' | 'operator';
export const MIGRATION_REASONS: readonly MigrationReason[] = ['maintenance', 'hot-spot', 'consolidation', 'operator'];

/**
 * Live migrations at once, fleet-wide, unless an admin sets otherwise. Each source host sends one
 * at a time (one migration saturates its migration link, as OpenStack Nova's
 * `max_concurrent_live_migrations = 1` per host assumes); this bounds the fleet's total.
 */
export const DEFAULT_MAX_CONCURRENT_MIGRATIONS = 16;

export interface MigrationRequest {
  readonly vmId: string;
  readonly reason: MigrationReason;
  /** The operator's chosen host; otherwise the scheduler chooses when the migration starts. */
  readonly targetHostId?: string;
  /**
   * Refuse a destination whose predicted demanded CPU utilization (see `predictedUtilization`)
   * would reach this fraction: a move must not make a new hot spot.
   */
  readonly maxTargetUtilization?: number;
  /**
   * Refuse a destination that is empty or whose demanded CPU utilization now is below this
   * (consolidation moves load only onto busier hosts, so two hosts never trade VMs back and forth).
   */
  readonly minTargetUtilization?: number;
  /** Hosts never chosen (besides the VM's own). */
  readonly excludeHostIds?: readonly string[];
  /** May a host switched off by consolidation be switched on for this move (default true)? */
  readonly powerOn?: boolean;
}

export interface MigrationOutcome {
  readonly vmId: string;
  readonly reason: MigrationReason;
  readonly sourceHostId: string;
  readonly targetHostId: string | null;
  readonly result: 'completed' | 'aborted' | 'failed';
}

/** What survives a restart: migrations waiting, and those in flight (they are started again). */
export interface MigrationExecutorState {
  readonly entries: readonly (MigrationRequest & { readonly sourceHostId: string; readonly started: boolean })[];
}

interface Entry {
  readonly request: MigrationRequest;
  readonly sourceHostId: string;
  targetHostId: string | null;
  started: boolean;
}

/**
 * The one way VMs are live-migrated (docs/model.md §3.7): a queue of migration requests, each with its
 * reason, started in order as the concurrency limits allow — at most `maxConcurrent` in flight
 * fleet-wide, one per source host. The destination is chosen by the scheduler when a migration
 * starts (so the placement filters and the capacity then in force apply), never at request time.
 * Every step is a timeline event carrying the reason: `vm.migration-started`, `-completed`,
 * `-aborted` (from the data plane), `vm.migration-failed` (it could not start: no destination, or
 * it would not converge). Maintenance (drain), hot-spot relief, consolidation and the operator's
 * `migrate` all go through here.
 */
export class MigrationExecutor {
  private readonly queue: Entry[] = [];
  private readonly inFlight = new Map<string, Entry>();
  /** Source hosts with a migration in flight. */
  private readonly sending = new Map<string, number>();
  /** Source hosts with a migration queued. */
  private readonly waiting = new Map<string, number>();
  private readonly listeners: ((o: MigrationOutcome) => void)[] = [];
  private readonly unsubscribe: () => void;
  private pumpScheduled = false;
  private limit = DEFAULT_MAX_CONCURRENT_MIGRATIONS;
  private changes = 0;

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

  get maxConcurrent(): number {
    return this.limit;
  }

  set maxConcurrent(n: number) {
    if (!Number.isSafeInteger(n) || n < 1) throw new InvalidParameterValue(`maxConcurrentMigrations must be a positive integer, got ${n}`);
    this.limit = n;
    this.schedulePump();
  }

  /** Grows whenever the queue or the set in flight changes (what a caller persists). */
  get version(): number {
    return this.changes;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** Told of every migration that ended (completed, aborted) or could not start (failed). */
  onSettled(listener: (o: MigrationOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** Whether `hostId` has a migration queued or in flight as its source. */
  busyWith(hostId: string): boolean {
    return (this.sending.get(hostId) ?? 0) > 0 || (this.waiting.get(hostId) ?? 0) > 0;
  }

  /** Whether the VM is queued or migrating. */
  has(vmId: string): boolean {
    return this.inFlight.has(vmId) || this.queue.some((e) => e.request.vmId === vmId);
  }

  /** The migration's reason, while one is queued or in flight for the VM. */
  reasonOf(vmId: string): MigrationReason | undefined {
    return (this.inFlight.get(vmId) ?? this.queue.find((e) => e.request.vmId === vmId))?.request.reason;
  }

  /**
   * Queues a migration; it starts at this instant if the limits allow. False (and nothing queued)
   * when the VM is already queued or migrating, or is not running on a host.
   */
  enqueue(request: MigrationRequest): boolean {
    const vm = this.fleet.vm(request.vmId);
    if (!vm || vm.hostId === null || vm.state !== 'running' || this.has(request.vmId)) return false;
    this.queue.push({ request, sourceHostId: vm.hostId, targetHostId: request.targetHostId ?? null, started: false });
    this.bump(this.waiting, vm.hostId, +1);
    this.changes++;
    this.schedulePump();
    return true;
  }

  /**
   * Starts a migration now, whatever the limits (an operator's explicit request); the caller has
   * checked the target. Returns the plan, or null if it would not converge (nothing started).
   */
  startNow(request: MigrationRequest & { readonly targetHostId: string }): PreCopyPlan | null {
    const vm = this.fleet.vm(request.vmId);
    // Not running: the data plane refuses it with the right error (IncorrectInstanceState, …).
    if (!vm || vm.hostId === null || vm.state !== 'running') return this.dataPlane.migrate(request.vmId, request.targetHostId, request.reason);
    const entry: Entry = { request, sourceHostId: vm.hostId, targetHostId: request.targetHostId, started: true };
    return this.launch(vm, entry, request.targetHostId);
  }

  /**
   * The demanded CPU utilization `hostId` would have with `vm` added: its VMs' demand, its
   * driver domain's, and that of the VMs migrating to it, over its hardware threads.
   */
  predictedUtilization(host: Host, vm?: Vm): number {
    let demand = this.dataPlane.hostCpuDemandMillicores(host.id);
    for (const id of host.incoming) demand += this.dataPlane.vmCpuDemandMillicores(id);
    if (vm) demand += this.dataPlane.vmCpuDemandMillicores(vm.vmId);
    return demand / (host.threads * 1000);
  }

  /** Where the VM would go now under `request`'s rules (null: nowhere). Decides only. */
  destinationFor(request: MigrationRequest): string | null {
    const vm = this.fleet.vm(request.vmId);
    if (!vm || vm.hostId === null) return null;
    if (request.targetHostId !== undefined) {
      const target = this.fleet.host(request.targetHostId);
      return target && target.state === 'available' && target.id !== vm.hostId ? target.id : null;
    }
    const { maxTargetUtilization: max, minTargetUtilization: min } = request;
    const decision = this.scheduler.placeMigration(vm.vmId, {
      excludeHostIds: request.excludeHostIds,
      accept:
        max === undefined && min === undefined
          ? undefined
          : (host) =>
              (max === undefined || this.predictedUtilization(host, vm) < max) &&
              (min === undefined || (host.vmIds.size > 0 && this.predictedUtilization(host) >= min)),
      powerOn: request.powerOn,
    });
    return decision.ok ? decision.hostIds[0] : null;
  }

  snapshot(): MigrationExecutorState {
    const entries = [...this.inFlight.values(), ...this.queue].map((e) => ({ ...e.request, sourceHostId: e.sourceHostId, started: e.started }));
    return { entries };
  }

  /**
   * After a restart: the data plane lost the migrations in flight (the VMs are still on their
   * source hosts): each is recorded as aborted by the restart and queued again, ahead of those
   * that were waiting.
   */
  restore(state: MigrationExecutorState): void {
    for (const e of state.entries) {
      const { sourceHostId, started, ...request } = e;
      const vm = this.fleet.vm(request.vmId);
      if (!vm || vm.hostId !== sourceHostId) continue;
      if (started)
        this.fleet.notice({
          kind: 'vm.migration-aborted', hostId: sourceHostId, vmId: vm.vmId, tenantId: vm.tenantId,
          detail: { reason: request.reason, ...(request.targetHostId ? { targetHostId: request.targetHostId } : {}), why: 'restart: started again' },
        });
      this.enqueue(request);
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.fleet.engine.scheduleIn(0, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Starts queued migrations, in order, while the limits allow. */
  private pump(): void {
    for (let i = 0; i < this.queue.length && this.inFlight.size < this.limit; ) {
      const entry = this.queue[i];
      if ((this.sending.get(entry.sourceHostId) ?? 0) > 0) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.bump(this.waiting, entry.sourceHostId, -1);
      this.changes++;
      this.start(entry);
    }
  }

  private start(entry: Entry): PreCopyPlan | null {
    const { request } = entry;
    const vm = this.fleet.vm(request.vmId);
    const fail = (why: string, extra: Record<string, unknown> = {}) => {
      if (vm && why) {
        this.fleet.notice({
          kind: 'vm.migration-failed', hostId: entry.sourceHostId, vmId: vm.vmId, tenantId: vm.tenantId,
          detail: { reason: request.reason, why, ...extra },
        });
      }
      this.settle({ vmId: request.vmId, reason: request.reason, sourceHostId: entry.sourceHostId, targetHostId: null, result: 'failed' });
      return null;
    };
    // The VM left, stopped or moved while it waited: nothing to do, and nothing failed.
    if (!vm || vm.state !== 'running' || vm.hostId !== entry.sourceHostId || this.dataPlane.isMigrating(vm.vmId)) return fail('');
    if (vm.status !== 'ok') return fail('the instance is impaired');
    const target = this.destinationFor(request);
    if (target === null)
      return fail(request.targetHostId ? `host '${request.targetHostId}' takes no instances` : 'no host in the zone has room for it' + (request.maxTargetUtilization !== undefined ? ' without becoming a hot spot' : ''));
    entry.targetHostId = target;
    entry.started = true;
    try {
      return this.launch(vm, entry, target);
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  }

  /** Hands the migration to the data plane, in flight from now; throws what the data plane throws. */
  private launch(vm: Vm, entry: Entry, target: string): PreCopyPlan | null {
    this.inFlight.set(vm.vmId, entry);
    this.bump(this.sending, entry.sourceHostId, +1);
    this.changes++;
    let plan: PreCopyPlan | null;
    try {
      plan = this.dataPlane.migrate(vm.vmId, target, entry.request.reason);
    } catch (err) {
      this.forget(vm.vmId);
      throw err;
    }
    if (!plan) {
      // The data plane recorded vm.migration-failed (it would not converge).
      this.forget(vm.vmId);
      this.settle({ vmId: vm.vmId, reason: entry.request.reason, sourceHostId: entry.sourceHostId, targetHostId: target, result: 'failed' });
    }
    return plan;
  }

  private observe(e: FleetEvent): void {
    if (e.type !== 'timeline' || !e.vmId) return;
    if (e.kind === 'vm.migration-started' && !this.inFlight.has(e.vmId)) {
      // Started by someone else (a test, a tool): it still counts against the limits.
      const reason = MIGRATION_REASONS.includes(e.detail.reason as MigrationReason) ? (e.detail.reason as MigrationReason) : 'operator';
      const entry: Entry = { request: { vmId: e.vmId, reason }, sourceHostId: e.hostId!, targetHostId: (e.detail.targetHostId as string) ?? null, started: true };
      this.inFlight.set(e.vmId, entry);
      this.bump(this.sending, entry.sourceHostId, +1);
      this.changes++;
      return;
    }
    if (e.kind !== 'vm.migration-completed' && e.kind !== 'vm.migration-aborted') return;
    const entry = this.inFlight.get(e.vmId);
    if (!entry) return;
    this.forget(e.vmId);
    this.settle({
      vmId: e.vmId, reason: entry.request.reason, sourceHostId: entry.sourceHostId, targetHostId: entry.targetHostId,
      result: e.kind === 'vm.migration-completed' ? 'completed' : 'aborted',
    });
  }

  private forget(vmId: string): void {
    const entry = this.inFlight.get(vmId);
    if (!entry) return;
    this.inFlight.delete(vmId);
    this.bump(this.sending, entry.sourceHostId, -1);
    this.changes++;
  }

  private settle(o: MigrationOutcome): void {
    this.schedulePump();
    for (const l of this.listeners) l(o);
  }

  private bump(m: Map<string, number>, hostId: string, by: number): void {
    const n = (m.get(hostId) ?? 0) + by;
    if (n > 0) m.set(hostId, n);
    else m.delete(hostId);
  }
}
