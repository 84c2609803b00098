import { Body, Controller, Delete, Get, Headers, HttpCode, Logger, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiExtraModels, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { FastifyReply, FastifyRequest } from 'fastify';
import { AdminAuth } from '../auth/guards';
import { FINAL_STATES, SimulationsService } from '../../../application/simulations/simulations.service';
import {
  ChartSeriesResponseDto, CompareSimulationsQueryDto, CreateSimulationDto, ListSimulationsQueryDto, SIMULATION_CSV_EXAMPLE, SimulationComparisonResponseDto, SimulationCsvQueryDto,
  SimulationPageResponseDto, SimulationReportResponseDto, SimulationResponseDto,
} from './simulation.dto';
import { mapChartSeries, mapComparison, mapReport, mapSimulation, mapSimulationPage, toListSimulationsCommand } from './simulation.mapper';

const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? '');
/** A comment line keeps proxies from closing a quiet stream. */
const SSE_KEEPALIVE_MS = 15_000;

/** Marks the answer as a CSV download; the caller returns the text. */
function asCsv(res: FastifyReply, filename: string): void {
  void res.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${filename}"`);
}

@ApiTags('admin: simulations')
@AdminAuth()
@Controller('v1/admin/simulations')
export class SimulationsController {
  private readonly logger = new Logger(SimulationsController.name);

  constructor(private readonly simulations: SimulationsService) {}

  @Post()
  @HttpCode(202)
  @ApiErrors('InvalidScenario', { code: 'InvalidParameterValue', message: "builtIn 'x' is not a built-in scenario (azure-small, planetlab-day, bitbrains-fast)" }, 'ValidationError')
  @ApiAcceptedResponse({ type: SimulationResponseDto, description: 'Validated, stored and queued (state `queued`). A bad scenario is 400 InvalidScenario naming the JSON path of each bad field.' })
  async submit(@Body() dto: CreateSimulationDto, @Res({ passthrough: true }) res: FastifyReply) {
    const run = await this.simulations.submit({ scenario: dto.scenario, builtIn: dto.builtIn, overrides: dto.overrides, split: dto.execution?.split });
    void res.header('Location', `/v1/admin/simulations/${run.id}`);
    return mapSimulation(run);
  }

  @Get()
  @ApiOkResponse({ type: SimulationPageResponseDto, description: 'Newest first' })
  @ApiErrors('ValidationError', 'InvalidPaginationToken')
  @ApiQuery({ name: 'maxResults', required: false, description: '5 to 1000 (default 50)' })
  @ApiQuery({ name: 'nextToken', required: false })
  async list(@Query() q: ListSimulationsQueryDto) {
    return mapSimulationPage(await this.simulations.list(toListSimulationsCommand(q)));
  }

  // Before ':id', which would otherwise take 'compare' for an id.
  @Get('compare')
  @ApiOkResponse({ type: SimulationComparisonResponseDto, description: 'The same series of both runs side by side, and the deltas (b − a) of the headline figures' })
  @ApiErrors('MissingParameter', 'ValidationError', 'InvalidSimulationID.NotFound', 'IncorrectSimulationState')
  async compare(@Query() q: CompareSimulationsQueryDto) {
    return mapComparison(await this.simulations.compare({ a: q.a, b: q.b }));
  }

  @Get(':id')
  @ApiOkResponse({ type: SimulationResponseDto, description: 'State and progress; once completed or cancelled, the report too' })
  @ApiErrors('InvalidSimulationID.NotFound')
  async get(@Param('id') id: string) {
    const run = await this.simulations.getWithCells({ simulationId: id });
    return mapSimulation(run, await this.simulations.reportIfAny(run));
  }

