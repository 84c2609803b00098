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
  @ApiProperty({ description: 'Runs the experiment is made of (variants × repetitions)' }) runs!: number;
  @ApiProperty({ description: 'Runs in a final state' }) finished!: number;
  @ApiProperty({ description: 'Runs reused: computed before for the same scenario, seed and code' }) reused!: number;
  @ApiProperty({ description: '0 to 1' }) fraction!: number;
}

export class ExperimentRunResponseDto {
  @ApiProperty() variant!: number;
  @ApiProperty() repetition!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The variant\'s value of each variable' }) values!: Record<string, string>;
  @ApiProperty({ example: 'sim-0123456789abcdef0' }) simulationId!: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled', 'deleted'] }) state!: string;
  @ApiProperty() reused!: boolean;
}

export class ExperimentResponseDto {
  @ApiProperty({ example: 'exp-0123456789abcdef0' }) experimentId!: string;
  @ApiProperty({ example: 'placement-policy' }) name!: string;
  @ApiPropertyOptional() builtIn?: string;
  @ApiProperty({ enum: ['running', 'completed', 'failed'] }) state!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The experiment document as run' }) experiment!: object;
  @ApiProperty({ type: ExperimentProgressResponseDto }) progress!: ExperimentProgressResponseDto;
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ description: 'Why it failed' }) error?: string;
  @ApiPropertyOptional({ type: [ExperimentRunResponseDto], description: 'Its runs (GET of one experiment)' }) runs?: ExperimentRunResponseDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The report, once completed: per variant the headline figures (mean, s.d., 95 % interval), chart series' }) report?: object;
}

export class ExperimentPageResponseDto {
  @ApiProperty({ type: [ExperimentResponseDto] }) experiments!: ExperimentResponseDto[];
  @ApiPropertyOptional() nextToken?: string;
}
