/**
 * A scenario (docs/scenarios.md): a versioned JSON document that says what an offline run
 * simulates: the fleet, the instance types on sale, the tenants and their workloads, the policies,
 * the faults, how long, with which seed, and which results to keep. `SCENARIO_SCHEMA` is its JSON
 * Schema; `validateScenario` checks a document against it and against the catalog.
 *
 * These types are the document as written (optional fields stay optional); the run fills in the
 * defaults (`scenario.defaults.ts`).
 */

export type ZoneName = 'us-east-1a' | 'us-east-1b' | 'us-east-1c';
export type InstanceFamilyName = 't3' | 'm5' | 'c5' | 'r5';
export type VirtualizationModeName = 'hardware-assisted' | 'paravirtual' | 'trap-and-emulate';
/** Power curves known by name: CloudSim's SPECpower tables (libs/hypervisor's power model). */
export type NamedPowerCurve = 'hp-proliant-ml110-g4' | 'hp-proliant-ml110-g5';

export interface Scenario {
  readonly version: 1;
  readonly name: string;
  readonly description?: string;
  /** Every random draw of the run comes from this seed (a safe integer). */
  readonly seed: number;
  /** When the run starts: an ISO 8601 UTC instant, a whole number of buckets since the epoch. Default 2026-01-05T00:00:00Z. */
  readonly start?: string;
  /** How long the run lasts: a whole number of buckets. */
  readonly durationHours: number;
  /** The results' bucket (default 3,600 s). */
  readonly bucketSeconds?: number;
  /** Host types defined here, beside the catalog's (`libs/hypervisor/src/catalog/host-types.ts`). */
  readonly hostTypes?: readonly HostTypeSpec[];
  readonly fleet: FleetSpec;
  /** What is on sale: a subset of the catalog (default all of it) and custom types. */
  readonly instanceTypes?: InstanceTypesSpec;
  readonly tenants: readonly TenantSpec[];
  readonly policies?: PoliciesSpec;
  readonly faults?: FaultsSpec;
  readonly outputs?: OutputsSpec;
}

export interface FleetSpec {
  readonly zones: readonly ZoneSpec[];
}

export interface ZoneSpec {
  readonly name: ZoneName;
  readonly hosts: readonly HostGroupSpec[];
}

export interface HostGroupSpec {
  /** A catalog host type or one of `hostTypes`. */
  readonly type: string;
  readonly count: number;
}

export interface HostTypeSpec {
  readonly name: string;
  readonly description?: string;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly memoryMiB: number;
  /** Memory the hypervisor keeps (default 0). */
  readonly hypervisorReserveMiB?: number;
  readonly families: readonly InstanceFamilyName[];
  readonly virtualization: VirtualizationModeName;
  readonly nic: { readonly gbps: number; readonly sriov: boolean };
  readonly storage: { readonly iops: number; readonly mibps: number };
  /** Watts at 0 %, 10 %, …, 100 % CPU utilization, or a named curve. */
  readonly power: readonly number[] | NamedPowerCurve;
  /** CloudSim's speed of one core (MIPS), kept for the CloudSim reproduction; the engine counts cores. */
  readonly mipsPerCore?: number;
}

export interface InstanceTypesSpec {
  /** Catalog types on sale (default: every catalog type). */
  readonly catalog?: readonly string[];
  readonly custom?: readonly CustomInstanceTypeSpec[];
}

export interface CustomInstanceTypeSpec {
  readonly name: string;
  readonly family: InstanceFamilyName;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Burstable: the baseline fraction of each vCPU. */
  readonly baselinePerVcpu?: number;
  /** Default 1 Gbit/s baseline and burst. */
  readonly network?: { readonly baselineGbps: number; readonly burstGbps: number };
  /** Default 1,000 Mbit/s and 4,000 IOPS, baseline and burst. */
  readonly ebs?: { readonly baselineMbps: number; readonly burstMbps: number; readonly baselineIops: number; readonly burstIops: number };
  /** On-Demand USD per hour (decimal strings): `linux` is base compute; `windows` the full Windows price, if sold. */
  readonly price: { readonly linux: string; readonly windows?: string };
  /** CloudSim's MIPS of the VM, kept for the CloudSim reproduction. */
  readonly mips?: number;
}

