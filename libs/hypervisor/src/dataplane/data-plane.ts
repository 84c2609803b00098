import { InstanceType, isBurstable } from '../catalog/instance-types';
import { Engine, Scheduled } from '../engine/engine';
import { SimTime } from '../engine/sim-time';
import { InvalidParameterValue, NotFound } from '../errors';
import { FleetEvent } from '../fleet/events';
import { Fleet } from '../fleet/fleet';
import { Host, HostState } from '../fleet/host';
import { CpuParams, InstanceStateName, InstanceStatus, Vm } from '../fleet/vm';
import { allocateCpuInto, cpuBuffers, CpuBuffers, hostCpuCapacityMillicores } from '../vmm/cpu/cpu-allocator';
import { CreditAccount, CreditMode, CreditSnapshot, defaultCreditMode, MILLICORE_MS_PER_CREDIT } from '../vmm/cpu/credit-account';
import { effectiveCpuLimitMillicores } from '../vmm/cpu/effective-limit';
import { isGuaranteeViolated } from '../vmm/cpu/guarantee';
import { hostDriverDomainMillicores } from '../vmm/driver/driver-domain.cost';
import { volumeQos, VolumeQos, VolumeSpec } from '../vmm/io/ebs-volume';
import { Gp2Bucket } from '../vmm/io/gp2-bucket';
import { allocateIo, IoAllocation, IoCapacity, VolumeIoDemand } from '../vmm/io/mclock.scheduler';
import { MemoryVm, reclaimMemory } from '../vmm/memory/memory-reclaimer';
import { BucketSummary, METRIC_BASE_PERIOD_MS, MetricSeries } from '../vmm/metrics';
import { planPreCopy, PreCopyPlan } from '../vmm/migration/pre-copy.planner';
import { allocateNetwork, bytesTransferred, INTERNET, NetworkFlow } from '../vmm/network/network-allocator';
import { EnergyMeter } from '../vmm/power/power-model';
import { CpuDemandCursor, seekTrace, TraceShape } from '../vmm/workload/cpu-demand';
import { IoWorkload, mergeWorkload, NetworkWorkload, Workload } from '../vmm/workload/workload';
import { FLEET, FLEET_METRICS, HOST, HOST_METRICS, MetricKind, VM, VM_METRICS } from './metric-fields';

/**
 * The hosts' VMMs (MODEL.md §3): the mechanism that hands each host's CPU, memory, IO and network
 * to its VMs by reservation, limit and shares, with burst credits, burst buckets, the driver
 * domain's cost, faults, live migration and power.
 *
 * A fluid, event-driven model (MODEL.md §1): allocations are constant between events, and usage
 * (credits, bucket balances, energy, metrics) is integrated as rate × duration at the next event.
 * Work happens only on a host whose inputs changed — a VM arrived, left or changed state, a
 * workload stepped, a credit balance or burst bucket hit a bound, a fault — and a host is
 * recomputed at most once per instant however many of its VMs changed (a dirty set flushed by one
 * engine action). Each host has one timer, at the earliest of its VMs' next workload steps and
 * credit/bucket bounds; the hosts due at the same ms share one engine action (workloads that step
 * on the hour put thousands of hosts on one instant), so the engine's queue holds one entry per
 * distinct time, at most one per host, never one per VM.
 */

/** Ethernet MTU: packets per second = Mbps × 10^6 / (8 × 1500) — what the driver domain pays per packet. */
export const PACKET_BYTES = 1_500;
/**
 * An idle guest's working set when no memory workload is set: an OS with its daemons and page
 * cache touches a few hundred MiB (an estimate; set `memory.workingSetMiB` to be exact).
 */
export const IDLE_WORKING_SET_MIB = 512;

export interface MigrationSettings {
  /** The migration network: a dedicated 10 Gbit/s link, as vMotion recommends. */
  readonly bandwidthMiBps: number;
  /** QEMU's default downtime limit (300 ms): pre-copy stops once the rest fits in it. */
  readonly maxDowntimeMs: number;
  /** Xen stopped pre-copy after 30 rounds (Clark et al. 2005). */
  readonly maxRounds: number;
  /** Resuming on the target: re-attaching devices, a gratuitous ARP. */
  readonly resumeCostMs: number;
  /** Throttle a guest that dirties memory faster than the link (QEMU's auto-converge), or give up. */
  readonly autoConverge: boolean;
}

export const DEFAULT_MIGRATION_SETTINGS: MigrationSettings = {
  bandwidthMiBps: (10e9 / 8) / (1024 * 1024),
  maxDowntimeMs: 300,
  maxRounds: 30,
  resumeCostMs: 50,
  autoConverge: true,
};

export interface DataPlaneOptions {
  /** The admin's RAM allocation ratio for a host (overcommit); 1 = no oversubscription. */
  readonly ramRatio?: (host: Host) => number;
  readonly migration?: Partial<MigrationSettings>;
  readonly metrics?: {
    readonly periodMs?: number;
    /** Record per-VM series (default true); hosts and the fleet are always recorded when `onBucket` is set. */
    readonly vms?: boolean;
    /** Receives every closed bucket. Without it, nothing is recorded. */
    readonly onBucket?: (kind: MetricKind, id: string, bucket: BucketSummary) => void;
  };
}

/** A volume as the data plane knows it. */
export interface VolumeDefinition {
  readonly volumeId: string;
  readonly tenantId: string;
  readonly availabilityZone: string;
  readonly spec: VolumeSpec;
  /** gp2: the bucket's balance in I/O credits at `asOfMs` (a restored volume); full when omitted. */
  readonly burstCredits?: number;
  readonly asOfMs?: SimTime;
}

/** What a VM's runtime needs beyond the fleet's Vm: its workload and credit state (restored after a restart). */
export interface VmRuntimeInit {
  readonly workload?: Workload;
  /** When the workload was set (its CPU model's steps count from there). */
  readonly workloadSetAtMs?: SimTime;
  readonly creditMode?: CreditMode;
  readonly credits?: CreditSnapshot;
  /** The CPU use at the snapshot, to carry the balance forward to now. */
  readonly creditUseMillicores?: number;
  /** The metered data transfer at a snapshot, carried forward to now at the rates it had then. */
  readonly transfer?: TransferSnapshot;
}

/** Cumulative metered egress of one VM (bytes), and the rates (Mbps) it was growing at, as of a time. */
export interface TransferSnapshot {
  readonly crossAzBytes: number;
  readonly internetBytes: number;
  readonly crossAzMbps: number;
  readonly internetMbps: number;
  readonly asOfMs: SimTime;
}

/** What a VM sent that is billed as data transfer (MODEL.md §5), in bytes since it was launched. */
export interface DataTransfer {
  readonly crossAzBytes: number;
  readonly internetBytes: number;
}

/** The data plane's state worth persisting, taken since the last call. */
export interface DataPlaneSnapshots {
  /** `credits` for burstable VMs; `transfer` for VMs whose metered egress changed. */
  readonly vms: { readonly vmId: string; readonly credits?: CreditSnapshot; readonly useMillicores: number; readonly transfer?: TransferSnapshot }[];
  readonly volumes: { readonly volumeId: string; readonly burstCredits: number; readonly deliveredIops: number; readonly asOfMs: SimTime }[];
  readonly hosts: { readonly hostId: string; readonly energyJoules: number; readonly asOfMs: SimTime }[];
}

export interface VmView {
  readonly vmId: string;
  readonly hostId: string | null;
  readonly demandCores: number;
  readonly allocatedCores: number;
  readonly stealCores: number;
  readonly limitCores: number;
  readonly guaranteeViolated: boolean;
  readonly guaranteeViolationMs: number;
  readonly creditMode: CreditMode | null;
  readonly creditBalance: number | null;
  readonly surplusCredits: number | null;
  readonly surplusCreditsCharged: number | null;
  readonly memory: { readonly residentMiB: number; readonly sharedMiB: number; readonly balloonedMiB: number; readonly swappedMiB: number; readonly swapSlowdown: number };
  readonly io: { readonly iopsDemanded: number; readonly iopsDelivered: number; readonly iopsThrottled: number; readonly throughputMiBps: number };
  readonly network: { readonly outMbps: number; readonly crossAzMbps: number; readonly internetMbps: number };
  readonly migration: MigrationView | null;
  readonly workload: Workload;
}

export interface MigrationView {
  readonly targetHostId: string;
  readonly reason: string;
  readonly startedAt: SimTime;
  readonly phase: 'pre-copy' | 'stop-and-copy';
  readonly throttlePercent: number;
  readonly rounds: number;
  readonly expectedDowntimeMs: number;
  readonly expectedTotalMs: number;
}

export interface HostView {
  readonly hostId: string;
  readonly cpuCapacityCores: number;
  readonly cpuAllocatedCores: number;
  readonly cpuUtilization: number;
  readonly driverDomainCores: number;
  readonly stealCores: number;
  readonly memory: { readonly capacityMiB: number; readonly configuredMiB: number; readonly residentMiB: number; readonly sharedMiB: number; readonly balloonedMiB: number; readonly swappedMiB: number; readonly overcommitRatio: number };
  readonly io: { readonly capacityIops: number; readonly iopsDelivered: number; readonly iopsThrottled: number };
  readonly network: { readonly nicGbps: number; readonly nicMbps: number; readonly sameHostMbps: number; readonly crossAzMbps: number; readonly internetMbps: number; readonly sriov: boolean };
  readonly powerWatts: number;
  readonly energyKWh: number;
  readonly guaranteeViolations: number;
  readonly lastGuaranteeViolationAt: SimTime | null;
  readonly migrationsOut: number;
  readonly migrationsIn: number;
}

interface Migration {
  readonly targetHostId: string;
  readonly reason: string;
  readonly startedAt: SimTime;
  readonly plan: PreCopyPlan;
  phase: 'pre-copy' | 'stop-and-copy';
  round: number;
  throttlePercent: number;
  timer: Scheduled | null;
}

