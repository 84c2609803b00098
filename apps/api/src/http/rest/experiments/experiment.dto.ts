import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';
import { PageQueryDto } from '../page-query.dto';

export class CreateExperimentDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'An experiment document ("version": 1; see docs/experiments/README.md). Give this or builtIn.' })
  @IsOptional() @IsObject()
  experiment?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The name of a built-in experiment. Give this or experiment.', example: 'placement-policy' })
  @IsOptional() @IsString() @Length(1, 128)
  builtIn?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With builtIn: a JSON Merge Patch (RFC 7396) applied to it before it is validated.', example: { repetitions: 2 } })
  @IsOptional() @IsObject()
  overrides?: Record<string, unknown>;
}

export class ListExperimentsQueryDto extends PageQueryDto {}

export class ExperimentProgressResponseDto {
  @ApiProperty({ example: 12, description: 'Runs the experiment is made of (variants × repetitions)' }) runs!: number;
  @ApiProperty({ example: 12, description: 'Runs in a final state' }) finished!: number;
  @ApiProperty({ example: 0, description: 'Runs reused: computed before for the same scenario, seed and code' }) reused!: number;
  @ApiProperty({ example: 1, description: '0 to 1' }) fraction!: number;
}

export class ExperimentRunResponseDto {
  @ApiProperty({ example: 0 }) variant!: number;
  @ApiProperty({ example: 0 }) repetition!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { placement: 'spread' }, description: 'The variant\'s value of each variable' }) values!: Record<string, string>;
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled', 'deleted'], example: 'completed' }) state!: string;
  @ApiProperty({ example: false }) reused!: boolean;
}

export class ExperimentResponseDto {
  @ApiProperty({ example: 'exp-0123456789abcdef0' }) experimentId!: string;
  @ApiProperty({ example: 'placement-policy' }) name!: string;
  @ApiPropertyOptional({ example: 'placement-policy' }) builtIn?: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'], example: 'running' }) state!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The experiment document as run' }) experiment!: object;
  @ApiProperty({ type: ExperimentProgressResponseDto }) progress!: ExperimentProgressResponseDto;
  @ApiProperty({ format: 'date-time', example: '2025-01-01T00:00:00.000Z' }) createdAt!: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2025-01-01T00:05:00.000Z' }) finishedAt?: string;
  @ApiPropertyOptional({ example: 'a run failed', description: 'Why it failed' }) error?: string;
  @ApiPropertyOptional({ type: [ExperimentRunResponseDto], description: 'Its runs (GET of one experiment)' }) runs?: ExperimentRunResponseDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The report, once completed: per variant the headline figures (mean, s.d., 95 % interval), chart series, and the derived figures across variants (ratios, crossovers, thresholds)' }) report?: object;
}

export class ExperimentPageResponseDto {
  @ApiProperty({ type: [ExperimentResponseDto] }) experiments!: ExperimentResponseDto[];
  @ApiPropertyOptional({ example: 'exp-0123456789abcdef0' }) nextToken?: string;
}

export class BuiltInExperimentResponseDto {
  @ApiProperty({ example: 'placement-policy' }) name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Its experiment document', example: { name: 'placement-policy' } }) experiment!: object;
  @ApiProperty({ example: 12, description: 'Runs it makes (variants × repetitions)' }) runs!: number;
}

export class BuiltInExperimentListResponseDto {
  @ApiProperty({ type: [BuiltInExperimentResponseDto] }) experiments!: BuiltInExperimentResponseDto[];
}
