import { GroupBy, SeriesName, TableName } from '../scenario';

/**
 * An offline run's results (docs/scenarios.md, "Results"): plain JSON, summaries per bucket and
 * per group, never a per-VM history. The same scenario and seed give the same result, byte for
 * byte (`JSON.stringify`), and `digest` hashes it.
 */
export interface ScenarioResult {
  readonly version: 1;
  readonly scenario: string;
  readonly seed: number;
  /** The run was cancelled: results cover [start, start + simulatedMs) only. */
  readonly cancelled: boolean;
  readonly startMs: number;
  readonly simulatedMs: number;
  /** Fleet events (state changes, moves, timeline events) the run produced. */
  readonly events: number;
  readonly bucketMs: number;
  /** SHA-256 (hex) of this result's JSON with `digest` itself empty. */
  readonly digest: string;
  readonly headline: Record<string, number>;
  readonly series: ResultSeries[];
  readonly tables: ResultTable[];
}

export interface ResultSeries {
  readonly name: SeriesName;
  readonly unit: string;
  readonly bucketMs: number;
  readonly groupBy: GroupBy;
  /** The zone, host type, tenant or product; `fleet` for the fleet. */
  readonly group: string;
  /** One value per bucket from the run's start. */
  readonly points: number[];
}

export interface ResultTable {
  readonly name: TableName;
  readonly columns: string[];
  readonly rows: (string | number)[][];
}

export interface SeriesInfo {
  readonly unit: string;
  readonly groupBys: readonly GroupBy[];
  /** Meaning of `product` for this series. */
  readonly product?: 'instance type' | 'licence';
  /** Derived: 100 × numerator ÷ denominator, both series of the same groups. */
  readonly ratio?: readonly [SeriesName, SeriesName];
  readonly description: string;
}

const HOSTS: readonly GroupBy[] = ['fleet', 'zone', 'hostType'];
const VMS: readonly GroupBy[] = ['fleet', 'zone', 'tenant', 'product'];