class VmRt {
  // The fields every recomputation of the VM's host reads come first, together (fewer cache lines).
  /**
   * The demand now (millicores; 0 without a cursor) and when it may next change (Infinity). A trace
   * (`trace`, its shape shared by the VMs running it) is stepped here with `seekTrace`, without
   * touching the cursor; other models move the cursor, and these are copied from it.
   */
  cursorNow = 0;
  cursorNext = Infinity;
  trace: TraceShape | null = null;
  credit: CreditAccount | null = null;
  /** `DataPlane.vmVolumes`' set for this VM (the same object), or null while it has none: saves a lookup per use. */
  vols: Set<string> | null = null;
  /** The IO (network) fields below may be non-zero: recomputation sets them to 0 first only then. */
  ioSet = false;
  netSet = false;
  /** Every flow of `network` demands 0 Mbps (or there is none): the VM sends nothing. */
  netIdle = true;
  migration: Migration | null = null;
  /** The VM's state and status reason, copied from its Vm (see `sync`). */
  state: InstanceStateName = 'pending';
  statusReason: string | null = null;
  /** Recompute's scratch: the VM runs this interval (set at the start of each recompute of its host). */
  active = false;
  demand = 0;
  limit = 0;
  alloc = 0;
  steal = 0;
  violated = false;
  /** The Vm's CPU parameters (readonly there), copied. */
  reservationMillicores = 0;
  limitMillicores = 0;
  weight = 0;
  // Read less often.
  cursor: CpuDemandCursor | null = null;
  /** `workload.network`, kept with the workload. */
  network: readonly NetworkWorkload[] | undefined = undefined;
  /** Per flow of `network`: its demand as the division takes it (whole Mbps), and its kind in the last recomputation. */
  netDemand: number[] | null = null;
  netKind: Uint8Array | null = null;
  /** `netKind` holds each flow's kind as of now (see `DataPlane.classifyFlows`). */
  netKindsValid = false;
  /** Recompute's scratch: the Mbps of the flows that leave through the NIC. */
  netNicDemand = 0;
  /**
   * The runtimes of `network`'s receivers, by flow (null: not resolved, or none yet). Dropped when
   * the workload changes and when a receiver's runtime is deleted (its senders are known).
   */
  netTargets: (VmRt | null)[] | null = null;
  /** The availability zone of `hostId` (set with it, by the data plane). */
  zone: string | null = null;
  /** The volumes of `vols`, in its order (null: to be resolved again, after an attach or a detach). */
  volRts: VolumeRt[] | null = null;
  /** In `snapVms` (a flag, so that recomputation does not hash into the set each time). */
  snapPending = false;
  iopsDemanded = 0;
  iopsDelivered = 0;
  iopsThrottled = 0;
  mibps = 0;
  netOut = 0;
  netCrossAz = 0;
  netInternet = 0;
  /** Metered egress (bytes) up to `xferAt`; from there it grows at netCrossAz / netInternet. */
  xferAt = 0;
  crossAzBytes = 0;
  internetBytes = 0;
  creditsExhaustedNotified = false;
  // The rest is read on changes only.
  workload: Workload = {};
  violatedSince = 0;
  violationMs = 0;
  resident = 0;
  shared = 0;
  ballooned = 0;
  swapped = 0;
  slowdown = 1;
  series: MetricSeries | null = null;
  /** The last values and slopes recorded (made with the series: only when per-VM metrics are on). */
  values: number[] | null = null;
  slopes: number[] | null = null;
  /**
   * The fleet VM's fields that recomputation reads, kept here so that it touches one object per VM
   * instead of three: `id`, `type` and `cpu` are readonly in a Vm; the others are copied again on
   * each fleet event about the VM (`vm.state-changed`, `vm.status-changed`, `vm.host-changed`),
   * which the fleet emits for every change of them.
   */
  readonly id: string;
  readonly type: InstanceType;
  readonly cpu: CpuParams;
  /** The type's network bandwidth cap, whole Mbps. */
  readonly netCapMbps: number;
  status!: InstanceStatus;
  hostId!: string | null;
  constructor(readonly vm: Vm) {
    this.id = vm.vmId;
    this.type = vm.instanceType;
    this.cpu = vm.cpu;
    this.netCapMbps = Math.floor(vm.instanceType.network.burstGbps * 1000);
    this.reservationMillicores = vm.cpu.reservationMillicores;
    this.limitMillicores = vm.cpu.limitMillicores;
    this.weight = vm.cpu.weight;
    this.sync();
  }

  /** Copies the VM's mutable fields (after a fleet event about it). */
  sync(): void {
    const vm = this.vm;
    this.state = vm.state;
    this.status = vm.status;
    this.statusReason = vm.statusReason;
    this.hostId = vm.hostId;
  }

  setWorkload(w: Workload): void {
    const before = this.network;
    this.workload = w;
    const net = w.network;
    this.network = net;
    if (net === before) return;
    if (!sameReceivers(before, net)) {
      this.netTargets = null;
      this.netKindsValid = false;
    }
    const k = net ? net.length : 0;
    this.netIdle = true;
    if (k === 0) {
      this.netDemand = null;
      this.netKind = null;
      return;
    }
    if (this.netDemand === null || this.netDemand.length !== k) {
      this.netDemand = new Array<number>(k);
      this.netKind = new Uint8Array(k);
      this.netKindsValid = false;
    }
    for (let j = 0; j < k; j++) {
      const mbps = Math.round(net![j].mbps);
      this.netDemand[j] = mbps;
      if (mbps !== 0) this.netIdle = false;
    }
  }

  /** Copies the cursor's position (after it was made or moved). */
  syncCursor(): void {
    const c = this.cursor;
    this.cursorNow = c ? c.current : 0;
    this.cursorNext = c ? c.nextChangeMs : Infinity;
  }
}

class VolumeRt {
  vmId: string | null = null;
  delivered = 0;
  deliveredMiBps = 0;
  demanded = 0;
  demandedMiBps = 0;
  /** What its VM's workload asks of it (`syncWants`: kept with the workload, so a recomputation does not look it up). */
  wantIops = 0;
  wantMiBps = 0;
  throttled = 0;
  exhaustedNotified = false;
  /** Recompute's scratch: the QoS in force, and the IO size and upper bound of the uncontended shortcut. */
  qosNow: VolumeQos | null = null;
  ioSize = 0;
  ioUpper = 0;
  /** In `snapVolumes`. */
  snapPending = false;
  /** `volumeQos(def.spec, hasCredits)` for `qosCredits` (a function of the two: kept until the bucket's state flips). */
  qos: VolumeQos | null = null;
  qosCredits = false;
  readonly id: string;
  constructor(
    readonly def: VolumeDefinition,
    readonly bucket: Gp2Bucket | null,
  ) {
    this.id = def.volumeId;
  }

  qosFor(hasCredits: boolean): VolumeQos {
    if (this.qos === null || this.qosCredits !== hasCredits) {
      this.qos = volumeQos(this.def.spec, hasCredits);
      this.qosCredits = hasCredits;
    }
    return this.qos;
  }
}

class HostRt {
  /** When its timer is due (Infinity: none): it is then in `timerGroups` under that time. */
  timerAt = Infinity;
  capacity = 0;
  allocated = 0;
  driverDomain = 0;
  steal = 0;
  configured = 0;
  resident = 0;
  sharedMem = 0;
  ballooned = 0;
  swapped = 0;
  iops = 0;
  iopsThrottled = 0;
  nicMbps = 0;
  sameHostMbps = 0;
  crossAzMbps = 0;
  internetMbps = 0;
  violations = 0;
  lastViolationAt: SimTime | null = null;
  migrationsOut = 0;
  migrationsIn = 0;
  /** Membership or working sets changed: memory must be reclaimed anew. */
  memoryDirty = true;
  /**
   * The runtimes of the host's VMs, in `host.vmIds` order, rebuilt (as a new array) at the next
   * recompute after a membership change. Every change of `host.vmIds` reaches the data plane as an
   * event that marks the host dirty with `memory` (allocation-changed, host-changed), which sets this.
   */
  members: VmRt[] = [];
  membersStale = true;
  /** In `snapHosts`. */
  snapPending = false;
  /** Its host was removed: it is no longer in `hostRts`. */
  removed = false;
  /** In the data plane's dirty list (to be recomputed at this instant). */
  dirty = false;
  /** The host state its host is counted in, in the fleet's host counts. */
  countedState: HostState | null = null;
  /** The last IO division: its inputs (the demands, and the VM of each, whose type sets its caps) and its result. */
  ioMemo: { readonly demands: readonly VolumeIoDemand[]; readonly rts: readonly VmRt[]; readonly result: IoAllocation } | null = null;
  /** The capacity when up, for the driver domain's use `capacityForDriverDomain` (NaN: not computed yet). */
  capacityUp = 0;
  capacityForDriverDomain = NaN;
  series: MetricSeries | null = null;
  readonly values: number[] = new Array<number>(HOST_METRICS.length).fill(0);
  readonly slopes: number[] = new Array<number>(HOST_METRICS.length).fill(0);
  constructor(
    readonly host: Host,
    readonly energy: EnergyMeter,
  ) {}
}

const KWH_PER_WATT_MS = 1 / 3_600_000_000;
/** Hosts per chunk of a flush: a few hundred VM runtimes, which stay in cache until their host is recomputed. */
const FLUSH_CHUNK = 16;

export class DataPlane {
  readonly engine: Engine<FleetEvent>;
  private readonly vms = new Map<string, VmRt>();
  private readonly volumes = new Map<string, VolumeRt>();
  private readonly vmVolumes = new Map<string, Set<string>>();
  private readonly hostRts = new Map<string, HostRt>();
  /** Who sends traffic to a VM: when it moves or stops, their hosts are recomputed. */
  private readonly senders = new Map<string, Set<string>>();
  /** The hosts to recompute at this instant, each once (`HostRt.dirty`), in the order they changed. */
  private dirty: HostRt[] = [];
  /** The hosts of the flush being recomputed, a chunk at a time (see `recomputeChunk`), and what its reads summed. */
  private readonly flushChunk: (HostRt | null)[] = new Array<HostRt | null>(FLUSH_CHUNK).fill(null);
  private prefetched = 0;
  /** The hosts whose timers are due at each time, with the one engine action that fires them. */
  private readonly timerGroups = new Map<number, { readonly hosts: HostRt[]; readonly action: Scheduled }>();
  /** The other half of the dirty list's double buffer (flush swaps them instead of copying). */
  private dirtyBatch: HostRt[] = [];
  private flushScheduled = false;
  private readonly migration: MigrationSettings;
  private readonly ramRatio: (host: Host) => number;
  private readonly periodMs: number;
  private readonly onBucket?: (kind: MetricKind, id: string, bucket: BucketSummary) => void;
  private readonly vmMetrics: boolean;
  private readonly fleetValues = new Array<number>(FLEET_METRICS.length).fill(0);
  /** recordVm's scratch. */
  private readonly vmNext = new Array<number>(VM_METRICS.length).fill(0);
  private readonly vmSlopes = new Array<number>(VM_METRICS.length).fill(0);
  private readonly fleetSlopes = new Array<number>(FLEET_METRICS.length).fill(0);
  private fleetSeries: MetricSeries | null = null;
  /** Σ over hosts of (energy at its meter's time − watts × that time), so fleet energy at t = this + W × t. */
  private fleetEnergyBase = 0;
  private fleetWatts = 0;
  /** Σ over hosts of their `instances` value (integers, so kept exactly by `addHostValues`). */
  private fleetInstances = 0;
  private readonly snapVms = new Set<VmRt>();
  private readonly snapVolumes = new Set<VolumeRt>();
  private readonly snapHosts = new Set<HostRt>();
  private readonly unsubscribe: () => void;
  private recomputes = 0;
  private steps = 0;
  /** Instance caps handed to allocateIo / allocateNetwork (read during the call only), reused. */
  private readonly ioCaps = new Map<string, IoCapacity>();
  private readonly netCaps = new Map<string, number>();
  /** The VMs of the CPU division in progress (for its error messages). */
  private cpuRts: VmRt[] = [];
  private readonly cpuIdOf = (i: number): string => this.cpuRts[i].id;
  /** CPU division buffers by VM count, and whether a recompute is using them. */
  private readonly cpuBuffersBySize: CpuBuffers[] = [];
  private cpuBusy = false;
  /** Told after each host recomputation (policies that watch utilization, e.g. rebalancing). */
  private readonly recomputeListeners: ((hostId: string) => void)[] = [];

