import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../page-query.dto';

const SIMULATION_ID = /^sim-[0-9a-f]{17}$/;

export class SimulationExecutionDto {
  @ApiPropertyOptional({
    description: 'Whether a scenario whose zones do not interact runs as one cell per zone on parallel workers (true, the default) or whole on one worker (false). The results are the same.',
    default: true,
  })
  @IsOptional() @IsBoolean()
  split?: boolean;
}

export class CreateSimulationDto {
  @ApiPropertyOptional({
    type: 'object', additionalProperties: true,
    description: 'A scenario document ("version": 1; see docs/scenarios.md). Give this or builtIn.',
  })
  @IsOptional() @IsObject()
  scenario?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The name of a built-in scenario. Give this or scenario.', example: 'azure-small' })
  @IsOptional() @IsString() @Length(1, 128)
  builtIn?: string;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: true,
    description: 'With builtIn: a JSON Merge Patch (RFC 7396) applied to the built-in scenario before it is validated.',
    example: { seed: 7, durationHours: 6 },
  })
  @IsOptional() @IsObject()
  overrides?: Record<string, unknown>;

  @ApiPropertyOptional({ type: SimulationExecutionDto, description: 'How the run executes (not what it computes)' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => SimulationExecutionDto)
  execution?: SimulationExecutionDto;
}

export class ListSimulationsQueryDto extends PageQueryDto {}

export class SimulationCsvQueryDto {
  @IsOptional() @IsString() @Length(1, 128)
  series?: string;

  @IsOptional() @IsString() @Length(1, 128)
  table?: string;
}

export class CompareSimulationsQueryDto {
  @IsDefined() @IsString() @Matches(SIMULATION_ID, { message: 'a must be a simulation ID (sim-…)' })
  a!: string;

  @IsDefined() @IsString() @Matches(SIMULATION_ID, { message: 'b must be a simulation ID (sim-…)' })
  b!: string;
}

export class SimulationProgressResponseDto {
  @ApiProperty({ example: 3600, description: 'Simulated seconds reached, from the scenario\'s start' }) simulatedTime!: number;
  @ApiProperty({ example: 86400, description: 'The simulated span of the run, in seconds' }) simulatedDuration!: number;
  @ApiProperty({ example: 0.25, description: '0 to 1' }) fraction!: number;
  @ApiProperty({ example: 1200, description: 'Engine events run so far' }) events!: number;
  @ApiProperty({ example: 0.8, description: 'Wall seconds of the current attempt (or of the finished run)' }) wallSeconds!: number;
  @ApiProperty({ nullable: true, type: Number, example: 2.4, description: 'Estimated wall seconds to the end; null when not running' }) etaSeconds!: number | null;
}

export class SimulationCellResponseDto {
  @ApiProperty({ example: 0, description: 'Index of the cell (the scenario\'s zones in order)' }) cell!: number;
  @ApiProperty({ example: 'us-east-1a' }) zone!: string;
  @ApiProperty({ enum: ['pending', 'running', 'done'], example: 'running' }) state!: string;
  @ApiProperty({ example: 1, description: 'Times a worker has started this cell' }) attempt!: number;
  @ApiPropertyOptional({ example: 'worker-1:4242', description: 'The worker (host:pid) of its current attempt' }) worker?: string;
  @ApiProperty({ example: 3600, description: 'Simulated seconds the cell has reached' }) simulatedTime!: number;
  @ApiProperty({ example: 1200 }) events!: number;
}

export class SimulationExecutionResponseDto {
  @ApiProperty({ example: 3, description: 'How many cells (one per zone, on parallel workers) the run is split into; 1: it runs whole' }) cells!: number;
  @ApiPropertyOptional({ type: [SimulationCellResponseDto], description: 'Each cell\'s state (GET of one run split into cells only)' }) cellStates?: SimulationCellResponseDto[];
}

