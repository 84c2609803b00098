import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BucketSummary } from '@nimbus/hypervisor';
import { Between, DataSource, LessThan } from 'typeorm';
import { READ_DB } from './data-source';
import { MetricBucketEntity } from './entities';

/** The closed metric buckets of instances, hosts and the fleet (`metric_buckets`), as committed. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly read: DataSource) {}

  /** One series' buckets that start in [fromMs, toMs), oldest first. */
  async bucketsBetween(entityId: string, fromMs: number, toMs: number): Promise<BucketSummary[]> {
    const rows = await this.read.manager.find(MetricBucketEntity, { where: { entityId, bucketStart: Between(fromMs, toMs - 1) }, order: { bucketStart: 'ASC' } });
    return rows.map((r) => JSON.parse(r.summary) as BucketSummary);
  }

  /** The series' last bucket that starts before `beforeMs` (its state carries forward), if any. */
  async lastBefore(entityId: string, beforeMs: number): Promise<BucketSummary | undefined> {
    const row = await this.read.manager.findOne(MetricBucketEntity, { where: { entityId, bucketStart: LessThan(beforeMs) }, order: { bucketStart: 'DESC' } });
    return row ? (JSON.parse(row.summary) as BucketSummary) : undefined;
  }
}