  constructor(
    readonly fleet: Fleet,
    options: DataPlaneOptions = {},
  ) {
    this.engine = fleet.engine;
    this.migration = { ...DEFAULT_MIGRATION_SETTINGS, ...options.migration };
    this.ramRatio = options.ramRatio ?? (() => 1);
    this.periodMs = options.metrics?.periodMs ?? METRIC_BASE_PERIOD_MS;
    this.onBucket = options.metrics?.onBucket;
    this.vmMetrics = options.metrics?.vms ?? true;
    if (this.onBucket) {
      const sink = this.onBucket;
      this.fleetSeries = new MetricSeries(FLEET_METRICS.length, this.periodMs, this.engine.now, (b) => sink('fleet', 'fleet', b));
    }
    for (const host of fleet.hosts()) this.addHostRt(host);
    for (const vm of fleet.allVms()) this.vmRt(vm);
    this.unsubscribe = this.engine.subscribe((e) => this.observe(e));
  }

  get now(): SimTime {
    return this.engine.now;
  }

  /** Host recomputations so far (a cost measure). */
  get hostRecomputations(): number {
    return this.recomputes;
  }

  /** CPU demand steps taken so far: a VM's workload moved to its next step (the model's events, §1). */
  get demandSteps(): number {
    return this.steps;
  }

  dispose(): void {
    this.unsubscribe();
    for (const g of this.timerGroups.values()) this.engine.cancel(g.action);
    this.timerGroups.clear();
  }

  // ---- VMs: workloads and credits ----

  /**
   * Gives a VM its runtime state (a new VM gets defaults on first sight; call this after a restart
   * to restore its workload and credits).
   */
  initVm(vmId: string, init: VmRuntimeInit): void {
    const vm = this.requireVm(vmId);
    const rt = this.vmRt(vm);
    if (init.workload) this.applyWorkload(rt, init.workload, init.workloadSetAtMs ?? this.now);
    if (isBurstable(vm.instanceType)) {
      const baselinePerVcpu = vm.instanceType.baselinePerVcpu!;
      if (init.credits) {
        rt.credit = CreditAccount.restore({ vcpus: vm.instanceType.vcpus, baselinePerVcpu }, init.credits);
        rt.credit.carry(this.now, init.creditUseMillicores ?? 0);
      } else if (init.creditMode && rt.credit) rt.credit.setMode(init.creditMode);
      else if (init.creditMode) rt.credit = this.newCreditAccount(vm, init.creditMode);
    }
    if (init.transfer) {
      // Carried to now at the rates of the snapshot (they held until the next recomputation, which
      // would have written a newer snapshot); the next recomputation sets the rates anew.
      const t = init.transfer;
      const dt = Math.max(0, this.now - t.asOfMs);
      rt.crossAzBytes = t.crossAzBytes + bytesTransferred(t.crossAzMbps, dt);
      rt.internetBytes = t.internetBytes + bytesTransferred(t.internetMbps, dt);
      rt.xferAt = this.now;
    }
    if (vm.hostId) this.markDirty(vm.hostId, true);
  }

  /** Sets what the guest does from now on; omitted parts keep their current value. */
  setWorkload(vmId: string, update: Workload): Workload {
    // (A VM with a runtime is in the fleet: both go when it terminates.)
    const rt = this.vms.get(vmId) ?? this.vmRt(this.requireVm(vmId));
    // Attached to this VM ⟺ in its volume set (attach and detach keep both).
    for (const io of update.io ?? []) {
      if (!rt.vols?.has(io.volumeId)) throw new InvalidParameterValue(`volume '${io.volumeId}' is not attached to instance '${vmId}'`);
    }
    for (const f of update.network ?? []) {
      if (f.to === vmId) throw new InvalidParameterValue(`instance '${vmId}' cannot send network traffic to itself`);
    }
    // (Nothing to settle: the rates change only at the host's recomputation, at this instant, which
    // integrates what ran up to now at the old ones first.)
    this.applyWorkload(rt, mergeWorkload(rt.workload, update), this.now, update.cpu !== undefined);
    if (rt.hostId) this.markDirty(rt.hostId, update.memory !== undefined);
    return rt.workload;
  }

  workloadOf(vmId: string): Workload {
    return this.vms.get(vmId)?.workload ?? {};
  }

  /** Switches a burstable VM between `standard` and `unlimited` (unlimited → standard charges the surplus). */
  setCreditMode(vmId: string, mode: CreditMode): void {
    const rt = this.vmRt(this.requireVm(vmId));
    if (!rt.credit) throw new InvalidParameterValue(`instance '${vmId}' is not burstable`);
    this.settle(rt);
    rt.credit.setMode(mode);
    if (rt.vm.hostId) this.markDirty(rt.vm.hostId);
  }

  // ---- volumes ----

  /** Registers a volume (created, or restored after a restart). Unattached volumes do no IO. */
  addVolume(def: VolumeDefinition): void {
    if (this.volumes.has(def.volumeId)) throw new InvalidParameterValue(`volume '${def.volumeId}' already exists`);
    let bucket: Gp2Bucket | null = null;
    if (def.spec.type === 'gp2') {
      bucket = new Gp2Bucket(def.spec.sizeGiB, def.asOfMs ?? this.now, def.burstCredits);
      // A detached volume does no IO; an attached one is carried to now by `attachVolume`'s caller
      // (restore) at its baseline or less, which only refills the bucket.
      bucket.advance(this.now, 0);
    }
    this.volumes.set(def.volumeId, new VolumeRt(def, bucket));
  }

  /** Attaches a volume to a VM (same zone; the VM may be in any state but terminated). */
  attachVolume(volumeId: string, vmId: string): void {
    const v = this.requireVolume(volumeId);
    const vm = this.requireVm(vmId);
    if (v.vmId !== null) throw new InvalidParameterValue(`volume '${volumeId}' is already attached to '${v.vmId}'`);
    v.vmId = vmId;
    let set = this.vmVolumes.get(vmId);
    if (!set) {
      this.vmVolumes.set(vmId, (set = new Set()));
      const rt = this.vms.get(vmId);
      if (rt) rt.vols = set;
    }
    set.add(volumeId);
    const rt = this.vms.get(vmId);
    if (rt) {
      rt.volRts = null;
      this.syncWants(rt);
    }
    if (vm.hostId) this.markDirty(vm.hostId);
  }

  /** Detaches a volume: its IO stops, and workload IO entries for it are dropped. */
  detachVolume(volumeId: string): void {
    const v = this.requireVolume(volumeId);
    if (v.vmId === null) return;
    const rt = this.vms.get(v.vmId);
    if (rt) {
      this.settle(rt);
      if (rt.workload.io) rt.setWorkload({ ...rt.workload, io: rt.workload.io.filter((io) => io.volumeId !== volumeId) });
      if (rt.vm.hostId) this.markDirty(rt.vm.hostId);
    }
    this.settleVolume(v);
    this.vmVolumes.get(v.vmId)?.delete(volumeId);
    const holder = this.vms.get(v.vmId);
    if (holder) holder.volRts = null;
    v.vmId = null;
    v.delivered = v.deliveredMiBps = v.demanded = v.throttled = v.wantIops = v.wantMiBps = 0;
  }

  /** Forgets a volume (detaching it first). */
  removeVolume(volumeId: string): void {
    if (!this.volumes.has(volumeId)) return;
    this.detachVolume(volumeId);
    this.volumes.delete(volumeId);
  }

  volumeView(volumeId: string) {
    const v = this.requireVolume(volumeId);
    this.settleVolume(v);
    return {
      volumeId, instanceId: v.vmId, iopsDemanded: v.demanded, iopsDelivered: v.delivered, iopsThrottled: v.throttled, throughputMiBps: v.deliveredMiBps,
      burstBalancePercent: v.bucket ? v.bucket.burstBalancePercent : null, burstCredits: v.bucket ? v.bucket.balanceCredits : null,
    };
  }

  // ---- faults (MODEL.md §3.4, §3.8) ----

  /** The host fails: its VMs are impaired and get nothing until it is repaired or they are recovered elsewhere. */
  failHost(hostId: string): void {
    const host = this.requireHost(hostId);
    if (host.state === 'failed') return;
    const previous = host.state;
    this.fleet.setHostState(hostId, 'failed');
    for (const vmId of [...host.vmIds, ...host.incoming]) this.abortMigrationOf(vmId, 'host failed');
    for (const vmId of host.vmIds) this.fleet.setVmStatus(vmId, 'impaired', 'host-failure');
    this.fleet.notice({ kind: 'host.failed', hostId, detail: { previousState: previous, instances: host.vmIds.size } });
    for (const vmId of host.vmIds) {
      const vm = this.fleet.vm(vmId)!;
      this.fleet.notice({ kind: 'vm.impaired', hostId, vmId, tenantId: vm.tenantId, detail: { cause: 'host-failure' } });
    }
    this.markDirty(hostId, true);
  }

  /** A failed host is back: its impaired VMs reboot in place; a draining host returns to service. */
  repairHost(hostId: string): void {
    const host = this.requireHost(hostId);
    if (host.state !== 'failed' && host.state !== 'draining' && host.state !== 'off' && host.driverDomain === 'ok') return;
    const failedSince = host.stateSince;
    const wasFailed = host.state === 'failed';
    this.fleet.setHostState(hostId, 'available', 'ok');
    for (const vmId of host.vmIds) {
      const vm = this.fleet.vm(vmId)!;
      if (vm.status === 'impaired') this.fleet.setVmStatus(vmId, 'ok', null);
    }
    this.fleet.notice({ kind: 'host.repaired', hostId, detail: wasFailed ? { timeToRepairMs: this.now - failedSince } : {} });
    this.markDirty(hostId, true);
  }

  /**
   * The host's driver domain fails (MODEL.md §3.4): every VM on the host loses its block IO, and
   * its network unless the NIC is SR-IOV (which bypasses the driver domain) — a host-wide failure domain.
   */
  failDriverDomain(hostId: string): void {
    const host = this.requireHost(hostId);
    if (host.driverDomain === 'failed') return;
    this.fleet.setHostState(hostId, host.state, 'failed');
    for (const vmId of host.vmIds) {
      const vm = this.fleet.vm(vmId)!;
      if (vm.status === 'ok') this.fleet.setVmStatus(vmId, 'impaired', 'driver-domain-failure');
      this.fleet.notice({ kind: 'vm.impaired', hostId, vmId, tenantId: vm.tenantId, detail: { cause: 'driver-domain-failure' } });
    }
    this.fleet.notice({ kind: 'host.driver-domain-failed', hostId, detail: { instances: host.vmIds.size, networkBypassed: host.type.nic.sriov } });
    this.markDirty(hostId);
  }

  repairDriverDomain(hostId: string): void {
    const host = this.requireHost(hostId);
    if (host.driverDomain === 'ok') return;
    this.fleet.setHostState(hostId, host.state, 'ok');
    if (host.state !== 'failed')
      for (const vmId of host.vmIds) if (this.fleet.vm(vmId)!.statusReason === 'driver-domain-failure') this.fleet.setVmStatus(vmId, 'ok', null);
    this.fleet.notice({ kind: 'host.driver-domain-repaired', hostId, detail: {} });
    this.markDirty(hostId);
  }

  // ---- live migration (MODEL.md §3.7) ----

