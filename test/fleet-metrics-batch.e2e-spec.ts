import { LINUX_AMI, startApp, TestApp } from './support/app';
import { billingHarness } from './support/billing';

type Point = { time: string; cpuUtilization: number; memoryResidentMiB: number; memoryCapacityMiB: number };
type HeatmapHost = { hostId: string; availabilityZone: string; values: (number | null)[] };

/**
 * The fleet heatmap and availability per zone read every host's metrics in a fixed number of
 * queries (MetricsRepository's batched reads); their answers must be what each host's own metrics
 * (`GET /v1/admin/hosts/{id}`, one host's queries) say, cell by cell, and the hand-worked figures.
 * The fleet: hosts whose series carry in from before the window, a host that joins inside it,
 * busy and idle hosts, a host failed for two hours, and a window that ends in the open bucket.
 */
describe('fleet heatmap and availability: every host at once, as each host alone', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  let start: number;
  let now: number;
  let failedHost: string;

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 2);
    start = await h.nextHour();
    const alpha = await h.tenant('alpha');
    const a = await h.launch(alpha.key, { imageId: LINUX_AMI, instanceType: 'm5.large' });
    const b = await h.launch(alpha.key, { imageId: LINUX_AMI, instanceType: 'm5.xlarge' });
    const c = await h.launch(alpha.key, { availabilityZone: 'us-east-1b', imageId: LINUX_AMI, instanceType: 'm5.large' });
    await t.as(alpha.key).put(`/v1/instances/${a}/workload`, { cpu: { model: 'constant', cores: 2 } }).expect(200);
    await t.as(alpha.key).put(`/v1/instances/${b}/workload`, { cpu: { model: 'random-walk', meanCores: 2, volatility: 0.5, seed: 11, stepSeconds: 600 } }).expect(200);
    await t.as(alpha.key).put(`/v1/instances/${c}/workload`, { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.3, seed: 5, stepSeconds: 900 } }).expect(200);
    await t.advance(3 * 3600);
    const hosts = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { hostId: string; availabilityZone: string; allocated: { instances: number } }[];
    failedHost = hosts.find((x) => x.availabilityZone === 'us-east-1b' && x.allocated.instances === 0)!.hostId;
    await t.admin().post(`/v1/admin/hosts/${failedHost}/fail`, {}).expect(200);
    await t.advance(2 * 3600);
    await t.admin().post(`/v1/admin/hosts/${failedHost}/repair`).expect(200);
    await t.advance(3600);
    // Joins inside the window: nothing to carry in, its first bucket in the window.
    await t.hosts('m5-host', 'us-east-1a', 1);
    // Not on a period boundary: the last period ends in the bucket the engine still holds open.
    await t.advance(3.5 * 3600 + 17);
    now = await h.nowMs();
  });
  afterAll(() => t.close());

  /** One host's metric points over the window, from the host's own route. */
  const hostPoints = async (hostId: string, query: Record<string, string>): Promise<Point[]> =>
    (await t.admin().get(`/v1/admin/hosts/${hostId}`).query(query).expect(200)).body.metrics.points;

  // Windows by their offsets from the hour the instances started (ms; no `to`: up to now).
  it.each<[string, { fromMs: number; toMs?: number; period: string }]>([
    ['cpu', { fromMs: -2 * HOUR, period: '3600' }],
    ['memory', { fromMs: -2 * HOUR, period: '3600' }],
    ['cpu', { fromMs: HOUR + 123_000, toMs: 8 * HOUR + 5_000, period: '600' }],
    ['memory', { fromMs: 5 * HOUR, period: '300' }],
  ])('heatmap of %s over %j: each host’s values are its own metrics’ points', async (metric, offsets) => {
    const window: Record<string, string> = { from: iso(start + offsets.fromMs), period: offsets.period };
    if (offsets.toMs !== undefined) window.to = iso(start + offsets.toMs);
    const r = (await t.admin().get('/v1/admin/fleet/heatmap').query({ metric, ...window }).expect(200)).body;
    expect(r.hosts).toHaveLength(5);
    let nonZero = 0;
    for (const host of r.hosts as HeatmapHost[]) {
      const points = await hostPoints(host.hostId, window);
      const byTime = new Map(points.map((p) => [p.time, p]));
      const expected = r.times.map((time: string) => {
        const p = byTime.get(time);
        if (!p) return null;
        const v = metric === 'cpu' ? p.cpuUtilization / 100 : p.memoryCapacityMiB > 0 ? p.memoryResidentMiB / p.memoryCapacityMiB : 0;
        return Math.round(v * 1000) / 1000;
      });
      // Every point of the host falls on one of the heatmap's times.
      expect(points.every((p) => r.times.includes(p.time))).toBe(true);
      expect(host.values).toEqual(expected);
      nonZero += host.values.filter((v) => v !== null && v > 0).length;
    }
    // Not a comparison of empty answers: the busy hosts show load.
    expect(nonZero).toBeGreaterThan(0);
  });

  it('heatmap: hosts with no metrics before they existed are null there, then present', async () => {
    const r = (await t.admin().get('/v1/admin/fleet/heatmap').query({ metric: 'cpu', from: iso(start), period: '3600' }).expect(200)).body;
    const late = (r.hosts as HeatmapHost[]).filter((x) => x.values[0] === null);
    // The host added six hours in: nothing before its hour, a value from it on.
    expect(late).toHaveLength(1);
    expect(late[0].values.map((v) => v === null)).toEqual(r.times.map((time: string) => Date.parse(time) < start + 6 * HOUR));
  });

  it('availability per zone: host-hours and failed host-hours, hand-worked', async () => {
    const r = (await t.admin().get('/v1/admin/fleet/availability').query({ from: iso(start) }).expect(200)).body;
    const spanHours = (now - start) / HOUR;
    // us-east-1a: two hosts the whole window, one for its last 3.5 h + 17 s; us-east-1b: two hosts, one failed 2 h.
    const lateHours = (now - (start + 6 * HOUR)) / HOUR;
    expect(r.zones).toHaveLength(2);
    expect(r.zones[0]).toMatchObject({ availabilityZone: 'us-east-1a', hosts: 3, failedHostHours: 0, availability: 1 });
    expect(r.zones[0].hostHours).toBeCloseTo(2 * spanHours + lateHours, 9);
    expect(r.zones[1]).toMatchObject({ availabilityZone: 'us-east-1b', hosts: 2 });
    expect(r.zones[1].hostHours).toBeCloseTo(2 * spanHours, 9);
    expect(r.zones[1].failedHostHours).toBeCloseTo(2, 9);
    expect(r.zones[1].availability).toBeCloseTo(1 - 2 / (2 * spanHours), 9);
  });

  it('availability: the failed host’s own metrics say the same two failed hours', async () => {
    const points = await hostPoints(failedHost, { from: iso(start), period: '3600' });
    const failedHours = points.reduce((s, p) => s + (p as unknown as { failed: number }).failed, 0);
    expect(failedHours).toBeCloseTo(2, 9);
    const r = (await t.admin().get('/v1/admin/fleet/availability').query({ from: iso(start), period: '3600' }).expect(200)).body;
    expect(r.zones[1].failedHostHours).toBeCloseTo(failedHours, 9);
  });
});
