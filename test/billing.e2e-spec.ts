import { Decimal } from 'decimal.js';
import { LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness, HOUR_MS, SHUTDOWN_MS, SQL_AMI, SUSE_AMI } from './support/billing';

/**
 * Billing through HTTP (docs/model.md §5), with worked examples computed by hand: the engine's events
 * become usage records, the price book rates them, the running month shows as an estimate. Each
 * test has its own tenant, and runs well inside one calendar month of simulated time.
 * Prices are the seeded AWS us-east-1 list prices (libs/metering/src/pricing/price-book.seed.ts).
 */
describe('billing: worked examples through the API', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  const month = async () => new Date(await h.nowMs()).toISOString().slice(0, 7);
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 4);
    await t.hosts('m5-host', 'us-east-1b', 2);
  });
  afterAll(() => t.close());
  // At least three days left in the month, so that no example crosses a month boundary.
  beforeEach(async () => {
    const now = await h.nowMs();
    const d = new Date(now);
    if (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now < 3 * 24 * HOUR_MS) await h.nextMonth();
  });

  it('bills a Linux instance that ran 30 s for 60 s (the minimum), and reports the 30 s it ran', async () => {
    const { key } = await h.tenant('thirty-seconds');
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge' });
    await t.advance(15); // Amazon Linux boots in 15 s: running from here
    await t.advance(30);
    await h.op(key, id, 'stop');
    await t.advance(10);
    const inv = await h.invoice(key, await month());
    expect(inv.status).toBe('estimate');
    // 60 s = 1/60 h × $4.608 = 0.0768 → $0.08 (30 s would be 0.0384 → $0.04).
    expect(h.line(inv, 'ec2-instance/m5.24xlarge/linux')).toMatchObject({ quantity: '0.01666667', unitPrice: '4.608', amount: '0.08' });
    expect(inv.total).toBe('0.08');
    const usage = await h.usage(key);
    // Its public IPv4 address, held from launch until it stopped: 15 s boot + 30 s + 10 s shutdown = 55 s.
    expect(usage.usage).toEqual([
      { usageType: 'BoxUsage:m5.24xlarge', product: 'ec2-instance', unit: 'instance-hour', quantity: '0.00833333' },
      { usageType: 'PublicIPv4:InUseAddress', product: 'public-ipv4', unit: 'address-hour', quantity: '0.01527778' },
    ]);
  });

  it('bills three minimums when it is stopped and started twice within a minute of running', async () => {
    const { key } = await h.tenant('three-starts');
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge' });
    await t.advance(15);
    for (let i = 0; i < 3; i++) {
      await t.advance(10); // runs 10 s
      await h.op(key, id, 'stop');
      await t.advance(10); // stopping → stopped
      if (i < 2) {
        await h.op(key, id, 'start');
        await t.advance(15); // pending → running
      }
    }
    const inv = await h.invoice(key, await month());
    // 3 × 60 s = 0.05 h × $4.608 = 0.2304 → $0.23, though it ran 30 s in all.
    expect(h.line(inv, 'ec2-instance/')).toMatchObject({ quantity: '0.05', amount: '0.23' });
    expect((await h.usage(key)).usage[0].quantity).toBe('0.00833333');
  });

  it('bills SUSE that ran 61 minutes for two hours, compute and license', async () => {
    const { key } = await h.tenant('suse');
    const id = await h.launch(key, { imageId: SUSE_AMI, instanceType: 'm5.large' });
    await t.advance(30); // SUSE boots in 30 s
    await t.advance(61 * 60);
    await h.op(key, id, 'stop');
    const inv = await h.invoice(key, await month());
    // Compute 2 h × $0.096 = 0.192 → 0.19; SLES 2 h × $0.10 = 0.20.
    expect(h.line(inv, 'ec2-instance/m5.large/suse')).toMatchObject({ quantity: '2', amount: '0.19' });
    expect(h.line(inv, 'ec2-license/sles')).toMatchObject({ quantity: '2', amount: '0.20' });
    // Its public IPv4 address, held 30 s + 61 min so far: 1.025 h × $0.005 = 0.005125 → $0.01.
    expect(h.line(inv, 'public-ipv4/in-use')).toMatchObject({ quantity: '1.025', amount: '0.01' });
    expect(inv.total).toBe('0.40');
  });

  it('bills a reboot as nothing: no new minimum, no new hour', async () => {
    const { key } = await h.tenant('reboot');
    const linux = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge' });
    const suse = await h.launch(key, { imageId: SUSE_AMI, instanceType: 'm5.large' });
    await t.advance(30); // both running (Linux since 15 s, SUSE since 30 s)
    await t.advance(5);
    await h.op(key, linux, 'reboot');
    await h.op(key, suse, 'reboot');
    await t.advance(15);
    await h.op(key, linux, 'stop'); // Linux ran 35 s across the reboot: one 60 s minimum
    await t.advance(50 * 60 - 20);
    await h.op(key, suse, 'stop'); // SUSE ran 50 minutes across the reboot: one hour
    const inv = await h.invoice(key, await month());
    expect(h.line(inv, 'ec2-instance/m5.24xlarge/linux')).toMatchObject({ quantity: '0.01666667', amount: '0.08' });
    expect(h.line(inv, 'ec2-instance/m5.large/suse')).toMatchObject({ quantity: '1' });
    expect(h.line(inv, 'ec2-license/sles')).toMatchObject({ quantity: '1', amount: '0.10' });
  });

  it('licenses Windows with SQL Server Standard on a 2-vCPU type for 4 cores', async () => {
    const { key } = await h.tenant('sql');
    const id = await h.launch(key, { imageId: SQL_AMI, instanceType: 'm5.large' });
    await t.advance(240); // Windows with SQL Server boots in 4 minutes
    await t.advance(3600);
    await h.op(key, id, 'stop');
    const inv = await h.invoice(key, await month());
    // SQL Server Standard: max(2 vCPUs, 4-core minimum) × $0.125 per core-hour = $0.50 per hour.
    const sql = h.line(inv, 'ec2-license/sql-server-standard/m5.large');
    expect(sql).toMatchObject({ licenseProduct: 'sql-server-standard', quantity: '1', unitPrice: '0.50', amount: '0.50' });
    expect(sql.description).toContain('licensed as 4 cores');
    // Windows folded into the hourly price: 0.188 − 0.096 = 0.092 → 0.09; compute 0.096 → 0.10. List price $0.688/h.
    expect(h.line(inv, 'ec2-license/windows-server/m5.large')).toMatchObject({ unitPrice: '0.092', amount: '0.09' });
    // Its public IPv4 address, held 4 min + 1 h so far: 1.06666667 h × $0.005 → $0.01.
    expect(h.line(inv, 'public-ipv4/in-use')).toMatchObject({ quantity: '1.06666667', amount: '0.01' });
    expect(inv.total).toBe('0.70');
  });

  it('charges a t3 in unlimited mode exactly its surplus credits, at $0.05 per vCPU-hour', async () => {
    const { key } = await h.tenant('unlimited');
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 't3.large', creditSpecification: 'unlimited' });
    await t.advance(15);
    // t3.large: 2 vCPUs, baseline 30 % each = 0.6 vCPU. Both vCPUs busy for one hour spend 1.4 vCPU-hours
    // above the baseline, and T3 has no launch credits: all of it is surplus (84 credits), charged at the stop.
    await t.as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores: 2 } }).expect(200);
    await t.advance(3600);
    await h.op(key, id, 'stop');
    await t.advance(10);
    const inv = await h.invoice(key, await month());
    // 1.4 × $0.05 = 0.07. Compute: 1 h × $0.0832 → $0.08.
    expect(h.line(inv, 'ec2-cpu-credits/linux')).toMatchObject({ quantity: '1.4', unitPrice: '0.05', amount: '0.07' });
    expect(h.line(inv, 'ec2-instance/t3.large')).toMatchObject({ quantity: '1', amount: '0.08' });
    const usage = await h.usage(key);
    expect(usage.usage.find((u: { product: string }) => u.product === 'ec2-cpu-credits')).toEqual({ usageType: 'CPUCredits:linux', product: 'ec2-cpu-credits', unit: 'vcpu-hour', quantity: '1.4' });
  });

  it('prorates a gp3 volume with 6,000 IOPS and 250 MiB/s over half a month', async () => {
    const { key } = await h.tenant('gp3');
    const [start, end, m] = await h.nextMonth();
    const vol = (await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 100, type: 'gp3', iops: 6000, throughputMiBps: 250 }).expect(201)).body.volumeId;
    await h.advanceTo(start + (end - start) / 2);
    await t.as(key).delete(`/v1/volumes/${vol}`).expect(204);
    const inv = await h.invoice(key, m);
    // Half of the month: storage 100 GiB × 0.5 × $0.08 = 4.00; IOPS (6,000 − 3,000) × 0.5 × $0.005 = 7.50;
    // throughput (250 − 125) × 0.5 × $0.04 = 2.50. The gp3 baseline (3,000 IOPS, 125 MiB/s) is free.
    expect(h.line(inv, 'ebs-storage/gp3')).toMatchObject({ quantity: '50', amount: '4.00' });
    expect(h.line(inv, 'ebs-iops/gp3')).toMatchObject({ quantity: '1500', amount: '7.50' });
    expect(h.line(inv, 'ebs-throughput/gp3')).toMatchObject({ quantity: '62.5', amount: '2.50' });
    expect(inv.total).toBe('14.00');
  });

  it('bills a volume deleted on termination until the instance terminated, not until the end of the advance that saw it go', async () => {
    const { key } = await h.tenant('launch-volume');
    const [start, end, m] = await h.nextMonth();
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large', volumes: [{ sizeGiB: 8, type: 'gp3' }] });
    await h.advanceTo(start + 10 * HOUR_MS);
    await h.terminate(key, id);
    // One advance of 45 minutes: the instance reaches `terminated` 10 s into it (SHUTDOWN_MS), and
    // its volume (8 GiB gp3, deleted on termination) goes then, so it is billed 10 h 10 s.
    await h.advanceTo(start + 10.75 * HOUR_MS);
    expect(await h.state(key, id)).toBe('terminated');
    const gibMonths = (8 * (10 * HOUR_MS + SHUTDOWN_MS)) / (end - start);
    const storage = h.line(await h.invoice(key, m), 'ebs-storage/gp3');
    expect(Math.abs(Number(storage.quantity) - gibMonths)).toBeLessThan(1e-8);
    // The same instant as the address the instance held, released at the termination too.
    expect(h.line(await h.invoice(key, m), 'public-ipv4/in-use').quantity).toBe(String(Number(((10 * HOUR_MS + SHUTDOWN_MS) / HOUR_MS).toFixed(8))));
  });

  it('bills data transfer per GB: internet egress past the free 100 GB, and cross-AZ in each direction', async () => {
    const { key } = await h.tenant('transfer');
    const a = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', availabilityZone: 'us-east-1a' });
    const b = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', availabilityZone: 'us-east-1b' });
    await t.advance(15);
    // 1,600 Mbps to the internet for 1,000 s = 200 GB; 80 Mbps to the other zone for 1,000 s = 10 GB.
    await t.as(key).put(`/v1/instances/${a}/workload`, { network: [{ to: 'internet', mbps: 1600 }, { to: b, mbps: 80 }] }).expect(200);
    await t.advance(1000);
    await t.as(key).put(`/v1/instances/${a}/workload`, { network: [] }).expect(200);
    const inv = await h.invoice(key, await month());
    // Internet: 100 GB free, then 100 GB × $0.09 = 9.00. Cross-AZ: 10 GB out of us-east-1a and 10 GB into us-east-1b, × $0.01 = 0.20.
    expect(h.line(inv, 'data-transfer/internet-out/tier1')).toMatchObject({ quantity: '100', amount: '0.00' });
    expect(h.line(inv, 'data-transfer/internet-out/tier2')).toMatchObject({ quantity: '100', amount: '9.00' });
    expect(h.line(inv, 'data-transfer/cross-az')).toMatchObject({ quantity: '20', amount: '0.20' });
    expect((await h.usage(key, { groupBy: 'product' })).usage.find((u: { product: string }) => u.product === 'data-transfer')).toEqual({ product: 'data-transfer', unit: 'gb', quantity: '220' });
  });

  it('bills the internet egress sent before a restart of Nimbus, when nothing else changed before it', async () => {
    const { key } = await h.tenant('transfer-restart');
    const a = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', availabilityZone: 'us-east-1a' });
    await t.advance(15);
    // 1,600 Mbps to the internet: 500 s before the restart and 500 s after = 200 GB.
    await t.as(key).put(`/v1/instances/${a}/workload`, { network: [{ to: 'internet', mbps: 1600 }] }).expect(200);
    await t.advance(500);
    t = await t.restart();
    await t.advance(500);
    await t.as(key).put(`/v1/instances/${a}/workload`, { network: [] }).expect(200);
    const inv = await h.invoice(key, await month());
    // 100 GB free, then 100 GB × $0.09 = 9.00.
    expect(h.line(inv, 'data-transfer/internet-out/tier1')).toMatchObject({ quantity: '100', amount: '0.00' });
    expect(h.line(inv, 'data-transfer/internet-out/tier2')).toMatchObject({ quantity: '100', amount: '9.00' });
  });

  it('bills a Dedicated Host per second from allocation to release; its BYOL Windows instance pays no compute and no license', async () => {
    const { key } = await h.tenant('byol-dedicated');
    const alloc = await t.as(key).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', autoPlacement: 'off' }).expect(201);
    const hostId = alloc.body.hosts[0].hostId as string;
    const id = await h.launch(key, { imageId: 'ami-0f2d0c00000002f22', instanceType: 'm5.large', tenancy: 'host', hostId });
    await t.advance(180 + 10 * 3600);
    await h.terminate(key, id);
    await t.advance(1_800 - 180); // shutting-down, terminated; then released 10.5 h after allocation
    await t.as(key).delete(`/v1/dedicated-hosts/${hostId}`).expect(204);
    await t.advance(3_600); // a released host costs nothing more
    const inv = await h.invoice(key, await month());
    // 10.5 h × $5.069 (m5 Dedicated Host, on demand) = 53.2245 → $53.22; the instance: nothing
    // (on a Dedicated Host the host is billed, not its instances; BYOL: no Windows license).
    // Its public IPv4 address is billed: held 3 min + 10 h and its shutdown, about 10.05 h × $0.005 → $0.05.
    expect(inv.lines.map((l) => l.lineId)).toEqual(['ec2-dedicated-host/m5/aws-us-east-1-seed', 'public-ipv4/in-use/aws-us-east-1-seed']);
    expect(h.line(inv, 'ec2-dedicated-host/m5')).toMatchObject({ quantity: '10.5', unitPrice: '5.069', amount: '53.22' });
    expect(h.line(inv, 'public-ipv4/in-use').amount).toBe('0.05');
    expect(inv.total).toBe('53.27');
  });

  it('bills BYOL SQL Server no SQL license: the instance pays its Windows compute and Windows license only', async () => {
    const { key } = await h.tenant('byol-sql');
    const id = await h.launch(key, { imageId: 'ami-0f3d0c00000003f22', instanceType: 'm5.large' });
    await t.advance(180 + 10 * 3600);
    await h.op(key, id, 'stop');
    const inv = await h.invoice(key, await month());
    // It ran 9.98333333 h (after a 4-minute Windows boot): × $0.096 compute = 0.9584 → $0.96, × $0.092
    // Windows Server (license included) = 0.9185 → $0.92; no SQL Server line (BYOL: its license is the tenant's).
    // And its public IPv4 address, held 3 min + 10 h so far: 10.05 h × $0.005 = 0.05025 → $0.05.
    expect(inv.lines.map((l) => l.lineId)).toEqual([
      'ec2-instance/m5.large/windows/license-included/default/aws-us-east-1-seed',
      'ec2-license/windows-server/m5.large/2vcpu/aws-us-east-1-seed',
      'public-ipv4/in-use/aws-us-east-1-seed',
    ]);
    expect(h.line(inv, 'public-ipv4/in-use')).toMatchObject({ quantity: '10.05', amount: '0.05' });
    expect(inv.total).toBe('1.93');
  });

  it('groups usage by day at UTC midnight', async () => {
    const { key } = await h.tenant('by-day');
    const [start] = await h.nextMonth();
    await h.advanceTo(start + 22 * HOUR_MS - 15_000);
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    await t.advance(15 + 5 * 3600); // running 22:00 → 03:00
    await h.op(key, id, 'stop');
    // Instance-hours only: its public IPv4 address (held from the launch, 15 s before it ran) has rows of its own.
    const byDay = (await h.usage(key, { groupBy: 'day' })).usage.filter((u: { product: string }) => u.product === 'ec2-instance').map((u: { day: string; quantity: string }) => [u.day, u.quantity]);
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    expect(byDay).toEqual([[day(start), '2'], [day(start + 24 * HOUR_MS), '3']]);
    const total = byDay.reduce((s: Decimal, [, q]: [string, string]) => s.plus(q), new Decimal(0));
    expect(total.toFixed()).toBe('5');
  });
});
