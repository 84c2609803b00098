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
  @ApiProperty({ description: 'Simulated seconds reached, from the scenario\'s start' }) simulatedTime!: number;
  @ApiProperty({ description: 'The simulated span of the run, in seconds' }) simulatedDuration!: number;
  @ApiProperty({ description: '0 to 1' }) fraction!: number;
  @ApiProperty({ description: 'Engine events run so far' }) events!: number;
  @ApiProperty({ description: 'Wall seconds of the current attempt (or of the finished run)' }) wallSeconds!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'Estimated wall seconds to the end; null when not running' }) etaSeconds!: number | null;
}

export class SimulationCellResponseDto {
  @ApiProperty({ description: 'Index of the cell (the scenario\'s zones in order)' }) cell!: number;
  @ApiProperty({ example: 'us-east-1a' }) zone!: string;
  @ApiProperty({ enum: ['pending', 'running', 'done'] }) state!: string;
  @ApiProperty({ description: 'Times a worker has started this cell' }) attempt!: number;
  @ApiPropertyOptional({ description: 'The worker (host:pid) of its current attempt' }) worker?: string;
  @ApiProperty({ description: 'Simulated seconds the cell has reached' }) simulatedTime!: number;
  @ApiProperty() events!: number;
}

export class SimulationExecutionResponseDto {
  @ApiProperty({ description: 'How many cells (one per zone, on parallel workers) the run is split into; 1: it runs whole' }) cells!: number;
  @ApiPropertyOptional({ type: [SimulationCellResponseDto], description: 'Each cell\'s state (GET of one run split into cells only)' }) cellStates?: SimulationCellResponseDto[];
}

export class SimulationResponseDto {
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] }) state!: string;
  @ApiProperty({ type: SimulationProgressResponseDto }) progress!: SimulationProgressResponseDto;
  @ApiPropertyOptional({ description: 'The built-in scenario it came from' }) builtIn?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The validated scenario, overrides applied' }) scenario!: object;
  @ApiProperty({ description: 'Times a worker has started it (a run whose worker died is restarted)' }) attempt!: number;
  @ApiPropertyOptional({ description: 'The worker (host:pid) of the current attempt' }) worker?: string;
  @ApiProperty({ description: 'A cancellation was asked and the worker has not stopped yet, or it has' }) cancelRequested!: boolean;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() startedAt?: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ description: 'Why it failed' }) error?: string;
  @ApiPropertyOptional({ description: 'The report\'s digest' }) digest?: string;
  @ApiProperty({ type: SimulationExecutionResponseDto }) execution!: SimulationExecutionResponseDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The report, once completed or cancelled (GET of one run only)' }) report?: object;
}

export class SimulationPageResponseDto {
  @ApiProperty({ type: [SimulationResponseDto] }) simulations!: SimulationResponseDto[];
  @ApiPropertyOptional() nextToken?: string;
}

export class BuiltInScenarioSummaryDto {
  @ApiProperty({ example: 24 }) durationHours!: number;
  @ApiProperty({ example: 3600 }) bucketSeconds!: number;
  @ApiProperty({ type: [String], example: ['us-east-1a', 'us-east-1b', 'us-east-1c'] }) zones!: string[];
  @ApiProperty({ description: 'Hosts in the fleet' }) hosts!: number;
  @ApiProperty() tenants!: number;
  @ApiProperty() workloads!: number;
  @ApiProperty({ type: [String], description: 'Datasets it reads (`azure2019`, `planetlab/<day>`, `bitbrains/<path>`)', example: ['azure2019'] }) datasets!: string[];
}

export class BuiltInScenarioResponseDto {
  @ApiProperty({ example: 'azure-small', description: 'What `builtIn` names when submitting' }) name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty({ type: BuiltInScenarioSummaryDto }) summary!: BuiltInScenarioSummaryDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The scenario document (the base that `overrides` patch)' }) scenario!: object;
}

export class BuiltInScenarioListResponseDto {
  @ApiProperty({ type: [BuiltInScenarioResponseDto] }) scenarios!: BuiltInScenarioResponseDto[];
}
