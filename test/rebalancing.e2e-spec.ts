import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { SimEvent as Event, simHarness } from './support/sim';

const DEFAULTS = {
  hotSpot: { enabled: false, cpuThreshold: 0.9, windowSeconds: 300, cooldownSeconds: 600 },
  consolidation: { enabled: false, cpuThreshold: 0.2, windowSeconds: 900, intervalSeconds: 300, powerOff: true },
  maxConcurrentMigrations: 16,
};
const HOT = { hotSpot: { enabled: true, cpuThreshold: 0.9, windowSeconds: 300, cooldownSeconds: 600 } };

function harness(get: () => TestApp) {
  const base = simHarness(get);
  const h = {
    nowMs: base.nowMs,
    host: base.host,
    launch: (key: string, instanceType: string): Promise<string> => base.launch(key, { instanceType }),
    load: (key: string, id: string, cores: number, dirtyRateMiBps = 0) =>
      get().as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores }, memory: { workingSetMiB: 1024, dirtyRateMiBps } }).expect(200),
    hostOf: async (id: string, hostIds: string[]) => {
      for (const hostId of hostIds) if ((await h.host(hostId)).instanceIds.includes(id)) return hostId;
      return null;
    },
    events: async (query: Record<string, string>): Promise<Event[]> => (await base.adminEvents(query)).reverse(),
    config: (body: unknown) => get().admin().put('/v1/admin/rebalancer', body as object),
  };
  return h;
}

/**
 * Rebalancing through HTTP (`GET/PUT /v1/admin/rebalancer`, docs/model.md §3.7, §3.9): hot-spot relief
 * moves the VM with the minimum migration time off a host that stays over its CPU threshold for the
 * window, never to another zone; consolidation empties the emptiest under-used host onto busier ones
 * and switches it off (it then draws nothing), and such a host comes back when a launch needs it;
 * every migration is an event with its reason; the settings and a rebalancing in progress survive a
 * restart.
 */