  /**
   * Live-migrates a running VM to `targetHostId` by pre-copy: the target holds its resources from
   * now; each round runs while the guest does (throttled by auto-converge if it must); the VM pauses
   * for stop-and-copy and resumes on the target. Returns the plan, or null when the migration cannot
   * converge and auto-converge is off (it is then not started: the VM stays).
   */
  migrate(vmId: string, targetHostId: string, reason: string): PreCopyPlan | null {
    const vm = this.requireVm(vmId);
    const rt = this.vmRt(vm);
    const target = this.requireHost(targetHostId);
    if (target.state !== 'available') throw new InvalidParameterValue(`host '${targetHostId}' is ${target.state} and takes no instances`);
    if (vm.hostId !== null && this.fleet.host(vm.hostId)?.state === 'failed')
      throw new InvalidParameterValue(`instance '${vmId}' is on a failed host: it can only be recovered, not live-migrated`);
    const plan = this.planMigration(vmId);
    const detail = planDetail(plan);
    if (!plan.completed) {
      this.fleet.notice({ kind: 'vm.migration-failed', hostId: vm.hostId ?? undefined, vmId, tenantId: vm.tenantId, detail: { targetHostId, reason, ...detail, why: plan.reason } });
      return null;
    }
    this.fleet.beginMigration(vmId, targetHostId);
    this.settle(rt);
    rt.migration = { targetHostId, reason, startedAt: this.now, plan, phase: 'pre-copy', round: 0, throttlePercent: plan.rounds[0]?.throttlePercent ?? 0, timer: null };
    this.hostRt(vm.hostId!).migrationsOut++;
    this.fleet.notice({ kind: 'vm.migration-started', hostId: vm.hostId!, vmId, tenantId: vm.tenantId, detail: { targetHostId, reason, ...detail } });
    this.nextMigrationStep(rt);
    this.markDirty(vm.hostId!);
    return plan;
  }

  /**
   * The pre-copy plan a live migration of this VM would follow now (its memory, its guest's dirty
   * rate, the migration link): what minimum-migration-time policies compare. Changes nothing.
   */
  planMigration(vmId: string): PreCopyPlan {
    const vm = this.requireVm(vmId);
    return planPreCopy({
      memoryMiB: vm.instanceType.memoryMiB,
      dirtyRateMiBps: this.vmRt(vm).workload.memory?.dirtyRateMiBps ?? 0,
      bandwidthMiBps: this.migration.bandwidthMiBps,
      stopThresholdMiB: (this.migration.bandwidthMiBps * this.migration.maxDowntimeMs) / 1000,
      maxRounds: this.migration.maxRounds,
      resumeCostMs: this.migration.resumeCostMs,
      autoConverge: this.migration.autoConverge,
    });
  }

  /** VMs migrating right now. */
  get migrationsInFlight(): number {
    let n = 0;
    for (const rt of this.vms.values()) if (rt.migration) n++;
    return n;
  }

  isMigrating(vmId: string): boolean {
    return this.vms.get(vmId)?.migration != null;
  }

  private nextMigrationStep(rt: VmRt): void {
    const m = rt.migration!;
    const plan = m.plan;
    if (m.phase === 'pre-copy' && m.round < plan.rounds.length) {
      const round = plan.rounds[m.round];
      m.throttlePercent = round.throttlePercent;
      m.timer = this.engine.scheduleIn(round.durationMs, () => {
        m.round++;
        this.settle(rt);
        this.nextMigrationStep(rt);
        this.markDirty(rt.vm.hostId!);
      });
      return;
    }
    if (m.phase === 'pre-copy') {
      m.phase = 'stop-and-copy';
      m.throttlePercent = 0;
      m.timer = this.engine.scheduleIn(plan.downtimeMs, () => this.completeMigration(rt));
      return;
    }
  }

  private completeMigration(rt: VmRt): void {
    const m = rt.migration!;
    const from = rt.vm.hostId!;
    this.settle(rt);
    rt.migration = null;
    this.fleet.completeMigration(rt.vm.vmId);
    this.hostRt(m.targetHostId).migrationsIn++;
    this.fleet.notice({
      kind: 'vm.migration-completed', hostId: m.targetHostId, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
      detail: { sourceHostId: from, reason: m.reason, ...planDetail(m.plan) },
    });
  }

  private abortMigrationOf(vmId: string, why: string): void {
    const rt = this.vms.get(vmId);
    if (!rt?.migration) return;
    const m = rt.migration;
    if (m.timer) this.engine.cancel(m.timer);
    this.settle(rt);
    rt.migration = null;
    this.fleet.abortMigration(vmId);
    this.fleet.notice({ kind: 'vm.migration-aborted', hostId: rt.vm.hostId ?? undefined, vmId, tenantId: rt.vm.tenantId, detail: { targetHostId: m.targetHostId, reason: m.reason, why } });
    if (rt.vm.hostId) this.markDirty(rt.vm.hostId);
  }

  // ---- views ----

  /** The VM's metered egress since launch (cross-AZ and to the internet), exact to now. */
  dataTransferOf(vmId: string): DataTransfer {
    const rt = this.vmRt(this.requireVm(vmId));
    const dt = this.now - rt.xferAt;
    return {
      crossAzBytes: rt.crossAzBytes + (dt > 0 ? bytesTransferred(rt.netCrossAz, dt) : 0),
      internetBytes: rt.internetBytes + (dt > 0 ? bytesTransferred(rt.netInternet, dt) : 0),
    };
  }

  vmView(vmId: string): VmView {
    const rt = this.vmRt(this.requireVm(vmId));
    this.settle(rt);
    const c = rt.credit;
    const m = rt.migration;
    return {
      vmId, hostId: rt.vm.hostId,
      demandCores: rt.demand / 1000, allocatedCores: rt.alloc / 1000, stealCores: rt.steal / 1000, limitCores: rt.limit / 1000,
      guaranteeViolated: rt.violated, guaranteeViolationMs: rt.violationMs + (rt.violated ? this.now - rt.violatedSince : 0),
      creditMode: c ? c.mode : null, creditBalance: c ? c.balanceCredits : null, surplusCredits: c ? c.surplusCredits : null,
      surplusCreditsCharged: c ? c.surplusCreditsCharged : null,
      memory: { residentMiB: rt.resident, sharedMiB: rt.shared, balloonedMiB: rt.ballooned, swappedMiB: rt.swapped, swapSlowdown: rt.slowdown },
      io: { iopsDemanded: rt.iopsDemanded, iopsDelivered: rt.iopsDelivered, iopsThrottled: rt.iopsThrottled, throughputMiBps: rt.mibps },
      network: { outMbps: rt.netOut, crossAzMbps: rt.netCrossAz, internetMbps: rt.netInternet },
      migration: m
        ? {
            targetHostId: m.targetHostId, reason: m.reason, startedAt: m.startedAt, phase: m.phase, throttlePercent: m.throttlePercent,
            rounds: m.plan.rounds.length, expectedDowntimeMs: m.plan.downtimeMs, expectedTotalMs: m.plan.totalMs,
          }
        : null,
      workload: rt.workload,
    };
  }

  hostView(hostId: string): HostView {
    const h = this.hostRt(hostId);
    h.energy.advance(this.now);
    const host = h.host;
    return {
      hostId, cpuCapacityCores: h.capacity / 1000, cpuAllocatedCores: h.allocated / 1000,
      cpuUtilization: utilizationOf(h) * 100, driverDomainCores: h.driverDomain / 1000, stealCores: h.steal / 1000,
      memory: {
        capacityMiB: host.memoryCapacityMiB, configuredMiB: h.configured, residentMiB: h.resident, sharedMiB: h.sharedMem,
        balloonedMiB: h.ballooned, swappedMiB: h.swapped, overcommitRatio: this.ramRatio(host),
      },
      io: { capacityIops: host.type.storage.iops, iopsDelivered: h.iops, iopsThrottled: h.iopsThrottled },
      network: { nicGbps: host.type.nic.gbps, nicMbps: h.nicMbps, sameHostMbps: h.sameHostMbps, crossAzMbps: h.crossAzMbps, internetMbps: h.internetMbps, sriov: host.type.nic.sriov },
      powerWatts: h.energy.watts, energyKWh: h.energy.energyKWh,
      guaranteeViolations: h.violations, lastGuaranteeViolationAt: h.lastViolationAt, migrationsOut: h.migrationsOut, migrationsIn: h.migrationsIn,
    };
  }

  /** Recomputes a host whose settings changed outside the fleet (its RAM ratio). */
  refreshHost(hostId: string): void {
    this.markDirty(hostId, true);
  }

  /** The open (not yet closed) metrics bucket of one series, integrated to now. */
  openBucket(kind: MetricKind, id: string): BucketSummary | undefined {
    const series = kind === 'vm' ? this.vms.get(id)?.series : kind === 'host' ? this.hostRts.get(id)?.series : this.fleetSeries;
    return series?.peek(this.now);
  }

  /** When the host last failed a VM's guarantee (for policies that avoid such hosts). */
  lastGuaranteeViolationAt(hostId: string): SimTime | null {
    return this.hostRts.get(hostId)?.lastViolationAt ?? null;
  }

  /**
   * Calls `listener` with a host's id after each recomputation of that host (its allocation,
   * demand or power may have changed): what a policy that watches utilization subscribes to,
   * instead of polling every host. A listener must not change the fleet synchronously (schedule an
   * engine action instead). Returns the unsubscribe.
   */
  onHostRecomputed(listener: (hostId: string) => void): () => void {
    this.recomputeListeners.push(listener);
    return () => {
      const i = this.recomputeListeners.indexOf(listener);
      if (i >= 0) this.recomputeListeners.splice(i, 1);
    };
  }

  /**
   * The CPU a host's VMs demand right now (what their workloads ask, whether or not it is
   * delivered), plus its driver domain's use, in millicores: demanded utilization's numerator.
   */
  hostCpuDemandMillicores(hostId: string): number {
    const h = this.hostRt(hostId);
    let demand = h.driverDomain;
    for (const vmId of h.host.vmIds) demand += this.vms.get(vmId)?.demand ?? 0;
    return demand;
  }

  /** The CPU a VM's workload demands right now (0 unless it runs), in millicores. */
  vmCpuDemandMillicores(vmId: string): number {
    return this.vms.get(vmId)?.demand ?? 0;
  }

  /** Each open metrics bucket so far (for a clean shutdown to persist). */
  openBuckets(): { kind: MetricKind; id: string; bucket: BucketSummary }[] {
    const out: { kind: MetricKind; id: string; bucket: BucketSummary }[] = [];
    const add = (kind: MetricKind, id: string, s: MetricSeries | null) => {
      const b = s?.peek(this.now);
      if (b) out.push({ kind, id, bucket: b });
    };
    for (const [id, rt] of this.vms) add('vm', id, rt.series);
    for (const [id, h] of this.hostRts) add('host', id, h.series);
    add('fleet', 'fleet', this.fleetSeries);
    return out;
  }

  /** State worth persisting that changed since the last call (credits, gp2 buckets, energy). */
  takeSnapshots(): DataPlaneSnapshots {
    const out: DataPlaneSnapshots = { vms: [], volumes: [], hosts: [] };
    for (const rt of this.snapVms) {
      if (!this.vms.has(rt.vm.vmId)) continue;
      this.settle(rt);
      this.settleTransfer(rt);
      const moved = rt.crossAzBytes > 0 || rt.internetBytes > 0;
      if (!rt.credit && !moved) continue;
      out.vms.push({
        vmId: rt.vm.vmId, credits: rt.credit ? rt.credit.snapshot() : undefined, useMillicores: rt.alloc,
        transfer: moved
          ? { crossAzBytes: rt.crossAzBytes, internetBytes: rt.internetBytes, crossAzMbps: rt.netCrossAz, internetMbps: rt.netInternet, asOfMs: rt.xferAt }
          : undefined,
      });
    }
    for (const v of this.snapVolumes) {
      if (!v.bucket || !this.volumes.has(v.def.volumeId)) continue;
      this.settleVolume(v);
      out.volumes.push({ volumeId: v.def.volumeId, burstCredits: v.bucket.balanceCredits, deliveredIops: v.delivered, asOfMs: this.now });
    }
    for (const h of this.snapHosts) {
      if (!this.hostRts.has(h.host.id)) continue;
      h.energy.advance(this.now);
      out.hosts.push({ hostId: h.host.id, energyJoules: h.energy.energyJoules, asOfMs: this.now });
    }
    for (const rt of this.snapVms) rt.snapPending = false;
    for (const v of this.snapVolumes) v.snapPending = false;
    for (const h of this.snapHosts) h.snapPending = false;
    this.snapVms.clear();
    this.snapVolumes.clear();
    this.snapHosts.clear();
    return out;
  }

