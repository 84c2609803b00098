import { SimTime } from '../engine/sim-time';
import { Host } from '../fleet/host';
import { CreditMode, CreditSnapshot } from '../vmm/cpu/credit-account';
import { VolumeSpec } from '../vmm/io/ebs-volume';
import { BucketSummary } from '../vmm/metrics';
import { Workload } from '../vmm/workload/workload';
import { MetricKind } from './metric-fields';

// The data plane's public types: its options, what it is given (volumes, a VM's runtime after a
// restart), and what it hands out (snapshots, views). Exported through data-plane.ts.

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
  /**
   * Content-based page sharing under memory pressure (docs/model.md §3.2), default on. Off, the
   * reclaimer shares nothing and goes straight to ballooning and swapping.
   */
  readonly pageSharing?: boolean;
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
  /** gp2: the bucket's balance in I/O credits, st1/sc1: in MiB of throughput credit, at `asOfMs` (a restored volume); full when omitted. */
  readonly burstCredits?: number;
  readonly asOfMs?: SimTime;
  /**
   * A metered (standard) volume: its I/O requests × 1,000 (Σ delivered IOPS × ms) at `asOfMs`, and
   * the IOPS it was delivering then, which held until `asOfMs` of the next snapshot (none was
   * written, so they held until now): the count is carried forward at that rate.
   */
  readonly ioIopsMs?: number;
  readonly deliveredIops?: number;
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

/** What a VM sent that is billed as data transfer (docs/model.md §5), in bytes since it was launched. */
export interface DataTransfer {
  readonly crossAzBytes: number;
  readonly internetBytes: number;
}

export interface VolumeSnapshot {
  readonly volumeId: string;
  readonly tenantId: string;
  readonly availabilityZone: string;
  /** gp2, st1, sc1: the bucket's balance. */
  readonly burstCredits?: number;
  readonly deliveredIops: number;
  readonly asOfMs: SimTime;
  /** Metered (standard) volumes: I/O requests × 1,000 since creation (Σ delivered IOPS × ms). */
  readonly ioIopsMs?: number;
}

/** A metered (standard) volume's I/O request count now: requests × 1,000 (Σ delivered IOPS × ms). */
export interface VolumeIoCounter {
  readonly volumeId: string;
  readonly tenantId: string;
  readonly availabilityZone: string;
  readonly ioIopsMs: number;
}

/** The data plane's state worth persisting, taken since the last call. */
export interface DataPlaneSnapshots {
  /** `credits` for burstable VMs; `transfer` for VMs whose metered egress changed. */
  readonly vms: { readonly vmId: string; readonly credits?: CreditSnapshot; readonly useMillicores: number; readonly transfer?: TransferSnapshot }[];
  /**
   * Volumes with a bucket (`burstCredits`) or a metered I/O request count (`ioIopsMs`, standard
   * volumes; also in the snapshot taken as such a volume is deleted, so its last requests are metered).
   */
  readonly volumes: readonly VolumeSnapshot[];
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
