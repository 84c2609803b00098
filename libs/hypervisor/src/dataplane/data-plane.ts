import { Engine } from '../engine/engine';
import { SimTime } from '../engine/sim-time';
import { FleetEvent } from '../fleet/events';
import { Fleet } from '../fleet/fleet';
import { CreditMode } from '../vmm/cpu/credit-account';
import { BucketSummary } from '../vmm/metrics';
import { PreCopyPlan } from '../vmm/migration/pre-copy.planner';
import { Workload } from '../vmm/workload/workload';
import * as faults from './faults';
import { observeFleet } from './fleet-events';
import { HostFlusher } from './flush';
import { MetricKind } from './metric-fields';
import * as migration from './migration';
import { HostRecomputer } from './recompute';
import * as snapshots from './snapshots';
import { DataPlaneState } from './state';
import { VolumeSpec } from '../vmm/io/ebs-volume';
import { DataPlaneOptions, DataPlaneSnapshots, DataTransfer, HostView, VmRuntimeInit, VmView, VolumeDefinition, VolumeIoCounter } from './types';
import * as views from './views';
import * as volumes from './volumes';
import * as workloads from './workloads';

export * from './types';

/**
 * The hosts' VMMs (docs/model.md §3): the mechanism that hands each host's CPU, memory, IO and network
 * to its VMs by reservation, limit and shares, with burst credits, burst buckets, the driver
 * domain's cost, faults, live migration and power.
 *
 * A fluid, event-driven model (docs/model.md §1): allocations are constant between events, and usage
 * (credits, bucket balances, energy, metrics) is integrated as rate × duration at the next event.
 * Work happens only on a host whose inputs changed — a VM arrived, left or changed state, a
 * workload stepped, a credit balance or burst bucket hit a bound, a fault — and a host is
 * recomputed at most once per instant however many of its VMs changed (a dirty set flushed by one
 * engine action). Each host has one timer, at the earliest of its VMs' next workload steps and
 * credit/bucket bounds; the hosts due at the same ms share one engine action (workloads that step
 * on the hour put thousands of hosts on one instant), so the engine's queue holds one entry per
 * distinct time, at most one per host, never one per VM.
 *
 * This class is the data plane's interface; the work is done by its parts, one job each:
 * - state.ts, runtime.ts: the runtime state (per VM, volume and host) and the operations on it;
 * - fleet-events.ts: reacting to the fleet's events; flush.ts: recomputing dirty hosts, and timers;
 * - recompute.ts: one host's recomputation, by io.step.ts, network.step.ts, memory.step.ts and
 *   cpu.step.ts (one step per resource), then power;
 * - workloads.ts, volumes.ts, migration.ts, faults.ts: what callers change;
 * - metrics.recorder.ts, snapshots.ts, views.ts: what it records, persists and shows.
 * The rules of the resource models themselves are in vmm/.
 */
export class DataPlane {
  readonly engine: Engine<FleetEvent>;
  private readonly state: DataPlaneState;
  private readonly recomputer: HostRecomputer;
  private readonly flusher: HostFlusher;
  private readonly unsubscribe: () => void;

  constructor(
    readonly fleet: Fleet,
    options: DataPlaneOptions = {},
  ) {
    this.engine = fleet.engine;
    const s = (this.state = new DataPlaneState(fleet, options, () => this.flusher.flush()));
    this.recomputer = new HostRecomputer(s);
    this.flusher = new HostFlusher(s, this.recomputer);
    for (const host of fleet.hosts()) s.addHostRt(host);
    for (const vm of fleet.allVms()) s.vmRt(vm);
    this.unsubscribe = this.engine.subscribe((e) => observeFleet(s, e));
  }

  get now(): SimTime {
    return this.engine.now;
  }

  /** Host recomputations so far (a cost measure). */
  get hostRecomputations(): number {
    return this.recomputer.recomputes;
  }

  /** CPU demand steps taken so far: a VM's workload moved to its next step (the model's events, §1). */
  get demandSteps(): number {
    return this.recomputer.steps;
  }

  dispose(): void {
    this.unsubscribe();
    this.flusher.dispose();
  }

  // ---- VMs: workloads and credits (workloads.ts) ----

  /**
   * Gives a VM its runtime state (a new VM gets defaults on first sight; call this after a restart
   * to restore its workload and credits).
   */
  initVm(vmId: string, init: VmRuntimeInit): void {
    workloads.initVm(this.state, vmId, init);
  }

  /** Sets what the guest does from now on; omitted parts keep their current value. */
  setWorkload(vmId: string, update: Workload): Workload {
    return workloads.setWorkload(this.state, vmId, update);
  }

  workloadOf(vmId: string): Workload {
    return this.state.vms.get(vmId)?.workload ?? {};
  }

  /** Switches a burstable VM between `standard` and `unlimited` (unlimited → standard charges the surplus). */
  setCreditMode(vmId: string, mode: CreditMode): void {
    workloads.setCreditMode(this.state, vmId, mode);
  }

  // ---- volumes (volumes.ts) ----

  /** Registers a volume (created, or restored after a restart). Unattached volumes do no IO. */
  addVolume(def: VolumeDefinition): void {
    volumes.addVolume(this.state, def);
  }

  /** Attaches a volume to a VM (same zone; the VM may be in any state but terminated). */
  attachVolume(volumeId: string, vmId: string): void {
    volumes.attachVolume(this.state, volumeId, vmId);
  }

  /** Detaches a volume: its IO stops, and workload IO entries for it are dropped. */
  detachVolume(volumeId: string): void {
    volumes.detachVolume(this.state, volumeId);
  }

  /** Forgets a volume (detaching it first). */
  removeVolume(volumeId: string): void {
    volumes.removeVolume(this.state, volumeId);
  }

