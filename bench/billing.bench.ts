/**
 * Billing benchmark: closing a month for 1,000 tenants, 100,000 instances and over a million
 * usage records, through the app's real close path (closeMonth: usage rows read from a real
 * database, rated by libs/metering, invoices and lines written, in one transaction).
 *
 *   npm run bench:billing [-- --tenants 1000 --instances 100000 --runs 7]
 *   DATABASE_URL=postgres://… npm run bench:billing     (default: a SQLite file in a temp directory)
 *
 * Method (also in docs/benchmarks.md, "Billing"):
 * - Schema from the migrations. Per instance (round-robin over tenants, seeded PRNG): `--runs`
 *   running intervals in April 2025 (a mix of Linux, Windows, SQL Server, RHEL, SUSE, BYOL; some t3
 *   with surplus credits), the last one still open at the month's end (end_ms NULL, as the engine
 *   leaves a running instance), a gp3 or io2 volume, and internet and cross-AZ transfer readings;
 *   1 % of the instances have an 8-hour unavailability (a host failure). Rows are bulk-inserted
 *   before timing starts.
 * - Timed: closeMonth() alone, from the first read to the commit. Peak RSS is the process's
 *   maximum resident set (getrusage), which includes the data generation before.
 * - Then one invoice is recomputed from the stored usage and compared to the cent.
 */