export class SimulationResponseDto {
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] }) state!: string;
  @ApiProperty({ type: SimulationProgressResponseDto }) progress!: SimulationProgressResponseDto;
  @ApiPropertyOptional({ example: 'azure-small', description: 'The built-in scenario it came from' }) builtIn?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The validated scenario, overrides applied' }) scenario!: object;
  @ApiProperty({ example: 1, description: 'Times a worker has started it (a run whose worker died is restarted)' }) attempt!: number;
  @ApiPropertyOptional({ example: 'worker-1:4242', description: 'The worker (host:pid) of the current attempt' }) worker?: string;
  @ApiProperty({ description: 'A cancellation was asked and the worker has not stopped yet, or it has' }) cancelRequested!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time' }) startedAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) finishedAt?: string;
  @ApiPropertyOptional({ example: 'dataset azure2019 is not installed', description: 'Why it failed' }) error?: string;
  @ApiPropertyOptional({ example: '52cb838e1e64f918e23d963b7a0bcf64cf0d30eddbded69e8ebdadd2031d11d4', description: 'The report\'s digest' }) digest?: string;
  @ApiProperty({ type: SimulationExecutionResponseDto }) execution!: SimulationExecutionResponseDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The report, once completed or cancelled (GET of one run only)' }) report?: object;
}

export class SimulationPageResponseDto {
  @ApiProperty({ type: [SimulationResponseDto] }) simulations!: SimulationResponseDto[];
  @ApiPropertyOptional({ example: 'sim-0123456789abcdef0' }) nextToken?: string;
}

export class BuiltInScenarioSummaryDto {
  @ApiProperty({ example: 24 }) durationHours!: number;
  @ApiProperty({ example: 3600 }) bucketSeconds!: number;
  @ApiProperty({ type: [String], example: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }) zones!: string[];
  @ApiProperty({ example: 30, description: 'Hosts in the fleet' }) hosts!: number;
  @ApiProperty({ example: 3 }) tenants!: number;
  @ApiProperty({ example: 3 }) workloads!: number;
  @ApiProperty({ type: [String], description: 'Datasets it reads (`azure2019`, `planetlab/<day>`, `bitbrains/<path>`)', example: ['azure2019'] }) datasets!: string[];
}

export class BuiltInScenarioResponseDto {
  @ApiProperty({ example: 'azure-small', description: 'What `builtIn` names when submitting' }) name!: string;
  @ApiPropertyOptional({ example: 'Three zones of catalog hosts for one day.' }) description?: string;
  @ApiProperty({ type: BuiltInScenarioSummaryDto }) summary!: BuiltInScenarioSummaryDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The scenario document (the base that `overrides` patch)' }) scenario!: object;
}

export class BuiltInScenarioListResponseDto {
  @ApiProperty({ type: [BuiltInScenarioResponseDto] }) scenarios!: BuiltInScenarioResponseDto[];
}

/** The report: the run's id and state, and the scenario library's result (docs/scenarios.md). */
export class SimulationReportResponseDto {
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['completed', 'cancelled'] }) state!: string;
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ example: 'azure-small', description: "The scenario's name" }) scenario!: string;
  @ApiProperty({ example: 2019 }) seed!: number;
  @ApiProperty({ example: false, description: 'Partial results of a cancelled run' }) cancelled!: boolean;
  @ApiProperty({ example: 1767571200000 }) startMs!: number;
  @ApiProperty({ example: 86400000 }) simulatedMs!: number;
  @ApiProperty({ example: 1320 }) events!: number;
  @ApiProperty({ example: 3600000 }) bucketMs!: number;
  @ApiProperty({ example: '52cb838e1e64f918e23d963b7a0bcf64cf0d30eddbded69e8ebdadd2031d11d4' }) digest!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: 'Headline figures', example: { energyKWh: 1.07, revenueUsd: 3.29, instancesLaunched: 34 } }) headline!: Record<string, number>;
  @ApiProperty({
    type: 'array', description: 'Series: one value per bucket, by group',
    items: {
      type: 'object', required: ['name', 'unit', 'bucketMs', 'groupBy', 'group', 'points'],
      properties: { name: { type: 'string' }, unit: { type: 'string' }, bucketMs: { type: 'number' }, groupBy: { type: 'string' }, group: { type: 'string' }, points: { type: 'array', items: { type: 'number' } } },
    },
    example: [{ name: 'cpuUtilization', unit: '%', bucketMs: 3600000, groupBy: 'fleet', group: 'fleet', points: [2.6, 3.5] }],
  })
  series!: unknown[];
  @ApiProperty({
    type: 'array', description: 'Tables: columns and rows',
    items: { type: 'object', required: ['name', 'columns', 'rows'], properties: { name: { type: 'string' }, columns: { type: 'array', items: { type: 'string' } }, rows: { type: 'array', items: { type: 'array', items: {} } } } },
    example: [{ name: 'tenants', columns: ['tenant', 'instances'], rows: [['acme', 34]] }],
  })
  tables!: unknown[];
}

