import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { BucketSummary, MetricKind, projectBucket } from '@nimbus/hypervisor';
import { Between, DataSource, LessThan } from 'typeorm';
import { READ_DB } from './data-source';
import { MetricBucketEntity } from './entities';
import { placeholders } from './fast-sql';
import { decodeHostBuckets, hostBucketColumns } from './host-metric-buckets';

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
   * What a window of many series of one kind reads, by series id: each one's buckets that start in
   * [fromMs, toMs), oldest first, and the row it carries in (its last before `fromMs`); a series
   * with none is absent. `fields`: the only fields (indices) the caller reads, in that order; each
   * bucket then holds those alone (`projectBucket`). Hosts' fields that `host_metric_buckets` holds
   * are read from there (hostWindowMany), the others from the JSON summaries.
   */
  async windowMany(kind: MetricKind, ids: readonly string[], fromMs: number, toMs: number, fields?: readonly number[]): Promise<SeriesWindows> {
    const columns = kind === 'host' && fields ? hostBucketColumns(fields) : undefined;
    if (columns) return this.hostWindowMany(ids, fromMs, toMs, columns);
    const buckets = await this.bucketsBetweenMany(ids, fromMs, toMs);
    const carries = await this.lastBeforeMany(ids, fromMs);
    const project = (b: BucketSummary) => (fields ? projectBucket(b, fields) : b);
    return {
      buckets: (id) => (buckets.get(id) ?? []).map(project),
      carry: (id) => {
        const b = carries.get(id);
        return b && project(b);
      },
    };
  }

  /**
   * `windowMany` from `host_metric_buckets` (`columns` of it): per MAX_IDS_PER_QUERY hosts, one
   * query for the window, which concatenates each host's rows in it into one string
   * (host-metric-buckets.ts), and one for the rows to carry in, at once (on PostgreSQL two
   * connections of the pool); an index range per host each. The strings are decoded when a series
   * is asked for. The concatenation takes the rows in the order the database reads them (on
   * PostgreSQL an ORDER BY in string_agg sorted every host's rows apart, a third of the query's
   * time); decoding puts them in time order (a host has one row per start).
   */
  private async hostWindowMany(ids: readonly string[], fromMs: number, toMs: number, columns: readonly string[]): Promise<SeriesWindows> {
    const buckets = new Map<string, string>();
    const carries = new Map<string, string>();
    const concat = this.read.options.type === 'postgres' ? 'string_agg' : 'group_concat';
    const record = ['b.head', ...columns.map((c) => `b.${c}`)].join(' || ');
    const at = (i: number) => placeholders(this.read.manager, 1, i);
    for (const part of chunks(ids)) {
      const n = part.length;
      const sql = `SELECT b.host_id AS id, ${concat}(${record}, '') AS data FROM host_metric_buckets b ` +
        `WHERE b.host_id IN (${placeholders(this.read.manager, n)}) AND b.bucket_start >= ${at(n)} AND b.bucket_start < ${at(n + 1)} GROUP BY b.host_id`;
      const [window, carry] = await Promise.all([
        this.read.query(sql, [...part, fromMs, toMs]) as Promise<{ id: string; data: string }[]>,
        this.newestBefore('host_metric_buckets', 'host_id', record, part, fromMs),
      ]);
      for (const r of window) buckets.set(r.id, r.data);
      for (const r of carry) carries.set(r.id, r.data);
    }
    const decode = (data: string | undefined) => (data === undefined ? [] : decodeHostBuckets(data, columns.length));
    return { buckets: (id) => decode(buckets.get(id)), carry: (id) => decode(carries.get(id))[0] };
  }

  /**
   * `bucketsBetween` of many series at once, by series id (a series without a bucket in the window
   * is absent): one query per MAX_IDS_PER_QUERY ids, each an index range per id.
   */
  private async bucketsBetweenMany(entityIds: readonly string[], fromMs: number, toMs: number): Promise<Map<string, BucketSummary[]>> {
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
  private async lastBeforeMany(entityIds: readonly string[], beforeMs: number): Promise<Map<string, BucketSummary>> {
    const out = new Map<string, BucketSummary>();
    for (const ids of chunks(entityIds)) {
      for (const r of await this.newestBefore('metric_buckets', 'entity_id', 'b.summary', ids, beforeMs)) out.set(r.id, JSON.parse(r.data) as BucketSummary);
    }
    return out;
  }

  /**
   * `select` (an expression of the row `b`) of each id's newest row of `table` (keyed by
   * (`key`, bucket_start)) that starts before `beforeMs`; an id with none has no row. The ids as a
   * table, so that each one's newest start is one descent of the primary key and its row one more
   * (SQLite and PostgreSQL plan it so); a subquery correlated with the table itself would be run
   * for every row of the series.
   */
  private async newestBefore(table: string, key: string, select: string, ids: readonly string[], beforeMs: number): Promise<{ id: string; data: string }[]> {
    const m = this.read.manager;
    const before = placeholders(m, 1, ids.length);
    const sql = `WITH ids(id) AS (VALUES (${placeholders(m, ids.length).replaceAll(', ', '), (')})) ` +
      `SELECT b.${key} AS id, ${select} AS data FROM ids JOIN ${table} b ON b.${key} = ids.id ` +
      `AND b.bucket_start = (SELECT MAX(p.bucket_start) FROM ${table} p WHERE p.${key} = ids.id AND p.bucket_start < ${before})`;
    return this.read.query(sql, [...ids, beforeMs]);
  }
}

/**
 * Many series' buckets in a window and the rows they carry in, by series id (`windowMany`): an
 * absent series has none. Read on demand, each series once: a fleet's buckets are made one series
 * at a time and are garbage by the next, rather than all held at once.
 */
export interface SeriesWindows {
  /** The series' buckets in the window, oldest first (the caller's to keep or change). */
  buckets(id: string): BucketSummary[];
  /** The series' last bucket before the window. */
  carry(id: string): BucketSummary | undefined;
}

function* chunks(ids: readonly string[]): Generator<string[]> {
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) yield ids.slice(i, i + MAX_IDS_PER_QUERY);
}
