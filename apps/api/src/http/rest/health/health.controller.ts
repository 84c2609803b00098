import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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

  @Get('health')
  @ApiOperation({ summary: 'A summary: the database answers; which one; the simulated time; how many hosts.' })
  async summary() {
    const h = await this.healthService.check();
    return { status: 'ok', database: h.database, simulatedTime: h.simulatedTime, hosts: h.hosts };
  }

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process runs and answers.' })
  live() {
    return { status: 'ok' };
  }

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
