import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { METRIC_FIELDS } from '@nimbus/hypervisor';
import { HostResponseDto } from '../hosts/host-response.dto';

/**
 * A metric point of one kind (vm, host, fleet): one number per field of METRIC_FIELDS (each a mean
 * over its bucket, balances at its end), the samples and the max of each field. Built from the
 * field list, so the document follows it.
 */
function metricPointDto(name: string, fields: readonly string[]): Type<unknown> {
  const named = <T extends Type<unknown>>(cls: T, className: string): T => Object.defineProperty(cls, 'name', { value: className });
  const Max = named(class {}, `${name}MaxDto`);
  const Point = named(class {}, `${name}PointDto`);
  ApiProperty({ format: 'date-time', type: String, description: "The bucket's start" })(Point.prototype, 'time');
  for (const f of fields) {
    ApiProperty({ type: Number, example: 0 })(Point.prototype, f);
    ApiProperty({ type: Number, example: 0 })(Max.prototype, f);
  }
  ApiProperty({ type: Number, example: 4, description: 'Samples in the bucket' })(Point.prototype, 'samples');
  ApiProperty({ type: Max, description: 'The highest sample of each field' })(Point.prototype, 'max');
  return Point;
}

export const InstanceMetricPointDto = metricPointDto('InstanceMetric', METRIC_FIELDS.vm);
export const HostMetricPointDto = metricPointDto('HostMetric', METRIC_FIELDS.host);
export const FleetMetricPointDto = metricPointDto('FleetMetric', METRIC_FIELDS.fleet);

export class InstanceMetricsResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: 60 }) periodSeconds!: number;
  @ApiProperty({ type: [InstanceMetricPointDto] }) points!: unknown[];
}

const WORKLOAD = {
  type: 'object', additionalProperties: true,
  description: 'What the guest does (API.md): cpu (constant, diurnal, trace, random-walk), io, memory, network, privileged ({opsPerSecPerCore}: privileged operations per second per core run, docs/model.md §3.1)',
  example: { cpu: { model: 'constant', cores: 1.5 }, memory: { workingSetMiB: 3000, dirtyRateMiBps: 50 }, network: [{ to: 'internet', mbps: 200 }] },
} as const;

export class WorkloadResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty(WORKLOAD) workload!: Record<string, unknown>;
  @ApiPropertyOptional({ format: 'date-time', description: 'When its CPU model was set (simulated time)' }) cpuSetAt?: string;
}

export class TimelineEventDto {
  @ApiProperty({ format: 'date-time' }) time!: string;
  @ApiProperty({ example: 'instance.state' }) type!: string;
  @ApiPropertyOptional({ example: 'i-0123456789abcdef0' }) instanceId?: string;
  @ApiPropertyOptional({ example: 'h-0123456789abcdef0', description: 'Admin events only' }) hostId?: string;
  @ApiPropertyOptional({ example: 't-0123456789abcdef0', description: 'Admin events only' }) tenantId?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { from: 'pending', to: 'running' } }) detail!: Record<string, unknown>;
}

export class EventsPageResponseDto {
  @ApiProperty({ type: [TimelineEventDto] }) events!: TimelineEventDto[];
  @ApiPropertyOptional({ example: 'eyJ0IjoxNzAwMDAwMDAwMDAwfQ' }) nextToken?: string;
}

export class HostMemoryUtilizationDto {
  @ApiProperty({ example: 516096 }) capacityMiB!: number;
  @ApiProperty({ example: 8192 }) configuredMiB!: number;
  @ApiProperty({ example: 8192 }) residentMiB!: number;
  @ApiProperty({ example: 0 }) sharedMiB!: number;
  @ApiProperty({ example: 0 }) balloonedMiB!: number;
  @ApiProperty({ example: 0 }) swappedMiB!: number;
  @ApiProperty({ example: 1 }) overcommitRatio!: number;
}

export class HostIoUtilizationDto {
  @ApiProperty({ example: 400000 }) capacityIops!: number;
  @ApiProperty({ example: 3000 }) iopsDelivered!: number;
  @ApiProperty({ example: 0 }) iopsThrottled!: number;
}

