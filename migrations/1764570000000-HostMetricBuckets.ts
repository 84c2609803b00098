import { BucketSummary } from '@nimbus/hypervisor';
import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { HOST_BUCKET_FIELDS, hostBucketRow } from '../apps/api/src/persistence/host-metric-buckets';

/** metric_buckets rows read at a time by the back-fill, and rows inserted per statement. */
const READ_PAGE = 2_000;
const INSERT_ROWS = 200;

/**
 * The fleet views at 10,000 hosts (issue 13, item 5): `host_metric_buckets`, the fields of each
 * host bucket that the heatmap and availability read (CPU and memory utilization, `failed`), beside
 * the bucket's whole JSON summary in metric_buckets, so that a fleet's window is read without
 * parsing 250,000 JSON summaries (apps/api/src/persistence/host-metric-buckets.ts). SQLite keeps
 * its rows in key order (WITHOUT ROWID): a host's window is a few neighbouring pages. The host rows
 * of metric_buckets already there are copied
 * (their summaries projected as the change writer projects a new one), so a database written before
 * this migration answers as before; reverting drops the table alone.
 */
export class HostMetricBuckets1764570000000 implements MigrationInterface {
  name = 'HostMetricBuckets1764570000000';

  async up(q: QueryRunner): Promise<void> {
    const postgres = q.connection.driver.options.type === 'postgres';
    await q.createTable(new Table({
      name: 'host_metric_buckets',
      withoutRowid: true,
      columns: [
        { name: 'host_id', type: 'varchar', length: '32', isPrimary: true },
        { name: 'bucket_start', type: 'bigint', isPrimary: true },
        { name: 'head', type: 'text' },
        ...HOST_BUCKET_FIELDS.map((f) => ({ name: f.column, type: 'text' })),
      ],
    }));
    const columns = ['host_id', 'bucket_start', 'head', ...HOST_BUCKET_FIELDS.map((f) => f.column)];
    const p = (i: number) => (postgres ? `$${i + 1}` : '?');
    // Keyset pages in primary-key order: each page one index range, whatever the table's size.
    let after: [string, number] = ['', -1];
    for (;;) {
      const page: { id: string; start: string | number; summary: string }[] = await q.query(
        `SELECT entity_id AS id, bucket_start AS start, summary FROM metric_buckets WHERE kind = 'host' AND (entity_id, bucket_start) > (${p(0)}, ${p(1)}) ` +
          `ORDER BY entity_id, bucket_start LIMIT ${READ_PAGE}`,
        after,
      );
      if (page.length === 0) break;
      for (let i = 0; i < page.length; i += INSERT_ROWS) {
        const rows = page.slice(i, i + INSERT_ROWS).map((r) => {
          const row = hostBucketRow(r.id, JSON.parse(r.summary) as BucketSummary) as unknown as Record<string, unknown>;
          return [r.id, Number(r.start), row.head, ...HOST_BUCKET_FIELDS.map((f) => row[f.property])];
        });
        const values = rows.map((_, k) => `(${columns.map((_c, j) => p(k * columns.length + j)).join(', ')})`).join(', ');
        await q.query(`INSERT INTO host_metric_buckets (${columns.join(', ')}) VALUES ${values}`, rows.flat());
      }
      const last = page[page.length - 1];
      after = [last.id, Number(last.start)];
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('host_metric_buckets');
  }
}
