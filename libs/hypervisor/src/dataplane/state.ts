import { isBurstable } from '../catalog/instance-types';
import { Engine } from '../engine/engine';
import { SimTime } from '../engine/sim-time';
import { NotFound } from '../errors';
import { FleetEvent } from '../fleet/events';
import { Fleet } from '../fleet/fleet';
import { Host } from '../fleet/host';
import { Vm } from '../fleet/vm';
import { CreditAccount, CreditMode, defaultCreditMode } from '../vmm/cpu/credit-account';
import { bytesTransferred } from '../vmm/network/network-allocator';
import { EnergyMeter } from '../vmm/power/power-model';
import { MetricsRecorder } from './metrics.recorder';
import { findLast, HostRt, VmRt, VolumeRt } from './runtime';
import { DEFAULT_MIGRATION_SETTINGS, DataPlaneOptions, MigrationSettings } from './types';

/**
 * The data plane's runtime state: the runtimes of the VMs, volumes and hosts, who sends to whom,
 * the hosts to recompute at this instant, and what changed since the last snapshots; with the
 * operations every part of the data plane uses on them (look-ups, marking a host dirty, settling
 * a VM's credits, buckets and metered egress up to now).
 */
export class DataPlaneState {
  readonly engine: Engine<FleetEvent>;
  readonly vms = new Map<string, VmRt>();
  readonly volumes = new Map<string, VolumeRt>();
  readonly vmVolumes = new Map<string, Set<string>>();
  readonly hostRts = new Map<string, HostRt>();
  /** Who sends traffic to a VM: when it moves or stops, their hosts are recomputed. */
  readonly senders = new Map<string, Set<string>>();
  /** The hosts to recompute at this instant, each once (`HostRt.dirty`), in the order they changed. */
  dirty: HostRt[] = [];
  private flushScheduled = false;
  /** What recomputes the dirty hosts (flush.ts), scheduled once per instant by `markRtDirty`. */
  private readonly flushDirty: () => void;
  readonly snapVms = new Set<VmRt>();
  readonly snapVolumes = new Set<VolumeRt>();
  readonly snapHosts = new Set<HostRt>();
  readonly migration: MigrationSettings;
  readonly ramRatio: (host: Host) => number;
  /** Content-based page sharing under pressure (DataPlaneOptions.pageSharing). */
  readonly pageSharing: boolean;
  readonly metrics: MetricsRecorder;

  constructor(
    readonly fleet: Fleet,
    options: DataPlaneOptions,
    flush: () => void,
  ) {
    this.engine = fleet.engine;
    this.migration = { ...DEFAULT_MIGRATION_SETTINGS, ...options.migration };
    this.ramRatio = options.ramRatio ?? (() => 1);
    this.pageSharing = options.pageSharing ?? true;
    this.metrics = new MetricsRecorder(this.engine, options.metrics);
    this.flushDirty = () => {
      this.flushScheduled = false;
      flush();
    };
  }

  get now(): SimTime {
    return this.engine.now;
  }

  // ---- dirty hosts ----

  markDirty(hostId: string, memory = false): void {
    const h = this.hostRts.get(hostId);
    if (h) this.markRtDirty(h, memory);
  }

  markRtDirty(h: HostRt, memory: boolean): void {
    if (memory) h.memoryDirty = h.membersStale = true;
    if (!h.dirty) {
      h.dirty = true;
      this.dirty.push(h);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.engine.schedule(this.now, this.flushDirty);
    }
  }

  // ---- what changed since the last snapshots ----

  /** Adds to `snapVms` (a set keeps its first insertion order, so skipping a second add changes nothing). */
  snapVm(rt: VmRt): void {
    if (rt.snapPending) return;
    rt.snapPending = true;
    this.snapVms.add(rt);
  }

  snapVolume(v: VolumeRt): void {
    if (v.snapPending) return;
    v.snapPending = true;
    this.snapVolumes.add(v);
  }

  snapHost(h: HostRt): void {
    if (h.snapPending) return;
    h.snapPending = true;
    this.snapHosts.add(h);
  }

  // ---- settling up to now ----

  /** Integrates a VM's credits (and its volumes' buckets) at its current rates up to now. */
  settle(rt: VmRt): void {
    this.settleCredits(rt);
    const vols = this.volumesOf(rt);
    if (vols) for (const v of vols) this.settleVolume(v);
  }

  settleCredits(rt: VmRt): void {
    const c = rt.credit;
    if (c && c.now < this.now) {
      // Past a standard-mode exhaustion the use is held at the baseline (the host's event recomputes it).
      c.carry(this.now, c.stopped ? 0 : rt.alloc);
    }
  }

