import { DataSource, MigrationInterface } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/persistence/data-source';
import { loadConfig } from '../apps/api/src/config/app-config';
import { MIGRATIONS } from '../migrations';
import { NETWORKING_TABLES } from '../migrations/1764510000000-Networking';
import { PARTIAL_INSTANCE_INDEXES } from '../migrations/1764560000000-PartialInstanceIndexes';
import { SnapshotStorageUsage1764750000000 } from '../migrations/1764750000000-SnapshotStorageUsage';
import { PublicIpv4Usage1764760000000 } from '../migrations/1764760000000-PublicIpv4Usage';
import { MonitoringUsage1764815000000 } from '../migrations/1764815000000-MonitoringUsage';
import { HOST_METRICS } from '@nimbus/hypervisor';
import { hostBucketRow } from '../apps/api/src/persistence/host-metric-buckets';
import { iopsSum } from '../apps/api/src/persistence/volumes.repository';
import { createTestDatabase, TestDatabase, usingPostgres } from './support/database';
import { defaultAclId } from '../apps/api/src/application/networking/networking.service';
import { defaultDhcpOptionsId } from '../apps/api/src/application/networking/dhcp-options';

const BILLING_TABLES = ['usage_records', 'usage_meters', 'sla_intervals', 'price_book_versions', 'invoices', 'invoice_lines', 'billing_months'];
const SIMULATION_TABLES = ['simulation_runs', 'simulation_reports', 'simulation_cells', 'experiments', 'experiment_runs'];

