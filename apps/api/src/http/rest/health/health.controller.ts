import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '../../../application/common/api-errors';
import { EngineService } from '../../../engine/engine.service';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly engine: EngineService,
  ) {}

  @Get()
  async health() {
    try {
      await this.db.query('SELECT 1');
    } catch {
      throw new ApiError('ServiceUnavailable', 'the database does not answer');
    }
    return { status: 'ok', database: this.db.options.type === 'postgres' ? 'postgres' : 'sqlite', simulatedTime: this.engine.clock().now, hosts: this.engine.fleet.hostCount };
  }
}
