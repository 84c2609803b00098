import { InstanceType } from '../catalog/instance-types';
import { Scheduled } from '../engine/engine';
import { SimTime } from '../engine/sim-time';
import { Host, HostState } from '../fleet/host';
import { CpuParams, InstanceStateName, InstanceStatus, Vm } from '../fleet/vm';
import { CreditAccount } from '../vmm/cpu/credit-account';
import { IO_REQUEST_METERED_TYPES, volumeQos, VolumeQos } from '../vmm/io/ebs-volume';
import { Gp2Bucket } from '../vmm/io/gp2-bucket';
import { HddBucket } from '../vmm/io/hdd-bucket';
import { IoAllocation, VolumeIoDemand } from '../vmm/io/mclock.scheduler';
import { MetricSeries } from '../vmm/metrics';
import { PreCopyPlan } from '../vmm/migration/pre-copy.planner';
import { EnergyMeter } from '../vmm/power/power-model';
import { CpuDemandCursor, TraceShape } from '../vmm/workload/cpu-demand';
import { IoWorkload, NetworkWorkload, Workload } from '../vmm/workload/workload';
import { HOST_METRICS } from './metric-fields';
import { VolumeDefinition } from './types';

/**
 * The data plane's runtime state, one object per VM, volume and host: what a recomputation reads
 * and writes, laid out for it (the fields it reads together come first). The maps that hold them
 * are in `DataPlaneState` (state.ts).
 */

export interface Migration {
  readonly targetHostId: string;
  readonly reason: string;
  readonly startedAt: SimTime;
  readonly plan: PreCopyPlan;
  phase: 'pre-copy' | 'stop-and-copy';
  round: number;
  throttlePercent: number;
  timer: Scheduled | null;
}

export class VmRt {
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
  /** `DataPlaneState.vmVolumes`' set for this VM (the same object), or null while it has none: saves a lookup per use. */
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
  /** `netKind` holds each flow's kind as of now (see `NetworkStep.classifyFlows`). */
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
  /** `workload.privileged`'s operations per second per core of CPU run (0: none). */
  privOps = 0;
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
  type!: InstanceType;
  cpu!: CpuParams;
  /** The type's network bandwidth cap, whole Mbps. */
  netCapMbps!: number;
  status!: InstanceStatus;
  hostId!: string | null;
  constructor(readonly vm: Vm) {
    this.id = vm.vmId;
    this.retype();
    this.sync();
  }

  /** Copies the VM's type and CPU parameters (at construction, and when a stopped VM's type changed). */
  retype(): void {
    const vm = this.vm;
    this.type = vm.instanceType;
    this.cpu = vm.cpu;
    this.netCapMbps = Math.floor(vm.instanceType.network.burstGbps * 1000);
    this.reservationMillicores = vm.cpu.reservationMillicores;
    this.limitMillicores = vm.cpu.limitMillicores;
    this.weight = vm.cpu.weight;
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
    this.privOps = w.privileged?.opsPerSecPerCore ?? 0;
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

export class VolumeRt {
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
  /** Its I/O requests are counted (IO_REQUEST_METERED_TYPES: Magnetic volumes, billed per million). */
  readonly ioMetered: boolean;
  /**
   * The I/O requests it served, as Σ delivered IOPS × ms (requests × 1,000: exact for whole IOPS),
   * integrated up to `ioAt` (`DataPlaneState.settleVolume`); counted only when `ioMetered`.
   */
  ioIopsMs = 0;
  ioAt: SimTime = 0;
  readonly id: string;
  constructor(
    readonly def: VolumeDefinition,
    /** gp2's I/O credits or st1/sc1's throughput credits; none for other types. */
    readonly bucket: Gp2Bucket | HddBucket | null,
  ) {
    this.id = def.volumeId;
    this.ioMetered = IO_REQUEST_METERED_TYPES.includes(def.spec.type);
  }

  /** The rate its bucket is spent at now (gp2: IOPS; st1/sc1: MiB/s of credit, every I/O at least 1 MiB). */
  creditRate(): number {
    const b = this.bucket!;
    return b.kind === 'gp2' ? this.delivered : b.creditRate(this.delivered, this.deliveredMiBps);
  }

  /** What its demand would spend, in the same unit (for the notice that the bucket is empty while more is asked). */
  demandedCreditRate(): number {
    return this.bucket!.kind === 'gp2' ? this.demanded : Math.max(this.demandedMiBps, this.demanded);
  }

  qosFor(hasCredits: boolean): VolumeQos {
    if (this.qos === null || this.qosCredits !== hasCredits) {
      this.qos = volumeQos(this.def.spec, hasCredits);
      this.qosCredits = hasCredits;
    }
    return this.qos;
  }
}

export class HostRt {
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
  /** VMs with any memory swapped out. */
  swappedVms = 0;
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
  /** … and for the guests' privileged operations per second per hardware thread. */
  capacityForPrivOps = 0;
  series: MetricSeries | null = null;
  readonly values: number[] = new Array<number>(HOST_METRICS.length).fill(0);
  readonly slopes: number[] = new Array<number>(HOST_METRICS.length).fill(0);
  constructor(
    readonly host: Host,
    readonly energy: EnergyMeter,
  ) {}
}

export const KWH_PER_WATT_MS = 1 / 3_600_000_000;

/** The same receivers, flow by flow (the resolved runtimes of one are those of the other). */
export function sameReceivers(a: readonly NetworkWorkload[] | undefined, b: readonly NetworkWorkload[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].to !== b[i].to) return false;
  return true;
}

/** The VM's host failed under it, or it is rebooting on new hardware (recovery). */
export function isDown(rt: VmRt): boolean {
  return rt.statusReason === 'host-failure' || rt.statusReason === 'recovering';
}

/** The last IO entry for a volume (what a Map built from the entries would hold). */
export function findLast(io: readonly IoWorkload[], volumeId: string): IoWorkload | undefined {
  for (let i = io.length - 1; i >= 0; i--) if (io[i].volumeId === volumeId) return io[i];
  return undefined;
}

/** Host CPU in use (VMs and the driver domain) as a fraction of its hardware threads. */
export function utilizationOf(h: HostRt): number {
  const threads = h.host.threads * 1000;
  return threads > 0 ? (h.allocated + h.driverDomain) / threads : 0;
}