export class SeriesDatasetDto {
  @ApiProperty({ example: 'zone' }) groupBy!: string;
  @ApiProperty({ example: 'us-east-1a' }) group!: string;
  @ApiProperty({ type: [Number], example: [2.6, 3.5] }) values!: number[];
}

/** A series chart-ready: one x axis and one dataset per group. */
export class ChartSeriesResponseDto {
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ example: 'cpuUtilization' }) name!: string;
  @ApiProperty({ example: '%' }) unit!: string;
  @ApiProperty({ example: 3600000 }) bucketMs!: number;
  @ApiProperty({ type: [Number], example: [0, 3600000], description: "Offsets from the scenario's start" }) offsetsMs!: number[];
  @ApiProperty({ type: [SeriesDatasetDto] }) datasets!: SeriesDatasetDto[];
}

export class ComparedRunDto {
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['completed', 'cancelled'] }) state!: string;
  @ApiProperty({ example: false }) cancelled!: boolean;
  @ApiProperty({ example: 7200000 }) simulatedMs!: number;
  @ApiProperty({ example: '52cb838e1e64f918e23d963b7a0bcf64cf0d30eddbded69e8ebdadd2031d11d4' }) digest!: string;
}

export class SimulationComparisonResponseDto {
  @ApiProperty({ type: ComparedRunDto }) a!: ComparedRunDto;
  @ApiProperty({ type: ComparedRunDto }) b!: ComparedRunDto;
  @ApiProperty({
    type: 'object', description: 'Each headline figure of both runs, and b − a',
    additionalProperties: {
      type: 'object', required: ['a', 'b', 'delta', 'relativeDelta'],
      properties: { a: { type: 'number' }, b: { type: 'number' }, delta: { type: 'number' }, relativeDelta: { type: 'number', nullable: true } },
    },
    example: { revenueUsd: { a: 3.29, b: 4.07, delta: 0.78, relativeDelta: 0.237 } },
  })
  headline!: Record<string, unknown>;
  @ApiProperty({
    type: 'array', description: 'The same series of both runs side by side',
    items: {
      type: 'object', required: ['name', 'unit', 'bucketMs', 'groupBy', 'group', 'a', 'b'],
      properties: {
        name: { type: 'string' }, unit: { type: 'string' }, bucketMs: { type: 'number' }, groupBy: { type: 'string' }, group: { type: 'string' },
        a: { type: 'array', items: { type: 'number' } }, b: { type: 'array', items: { type: 'number' } },
      },
    },
    example: [{ name: 'cpuUtilization', unit: '%', bucketMs: 3600000, groupBy: 'fleet', group: 'fleet', a: [2.6], b: [2.8] }],
  })
  series!: unknown[];
}

export const SIMULATION_CSV_EXAMPLE = 'time,fleet (%),zone:us-east-1a (%)\n2026-01-05T00:00:00.000Z,2.6,2.1\n';
