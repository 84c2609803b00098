import request from 'supertest';
import { expectError, startApp, TestApp } from './support/app';
import { iso, MINUTE, simHarness } from './support/sim';

const MISSING_INSTANCE = 'i-0123456789abcdef0';

type Point = Record<string, number | string | Record<string, number>> & { time: string };

/** Rounds every number (the VMM's shares and credits are floating point) so points compare exactly. */
function rounded<T>(v: T): T {
  if (typeof v === 'number') return (Math.round(v * 1e9) / 1e9 + 0) as T;
  if (Array.isArray(v)) return v.map(rounded) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)])) as T;
  return v;
}

/** Helpers over one app: the manual clock, launches, workloads and metric reads. */
function harness(get: () => TestApp) {
  return {
    ...simHarness(get),
    cpu: async (key: string, id: string, cores: number) => {
      await get().as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores } }).expect(200);
    },
    metrics: async (key: string, id: string, query: Record<string, string | number>): Promise<Point[]> =>
      rounded((await get().as(key).get(`/v1/instances/${id}/metrics`).query(query).expect(200)).body.points),
  };
}

/**
 * `GET /v1/instances/{id}/metrics` (API.md): per-bucket means of what the VMM granted, credit
 * balances at each bucket's end, CloudWatch's window rules, burst credits spent to the millisecond,
 * persistence across restarts (the minute open at the restart included), tenant isolation; and the
 * operators' views of the same metrics: a host's utilization and series, the fleet's.
 */