export interface TenantSpec {
  readonly id: string;
  /** On-Demand vCPU quota (default unlimited). */
  readonly vcpuQuota?: number;
  readonly workloads: readonly WorkloadSpec[];
  // ---- licensing-models experiment (issue 12) ----
  /** Dedicated Hosts allocated to the tenant for the whole run (AllocateHosts, auto-placement on): `count` hosts of `hostType` in `zone`, billed per hour whether or not instances run. */
  readonly dedicatedHosts?: readonly DedicatedHostsSpec[];
}

export interface DedicatedHostsSpec {
  readonly zone: ZoneName;
  readonly hostType: string;
  readonly count: number;
}

export type WorkloadSpec = SyntheticWorkloadSpec | TraceWorkloadSpec;

/** What every workload may say. */
interface WorkloadCommon {
  /** Names the workload within its tenant (default `w<index>`); its random streams are derived from it. */
  readonly name?: string;
  /** Where its VMs are launched; omitted, the scheduler chooses a zone per request. */
  readonly zone?: ZoneName;
  /** An image id of the catalog or a platform (`linux`, `windows`, …); default Amazon Linux. */
  readonly image?: string;
  /** CPU the VMs reserve, as a fraction of their vCPUs (default: the type's, EC2's default). */
  readonly cpuReservation?: number;
  // ---- licensing-models experiment (issue 12) ----
  /** A daily schedule: each VM runs `runFraction` of every UTC day from `startHourUtc` (default 0) and is stopped (StopInstances) the rest, then started again (StartInstances). */
  readonly schedule?: ScheduleSpec;
  /** `host`: the VMs run on the tenant's Dedicated Hosts in the workload's zone (default `default`, shared). */
  readonly tenancy?: 'default' | 'host';
}

/** A duty cycle: the fraction of each day the VMs run. 1 is always on. */
export interface ScheduleSpec {
  readonly runFraction: number;
  readonly startHourUtc?: number;
}

export interface SyntheticWorkloadSpec extends WorkloadCommon {
  readonly kind: 'synthetic';
  /** VMs launched at the start (each with a lifetime drawn as for arrivals). */
  readonly initial?: number;
  readonly arrivals: ArrivalsSpec;
  readonly lifetime: LifetimeSpec;
  readonly size: SizeSpec;
  readonly utilization: UtilizationSpec;
  /** The VMs' memory working sets, and the applications each VM runs on its one guest OS (default: the idle working set, one per VM). */
  readonly memory?: MemorySpec;
  // ---- IO, network and privileged operations (the VMM's workload parts beyond CPU, docs/scenarios.md) ----
  /** Block IO on one EBS volume per VM, created and attached at launch and deleted at termination. */
  readonly io?: IoDemandSpec;
  /** Egress to the internet per VM. */
  readonly network?: { readonly internetMbps: number };
  /** Privileged operations (system calls, page-table updates) per second per core the guest runs (§3.1's per-op term). */
  readonly privilegedOpsPerSecPerCore?: number;
}

/** A VM's block IO demand, and the volume it runs on (default: an io2 volume provisioned for the demand). */
export interface IoDemandSpec {
  readonly iops: number;
  readonly throughputMiBps: number;
  readonly volume?: { readonly type: 'gp2' | 'gp3' | 'io1' | 'io2' | 'st1' | 'sc1' | 'standard'; readonly sizeGiB: number; readonly iops?: number; readonly throughputMiBps?: number };
}

/**
 * What a VM's memory holds (docs/scenarios.md, "Memory and applications"): one guest OS and
 * `applicationsPerVm` applications, each with its working set. The VM's working set is the guest
 * OS's plus its applications', capped at its memory. With more than one application per VM, the
 * workload's counts are of applications: `initial` applications make ⌈initial ÷ k⌉ VMs, a request
 * of n applications ⌈n ÷ k⌉ VMs, filled in order (the last may hold fewer). With `size: fit` a VM
 * also takes no further application once no type on sale would hold them all: the request then
 * makes more VMs (one application larger than every type has the largest to itself).
 */
export interface MemorySpec {
  /** Applications sharing each VM's guest OS (default 1). */
  readonly applicationsPerVm?: number;
  /** The guest OS's own working set per VM, MiB (default 512, the idle working set of docs/model.md §3.2). */
  readonly guestOsMiB?: number;
  /** Each application's working set. */
  readonly workingSet: WorkingSetSpec;  // live-migration experiment (issue 12)
  /** The rate the guest dirties memory, MiB/s (default 0), which live migration's pre-copy sees (docs/model.md §3.7). */
  readonly dirtyRateMiBps?: number;
}

