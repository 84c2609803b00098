import { Injectable } from '@nestjs/common';
import { ApiError } from '../common/api-errors';
import { HealthRepository } from '../../persistence/health.repository';
import { EngineService } from '../../engine/engine.service';

/** Nimbus's health: the database answers; which database; where simulated time stands; how many hosts. */
export interface Health {
  readonly database: 'postgres' | 'sqlite';
  readonly simulatedTime: string;
  readonly hosts: number;
}

@Injectable()
export class HealthService {
  constructor(
    private readonly db: HealthRepository,
    private readonly engine: EngineService,
  ) {}

  /** Throws ServiceUnavailable when the database does not answer. */
  async check(): Promise<Health> {
    try {
      await this.db.ping();
    } catch {
      throw new ApiError('ServiceUnavailable', 'the database does not answer');
    }
    return { database: this.db.databaseKind, simulatedTime: this.engine.clock().now, hosts: this.engine.fleet.hostCount };
  }
}