  /**
   * Puts the state of a `takeSnapshots` whose write failed back among the changes, so that the next
   * call takes it again (with the values of that time).
   */
  requeueSnapshots(s: DataPlaneSnapshots): void {
    for (const v of s.vms) {
      const rt = this.vms.get(v.vmId);
      if (rt) this.snapVm(rt);
    }
    for (const v of s.volumes) {
      const vol = this.volumes.get(v.volumeId);
      if (vol && !vol.snapPending) {
        vol.snapPending = true;
        this.snapVolumes.add(vol);
      }
    }
    for (const x of s.hosts) {
      const h = this.hostRts.get(x.hostId);
      if (h && !h.snapPending) {
        h.snapPending = true;
        this.snapHosts.add(h);
      }
    }
  }

  /** Restores a host's metered energy (after a restart). */
  restoreEnergy(hostId: string, joules: number): void {
    const h = this.hostRt(hostId);
    h.energy.advance(this.now);
    this.fleetEnergyBase += (joules - h.energy.energyJoules) / 3_600_000;
    h.energy.restoreJoules(joules);
  }

  // ---- fleet events ----

  private observe(e: FleetEvent): void {
    switch (e.type) {
      case 'host.added':
        this.addHostRt(this.fleet.host(e.hostId)!);
        break;
      case 'host.removed': {
        const h = this.hostRts.get(e.hostId);
        if (h) {
          h.timerAt = Infinity;
          h.energy.advance(this.now);
          this.fleetEnergyBase -= h.energy.energyKWh - h.energy.watts * h.energy.now * KWH_PER_WATT_MS;
          this.fleetWatts -= h.energy.watts;
          this.addHostValues(h, -1);
          h.series?.end(this.now);
          this.hostRts.delete(e.hostId);
          h.removed = true;
          this.countHost(h, -1);
        }
        break;
      }
      case 'host.allocation-changed':
        this.markDirty(e.hostId, true);
        break;
      case 'host.state-changed':
        this.markDirty(e.hostId, true);
        const h = this.hostRts.get(e.hostId);
        if (h) {
          this.countHost(h, -1);
          h.countedState = h.host.state;
          this.countHost(h, +1);
        }
        break;
      case 'vm.state-changed':
        this.onVmState(e);
        break;
      case 'vm.status-changed':
        // A VM runs only while its status allows (a recovery's reboot ends with a status change and
        // nothing else): its host is recomputed.
        this.syncRt(this.vms.get(e.vmId));
        if (e.hostId !== null) this.markDirty(e.hostId, false);
        break;
      case 'vm.host-changed':
        this.onVmMoved(e.vmId, e.from, e.to);
        break;
      default:
        break;
    }
  }

  private onVmState(e: Extract<FleetEvent, { type: 'vm.state-changed' }>): void {
    const vm = this.fleet.vm(e.vmId);
    const known = this.vms.get(e.vmId);
    if (!known && vm && e.current === 'pending') {
      // A VM seen for the first time, just launched: its runtime is made by its host's recomputation
      // at this instant (as it would be here: a new one has nothing to settle), so that the runtimes
      // of a host's VMs are allocated together — recomputing a host then touches a few memory pages,
      // not one per VM (what dominates the cost at 100,000 VMs). (A burstable VM's credit snapshot
      // is then taken from that recomputation on.)
      this.markSendersDirty(e.vmId);
      if (e.hostId) this.markDirty(e.hostId, true);
      return;
    }
    const rt = known ?? (vm ? this.vmRt(vm) : undefined);
    if (!rt) return;
    this.syncRt(rt);
    this.settle(rt);
    if (rt.credit) {
      if (e.current === 'running') rt.credit.start(this.now);
      else if (e.previous === 'running') rt.credit.stop();
      this.snapVm(rt);
    }
    if (e.current === 'stopped' || e.current === 'terminated') {
      if (rt.vm.status !== 'ok' && vm) this.fleet.setVmStatus(e.vmId, 'ok', null);
      this.zeroVm(rt);
    }
    if (e.current === 'terminated') {
      rt.series?.end(this.now);
      rt.series = null;
      this.vms.delete(e.vmId);
      for (const sender of this.senders.get(e.vmId) ?? []) {
        const s = this.vms.get(sender);
        if (s) s.netTargets = null;
      }
      this.senders.delete(e.vmId);
      for (const f of rt.workload.network ?? []) this.senders.get(f.to)?.delete(e.vmId);
    }
    this.markSendersDirty(e.vmId);
    if (e.hostId) this.markDirty(e.hostId, true);
  }

  private onVmMoved(vmId: string, from: string | null, to: string): void {
    const rt = this.vms.get(vmId);
    this.syncRt(rt);
    if (rt) this.settle(rt);
    if (from) this.markDirty(from, true);
    this.markDirty(to, true);
    this.markSendersDirty(vmId);
  }

  private markSendersDirty(vmId: string): void {
    const s = this.senders.get(vmId);
    if (!s) return;
    for (const sender of s) {
      const srt = this.vms.get(sender);
      if (srt) srt.netKindsValid = false;
      const h = this.fleet.vm(sender)?.hostId;
      if (h) this.markDirty(h);
    }
  }

  // ---- recomputation ----

  /** Adds to `snapVms` (a set keeps its first insertion order, so skipping a second add changes nothing). */
  private snapVm(rt: VmRt): void {
    if (rt.snapPending) return;
    rt.snapPending = true;
    this.snapVms.add(rt);
  }

  private cpuBuffersFor(n: number): CpuBuffers {
    return (this.cpuBuffersBySize[n] ??= cpuBuffers(n));
  }

  private markDirty(hostId: string, memory = false): void {
    const h = this.hostRts.get(hostId);
    if (h) this.markRtDirty(h, memory);
  }

  private markRtDirty(h: HostRt, memory: boolean): void {
    if (memory) h.memoryDirty = h.membersStale = true;
    if (!h.dirty) {
      h.dirty = true;
      this.dirty.push(h);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      this.engine.schedule(this.now, () => this.flush());
    }
  }

  /** Recomputes every dirty host once, at this instant. */
  private flush(): void {
    this.flushScheduled = false;
    // Hosts may become dirty again while recomputing others (a migration completes, a sender's target moves): loop.
    while (this.dirty.length > 0) {
      const batch = this.dirty;
      this.dirty = this.dirtyBatch;
      this.dirtyBatch = batch;
      const chunk = this.flushChunk;
      let k = 0;
      for (let i = 0; i < batch.length; i++) {
        chunk[k++] = batch[i];
        if (k === FLUSH_CHUNK) {
          this.recomputeChunk(k);
          k = 0;
        }
      }
      if (k > 0) this.recomputeChunk(k);
      batch.length = 0;
    }
    this.setFleetSeries();
  }

  /**
   * Recomputes the first `k` hosts of `flushChunk`, in order. First, a loop that only reads each
   * host's VM runtimes: its loads are independent, so the processor fetches them from memory
   * together, and the recomputations that follow find them in cache (at 100,000 VMs the misses,
   * one runtime after another, were most of a recomputation's cost).
   */
  private recomputeChunk(k: number): void {
    const chunk = this.flushChunk;
    let touched = 0;
    for (let c = 0; c < k; c++) {
      const h = chunk[c]!;
      touched += h.values[HOST.instances];
      if (h.membersStale) continue;
      const rts = h.members;
      for (let i = 0; i < rts.length; i++) touched += rts[i].cursorNow;
    }
    this.prefetched = touched;
    for (let c = 0; c < k; c++) {
      const h = chunk[c]!;
      chunk[c] = null;
      // Marked clean first: a recomputation that changes its own host again queues it for the next round.
      h.dirty = false;
      // (A removed host is skipped; a host added since with the same id has a runtime of its own.)
      if (!h.removed) this.recompute(h);
    }
  }

  private recompute(h: HostRt): void {
    const now = this.now;
    const host = h.host;
    this.recomputes++;
    const failed = host.state === 'failed';
    const ddFailed = host.driverDomain === 'failed';

    // 1. Integrate what ran since the last event at the old rates, and step the workloads.
    if (h.membersStale) {
      h.membersStale = false;
      const members: VmRt[] = [];
      for (const vmId of host.vmIds) {
        const vm = this.fleet.vm(vmId);
        if (vm) members.push(this.vmRt(vm));
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
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      // Credits here; the volumes' buckets are settled by the IO step below, before their rates change.
      this.settleCredits(rt);
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
    }

    // 2. IO (§3.3): volumes of the running VMs, by mClock, under each instance's EBS cap and the host's path.
    h.iops = h.iopsThrottled = 0;
    if (anyIo) this.recomputeIo(h, rts, ddFailed);

    // 3. Network (§3.5): egress per VM under its type's cap; same-host flows bypass the NIC.
    h.nicMbps = h.sameHostMbps = h.crossAzMbps = h.internetMbps = 0;
    if (anyNet) this.recomputeNetwork(h, rts, ddFailed);

    // 4. The driver domain's CPU (§3.4) comes off the host's capacity (§3.1).
    const packetsPerSec = ((h.nicMbps + h.sameHostMbps) * 1e6) / (8 * PACKET_BYTES);
    h.driverDomain = failed || ddFailed ? 0 : hostDriverDomainMillicores(host.type, { iops: h.iops, packetsPerSec });
    if (failed) h.capacity = 0;
    else {
      // A function of the host type and the driver domain's use only: computed again when that changes.
      if (h.capacityForDriverDomain !== h.driverDomain) {
        h.capacityUp = hostCpuCapacityMillicores(host.type, { driverDomainMillicores: h.driverDomain });
        h.capacityForDriverDomain = h.driverDomain;
      }
      h.capacity = h.capacityUp;
    }

    // 5. Memory (§3.2): sharing, ballooning, swapping under pressure.
    if (h.memoryDirty) {
      h.memoryDirty = false;
      this.reclaim(h, rts);
    }

    // 6. CPU (§3.1): reservation, limit, shares; credits cap burstable VMs; auto-converge throttles.
    // Into buffers kept per VM count (no object per VM); fresh ones if a listener re-entered a recompute.
    const cpu = this.cpuBusy ? cpuBuffers(n) : this.cpuBuffersFor(n);
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
        this.snapVm(rt);
        const kink = rt.credit.timeUntilKinkMs(rt.alloc);
        if (kink < Infinity) next = Math.min(next, now + Math.max(1, kink));
        if (rt.credit.balanceMillicoreMs > 0) rt.creditsExhaustedNotified = false;
        else if (rt.credit.mode === 'standard' && rt.demand > rt.credit.baselineMillicores && !rt.creditsExhaustedNotified) this.creditsExhausted(rt);
      }
      if (rt.cursorNext < Infinity && rt.state === 'running') next = Math.min(next, Math.max(now + 1, rt.cursorNext));
      const vols = this.volumesOf(rt);
      if (vols)
        for (const v of vols) {
          if (!v.bucket) continue;
          const empty = v.bucket.timeUntilEmptyMs(v.delivered);
          if (empty < Infinity) next = Math.min(next, now + Math.max(1, empty));
          if (v.bucket.hasCredits) v.exhaustedNotified = false;
          else if (v.demanded > v.bucket.baselineIops && !v.exhaustedNotified) this.burstExhausted(v, rt);
        }
      this.recordVm(rt);
    }