/**
 * An application's working set: a fixed size, a size drawn uniformly, a fraction (drawn
 * uniformly) of the memory the guest OS leaves in the VM, shared among its applications (not with
 * `size: fit`, where the type follows from the working set), or one of Azure 2019's VMs: the
 * memory its owner gave it (`memory.txt`, the bucket's published GB read as GiB) less the guest
 * OS's working set, so that alone in a VM with its guest OS it needs exactly that VM's memory.
 */
export type WorkingSetSpec =
  | { readonly distribution: 'fixed'; readonly mib: number }
  | { readonly distribution: 'uniform'; readonly minMiB: number; readonly maxMiB: number }
  | { readonly distribution: 'fraction'; readonly min: number; readonly max: number }
  | { readonly distribution: 'azure2019' };

export interface ArrivalsSpec {
  /** Mean requests per hour (Poisson), before modulation. */
  readonly ratePerHour: number;
  /** rate × (1 + amplitude × cos(2π (h − peakHourUtc) / 24)), h the UTC hour. */
  readonly diurnal?: { readonly amplitude: number; readonly peakHourUtc: number };
  /** Windows of the run where the rate is multiplied. */
  readonly bursts?: readonly { readonly atHours: number; readonly durationHours: number; readonly multiplier: number }[];
  /** VMs per request: one, or a deployment size drawn from Azure 2019 (`deployment.txt`). Default `single`. */
  readonly deployments?: 'single' | 'azure2019';
}

export type LifetimeSpec =
  | { readonly distribution: 'azure2019' }
  | { readonly distribution: 'exponential'; readonly meanHours: number }
  | { readonly distribution: 'fixed'; readonly hours: number }
  | { readonly distribution: 'forever' };

export type SizeSpec =
  | { readonly distribution: 'azure2019' }
  | { readonly distribution: 'fixed'; readonly instanceType: string }
  | { readonly distribution: 'mix'; readonly mix: readonly { readonly instanceType: string; readonly weight: number }[] }
  /**
   * The type on sale with the least memory that holds the VM's working set (`memory`) and, with CPU
   * per application, whose vCPUs cover its applications' average demand (ties: fewer vCPUs, then
   * the name).
   */
  | { readonly distribution: 'fit' };

/**
 * The VM's CPU demand over time. `azure2019` draws each VM's average (and P95) CPU from `cpu.txt`;
 * `fixed` gives every VM the same average. The model shapes it: constant at the average; diurnal
 * with its peak at the P95; or a random walk around the average.
 *
 * `per: 'application'` (with `memory`) draws it per application instead: each application has
 * the vCPUs of an Azure VM (`cores.txt`, at its working set's quantile, so the applications with
 * more memory have more cores, as Azure's sizes do) and an average and P95 from `cpu.txt`; its
 * demand is that share of its vCPUs, in cores, and a VM's is the sum of its applications'
 * (at most its vCPUs). So the same applications demand the same CPU however they are packed.
 */
export type UtilizationSpec =
  | { readonly distribution: 'azure2019'; readonly model?: UtilizationModel; readonly per?: 'vm' | 'application' }
  | { readonly distribution: 'fixed'; readonly percent: number; readonly p95Percent?: number; readonly model?: UtilizationModel };
export type UtilizationModel = 'constant' | 'diurnal' | 'random-walk';

/** One VM per trace file (PlanetLab) or per VM file (Bitbrains), all launched at the start. */
export interface TraceWorkloadSpec extends WorkloadCommon {
  readonly kind: 'trace';
  readonly dataset: TraceDatasetSpec;
  /** Use only the first N VMs (files in name order). */
  readonly limit?: number;
  /**
   * PlanetLab: the types, by position in equal blocks of the sorted files (CloudSim's rule), or
   * round-robin. Bitbrains: omitted, each VM gets the allowed type closest to its provisioned cores
   * and memory.
   */
  readonly instanceTypes?: readonly string[];
  readonly assign?: 'blocks' | 'round-robin';
}

export type TraceDatasetSpec = { readonly kind: 'planetlab'; readonly day: string } | { readonly kind: 'bitbrains'; readonly path: string };

export interface PoliciesSpec {
  readonly placement?: PlacementPolicySpec;
  readonly rebalancer?: RebalancerPolicySpec;
  readonly credits?: CreditPolicySpec;
  readonly priceBook?: PriceBookSpec;
  /**
   * Run the scenario as CloudSim's power-aware data centre (docs/scenarios.md, "The CloudSim
   * reproduction") instead of Nimbus's engine: its hosts, VMs and metrics, with this policy.
   */
  readonly cloudsim?: CloudSimPolicySpec;
  // ---- memory and host cost (experiments consolidation, memory-overcommit) ----
  /** The VMMs' memory reclamation. */
  readonly memory?: MemoryPolicySpec;
  /** What a host costs its operator, for the results' host-cost figures (default: not modelled, 0). */
  readonly hostCost?: HostCostSpec;
}