describe('instance metrics', () => {
  describe('a constant workload on an m5.large', () => {
    let t: TestApp;
    let key: string;
    let id: string;
    let launchedAt: number;
    let setAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      await t.hosts('m5-host', 'us-east-1a', 1);
      ({ key } = await t.tenant('alpha'));
      // Launched on a five-minute boundary, idle for its first five minutes, then 1.5 cores for ten.
      launchedAt = await h.align(300);
      id = await h.launch(key);
      await t.advance(300);
      setAt = await h.nowMs();
      await h.cpu(key, id, 1.5);
      await t.advance(600);
    });
    afterAll(() => t.close());

    it('each minute shows cpuDemandCores 1.5, cpuCores 1.5, cpuUtilization 75 (of its 2 vCPUs), no steal, its 8 GiB resident', async () => {
      const points = await h.metrics(key, id, { from: iso(setAt), to: iso(setAt + 10 * MINUTE), period: 60 });
      expect(points.map((p) => p.time)).toEqual(Array.from({ length: 10 }, (_, k) => iso(setAt + k * MINUTE)));
      for (const p of points) {
        expect(p).toMatchObject({ cpuDemandCores: 1.5, cpuCores: 1.5, cpuUtilization: 75, stealCores: 0, memoryResidentMiB: 8192, memorySwappedMiB: 0, iopsDelivered: 0 });
        expect(p.max).toMatchObject({ cpuCores: 1.5 });
      }
    });

    it('before the workload the instance was idle, and while pending it was too', async () => {
      const points = await h.metrics(key, id, { from: iso(launchedAt), to: iso(setAt), period: 60 });
      expect(points).toHaveLength(5);
      for (const p of points) expect(p).toMatchObject({ cpuDemandCores: 0, cpuCores: 0, cpuUtilization: 0 });
    });

    it('a coarser period is the time-weighted mean of its minutes', async () => {
      const points = await h.metrics(key, id, { from: iso(launchedAt), to: iso(setAt + 10 * MINUTE), period: 300 });
      expect(points.map((p) => [p.time, p.cpuCores, p.cpuUtilization])).toEqual([
        [iso(launchedAt), 0, 0],
        [iso(setAt), 1.5, 75],
        [iso(setAt + 5 * MINUTE), 1.5, 75],
      ]);
    });

    it('a change inside a minute weighs by time: 20 s at 1.5 cores then 40 s at 0.5 is a mean of 0.8333…, a max of 1.5', async () => {
      const minute = await h.align();
      await t.advance(20);
      await h.cpu(key, id, 0.5);
      await t.advance(40);
      const [p] = await h.metrics(key, id, { from: iso(minute), to: iso(minute + MINUTE), period: 60 });
      expect(p.time).toBe(iso(minute));
      expect(p.cpuCores).toBeCloseTo((20 * 1.5 + 40 * 0.5) / 60, 9);
      expect(p.cpuUtilization).toBeCloseTo(((20 * 1.5 + 40 * 0.5) / 60 / 2) * 100, 9);
      expect(p.max).toMatchObject({ cpuCores: 1.5 });
      const [next] = await h.metrics(key, id, { from: iso(minute + MINUTE), to: iso(minute + 2 * MINUTE), period: 60 });
      expect(next).toBeUndefined(); // that minute has not happened yet
      await t.advance(60);
      const [later] = await h.metrics(key, id, { from: iso(minute + MINUTE), to: iso(minute + 2 * MINUTE), period: 60 });
      expect(later).toMatchObject({ time: iso(minute + MINUTE), cpuCores: 0.5 });
    });

    it('by default: the last hour up to now, one point a minute, the newest the minute just ended', async () => {
      const now = await h.nowMs();
      const res = await t.as(key).get(`/v1/instances/${id}/metrics`).expect(200);
      expect(res.body.instanceId).toBe(id);
      expect(res.body.periodSeconds).toBe(60);
      const times = res.body.points.map((p: Point) => Date.parse(p.time));
      expect(times[0]).toBe(launchedAt);
      expect(times.at(-1)).toBe(now - MINUTE);
      expect(res.body.points.at(-1)).toMatchObject({ cpuCores: 0.5 });
    });

    it('answers every field API.md lists, for every point', async () => {
      const [p] = await h.metrics(key, id, { from: iso(setAt), to: iso(setAt + MINUTE) });
      for (const field of [
        'time', 'cpuDemandCores', 'cpuCores', 'cpuUtilization', 'stealCores', 'creditBalance', 'surplusCredits', 'memoryResidentMiB', 'memorySharedMiB',
        'memoryBalloonedMiB', 'memorySwappedMiB', 'iopsDemanded', 'iopsDelivered', 'iopsThrottled', 'throughputMiBps', 'networkOutMbps',
      ])
        expect(p).toHaveProperty(field);
    });

    it('reads nothing past now: a window reaching into the future stops at now', async () => {
      const now = await h.nowMs();
      const points = await h.metrics(key, id, { from: iso(now - 2 * MINUTE), to: iso(now + 30 * MINUTE), period: 60 });
      expect(points.map((p) => p.time)).toEqual([iso(now - 2 * MINUTE), iso(now - MINUTE)]);
      expect(await h.metrics(key, id, { from: iso(now + MINUTE), to: iso(now + 30 * MINUTE), period: 60 })).toEqual([]);
    });

    describe('window validation: 400 InvalidParameterValue', () => {
      const cases: [string, () => Record<string, string>][] = [
        ['a period not a multiple of 60', () => ({ period: '90' })],
        ['a period below 60', () => ({ period: '30' })],
        ['a period of 0', () => ({ period: '0' })],
        ['a negative period', () => ({ period: '-60' })],
        ['a fractional period', () => ({ period: '60.5' })],
        ['a period in words', () => ({ period: 'hourly' })],
        ['more than 1,440 points (one day and one minute of minutes)', () => ({ from: iso(setAt), to: iso(setAt + 1441 * MINUTE), period: '60' })],
        ['more than 1,440 points: 60 s over two days', () => ({ from: iso(setAt - 2 * 1440 * MINUTE), to: iso(setAt), period: '60' })],
        ['from equal to to', () => ({ from: iso(setAt), to: iso(setAt) })],
        ['from after to', () => ({ from: iso(setAt + MINUTE), to: iso(setAt) })],
        ['a from that is no time', () => ({ from: 'yesterday' })],
        ['a to that is no time', () => ({ to: '2026-13-45T00:00:00Z' })],
      ];
      it.each(cases)('%s', async (_, query) => {
        expectError(await t.as(key).get(`/v1/instances/${id}/metrics`).query(query()), 400, 'InvalidParameterValue');
      });

      it('accepts exactly 1,440 points, and picks a coarser period by itself for a long window', async () => {
        const exact = await t.as(key).get(`/v1/instances/${id}/metrics`).query({ from: iso(setAt), to: iso(setAt + 1440 * MINUTE), period: 60 }).expect(200);
        expect(exact.body.periodSeconds).toBe(60);
        // two days: 120 s a point, unless the first point (at a multiple of the period) starts before `from` — then 180 s
        for (const to of [setAt, setAt + MINUTE]) {
          const from = to - 2 * 1440 * MINUTE;
          const long = await t.as(key).get(`/v1/instances/${id}/metrics`).query({ from: iso(from), to: iso(to) }).expect(200);
          expect(long.body.periodSeconds).toBe(from % 120_000 === 0 ? 120 : 180);
        }
      });

      it('by default, at any time (not only on a whole minute), the fleet\'s last day fits: 200, never a 400 for a request with no window', async () => {
        await h.align();
        const aligned = await t.admin().get('/v1/admin/fleet/utilization').expect(200);
        expect(aligned.body.periodSeconds).toBe(60);
        await t.advance(17);
        const unaligned = await t.admin().get('/v1/admin/fleet/utilization').expect(200);
        expect(unaligned.body.periodSeconds).toBe(120);
        expect(unaligned.body.points.length).toBeLessThanOrEqual(1440);
      });
    });
  });

  describe('CPU credits of burstable instances', () => {
    let t: TestApp;
    let key: string;
    let standard: string;
    let unlimited: string;
    let runningAt: number;
    let burstAt: number;
    let exhaustedAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      await t.hosts('m5-host', 'us-east-1a', 1);
      ({ key } = await t.tenant('bursty'));
      // Launched 15 s before a whole minute, so they run (Amazon Linux boots in 15 s) from that minute on.
      await h.align(60, 45);
      standard = await h.launch(key, { instanceType: 't3.micro', creditSpecification: 'standard' });
      unlimited = await h.launch(key, { instanceType: 't3.micro' });
      await t.advance(15);
      runningAt = await h.nowMs();
      // Idle for 90 minutes, a t3.micro earns 0.1 × 2 vCPUs × 60 = 12 credits an hour: 18 credits (t3 launch credits are 0).
      await t.advance(90 * 60);
      burstAt = await h.nowMs();
      await h.cpu(key, standard, 2);
      await h.cpu(key, unlimited, 2);
      // At 2 cores it spends 2 − 0.2 (its baseline) = 1.8 credits a minute: 18 credits last exactly 10 minutes.
      exhaustedAt = burstAt + 10 * MINUTE;
      // A restart in the middle changes nothing (credits are persisted to the millisecond).
      await t.advance(5 * 60 + 30);
      t = await t.restart();
      await t.advance(9 * 60 + 30);
    });
    afterAll(() => t.close());

    it('start with no credits and earn 12 an hour while idle', async () => {
      const points = await h.metrics(key, standard, { from: iso(runningAt), to: iso(burstAt), period: 60 });
      expect(points).toHaveLength(90);
      points.forEach((p, k) => expect([p.time, p.cpuCores, p.creditBalance, p.surplusCredits]).toEqual([iso(runningAt + k * MINUTE), 0, rounded(0.2 * (k + 1)), 0]));
      // the minute they were pending holds no credit either
      const [pending] = await h.metrics(key, standard, { from: iso(runningAt - MINUTE), to: iso(runningAt), period: 60 });
      expect(pending.creditBalance).toBe(0);
    });

    it('standard: 2 cores while the balance lasts, then its baseline 0.2 from the minute the 18 credits run out', async () => {
      const points = await h.metrics(key, standard, { from: iso(burstAt), to: iso(burstAt + 15 * MINUTE), period: 60 });
      expect(points).toHaveLength(15);
      points.forEach((p, k) => {
        expect(p.time).toBe(iso(burstAt + k * MINUTE));
        expect(p.cpuDemandCores).toBe(2);
        if (k < 10) expect([p.cpuCores, p.cpuUtilization, p.creditBalance]).toEqual([2, 100, rounded(18 - 1.8 * (k + 1))]);
        // at the baseline it spends what it earns: the balance stays at 0, never below
        else expect([p.cpuCores, p.cpuUtilization, p.creditBalance, p.surplusCredits]).toEqual([0.2, 10, 0, 0]);
      });
      expect(points[10].time).toBe(iso(exhaustedAt));
    });

    it('standard: the exhaustion is an event at its exact millisecond', async () => {
      const { events } = (await t.as(key).get(`/v1/instances/${standard}/events`).expect(200)).body;
      const exhausted = events.filter((e: { type: string }) => e.type === 'vm.cpu-credits-exhausted');
      expect(exhausted).toEqual([{ time: iso(exhaustedAt), type: 'vm.cpu-credits-exhausted', instanceId: standard, detail: { baselineCores: 0.2, demandCores: 2 } }]);
    });

    it('unlimited: keeps its 2 cores and borrows surplus credits at 1.8 a minute once its balance is spent', async () => {
      const points = await h.metrics(key, unlimited, { from: iso(burstAt), to: iso(burstAt + 15 * MINUTE), period: 60 });
      expect(points).toHaveLength(15);
      points.forEach((p, k) => {
        expect([p.cpuCores, p.cpuUtilization]).toEqual([2, 100]);
        expect([p.creditBalance, p.surplusCredits]).toEqual(k < 10 ? [rounded(18 - 1.8 * (k + 1)), 0] : [0, rounded(1.8 * (k - 9))]);
      });
    });
  });

  describe('persistence across a restart', () => {
    let t: TestApp;
    let key: string;
    let id: string;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      await t.hosts('m5-host', 'us-east-1a', 1);
      ({ key } = await t.tenant('durable'));
      id = await h.launch(key);
      await t.advance(15);
    });
    afterAll(() => t.close());

    it('reads back the same points after a restart, the minute open at the restart included, and completes that minute', async () => {
      const first = await h.align();
      await h.cpu(key, id, 1);
      await t.advance(120);
      // the third minute: 20 s at 1.5 cores, then 0.5 — and the restart 30 s into it
      await h.cpu(key, id, 1.5);
      await t.advance(20);
      await h.cpu(key, id, 0.5);
      await t.advance(10);
      const window = { from: iso(first - MINUTE), to: iso(first + 3 * MINUTE), period: 60 };
      const before = await h.metrics(key, id, window);
      expect(before.map((p) => p.cpuCores)).toEqual([0, 1, 1, rounded((20 * 1.5 + 10 * 0.5) / 30)]);

      t = await t.restart();
      expect(await h.metrics(key, id, window)).toEqual(before);

      // the rest of the minute runs after the restart; its two halves are one minute
      await t.advance(30);
      const expected = rounded((20 * 1.5 + 40 * 0.5) / 60);
      const [open] = await h.metrics(key, id, { from: iso(first + 2 * MINUTE), to: iso(first + 3 * MINUTE), period: 60 });
      expect(open.cpuCores).toBe(expected);
      expect(open.max).toMatchObject({ cpuCores: 1.5 });
      // once written (closed) it reads the same, and so does it after another restart
      await t.advance(90);
      const after = await h.metrics(key, id, window);
      expect(after.map((p) => p.cpuCores)).toEqual([0, 1, 1, expected]);
      t = await t.restart();
      expect(await h.metrics(key, id, window)).toEqual(after);
    });
  });

  describe('tenant isolation and ids', () => {
    let t: TestApp;
    let a: string;
    let b: string;
    let id: string;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      await t.hosts('m5-host', 'us-east-1a', 1);
      ({ key: a } = await t.tenant('alpha'));
      ({ key: b } = await t.tenant('bravo'));
      id = await h.launch(a);
      await t.advance(15);
      await h.cpu(a, id, 1);
      await t.advance(120);
    });
    afterAll(() => t.close());

    const shape = (res: request.Response, target: string) => {
      const err = expectError(res, 404, 'InvalidInstanceID.NotFound');
      return { status: res.status, code: err.code, message: err.message.split(target).join('<id>'), keys: Object.keys(res.body.error).sort() };
    };

    it('another tenant\'s instance answers 404 exactly as a missing one (metrics and events)', async () => {
      for (const path of ['metrics', 'events']) {
        const foreign = shape(await t.as(b).get(`/v1/instances/${id}/${path}`), id);
        const missing = shape(await t.as(b).get(`/v1/instances/${MISSING_INSTANCE}/${path}`), MISSING_INSTANCE);
        expect(foreign).toEqual(missing);
      }
      // even with an invalid window, B learns nothing
      expect(shape(await t.as(b).get(`/v1/instances/${id}/metrics`).query({ period: 7 }), id)).toEqual(
        shape(await t.as(b).get(`/v1/instances/${MISSING_INSTANCE}/metrics`).query({ period: 7 }), MISSING_INSTANCE),
      );
      expect((await h.metrics(a, id, {})).at(-1)).toMatchObject({ cpuCores: 1 });
    });

    it('a malformed id is 400 InvalidInstanceID.Malformed; no key is 401', async () => {
      expectError(await t.as(a).get('/v1/instances/i-12/metrics'), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(a).get('/v1/instances/vol-0123456789abcdef0/metrics'), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.anonymous().get(`/v1/instances/${id}/metrics`), 401, 'AuthFailure');
    });
  });

  describe('operators\' views: a host, the fleet', () => {
    let t: TestApp;
    let key: string;
    let hostA: string;
    let hostB: string;
    let small: string;
    let large: string;
    let setAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [hostA] = await t.hosts('m5-host', 'us-east-1a', 1);
      [hostB] = await t.hosts('m5-host', 'us-east-1b', 1);
      ({ key } = await t.tenant('ops'));
      small = await h.launch(key);
      large = await h.launch(key, { instanceType: 'm5.xlarge', availabilityZone: 'us-east-1b' });
      await t.advance(15);
      setAt = await h.align();
      await h.cpu(key, small, 1.5);
      await h.cpu(key, large, 3);
      await t.advance(180);
    });
    afterAll(() => t.close());

    it('GET /v1/admin/hosts/{id}: the VMM\'s current allocation (utilization) and the host\'s series (metrics.points)', async () => {
      const res = await t.admin().get(`/v1/admin/hosts/${hostA}`).expect(200);
      expect(res.body).toMatchObject({ hostId: hostA, hostType: 'm5-host', availabilityZone: 'us-east-1a', state: 'available', driverDomain: 'ok', instanceIds: [small] });
      const u = rounded(res.body.utilization);
      expect(u).toMatchObject({ hostId: hostA, cpuAllocatedCores: 1.5, stealCores: 0, guaranteeViolations: 0 });
      expect(u.cpuCapacityCores).toBeCloseTo(112 * 0.98, 6);
      expect(u.memory).toMatchObject({ configuredMiB: 8192, residentMiB: 8192, swappedMiB: 0 });
      expect(u.powerWatts).toBeGreaterThan(0);
      expect(res.body.metrics.periodSeconds).toBe(60);
      const points: Point[] = rounded(res.body.metrics.points);
      const last = points.find((p) => p.time === iso(setAt + 2 * MINUTE))!;
      expect(last).toMatchObject({ cpuAllocatedCores: 1.5, instances: 1, failed: 0, memoryConfiguredMiB: 8192 });
      expect(points.find((p) => p.time === iso(setAt - MINUTE))).toMatchObject({ cpuAllocatedCores: 0, instances: 1 });

      const b = rounded((await t.admin().get(`/v1/admin/hosts/${hostB}`).query({ from: iso(setAt), to: iso(setAt + 3 * MINUTE), period: 60 }).expect(200)).body);
      expect(b.utilization.cpuAllocatedCores).toBe(3);
      expect(b.metrics.periodSeconds).toBe(60);
      expect(b.metrics.points.map((p: Point) => [p.time, p.cpuAllocatedCores])).toEqual([0, 1, 2].map((k) => [iso(setAt + k * MINUTE), 3]));
    });

    it('GET /v1/admin/fleet/utilization: current totals, and points whose cpuAllocatedCores follow the load', async () => {
      const res = rounded((await t.admin().get('/v1/admin/fleet/utilization').expect(200)).body);
      expect(res.now).toBe(iso(await h.nowMs()));
      expect(res.current).toMatchObject({ hosts: 2, hostsAvailable: 2, hostsFailed: 0, cpuAllocatedCores: 4.5, instancesRunning: 2, memoryConfiguredMiB: 8192 + 16384 });
      expect(res.current.cpuCapacityCores).toBeCloseTo(2 * 112 * 0.98, 6);
      expect(res.periodSeconds).toBe(60);
      const at = (ms: number) => res.points.find((p: Point) => p.time === iso(ms));
      expect(at(setAt - MINUTE)).toMatchObject({ cpuAllocatedCores: 0 });
      for (const k of [0, 1, 2]) expect(at(setAt + k * MINUTE)).toMatchObject({ cpuAllocatedCores: 4.5, hosts: 2 });

      // the load changes: so do the next points
      await h.cpu(key, large, 1);
      await t.advance(60);
      const next = rounded((await t.admin().get('/v1/admin/fleet/utilization').query({ from: iso(setAt + 3 * MINUTE), period: 60 }).expect(200)).body);
      expect(next.points).toEqual([expect.objectContaining({ time: iso(setAt + 3 * MINUTE), cpuAllocatedCores: 2.5 })]);
      expect(next.current.cpuAllocatedCores).toBe(2.5);
    });

    it('validates the window on admin views too, and an unknown host is 404 InvalidHostID.NotFound', async () => {
      expectError(await t.admin().get(`/v1/admin/hosts/${hostA}`).query({ period: 45 }), 400, 'InvalidParameterValue');
      expectError(await t.admin().get('/v1/admin/fleet/utilization').query({ from: 'soon' }), 400, 'InvalidParameterValue');
      expectError(await t.admin().get('/v1/admin/hosts/h-0123456789abcdef0'), 404, 'InvalidHostID.NotFound');
    });

    it('a tenant key on the admin routes is 403 UnauthorizedOperation; no key is 401', async () => {
      const routes = [`/v1/admin/hosts/${hostA}`, '/v1/admin/fleet/utilization', '/v1/admin/events', '/v1/admin/scheduler'];
      for (const path of routes) {
        expectError(await t.as(key).get(path), 403, 'UnauthorizedOperation');
        expectError(await t.anonymous().get(path), 401, 'AuthFailure');
      }
      for (const path of [`/v1/admin/hosts/${hostA}/fail`, `/v1/admin/hosts/${hostA}/repair`, `/v1/admin/hosts/${hostA}/drain`, `/v1/admin/instances/${small}/migrate`])
        expectError(await t.as(key).post(path, {}), 403, 'UnauthorizedOperation');
      expectError(await t.as(key).put('/v1/admin/scheduler', { ramAllocationRatio: 2 }), 403, 'UnauthorizedOperation');
      expect((await t.admin().get(`/v1/admin/hosts/${hostA}`).expect(200)).body.state).toBe('available');
      expect((await t.admin().get('/v1/admin/scheduler').expect(200)).body.ramAllocationRatio).toBe(1);
    });
  });

  // ---- a workload's privileged operations (docs/model.md §3.1) ----
  describe('a workload with privileged operations on a trap-and-emulate host', () => {
    let t: TestApp;
    let key: string;
    let id: string;
    let hostId: string;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [hostId] = await t.hosts('m5-bt-host', 'us-east-1a', 1);
      ({ key } = await t.tenant('syscalls'));
      id = await h.launch(key);
      await t.advance(15);
    });
    afterAll(() => t.close());

    it('costs the host CPU by the rate: 1,120,000 ops/s per core × 2 cores ÷ 112 threads = 20,000, so 10 % + 2 × 5 %', async () => {
      const workload = { cpu: { model: 'constant', cores: 2 }, privileged: { opsPerSecPerCore: 1_120_000 } };
      expect((await t.as(key).put(`/v1/instances/${id}/workload`, workload).expect(200)).body.workload).toEqual(workload);
      await t.advance(60);
      expect((await t.as(key).get(`/v1/instances/${id}/workload`).expect(200)).body.workload.privileged).toEqual({ opsPerSecPerCore: 1_120_000 });
      expect((await h.host(hostId)).utilization.cpuCapacityCores).toBeCloseTo(112 * 0.8, 6);
      // Idle, the guest makes none: the mode's base 10 % again.
      await t.as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores: 0 } }).expect(200);
      await t.advance(60);
      expect((await h.host(hostId)).utilization.cpuCapacityCores).toBeCloseTo(112 * 0.9, 6);
    });

    it('refuses a bad rate with 400 InvalidParameterValue naming the field', async () => {
      const bad = async (privileged: unknown) => expectError(await t.as(key).put(`/v1/instances/${id}/workload`, { privileged }), 400, 'InvalidParameterValue').message;
      expect(await bad({ opsPerSecPerCore: -1 })).toContain('workload.privileged.opsPerSecPerCore');
      expect(await bad({ rate: 1 })).toContain('workload.privileged.rate is not a known field');
    });
  });
});
