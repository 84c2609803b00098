import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthService } from '../../../application/health/health.service';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(private readonly healthService: HealthService) {}

  @Get()
  async health() {
    const h = await this.healthService.check();
    return { status: 'ok', database: h.database, simulatedTime: h.simulatedTime, hosts: h.hosts };
  }
}