/** Every series, in the order results list them. */
export const SERIES: Readonly<Record<SeriesName, SeriesInfo>> = {
  cpuUtilization: { unit: '%', groupBys: HOSTS, ratio: ['cpuAllocatedCores', 'cpuCapacityCores'], description: 'CPU allocated to VMs ÷ CPU capacity (time-weighted)' },
  cpuCapacityCores: { unit: 'cores', groupBys: HOSTS, description: "hosts' guaranteeable CPU (mean over the bucket)" },
  cpuAllocatedCores: { unit: 'cores', groupBys: HOSTS, description: 'CPU the VMMs gave VMs (mean)' },
  stealCores: { unit: 'cores', groupBys: HOSTS, description: 'CPU demand within limits the VMs did not get (mean)' },
  memoryUtilization: { unit: '%', groupBys: HOSTS, ratio: ['memoryAllocatedMiB', 'memoryCapacityMiB'], description: "memory configured for VMs ÷ hosts' guest memory" },
  memoryCapacityMiB: { unit: 'MiB', groupBys: HOSTS, description: 'guest memory of the hosts (mean)' },
  memoryAllocatedMiB: { unit: 'MiB', groupBys: HOSTS, description: "VMs' configured memory with VMM overhead (mean)" },
  memoryResidentMiB: { unit: 'MiB', groupBys: HOSTS, description: 'memory resident (mean)' },
  iopsThrottled: { unit: 'IOPS', groupBys: HOSTS, description: 'IO demand throttled (mean)' },
  hostGuaranteeViolations: { unit: 'VMs', groupBys: HOSTS, description: 'VMs given less than their reservation, counted on hosts (mean)' },
  powerWatts: { unit: 'W', groupBys: HOSTS, description: 'power drawn (mean)' },
  energyKWh: { unit: 'kWh', groupBys: HOSTS, description: 'energy used in the bucket' },
  hostsOn: { unit: 'hosts', groupBys: HOSTS, description: 'hosts available or draining (mean)' },
  hostsOff: { unit: 'hosts', groupBys: HOSTS, description: 'hosts switched off (mean)' },
  hostsFailed: { unit: 'hosts', groupBys: HOSTS, description: 'hosts failed (mean)' },
  instances: { unit: 'instances', groupBys: VMS, product: 'instance type', description: 'instances running (mean)' },
  vcpus: { unit: 'vCPUs', groupBys: VMS, product: 'instance type', description: 'vCPUs of running instances (mean)' },
  requestsAccepted: { unit: 'requests', groupBys: VMS, product: 'instance type', description: 'launch requests placed' },
  requestsRefused: { unit: 'requests', groupBys: VMS, product: 'instance type', description: 'launch requests refused (reasons in the refusals table)' },
  instancesLaunched: { unit: 'instances', groupBys: VMS, product: 'instance type', description: 'instances launched' },
  guaranteeViolatedInstances: { unit: 'instances', groupBys: VMS, product: 'instance type', description: 'instances in guarantee violation (mean)' },
  impairedInstances: { unit: 'instances', groupBys: VMS, product: 'instance type', description: 'instances impaired by a host or driver-domain failure (mean)' },
  migrations: { unit: 'migrations', groupBys: VMS, product: 'instance type', description: 'live migrations completed' },
  migrationDowntimeMs: { unit: 'ms', groupBys: VMS, product: 'instance type', description: 'downtime of the migrations completed' },
  revenueUsd: { unit: 'USD', groupBys: VMS, product: 'instance type', description: 'list price accrued by running instances (before billing minimums and rounding)' },
  licensedInstances: { unit: 'instances', groupBys: ['fleet', 'zone', 'product'], product: 'licence', description: 'running instances using a licence (included or BYOL), by licence (mean)' },
  // memory and applications
  hostsUsed: { unit: 'hosts', groupBys: HOSTS, description: 'hosts with at least one VM (mean)' },
  swappedInstances: { unit: 'instances', groupBys: HOSTS, description: 'VMs with any memory swapped out by the VMM, counted on hosts (mean)' },
  vmmMemoryMiB: { unit: 'MiB', groupBys: HOSTS, description: "the VMMs' per-VM memory overhead (mean)" },
  hostsUsedPowerWatts: { unit: 'W', groupBys: HOSTS, description: 'power drawn by hosts with at least one VM (mean)' },
  applications: { unit: 'applications', groupBys: VMS, product: 'instance type', description: 'applications running in running instances (mean)' },
  // live-migration experiment (issue 12)
  migrationMiB: { unit: 'MiB', groupBys: VMS, product: 'instance type', description: 'memory sent over the migration link by the migrations completed (pre-copy rounds and stop-and-copy)' },
  // ---- driver domain, virtualization overhead, per-instance metrics ----
  cpuHardwareCores: { unit: 'cores', groupBys: HOSTS, description: 'hardware threads of the hosts on (mean): capacity plus the VMM overhead plus the driver domain' },
  driverDomainCores: { unit: 'cores', groupBys: HOSTS, description: "the driver domains' CPU for IO and packets, off the hosts' capacity (mean)" },
  driverDomainFailures: { unit: 'failures', groupBys: HOSTS, description: 'driver domains that failed' },
  driverDomainImpairments: { unit: 'instances', groupBys: HOSTS, description: 'instances impaired by a driver-domain failure (at the failure)' },
  instanceCpuDemandCores: { unit: 'cores', groupBys: VMS, product: 'instance type', description: "instances' CPU demand (mean; with outputs.instanceMetrics)" },
  instanceCpuCores: { unit: 'cores', groupBys: VMS, product: 'instance type', description: 'CPU the instances got (mean; with outputs.instanceMetrics)' },
  instanceStealCores: { unit: 'cores', groupBys: VMS, product: 'instance type', description: 'CPU demanded within limits and not given (mean; with outputs.instanceMetrics)' },
  instanceIopsDemanded: { unit: 'IOPS', groupBys: VMS, product: 'instance type', description: 'IOPS demanded (mean; with outputs.instanceMetrics)' },
  instanceIopsDelivered: { unit: 'IOPS', groupBys: VMS, product: 'instance type', description: 'IOPS delivered (mean; with outputs.instanceMetrics)' },
  instanceThroughputMiBps: { unit: 'MiB/s', groupBys: VMS, product: 'instance type', description: 'block IO throughput delivered (mean; with outputs.instanceMetrics)' },
  instanceNetworkOutMbps: { unit: 'Mbit/s', groupBys: VMS, product: 'instance type', description: 'network egress delivered (mean; with outputs.instanceMetrics)' },
};

export const TABLE_COLUMNS: Readonly<Record<TableName, readonly string[]>> = {
  tenants: ['tenant', 'requestsAccepted', 'requestsRefused', 'instancesLaunched', 'instanceHours', 'vcpuHours', 'guaranteeViolationHours', 'unavailableHours', 'chargesUsd', 'creditsUsd'],
  refusals: ['zone', 'tenant', 'instanceType', 'code', 'reason', 'requests', 'instances'],
  migrations: ['zone', 'reason', 'outcome', 'count', 'downtimeMs', 'durationMs'],
  revenue: ['zone', 'tenant', 'month', 'product', 'licenceProduct', 'amountUsd'],
  licences: ['licence', 'model', 'instanceHours', 'vcpuHours'],
  hosts: ['zone', 'hostType', 'hosts', 'energyKWh', 'failures', 'drains', 'poweredOff'],
  // licensing-models experiment (issue 12)
  byolLicences: ['zone', 'tenant', 'licence', 'countingType', 'licences', 'costUsd'],
};