  /** Changes a volume's spec in place (ModifyVolume): IO runs at the new spec from now; a gp2 bucket keeps its balance. */
  modifyVolume(volumeId: string, spec: VolumeSpec): void {
    volumes.modifyVolume(this.state, volumeId, spec);
  }

  /** Each metered (standard) volume's I/O requests × 1,000 now (billing reads them at UTC midnights). */
  ioRequestCounters(): VolumeIoCounter[] {
    return volumes.ioRequestCounters(this.state);
  }

  volumeView(volumeId: string) {
    return volumes.volumeView(this.state, volumeId);
  }

  // ---- faults (faults.ts; docs/model.md §3.4, §3.8) ----

  /** The host fails: its VMs are impaired and get nothing until it is repaired or they are recovered elsewhere. */
  failHost(hostId: string): void {
    faults.failHost(this.state, hostId);
  }

  /** A failed host is back: its impaired VMs reboot in place; a draining host returns to service. */
  repairHost(hostId: string): void {
    faults.repairHost(this.state, hostId);
  }

  /**
   * The host's driver domain fails (docs/model.md §3.4): every VM on the host loses its block IO, and
   * its network unless the NIC is SR-IOV (which bypasses the driver domain) — a host-wide failure domain.
   */
  failDriverDomain(hostId: string): void {
    faults.failDriverDomain(this.state, hostId);
  }

  repairDriverDomain(hostId: string): void {
    faults.repairDriverDomain(this.state, hostId);
  }

  // ---- live migration (migration.ts; docs/model.md §3.7) ----

  /**
   * Live-migrates a running VM to `targetHostId` by pre-copy: the target holds its resources from
   * now; each round runs while the guest does (throttled by auto-converge if it must); the VM pauses
   * for stop-and-copy and resumes on the target. Returns the plan, or null when the migration cannot
   * converge and auto-converge is off (it is then not started: the VM stays).
   */
  migrate(vmId: string, targetHostId: string, reason: string): PreCopyPlan | null {
    return migration.migrate(this.state, vmId, targetHostId, reason);
  }

  /**
   * The pre-copy plan a live migration of this VM would follow now (its memory, its guest's dirty
   * rate, the migration link): what minimum-migration-time policies compare. Changes nothing.
   */
  planMigration(vmId: string): PreCopyPlan {
    return migration.planMigration(this.state, vmId);
  }

  /** VMs migrating right now. */
  get migrationsInFlight(): number {
    return migration.migrationsInFlight(this.state);
  }

  isMigrating(vmId: string): boolean {
    return this.state.vms.get(vmId)?.migration != null;
  }

  // ---- views (views.ts) ----

  /** The VM's metered egress since launch (cross-AZ and to the internet), exact to now. */
  dataTransferOf(vmId: string): DataTransfer {
    return views.dataTransferOf(this.state, vmId);
  }

  vmView(vmId: string): VmView {
    return views.vmView(this.state, vmId);
  }

  hostView(hostId: string): HostView {
    return views.hostView(this.state, hostId);
  }

  /** Recomputes a host whose settings changed outside the fleet (its RAM ratio). */
  refreshHost(hostId: string): void {
    this.state.markDirty(hostId, true);
  }

  /** The open (not yet closed) metrics bucket of one series, integrated to now. */
  openBucket(kind: MetricKind, id: string): BucketSummary | undefined {
    return views.openBucket(this.state, kind, id);
  }

  /** When the host last failed a VM's guarantee (for policies that avoid such hosts). */
  lastGuaranteeViolationAt(hostId: string): SimTime | null {
    return views.lastGuaranteeViolationAt(this.state, hostId);
  }

  /**
   * Calls `listener` with a host's id after each recomputation of that host (its allocation,
   * demand or power may have changed): what a policy that watches utilization subscribes to,
   * instead of polling every host. A listener must not change the fleet synchronously (schedule an
   * engine action instead). Returns the unsubscribe.
   */
  onHostRecomputed(listener: (hostId: string) => void): () => void {
    const listeners = this.flusher.recomputeListeners;
    listeners.push(listener);
    return () => {
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    };
  }

  /**
   * The CPU a host's VMs demand right now (what their workloads ask, whether or not it is
   * delivered), plus its driver domain's use, in millicores: demanded utilization's numerator.
   */
  hostCpuDemandMillicores(hostId: string): number {
    return views.hostCpuDemandMillicores(this.state, hostId);
  }

  /** The CPU a VM's workload demands right now (0 unless it runs), in millicores. */
  vmCpuDemandMillicores(vmId: string): number {
    return views.vmCpuDemandMillicores(this.state, vmId);
  }

  /** Each open metrics bucket so far (for a clean shutdown to persist). */
  openBuckets(): { kind: MetricKind; id: string; bucket: BucketSummary }[] {
    return views.openBuckets(this.state);
  }

  /** The fleet's current totals, by FLEET_METRICS name. */
  fleetTotals(): Record<string, number> {
    return this.state.metrics.fleetTotals();
  }

  // ---- snapshots (snapshots.ts) ----

  /** State worth persisting that changed since the last call (credits, gp2 buckets, energy). */
  takeSnapshots(): DataPlaneSnapshots {
    return snapshots.takeSnapshots(this.state);
  }

  /**
   * Puts the state of a `takeSnapshots` whose write failed back among the changes, so that the next
   * call takes it again (with the values of that time).
   */
  requeueSnapshots(s: DataPlaneSnapshots): void {
    snapshots.requeueSnapshots(this.state, s);
  }

  /** Restores a host's metered energy (after a restart). */
  restoreEnergy(hostId: string, joules: number): void {
    snapshots.restoreEnergy(this.state, hostId, joules);
  }
}