/** Runs on SQLite by default and on PostgreSQL when DATABASE_URL points there (CI runs both). */
describe(`migrations on ${usingPostgres() ? 'PostgreSQL' : 'SQLite'}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ ...dataSourceOptions(loadConfig({ DATABASE_URL: db.url }).database), migrationsRun: false });
    await ds.initialize();
  });
  /** Reverts the later migrations, then this one: it is then the first not applied. */
  const undoThrough = async (name: string) => {
    const n = MIGRATIONS.length - MIGRATIONS.findIndex((m) => new m().name === name);
    for (let i = 0; i < n; i++) await ds.undoLastMigration();
  };
  /** A tenant, its reservation and one running instance `i-0000000000000f00N`, as the schema before the migration under test has them. */
  const seedInstance = async (n: number) => {
    await ds.query(`INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000f0${n}', 't${n}', 1, 1, 0, '${210987654320 + n + 4}')`);
    await ds.query(`INSERT INTO reservations (id, tenant_id, request_hash, created_at) VALUES ('r-00000000000000f0${n}', 't-00000000000000f0${n}', 'h', 0)`);
    await ds.query(`INSERT INTO instances (id, tenant_id, reservation_id, image_id, instance_type, platform, tenancy, availability_zone, state, state_since, launch_time, cpu_reservation_millicores, cpu_limit_millicores, cpu_weight)
       VALUES ('i-0000000000000f00${n}', 't-00000000000000f0${n}', 'r-00000000000000f0${n}', 'ami-1', 'm5.large', 'linux', 'default', 'us-east-1a', 'running', 0, 0, 0, 2000, 256)`);
  };
  const dropSeed = async (n: number) => {
    await ds.query(`DELETE FROM instances WHERE tenant_id = 't-00000000000000f0${n}'`);
    await ds.query(`DELETE FROM reservations WHERE tenant_id = 't-00000000000000f0${n}'`);
    await ds.query(`DELETE FROM tenants WHERE id = 't-00000000000000f0${n}'`);
  };
  /** Runs a migration's `up` again, through a query runner released after. */
  const upAgain = async (m: MigrationInterface) => {
    const runner = ds.createQueryRunner();
    try {
      await m.up(runner);
    } finally {
      await runner.release();
    }
  };
  /** Tables as the database describes them, through a query runner released after (each holds one of PostgreSQL's pooled connections). */
  const describeTables = async (names: string[]) => {
    const runner = ds.createQueryRunner();
    try {
      return await runner.getTables(names);
    } finally {
      await runner.release();
    }
  };
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('apply in order and leave a schema that matches the entities exactly', async () => {
    const applied = await ds.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    // With synchronize off, the schema comes from migrations alone: nothing may be left to sync.
    const pending = await ds.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('revert completely, and apply again', async () => {
    for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    const tables = await ds.createQueryRunner().getTables(['tenants', 'instances', 'hosts', 'settings', ...BILLING_TABLES, ...SIMULATION_TABLES]);
    expect(tables).toEqual([]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM instances')).toEqual([{ n: expect.anything() }]);
    for (const t of [...BILLING_TABLES, ...SIMULATION_TABLES]) expect(await ds.query(`SELECT COUNT(*) AS n FROM ${t}`)).toEqual([{ n: expect.anything() }]);
  });

  it('Billing: a usage record id is written once (insert-or-ignore on its key), on this database', async () => {
    const row = { recordId: 'instance:i-0123456789abcdef0:1000', tenantId: 't-1', kind: 'instance-usage', resourceId: 'i-0123456789abcdef0', startMs: 1000, endMs: null, periodStartMs: 1000, quantity: null, attrs: '{}' };
    await ds.createQueryBuilder().insert().into('usage_records').values(row).orIgnore().execute();
    await ds.createQueryBuilder().insert().into('usage_records').values({ ...row, attrs: '{"replayed":true}' }).orIgnore().execute();
    expect(await ds.query("SELECT attrs FROM usage_records WHERE record_id = 'instance:i-0123456789abcdef0:1000'")).toEqual([{ attrs: '{}' }]);
  });

  it('Scheduler1764000000000 adds placement groups, Dedicated Hosts, license configurations and the instance columns, and reverts alone', async () => {
    const runner = ds.createQueryRunner();
    const names = ['placement_groups', 'dedicated_hosts', 'license_configurations'];
    expect((await runner.getTables(names)).map((t) => t.name).sort()).toEqual([...names].sort());
    const instances = (await runner.getTable('instances'))!;
    for (const c of ['placement_group_id', 'partition_number', 'dedicated_host_id', 'license_configuration_id']) expect(instances.findColumnByName(c)).toBeDefined();
    expect(instances.indices.map((i) => i.name)).toEqual(expect.arrayContaining(['ix_instances_placement_group', 'ix_instances_dedicated_host', 'ix_instances_license_configuration']));
    const undo = MIGRATIONS.length - MIGRATIONS.findIndex((m) => new m().name === 'Scheduler1764000000000');
    for (let i = 0; i < undo; i++) await ds.undoLastMigration();
    expect(await runner.getTables(names)).toEqual([]);
    expect((await runner.getTable('instances'))!.findColumnByName('placement_group_id')).toBeUndefined();
    await ds.runMigrations();
    expect(await runner.getTables(names)).toHaveLength(3);
    await runner.release();
  });
  it('TenantRequestLimits1764300000000 adds the nullable request_limits column to tenants and reverts alone, keeping the tenants and their keys', async () => {
    const runner = ds.createQueryRunner();
    const column = (await runner.getTable('tenants'))!.findColumnByName('request_limits');
    expect(column).toMatchObject({ isNullable: true, type: 'text' });
    const limits = JSON.stringify({ multiplier: 10, operations: { RunInstances: { bucketSize: 20, refillPerSecond: 4 } } });
    await ds.query(`INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, request_limits) VALUES ('t-raised', 'raised', 1, 1, 0, '${limits}')`);
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at) VALUES ('t-plain', 'plain', 1, 1, 0)");
    // A key of the tenant: changing the tenants table must not cascade to it (a SQLite table rebuild would).
    await ds.query("INSERT INTO api_keys (id, tenant_id, key_hash, created_at) VALUES ('key-raised', 't-raised', 'h', 0)");
    expect(await ds.query("SELECT id, request_limits FROM tenants WHERE id IN ('t-raised', 't-plain') ORDER BY id")).toEqual([
      { id: 't-plain', request_limits: null },
      { id: 't-raised', request_limits: limits },
    ]);
    // Later migrations first: this one is then the last applied.
    for (let i = MIGRATIONS.findIndex((m) => new m().name === 'TenantRequestLimits1764300000000'); i < MIGRATIONS.length; i++) await ds.undoLastMigration();
    expect((await runner.getTable('tenants'))!.findColumnByName('request_limits')).toBeUndefined();
    expect(await ds.query("SELECT id, name FROM tenants WHERE id IN ('t-raised', 't-plain') ORDER BY id")).toEqual([{ id: 't-plain', name: 'plain' }, { id: 't-raised', name: 'raised' }]);
    expect(await ds.query("SELECT id FROM api_keys WHERE tenant_id = 't-raised'")).toEqual([{ id: 'key-raised' }]);
    await ds.runMigrations();
    expect(await ds.query("SELECT request_limits FROM tenants WHERE id = 't-raised'")).toEqual([{ request_limits: null }]);
    expect(await ds.query("SELECT id FROM api_keys WHERE tenant_id = 't-raised'")).toEqual([{ id: 'key-raised' }]);
    await ds.query("DELETE FROM api_keys WHERE id = 'key-raised'");
    await ds.query("DELETE FROM tenants WHERE id IN ('t-raised', 't-plain')");
    await runner.release();
  });

  it('Simulations1764400000000: a run\'s report is stored once (insert-or-ignore on the run id), and the tables revert alone', async () => {
    await ds.query("INSERT INTO simulation_runs (id, state, scenario, until_ms, created_at) VALUES ('sim-0123456789abcdef0', 'running', '{}', 1000, 0)");
    expect(await ds.query("SELECT attempt, simulated_ms, events, worker FROM simulation_runs WHERE id = 'sim-0123456789abcdef0'")).toEqual([
      { attempt: 0, simulated_ms: expect.anything(), events: expect.anything(), worker: null },
    ]);
    const report = { runId: 'sim-0123456789abcdef0', attempt: 1, report: '{"first":true}', storedAt: 1 };
    await ds.createQueryBuilder().insert().into('simulation_reports').values(report).orIgnore().execute();
    await ds.createQueryBuilder().insert().into('simulation_reports').values({ ...report, attempt: 2, report: '{"second":true}' }).orIgnore().execute();
    expect(await ds.query("SELECT attempt, report FROM simulation_reports WHERE run_id = 'sim-0123456789abcdef0'")).toEqual([{ attempt: 1, report: '{"first":true}' }]);
    await undoThrough('Simulations1764400000000');
    expect(await ds.createQueryRunner().getTables(SIMULATION_TABLES)).toEqual([]);
    expect(await ds.query('SELECT COUNT(*) AS n FROM tenants')).toEqual([{ n: expect.anything() }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM simulation_runs')).toEqual([{ n: expect.anything() }]);
  });

  it('SimulationCells1764530000000 adds the cells table and runs\' cell count (1 for the runs there were), and reverts alone, keeping the runs', async () => {
    await ds.query("INSERT INTO simulation_runs (id, state, scenario, until_ms, created_at) VALUES ('sim-00000000000000c01', 'completed', '{}', 1000, 0)");
    expect(await ds.query("SELECT cells FROM simulation_runs WHERE id = 'sim-00000000000000c01'")).toEqual([{ cells: 1 }]);
    await ds.query("INSERT INTO simulation_cells (run_id, cell, state) VALUES ('sim-00000000000000c01', 0, 'running')");
    expect(await ds.query("SELECT attempt, worker, result FROM simulation_cells WHERE run_id = 'sim-00000000000000c01'")).toEqual([{ attempt: 0, worker: null, result: null }]);
    await undoThrough('SimulationCells1764530000000');
    const runner = ds.createQueryRunner();
    expect(await runner.getTables(['simulation_cells'])).toEqual([]);
    expect((await runner.getTable('simulation_runs'))!.findColumnByName('cells')).toBeUndefined();
    expect(await ds.query("SELECT id, state FROM simulation_runs WHERE id = 'sim-00000000000000c01'")).toEqual([{ id: 'sim-00000000000000c01', state: 'completed' }]);
    await ds.runMigrations();
    expect(await ds.query("SELECT cells FROM simulation_runs WHERE id = 'sim-00000000000000c01'")).toEqual([{ cells: 1 }]);
    await ds.query("DELETE FROM simulation_runs WHERE id = 'sim-00000000000000c01'");
    await runner.release();
  });

  it('Experiments1764540000000 adds experiments, their runs and the runs\' cache key (null for the runs there were), and reverts alone, keeping the runs', async () => {
    await ds.query("INSERT INTO simulation_runs (id, state, scenario, until_ms, created_at) VALUES ('sim-00000000000000e01', 'completed', '{}', 1000, 0)");
    expect(await ds.query("SELECT cache_key FROM simulation_runs WHERE id = 'sim-00000000000000e01'")).toEqual([{ cache_key: null }]);
    await ds.query("INSERT INTO experiments (id, name, document, state, runs, created_at) VALUES ('exp-00000000000000e01', 'x', '{}', 'running', 1, 0)");
    await ds.query("INSERT INTO experiment_runs (experiment_id, run_index, variant, repetition, simulation_id, reused) VALUES ('exp-00000000000000e01', 0, 0, 0, 'sim-00000000000000e01', false)");
    expect(await ds.query("SELECT simulation_id FROM experiment_runs WHERE experiment_id = 'exp-00000000000000e01'")).toEqual([{ simulation_id: 'sim-00000000000000e01' }]);
    await undoThrough('Experiments1764540000000');
    const runner = ds.createQueryRunner();
    expect(await runner.getTables(['experiments', 'experiment_runs'])).toEqual([]);
    expect((await runner.getTable('simulation_runs'))!.findColumnByName('cache_key')).toBeUndefined();
    expect(await ds.query("SELECT id FROM simulation_runs WHERE id = 'sim-00000000000000e01'")).toEqual([{ id: 'sim-00000000000000e01' }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM simulation_runs WHERE id = 'sim-00000000000000e01'");
    await runner.release();
  });

  it('Ec2Credentials1764500000000 gives each existing tenant its own 12-digit account id, and reverts alone, keeping the tenants', async () => {
    await undoThrough('Ec2Credentials1764500000000');
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at) VALUES ('t-00000000000000a01', 'a', 1, 1, 0), ('t-00000000000000a02', 'b', 1, 1, 0)");
    await ds.runMigrations();
    const rows: { account_id: string }[] = await ds.query("SELECT account_id FROM tenants WHERE id IN ('t-00000000000000a01', 't-00000000000000a02')");
    expect(rows).toEqual([{ account_id: expect.stringMatching(/^[1-9]\d{11}$/) }, { account_id: expect.stringMatching(/^[1-9]\d{11}$/) }]);
    expect(rows[0].account_id).not.toBe(rows[1].account_id);
    expect(await ds.query('SELECT COUNT(*) AS n FROM access_keys')).toEqual([{ n: expect.anything() }]);
    await undoThrough('Ec2Credentials1764500000000');
    expect(await ds.createQueryRunner().getTables(['access_keys'])).toEqual([]);
    expect((await ds.query("SELECT id FROM tenants WHERE id IN ('t-00000000000000a01', 't-00000000000000a02')")).length).toBe(2);
    await ds.runMigrations();
  });

  it('Networking1764510000000: an address is held once per subnet, a key name once per tenant; the tables revert alone', async () => {
    const runner = ds.createQueryRunner();
    expect((await runner.getTables(NETWORKING_TABLES)).map((t) => t.name).sort()).toEqual([...NETWORKING_TABLES].sort());
    const eni = (id: string, subnet: string, ip: string) =>
      `INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, delete_on_termination, created_at)
       VALUES ('${id}', 't-1', 'vpc-1', '${subnet}', 'us-east-1a', '${ip}', '0e:00:00:00:00:01', '', ${usingPostgres() ? 'true' : '1'}, 'interface', ${usingPostgres() ? 'false' : '0'}, 0)`;
    await ds.query(eni('eni-1', 'subnet-1', '10.0.0.4'));
    await ds.query(eni('eni-2', 'subnet-2', '10.0.0.4'));
    await expect(ds.query(eni('eni-3', 'subnet-1', '10.0.0.4'))).rejects.toThrow();
    const key = (id: string, tenant: string) => `INSERT INTO key_pairs (id, tenant_id, name, key_type, fingerprint, public_key, created_at) VALUES ('${id}', '${tenant}', 'k', 'rsa', 'f', 'p', 0)`;
    await ds.query(key('key-1', 't-1'));
    await ds.query(key('key-2', 't-2'));
    await expect(ds.query(key('key-3', 't-1'))).rejects.toThrow();
    await undoThrough('Networking1764510000000');
    expect(await runner.getTables(NETWORKING_TABLES)).toEqual([]);
    expect(await ds.query('SELECT COUNT(*) AS n FROM access_keys')).toEqual([{ n: expect.anything() }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM network_interfaces')).toEqual([{ n: expect.anything() }]);
    await runner.release();
  });

  it('Catalog1764520000000 adds custom instance types, images and snapshots, and reverts alone, keeping the tenants', async () => {
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000c01', 'c', 1, 1, 0, '210987654321')");
    await ds.query("INSERT INTO images (id, tenant_id, name, body, block_devices, tags, state, created_at, available_at) VALUES ('ami-0000000000000c001', 't-00000000000000c01', 'n', '{}', '[]', '{}', 'available', 0, 0)");
    await ds.query("INSERT INTO snapshots (id, tenant_id, volume_size_gib, tags, started_at, completed_at) VALUES ('snap-0000000000000c001', 't-00000000000000c01', 8, '{}', 0, 1)");
    await ds.query("INSERT INTO catalog_instance_types (name, family, body, created_at) VALUES ('m5.custom', 'm5', '{}', 0)");
    await undoThrough('Catalog1764520000000');
    expect(await ds.createQueryRunner().getTables(['images', 'snapshots', 'catalog_instance_types'])).toEqual([]);
    expect((await ds.query("SELECT id FROM tenants WHERE id = 't-00000000000000c01'")).length).toBe(1);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM images')).toEqual([{ n: expect.anything() }]);
  });

  it('ElasticVolumes1764550000000 adds volume modifications and the snapshot of a volume, and reverts alone, keeping the volumes', async () => {
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000d01', 'd', 1, 1, 0, '210987654322')");
    await ds.query("INSERT INTO volumes (id, tenant_id, availability_zone, volume_type, size_gib, iops, throughput_mibps, state, delete_on_termination, created_at) VALUES ('vol-0000000000000d001', 't-00000000000000d01', 'us-east-1a', 'gp3', 200, 3000, 125, 'available', false, 0)");
    await ds.query("INSERT INTO volume_modifications (volume_id, start_ms, tenant_id, optimizing_at_ms, completed_at_ms, original_type, original_size_gib, original_iops, original_throughput_mibps, target_type, target_size_gib, target_iops, target_throughput_mibps) VALUES ('vol-0000000000000d001', 5, 't-00000000000000d01', 60005, 560005, 'gp2', 100, 300, 128, 'gp3', 200, 3000, 125)");
    expect(await ds.query("SELECT target_size_gib FROM volume_modifications WHERE volume_id = 'vol-0000000000000d001'")).toEqual([{ target_size_gib: 200 }]);
    await undoThrough('ElasticVolumes1764550000000');
    expect(await ds.createQueryRunner().getTables(['volume_modifications'])).toEqual([]);
    expect((await ds.createQueryRunner().getTable('volumes'))!.findColumnByName('snapshot_id')).toBeUndefined();
    expect(await ds.query("SELECT size_gib FROM volumes WHERE id = 'vol-0000000000000d001'")).toEqual([{ size_gib: 200 }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM volume_modifications')).toEqual([{ n: expect.anything() }]);
  });

  it('PartialInstanceIndexes1764560000000 makes the placement group, Dedicated Host and license indexes partial (NULLs not indexed), still used by `col = ?`, and reverts alone', async () => {
    /** Each index's WHERE clause as the database keeps it (undefined: a full index). */
    const conditions = async () => {
      const [table] = await describeTables(['instances']);
      return Object.fromEntries(PARTIAL_INSTANCE_INDEXES.map(([name]) => [name, table.indices.find((i) => i.name === name)?.where?.replace(/[()"]/g, '') || undefined]));
    };
    expect(await conditions()).toEqual(Object.fromEntries(PARTIAL_INSTANCE_INDEXES.map(([name, column]) => [name, `${column} IS NOT NULL`])));
    // The queries that use them ask for `col = ?`, which implies `col IS NOT NULL`: the planner still picks the index.
    const plan = usingPostgres()
      ? (await ds.transaction(async (m) => {
        await m.query('SET LOCAL enable_seqscan = off');
        return m.query('EXPLAIN SELECT id FROM instances WHERE placement_group_id = $1', ['pg-0123456789abcdef0']);
      })).map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')
      : (await ds.query('EXPLAIN QUERY PLAN SELECT id FROM instances WHERE placement_group_id = ?', ['pg-0123456789abcdef0'])).map((r: { detail: string }) => r.detail).join('\n');
    expect(plan).toContain('ix_instances_placement_group');
    await undoThrough('PartialInstanceIndexes1764560000000');
    expect(await conditions()).toEqual(Object.fromEntries(PARTIAL_INSTANCE_INDEXES.map(([name]) => [name, undefined])));
    expect((await ds.query('SELECT COUNT(*) AS n FROM instances')).length).toBe(1);
    await ds.runMigrations();
    expect(Object.values(await conditions()).every((w) => w !== undefined)).toBe(true);
  });

  it('HostMetricBuckets1764570000000 copies every host bucket already stored into host_metric_buckets, and reverts alone, keeping metric_buckets', async () => {
    await undoThrough('HostMetricBuckets1764570000000');
    expect(await describeTables(['host_metric_buckets'])).toEqual([]);
    // 3 hosts × 700 minutes (more than one page of the copy's 2,000 rows), one instance's bucket and the fleet's.
    const width = HOST_METRICS.length;
    const summary = (start: number, v: number) => JSON.stringify({
      start, coveredMs: 60_000, count: 1, mean: Array(width).fill(v), max: Array(width).fill(v + 1), end: Array(width).fill(v / 3), slope: Array(width).fill(0), final: false,
    });
    const rows: [string, number, string, string][] = [];
    for (const host of ['h-m1', 'h-m2', 'h-m3']) for (let k = 0; k < 700; k++) rows.push([host, k * 60_000, 'host', summary(k * 60_000, k / 7)]);
    rows.push(['i-m1', 0, 'vm', summary(0, 1)], ['fleet', 0, 'fleet', summary(0, 2)]);
    const p = (i: number) => (usingPostgres() ? `$${i + 1}` : '?');
    for (let i = 0; i < rows.length; i += 300) {
      const batch = rows.slice(i, i + 300);
      await ds.query(`INSERT INTO metric_buckets (entity_id, bucket_start, kind, summary) VALUES ${batch.map((_, k) => `(${p(4 * k)}, ${p(4 * k + 1)}, ${p(4 * k + 2)}, ${p(4 * k + 3)})`).join(', ')}`, batch.flat());
    }
    await ds.runMigrations();
    // SQLite keeps the rows in key order (no rowid): a host's window is a few neighbouring pages.
    if (!usingPostgres()) expect((await ds.query("SELECT sql FROM sqlite_master WHERE name = 'host_metric_buckets'"))[0].sql).toMatch(/WITHOUT ROWID$/);
    const copied: Record<string, unknown>[] = await ds.query('SELECT host_id, bucket_start, head, cpu_utilization, memory_resident_mib, memory_capacity_mib, failed FROM host_metric_buckets ORDER BY host_id, bucket_start');
    expect(copied).toHaveLength(2100);
    // Each row is the change writer's row of the stored summary, to the digit.
    copied.forEach((c, i) => {
      const [host, start, , json] = rows[i];
      const row = hostBucketRow(host, JSON.parse(json));
      expect({ ...c, bucket_start: Number(c.bucket_start) }).toEqual({
        host_id: host, bucket_start: start, head: row.head, cpu_utilization: row.cpuUtilization, memory_resident_mib: row.memoryResidentMiB, memory_capacity_mib: row.memoryCapacityMiB, failed: row.failed,
      });
    });
    // By hand, the second minute of h-m1: start 60,000 (0x40ED4C0000000000), covered 60,000, count 1, not final;
    // CPU mean 1/7, max 8/7, end 1/21, slope 0 — the float64s JSON.parse reads from those numbers.
    const hex = (xs: number[]) => Buffer.from(new Float64Array(xs).buffer).toString('hex');
    expect(copied[1]).toMatchObject({ head: `00000000004ced40${hex([60_000, 1, 0])}`, cpu_utilization: hex([1 / 7, 1 / 7 + 1, 1 / 7 / 3, 0]) });
    await undoThrough('HostMetricBuckets1764570000000');
    expect(await describeTables(['host_metric_buckets'])).toEqual([]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM metric_buckets WHERE entity_id IN ('h-m1', 'h-m2', 'h-m3', 'i-m1', 'fleet')")).toEqual([{ n: usingPostgres() ? '2102' : 2102 }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM host_metric_buckets')).toEqual([{ n: usingPostgres() ? '2100' : 2100 }]);
    await ds.query("DELETE FROM host_metric_buckets WHERE host_id IN ('h-m1', 'h-m2', 'h-m3')");
    await ds.query("DELETE FROM metric_buckets WHERE entity_id IN ('h-m1', 'h-m2', 'h-m3', 'i-m1', 'fleet')");
  });

  it('PublicIpOnStart1764590000000 marks the interfaces holding a public address, releases those of stopped instances, and reverts alone, keeping the interfaces', async () => {
    await undoThrough('PublicIpOnStart1764590000000');
    const [yes, no] = usingPostgres() ? ['true', 'false'] : ['1', '0'];
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000f01', 'f', 1, 1, 0, '210987654323')");
    await ds.query("INSERT INTO reservations (id, tenant_id, request_hash, created_at) VALUES ('r-00000000000000f01', 't-00000000000000f01', 'h', 0)");
    const instance = (id: string, state: string) =>
      `INSERT INTO instances (id, tenant_id, reservation_id, image_id, instance_type, platform, tenancy, availability_zone, state, state_since, launch_time, cpu_reservation_millicores, cpu_limit_millicores, cpu_weight)
       VALUES ('${id}', 't-00000000000000f01', 'r-00000000000000f01', 'ami-1', 'm5.large', 'linux', 'default', 'us-east-1a', '${state}', 0, 0, 0, 2000, 256)`;
    await ds.query(instance('i-0000000000000f001', 'running'));
    await ds.query(instance('i-0000000000000f002', 'stopped'));
    const eni = (id: string, ip: string, instanceId: string | null) =>
      `INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, instance_id, device_index, delete_on_termination, created_at)
       VALUES ('${id}', 't-00000000000000f01', 'vpc-f', 'subnet-f', 'us-east-1a', '${ip}', '0e:00:00:00:00:01', '', ${yes}, 'instance', ${instanceId === null ? 'NULL' : `'${instanceId}'`}, ${instanceId === null ? 'NULL' : '0'}, ${yes}, 0)`;
    await ds.query(eni('eni-f1', '172.31.0.4', 'i-0000000000000f001'));
    await ds.query(eni('eni-f2', '172.31.0.5', 'i-0000000000000f002'));
    await ds.query(eni('eni-f3', '172.31.0.6', null));
    const address = (ip: string, eniId: string) => `INSERT INTO public_ip_allocations (public_ip, tenant_id, network_interface_id, allocated_at) VALUES ('${ip}', 't-00000000000000f01', '${eniId}', 0)`;
    await ds.query(address('3.80.0.1', 'eni-f1'));
    await ds.query(address('3.80.0.2', 'eni-f2'));
    await ds.runMigrations();
    const flags = async () => (await ds.query("SELECT id, auto_public_ip FROM network_interfaces WHERE id IN ('eni-f1', 'eni-f2', 'eni-f3') ORDER BY id"))
      .map((r: { id: string; auto_public_ip: unknown }) => [r.id, Boolean(r.auto_public_ip)]);
    // Both launched with one; the running instance keeps its address, the stopped one's goes back to the pool.
    expect(await flags()).toEqual([['eni-f1', true], ['eni-f2', true], ['eni-f3', false]]);
    expect(await ds.query("SELECT public_ip, network_interface_id FROM public_ip_allocations WHERE tenant_id = 't-00000000000000f01'")).toEqual([{ public_ip: '3.80.0.1', network_interface_id: 'eni-f1' }]);
    // A new row without the column: false.
    await ds.query(`INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, delete_on_termination, created_at)
      VALUES ('eni-f4', 't-00000000000000f01', 'vpc-f', 'subnet-f', 'us-east-1a', '172.31.0.7', '0e:00:00:00:00:01', '', ${yes}, 'interface', ${no}, 0)`);
    expect((await ds.query("SELECT auto_public_ip FROM network_interfaces WHERE id = 'eni-f4'")).map((r: { auto_public_ip: unknown }) => Boolean(r.auto_public_ip))).toEqual([false]);
    await undoThrough('PublicIpOnStart1764590000000');
    expect((await describeTables(['network_interfaces']))[0].findColumnByName('auto_public_ip')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM network_interfaces WHERE tenant_id = 't-00000000000000f01'")).toEqual([{ n: usingPostgres() ? '4' : 4 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM public_ip_allocations WHERE tenant_id = 't-00000000000000f01'");
    await ds.query("DELETE FROM network_interfaces WHERE tenant_id = 't-00000000000000f01'");
    await ds.query("DELETE FROM instances WHERE tenant_id = 't-00000000000000f01'");
    await ds.query("DELETE FROM reservations WHERE tenant_id = 't-00000000000000f01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000f01'");
  });
  it('SecondaryPrivateIps1764600000000 adds the secondary addresses, each held once per subnet, and each interface\'s secondary_ip_count (0, not null); reverts alone, keeping the interfaces', async () => {
    const row = (ip: string, eniId: string) =>
      `INSERT INTO network_interface_private_ips (subnet_id, private_ip_address, network_interface_id, tenant_id, assigned_at) VALUES ('subnet-s', '${ip}', '${eniId}', 't-s', 0)`;
    await ds.query(row('10.0.0.5', 'eni-s1'));
    await ds.query(row('10.0.0.6', 'eni-s1'));
    // The same address in the same subnet a second time: refused by the primary key.
    await expect(ds.query(row('10.0.0.5', 'eni-s2'))).rejects.toThrow();
    expect((await describeTables(['network_interface_private_ips']))[0].indices.map((i) => i.name)).toContain('ix_network_interface_private_ips_interface');
    // secondary_ip_count: 0 for an interface written without it (as every interface before this migration).
    const yes = usingPostgres() ? 'true' : '1';
    await ds.query(`INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, delete_on_termination, created_at)
      VALUES ('eni-s0', 't-s', 'vpc-s', 'subnet-s', 'us-east-1a', '10.0.0.4', '0e:00:00:00:00:02', '', ${yes}, 'interface', ${yes}, 0)`);
    expect((await ds.query("SELECT secondary_ip_count AS n FROM network_interfaces WHERE id = 'eni-s0'")).map((r: { n: unknown }) => Number(r.n))).toEqual([0]);
    await expect(ds.query("UPDATE network_interfaces SET secondary_ip_count = NULL WHERE id = 'eni-s0'")).rejects.toThrow();
    await undoThrough('SecondaryPrivateIps1764600000000');
    expect(await describeTables(['network_interface_private_ips'])).toEqual([]);
    expect(await describeTables(['network_interfaces'])).toHaveLength(1);
    expect((await describeTables(['network_interfaces']))[0].findColumnByName('secondary_ip_count')).toBeUndefined();
    // The interface stays.
    expect(await ds.query("SELECT private_ip_address FROM network_interfaces WHERE id = 'eni-s0'")).toEqual([{ private_ip_address: '10.0.0.4' }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM network_interface_private_ips')).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
    expect((await ds.query("SELECT secondary_ip_count AS n FROM network_interfaces WHERE id = 'eni-s0'")).map((r: { n: unknown }) => Number(r.n))).toEqual([0]);
    await ds.query("DELETE FROM network_interfaces WHERE id = 'eni-s0'");
  });
  it('EbsRoot1764610000000 marks the instances that have a volume at /dev/xvda (false for the others, not null), and reverts alone, keeping the instances', async () => {
    await undoThrough('EbsRoot1764610000000');
    const [yes, no] = usingPostgres() ? ['true', 'false'] : ['1', '0'];
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000e01', 'e', 1, 1, 0, '210987654324')");
    await ds.query("INSERT INTO reservations (id, tenant_id, request_hash, created_at) VALUES ('r-00000000000000e01', 't-00000000000000e01', 'h', 0)");
    const instance = (id: string) =>
      `INSERT INTO instances (id, tenant_id, reservation_id, image_id, instance_type, platform, tenancy, availability_zone, state, state_since, launch_time, cpu_reservation_millicores, cpu_limit_millicores, cpu_weight)
       VALUES ('${id}', 't-00000000000000e01', 'r-00000000000000e01', 'ami-1', 'm5.large', 'linux', 'default', 'us-east-1a', 'stopped', 0, 0, 0, 2000, 256)`;
    // e001: a root volume; e002: a data volume only; e003: none (a REST launch without volumes).
    for (const id of ['i-0000000000000e001', 'i-0000000000000e002', 'i-0000000000000e003']) await ds.query(instance(id));
    const volume = (id: string, instanceId: string, device: string) =>
      `INSERT INTO volumes (id, tenant_id, availability_zone, volume_type, size_gib, iops, throughput_mibps, state, instance_id, device, delete_on_termination, created_at)
       VALUES ('${id}', 't-00000000000000e01', 'us-east-1a', 'gp2', 8, 100, 128, 'in-use', '${instanceId}', '${device}', ${yes}, 0)`;
    await ds.query(volume('vol-0000000000000e001', 'i-0000000000000e001', '/dev/xvda'));
    await ds.query(volume('vol-0000000000000e002', 'i-0000000000000e002', '/dev/sdf'));
    await ds.runMigrations();
    const flags = async () => (await ds.query("SELECT id, ebs_root FROM instances WHERE tenant_id = 't-00000000000000e01' ORDER BY id"))
      .map((r: { id: string; ebs_root: unknown }) => [r.id, Boolean(r.ebs_root)]);
    expect(await flags()).toEqual([['i-0000000000000e001', true], ['i-0000000000000e002', false], ['i-0000000000000e003', false]]);
    await expect(ds.query("UPDATE instances SET ebs_root = NULL WHERE id = 'i-0000000000000e003'")).rejects.toThrow();
    await ds.query(`UPDATE instances SET ebs_root = ${no} WHERE id = 'i-0000000000000e003'`);
    await undoThrough('EbsRoot1764610000000');
    expect((await describeTables(['instances']))[0].findColumnByName('ebs_root')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000e01'")).toEqual([{ n: usingPostgres() ? '3' : 3 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM volumes WHERE tenant_id = 't-00000000000000e01'");
    await ds.query("DELETE FROM instances WHERE tenant_id = 't-00000000000000e01'");
    await ds.query("DELETE FROM reservations WHERE tenant_id = 't-00000000000000e01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000e01'");
  });

  it('ElasticIps1764620000000 gives each held public address its private address, lets an Elastic IP hold no interface, holds an address once; reverts alone, keeping the auto-assigned addresses', async () => {
    await undoThrough('ElasticIps1764620000000');
    const yes = usingPostgres() ? 'true' : '1';
    await ds.query(`INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, delete_on_termination, created_at)
      VALUES ('eni-p1', 't-p', 'vpc-p', 'subnet-p', 'us-east-1a', '172.31.0.9', '0e:00:00:00:00:03', '', ${yes}, 'instance', ${yes}, 0)`);
    await ds.query("INSERT INTO public_ip_allocations (public_ip, tenant_id, network_interface_id, allocated_at) VALUES ('3.80.1.1', 't-p', 'eni-p1', 0)");
    await ds.runMigrations();
    // Backfilled: an auto-assigned address maps to its interface's primary address.
    expect(await ds.query("SELECT public_ip, network_interface_id, private_ip_address, allocation_id, association_id FROM public_ip_allocations WHERE tenant_id = 't-p'")).toEqual([
      { public_ip: '3.80.1.1', network_interface_id: 'eni-p1', private_ip_address: '172.31.0.9', allocation_id: null, association_id: null },
    ]);
    // An Elastic IP without an interface; an address is held once, whatever holds it.
    const eip = (ip: string, id: string) => `INSERT INTO public_ip_allocations (public_ip, tenant_id, allocation_id, allocated_at) VALUES ('${ip}', 't-p', '${id}', 0)`;
    await ds.query(eip('3.80.1.2', 'eipalloc-0000000000000p001'));
    await expect(ds.query(eip('3.80.1.1', 'eipalloc-0000000000000p002'))).rejects.toThrow();
    await expect(ds.query(eip('3.80.1.3', 'eipalloc-0000000000000p001'))).rejects.toThrow();
    // One public address per private address of an interface.
    await expect(ds.query("INSERT INTO public_ip_allocations (public_ip, tenant_id, network_interface_id, private_ip_address, allocated_at) VALUES ('3.80.1.4', 't-p', 'eni-p1', '172.31.0.9', 0)")).rejects.toThrow();
    await ds.query("INSERT INTO network_tags (resource_id, tag_key, tenant_id, tag_value) VALUES ('eipalloc-0000000000000p001', 'k', 't-p', 'v')");
    await undoThrough('ElasticIps1764620000000');
    // The Elastic IP (and its tags) cannot be held by the older schema; the auto-assigned address stays.
    expect(await ds.query("SELECT public_ip, network_interface_id FROM public_ip_allocations WHERE tenant_id = 't-p'")).toEqual([{ public_ip: '3.80.1.1', network_interface_id: 'eni-p1' }]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM network_tags WHERE tenant_id = 't-p'")).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
    expect((await describeTables(['public_ip_allocations']))[0].findColumnByName('allocation_id')).toBeUndefined();
    await ds.runMigrations();
    await ds.query("DELETE FROM public_ip_allocations WHERE tenant_id = 't-p'");
    await ds.query("DELETE FROM network_interfaces WHERE tenant_id = 't-p'");
  });

  it('InstanceMetadataOptions1764630000000 adds the nullable metadata_options column to instances (null for those there were), and reverts alone, keeping them', async () => {
    await undoThrough('InstanceMetadataOptions1764630000000');
    await seedInstance(1);
    await ds.runMigrations();
    expect(await ds.query("SELECT metadata_options FROM instances WHERE id = 'i-0000000000000f001'")).toEqual([{ metadata_options: null }]);
    const options = '{"httpTokens":"required","httpPutResponseHopLimit":2,"httpEndpoint":"enabled","httpProtocolIpv6":"disabled","instanceMetadataTags":"disabled"}';
    await ds.query(`UPDATE instances SET metadata_options = '${options}' WHERE id = 'i-0000000000000f001'`);
    expect(await ds.query("SELECT metadata_options FROM instances WHERE id = 'i-0000000000000f001'")).toEqual([{ metadata_options: options }]);
    await undoThrough('InstanceMetadataOptions1764630000000');
    expect((await describeTables(['instances']))[0].findColumnByName('metadata_options')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f01'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(1);
  });

  it('StopProtection1764640000000 adds disable_api_stop to instances (false for those there were, not null), and reverts alone, keeping them', async () => {
    await undoThrough('StopProtection1764640000000');
    await seedInstance(2);
    await ds.runMigrations();
    const flag = async () => Boolean((await ds.query("SELECT disable_api_stop FROM instances WHERE id = 'i-0000000000000f002'"))[0].disable_api_stop);
    expect(await flag()).toBe(false);
    await expect(ds.query("UPDATE instances SET disable_api_stop = NULL WHERE id = 'i-0000000000000f002'")).rejects.toThrow();
    await ds.query(`UPDATE instances SET disable_api_stop = ${usingPostgres() ? 'true' : '1'} WHERE id = 'i-0000000000000f002'`);
    expect(await flag()).toBe(true);
    await undoThrough('StopProtection1764640000000');
    expect((await describeTables(['instances']))[0].findColumnByName('disable_api_stop')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f02'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(2);
  });

  it('RootDeviceName1764650000000 adds root_device_name to instances (/dev/xvda for those there were, not null), and reverts alone, keeping them', async () => {
    await undoThrough('RootDeviceName1764650000000');
    await seedInstance(3);
    await ds.runMigrations();
    const root = async () => (await ds.query("SELECT root_device_name FROM instances WHERE id = 'i-0000000000000f003'"))[0].root_device_name;
    expect(await root()).toBe('/dev/xvda');
    await expect(ds.query("UPDATE instances SET root_device_name = NULL WHERE id = 'i-0000000000000f003'")).rejects.toThrow();
    await ds.query("UPDATE instances SET root_device_name = '/dev/sda1' WHERE id = 'i-0000000000000f003'");
    expect(await root()).toBe('/dev/sda1');
    await undoThrough('RootDeviceName1764650000000');
    expect((await describeTables(['instances']))[0].findColumnByName('root_device_name')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f03'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(3);
  });

  it('InstancePasswordData1764730000000 adds the nullable password_data and password_data_at to instances (null for those there were: no password), and reverts alone, keeping them', async () => {
    await undoThrough('InstancePasswordData1764730000000');
    await seedInstance(4);
    await ds.runMigrations();
    const stored = async () => (await ds.query("SELECT password_data, password_data_at FROM instances WHERE id = 'i-0000000000000f004'"))[0];
    expect(await stored()).toEqual({ password_data: null, password_data_at: null });
    // 2,048-bit RSA: 344 base64 characters; the time past 2^31 ms, as simulated times are.
    const data = 'A'.repeat(342) + '==';
    await ds.query(`UPDATE instances SET password_data = '${data}', password_data_at = 1735689840000 WHERE id = 'i-0000000000000f004'`);
    expect(await stored()).toEqual({ password_data: data, password_data_at: usingPostgres() ? '1735689840000' : 1735689840000 });
    await undoThrough('InstancePasswordData1764730000000');
    const table = (await describeTables(['instances']))[0];
    expect([table.findColumnByName('password_data'), table.findColumnByName('password_data_at')]).toEqual([undefined, undefined]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f04'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(4);
  });

  it('VpcDnsAttributes1764660000000 gives the VPCs there were EC2\'s DNS attributes (hostnames on in default VPCs only, not null), and reverts alone, keeping them', async () => {
    await undoThrough('VpcDnsAttributes1764660000000');
    const [no, yes] = usingPostgres() ? ['false', 'true'] : ['0', '1'];
    await ds.query(`INSERT INTO vpcs (id, tenant_id, cidr_block, is_default, instance_tenancy, created_at) VALUES ('vpc-0000000000000f001', 't-1', '172.31.0.0/16', ${yes}, 'default', 0)`);
    await ds.query(`INSERT INTO vpcs (id, tenant_id, cidr_block, is_default, instance_tenancy, created_at) VALUES ('vpc-0000000000000f002', 't-1', '10.0.0.0/16', ${no}, 'default', 0)`);
    await ds.runMigrations();
    const attributes = async () => (await ds.query(
      "SELECT id, enable_dns_support AS s, enable_dns_hostnames AS h, enable_network_address_usage_metrics AS m FROM vpcs WHERE id IN ('vpc-0000000000000f001', 'vpc-0000000000000f002') ORDER BY id",
    )).map((r: { id: string; s: unknown; h: unknown; m: unknown }) => [r.id, Boolean(r.s), Boolean(r.h), Boolean(r.m)]);
    expect(await attributes()).toEqual([['vpc-0000000000000f001', true, true, false], ['vpc-0000000000000f002', true, false, false]]);
    await expect(ds.query("UPDATE vpcs SET enable_dns_hostnames = NULL WHERE id = 'vpc-0000000000000f002'")).rejects.toThrow();
    await undoThrough('VpcDnsAttributes1764660000000');
    const columns = (await describeTables(['vpcs']))[0];
    expect(['enable_dns_support', 'enable_dns_hostnames', 'enable_network_address_usage_metrics'].map((c) => columns.findColumnByName(c))).toEqual([undefined, undefined, undefined]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM vpcs WHERE tenant_id = 't-1'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM vpcs WHERE tenant_id = 't-1'");
  });

  it('Routing1764670000000 gives each VPC there was a main route table with its local route, and a default VPC its attached internet gateway and route to it; reverts alone', async () => {
    await undoThrough('Routing1764670000000');
    const [no, yes] = usingPostgres() ? ['false', 'true'] : ['0', '1'];
    await ds.query(`INSERT INTO vpcs (id, tenant_id, cidr_block, is_default, instance_tenancy, enable_dns_support, enable_dns_hostnames, enable_network_address_usage_metrics, created_at)
      VALUES ('vpc-0000000000000f011', 't-2', '172.31.0.0/16', ${yes}, 'default', ${yes}, ${yes}, ${no}, 5), ('vpc-0000000000000f012', 't-2', '10.9.0.0/16', ${no}, 'default', ${yes}, ${no}, ${no}, 6)`);
    await ds.runMigrations();
    const tables = await ds.query("SELECT id, vpc_id, main_association_id FROM route_tables WHERE tenant_id = 't-2' ORDER BY vpc_id");
    expect(tables).toEqual([
      { id: expect.stringMatching(/^rtb-[0-9a-f]{17}$/), vpc_id: 'vpc-0000000000000f011', main_association_id: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/) },
      { id: expect.stringMatching(/^rtb-[0-9a-f]{17}$/), vpc_id: 'vpc-0000000000000f012', main_association_id: expect.stringMatching(/^rtbassoc-[0-9a-f]{17}$/) },
    ]);
    const gateways = await ds.query("SELECT id, vpc_id FROM internet_gateways WHERE tenant_id = 't-2'");
    expect(gateways).toEqual([{ id: expect.stringMatching(/^igw-[0-9a-f]{17}$/), vpc_id: 'vpc-0000000000000f011' }]);
    const routes = await ds.query("SELECT route_table_id AS t, destination_cidr_block AS d, gateway_id AS g, origin AS o FROM routes WHERE tenant_id = 't-2' ORDER BY route_table_id, destination_cidr_block");
    expect(routes).toEqual(expect.arrayContaining([
      { t: tables[0].id, d: '172.31.0.0/16', g: 'local', o: 'CreateRouteTable' }, { t: tables[0].id, d: '0.0.0.0/0', g: gateways[0].id, o: 'CreateRouteTable' },
      { t: tables[1].id, d: '10.9.0.0/16', g: 'local', o: 'CreateRouteTable' },
    ]));
    expect(routes).toHaveLength(3);
    // A VPC has one gateway at most; a destination is routed once per table.
    await expect(ds.query(`INSERT INTO internet_gateways (id, tenant_id, vpc_id, created_at) VALUES ('igw-0000000000000f019', 't-2', 'vpc-0000000000000f011', 0)`)).rejects.toThrow();
    await expect(ds.query(`INSERT INTO routes (route_table_id, destination_cidr_block, tenant_id, gateway_id, origin, created_at) VALUES ('${tables[1].id}', '10.9.0.0/16', 't-2', 'local', 'CreateRoute', 0)`)).rejects.toThrow();
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tag_value, tenant_id) VALUES ('${tables[1].id}', 'k', 'v', 't-2')`);
    await undoThrough('Routing1764670000000');
    expect(await describeTables(['internet_gateways', 'route_tables', 'routes', 'route_table_associations'])).toEqual([]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM network_tags WHERE tenant_id = 't-2'")).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM vpcs WHERE tenant_id = 't-2'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    for (const t of ['routes', 'route_tables', 'internet_gateways', 'vpcs']) await ds.query(`DELETE FROM ${t} WHERE tenant_id = 't-2'`);
  });
  it('ProvisionedIopsIndex1764680000000 indexes the volumes that are not deleted by tenant, type and IOPS; the quota\'s sum reads that index alone; reverts alone', async () => {
    /** The plan of the quota's sum as VolumesRepository sends it (gp3, io1, io2). */
    const plan = async () => {
      const sql = `SELECT ${iopsSum(ds.manager, 3, 0)} AS used`;
      const params = ['t-2', 'gp3', 'io1', 'io2'];
      return usingPostgres()
        ? (await ds.transaction(async (m) => {
          await m.query('SET LOCAL enable_seqscan = off');
          return m.query(`EXPLAIN ${sql}`, params);
        })).map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')
        : (await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r: { detail: string }) => r.detail).join('\n');
    };
    const index = async () => (await describeTables(['volumes']))[0].indices.find((i) => i.name === 'ix_volumes_tenant_provisioned');
    const ix = await index();
    expect(ix?.columnNames).toEqual(['tenant_id', 'volume_type', 'iops', 'state']);
    expect(ix?.where?.replace(/[()"]/g, '').replace(/::\w+/g, '')).toBe("state <> 'deleted'");
    // Read from the index alone: SQLite's covering index, PostgreSQL's index-only scan.
    expect(await plan()).toMatch(usingPostgres() ? /Index Only Scan using ix_volumes_tenant_provisioned/ : /USING COVERING INDEX ix_volumes_tenant_provisioned/);
    await undoThrough('ProvisionedIopsIndex1764680000000');
    expect(await index()).toBeUndefined();
    expect(await plan()).not.toContain('ix_volumes_tenant_provisioned');
    await ds.runMigrations();
    expect(await index()).toBeDefined();
  });
  it('SnapshotCopiesAndVolumeAttributes1764740000000 adds snapshots\' source_snapshot_id (null for those there were) and volumes\' auto_enable_io (false, not null), and reverts alone, keeping them', async () => {
    await undoThrough('SnapshotCopiesAndVolumeAttributes1764740000000');
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000g01', 'g', 1, 1, 0, '210987654390')");
    await ds.query("INSERT INTO volumes (id, tenant_id, availability_zone, volume_type, size_gib, iops, throughput_mibps, state, delete_on_termination, created_at) VALUES ('vol-0000000000000g001', 't-00000000000000g01', 'us-east-1a', 'gp2', 8, 100, 128, 'available', false, 0)");
    await ds.query("INSERT INTO snapshots (id, tenant_id, volume_id, volume_size_gib, tags, started_at, completed_at) VALUES ('snap-0000000000000g001', 't-00000000000000g01', 'vol-0000000000000g001', 8, '{}', 0, 1)");
    await ds.runMigrations();
    const autoEnableIO = async () => Boolean((await ds.query("SELECT auto_enable_io FROM volumes WHERE id = 'vol-0000000000000g001'"))[0].auto_enable_io);
    expect(await autoEnableIO()).toBe(false);
    await expect(ds.query("UPDATE volumes SET auto_enable_io = NULL WHERE id = 'vol-0000000000000g001'")).rejects.toThrow();
    await ds.query(`UPDATE volumes SET auto_enable_io = ${usingPostgres() ? 'true' : '1'} WHERE id = 'vol-0000000000000g001'`);
    expect(await autoEnableIO()).toBe(true);
    expect(await ds.query("SELECT source_snapshot_id FROM snapshots WHERE id = 'snap-0000000000000g001'")).toEqual([{ source_snapshot_id: null }]);
    await undoThrough('SnapshotCopiesAndVolumeAttributes1764740000000');
    expect((await describeTables(['volumes']))[0].findColumnByName('auto_enable_io')).toBeUndefined();
    expect((await describeTables(['snapshots']))[0].findColumnByName('source_snapshot_id')).toBeUndefined();
    expect(await ds.query("SELECT size_gib FROM volumes WHERE id = 'vol-0000000000000g001'")).toEqual([{ size_gib: 8 }]);
    expect(await ds.query("SELECT volume_size_gib FROM snapshots WHERE id = 'snap-0000000000000g001'")).toEqual([{ volume_size_gib: 8 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM snapshots WHERE tenant_id = 't-00000000000000g01'");
    await ds.query("DELETE FROM volumes WHERE tenant_id = 't-00000000000000g01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000g01'");
  });

  it('SnapshotStorageUsage1764750000000 bills the snapshots there were from the stored clock on (not from their creation), idempotently, and reverts alone, keeping them', async () => {
    await undoThrough('SnapshotStorageUsage1764750000000');
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000j01', 'j', 1, 1, 0, '210987654398')");
    // One snapshot taken before the clock's stored instant (5,000,000), one a CopySnapshot after it.
    await ds.query(`INSERT INTO snapshots (id, tenant_id, volume_id, volume_size_gib, tags, started_at, completed_at) VALUES
      ('snap-0000000000000j001', 't-00000000000000j01', 'vol-0000000000000j001', 100, '{}', 1000000, 1130000),
      ('snap-0000000000000j002', 't-00000000000000j01', NULL, 8, '{}', 6000000, 6038000)`);
    await ds.query(`INSERT INTO settings (key, value) VALUES ('clock', '{"nowMs":5000000,"setting":{"mode":"manual"}}')`);
    const records = async () => (await ds.query("SELECT record_id, kind, resource_id, start_ms, end_ms, attrs FROM usage_records WHERE tenant_id = 't-00000000000000j01' ORDER BY record_id"))
      .map((r: { start_ms: string | number }) => ({ ...r, start_ms: Number(r.start_ms) }));
    await ds.runMigrations();
    const billed = [
      { record_id: 'snapshot:snap-0000000000000j001:5000000', kind: 'snapshot-usage', resource_id: 'snap-0000000000000j001', start_ms: 5_000_000, end_ms: null, attrs: '{"sizeGiB":100}' },
      { record_id: 'snapshot:snap-0000000000000j002:6000000', kind: 'snapshot-usage', resource_id: 'snap-0000000000000j002', start_ms: 6_000_000, end_ms: null, attrs: '{"sizeGiB":8}' },
    ];
    expect(await records()).toEqual(billed);
    // Applying it again (a crash before the migration was recorded) adds nothing.
    await upAgain(new SnapshotStorageUsage1764750000000());
    expect(await records()).toEqual(billed);
    await undoThrough('SnapshotStorageUsage1764750000000');
    expect(await records()).toEqual([]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM snapshots WHERE tenant_id = 't-00000000000000j01'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM usage_records WHERE tenant_id = 't-00000000000000j01'");
    await ds.query("DELETE FROM snapshots WHERE tenant_id = 't-00000000000000j01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000j01'");
    await ds.query("DELETE FROM settings WHERE key = 'clock'");
  });

  it('NetworkAcls1764790000000 gives each VPC there was its default network ACL and each subnet its association, under exactly the ids DescribeNetworkAcls derived; reverts alone, dropping the tags of ACLs that were not default', async () => {
    await undoThrough('NetworkAcls1764790000000');
    const [no, yes] = usingPostgres() ? ['false', 'true'] : ['0', '1'];
    await ds.query(`INSERT INTO vpcs (id, tenant_id, cidr_block, is_default, instance_tenancy, enable_dns_support, enable_dns_hostnames, enable_network_address_usage_metrics, created_at)
      VALUES ('vpc-0000000000000a011', 't-a', '172.31.0.0/16', ${yes}, 'default', ${yes}, ${yes}, ${no}, 5), ('vpc-0000000000000a012', 't-a', '10.9.0.0/16', ${no}, 'default', ${yes}, ${no}, ${no}, 6)`);
    await ds.query(`INSERT INTO subnets (id, tenant_id, vpc_id, cidr_block, availability_zone, default_for_az, map_public_ip_on_launch, created_at)
      VALUES ('subnet-0000000000000a021', 't-a', 'vpc-0000000000000a011', '172.31.0.0/20', 'us-east-1a', ${yes}, ${yes}, 5), ('subnet-0000000000000a022', 't-a', 'vpc-0000000000000a012', '10.9.1.0/24', 'us-east-1b', ${no}, ${no}, 6)`);
    await ds.runMigrations();
    const acls = await ds.query("SELECT id, vpc_id, is_default FROM network_acls WHERE tenant_id = 't-a' ORDER BY vpc_id");
    expect(acls.map((a: { id: string; vpc_id: string; is_default: unknown }) => [a.id, a.vpc_id, Boolean(a.is_default)])).toEqual([
      [defaultAclId('acl', 'vpc-0000000000000a011'), 'vpc-0000000000000a011', true], [defaultAclId('acl', 'vpc-0000000000000a012'), 'vpc-0000000000000a012', true],
    ]);
    const entries = await ds.query(`SELECT egress, rule_number, protocol, rule_action, cidr_block, port_from FROM network_acl_entries WHERE network_acl_id = '${acls[1].id}' ORDER BY rule_number, egress`);
    expect(entries.map((e: Record<string, unknown>) => [Boolean(e.egress), Number(e.rule_number), e.protocol, e.rule_action, e.cidr_block, e.port_from])).toEqual([
      [false, 100, '-1', 'allow', '0.0.0.0/0', null], [true, 100, '-1', 'allow', '0.0.0.0/0', null],
      [false, 32767, '-1', 'deny', '0.0.0.0/0', null], [true, 32767, '-1', 'deny', '0.0.0.0/0', null],
    ]);
    expect(await ds.query("SELECT id, network_acl_id, subnet_id FROM network_acl_associations WHERE tenant_id = 't-a' ORDER BY subnet_id")).toEqual([
      { id: defaultAclId('aclassoc', 'subnet-0000000000000a021'), network_acl_id: acls[0].id, subnet_id: 'subnet-0000000000000a021' },
      { id: defaultAclId('aclassoc', 'subnet-0000000000000a022'), network_acl_id: acls[1].id, subnet_id: 'subnet-0000000000000a022' },
    ]);
    // A subnet has one association; a rule number is used once per direction.
    await expect(ds.query(`INSERT INTO network_acl_associations (id, tenant_id, network_acl_id, subnet_id) VALUES ('aclassoc-0000000000000a039', 't-a', '${acls[1].id}', 'subnet-0000000000000a022')`)).rejects.toThrow();
    await expect(ds.query(`INSERT INTO network_acl_entries (network_acl_id, egress, rule_number, tenant_id, protocol, rule_action, cidr_block) VALUES ('${acls[1].id}', ${no}, 100, 't-a', '6', 'deny', '10.0.0.0/8')`)).rejects.toThrow();
    await ds.query(`INSERT INTO network_acls (id, tenant_id, vpc_id, is_default, created_at) VALUES ('acl-0000000000000a041', 't-a', 'vpc-0000000000000a012', ${no}, 7)`);
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tag_value, tenant_id) VALUES ('acl-0000000000000a041', 'k', 'v', 't-a'), ('${acls[0].id}', 'k', 'v', 't-a')`);
    await undoThrough('NetworkAcls1764790000000');
    expect(await describeTables(['network_acls', 'network_acl_entries', 'network_acl_associations'])).toEqual([]);
    expect(await ds.query("SELECT resource_id FROM network_tags WHERE tenant_id = 't-a'")).toEqual([{ resource_id: acls[0].id }]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM subnets WHERE tenant_id = 't-a'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    for (const t of ['network_tags', 'network_acl_associations', 'network_acl_entries', 'network_acls', 'subnets', 'vpcs']) await ds.query(`DELETE FROM ${t} WHERE tenant_id = 't-a'`);
  });
  it('ImageSources1764770000000 adds images\' source_image_id (null for the images there were), and reverts alone, keeping them', async () => {
    await undoThrough('ImageSources1764770000000');
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000m01', 'm', 1, 1, 0, '210987654397')");
    await ds.query(`INSERT INTO images (id, tenant_id, name, body, block_devices, tags, state, created_at, available_at)
      VALUES ('ami-0000000000000m001', 't-00000000000000m01', 'mine', '{}', '[]', '{}', 'available', 0, 10000)`);
    await ds.runMigrations();
    expect(await ds.query("SELECT source_image_id FROM images WHERE id = 'ami-0000000000000m001'")).toEqual([{ source_image_id: null }]);
    await ds.query("UPDATE images SET source_image_id = 'ami-0a1e0c00000000a23' WHERE id = 'ami-0000000000000m001'");
    expect(await ds.query("SELECT source_image_id FROM images WHERE id = 'ami-0000000000000m001'")).toEqual([{ source_image_id: 'ami-0a1e0c00000000a23' }]);
    await undoThrough('ImageSources1764770000000');
    expect((await describeTables(['images']))[0].findColumnByName('source_image_id')).toBeUndefined();
    expect(await ds.query("SELECT name FROM images WHERE id = 'ami-0000000000000m001'")).toEqual([{ name: 'mine' }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM images WHERE tenant_id = 't-00000000000000m01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000m01'");
  });

  it('PublicIpv4Usage1764760000000 bills the public IPv4 addresses held from the stored clock on (not from their allocation), in use or idle, each to its tenant, idempotently, and reverts alone, keeping them', async () => {
    await undoThrough('PublicIpv4Usage1764760000000');
    // Held before the clock's stored instant (5,000,000): an instance's auto-assigned address and an
    // associated Elastic IP; after it, an Elastic IP associated with nothing; another tenant's idle one.
    await ds.query(`INSERT INTO public_ip_allocations (public_ip, tenant_id, network_interface_id, private_ip_address, allocation_id, association_id, allocated_at) VALUES
      ('198.51.100.1', 't-00000000000000k01', 'eni-0000000000000k001', '172.31.0.10', NULL, NULL, 1000000),
      ('198.51.100.2', 't-00000000000000k01', 'eni-0000000000000k002', '172.31.0.11', 'eipalloc-0000000000000k002', 'eipassoc-0000000000000k002', 2000000),
      ('198.51.100.3', 't-00000000000000k01', NULL, NULL, 'eipalloc-0000000000000k003', NULL, 6000000),
      ('198.51.100.4', 't-00000000000000k02', NULL, NULL, 'eipalloc-0000000000000k004', NULL, 3000000)`);
    await ds.query(`INSERT INTO settings (key, value) VALUES ('clock', '{"nowMs":5000000,"setting":{"mode":"manual"}}')`);
    const records = async () => (await ds.query("SELECT record_id, tenant_id, kind, resource_id, start_ms, end_ms, attrs FROM usage_records WHERE kind = 'public-ipv4' ORDER BY record_id"))
      .map((r: { start_ms: string | number }) => ({ ...r, start_ms: Number(r.start_ms) }));
    await ds.runMigrations();
    const billed = [
      { record_id: 'public-ipv4:eipalloc-0000000000000k002:198.51.100.2:5000000', tenant_id: 't-00000000000000k01', kind: 'public-ipv4', resource_id: '198.51.100.2', start_ms: 5_000_000, end_ms: null, attrs: '{"state":"in-use"}' },
      { record_id: 'public-ipv4:eipalloc-0000000000000k003:198.51.100.3:6000000', tenant_id: 't-00000000000000k01', kind: 'public-ipv4', resource_id: '198.51.100.3', start_ms: 6_000_000, end_ms: null, attrs: '{"state":"idle"}' },
      { record_id: 'public-ipv4:eipalloc-0000000000000k004:198.51.100.4:5000000', tenant_id: 't-00000000000000k02', kind: 'public-ipv4', resource_id: '198.51.100.4', start_ms: 5_000_000, end_ms: null, attrs: '{"state":"idle"}' },
      { record_id: 'public-ipv4:eni-0000000000000k001:198.51.100.1:5000000', tenant_id: 't-00000000000000k01', kind: 'public-ipv4', resource_id: '198.51.100.1', start_ms: 5_000_000, end_ms: null, attrs: '{"state":"in-use"}' },
    ];
    expect(await records()).toEqual(billed);
    // Applying it again (a crash before the migration was recorded) adds nothing.
    await upAgain(new PublicIpv4Usage1764760000000());
    expect(await records()).toEqual(billed);
    await undoThrough('PublicIpv4Usage1764760000000');
    expect(await records()).toEqual([]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM public_ip_allocations WHERE public_ip LIKE '198.51.100.%'")).toEqual([{ n: usingPostgres() ? '4' : 4 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM usage_records WHERE kind = 'public-ipv4'");
    await ds.query("DELETE FROM public_ip_allocations WHERE public_ip LIKE '198.51.100.%'");
    await ds.query("DELETE FROM settings WHERE key = 'clock'");
  });

  it('OrphanRuleTags1764690000000 deletes the tags of security group rules that no longer exist, keeping a live rule\'s and other resources\' tags; reverts alone', async () => {
    await undoThrough('OrphanRuleTags1764690000000');
    const [no] = usingPostgres() ? ['false'] : ['0'];
    await ds.query(`INSERT INTO security_group_rules (id, group_id, tenant_id, is_egress, ip_protocol, from_port, to_port, cidr_ipv4, position)
      VALUES ('sgr-0000000000000f001', 'sg-0000000000000f001', 't-3', ${no}, 'tcp', 22, 22, '10.0.0.0/8', 1)`);
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tag_value, tenant_id) VALUES
      ('sgr-0000000000000f001', 'Name', 'live', 't-3'), ('sgr-0000000000000f002', 'Name', 'gone', 't-3'), ('sgr-0000000000000f003', 'team', 'gone', 't-3'),
      ('sg-0000000000000f002', 'Name', 'a group', 't-3')`);
    await ds.runMigrations();
    expect(await ds.query("SELECT resource_id AS r, tag_value AS v FROM network_tags WHERE tenant_id = 't-3' ORDER BY resource_id")).toEqual([
      { r: 'sg-0000000000000f002', v: 'a group' }, { r: 'sgr-0000000000000f001', v: 'live' },
    ]);
    await undoThrough('OrphanRuleTags1764690000000');
    expect(await ds.query("SELECT COUNT(*) AS n FROM network_tags WHERE tenant_id = 't-3'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM network_tags WHERE tenant_id = 't-3'");
    await ds.query("DELETE FROM security_group_rules WHERE tenant_id = 't-3'");
  });
  it('MaskedRuleRanges1764700000000 masks the IPv4 ranges of rules stored unmasked, keeping the first of rules masking makes one and deleting the others with their tags; down keeps them', async () => {
    await undoThrough('MaskedRuleRanges1764700000000');
    const [no, yes] = usingPostgres() ? ['false', 'true'] : ['0', '1'];
    const rule = (n: number, group: number, egress: string, cidr: string | null, position: number, protocol = "'tcp', 22, 22") =>
      `('sgr-0000000000000f04${n}', 'sg-0000000000000f04${group}', 't-4', ${egress}, ${protocol}, ${cidr === null ? 'NULL' : `'${cidr}'`}, ${position})`;
    await ds.query(`INSERT INTO security_group_rules (id, group_id, tenant_id, is_egress, ip_protocol, from_port, to_port, cidr_ipv4, position) VALUES
      ${rule(1, 1, no, '10.0.0.1/8', 1)}, ${rule(2, 1, no, '10.0.0.0/8', 2)}, ${rule(3, 1, yes, '10.0.0.5/8', 3)}, ${rule(4, 1, no, '192.168.1.7/24', 4)},
      ${rule(5, 2, no, '10.0.0.0/8', 1)}, ${rule(6, 1, no, '10.1.2.3/16', 5, "'-1', NULL, NULL")}, ${rule(7, 1, no, '10.1.9.9/16', 6, "'-1', NULL, NULL")},
      ${rule(8, 1, no, '10.1.9.9/16', 7, "'udp', 53, 53")}, ${rule(9, 1, no, null, 8)}`);
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tag_value, tenant_id) VALUES
      ('sgr-0000000000000f041', 'Name', 'first', 't-4'), ('sgr-0000000000000f042', 'Name', 'second', 't-4'), ('sgr-0000000000000f047', 'team', 'dup', 't-4'),
      ('sgr-0000000000000f048', 'Name', 'dns', 't-4')`);
    await ds.runMigrations();
    const rules = async () => (await ds.query("SELECT id, cidr_ipv4 AS c FROM security_group_rules WHERE tenant_id = 't-4' ORDER BY id"))
      .map((r: { id: string; c: string | null }) => [r.id.slice(-2), r.c]);
    const tags = async () => (await ds.query("SELECT resource_id AS r, tag_value AS v FROM network_tags WHERE tenant_id = 't-4' ORDER BY resource_id"))
      .map((r: { r: string; v: string }) => [r.r.slice(-2), r.v]);
    const after = [
      // 41 masked and kept (authorized first), 42 its duplicate once masked: gone with its tag; 43 egress: not the same rule; 44 masked.
      ['41', '10.0.0.0/8'], ['43', '10.0.0.0/8'], ['44', '192.168.1.0/24'],
      // 45 another group's; 46 and 47 both become 10.1.0.0/16 for all traffic: 46 kept; 48 is UDP 53, another rule; 49 has no IPv4 range.
      ['45', '10.0.0.0/8'], ['46', '10.1.0.0/16'], ['48', '10.1.0.0/16'], ['49', null],
    ];
    expect(await rules()).toEqual(after);
    expect(await tags()).toEqual([['41', 'first'], ['48', 'dns']]);
    // Masking is not undone; run again, it changes nothing.
    await undoThrough('MaskedRuleRanges1764700000000');
    expect(await rules()).toEqual(after);
    await ds.runMigrations();
    expect(await rules()).toEqual(after);
    expect(await tags()).toEqual([['41', 'first'], ['48', 'dns']]);
    await ds.query("DELETE FROM network_tags WHERE tenant_id = 't-4'");
    await ds.query("DELETE FROM security_group_rules WHERE tenant_id = 't-4'");
  });

  it('LaunchTemplates1764720000000 adds launch templates (a name once per tenant) and their versions, and reverts alone, keeping the tenants', async () => {
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000h01', 'd', 1, 1, 0, '210987654399')");
    await ds.query("INSERT INTO launch_templates (id, tenant_id, name, default_version, latest_version, created_at) VALUES ('lt-0000000000000h001', 't-00000000000000h01', 'web', 1, 1, 0)");
    await ds.query("INSERT INTO launch_template_versions (template_id, version_number, tenant_id, data, created_at) VALUES ('lt-0000000000000h001', 1, 't-00000000000000h01', '{}', 0)");
    expect(await ds.query("SELECT tags FROM launch_templates WHERE id = 'lt-0000000000000h001'")).toEqual([{ tags: '{}' }]);
    await expect(ds.query("INSERT INTO launch_templates (id, tenant_id, name, default_version, latest_version, created_at) VALUES ('lt-0000000000000h002', 't-00000000000000h01', 'web', 1, 1, 0)")).rejects.toThrow();
    await undoThrough('LaunchTemplates1764720000000');
    expect(await ds.createQueryRunner().getTables(['launch_templates', 'launch_template_versions'])).toEqual([]);
    expect((await ds.query("SELECT id FROM tenants WHERE id = 't-00000000000000h01'")).length).toBe(1);
    await ds.runMigrations();
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000h01'");
  });
  it('InstanceMonitoring1764800000000 adds monitoring to instances (disabled, never changed, for those there were, not null) and monitoring_since, and reverts alone, keeping them', async () => {
    await undoThrough('InstanceMonitoring1764800000000');
    await seedInstance(5);
    await ds.runMigrations();
    const monitoring = async () => (await ds.query("SELECT monitoring, monitoring_since FROM instances WHERE id = 'i-0000000000000f005'"))[0];
    expect(await monitoring()).toEqual({ monitoring: 'disabled', monitoring_since: null });
    await expect(ds.query("UPDATE instances SET monitoring = NULL WHERE id = 'i-0000000000000f005'")).rejects.toThrow();
    await ds.query("UPDATE instances SET monitoring = 'enabled', monitoring_since = 9000000000000 WHERE id = 'i-0000000000000f005'");
    expect(await monitoring()).toEqual({ monitoring: 'enabled', monitoring_since: usingPostgres() ? '9000000000000' : 9000000000000 });
    await undoThrough('InstanceMonitoring1764800000000');
    const [instances] = await describeTables(['instances']);
    expect([instances.findColumnByName('monitoring'), instances.findColumnByName('monitoring_since')]).toEqual([undefined, undefined]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f05'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(5);
  });

  it('NatGateways1764780000000 adds nat_gateways; reverting drops them with their interfaces, routes, tags and hours, their Elastic IP disassociated but kept, and nothing else', async () => {
    const [yes, no] = usingPostgres() ? ['true', 'false'] : ['1', '0'];
    await ds.query(`INSERT INTO nat_gateways (id, tenant_id, vpc_id, subnet_id, connectivity_type, allocation_id, public_ip, network_interface_id, private_ip, created_at, ready_at)
      VALUES ('nat-0000000000000n001', 't-n', 'vpc-0000000000000n001', 'subnet-000000000000n01', 'public', 'eipalloc-00000000000n01', '3.80.9.9', 'eni-0000000000000n001', '10.0.0.4', 0, 60000)`);
    const eni = (id: string, origin: string, ip: string) => `INSERT INTO network_interfaces (id, tenant_id, vpc_id, subnet_id, availability_zone, private_ip_address, mac_address, description, source_dest_check, origin, delete_on_termination, created_at)
      VALUES ('${id}', 't-n', 'vpc-0000000000000n001', 'subnet-000000000000n01', 'us-east-1a', '${ip}', '0e:00:00:00:00:09', '', ${yes}, '${origin}', ${no}, 0)`;
    await ds.query(eni('eni-0000000000000n001', 'nat_gateway', '10.0.0.4'));
    await ds.query(eni('eni-0000000000000n002', 'interface', '10.0.0.5'));
    await ds.query(`INSERT INTO public_ip_allocations (public_ip, tenant_id, network_interface_id, private_ip_address, allocation_id, association_id, allocated_at)
      VALUES ('3.80.9.9', 't-n', 'eni-0000000000000n001', '10.0.0.4', 'eipalloc-00000000000n01', 'eipassoc-0000000000n01', 0)`);
    await ds.query(`INSERT INTO routes (route_table_id, destination_cidr_block, tenant_id, gateway_id, origin, created_at) VALUES
      ('rtb-0000000000000n001', '0.0.0.0/0', 't-n', 'nat-0000000000000n001', 'CreateRoute', 0), ('rtb-0000000000000n001', '10.0.0.0/16', 't-n', 'local', 'CreateRouteTable', 0)`);
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tenant_id, tag_value) VALUES ('nat-0000000000000n001', 'Name', 't-n', 'a'), ('eni-0000000000000n002', 'Name', 't-n', 'b')`);
    await ds.query(`INSERT INTO usage_records (record_id, tenant_id, kind, resource_id, start_ms, end_ms, period_start_ms, quantity, attrs)
      VALUES ('nat-gateway:nat-0000000000000n001:0', 't-n', 'nat-gateway', 'nat-0000000000000n001', 0, NULL, 0, NULL, '{}')`);
    await undoThrough('NatGateways1764780000000');
    expect(await describeTables(['nat_gateways'])).toEqual([]);
    expect(await ds.query("SELECT id FROM network_interfaces WHERE tenant_id = 't-n'")).toEqual([{ id: 'eni-0000000000000n002' }]);
    expect(await ds.query("SELECT gateway_id FROM routes WHERE tenant_id = 't-n'")).toEqual([{ gateway_id: 'local' }]);
    expect(await ds.query("SELECT resource_id FROM network_tags WHERE tenant_id = 't-n'")).toEqual([{ resource_id: 'eni-0000000000000n002' }]);
    expect(await ds.query("SELECT record_id FROM usage_records WHERE tenant_id = 't-n'")).toEqual([]);
    expect(await ds.query("SELECT allocation_id, network_interface_id, association_id FROM public_ip_allocations WHERE tenant_id = 't-n'"))
      .toEqual([{ allocation_id: 'eipalloc-00000000000n01', network_interface_id: null, association_id: null }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM nat_gateways')).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
    for (const t of ['public_ip_allocations', 'network_interfaces', 'routes', 'network_tags']) await ds.query(`DELETE FROM ${t} WHERE tenant_id = 't-n'`);
  });

  it('MonitoringUsage1764815000000 bills the instances running monitored from the stored clock on (or from when they began running or were monitored, if later), idempotently, and reverts alone, keeping them', async () => {
    await undoThrough('MonitoringUsage1764815000000');
    // Running since 0 and monitored since 4,000,000 (before the clock's 5,000,000); running since 5,500,000
    // and monitored since launch (after it); monitored but stopped; running, not monitored.
    for (const n of [6, 7, 8, 9]) await seedInstance(n);
    await ds.query("UPDATE instances SET monitoring = 'enabled', monitoring_since = 4000000 WHERE id = 'i-0000000000000f006'");
    await ds.query("UPDATE instances SET monitoring = 'enabled', monitoring_since = 5400000, state_since = 5500000 WHERE id = 'i-0000000000000f007'");
    await ds.query("UPDATE instances SET monitoring = 'enabled', monitoring_since = 1000, state = 'stopped' WHERE id = 'i-0000000000000f008'");
    await ds.query(`INSERT INTO settings (key, value) VALUES ('clock', '{"nowMs":5000000,"setting":{"mode":"manual"}}')`);
    const records = async () => (await ds.query("SELECT record_id, tenant_id, kind, resource_id, start_ms, end_ms, attrs FROM usage_records WHERE kind = 'monitoring' ORDER BY record_id"))
      .map((r: { start_ms: string | number }) => ({ ...r, start_ms: Number(r.start_ms) }));
    await ds.runMigrations();
    const billed = [
      { record_id: 'monitoring:i-0000000000000f006:5000000', tenant_id: 't-00000000000000f06', kind: 'monitoring', resource_id: 'i-0000000000000f006', start_ms: 5_000_000, end_ms: null, attrs: '{}' },
      { record_id: 'monitoring:i-0000000000000f007:5500000', tenant_id: 't-00000000000000f07', kind: 'monitoring', resource_id: 'i-0000000000000f007', start_ms: 5_500_000, end_ms: null, attrs: '{}' },
    ];
    expect(await records()).toEqual(billed);
    await upAgain(new MonitoringUsage1764815000000());
    expect(await records()).toEqual(billed);
    await undoThrough('MonitoringUsage1764815000000');
    expect(await records()).toEqual([]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE monitoring = 'enabled' AND tenant_id IN ('t-00000000000000f06', 't-00000000000000f07', 't-00000000000000f08')")).toEqual([{ n: usingPostgres() ? '3' : 3 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM usage_records WHERE kind = 'monitoring'");
    await ds.query("DELETE FROM settings WHERE key = 'clock'");
    for (const n of [6, 7, 8, 9]) await dropSeed(n);
  });

  it('VpcPeering1764810000000 adds vpc_peering_connections and their per-account tags; reverting drops them with the routes to them, and nothing else', async () => {
    await ds.query(`INSERT INTO vpc_peering_connections (id, requester_tenant_id, requester_owner_id, requester_vpc_id, requester_cidr_block, accepter_tenant_id,
      accepter_owner_id, accepter_vpc_id, accepter_cidr_block, created_at, expires_at, accepted_at)
      VALUES ('pcx-0000000000000p001', 't-p', '111111111111', 'vpc-0000000000000p001', '10.0.0.0/16', 't-q', '222222222222', 'vpc-0000000000000p002', '10.1.0.0/16', 0, 604800000, 1000)`);
    // Each account its own tag under the same key.
    await ds.query(`INSERT INTO vpc_peering_connection_tags (resource_id, tenant_id, tag_key, tag_value)
      VALUES ('pcx-0000000000000p001', 't-p', 'Name', 'a'), ('pcx-0000000000000p001', 't-q', 'Name', 'b')`);
    await ds.query(`INSERT INTO routes (route_table_id, destination_cidr_block, tenant_id, gateway_id, origin, created_at) VALUES
      ('rtb-0000000000000p001', '10.1.0.0/16', 't-p', 'pcx-0000000000000p001', 'CreateRoute', 0), ('rtb-0000000000000p001', '10.0.0.0/16', 't-p', 'local', 'CreateRouteTable', 0)`);
    await undoThrough('VpcPeering1764810000000');
    expect(await describeTables(['vpc_peering_connections', 'vpc_peering_connection_tags'])).toEqual([]);
    expect(await ds.query("SELECT gateway_id FROM routes WHERE tenant_id = 't-p'")).toEqual([{ gateway_id: 'local' }]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM vpc_peering_connections')).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
    await ds.query("DELETE FROM routes WHERE tenant_id = 't-p'");
  });

  it('DhcpOptions1764830000000 gives each tenant with a default VPC made or a VPC its default set (ec2.internal, AmazonProvidedDNS) under the id the code derives, its VPCs associated; reverts alone, dropping the column, the sets and their tags', async () => {
    await undoThrough('DhcpOptions1764830000000');
    const [no, yes] = usingPostgres() ? ['false', 'true'] : ['0', '1'];
    // t-d had its default VPC made (and deleted it) and has a VPC; t-e had its default VPC made only; t-f has nothing.
    await ds.query("INSERT INTO tenant_default_vpcs (tenant_id, vpc_id, created_at) VALUES ('t-d', NULL, 3), ('t-e', 'vpc-0000000000000d013', 4)");
    await ds.query(`INSERT INTO vpcs (id, tenant_id, cidr_block, is_default, instance_tenancy, enable_dns_support, enable_dns_hostnames, enable_network_address_usage_metrics, created_at)
      VALUES ('vpc-0000000000000d011', 't-d', '10.9.0.0/16', ${no}, 'default', ${yes}, ${no}, ${no}, 5), ('vpc-0000000000000d012', 't-d', '10.8.0.0/16', ${no}, 'default', ${yes}, ${no}, ${no}, 6),
      ('vpc-0000000000000d013', 't-e', '172.31.0.0/16', ${yes}, 'default', ${yes}, ${yes}, ${no}, 4)`);
    await ds.runMigrations();
    const sets = await ds.query("SELECT id, tenant_id, configuration, created_at FROM dhcp_options WHERE tenant_id IN ('t-d', 't-e', 't-f') ORDER BY tenant_id");
    const configuration = [{ key: 'domain-name', values: ['ec2.internal'] }, { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] }];
    expect(sets.map((r: { id: string; tenant_id: string; configuration: string; created_at: unknown }) => [r.id, r.tenant_id, JSON.parse(r.configuration), Number(r.created_at)])).toEqual([
      [defaultDhcpOptionsId('t-d'), 't-d', configuration, 3], [defaultDhcpOptionsId('t-e'), 't-e', configuration, 4],
    ]);
    expect(await ds.query("SELECT id, dhcp_options_id FROM vpcs WHERE tenant_id IN ('t-d', 't-e') ORDER BY id")).toEqual([
      { id: 'vpc-0000000000000d011', dhcp_options_id: defaultDhcpOptionsId('t-d') }, { id: 'vpc-0000000000000d012', dhcp_options_id: defaultDhcpOptionsId('t-d') },
      { id: 'vpc-0000000000000d013', dhcp_options_id: defaultDhcpOptionsId('t-e') },
    ]);
    await ds.query(`INSERT INTO network_tags (resource_id, tag_key, tag_value, tenant_id) VALUES ('${defaultDhcpOptionsId('t-d')}', 'k', 'v', 't-d'), ('vpc-0000000000000d011', 'k', 'v', 't-d')`);
    await undoThrough('DhcpOptions1764830000000');
    expect(await describeTables(['dhcp_options'])).toEqual([]);
    expect((await describeTables(['vpcs']))[0].findColumnByName('dhcp_options_id')).toBeUndefined();
    expect(await ds.query("SELECT resource_id FROM network_tags WHERE tenant_id = 't-d'")).toEqual([{ resource_id: 'vpc-0000000000000d011' }]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM vpcs WHERE tenant_id IN ('t-d', 't-e')")).toEqual([{ n: usingPostgres() ? '3' : 3 }]);
    await ds.runMigrations();
    for (const t of ['network_tags', 'dhcp_options', 'vpcs', 'tenant_default_vpcs']) await ds.query(`DELETE FROM ${t} WHERE tenant_id IN ('t-d', 't-e')`);
  });

  it('ReservedInstances1764870000000 adds reserved_instances and their tags (UUID ids, times past 2^31 ms); reverting drops them and the reserved usage rows, and keeps the other usage', async () => {
    await undoThrough('ReservedInstances1764870000000');
    await ds.runMigrations();
    const id = '0f9e8d7c-6b5a-4c3d-a2e1-f0e9d8c7b6a5';
    await ds.query(`INSERT INTO reserved_instances (id, tenant_id, offering_id, instance_type, scope, availability_zone, instance_count, offering_type, duration_s,
      fixed_price, hourly_price, start_ms) VALUES ('${id}', 't-00000000000000r01', '1a2b3c4d-5e6f-4a1b-a2c3-d4e5f6a7b8c9', 'm5.large', 'Region', NULL, 2,
      'No Upfront', 31536000, '0.00', '0.06', 1735689840000)`);
    await ds.query(`INSERT INTO reserved_instance_tags (resource_id, tenant_id, tag_key, tag_value) VALUES ('${id}', 't-00000000000000r01', 'team', 'web')`);
    await ds.query(`INSERT INTO usage_records (record_id, tenant_id, kind, resource_id, start_ms, end_ms, period_start_ms, quantity, attrs)
      VALUES ('reserved-instance:${id}', 't-00000000000000r01', 'reserved', '${id.replace(/-/g, '')}', 1735689840000, 1767225840000, NULL, 2, '{}'),
      ('instance:i-0000000000000r001:1', 't-00000000000000r01', 'instance-usage', 'i-0000000000000r001', 1, 2, 1, NULL, '{}')`);
    expect(await ds.query('SELECT hourly_price, instance_count, start_ms FROM reserved_instances')).toEqual([
      { hourly_price: '0.06', instance_count: 2, start_ms: usingPostgres() ? '1735689840000' : 1735689840000 },
    ]);
    await undoThrough('ReservedInstances1764870000000');
    expect(await describeTables(['reserved_instances', 'reserved_instance_tags'])).toEqual([]);
    expect(await ds.query("SELECT kind FROM usage_records WHERE tenant_id = 't-00000000000000r01'")).toEqual([{ kind: 'instance-usage' }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM usage_records WHERE tenant_id = 't-00000000000000r01'");
  });

  it('Fleets1764900000000 adds the fleets table (an instant fleet as CreateFleet writes it) and reverts alone, dropping it', async () => {
    await ds.query(`INSERT INTO fleets (id, tenant_id, type, state, client_token, request_hash, created_at, request, instances, errors)
      VALUES ('fleet-0000000000000f001', 't-00000000000000f01', 'instant', 'active', NULL, NULL, 1735689840000, '{}', '[]', '[]')`);
    expect(await ds.query("SELECT state, tags FROM fleets WHERE id = 'fleet-0000000000000f001'")).toEqual([{ state: 'active', tags: '{}' }]);
    await undoThrough('Fleets1764900000000');
    expect(await describeTables(['fleets'])).toEqual([]);
    await ds.runMigrations();
    expect(await ds.query('SELECT COUNT(*) AS n FROM fleets')).toEqual([{ n: usingPostgres() ? '0' : 0 }]);
  });

  it('SpotInterruptionReason1764880000000 adds a request\'s interruption reason (null for the requests there were, read as price); reverting drops it and keeps the requests', async () => {
    await undoThrough('SpotInterruptionReason1764880000000');
    await ds.query(`INSERT INTO spot_instance_requests (id, tenant_id, instance_id, instance_type, availability_zone, product_description, type, max_price,
      interruption_behavior, state, status_code, status_updated_at, created_at)
      VALUES ('sir-0000000000000f011', 't-00000000000000f11', 'i-0000000000000f011', 'm5.large', 'us-east-1a', 'Linux/UNIX', 'one-time', '0.096', 'terminate', 'active', 'marked-for-termination', 1735689840000, 1735689840000)`);
    await ds.runMigrations();
    expect(await ds.query("SELECT interruption_reason FROM spot_instance_requests WHERE id = 'sir-0000000000000f011'")).toEqual([{ interruption_reason: null }]);
    await ds.query("UPDATE spot_instance_requests SET interruption_reason = 'capacity' WHERE id = 'sir-0000000000000f011'");
    expect(await ds.query("SELECT interruption_reason, status_code FROM spot_instance_requests WHERE id = 'sir-0000000000000f011'")).toEqual([{ interruption_reason: 'capacity', status_code: 'marked-for-termination' }]);
    await undoThrough('SpotInterruptionReason1764880000000');
    expect((await describeTables(['spot_instance_requests']))[0].findColumnByName('interruption_reason')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM spot_instance_requests WHERE tenant_id = 't-00000000000000f11'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM spot_instance_requests WHERE tenant_id = 't-00000000000000f11'");
  });

  it('PersistentSpotRequests1764840000000 adds a request\'s launch, ValidFrom, ValidUntil, client token and hash (null for the requests there were); reverting drops them and keeps the requests', async () => {
    await undoThrough('PersistentSpotRequests1764840000000');
    await ds.query(`INSERT INTO spot_instance_requests (id, tenant_id, instance_id, instance_type, availability_zone, product_description, type, max_price,
      interruption_behavior, state, status_code, status_updated_at, created_at)
      VALUES ('sir-0000000000000f010', 't-00000000000000f10', NULL, 'm5.large', 'us-east-1a', 'Linux/UNIX', 'one-time', '0.096', 'terminate', 'closed', 'instance-terminated-by-user', 1735689840000, 1735689840000)`);
    await ds.runMigrations();
    const cols = 'launch_spec, valid_from, valid_until, client_token, request_hash';
    expect(await ds.query(`SELECT ${cols} FROM spot_instance_requests WHERE id = 'sir-0000000000000f010'`)).toEqual([{ launch_spec: null, valid_from: null, valid_until: null, client_token: null, request_hash: null }]);
    // A persistent request as RequestSpotInstances writes it: times past 2^31 ms, as simulated times are.
    await ds.query(`INSERT INTO spot_instance_requests (id, tenant_id, instance_id, instance_type, availability_zone, product_description, type, max_price,
      interruption_behavior, state, status_code, status_updated_at, created_at, ${cols})
      VALUES ('sir-1a2b3c4d', 't-00000000000000f10', NULL, 'm5.large', 'us-east-1a', 'Linux/UNIX', 'persistent', '0.05', 'terminate', 'open', 'price-too-low', 1735689840000, 1735689840000,
      '{"imageId":"ami-1"}', 1735689840000, 1736294640000, 'token-1', 'abc')`);
    const n = (v: number) => (usingPostgres() ? String(v) : v);
    expect(await ds.query(`SELECT ${cols} FROM spot_instance_requests WHERE id = 'sir-1a2b3c4d'`)).toEqual([
      { launch_spec: '{"imageId":"ami-1"}', valid_from: n(1735689840000), valid_until: n(1736294640000), client_token: 'token-1', request_hash: 'abc' },
    ]);
    await undoThrough('PersistentSpotRequests1764840000000');
    const table = (await describeTables(['spot_instance_requests']))[0];
    for (const c of cols.split(', ')) expect(table.findColumnByName(c)).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM spot_instance_requests WHERE tenant_id = 't-00000000000000f10'")).toEqual([{ n: usingPostgres() ? '2' : 2 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM spot_instance_requests WHERE tenant_id = 't-00000000000000f10'");
  });

  it('SpotInstances1764820000000 adds spot_instance_requests, their tags and instances.spot_instance_request_id (null for the instances there were); reverting drops them and keeps the instances', async () => {
    await undoThrough('SpotInstances1764820000000');
    await seedInstance(9);
    await ds.runMigrations();
    const stored = async () => (await ds.query("SELECT spot_instance_request_id FROM instances WHERE id = 'i-0000000000000f009'"))[0];
    expect(await stored()).toEqual({ spot_instance_request_id: null });
    // A request as a Spot launch writes it; its maximum price a decimal string; times past 2^31 ms, as simulated times are.
    await ds.query(`INSERT INTO spot_instance_requests (id, tenant_id, instance_id, instance_type, availability_zone, product_description, type, max_price,
      interruption_behavior, state, status_code, status_updated_at, created_at)
      VALUES ('sir-0000000000000f009', 't-00000000000000f09', 'i-0000000000000f009', 'm5.large', 'us-east-1a', 'Linux/UNIX', 'one-time', '0.096',
      'terminate', 'active', 'fulfilled', 1735689840000, 1735689840000)`);
    await ds.query("INSERT INTO spot_instance_request_tags (resource_id, tenant_id, tag_key, tag_value) VALUES ('sir-0000000000000f009', 't-00000000000000f09', 'Name', 'cheap')");
    await ds.query("UPDATE instances SET spot_instance_request_id = 'sir-0000000000000f009' WHERE id = 'i-0000000000000f009'");
    expect(await stored()).toEqual({ spot_instance_request_id: 'sir-0000000000000f009' });
    expect(await ds.query("SELECT max_price, created_at FROM spot_instance_requests")).toEqual([{ max_price: '0.096', created_at: usingPostgres() ? '1735689840000' : 1735689840000 }]);
    await undoThrough('SpotInstances1764820000000');
    expect(await describeTables(['spot_instance_requests', 'spot_instance_request_tags'])).toEqual([]);
    expect((await describeTables(['instances']))[0].findColumnByName('spot_instance_request_id')).toBeUndefined();
    expect(await ds.query("SELECT COUNT(*) AS n FROM instances WHERE tenant_id = 't-00000000000000f09'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await dropSeed(9);
  });

  it('BootsAndVersionNumbers1764850000000 boots the running instances when they entered running (null for the others) and gives each launch template its latest version as the last number given; reverts alone, keeping them', async () => {
    await undoThrough('BootsAndVersionNumbers1764850000000');
    await seedInstance(6);
    await seedInstance(7);
    await ds.query("UPDATE instances SET state_since = 1735689840000 WHERE id = 'i-0000000000000f006'");
    await ds.query("UPDATE instances SET state = 'stopped', state_since = 1735689900000 WHERE id = 'i-0000000000000f007'");
    await ds.query("INSERT INTO launch_templates (id, tenant_id, name, default_version, latest_version, created_at) VALUES ('lt-0000000000000f006', 't-00000000000000f06', 'web', 1, 3, 0)");
    await ds.runMigrations();
    const booted = await ds.query("SELECT id, booted_at FROM instances WHERE id IN ('i-0000000000000f006', 'i-0000000000000f007') ORDER BY id");
    expect(booted.map((r: { id: string; booted_at: unknown }) => [r.id, r.booted_at === null ? null : Number(r.booted_at)])).toEqual([['i-0000000000000f006', 1735689840000], ['i-0000000000000f007', null]]);
    expect(await ds.query("SELECT last_version_number FROM launch_templates WHERE id = 'lt-0000000000000f006'")).toEqual([{ last_version_number: 3 }]);
    await expect(ds.query("UPDATE launch_templates SET last_version_number = NULL WHERE id = 'lt-0000000000000f006'")).rejects.toThrow();
    await undoThrough('BootsAndVersionNumbers1764850000000');
    const [instances, templates] = await describeTables(['instances', 'launch_templates']);
    expect([instances.findColumnByName('booted_at'), templates.findColumnByName('last_version_number')]).toEqual([undefined, undefined]);
    expect(await ds.query("SELECT COUNT(*) AS n FROM launch_templates WHERE id = 'lt-0000000000000f006'")).toEqual([{ n: usingPostgres() ? '1' : 1 }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM launch_templates WHERE id = 'lt-0000000000000f006'");
    await dropSeed(6);
    await dropSeed(7);
  });

  it('EbsEncryption1764860000000 adds volumes\' and snapshots\' kms_key_id (null, unencrypted, for those there were) and ebs_encryption_defaults (by_default false unless set); reverts alone, keeping the volumes and snapshots', async () => {
    await undoThrough('EbsEncryption1764860000000');
    await ds.query("INSERT INTO tenants (id, name, quota_on_demand_vcpus, quota_provisioned_iops, created_at, account_id) VALUES ('t-00000000000000k01', 'k', 1, 1, 0, '210987654391')");
    await ds.query("INSERT INTO volumes (id, tenant_id, availability_zone, volume_type, size_gib, iops, throughput_mibps, state, delete_on_termination, created_at) VALUES ('vol-0000000000000k001', 't-00000000000000k01', 'us-east-1a', 'gp2', 8, 100, 128, 'available', false, 0)");
    await ds.query("INSERT INTO snapshots (id, tenant_id, volume_id, volume_size_gib, tags, started_at, completed_at) VALUES ('snap-0000000000000k001', 't-00000000000000k01', 'vol-0000000000000k001', 8, '{}', 0, 1)");
    await ds.runMigrations();
    expect(await ds.query("SELECT kms_key_id FROM volumes WHERE id = 'vol-0000000000000k001'")).toEqual([{ kms_key_id: null }]);
    expect(await ds.query("SELECT kms_key_id FROM snapshots WHERE id = 'snap-0000000000000k001'")).toEqual([{ kms_key_id: null }]);
    // A key ARN as the code stores one; a tenant's setting with its default column.
    const arn = 'arn:aws:kms:us-east-1:210987654391:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await ds.query(`UPDATE volumes SET kms_key_id = '${arn}' WHERE id = 'vol-0000000000000k001'`);
    expect(await ds.query("SELECT kms_key_id FROM volumes WHERE id = 'vol-0000000000000k001'")).toEqual([{ kms_key_id: arn }]);
    await ds.query("INSERT INTO ebs_encryption_defaults (tenant_id) VALUES ('t-00000000000000k01')");
    const [row] = await ds.query("SELECT by_default, kms_key_id FROM ebs_encryption_defaults WHERE tenant_id = 't-00000000000000k01'");
    expect([Boolean(row.by_default), row.kms_key_id]).toEqual([false, null]);
    await undoThrough('EbsEncryption1764860000000');
    expect(await describeTables(['ebs_encryption_defaults'])).toEqual([]);
    expect((await describeTables(['volumes']))[0].findColumnByName('kms_key_id')).toBeUndefined();
    expect((await describeTables(['snapshots']))[0].findColumnByName('kms_key_id')).toBeUndefined();
    // Nothing else lost on SQLite's rebuild of the tables.
    expect((await describeTables(['volumes']))[0].findColumnByName('auto_enable_io')).toBeDefined();
    expect(await ds.query("SELECT size_gib FROM volumes WHERE id = 'vol-0000000000000k001'")).toEqual([{ size_gib: 8 }]);
    expect(await ds.query("SELECT source_snapshot_id FROM snapshots WHERE id = 'snap-0000000000000k001'")).toEqual([{ source_snapshot_id: null }]);
    await ds.runMigrations();
    await ds.query("DELETE FROM snapshots WHERE tenant_id = 't-00000000000000k01'");
    await ds.query("DELETE FROM volumes WHERE tenant_id = 't-00000000000000k01'");
    await ds.query("DELETE FROM tenants WHERE id = 't-00000000000000k01'");
  });
});