export interface MemoryPolicySpec {
  /** Content-based page sharing under memory pressure (docs/model.md §3.2), default true. */
  readonly pageSharing?: boolean;
}

export interface HostCostSpec {
  /** One host's cost per month (730 hours), USD as a decimal string: amortized purchase, power, space. */
  readonly monthlyUsd: string;
}

/** CloudSim's PlanetLab policies: NonPowerAware, DVFS, or an overload detector with MMT VM selection. */
export type CloudSimPolicyName = 'npa' | 'dvfs' | 'thr-mmt' | 'iqr-mmt' | 'mad-mmt' | 'lr-mmt' | 'lrr-mmt';

export interface CloudSimPolicySpec {
  readonly policy: CloudSimPolicyName;
  /**
   * THR: the utilization threshold (default 0.8); IQR, MAD, LR, LRR: the safety parameter
   * (defaults 1.5, 2.5, 1.2, 1.2, CloudSim's examples). NPA and DVFS take none.
   */
  readonly parameter?: number;
}

export interface PlacementPolicySpec {
  readonly weigher?: 'pack' | 'spread' | 'balance';
  readonly cpuAllocationRatio?: number;
  readonly ramAllocationRatio?: number;
  readonly overrides?: {
    readonly hostTypes?: Readonly<Record<string, { readonly cpuAllocationRatio?: number; readonly ramAllocationRatio?: number }>>;
    readonly zones?: Readonly<Record<string, { readonly cpuAllocationRatio?: number; readonly ramAllocationRatio?: number }>>;
  };
  /** Hosts with a guarantee violation this recently are used last (0 turns it off). */
  readonly avoidViolationsMinutes?: number;
}

/** libs/scheduler's RebalancerConfigPatch, as a document. */
export interface RebalancerPolicySpec {
  readonly hotSpot?: { readonly enabled?: boolean; readonly cpuThreshold?: number; readonly windowSeconds?: number; readonly cooldownSeconds?: number };
  readonly consolidation?: { readonly enabled?: boolean; readonly cpuThreshold?: number; readonly windowSeconds?: number; readonly intervalSeconds?: number; readonly powerOff?: boolean };
  readonly maxConcurrentMigrations?: number;
}

/** libs/metering's CreditPolicy, as a document (percentages as decimal strings). */
export interface CreditPolicySpec {
  readonly regionTiers?: readonly { readonly belowPercent: string; readonly creditPercent: string }[];
  readonly instanceTiers?: readonly { readonly belowPercent: string; readonly creditPercent: string }[];
  readonly guaranteeViolation?: { readonly creditPercent: string; readonly minimumDurationMs: number };
}

/** The seed price book (AWS us-east-1), with list prices replaced where the scenario says. */
export interface PriceBookSpec {
  readonly instanceTypes?: Readonly<Record<string, { readonly linux: string; readonly windows?: string }>>;
  // ---- licensing-models experiment (issue 12) ----
  /** Replaces the licence components a license-included platform pays per running hour (libs/metering's LicenseComponent). */
  readonly licenses?: Readonly<Partial<Record<LicensedPlatform, readonly LicenseComponentSpec[]>>>;
  /**
   * What the tenant pays the vendor for the licences it brings (BYOL), per licence product: each
   * licence a month, counted by AWS License Manager's counting type (libs/scheduler's
   * licenseUsage: `vCPU`, `Core`, `Instance`, `Socket`). Not AWS revenue: a tenant cost.
   */
  readonly byolLicenses?: Readonly<Partial<Record<'windows-server' | 'sql-server-standard', ByolLicenseSpec>>>;
}

export type LicensedPlatform = 'windows' | 'windows-sql-standard' | 'rhel' | 'suse' | 'ubuntu-pro';
export type LicenseComponentSpec =
  | { readonly licenseProduct: string; readonly basis: 'folded'; readonly column: 'windows' }
  | { readonly licenseProduct: string; readonly basis: 'per-instance-hour'; readonly ratePerHour: string }
  | { readonly licenseProduct: string; readonly basis: 'per-vcpu-hour'; readonly ratePerUnitHour: string; readonly minUnits?: number; readonly maxUnits?: number }
  | { readonly licenseProduct: string; readonly basis: 'per-core-hour'; readonly ratePerUnitHour: string; readonly vcpusPerCore: number; readonly minUnits?: number; readonly maxUnits?: number };

