import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, FindOptionsWhere, LessThan } from 'typeorm';
import { READ_DB } from './data-source';
import { SimEventEntity } from './entities';

/** What the event log is filtered by (every field must match). */
export interface EventFilter {
  readonly hostId?: string;
  readonly instanceId?: string;
  readonly tenantId?: string;
  readonly type?: string;
}

/** The simulated timeline's events (`sim_events`), as committed. */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly read: DataSource) {}

  /** Newest first: up to `take` events matching the filter, with sequence numbers below `beforeSeq` if given. */
  newestFirst(filter: EventFilter, beforeSeq: number | undefined, take: number): Promise<SimEventEntity[]> {
    const where: FindOptionsWhere<SimEventEntity> = { ...filter };
    return this.read.manager.find(SimEventEntity, {
      where: beforeSeq === undefined ? where : { ...where, seq: LessThan(beforeSeq) },
      order: { seq: 'DESC' },
      take,
    });
  }
}