  /**
   * Carries a volume's bucket to now at its delivered rate (which falls to the baseline if the
   * bucket empties): gp2's in IOPS; st1/sc1's in MiB/s of credit, its IOPS and MiB/s scaled down
   * together when it falls to the baseline.
   */
  settleVolume(v: VolumeRt): void {
    if (v.ioMetered) this.settleIoRequests(v);
    const b = v.bucket;
    if (b === null || b.now >= this.now) return;
    if (b.kind === 'gp2') {
      v.delivered = b.carry(this.now, v.delivered);
      return;
    }
    const rate = v.creditRate();
    const after = b.carry(this.now, rate);
    if (after < rate) {
      const f = after / rate;
      v.delivered *= f;
      v.deliveredMiBps *= f;
    }
  }

  /**
   * Adds the I/O requests a metered volume served since `ioAt` at its delivered rate (constant
   * between recomputations, and it has no bucket to change it in between). Called before the rate
   * changes; a volume with a rate is marked for a snapshot, so the stored count and the rate it
   * grows at are always those of the last change (a restart carries it forward from them).
   */
  settleIoRequests(v: VolumeRt): void {
    const dt = this.now - v.ioAt;
    v.ioAt = this.now;
    if (v.delivered === 0) return;
    if (dt > 0) v.ioIopsMs += v.delivered * dt;
    this.snapVolume(v);
  }

  /**
   * Adds the metered egress since `xferAt` at the current rates (constant between recomputations),
   * and marks the VM for a snapshot when it moved. Called before the rates change.
   */
  settleTransfer(rt: VmRt): void {
    const dt = this.now - rt.xferAt;
    rt.xferAt = this.now;
    if (dt <= 0 || (rt.netCrossAz === 0 && rt.netInternet === 0)) return;
    rt.crossAzBytes += bytesTransferred(rt.netCrossAz, dt);
    rt.internetBytes += bytesTransferred(rt.netInternet, dt);
    this.snapVm(rt);
  }

  // ---- runtimes ----

  /** The VM's attached volumes, in attachment order; null when it never had one. */
  volumesOf(rt: VmRt): VolumeRt[] | null {
    const ids = rt.vols;
    if (!ids) return null;
    let list = rt.volRts;
    if (list === null) {
      list = [];
      for (const id of ids) list.push(this.volumes.get(id)!);
      rt.volRts = list;
    }
    return list;
  }

  /** Copies what the VM's workload asks of each of its volumes onto the volume (after the workload or the attachments changed). */
  syncWants(rt: VmRt): void {
    const vols = this.volumesOf(rt);
    if (!vols) return;
    const io = rt.workload.io;
    for (const v of vols) {
      const w = io && findLast(io, v.id);
      v.wantIops = w?.iops ?? 0;
      v.wantMiBps = w?.throughputMiBps ?? 0;
    }
  }

  /** Copies a VM's mutable fields into its runtime, after a fleet event about it. */
  syncRt(rt: VmRt | undefined): void {
    if (!rt) return;
    const hostBefore = rt.hostId;
    rt.sync();
    if (rt.hostId !== hostBefore) {
      rt.zone = rt.hostId === null ? null : (this.fleet.host(rt.hostId)?.availabilityZone ?? null);
      rt.netKindsValid = false;
    }
  }

  /** The VM's runtime, made on first sight (a burstable VM gets a credit account in its default mode). */
  vmRt(vm: Vm): VmRt {
    let rt = this.vms.get(vm.vmId);
    if (!rt) {
      rt = new VmRt(vm);
      rt.zone = rt.hostId === null ? null : (this.fleet.host(rt.hostId)?.availabilityZone ?? null);
      rt.vols = this.vmVolumes.get(vm.vmId) ?? null;
      if (isBurstable(vm.instanceType)) {
        rt.credit = this.newCreditAccount(vm, defaultCreditMode(vm.instanceType));
        if (vm.state !== 'running') rt.credit.stop();
      }
      this.vms.set(vm.vmId, rt);
    }
    return rt;
  }

  newCreditAccount(vm: Vm, mode: CreditMode): CreditAccount {
    return new CreditAccount({ vcpus: vm.instanceType.vcpus, baselinePerVcpu: vm.instanceType.baselinePerVcpu!, mode, startMs: this.now });
  }

  addHostRt(host: Host): void {
    if (this.hostRts.has(host.id)) return;
    const energy = new EnergyMeter(host.type.powerWatts, this.now, 0, host.state !== 'failed' && host.state !== 'off');
    const h = new HostRt(host, energy);
    this.hostRts.set(host.id, h);
    h.countedState = host.state;
    this.metrics.countHost(h, +1);
    this.metrics.addHostEnergy(energy);
    this.markDirty(host.id, true);
  }

  hostRt(hostId: string): HostRt {
    const h = this.hostRts.get(hostId);
    if (!h) throw new NotFound('InvalidHostID.NotFound', `host '${hostId}' does not exist`);
    return h;
  }

  requireHost(hostId: string): Host {
    return this.hostRt(hostId).host;
  }

  requireVm(vmId: string): Vm {
    const vm = this.fleet.vm(vmId);
    if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
    return vm;
  }

  requireVolume(volumeId: string): VolumeRt {
    const v = this.volumes.get(volumeId);
    if (!v) throw new NotFound('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
    return v;
  }
}
