import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';
import { iso, MINUTE, round, SimEvent as Event, simHarness } from './support/sim';

const MISSING_HOST = 'h-0123456789abcdef0';
const MISSING_INSTANCE = 'i-0123456789abcdef0';

function harness(get: () => TestApp) {
  return {
    ...simHarness(get),
    hostState: async (id: string) => (await get().admin().get('/v1/admin/hosts').expect(200)).body.hosts.find((x: { hostId: string }) => x.hostId === id).state as string,
    migrate: (id: string, body: object) => get().admin().post(`/v1/admin/instances/${id}/migrate`, body),
  };
}

/**
 * Host maintenance (docs/model.md §2, §3.7) through `POST /v1/admin/hosts/{id}/drain | repair` and
 * `POST /v1/admin/instances/{id}/migrate`: a draining host takes no new instances and live-migrates
 * its instances, one at a time and smallest first, to other hosts of its zone; each migration takes
 * the pre-copy plan's time and pauses the guest for its downtime only; the drained host waits for
 * the operator's repair. An operator's migration follows the same plan, stays in the zone, never
 * oversubscribes the target. Draining survives a restart.
 */
describe('drain and live migration', () => {
  describe('draining a host with three instances', () => {
    let t: TestApp;
    let key: string;
    let h1: string;
    let h2: string;
    let h3: string;
    /** By memory: m5.large (8 GiB), m5.xlarge (16 GiB), m5.2xlarge (32 GiB). */
    let ids: string[];
    let drainedAt: number;
    let completed: Event[];
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      [h3] = await t.hosts('m5-host', 'us-east-1b', 1);
      ({ key } = await t.tenant('maintained'));
      // launched largest first: the drain still moves the smallest first
      ids = [];
      for (const instanceType of ['m5.2xlarge', 'm5.xlarge', 'm5.large']) ids.unshift(await h.launch(key, { instanceType }));
      await t.advance(15);
      for (const id of ids)
        await t.as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores: 1 }, memory: { workingSetMiB: 4000, dirtyRateMiBps: 300 } }).expect(200);
      const where = await h.placement([h1, h2]);
      expect(new Set(ids.map((id) => where[id])).size).toBe(1); // pack: one host
      if (where[ids[0]] !== h1) [h1, h2] = [h2, h1];
    });
    afterAll(() => t.close());

    it('drain: 200 with the host draining; it stays in the list as draining', async () => {
      drainedAt = await h.align();
      const res = await t.admin().post(`/v1/admin/hosts/${h1}/drain`).expect(200);
      expect(res.body).toMatchObject({ hostId: h1, state: 'draining', stateSince: iso(drainedAt) });
      expect(await h.hostState(h1)).toBe('draining');
      const [started] = await h.adminEvents({ hostId: h1, type: 'host.drain-started' });
      expect(started).toEqual({ time: iso(drainedAt), type: 'host.drain-started', hostId: h1, detail: { instances: 3 } });
      // draining again is no new drain
      await t.admin().post(`/v1/admin/hosts/${h1}/drain`).expect(200);
      expect(await h.adminEvents({ hostId: h1, type: 'host.drain-started' })).toHaveLength(1);
    });

    it('a new launch does not land on the draining host (pack would have chosen it)', async () => {
      const id = await h.launch(key);
      expect((await h.placement([h1, h2]))[id]).toBe(h2);
      await t.as(key).delete(`/v1/instances/${id}`).expect(200);
    });

    it('moves every instance to the other host of its zone, one at a time, smallest first, each after its plan\'s total time', async () => {
      await t.advance(120);
      expect(await h.placement([h1, h2, h3])).toEqual(Object.fromEntries(ids.map((id) => [id, h2])));
      expect((await h.host(h1)).instanceIds).toEqual([]);
      expect((await h.host(h2)).incomingInstanceIds).toEqual([]);

      completed = (await h.adminEvents({ type: 'vm.migration-completed' })).reverse();
      expect(completed.map((e) => e.instanceId)).toEqual(ids);
      let previous = drainedAt;
      for (const e of completed) {
        expect(e).toMatchObject({ hostId: h2, detail: { sourceHostId: h1, reason: 'maintenance', converged: true } });
        const { rounds, downtimeMs, totalMs } = e.detail as Record<string, number>;
        expect(Number.isInteger(rounds) && rounds >= 1).toBe(true);
        expect(downtimeMs).toBeGreaterThan(0);
        expect(totalMs).toBeGreaterThan(downtimeMs);
        // one at a time: each starts when the previous one completed
        expect(Date.parse(e.time) - previous).toBe(totalMs);
        previous = Date.parse(e.time);
      }
      // a bigger memory takes longer to copy
      const totals = completed.map((e) => e.detail.totalMs as number);
      expect(totals[0]).toBeLessThan(totals[1]);
      expect(totals[1]).toBeLessThan(totals[2]);
      // each was announced when it started, with the same plan
      const started = (await h.adminEvents({ type: 'vm.migration-started' })).reverse();
      expect(started.map((e) => [e.instanceId, e.hostId, e.detail.targetHostId, e.detail.totalMs])).toEqual(completed.map((e) => [e.instanceId, h1, h2, e.detail.totalMs]));
    });

    it('host.drained follows the last migration; the host stays draining until repaired', async () => {
      const last = Date.parse(completed[2].time);
      expect(await h.adminEvents({ hostId: h1, type: 'host.drained' })).toEqual([
        { time: iso(last), type: 'host.drained', hostId: h1, detail: { drainedAfterMs: last - drainedAt } },
      ]);
      expect(await h.hostState(h1)).toBe('draining');
    });

    it('instance metrics show the migration in its minutes: migrating for its total time, paused (no CPU) for its downtime', async () => {
      for (const e of completed) {
        const { totalMs, downtimeMs } = e.detail as Record<string, number>;
        // the drain began on a whole minute; the three migrations end within its first two minutes
        const points = (await t.as(key).get(`/v1/instances/${e.instanceId}/metrics`).query({ from: iso(drainedAt), to: iso(drainedAt + 2 * MINUTE), period: 60 }).expect(200)).body.points;
        expect(points).toHaveLength(2);
        const ms = (field: string) => round(points.reduce((s: number, p: Record<string, number>) => s + p[field] * MINUTE, 0));
        expect([ms('migrating'), ms('paused'), ms('cpuCores')]).toEqual([totalMs, downtimeMs, 2 * MINUTE - downtimeMs]);
        const start = Date.parse(e.time) - totalMs;
        expect(points[Math.floor((start - drainedAt) / MINUTE)].migrating).toBeGreaterThan(0);
        // one that arrived in the first minute runs normally in the second
        if (Date.parse(e.time) < drainedAt + MINUTE) expect([points[1].migrating, points[1].paused, points[1].cpuCores]).toEqual([0, 0, 1]);
      }
    });

    it('the tenant sees its instance\'s migration without host ids', async () => {
      const { events } = (await t.as(key).get(`/v1/instances/${ids[0]}/events`).expect(200)).body;
      const done = events.find((e: Event) => e.type === 'vm.migration-completed');
      expect(done).toEqual({ time: completed[0].time, type: 'vm.migration-completed', instanceId: ids[0], detail: expect.objectContaining({ totalMs: completed[0].detail.totalMs }) });
      const text = JSON.stringify(events);
      for (const hostId of [h1, h2]) expect(text).not.toContain(hostId);
    });

    it('repair returns the drained host to available, and it takes launches again', async () => {
      const res = await t.admin().post(`/v1/admin/hosts/${h1}/repair`).expect(200);
      expect(res.body).toMatchObject({ hostId: h1, state: 'available', instanceIds: [] });
      expect(await h.hostState(h1)).toBe('available');
    });

    describe('POST /v1/admin/instances/{id}/migrate', () => {
      it('moves one instance at the plan\'s expected total time, and the event carries that plan', async () => {
        const id = ids[1];
        const at = await h.align();
        const res = await h.migrate(id, { targetHostId: h1 }).expect(200);
        expect(res.body).toEqual({
          instanceId: id, sourceHostId: h2, targetHostId: h1, rounds: expect.any(Number), converged: true,
          expectedDowntimeMs: expect.any(Number), expectedTotalMs: expect.any(Number), transferredMiB: expect.any(Number), finalThrottlePercent: 0,
        });
        const { expectedTotalMs, expectedDowntimeMs, rounds } = res.body;
        // the target holds its place from the start
        expect((await h.host(h1)).incomingInstanceIds).toEqual([id]);
        expect((await h.host(h1)).allocated.instances).toBe(1);
        expectError(await h.migrate(id, { targetHostId: h1 }), 409, 'IncorrectInstanceState'); // already migrating

        await t.advance((expectedTotalMs - 1) / 1000);
        expect((await h.placement([h1, h2]))[id]).toBe(h2);
        await t.advance(0.001);
        expect((await h.placement([h1, h2]))[id]).toBe(h1);
        expect((await h.host(h1)).incomingInstanceIds).toEqual([]);

        const [done] = await h.adminEvents({ instanceId: id, type: 'vm.migration-completed' });
        expect(done).toMatchObject({
          time: iso(at + expectedTotalMs), hostId: h1,
          detail: { sourceHostId: h2, reason: 'operator', rounds, totalMs: expectedTotalMs, downtimeMs: expectedDowntimeMs },
        });
      });

      it.each([
        ['a host in another zone', 400, 'InvalidParameterValue', () => ({ targetHostId: h3 }), /us-east-1b/],
        ['the host it runs on', 400, 'InvalidParameterValue', () => ({ targetHostId: h1 }), /already/],
        ['no target', 400, 'InvalidParameterValue', () => ({}), /targetHostId/],
        ['a target that is not a string', 400, 'InvalidParameterValue', () => ({ targetHostId: 7 }), /targetHostId/],
        ['an unknown field', 400, 'InvalidParameterValue', () => ({ targetHostId: h2, live: true }), /live/],
        ['an unknown host', 404, 'InvalidHostID.NotFound', () => ({ targetHostId: MISSING_HOST }), new RegExp(MISSING_HOST)],
      ])('refuses %s (%i %s), and nothing moves', async (_, status, code, body, message) => {
        const before = await h.placement([h1, h2, h3]);
        const err = expectError(await h.migrate(ids[1], body()), status, code);
        expect(err.message).toMatch(message);
        expect(await h.placement([h1, h2, h3])).toEqual(before);
        expect((await h.host(h2)).incomingInstanceIds).toEqual([]);
      });

      it('refuses an unknown instance (404) or a malformed id (400)', async () => {
        expectError(await h.migrate(MISSING_INSTANCE, { targetHostId: h2 }), 404, 'InvalidInstanceID.NotFound');
        expectError(await h.migrate('i-42', { targetHostId: h2 }), 400, 'InvalidInstanceID.Malformed');
      });

      it('refuses a draining or failed target (400), and a stopped instance (409 IncorrectInstanceState)', async () => {
        await t.admin().post(`/v1/admin/hosts/${h2}/drain`).expect(200);
        expectError(await h.migrate(ids[1], { targetHostId: h2 }), 400, 'InvalidParameterValue');
        await t.advance(120); // it drains onto h1
        await t.admin().post(`/v1/admin/hosts/${h2}/repair`).expect(200);
        await t.admin().post(`/v1/admin/hosts/${h2}/fail`).expect(200);
        expectError(await h.migrate(ids[1], { targetHostId: h2 }), 400, 'InvalidParameterValue');
        await t.admin().post(`/v1/admin/hosts/${h2}/repair`).expect(200);

        await t.as(key).post(`/v1/instances/${ids[0]}/stop`).expect(200);
        await t.advance(10);
        expectError(await h.migrate(ids[0], { targetHostId: h2 }), 409, 'IncorrectInstanceState');
      });

      it('draining a failed host is 409 IncorrectHostState, and it stays failed', async () => {
        await t.admin().post(`/v1/admin/hosts/${h2}/fail`).expect(200);
        const err = expectError(await t.admin().post(`/v1/admin/hosts/${h2}/drain`), 409, 'IncorrectHostState');
        expect(err.message).toContain(h2);
        expect(await h.hostState(h2)).toBe('failed');
        await t.admin().post(`/v1/admin/hosts/${h2}/repair`).expect(200);
      });
    });
  });

  describe('the target\'s capacity', () => {
    let t: TestApp;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
    });
    afterAll(() => t.close());

    it('an operator\'s migration never oversubscribes the target: 400, nothing held there', async () => {
      const [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      const { key } = await t.tenant('big', { onDemandVcpus: 500 });
      // an m5.24xlarge reserves 96 of a host's 109.76 cores: one per host
      const [a, b] = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.24xlarge', availabilityZone: 'us-east-1a', minCount: 2, maxCount: 2 }).expect(201)).body.instances.map(
        (i: { instanceId: string }) => i.instanceId,
      );
      await t.advance(15);
      const where = await h.placement([h1, h2]);
      expect(where[a]).not.toBe(where[b]);
      const err = expectError(await h.migrate(a, { targetHostId: where[b] }), 400, 'InvalidParameterValue');
      expect(err.message).toContain('no room');
      expect((await h.host(where[b])).allocated).toMatchObject({ instances: 1, reservedCores: 96 });
      expect((await h.host(where[b])).incomingInstanceIds).toEqual([]);
      // with room (a third, empty host) it goes
      const [h3] = await t.hosts('m5-host', 'us-east-1a', 1);
      await h.migrate(a, { targetHostId: h3 }).expect(200);
    });
  });

  describe('restart during a drain', () => {
    let t: TestApp;
    let key: string;
    let h1: string;
    let h2: string;
    let ids: string[];
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      ({ key } = await t.tenant('durable'));
      ids = [await h.launch(key), await h.launch(key), await h.launch(key)];
      await t.advance(15);
      const where = await h.placement([h1, h2]);
      if (where[ids[0]] !== h1) [h1, h2] = [h2, h1];
      expect(await h.placement([h1, h2])).toEqual(Object.fromEntries(ids.map((id) => [id, h1])));
    });
    afterAll(() => t.close());

    it('the draining state and every instance\'s host survive the restart, and the drain finishes after it', async () => {
      await t.admin().post(`/v1/admin/hosts/${h1}/drain`).expect(200);
      await t.advance(3); // the first migration is in flight (an 8 GiB copy takes ~7 s)
      const before = { placement: await h.placement([h1, h2]), states: [await h.hostState(h1), await h.hostState(h2)] };
      expect(before.states).toEqual(['draining', 'available']);
      t = await t.restart();
      expect({ placement: await h.placement([h1, h2]), states: [await h.hostState(h1), await h.hostState(h2)] }).toEqual(before);

      await t.advance(120);
      expect(await h.placement([h1, h2])).toEqual(Object.fromEntries(ids.map((id) => [id, h2])));
      expect(await h.adminEvents({ hostId: h1, type: 'host.drained' })).toHaveLength(1);
      expect((await h.host(h2)).incomingInstanceIds).toEqual([]);
      expect((await h.host(h2)).allocated.instances).toBe(3);

      // the moved instances' hosts survive a second restart too
      const after = await h.placement([h1, h2]);
      t = await t.restart();
      expect(await h.placement([h1, h2])).toEqual(after);
      expect(await h.hostState(h1)).toBe('draining');
      // and a new launch still avoids the draining host
      const id = await h.launch(key);
      expect((await h.placement([h1, h2]))[id]).toBe(h2);
    });
  });
});