  @Get(':id/events')
  @ApiOkResponse({
    description: 'Server-sent events: `progress` (the run, as GET answers it, at each change), then `end` (the run in its final state); the stream then closes',
    content: { 'text/event-stream': { schema: { type: 'string' }, example: 'event: progress\nid: 1\ndata: {"simulationId":"sim-0123456789abcdef0","state":"running"}\n\n' } },
  })
  @ApiErrors('InvalidSimulationID.NotFound')
  async events(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.simulations.get({ simulationId: id }); // a missing run is a 404, before the stream starts
    // The stream is written on the socket's response directly: Fastify is told it is handled.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no', 'x-request-id': String(req.id) });
    res.flushHeaders();
    const closed = new AbortController();
    req.raw.on('close', () => closed.abort());
    const keepalive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
    let n = 0;
    try {
      for await (const run of this.simulations.watch({ simulationId: id }, closed.signal)) {
        const event = FINAL_STATES.includes(run.state) ? 'end' : 'progress';
        res.write(`event: ${event}\nid: ${++n}\ndata: ${JSON.stringify(mapSimulation(run))}\n\n`);
      }
    } catch (err) {
      // The stream has begun: the error shape cannot be a status any more, so it is an event.
      this.logger.error({ err, simulationId: id }, 'simulation event stream failed');
      res.write(`event: error\ndata: ${JSON.stringify({ code: 'InternalError', message: 'An internal error has occurred.' })}\n\n`);
    } finally {
      clearInterval(keepalive);
      res.end();
    }
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiErrors('InvalidSimulationID.NotFound', 'IncorrectSimulationState')
  @ApiOkResponse({ type: SimulationResponseDto, description: 'A queued run is cancelled at once; a running one is asked to stop (cancelRequested) and its worker keeps its partial results, marked cancelled' })
  async cancel(@Param('id') id: string) {
    return mapSimulation(await this.simulations.cancel({ simulationId: id }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted with its results; a running run is 409 (cancel it first)' })
  @ApiErrors('InvalidSimulationID.NotFound', 'IncorrectSimulationState')
  delete(@Param('id') id: string) {
    return this.simulations.delete({ simulationId: id });
  }

  @Get(':id/report')
  @ApiOkResponse({ type: SimulationReportResponseDto, description: 'The report (JSON): headline figures, series and tables, digest; `cancelled` when it holds partial results' })
  @ApiErrors('InvalidSimulationID.NotFound', 'IncorrectSimulationState')
  async report(@Param('id') id: string) {
    return mapReport(await this.simulations.report({ simulationId: id }));
  }

  @Get(':id/csv')
  @ApiOkResponse({ description: 'A series or a table of the report as CSV', content: { 'text/csv': { schema: { type: 'string' }, example: SIMULATION_CSV_EXAMPLE } } })
  @ApiErrors('InvalidSimulationID.NotFound', 'InvalidSeries.NotFound', 'IncorrectSimulationState', 'ValidationError')
  @ApiQuery({ name: 'series', required: false, description: 'A series of the report: one column per group, one row per bucket' })
  @ApiQuery({ name: 'table', required: false, description: 'A table of the report' })
  async csv(@Param('id') id: string, @Query() q: SimulationCsvQueryDto, @Res({ passthrough: true }) res: FastifyReply): Promise<string> {
    const { filename, csv } = await this.simulations.csv({ simulationId: id, series: q.series, table: q.table });
    asCsv(res, filename);
    return csv;
  }

  @Get(':id/series/:name')
  @ApiHeader({ name: 'Accept', required: false, description: '`text/csv` for CSV' })
  @ApiExtraModels(ChartSeriesResponseDto)
  @ApiOkResponse({
    description: 'Chart-ready: one x axis (offsetsMs from the scenario\'s start) and one dataset per group; CSV with `Accept: text/csv`',
    content: { 'application/json': { schema: { $ref: getSchemaPath(ChartSeriesResponseDto) } }, 'text/csv': { schema: { type: 'string' }, example: SIMULATION_CSV_EXAMPLE } },
  })
  @ApiErrors('InvalidSimulationID.NotFound', 'InvalidSeries.NotFound', 'IncorrectSimulationState')
  async series(@Param('id') id: string, @Param('name') name: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: FastifyReply) {
    if (wantsCsv(accept)) {
      const { filename, csv } = await this.simulations.csv({ simulationId: id, series: name });
      asCsv(res, filename);
      return csv;
    }
    return mapChartSeries(id, await this.simulations.series({ simulationId: id, name }));
  }
}