export class HostNetworkUtilizationDto {
  @ApiProperty({ example: 100 }) nicGbps!: number;
  @ApiProperty({ example: 200 }) nicMbps!: number;
  @ApiProperty({ example: 0 }) sameHostMbps!: number;
  @ApiProperty({ example: 0 }) crossAzMbps!: number;
  @ApiProperty({ example: 200 }) internetMbps!: number;
  @ApiProperty({ example: true }) sriov!: boolean;
}

export class HostUtilizationDto {
  @ApiProperty({ example: 'h-0123456789abcdef0' }) hostId!: string;
  @ApiProperty({ example: 109.76 }) cpuCapacityCores!: number;
  @ApiProperty({ example: 1.5 }) cpuAllocatedCores!: number;
  @ApiProperty({ example: 1.37 }) cpuUtilization!: number;
  @ApiProperty({ example: 0 }) driverDomainCores!: number;
  @ApiProperty({ example: 0 }) stealCores!: number;
  @ApiProperty({ type: HostMemoryUtilizationDto }) memory!: HostMemoryUtilizationDto;
  @ApiProperty({ type: HostIoUtilizationDto }) io!: HostIoUtilizationDto;
  @ApiProperty({ type: HostNetworkUtilizationDto }) network!: HostNetworkUtilizationDto;
  @ApiProperty({ example: 170 }) powerWatts!: number;
  @ApiProperty({ example: 0.03 }) energyKWh!: number;
  @ApiProperty({ example: 0 }) guaranteeViolations!: number;
  @ApiProperty({ type: Number, nullable: true, example: null, description: 'Simulated ms of the last one, or null' }) lastGuaranteeViolationAt!: number | null;
  @ApiProperty({ example: 0 }) migrationsOut!: number;
  @ApiProperty({ example: 0 }) migrationsIn!: number;
}

export class HostMetricsDto {
  @ApiProperty({ example: 60 }) periodSeconds!: number;
  @ApiProperty({ type: [HostMetricPointDto] }) points!: unknown[];
}

/** A host with its VMM's allocation, its utilization now and its metrics over a window. */
export class HostDetailResponseDto extends HostResponseDto {
  @ApiProperty({ format: 'date-time' }) stateSince!: string;
  @ApiProperty({ enum: ['ok', 'failed'] }) driverDomain!: string;
  @ApiProperty({ type: [String], example: ['i-0123456789abcdef0'] }) instanceIds!: string[];
  @ApiProperty({ type: [String], example: [], description: 'Instances migrating in' }) incomingInstanceIds!: string[];
  @ApiProperty({ type: HostUtilizationDto }) utilization!: HostUtilizationDto;
  @ApiProperty({ type: HostMetricsDto }) metrics!: HostMetricsDto;
}

export class MigrationResponseDto {
  @ApiProperty({ example: 'i-0123456789abcdef0' }) instanceId!: string;
  @ApiProperty({ example: 'h-0123456789abcdef0' }) sourceHostId!: string;
  @ApiProperty({ example: 'h-0fedcba9876543210' }) targetHostId!: string;
  @ApiProperty({ example: 3, description: 'Pre-copy rounds' }) rounds!: number;
  @ApiProperty({ example: true }) converged!: boolean;
  @ApiProperty({ example: 54 }) expectedDowntimeMs!: number;
  @ApiProperty({ example: 913 }) expectedTotalMs!: number;
  @ApiProperty({ example: 1028.3 }) transferredMiB!: number;
  @ApiProperty({ example: 0, description: 'Auto-converge throttle at the end' }) finalThrottlePercent!: number;
}

export class FleetUtilizationResponseDto {
  @ApiProperty({ format: 'date-time' }) now!: string;
  @ApiProperty({
    type: 'object', additionalProperties: { type: 'number' }, description: 'The fleet now: hosts by state, CPU, memory, power, instances',
    example: { hosts: 54, hostsAvailable: 54, hostsFailed: 0, cpuCapacityCores: 5926.9, cpuUtilization: 0.27, instancesRunning: 3 },
  })
  current!: Record<string, number>;
  @ApiProperty({ example: 60 }) periodSeconds!: number;
  @ApiProperty({ type: [FleetMetricPointDto] }) points!: unknown[];
}

