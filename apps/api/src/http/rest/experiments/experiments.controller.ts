import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AdminAuth } from '../auth/guards';
import { ApiErrors } from '../openapi/api-errors';
import { ExperimentsService, ExperimentView } from '../../../application/experiments/experiments.service';
import { BuiltInExperimentListResponseDto, CreateExperimentDto, ExperimentPageResponseDto, ExperimentResponseDto, ListExperimentsQueryDto } from './experiment.dto';

const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());

function mapExperiment(v: ExperimentView) {
  return {
    experimentId: v.id, name: v.name, ...(v.builtIn !== null ? { builtIn: v.builtIn } : {}), state: v.state, experiment: v.experiment, progress: v.progress,
    createdAt: iso(v.createdAt), ...(v.finishedAt !== null ? { finishedAt: iso(v.finishedAt) } : {}), ...(v.error !== null ? { error: v.error } : {}),
    ...(v.runs ? { runs: v.runs } : {}), ...(v.report ? { report: v.report } : {}),
  };
}

@ApiTags('admin: experiments')
@AdminAuth()
@Controller('v1/admin/experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Post()
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ExperimentResponseDto, description: 'Validated (every variant\'s scenario too), stored, its runs queued as one flow; runs computed before for the same scenario, seed and code are reused. A bad document is 400 InvalidExperiment naming the JSON path of each bad field.' })
  @ApiErrors({ code: 'InvalidExperiment', message: 'The experiment is not valid: $.variables: must have at least 1 item' }, { code: 'InvalidParameterValue', message: 'Give exactly one of experiment or builtIn' }, 'ValidationError')
  async submit(@Body() dto: CreateExperimentDto, @Res({ passthrough: true }) res: FastifyReply) {
    const v = await this.experiments.submit({ experiment: dto.experiment, builtIn: dto.builtIn, overrides: dto.overrides });
    void res.header('Location', `/v1/admin/experiments/${v.id}`);
    return mapExperiment(v);
  }

  @Get()
  @ApiOkResponse({ type: ExperimentPageResponseDto, description: 'Newest first' })
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000 (default 50)' })
  @ApiQuery({ name: 'nextToken', required: false })
  @ApiErrors('ValidationError', 'InvalidPaginationToken')
  async list(@Query() q: ListExperimentsQueryDto) {
    const page = await this.experiments.list({ maxResults: q.maxResults, nextToken: q.nextToken });
    return { experiments: page.experiments.map(mapExperiment), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  @Get('built-in')
  @ApiOkResponse({ type: BuiltInExperimentListResponseDto, description: 'The built-in experiments (docs/experiments/): each one\'s document and how many runs it makes' })
  builtIns() {
    return { experiments: this.experiments.builtIns() };
  }

  @Get('schema')
  @ApiOkResponse({
    description: 'The experiment document\'s JSON Schema (draft-07)',
    content: { 'application/json': { schema: { type: 'object', additionalProperties: true }, example: { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' } } },
  })
  schema() {
    return this.experiments.schema();
  }

  @Get(':id')
  @ApiOkResponse({ type: ExperimentResponseDto, description: 'Progress, its runs, and once completed the report' })
  @ApiErrors({ code: 'InvalidExperimentID.NotFound', message: "The experiment ID 'exp-0123456789abcdef0' does not exist" })
  async get(@Param('id') id: string) {
    return mapExperiment(await this.experiments.get(id));
  }

  @Get(':id/csv')
  @ApiOkResponse({
    description: 'The report\'s table: a row per variant, its variable values, then each figure\'s mean and 95 % interval',
    content: { 'text/csv': { schema: { type: 'string' }, example: 'weigher,energyKWh_mean,energyKWh_ci95_low,energyKWh_ci95_high\npack,12,7.031324,16.968676\nspread,20,20,20\n' } },
  })
  @ApiErrors({ code: 'InvalidExperimentID.NotFound', message: "The experiment ID 'exp-0123456789abcdef0' does not exist" }, { code: 'IncorrectExperimentState', message: "The experiment 'exp-0123456789abcdef0' is running: it has no report yet" })
  async csv(@Param('id') id: string, @Res({ passthrough: true }) res: FastifyReply) {
    const { filename, csv } = await this.experiments.csv(id);
    void res.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${filename}"`);
    return csv;
  }
}