export interface ByolLicenseSpec {
  readonly countingType: 'vCPU' | 'Core' | 'Socket' | 'Instance';
  /** USD per licence per month (a decimal string). */
  readonly monthlyUsd: string;
}

export interface FaultsSpec {
  /** Whole-host failures: exponential times between failures and to repair, per host. */
  readonly hosts?: { readonly mtbfHours: number; readonly mttrHours: number };
  /** Driver-domain failures (paravirtual hosts' IO path), per host. */
  readonly driverDomains?: { readonly mtbfHours: number; readonly mttrHours: number };
  /** Maintenance: at `atHours`, `hosts` hosts (of `zone`, else of the fleet) are drained, and back in service `durationHours` later. */
  readonly drains?: readonly DrainSpec[];
  /**
   * Scheduled failures: at `atHours`, `hosts` hosts (of `zone`, else of the fleet; for a driver
   * domain, hosts that have one) fail (the whole host, or its driver domain) and are repaired
   * `durationHours` later.
   */
  readonly failures?: readonly { readonly atHours: number; readonly hosts: number; readonly component: 'host' | 'driver-domain'; readonly durationHours: number; readonly zone?: ZoneName }[];
}

export interface DrainSpec {
  readonly atHours: number;
  readonly hosts: number;
  readonly durationHours: number;
  readonly zone?: ZoneName;
  // ---- live-migration experiment (issue 12): how the maintenance is handled ----
  /**
   * `live-migrate` (default): the hosts are drained, their VMs live-migrated away (§3.7).
   * `restart` (crash-only): the hosts are taken down as a failure; auto-recovery restarts their
   * VMs on other hosts of the zone after detection and a boot (§3.8).
   */
  readonly mode?: DrainMode;
}
export type DrainMode = 'live-migrate' | 'restart';

/** Series summed from per-instance metrics: recorded only with `outputs.instanceMetrics` (they cost time on large fleets). */
export const INSTANCE_SERIES_NAMES = [
  'instanceCpuDemandCores', 'instanceCpuCores', 'instanceStealCores', 'instanceIopsDemanded', 'instanceIopsDelivered', 'instanceThroughputMiBps', 'instanceNetworkOutMbps',
] as const;

export const SERIES_NAMES = [
  'cpuUtilization', 'cpuCapacityCores', 'cpuAllocatedCores', 'stealCores', 'memoryUtilization', 'memoryCapacityMiB', 'memoryAllocatedMiB', 'memoryResidentMiB',
  'iopsThrottled', 'hostGuaranteeViolations', 'powerWatts', 'energyKWh', 'hostsOn', 'hostsOff', 'hostsFailed',
  'instances', 'vcpus', 'requestsAccepted', 'requestsRefused', 'instancesLaunched', 'guaranteeViolatedInstances', 'impairedInstances',
  'migrations', 'migrationDowntimeMs', 'revenueUsd', 'licensedInstances',
  // memory and applications (experiments consolidation, memory-overcommit)
  'hostsUsed', 'swappedInstances', 'vmmMemoryMiB', 'applications', 'hostsUsedPowerWatts',
  // live-migration experiment (issue 12)
  'migrationMiB',
  // ---- driver domain, virtualization overhead, per-instance metrics (docs/scenarios.md) ----
  'cpuHardwareCores', 'driverDomainCores', 'driverDomainFailures', 'driverDomainImpairments',
  ...INSTANCE_SERIES_NAMES,
] as const;
export type SeriesName = (typeof SERIES_NAMES)[number];

export const TABLE_NAMES = [
  'tenants', 'refusals', 'migrations', 'revenue', 'licences', 'hosts',
  // licensing-models experiment (issue 12)
  'byolLicences',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];

export const GROUP_BYS = ['fleet', 'zone', 'hostType', 'tenant', 'product'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

/** Which results to keep (default: all). */
export interface OutputsSpec {
  readonly series?: readonly SeriesName[];
  readonly tables?: readonly TableName[];
  readonly groupBy?: readonly GroupBy[];
  /**
   * Record each instance's metrics (CPU demanded, delivered and stolen; IOPS demanded and delivered;
   * throughput; network out), summed by zone, tenant and product: the `instance…` series and their
   * headline figures. Off by default: per-instance metrics slow a run of a large fleet.
   */
  readonly instanceMetrics?: boolean;
}
