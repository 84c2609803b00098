import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BucketSummary } from '@nimbus/hypervisor';
import { Between, DataSource, LessThan } from 'typeorm';
import { READ_DB } from './data-source';
import { MetricBucketEntity } from './entities';

/**
 * Series ids one batched query names at most: well below SQLite's 32,766 bound parameters and
 * PostgreSQL's 65,535, so a 10,000-host fleet is two queries.
 */
export const MAX_IDS_PER_QUERY = 5_000;

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

  /**
   * `bucketsBetween` of many series at once, by series id (a series without a bucket in the window
   * is absent): one query per MAX_IDS_PER_QUERY ids, each an index range per id.
   */
  async bucketsBetweenMany(entityIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, BucketSummary[]>> {
    const out = new Map<string, BucketSummary[]>();
    for (const ids of chunks(entityIds)) {
      const rows: { id: string; summary: string }[] = await this.read.manager
        .createQueryBuilder(MetricBucketEntity, 'b')
        .select('b.entity_id', 'id').addSelect('b.summary', 'summary')
        .where('b.entity_id IN (:...ids)', { ids })
        .andWhere('b.bucket_start >= :fromMs AND b.bucket_start < :toMs', { fromMs, toMs })
        .orderBy('b.entity_id').addOrderBy('b.bucket_start')
        .getRawMany();
      for (const r of rows) {
        const list = out.get(r.id);
        if (list) list.push(JSON.parse(r.summary) as BucketSummary);
        else out.set(r.id, [JSON.parse(r.summary) as BucketSummary]);
      }
    }
    return out;
  }

  /** `lastBefore` of many series at once, by series id (a series with no bucket before is absent). */
  async lastBeforeMany(entityIds: readonly string[], beforeMs: number): Promise<Map<string, BucketSummary>> {
    const out = new Map<string, BucketSummary>();
    for (const ids of chunks(entityIds)) {
      // The ids as a table, so that each one's newest start before `beforeMs` is one descent of the
      // primary key (entity_id, bucket_start) and its row one more (SQLite and PostgreSQL plan it so);
      // a subquery correlated with metric_buckets itself would be run for every row of the series.
      const params: Record<string, unknown> = { beforeMs };
      ids.forEach((id, i) => (params[`id${i}`] = id));
      const [sql, values] = this.read.driver.escapeQueryWithParameters(
        `WITH ids(id) AS (VALUES ${ids.map((_, i) => `(:id${i})`).join(', ')}) ` +
          'SELECT b.entity_id AS id, b.summary AS summary FROM ids JOIN metric_buckets b ON b.entity_id = ids.id ' +
          'AND b.bucket_start = (SELECT MAX(p.bucket_start) FROM metric_buckets p WHERE p.entity_id = ids.id AND p.bucket_start < :beforeMs)',
        params, {},
      );
      const rows: { id: string; summary: string }[] = await this.read.query(sql, values);
      for (const r of rows) out.set(r.id, JSON.parse(r.summary) as BucketSummary);
    }
    return out;
  }
}

function* chunks(ids: readonly string[]): Generator<string[]> {
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) yield ids.slice(i, i + MAX_IDS_PER_QUERY);
}