const RATIO_OVERRIDES = {
  type: 'object',
  properties: {
    hostTypes: { type: 'object', additionalProperties: { type: 'object', properties: { cpuAllocationRatio: { type: 'number' }, ramAllocationRatio: { type: 'number' } } } },
    availabilityZones: { type: 'object', additionalProperties: { type: 'object', properties: { cpuAllocationRatio: { type: 'number' }, ramAllocationRatio: { type: 'number' } } } },
  },
  example: { hostTypes: { 'r5-host': { ramAllocationRatio: 1.5 } } },
} as const;

export class SchedulerConfigResponseDto {
  @ApiProperty({ example: 'pack', description: 'The placement weigher' }) weigher!: string;
  @ApiProperty({ example: 2, description: 'Σ limits on a host may reach its threads × this' }) cpuAllocationRatio!: number;
  @ApiProperty({ example: 1, description: "Σ memory may reach the host's guest memory × this" }) ramAllocationRatio!: number;
  @ApiPropertyOptional({ ...RATIO_OVERRIDES, description: 'Ratios set for a host type or a zone' }) overrides?: Record<string, unknown>;
  @ApiPropertyOptional({ example: 3600000, description: 'Hosts with a guarantee violation less than this long ago are used last' }) avoidViolationsWithinMs?: number;
}

export class HotSpotSettingsDto {
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ example: 0.9 }) cpuThreshold!: number;
  @ApiProperty({ example: 300 }) windowSeconds!: number;
  @ApiProperty({ example: 600 }) cooldownSeconds!: number;
}

export class ConsolidationSettingsDto {
  @ApiProperty({ example: true }) enabled!: boolean;
  @ApiProperty({ example: 0.2 }) cpuThreshold!: number;
  @ApiProperty({ example: 900 }) windowSeconds!: number;
  @ApiProperty({ example: 300 }) intervalSeconds!: number;
  @ApiProperty({ example: true }) powerOff!: boolean;
}

export class RebalancerConfigResponseDto {
  @ApiProperty({ type: HotSpotSettingsDto }) hotSpot!: HotSpotSettingsDto;
  @ApiProperty({ type: ConsolidationSettingsDto }) consolidation!: ConsolidationSettingsDto;
  @ApiProperty({ example: 16, description: 'Live migrations in flight at once, fleet-wide' }) maxConcurrentMigrations!: number;
}

export class HeatmapHostDto {
  @ApiProperty({ example: 'h-0123456789abcdef0' }) hostId!: string;
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ example: 'available' }) state!: string;
  @ApiProperty({ type: 'array', items: { type: 'number', nullable: true }, example: [0.412, null], description: 'Per period, a fraction rounded to 0.1 %; null: no data' }) values!: (number | null)[];
}

export class FleetHeatmapResponseDto {
  @ApiProperty({ enum: ['cpu', 'memory'], example: 'cpu' }) metric!: string;
  @ApiProperty({ example: 300 }) periodSeconds!: number;
  @ApiProperty({ type: [String], format: 'date-time', example: ['2025-01-01T00:00:00.000Z', '2025-01-01T00:05:00.000Z'] }) times!: string[];
  @ApiProperty({ type: [HeatmapHostDto] }) hosts!: HeatmapHostDto[];
}

export class ZoneAvailabilityDto {
  @ApiProperty({ example: 'us-east-1a' }) availabilityZone!: string;
  @ApiProperty({ example: 4 }) hosts!: number;
  @ApiProperty({ example: 2880 }) hostHours!: number;
  @ApiProperty({ example: 0 }) failedHostHours!: number;
  @ApiProperty({ type: 'number', nullable: true, example: 1, description: 'Share of host-time not failed; null: no recorded time' }) availability!: number | null;
}

export class ZoneAvailabilityResponseDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: [ZoneAvailabilityDto] }) zones!: ZoneAvailabilityDto[];
}
