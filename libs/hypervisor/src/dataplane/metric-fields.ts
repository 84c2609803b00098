/**
 * The metrics the data plane records, in a fixed order (a series stores numbers, not objects).
 * Instance fields follow API.md's `GET /v1/instances/{id}/metrics`; a few extra ones show the VMM's
 * mechanisms (swap slowdown, guarantee violations, migration, impairment) as fractions of time.
 */
export const VM_METRICS = [
  'cpuDemandCores', 'cpuCores', 'cpuUtilization', 'stealCores', 'creditBalance', 'surplusCredits',
  'memoryResidentMiB', 'memorySharedMiB', 'memoryBalloonedMiB', 'memorySwappedMiB',
  'iopsDemanded', 'iopsDelivered', 'iopsThrottled', 'throughputMiBps', 'networkOutMbps',
  'swapSlowdown', 'guaranteeViolated', 'migrating', 'paused', 'impaired',
] as const;

export const HOST_METRICS = [
  'cpuCapacityCores', 'cpuAllocatedCores', 'cpuUtilization', 'driverDomainCores', 'stealCores',
  'memoryCapacityMiB', 'memoryConfiguredMiB', 'memoryResidentMiB', 'memorySharedMiB', 'memoryBalloonedMiB', 'memorySwappedMiB',
  'iopsDelivered', 'iopsThrottled', 'nicMbps', 'crossAzMbps', 'internetMbps', 'powerWatts', 'energyKWh', 'instances',
  'guaranteeViolations', 'failed',
  // Memory per application and overcommit (experiments): hosts with a VM, VMs swapping, the VMM's per-VM memory.
  'occupied', 'swappedInstances', 'vmmMemoryMiB', 'occupiedPowerWatts',
] as const;

export const FLEET_METRICS = [
  'hosts', 'hostsAvailable', 'hostsFailed', 'cpuCapacityCores', 'cpuAllocatedCores', 'cpuUtilization',
  'memoryCapacityMiB', 'memoryConfiguredMiB', 'memoryResidentMiB', 'memorySwappedMiB', 'powerWatts', 'energyKWh',
  'instancesRunning', 'guaranteeViolations', 'crossAzMbps', 'internetMbps',
] as const;

export type VmMetric = (typeof VM_METRICS)[number];
export type HostMetric = (typeof HOST_METRICS)[number];
export type FleetMetric = (typeof FLEET_METRICS)[number];
export type MetricKind = 'vm' | 'host' | 'fleet';

export const METRIC_FIELDS: Readonly<Record<MetricKind, readonly string[]>> = { vm: VM_METRICS, host: HOST_METRICS, fleet: FLEET_METRICS };

const indexOf = <T extends string>(fields: readonly T[]) => Object.fromEntries(fields.map((f, i) => [f, i])) as Record<T, number>;
export const VM = indexOf(VM_METRICS);
export const HOST = indexOf(HOST_METRICS);
export const FLEET = indexOf(FLEET_METRICS);