import { INSTANCE_TYPES } from '@nimbus/hypervisor';
import { DEFAULT_CREDIT_POLICY, seedPriceBook } from '@nimbus/metering';
import { listedInstanceTypes } from '@nimbus/simulation';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { closeMonth } from '../apps/api/src/application/billing/billing-close';
import { BillingRepository } from '../apps/api/src/persistence/billing.repository';
import { invoiceFromStore } from '../apps/api/src/persistence/usage-store';
import { loadConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { InvoiceEntity } from '../apps/api/src/persistence/entities';
import { seededRandom } from './lib/random';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const TENANTS = Number(arg('tenants', '1000'));
const INSTANCES = Number(arg('instances', '100000'));
const RUNS = Number(arg('runs', '7'));
const MONTH = '2025-04';
const M0 = Date.UTC(2025, 3, 1);
const M1 = Date.UTC(2025, 4, 1);
const HOUR = 3_600_000;
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const TYPES: [string, number][] = [['m5.large', 2], ['m5.xlarge', 4], ['c5.2xlarge', 8], ['r5.large', 2], ['t3.micro', 2], ['t3.large', 2]];
const PLATFORMS: [string, string][] = [['linux', 'license-included'], ['linux', 'license-included'], ['windows', 'license-included'], ['windows-sql-standard', 'license-included'], ['rhel', 'license-included'], ['suse', 'license-included'], ['ubuntu-pro', 'license-included'], ['windows', 'byol']];
const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

async function insertRows(ds: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  // Multi-row INSERTs of at most ~30,000 bound parameters (SQLite's limit is 32,766).
  const per = Math.floor(30_000 / columns.length);
  const pg = ds.options.type === 'postgres';
  await ds.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += per) {
      const batch = rows.slice(i, i + per);
      let p = 0;
      const values = batch.map((r) => `(${r.map(() => (pg ? `$${++p}` : '?')).join(',')})`).join(',');
      await tx.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values}`, batch.flat());
    }
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nimbus-bench-billing-'));
  const url = process.env.DATABASE_URL ?? `sqlite:${join(dir, 'billing.sqlite')}`;
  const ds = new DataSource(dataSourceOptions(loadConfig({ DATABASE_URL: url }).database));
  await ds.initialize(); // runs the migrations
  const random = seededRandom(42);
  console.log(`billing benchmark: ${TENANTS} tenants, ${INSTANCES} instances, ${RUNS} runs each, month ${MONTH}; database ${url.startsWith('sqlite') ? 'SQLite file' : 'PostgreSQL'}`);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const t0 = Date.now();
  const tenantIds = Array.from({ length: TENANTS }, (_, i) => `t-${hex(i)}`);
  await insertRows(ds, 'tenants', ['id', 'name', 'quota_on_demand_vcpus', 'quota_provisioned_iops', 'created_at'], tenantIds.map((id, i) => [id, `bench-${i}`, 1_000_000, 1_000_000, 0]));

  const usage: unknown[][] = [];
  const sla: unknown[][] = [];
  const columns = ['record_id', 'tenant_id', 'kind', 'resource_id', 'start_ms', 'end_ms', 'period_start_ms', 'quantity', 'attrs'];
  let written = 0;
  const flush = async () => {
    written += usage.length;
    await insertRows(ds, 'usage_records', columns, usage);
    usage.length = 0;
  };
  const slot = Math.floor((M1 - M0) / RUNS);
  for (let n = 0; n < INSTANCES; n++) {
    const tenantId = tenantIds[n % TENANTS];
    const id = `i-${hex(n)}`;
    const [instanceType, vcpus] = TYPES[Math.floor(random() * TYPES.length)];
    const [platform, licenseModel] = PLATFORMS[Math.floor(random() * PLATFORMS.length)];
    const availabilityZone = ZONES[n % ZONES.length];
    const attrs = JSON.stringify({ instanceType, vcpus, platform, licenseModel, tenancy: 'default', availabilityZone });
    for (let r = 0; r < RUNS; r++) {
      // A run somewhere in its slot of the month; the last is still running at the month's end.
      const start = M0 + r * slot + Math.floor(random() * slot * 0.5);
      const last = r === RUNS - 1;
      const end = last ? null : start + 30_000 + Math.floor(random() * slot * 0.4);
      usage.push([`instance:${id}:${start}`, tenantId, 'instance-usage', id, start, end, start, null, attrs]);
    }
    const vol = `vol-${hex(n)}`;
    const io2 = random() < 0.1;
    usage.push([`volume:${vol}:${M0}`, tenantId, 'volume-usage', vol, M0, null, null, null,
      JSON.stringify({ volumeType: io2 ? 'io2' : 'gp3', sizeGiB: 8 + Math.floor(random() * 500), iops: io2 ? 10_000 : 3000 + Math.floor(random() * 4) * 1000, throughputMiBps: 125, availabilityZone })]);
    const at = M0 + Math.floor(random() * (M1 - M0));
    const bytes = Math.floor(random() * 50e9);
    usage.push([`transfer:${id}:internet-out:@${bytes}`, tenantId, 'data-transfer', id, at, at, null, bytes, '{"direction":"internet-out"}']);
    usage.push([`transfer:${id}:cross-az:@${Math.floor(bytes / 16)}`, tenantId, 'data-transfer', id, at, at, null, Math.floor(bytes / 16), '{"direction":"cross-az"}']);
    if (instanceType.startsWith('t3')) {
      const surplus = Math.floor(random() * 3_600_000);
      usage.push([`surplus:${id}:@${surplus}`, tenantId, 'cpu-surplus', id, at, at, null, surplus, JSON.stringify({ instanceType, platform })]);
    }
    if (n % 100 === 0) {
      const down = M0 + 10 * 24 * HOUR + (n % 7) * HOUR;
      sla.push([`unavailable:${id}:${down}`, 'unavailable', tenantId, id, down, down + 8 * HOUR, '{"reason":"host-failure"}']);
    }
    if (usage.length >= 100_000) await flush();
  }
  await flush();
  await insertRows(ds, 'sla_intervals', ['id', 'kind', 'tenant_id', 'instance_id', 'start_ms', 'end_ms', 'detail'], sla);
  console.log(`generated and inserted ${written.toLocaleString('en-US')} usage records and ${sla.length} SLA intervals in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const book = seedPriceBook(0, listedInstanceTypes(INSTANCE_TYPES));
  const started = process.hrtime.bigint();
  const result = await ds.transaction((tx) => closeMonth(new BillingRepository(ds), tx, MONTH, M1, book, DEFAULT_CREDIT_POLICY));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = process.resourceUsage().maxRSS;
  const lines = (await ds.query('SELECT COUNT(*) AS n FROM invoice_lines'))[0].n;
  console.log('');
  console.log(`closed ${result.month}: ${result.invoices} invoices, ${Number(lines).toLocaleString('en-US')} lines, total $${result.total}`);
  console.log(`  usage records read and rated: ${result.usageRecords.toLocaleString('en-US')}`);
  console.log(`  wall time:   ${seconds.toFixed(2)} s  (target < 30 s)`);
  console.log(`  throughput:  ${Math.round(result.usageRecords / seconds).toLocaleString('en-US')} records/s`);
  console.log(`  peak RSS:    ${mb(rss)}  (target < 2 GiB)`);
  console.log(`  load average at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  // Reproducible: one invoice recomputed from the stored usage gives the stored cents.
  const sample = await ds.getRepository(InvoiceEntity).findOneByOrFail({ tenantId: tenantIds[7], month: MONTH });
  const again = await invoiceFromStore(ds.manager, sample.tenantId, { month: MONTH, startMs: M0, endMs: M1 }, M1, book, DEFAULT_CREDIT_POLICY);
  console.log(`  recomputed ${sample.tenantId}: ${again.total} vs stored ${sample.total} → ${again.total === sample.total ? 'same' : 'DIFFERENT'}`);
  await ds.destroy();
  rmSync(dir, { recursive: true, force: true });
  if (again.total !== sample.total) process.exit(1);
}

void main();
