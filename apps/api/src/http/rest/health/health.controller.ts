import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../openapi/api-errors';
import { HealthSummaryResponseDto, LivenessResponseDto, ReadinessResponseDto } from './health-response.dto';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { FastifyReply } from 'fastify';
import { DependencyState, HealthService } from '../../../application/health/health.service';
import { ApiError } from '../../../application/common/api-errors';
import { AdminAuth } from '../auth/guards';
import { MetricsService } from '../../../metrics/metrics.service';

@ApiTags('ops')
@Controller()
export class HealthController {
  constructor(
    private readonly healthService: HealthService,
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly metrics: MetricsService,
  ) {}

  @ApiOkResponse({ type: HealthSummaryResponseDto })
  @Get('health')
  @ApiOperation({ summary: 'A summary: the database answers; which one; the simulated time; how many hosts.' })
  async summary() {
    const h = await this.healthService.check();
    return { status: 'ok', database: h.database, simulatedTime: h.simulatedTime, hosts: h.hosts };
  }

  @ApiOkResponse({ type: LivenessResponseDto })
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process runs and answers.' })
  live() {
    return { status: 'ok' };
  }

  @ApiOkResponse({ type: ReadinessResponseDto })
  @ApiErrors({ code: 'ServiceUnavailable', message: 'not ready: database (connect ECONNREFUSED 127.0.0.1:5432)' })
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: the database answers, the engine keeps up with its clock, and Redis answers when simulation runs use it; 503 ServiceUnavailable naming what fails.' })
  async ready() {
    const as = (key: string, state: DependencyState) => {
      const session = this.indicator.check(key);
      return state.up ? session.up(state.detail ?? {}) : session.down({ reason: state.reason });
    };
    try {
      const redis = await this.healthService.redis();
      const result = await this.health.check([
        async () => as('database', await this.healthService.database()),
        () => as('engine', this.healthService.engineState()),
        ...(redis ? [() => as('redis', redis)] : []),
      ]);
      return { status: 'ok', checks: result.details };
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const { error = {} } = err.getResponse() as { error?: Record<string, { reason?: string }> };
      throw new ApiError('ServiceUnavailable', `not ready: ${Object.entries(error).map(([k, v]) => `${k} (${v.reason ?? 'down'})`).join('; ')}`);
    }
  }

  @ApiOkResponse({
    description: 'The Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' }, example: '# HELP nimbus_http_requests_total HTTP requests answered, by route template, method and status.\n# TYPE nimbus_http_requests_total counter\nnimbus_http_requests_total{route="/v1/instances",method="GET",status="200"} 12\n' } },
  })
  @Get('metrics')
  @AdminAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (text format), to the admin key: HTTP, throttling, the write path, the engine, the fleet, billing, Node.' })
  async prometheus(@Res({ passthrough: true }) res: FastifyReply) {
    const { contentType, body } = await this.metrics.scrape();
    void res.header('Content-Type', contentType);
    return body;
  }
}