    this.cpuBusy = false;

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
    this.fleetEnergyBase += h.energy.energyKWh - energyBefore - (h.energy.watts * now - wattsBefore * tBefore) * KWH_PER_WATT_MS;
    this.fleetWatts += h.energy.watts - wattsBefore;
    if (!h.snapPending) {
      h.snapPending = true;
      this.snapHosts.add(h);
    }
    this.recordHost(h, n);
    this.setTimer(h, next);
    for (let i = 0; i < this.recomputeListeners.length; i++) this.recomputeListeners[i](host.id);
  }

  /** Step 2 of `recompute`: the IO of the host's VMs (into their runtimes, volumes and `h.iops`). */
  private recomputeIo(h: HostRt, rts: readonly VmRt[], ddFailed: boolean): void {
    const host = h.host;
    const n = rts.length;
    let iops = 0;
    let iopsThrottled = 0;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      if (rt.ioSet) {
        rt.iopsDemanded = rt.iopsDelivered = rt.iopsThrottled = rt.mibps = 0;
        rt.ioSet = false;
      }
    }
    // The volumes in the division, and the VM of each (made on first use: most hosts have none).
    let ioVols: VolumeRt[] | null = null;
    let ioRts: VmRt[] | null = null;
    let ioDemanded = false;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const vols = this.volumesOf(rt);
      if (!vols || vols.length === 0) continue;
      const running = rt.state === 'running';
      rt.ioSet = true;
      for (const v of vols) {
        this.settleVolume(v);
        v.demanded = running ? v.wantIops : 0;
        v.demandedMiBps = running ? v.wantMiBps : 0;
        rt.iopsDemanded += v.demanded;
        if (!rt.active || ddFailed) {
          v.delivered = v.deliveredMiBps = 0;
          v.throttled = v.demanded;
          continue;
        }
        v.qosNow = v.qosFor(v.bucket ? v.bucket.hasCredits : true);
        if (ioVols === null) {
          ioVols = [];
          ioRts = [];
        }
        ioVols.push(v);
        ioRts!.push(rt);
        if (v.demanded !== 0 || v.demandedMiBps !== 0) ioDemanded = true;
      }
    }
    if (ioVols !== null) {
      // Nothing demanded: mClock would deliver and throttle nothing. Within every cap: each volume
      // gets what it asks, up to its own limit (what the division gives, without it).
      if (!ioDemanded) for (const v of ioVols) v.delivered = v.deliveredMiBps = v.throttled = 0;
      else if (!ioWithinCaps(host, ioVols, ioRts!)) this.divideIo(h, ioVols, ioRts!);
      for (const v of ioVols)
        if (v.bucket && !v.snapPending) {
          v.snapPending = true;
          this.snapVolumes.add(v);
        }
    }
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      const vols = this.volumesOf(rt);
      if (!vols) continue;
      rt.ioSet = true;
      for (const v of vols) {
        rt.iopsDelivered += v.delivered;
        rt.iopsThrottled += v.throttled;
        rt.mibps += v.deliveredMiBps;
      }
      iops += rt.iopsDelivered;
      iopsThrottled += rt.iopsThrottled;
    }
    h.iops = iops;
    h.iopsThrottled = iopsThrottled;
  }

  /** Step 3 of `recompute`: the network of the host's VMs (into their runtimes and the host's meters). */
  private recomputeNetwork(h: HostRt, rts: readonly VmRt[], ddFailed: boolean): void {
    const host = h.host;
    const n = rts.length;
    let netSenders: VmRt[] | null = null;
    let nicDemand = 0;
    let withinVmCaps = true;
    for (let i = 0; i < n; i++) {
      const rt = rts[i];
      if (rt.netSet) {
        this.settleTransfer(rt);
        rt.netOut = rt.netCrossAz = rt.netInternet = 0;
        rt.netSet = false;
      }
      // A VM whose flows all demand nothing is left out (water-filling gives a zero demand nothing,
      // and takes no share from any other).
      if (rt.netIdle || !rt.active) continue;
      if (ddFailed && !host.type.nic.sriov) continue;
      const sent = this.resolveFlows(rt, host);
      if (sent > rt.netCapMbps) withinVmCaps = false;
      nicDemand += rt.netNicDemand;
      if (netSenders === null) netSenders = [];
      netSenders.push(rt);
    }
    if (netSenders !== null) {
      // Within every VM's cap and the NIC, each flow gets its demand (integers: exactly what the
      // division gives); otherwise the division.
      if (withinVmCaps && nicDemand <= Math.floor(host.type.nic.gbps * 1000)) {
        for (const rt of netSenders) {
          const kinds = rt.netKind!;
          const demand = rt.netDemand!;
          for (let j = 0; j < kinds.length; j++) {
            const kind = kinds[j];
            const mbps = demand[j];
            if (kind === FLOW_SKIP || mbps === 0) continue;
            this.grantFlow(h, rt, kind, mbps);
          }
        }
      } else this.divideNetwork(h, netSenders);
    }
  }

  /** The mClock division (some cap binds), with the same inputs as last time giving the same result. */
  private divideIo(h: HostRt, vols: readonly VolumeRt[], rts: readonly VmRt[]): void {
    const m = vols.length;
    const demands = new Array<VolumeIoDemand>(m);
    for (let i = 0; i < m; i++) {
      const v = vols[i];
      const q = v.qosNow!;
      demands[i] = {
        id: v.id, instanceId: rts[i].id, demandIops: v.demanded, demandMiBps: v.demandedMiBps,
        reservationIops: q.reservationIops, limitIops: q.limitIops, limitMiBps: q.limitMiBps, weight: Math.max(1, q.weight),
      };
    }
    // allocateIo is a function of the demands and the instances' caps (the host's path is fixed).
    let io: IoAllocation;
    const memo = h.ioMemo;
    if (memo !== null && sameIoInputs(memo.demands, memo.rts, demands, rts)) io = memo.result;
    else {
      const caps = this.ioCaps;
      caps.clear();
      for (const rt of rts) if (!caps.has(rt.id)) caps.set(rt.id, ebsCaps(rt.type));
      io = allocateIo({ iops: h.host.type.storage.iops, mibps: h.host.type.storage.mibps }, demands, caps);
      h.ioMemo = { demands, rts, result: io };
    }
    for (let i = 0; i < m; i++) {
      const g = io.volumes[i]; // in the order of the demands
      const v = vols[i];
      v.delivered = g.deliveredIops;
      v.deliveredMiBps = g.deliveredMiBps;
      v.throttled = g.throttledIops;
    }
  }

  /**
   * Classifies the VM's flows for this recomputation into `netKind` (the receiver's state, host and
   * zone, from its runtime when it has one: the same values as its Vm's) and returns the Mbps it
   * demands in all; `netNicDemand` gets the part that leaves through the NIC.
   */
  private resolveFlows(rt: VmRt, host: Host): number {
    const kinds = rt.netKind!;
    const demand = rt.netDemand!;
    if (!rt.netKindsValid) this.classifyFlows(rt, host);
    let sent = 0;
    let nic = 0;
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[j];
      if (kind === FLOW_SKIP) continue;
      sent += demand[j];
      if (kind !== FLOW_SAME_HOST) nic += demand[j];
    }
    rt.netNicDemand = nic;
    return sent;
  }

  /**
   * Each flow's kind into `netKind`, valid until the sender's receivers or host change or a
   * receiver changes state or host (each of which clears `netKindsValid`: see `markSendersDirty`).
   */
  private classifyFlows(rt: VmRt, host: Host): void {
    const net = rt.network!;
    const kinds = rt.netKind!;
    const targets = rt.netTargets ?? (rt.netTargets = new Array<VmRt | null>(net.length).fill(null));
    for (let j = 0; j < net.length; j++) {
      const to = net[j].to;
      let kind: number;
      if (to === INTERNET) kind = FLOW_INTERNET;
      else {
        let receiver = targets[j];
        if (receiver === null) receiver = targets[j] = this.vms.get(to) ?? null;
        let state: InstanceStateName;
        let hostId: string | null;
        let zone: string | null;
        if (receiver !== null) {
          state = receiver.state;
          hostId = receiver.hostId;
          zone = receiver.zone;
        } else {
          const target = this.fleet.vm(to);
          state = target ? target.state : 'terminated';
          hostId = target ? target.hostId : null;
          zone = hostId === null ? null : this.fleet.host(hostId)!.availabilityZone;
        }
        if (state !== 'running' || hostId === null) kind = FLOW_SKIP;
        else if (hostId === host.id) kind = FLOW_SAME_HOST;
        else kind = zone !== host.availabilityZone ? FLOW_CROSS_AZ : FLOW_SAME_AZ;
      }
      kinds[j] = kind;
    }
    rt.netKindsValid = true;
  }

  /** Adds one flow's delivered Mbps to its sender and its host's meters. */
  private grantFlow(h: HostRt, rt: VmRt, kind: number, mbps: number): void {
    if (!rt.netSet) {
      rt.netSet = true;
      rt.xferAt = this.now;
    }
    rt.netOut += mbps;
    if (kind === FLOW_SAME_HOST) h.sameHostMbps += mbps;
    else h.nicMbps += mbps;
    if (kind === FLOW_CROSS_AZ) {
      rt.netCrossAz += mbps;
      h.crossAzMbps += mbps;
    } else if (kind === FLOW_INTERNET) {
      rt.netInternet += mbps;
      h.internetMbps += mbps;
    }
  }

  /** The max-min division of §3.5 (a VM's cap or the NIC binds). */
  private divideNetwork(h: HostRt, senders: readonly VmRt[]): void {
    const flows: NetworkFlow[] = [];
    const flowSenders: VmRt[] = [];
    const kindOf: number[] = [];
    const caps = this.netCaps;
    caps.clear();
    for (const rt of senders) {
      caps.set(rt.id, rt.netCapMbps);
      const net = rt.network!;
      const kinds = rt.netKind!;
      for (let j = 0; j < net.length; j++) {
        const kind = kinds[j];
        if (kind === FLOW_SKIP) continue;
        flows.push({
          id: `${rt.id}>${net[j].to}`, fromVm: rt.id, toVm: net[j].to, demandMbps: rt.netDemand![j],
          sameHost: kind === FLOW_SAME_HOST, crossAz: kind === FLOW_CROSS_AZ,
        });
        flowSenders.push(rt);
        kindOf.push(kind);
      }
    }
    const net = allocateNetwork(h.host.type.nic.gbps, flows, caps);
    for (let i = 0; i < flows.length; i++) {
      const mbps = net.flows[i].deliveredMbps;
      if (mbps !== 0) this.grantFlow(h, flowSenders[i], kindOf[i], mbps);
    }
  }

  private reclaim(h: HostRt, rts: VmRt[]): void {
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
      h.sharedMem = h.ballooned = h.swapped = 0;
      return;
    }
    const r = reclaimMemory({ hostMemoryMiB: capacity, overcommitRatio: Math.max(1, this.ramRatio(host)), vms: members });
    for (let i = 0; i < holders.length; i++) {
      const s = r.vms[i];
      const rt = holders[i];
      rt.resident = s.residentMiB;
      rt.shared = s.sharedMiB;
      rt.ballooned = s.balloonedMiB;
      rt.swapped = s.swappedMiB;
      rt.slowdown = s.slowdownFactor;
    }
    h.resident = r.host.residentMiB;
    h.sharedMem = r.host.sharedMiB;
    h.ballooned = r.host.balloonedMiB;
    h.swapped = r.host.swappedMiB;
  }

  private setViolated(rt: VmRt, h: HostRt, violated: boolean): void {
    if (violated === rt.violated) return;
    if (violated) {
      rt.violatedSince = this.now;
      h.lastViolationAt = this.now;
      this.fleet.notice({
        kind: 'vm.guarantee-violated', hostId: h.host.id, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
        detail: {
          demandCores: rt.cursorNow / 1000, allocatedCores: rt.alloc / 1000, reservedCores: rt.vm.cpu.reservationMillicores / 1000, status: rt.vm.status,
          swappedMiB: rt.swapped,
        },
      });
    } else {
      rt.violationMs += this.now - rt.violatedSince;
      // The end of a violation is an event too: metering credits violations by their duration.
      this.fleet.notice({ kind: 'vm.guarantee-restored', hostId: h.host.id, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId, detail: { violatedMs: this.now - rt.violatedSince } });
    }
    rt.violated = violated;
  }

  private creditsExhausted(rt: VmRt): void {
    rt.creditsExhaustedNotified = true;
    this.fleet.notice({
      kind: 'vm.cpu-credits-exhausted', hostId: rt.vm.hostId ?? undefined, vmId: rt.vm.vmId, tenantId: rt.vm.tenantId,
      detail: { baselineCores: rt.credit!.baselineMillicores / 1000, demandCores: rt.demand / 1000 },
    });
  }

  private burstExhausted(v: VolumeRt, rt: VmRt): void {
    v.exhaustedNotified = true;
    this.fleet.notice({
      kind: 'volume.burst-credits-exhausted', vmId: rt.vm.vmId, tenantId: rt.vm.tenantId, hostId: rt.vm.hostId ?? undefined,
      detail: { volumeId: v.def.volumeId, baselineIops: v.bucket!.baselineIops },
    });
  }

  private setTimer(h: HostRt, at: number): void {
    if (at === h.timerAt) return;
    // A host leaving a group stays in its list: the group skips it (its timerAt no longer matches).
    h.timerAt = at;
    if (at === Infinity) return;
    let g = this.timerGroups.get(at);
    if (!g) {
      const hosts: HostRt[] = [];
      g = { hosts, action: this.engine.schedule(at, () => this.fireTimers(at, hosts)) };
      this.timerGroups.set(at, g);
    }
    g.hosts.push(h);
  }

  /** The hosts due at `at`: each one still due then is recomputed (at this instant, with the others). */
  private fireTimers(at: number, hosts: readonly HostRt[]): void {
    this.timerGroups.delete(at);
    for (const h of hosts)
      if (h.timerAt === at && !h.removed) {
        h.timerAt = Infinity;
        this.markRtDirty(h, false);
      }
  }

  /** Integrates a VM's credits (and its volumes' buckets) at its current rates up to now. */
  private settle(rt: VmRt): void {
    this.settleCredits(rt);
    const vols = this.volumesOf(rt);
    if (vols) for (const v of vols) this.settleVolume(v);
  }

  /**
   * Adds the metered egress since `xferAt` at the current rates (constant between recomputations),
   * and marks the VM for a snapshot when it moved. Called before the rates change.
   */
  private settleTransfer(rt: VmRt): void {
    const dt = this.now - rt.xferAt;
    rt.xferAt = this.now;
    if (dt <= 0 || (rt.netCrossAz === 0 && rt.netInternet === 0)) return;
    rt.crossAzBytes += bytesTransferred(rt.netCrossAz, dt);
    rt.internetBytes += bytesTransferred(rt.netInternet, dt);
    this.snapVm(rt);
  }

  private settleCredits(rt: VmRt): void {
    const c = rt.credit;
    if (c && c.now < this.now) {
      // Past a standard-mode exhaustion the use is held at the baseline (the host's event recomputes it).
      c.carry(this.now, c.stopped ? 0 : rt.alloc);
    }
  }

  /** The VM's attached volumes, in attachment order; null when it never had one. */
  private volumesOf(rt: VmRt): VolumeRt[] | null {
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

  private settleVolume(v: VolumeRt): void {
    const b = v.bucket;
    if (b !== null && b.now < this.now) v.delivered = b.carry(this.now, v.delivered);
  }

  private zeroVm(rt: VmRt): void {
    rt.demand = rt.alloc = rt.steal = 0;
    rt.resident = rt.shared = rt.ballooned = rt.swapped = 0;
    rt.slowdown = 1;
    rt.iopsDemanded = rt.iopsDelivered = rt.iopsThrottled = rt.mibps = 0;
    this.settleTransfer(rt);
    rt.netOut = rt.netCrossAz = rt.netInternet = 0;
    rt.netSet = false;
    if (rt.violated) rt.violationMs += this.now - rt.violatedSince;
    rt.violated = false;
    const vols = this.volumesOf(rt);
    if (vols) for (const v of vols) {
      this.settleVolume(v);
      v.delivered = v.deliveredMiBps = v.demanded = v.throttled = 0;
    }
    this.recordVm(rt);
  }

  // ---- metrics ----

  private recordVm(rt: VmRt): void {
    if (!this.onBucket || !this.vmMetrics) return;
    // Into scratch arrays first (no arrays per call); kept only if something changed.
    const next = this.vmNext;
    const slopes = this.vmSlopes;
    const vcpus = rt.type.vcpus;
    next[VM.cpuDemandCores] = rt.demand / 1000;
    next[VM.cpuCores] = rt.alloc / 1000;
    next[VM.cpuUtilization] = (rt.alloc / (vcpus * 1000)) * 100;
    next[VM.stealCores] = rt.steal / 1000;
    next[VM.creditBalance] = 0;
    next[VM.surplusCredits] = 0;
    next[VM.memoryResidentMiB] = rt.resident;
    next[VM.memorySharedMiB] = rt.shared;
    next[VM.memoryBalloonedMiB] = rt.ballooned;
    next[VM.memorySwappedMiB] = rt.swapped;
    next[VM.iopsDemanded] = rt.iopsDemanded;
    next[VM.iopsDelivered] = rt.iopsDelivered;
    next[VM.iopsThrottled] = rt.iopsThrottled;
    next[VM.throughputMiBps] = rt.mibps;
    next[VM.networkOutMbps] = rt.netOut;
    next[VM.swapSlowdown] = rt.slowdown;
    next[VM.guaranteeViolated] = rt.violated ? 1 : 0;
    next[VM.migrating] = rt.migration ? 1 : 0;
    next[VM.paused] = rt.migration?.phase === 'stop-and-copy' ? 1 : 0;
    next[VM.impaired] = rt.status === 'ok' ? 0 : 1;
    slopes.fill(0);
    const c = rt.credit;
    if (c) {
      const b = c.balanceMillicoreMs;
      const slope = c.balanceSlope(rt.alloc);
      next[VM.creditBalance] = Math.max(0, b) / MILLICORE_MS_PER_CREDIT;
      next[VM.surplusCredits] = Math.max(0, -b) / MILLICORE_MS_PER_CREDIT;
      if (b > 0 || (b === 0 && slope > 0)) slopes[VM.creditBalance] = slope / MILLICORE_MS_PER_CREDIT;
      if (b < 0 || (b === 0 && slope < 0)) slopes[VM.surplusCredits] = -slope / MILLICORE_MS_PER_CREDIT;
    }
    let v = rt.values;
    let s = rt.slopes;
    let changed = !rt.series || !v || !s;
    for (let i = 0; i < next.length && !changed; i++) if (next[i] !== v![i] || slopes[i] !== s![i]) changed = true;
    if (!changed) return;
    if (!v || !s) {
      v = rt.values = new Array<number>(VM_METRICS.length).fill(0);
      s = rt.slopes = new Array<number>(VM_METRICS.length).fill(0);
    }
    for (let i = 0; i < next.length; i++) {
      v[i] = next[i];
      s[i] = slopes[i];
    }
    if (!rt.series) {
      const sink = this.onBucket;
      const id = rt.vm.vmId;
      rt.series = new MetricSeries(VM_METRICS.length, this.periodMs, this.now, (b) => sink('vm', id, b));
    }
    rt.series.set(this.now, v, s);
  }

  private recordHost(h: HostRt, instances: number): void {
    this.addHostValues(h, -1);
    // In HOST_METRICS order, straight into the values (no array per call); energyKWh moves at its slope.
    const v = h.values;
    const host = h.host;
    let changed = !h.series;
    changed = put(v, HOST.cpuCapacityCores, h.capacity / 1000) || changed;
    changed = put(v, HOST.cpuAllocatedCores, h.allocated / 1000) || changed;
    changed = put(v, HOST.cpuUtilization, utilizationOf(h) * 100) || changed;
    changed = put(v, HOST.driverDomainCores, h.driverDomain / 1000) || changed;
    changed = put(v, HOST.stealCores, h.steal / 1000) || changed;
    changed = put(v, HOST.memoryCapacityMiB, host.memoryCapacityMiB) || changed;
    changed = put(v, HOST.memoryConfiguredMiB, h.configured) || changed;
    changed = put(v, HOST.memoryResidentMiB, h.resident) || changed;
    changed = put(v, HOST.memorySharedMiB, h.sharedMem) || changed;
    changed = put(v, HOST.memoryBalloonedMiB, h.ballooned) || changed;
    changed = put(v, HOST.memorySwappedMiB, h.swapped) || changed;
    changed = put(v, HOST.iopsDelivered, h.iops) || changed;
    changed = put(v, HOST.iopsThrottled, h.iopsThrottled) || changed;
    changed = put(v, HOST.nicMbps, h.nicMbps) || changed;
    changed = put(v, HOST.crossAzMbps, h.crossAzMbps) || changed;
    changed = put(v, HOST.internetMbps, h.internetMbps) || changed;
    changed = put(v, HOST.powerWatts, h.energy.watts) || changed;
    v[HOST.energyKWh] = h.energy.energyKWh;
    changed = put(v, HOST.instances, instances) || changed;
    changed = put(v, HOST.guaranteeViolations, h.violations) || changed;
    changed = put(v, HOST.failed, host.state === 'failed' ? 1 : 0) || changed;
    const slope = h.energy.watts * KWH_PER_WATT_MS;
    if (slope !== h.slopes[HOST.energyKWh]) changed = true;
    h.slopes[HOST.energyKWh] = slope;
    this.addHostValues(h, +1);
    if (!this.onBucket || !changed) return;
    if (!h.series) {
      const sink = this.onBucket;
      const id = h.host.id;
      h.series = new MetricSeries(HOST_METRICS.length, this.periodMs, this.now, (b) => sink('host', id, b));
    }
    h.series.set(this.now, h.values, h.slopes);
  }

  /** Adds (or removes) one host's contribution to the fleet's totals. */
  private addHostValues(h: HostRt, sign: 1 | -1): void {
    const f = this.fleetValues;
    const v = h.values;
    this.fleetInstances += sign * v[HOST.instances];
    f[FLEET.cpuCapacityCores] += sign * v[HOST.cpuCapacityCores];
    f[FLEET.cpuAllocatedCores] += sign * v[HOST.cpuAllocatedCores];
    f[FLEET.memoryCapacityMiB] += sign * v[HOST.memoryCapacityMiB];
    f[FLEET.memoryConfiguredMiB] += sign * v[HOST.memoryConfiguredMiB];
    f[FLEET.memoryResidentMiB] += sign * v[HOST.memoryResidentMiB];
    f[FLEET.memorySwappedMiB] += sign * v[HOST.memorySwappedMiB];
    f[FLEET.guaranteeViolations] += sign * v[HOST.guaranteeViolations];
    f[FLEET.crossAzMbps] += sign * v[HOST.crossAzMbps];
    f[FLEET.internetMbps] += sign * v[HOST.internetMbps];
  }

  /** Adds (or removes) a host in the fleet's host counts, by the state it was counted in. O(1) per host event. */
  private countHost(h: HostRt, sign: 1 | -1): void {
    const f = this.fleetValues;
    f[FLEET.hosts] += sign;
    if (h.countedState === 'available') f[FLEET.hostsAvailable] += sign;
    if (h.countedState === 'failed') f[FLEET.hostsFailed] += sign;
  }

  private setFleetSeries(): void {
    const f = this.fleetValues;
    f[FLEET.instancesRunning] = this.fleetInstances;
    f[FLEET.cpuUtilization] = f[FLEET.cpuCapacityCores] > 0 ? (100 * f[FLEET.cpuAllocatedCores]) / f[FLEET.cpuCapacityCores] : 0;
    f[FLEET.powerWatts] = this.fleetWatts;
    f[FLEET.energyKWh] = this.fleetEnergyBase + this.fleetWatts * this.now * KWH_PER_WATT_MS;
    this.fleetSlopes[FLEET.energyKWh] = this.fleetWatts * KWH_PER_WATT_MS;
    this.fleetSeries?.set(this.now, f, this.fleetSlopes);
  }

  /** The fleet's current totals, by FLEET_METRICS name. */
  fleetTotals(): Record<string, number> {
    this.setFleetSeriesValuesOnly();
    return Object.fromEntries(FLEET_METRICS.map((name, i) => [name, this.fleetValues[i]]));
  }

  private setFleetSeriesValuesOnly(): void {
    const f = this.fleetValues;
    f[FLEET.powerWatts] = this.fleetWatts;
    f[FLEET.energyKWh] = this.fleetEnergyBase + this.fleetWatts * this.now * KWH_PER_WATT_MS;
    f[FLEET.cpuUtilization] = f[FLEET.cpuCapacityCores] > 0 ? (100 * f[FLEET.cpuAllocatedCores]) / f[FLEET.cpuCapacityCores] : 0;
  }

  // ---- internals ----

  private applyWorkload(rt: VmRt, w: Workload, setAtMs: SimTime, cpuChanged = true): void {
    // The receivers' sets of senders change only with the receivers (not with the rates).
    const receiversChanged = !sameReceivers(rt.workload.network, w.network);
    if (receiversChanged) for (const f of rt.workload.network ?? []) this.senders.get(f.to)?.delete(rt.id);
    const ioChanged = w.io !== rt.workload.io;
    rt.setWorkload(w);
    if (ioChanged) this.syncWants(rt);
    if (receiversChanged)
      for (const f of w.network ?? []) {
        if (f.to === INTERNET) continue;
        let s = this.senders.get(f.to);
        if (!s) this.senders.set(f.to, (s = new Set()));
        s.add(rt.id);
      }
    if (cpuChanged) {
      rt.cursor = w.cpu ? new CpuDemandCursor(w.cpu, setAtMs, rt.type.vcpus) : null;
      if (rt.cursor && setAtMs < this.now) rt.cursor.advanceTo(this.now);
      rt.syncCursor();
      rt.trace = rt.cursor ? rt.cursor.trace : null;
    }
  }

  /** Copies what the VM's workload asks of each of its volumes onto the volume (after the workload or the attachments changed). */
  private syncWants(rt: VmRt): void {
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
  private syncRt(rt: VmRt | undefined): void {
    if (!rt) return;
    const hostBefore = rt.hostId;
    rt.sync();
    if (rt.hostId !== hostBefore) {
      rt.zone = rt.hostId === null ? null : (this.fleet.host(rt.hostId)?.availabilityZone ?? null);
      rt.netKindsValid = false;
    }
  }

  private vmRt(vm: Vm): VmRt {
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

  private newCreditAccount(vm: Vm, mode: CreditMode): CreditAccount {
    return new CreditAccount({ vcpus: vm.instanceType.vcpus, baselinePerVcpu: vm.instanceType.baselinePerVcpu!, mode, startMs: this.now });
  }

  private addHostRt(host: Host): void {
    if (this.hostRts.has(host.id)) return;
    const energy = new EnergyMeter(host.type.powerWatts, this.now, 0, host.state !== 'failed' && host.state !== 'off');
    const h = new HostRt(host, energy);
    this.hostRts.set(host.id, h);
    h.countedState = host.state;
    this.countHost(h, +1);
    this.fleetEnergyBase -= energy.watts * this.now * KWH_PER_WATT_MS;
    this.fleetWatts += energy.watts;
    this.markDirty(host.id, true);
  }

  private hostRt(hostId: string): HostRt {
    const h = this.hostRts.get(hostId);
    if (!h) throw new NotFound('InvalidHostID.NotFound', `host '${hostId}' does not exist`);
    return h;
  }

  private requireHost(hostId: string): Host {
    return this.hostRt(hostId).host;
  }

  private requireVm(vmId: string): Vm {
    const vm = this.fleet.vm(vmId);
    if (!vm) throw new NotFound('InvalidInstanceID.NotFound', `The instance ID '${vmId}' does not exist`);
    return vm;
  }

  private requireVolume(volumeId: string): VolumeRt {
    const v = this.volumes.get(volumeId);
    if (!v) throw new NotFound('InvalidVolume.NotFound', `The volume '${volumeId}' does not exist.`);
    return v;
  }
}

/** A flow's kind in a recomputation (`VmRt.netKind`). */
const FLOW_SKIP = 0; // its receiver is not running
const FLOW_SAME_HOST = 1;
const FLOW_SAME_AZ = 2;
const FLOW_CROSS_AZ = 3;
const FLOW_INTERNET = 4;

/** Margin under a capacity within which the uncontended shortcut applies (the division's tolerance). */
const IO_FIT_MARGIN = 1e-9;

/**
 * When every instance's volumes fit within its EBS cap and all of them within the host's storage
 * path, mClock gives each volume its upper bound (its demand, within its own IOPS and MiB/s limit):
 * sets that, and returns true. Otherwise (some cap binds) returns false, changing nothing but the
 * volumes' scratch fields. The test is the division's own: Σ upper × cost ≤ 1 in the normalised
 * cost of an IO, max(1/IOPS, size/MiB/s), at each stage.
 */
function ioWithinCaps(host: Host, vols: readonly VolumeRt[], rts: readonly VmRt[]): boolean {
  const hostIops = host.type.storage.iops;
  const hostMiBps = host.type.storage.mibps;
  if (!(hostIops > 0) || !(hostMiBps > 0)) return false;
  const m = vols.length;
  let hostCost = 0;
  for (let i = 0; i < m; ) {
    const rt = rts[i];
    const capIops = rt.type.ebs.burstIops;
    const capMiBps = (rt.type.ebs.burstMbps * 1e6) / 8 / (1024 * 1024);
    if (!(capIops > 0) || !(capMiBps > 0)) return false;
    let cost = 0;
    for (; i < m && rts[i] === rt; i++) {
      const v = vols[i];
      const q = v.qosNow!;
      const size = v.demanded > 0 ? v.demandedMiBps / v.demanded : 0;
      const upper = Math.min(v.demanded, q.limitIops, size > 0 ? q.limitMiBps / size : Infinity);
      v.ioSize = size;
      v.ioUpper = upper;
      if (upper > 0) {
        cost += upper * Math.max(1 / capIops, size / capMiBps);
        hostCost += upper * Math.max(1 / hostIops, size / hostMiBps);
      }
    }
    if (!(cost <= 1 - IO_FIT_MARGIN)) return false;
  }
  if (!(hostCost <= 1 - IO_FIT_MARGIN)) return false;
  for (let i = 0; i < m; i++) {
    const v = vols[i];
    v.delivered = v.ioUpper;
    v.deliveredMiBps = v.demanded > 0 ? v.ioUpper * v.ioSize : 0;
    v.throttled = v.demanded - v.ioUpper;
  }
  return true;
}

/** An instance's EBS bandwidth as the IO division's cap. */
function ebsCaps(t: InstanceType): IoCapacity {
  return { iops: t.ebs.burstIops, mibps: (t.ebs.burstMbps * 1e6) / 8 / (1024 * 1024) };
}

/**
 * The same IO division inputs: every demand's fields equal, and each demand's instance has the
 * same type (so the same caps; the host's storage path is fixed).
 */
function sameIoInputs(demandsBefore: readonly VolumeIoDemand[], rtsBefore: readonly VmRt[], demands: readonly VolumeIoDemand[], rts: readonly VmRt[]): boolean {
  if (demandsBefore.length !== demands.length) return false;
  for (let i = 0; i < demands.length; i++) {
    const a = demandsBefore[i];
    const b = demands[i];
    if (a.id !== b.id || a.instanceId !== b.instanceId || a.demandIops !== b.demandIops || a.demandMiBps !== b.demandMiBps) return false;
    if (a.reservationIops !== b.reservationIops || a.limitIops !== b.limitIops || a.limitMiBps !== b.limitMiBps || a.weight !== b.weight) return false;
    if (rtsBefore[i].type !== rts[i].type) return false;
  }
  return true;
}

/** The same receivers, flow by flow (the resolved runtimes of one are those of the other). */
function sameReceivers(a: readonly NetworkWorkload[] | undefined, b: readonly NetworkWorkload[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].to !== b[i].to) return false;
  return true;
}

/** Sets a metric value; true iff it changed. */
function put(values: number[], i: number, x: number): boolean {
  const changed = x !== values[i];
  values[i] = x;
  return changed;
}

/** The VM's host failed under it, or it is rebooting on new hardware (recovery). */
function isDown(rt: VmRt): boolean {
  return rt.statusReason === 'host-failure' || rt.statusReason === 'recovering';
}

/** The last IO entry for a volume (what a Map built from the entries would hold). */
function findLast(io: readonly IoWorkload[], volumeId: string): IoWorkload | undefined {
  for (let i = io.length - 1; i >= 0; i--) if (io[i].volumeId === volumeId) return io[i];
  return undefined;
}

/** Host CPU in use (VMs and the driver domain) as a fraction of its hardware threads. */
function utilizationOf(h: HostRt): number {
  const threads = h.host.threads * 1000;
  return threads > 0 ? (h.allocated + h.driverDomain) / threads : 0;
}

function planDetail(plan: PreCopyPlan) {
  return {
    rounds: plan.rounds.length, converged: plan.converged, stopReason: plan.stopReason, downtimeMs: plan.downtimeMs,
    totalMs: plan.totalMs, transferredMiB: Math.round(plan.transferredMiB), finalThrottlePercent: plan.finalThrottlePercent,
  };
}

