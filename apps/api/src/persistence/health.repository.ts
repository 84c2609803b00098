import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Whether the database answers, and which one it is. */
@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Throws if the database does not answer. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  get databaseKind(): 'postgres' | 'sqlite' {
    return this.db.options.type === 'postgres' ? 'postgres' : 'sqlite';
  }
}