describe('rebalancing', () => {
  describe('settings', () => {
    let t: TestApp;
    const h = harness(() => t);
    beforeAll(async () => {
      t = await startApp();
    });
    afterAll(() => t.close());

    it('GET answers the defaults: both policies off', async () => {
      expect((await t.admin().get('/v1/admin/rebalancer').expect(200)).body).toEqual(DEFAULTS);
    });

    it.each([
      [{ hotSpot: { cpuThreshold: 2 } }, 'hotSpot.cpuThreshold'],
      [{ hotSpot: { windowSeconds: -5 } }, 'hotSpot.windowSeconds'],
      [{ consolidation: { cpuThreshold: 0.95 } }, 'below hotSpot.cpuThreshold'],
      [{ consolidation: { powerOff: 'yes' } }, 'consolidation.powerOff'],
      [{ maxConcurrentMigrations: 0 }, 'maxConcurrentMigrations'],
      [{ rebalance: true }, 'rebalance'],
      [{ hotSpot: { threshold: 0.8 } }, 'hotSpot.threshold'],
    ])('refuses %j with 400 InvalidParameterValue, and changes nothing', async (body, message) => {
      const err = expectError(await h.config(body), 400, 'InvalidParameterValue');
      expect(err.message).toContain(message);
      expect((await t.admin().get('/v1/admin/rebalancer').expect(200)).body).toEqual(DEFAULTS);
    });

    it('a tenant key is 403', async () => {
      const { key } = await t.tenant('nosy');
      expectError(await t.as(key).get('/v1/admin/rebalancer'), 403, 'UnauthorizedOperation');
      expectError(await t.as(key).put('/v1/admin/rebalancer', HOT), 403, 'UnauthorizedOperation');
    });

    it('PUT merges block by block, answers the whole, and the settings survive a restart', async () => {
      const res = await h.config({ hotSpot: { enabled: true, cpuThreshold: 0.8 }, maxConcurrentMigrations: 4 }).expect(200);
      const expected = { ...DEFAULTS, hotSpot: { ...DEFAULTS.hotSpot, enabled: true, cpuThreshold: 0.8 }, maxConcurrentMigrations: 4 };
      expect(res.body).toEqual(expected);
      t = await t.restart();
      expect((await t.admin().get('/v1/admin/rebalancer').expect(200)).body).toEqual(expected);
    });
  });

  describe('hot-spot relief', () => {
    let t: TestApp;
    let key: string;
    let h1: string;
    let h2: string;
    let other: string;
    let ids: { big: string; xl: string; small: string };
    let enabledAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      [other] = await t.hosts('m5-host', 'us-east-1b', 1);
      ({ key } = await t.tenant('busy', { onDemandVcpus: 1000 }));
      // Packed onto one host: 96 + 4 + 2 = 102 of 112 hardware threads (91 %).
      ids = { big: await h.launch(key, 'm5.24xlarge'), xl: await h.launch(key, 'm5.xlarge'), small: await h.launch(key, 'm5.large') };
      await t.advance(15);
      if ((await h.hostOf(ids.big, [h1, h2])) !== h1) [h1, h2] = [h2, h1];
      await h.load(key, ids.big, 96);
      await h.load(key, ids.xl, 4); // 16 GiB, clean memory: the shortest pre-copy
      await h.load(key, ids.small, 2, 1000); // 8 GiB, but dirtied at 1,000 MiB/s: many rounds
      await t.advance(60);
      expect(await h.events({ type: 'vm.migration-started' })).toEqual([]); // off by default
      await h.config(HOT).expect(200);
      enabledAt = await h.nowMs();
    });
    afterAll(() => t.close());

    it('nothing moves before the host has been hot for the whole window', async () => {
      await t.advance(299);
      expect(await h.events({ type: 'vm.migration-started' })).toEqual([]);
    });

    it('at the window\'s end the VM with the minimum migration time leaves, to a host of its zone, with reason hot-spot', async () => {
      await t.advance(1);
      const started = await h.events({ type: 'vm.migration-started' });
      expect(started).toEqual([
        { time: new Date(enabledAt + 300_000).toISOString(), type: 'vm.migration-started', instanceId: ids.xl, hostId: h1, tenantId: expect.any(String), detail: expect.objectContaining({ reason: 'hot-spot', targetHostId: h2 }) },
      ]);
      const [hot] = await h.events({ type: 'host.hot-spot' });
      expect(hot).toMatchObject({ hostId: h1, detail: { reason: 'hot-spot', cpuThreshold: 0.9, overForMs: 300_000, instanceId: ids.xl, targetHostId: h2 } });
      expect((hot.detail.cpuUtilization as number)).toBeCloseTo(102 / 112, 3);
      await t.advance(60);
      expect(await h.hostOf(ids.xl, [h1, h2, other])).toBe(h2);
      const [done] = await h.events({ type: 'vm.migration-completed' });
      expect(done).toMatchObject({ instanceId: ids.xl, hostId: h2, detail: { reason: 'hot-spot', sourceHostId: h1 } });
    });

    it('the tenant sees the move and its reason in the instance\'s events, without host ids', async () => {
      const { events } = (await t.as(key).get(`/v1/instances/${ids.xl}/events`).expect(200)).body;
      const done = events.find((e: Event) => e.type === 'vm.migration-completed');
      expect(done.detail.reason).toBe('hot-spot');
      expect(events.map((e: Event) => e.type)).not.toContain('host.hot-spot'); // the host's load is not the tenant's to see
      const text = JSON.stringify(events);
      for (const hostId of [h1, h2]) expect(text).not.toContain(hostId);
    });

    it('below the threshold now (98 / 112), nothing more moves', async () => {
      await t.advance(3600);
      expect(await h.events({ type: 'vm.migration-started' })).toHaveLength(1);
      expect(await h.hostOf(ids.big, [h1, h2])).toBe(h1);
    });
  });

  describe('a restart during a hot-spot window and during the migration', () => {
    let t: TestApp;
    let key: string;
    let h1: string;
    let h2: string;
    let xl: string;
    let enabledAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      ({ key } = await t.tenant('durable', { onDemandVcpus: 1000 }));
      const big = await h.launch(key, 'm5.24xlarge');
      xl = await h.launch(key, 'm5.2xlarge');
      await t.advance(15);
      if ((await h.hostOf(big, [h1, h2])) !== h1) [h1, h2] = [h2, h1];
      await h.load(key, big, 96);
      await h.load(key, xl, 6); // 102 / 112
      await h.config(HOT).expect(200);
      enabledAt = await h.nowMs();
    });
    afterAll(() => t.close());

    it('the window keeps its start across a restart', async () => {
      await t.advance(200);
      t = await t.restart();
      await t.advance(99);
      expect(await h.events({ type: 'vm.migration-started' })).toEqual([]);
      await t.advance(1);
      const [started] = await h.events({ type: 'vm.migration-started' });
      expect(started).toMatchObject({ time: new Date(enabledAt + 300_000).toISOString(), instanceId: xl, detail: { reason: 'hot-spot', targetHostId: h2 } });
    });

    it('a migration in flight at a restart is recorded as aborted and started again, and completes', async () => {
      await t.advance(3); // a 32 GiB copy takes ~27 s
      expect(await h.hostOf(xl, [h1, h2])).toBe(h1);
      t = await t.restart();
      await t.advance(60);
      expect(await h.hostOf(xl, [h1, h2])).toBe(h2);
      const aborted = await h.events({ type: 'vm.migration-aborted' });
      expect(aborted).toEqual([expect.objectContaining({ instanceId: xl, detail: expect.objectContaining({ reason: 'hot-spot', why: expect.stringContaining('restart') }) })]);
      const started = await h.events({ type: 'vm.migration-started' });
      expect(started.map((e) => e.detail.reason)).toEqual(['hot-spot', 'hot-spot']);
      expect(await h.events({ type: 'vm.migration-completed' })).toHaveLength(1);
      expect((await h.host(h2)).incomingInstanceIds).toEqual([]);
      expect((await h.host(h1)).allocated.instances).toBe(1);
    });
  });

  describe('consolidation and power', () => {
    let t: TestApp;
    let key: string;
    let hosts: string[];
    let ids: string[];
    const h = harness(() => t);
    const state = async (id: string) => (await h.host(id)).state as string;

    beforeAll(async () => {
      t = await startApp();
      hosts = await t.hosts('m5-host', 'us-east-1a', 3);
      ({ key } = await t.tenant('quiet', { onDemandVcpus: 1000 }));
      // One small instance per host (spread), each host nearly idle.
      await t.admin().put('/v1/admin/scheduler', { weigher: 'spread' }).expect(200);
      ids = [await h.launch(key, 'm5.large'), await h.launch(key, 'm5.large'), await h.launch(key, 'm5.large')];
      await t.admin().put('/v1/admin/scheduler', { weigher: 'pack' }).expect(200);
      await t.advance(15);
      for (const hostId of hosts) expect((await h.host(hostId)).instanceIds).toHaveLength(1);
      const loads = [1, 2, 1.5];
      for (let i = 0; i < 3; i++) await h.load(key, ids[i], loads[i]);
    });
    afterAll(() => t.close());

    it('the operator may switch only an empty host off (409 otherwise)', async () => {
      const err = expectError(await t.admin().post(`/v1/admin/hosts/${hosts[0]}/power-off`), 409, 'IncorrectHostState');
      expect(err.message).toContain('drain');
      expectError(await t.admin().post('/v1/admin/hosts/h-0123456789abcdef0/power-off'), 404, 'InvalidHostID.NotFound');
    });

    it('evacuates the emptiest host onto busier ones, one at a time, and switches each off; energy stops on them', async () => {
      const before = (await t.admin().get('/v1/admin/fleet/utilization').expect(200)).body.current.powerWatts as number;
      await h.config({ consolidation: { enabled: true, cpuThreshold: 0.2, windowSeconds: 600, intervalSeconds: 300, powerOff: true } }).expect(200);
      await t.advance(599);
      expect(await h.events({ type: 'host.consolidation-started' })).toEqual([]);
      await t.advance(1);
      const [first] = await h.events({ type: 'host.consolidation-started' });
      expect(first).toMatchObject({ hostId: hosts[0], detail: { reason: 'consolidation', instances: 1 } }); // 1 core: the emptiest
      await t.advance(900);
      const off = await h.events({ type: 'host.powered-off' });
      expect(off.map((e) => [e.hostId, e.detail.reason])).toEqual([[hosts[0], 'consolidation'], [hosts[2], 'consolidation']]);
      expect(await Promise.all(hosts.map(state))).toEqual(['off', 'available', 'off']);
      expect((await h.host(hosts[1])).instanceIds).toEqual([...ids].sort());
      const moves = await h.events({ type: 'vm.migration-completed' });
      // Each onto the busiest host (2 cores), never onto the emptier one or one being emptied.
      expect(moves.map((e) => [e.instanceId, e.detail.reason, e.hostId, e.detail.sourceHostId])).toEqual([
        [ids[0], 'consolidation', hosts[1], hosts[0]],
        [ids[2], 'consolidation', hosts[1], hosts[2]],
      ]);
      for (const off of [hosts[0], hosts[2]]) expect((await h.host(off)).utilization.powerWatts).toBe(0);
      const after = (await t.admin().get('/v1/admin/fleet/utilization').expect(200)).body.current.powerWatts as number;
      expect(after).toBeLessThan(before / 2);
      const kwh = (await h.host(hosts[0])).utilization.energyKWh;
      await t.advance(3600);
      expect((await h.host(hosts[0])).utilization.energyKWh).toBe(kwh);
    });

    it('a launch that fits nowhere else switches a consolidated host back on', async () => {
      // Two m5.24xlarge need two hosts (96 reserved cores each).
      const res = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', availabilityZone: 'us-east-1a', minCount: 2, maxCount: 2 }).expect(201);
      expect(res.body.instances).toHaveLength(2);
      const on = await h.events({ type: 'host.powered-on' });
      expect(on.length).toBeGreaterThanOrEqual(1);
      expect(on.every((e) => e.detail.reason === 'capacity')).toBe(true);
    });

    it('the operator switches an empty host off and on; it stays off until then, and survives a restart', async () => {
      await h.config({ consolidation: { enabled: false } }).expect(200);
      const empty = [];
      for (const id of hosts) if ((await h.host(id)).state === 'available' && (await h.host(id)).instanceIds.length === 0) empty.push(id);
      const target = empty[0] ?? (await t.hosts('m5-host', 'us-east-1a', 1))[0];
      expect((await t.admin().post(`/v1/admin/hosts/${target}/power-off`).expect(200)).body).toMatchObject({ hostId: target, state: 'off' });
      t = await t.restart();
      expect(await state(target)).toBe('off');
      expect((await h.host(target)).utilization.powerWatts).toBe(0);
      expect((await t.admin().post(`/v1/admin/hosts/${target}/power-on`).expect(200)).body).toMatchObject({ hostId: target, state: 'available' });
      const [on] = (await h.events({ type: 'host.powered-on', hostId: target })).slice(-1);
      expect(on.detail.reason).toBe('operator');
    });
  });
});
