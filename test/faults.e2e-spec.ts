import { expectError, startApp, TestApp } from './support/app';
import { iso, MINUTE, round, SimEvent as Event, simHarness } from './support/sim';

/** EC2's recovery alarm: two failed one-minute status checks, then the action (auto-recovery.ts). */
const DETECTION_MS = 3 * MINUTE;
/** Amazon Linux boots in 15 s. */
const BOOT_MS = 15_000;
const RETRY_MS = 5 * MINUTE;
const MISSING_HOST = 'h-0123456789abcdef0';

/** Helpers over one app: the manual clock, instances, hosts and events. */
function harness(get: () => TestApp) {
  const h = {
    ...simHarness(get),
    instance: async (key: string, id: string) => (await get().as(key).get(`/v1/instances/${id}`).expect(200)).body,
    status: async (key: string, id: string) => {
      const i = await h.instance(key, id);
      return `${i.state.name}/${i.statusCheck}`;
    },
    tenantEvents: async (key: string, id: string): Promise<Event[]> => (await get().as(key).get(`/v1/instances/${id}/events`).expect(200)).body.events,
    minutes: async (key: string, id: string, fromMs: number, count: number) =>
      (await get().as(key).get(`/v1/instances/${id}/metrics`).query({ from: iso(fromMs), to: iso(fromMs + count * MINUTE), period: 60 }).expect(200)).body.points as Record<string, number>[],
  };
  return h;
}

/**
 * Faults (docs/model.md §3.4, §3.8) through `POST /v1/admin/hosts/{id}/fail | repair`: a host failure
 * impairs its instances; auto-recovery moves them to another host of their zone after its
 * detection delay and they run again after their image's boot time (or, with no room, it defers
 * and retries); recovery can be disabled per instance; a driver-domain failure takes the IO of every
 * instance of its host, and only of that host. Every fault is an event, for the tenant (without
 * host ids) and for the operator.
 */
describe('faults', () => {
  describe('host failure and auto-recovery', () => {
    let t: TestApp;
    let key: string;
    let h1: string;
    let h2: string;
    let recovering: string;
    let waiting: string;
    let failedAt: number;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [h1, h2] = await t.hosts('m5-host', 'us-east-1a', 2);
      ({ key } = await t.tenant('alpha'));
      recovering = await h.launch(key);
      waiting = await h.launch(key, { maintenanceOptions: { autoRecovery: 'disabled' } });
      await t.advance(15);
      await h.align();
      for (const id of [recovering, waiting]) await t.as(key).put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores: 1 } }).expect(200);
      await t.advance(60);
      // both on one host (pack), whichever it is
      const where = await h.placement([h1, h2]);
      expect(where[recovering]).toBe(where[waiting]);
      if (where[recovering] !== h1) [h1, h2] = [h2, h1];
    });
    afterAll(() => t.close());

    it('the instance shows its maintenance options', async () => {
      expect((await h.instance(key, waiting)).maintenanceOptions).toEqual({ autoRecovery: 'disabled' });
      expect((await h.instance(key, recovering)).maintenanceOptions).toEqual({ autoRecovery: 'default' });
    });

    it('fail: the host is failed, its instances are impaired (still running), the other host is untouched', async () => {
      failedAt = await h.align();
      const res = await t.admin().post(`/v1/admin/hosts/${h1}/fail`).expect(200);
      expect(res.body).toMatchObject({ hostId: h1, state: 'failed', stateSince: iso(failedAt), instanceIds: [recovering, waiting].sort() });
      expect(await h.status(key, recovering)).toBe('running/impaired');
      expect(await h.status(key, waiting)).toBe('running/impaired');
      expect((await h.host(h2)).state).toBe('available');
      expect((await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts.find((x: { hostId: string }) => x.hostId === h1).state).toBe('failed');
    });

    it(`after ${DETECTION_MS / 1000} s (detection) it is recovered onto the other host; after ${BOOT_MS / 1000} s more (boot) its status check is ok`, async () => {
      await t.advance(DETECTION_MS / 1000 - 1);
      expect(await h.placement([h1, h2])).toEqual({ [recovering]: h1, [waiting]: h1 });
      await t.advance(1);
      expect(await h.placement([h1, h2])).toEqual({ [recovering]: h2, [waiting]: h1 });
      expect(await h.status(key, recovering)).toBe('running/impaired'); // rebooting on new hardware
      await t.advance(BOOT_MS / 1000 - 1);
      expect(await h.status(key, recovering)).toBe('running/impaired');
      await t.advance(1);
      expect(await h.status(key, recovering)).toBe('running/ok');
      expect((await h.instance(key, recovering)).availabilityZone).toBe('us-east-1a');
    });

    it('the tenant sees vm.impaired, vm.recovery-started and vm.recovered (downtime 180 s + 15 s), with no host ids', async () => {
      const events = await h.tenantEvents(key, recovering);
      const fault = events.filter((e) => ['vm.impaired', 'vm.recovery-started', 'vm.recovered'].includes(e.type));
      // newest first
      expect(fault).toEqual([
        { time: iso(failedAt + DETECTION_MS + BOOT_MS), type: 'vm.recovered', instanceId: recovering, detail: { downtimeMs: DETECTION_MS + BOOT_MS } },
        { time: iso(failedAt + DETECTION_MS), type: 'vm.recovery-started', instanceId: recovering, detail: { detectedAfterMs: DETECTION_MS } },
        { time: iso(failedAt), type: 'vm.impaired', instanceId: recovering, detail: { cause: 'host-failure' } },
      ]);
      const text = JSON.stringify(events);
      for (const hostId of [h1, h2]) expect(text).not.toContain(hostId);
      for (const e of events) expect(Object.keys(e).filter((k) => /host/i.test(k))).toEqual([]);
    });

    it('the operator sees the same events with their hosts, and the host\'s failure', async () => {
      const events = (await h.adminEvents({ instanceId: recovering })).filter((e) => ['vm.impaired', 'vm.recovery-started', 'vm.recovered'].includes(e.type));
      expect(events).toEqual([
        expect.objectContaining({ type: 'vm.recovered', hostId: h2, instanceId: recovering, tenantId: expect.any(String), detail: { downtimeMs: DETECTION_MS + BOOT_MS } }),
        expect.objectContaining({ type: 'vm.recovery-started', hostId: h2, detail: { fromHostId: h1, detectedAfterMs: DETECTION_MS } }),
        expect.objectContaining({ type: 'vm.impaired', hostId: h1, detail: { cause: 'host-failure' } }),
      ]);
      const failures = await h.adminEvents({ hostId: h1, type: 'host.failed' });
      expect(failures).toEqual([{ time: iso(failedAt), type: 'host.failed', hostId: h1, detail: { previousState: 'available', instances: 2 } }]);
      // the two instances' impairments, both at the failure
      const impaired = await h.adminEvents({ type: 'vm.impaired' });
      expect(impaired.map((e) => [e.instanceId, e.time]).sort()).toEqual([[recovering, iso(failedAt)], [waiting, iso(failedAt)]].sort());
    });

    it('its metrics show the downtime: no CPU and a guarantee violated for 3 minutes, then a quarter-minute of boot, then it runs again', async () => {
      await t.advance(45 + 60);
      const points = (await h.minutes(key, recovering, failedAt - MINUTE, 6)).map((p) => [p.cpuCores, p.impaired, p.guaranteeViolated].map(round));
      expect(points).toEqual([
        [1, 0, 0],
        [0, 1, 1],
        [0, 1, 1],
        [0, 1, 1],
        [0.75, 0.25, 0.25],
        [1, 0, 0],
      ]);
      expect((await h.host(h2)).utilization).toMatchObject({ cpuAllocatedCores: 1, guaranteeViolations: 0 });
    });

    it('with auto-recovery disabled it stays impaired on the failed host, however long, until the host is repaired', async () => {
      await t.advance(600);
      expect(await h.placement([h1, h2])).toEqual({ [recovering]: h2, [waiting]: h1 });
      expect(await h.status(key, waiting)).toBe('running/impaired');
      expect((await h.tenantEvents(key, waiting)).map((e) => e.type)).not.toContain('vm.recovery-started');

      const repairedAt = await h.align();
      const res = await t.admin().post(`/v1/admin/hosts/${h1}/repair`).expect(200);
      expect(res.body).toMatchObject({ hostId: h1, state: 'available', stateSince: iso(repairedAt), instanceIds: [waiting] });
      expect(await h.status(key, waiting)).toBe('running/ok');
      expect(await h.adminEvents({ hostId: h1, type: 'host.repaired' })).toEqual([
        { time: iso(repairedAt), type: 'host.repaired', hostId: h1, detail: { timeToRepairMs: repairedAt - failedAt } },
      ]);
      await t.advance(60);
      expect((await h.minutes(key, waiting, repairedAt, 1))[0]).toMatchObject({ cpuCores: 1, impaired: 0 });
    });

    it('failing a failed host again changes nothing (one host.failed event per failure); nor does repairing an available host', async () => {
      await t.admin().post(`/v1/admin/hosts/${h1}/fail`).expect(200);
      const again = await t.admin().post(`/v1/admin/hosts/${h1}/fail`, { component: 'host' }).expect(200);
      expect(again.body.state).toBe('failed');
      expect(await h.adminEvents({ hostId: h1, type: 'host.failed' })).toHaveLength(2);
      await t.admin().post(`/v1/admin/hosts/${h1}/repair`).expect(200);
      await t.admin().post(`/v1/admin/hosts/${h1}/repair`).expect(200);
      expect(await h.adminEvents({ hostId: h1, type: 'host.repaired' })).toHaveLength(2);
      expect((await h.host(h1)).state).toBe('available');
    });

    it('a restart during the detection delay keeps the recovery on schedule', async () => {
      const failed = await h.nowMs();
      await t.admin().post(`/v1/admin/hosts/${h2}/fail`).expect(200);
      await t.advance(60);
      t = await t.restart();
      expect((await h.host(h2)).state).toBe('failed');
      expect(await h.status(key, recovering)).toBe('running/impaired');
      await t.advance(DETECTION_MS / 1000 - 60 - 1);
      expect((await h.placement([h1, h2]))[recovering]).toBe(h2);
      await t.advance(1);
      expect((await h.placement([h1, h2]))[recovering]).toBe(h1);
      await t.advance(BOOT_MS / 1000);
      expect(await h.status(key, recovering)).toBe('running/ok');
      const [recovered] = (await h.tenantEvents(key, recovering)).filter((e) => e.type === 'vm.recovered');
      expect(recovered).toEqual({ time: iso(failed + DETECTION_MS + BOOT_MS), type: 'vm.recovered', instanceId: recovering, detail: { downtimeMs: DETECTION_MS + BOOT_MS } });
    });
  });

  describe('recovery with no room in the zone', () => {
    let t: TestApp;
    let key: string;
    let host: string;
    let id: string;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [host] = await t.hosts('m5-host', 'us-east-1a', 1);
      await t.hosts('m5-host', 'us-east-1b', 1); // room, but in another zone: recovery stays in the instance's zone
      ({ key } = await t.tenant('stranded'));
      id = await h.launch(key);
      await t.advance(15);
    });
    afterAll(() => t.close());

    it('emits vm.recovery-deferred after the detection delay and retries every 5 minutes; a new host lets it recover at the next try', async () => {
      const failedAt = await h.nowMs();
      await t.admin().post(`/v1/admin/hosts/${host}/fail`).expect(200);
      await t.advance(DETECTION_MS / 1000);
      const deferred = (await h.tenantEvents(key, id)).filter((e) => e.type === 'vm.recovery-deferred');
      expect(deferred).toEqual([{ time: iso(failedAt + DETECTION_MS), type: 'vm.recovery-deferred', instanceId: id, detail: { reason: expect.any(String), retryInMs: RETRY_MS } }]);
      expect(await h.status(key, id)).toBe('running/impaired');
      expect((await h.host(host)).instanceIds).toEqual([id]);
      const [operator] = await h.adminEvents({ instanceId: id, type: 'vm.recovery-deferred' });
      expect(operator).toMatchObject({ hostId: host, detail: { retryInMs: RETRY_MS } });

      const [added] = await t.hosts('m5-host', 'us-east-1a', 1);
      await t.advance(RETRY_MS / 1000 - 1);
      expect((await h.host(host)).instanceIds).toEqual([id]);
      await t.advance(1);
      expect((await h.host(added)).instanceIds).toEqual([id]);
      await t.advance(BOOT_MS / 1000);
      expect(await h.status(key, id)).toBe('running/ok');
      const [recovered] = (await h.tenantEvents(key, id)).filter((e) => e.type === 'vm.recovered');
      expect(recovered.detail).toEqual({ downtimeMs: DETECTION_MS + RETRY_MS + BOOT_MS });
    });
  });

  describe('driver-domain failure (a host-wide failure domain for IO)', () => {
    let t: TestApp;
    let key: string;
    let x1: string;
    let x2: string;
    let onX1: string[];
    let onX2: string;
    const h = harness(() => t);

    beforeAll(async () => {
      t = await startApp();
      [x1] = await t.hosts('m5-xen-pv-host', 'us-east-1b', 1);
      [x2] = await t.hosts('m5-xen-pv-host', 'us-east-1c', 1);
      ({ key } = await t.tenant('io'));
      onX1 = [await h.launch(key, { availabilityZone: 'us-east-1b' }), await h.launch(key, { availabilityZone: 'us-east-1b' })];
      onX2 = await h.launch(key, { availabilityZone: 'us-east-1c' });
      await t.advance(15);
      await h.align();
      for (const id of [...onX1, onX2]) {
        const { availabilityZone } = await h.instance(key, id);
        const vol = (await t.as(key).post('/v1/volumes', { availabilityZone, sizeGiB: 50, type: 'gp3' }).expect(201)).body.volumeId;
        await t.as(key).post(`/v1/volumes/${vol}/attach`, { instanceId: id }).expect(200);
        await t.as(key)
          .put(`/v1/instances/${id}/workload`, { cpu: { model: 'constant', cores: 1 }, io: [{ volumeId: vol, iops: 1000, throughputMiBps: 10 }], network: [{ to: 'internet', mbps: 100 }] })
          .expect(200);
      }
      expect(await h.placement([x1, x2])).toEqual({ [onX1[0]]: x1, [onX1[1]]: x1, [onX2]: x2 });
      await t.advance(60);
    });
    afterAll(() => t.close());

    it('cuts the IO (and, without SR-IOV, the network) of every instance on that host and impairs them; the CPU runs; the other host is untouched', async () => {
      const failedAt = await h.align();
      const res = await t.admin().post(`/v1/admin/hosts/${x1}/fail`, { component: 'driver-domain' }).expect(200);
      expect(res.body).toMatchObject({ hostId: x1, state: 'available', driverDomain: 'failed' });
      for (const id of onX1) expect(await h.status(key, id)).toBe('running/impaired');
      expect(await h.status(key, onX2)).toBe('running/ok');
      await t.advance(60);
      for (const id of onX1) {
        const [p] = await h.minutes(key, id, failedAt, 1);
        expect([p.iopsDemanded, p.iopsDelivered, p.iopsThrottled, p.networkOutMbps, p.cpuCores, p.impaired].map(round)).toEqual([1000, 0, 1000, 0, 1, 1]);
      }
      const [other] = await h.minutes(key, onX2, failedAt, 1);
      expect([other.iopsDelivered, other.networkOutMbps, other.impaired].map(round)).toEqual([1000, 100, 0]);
      // the minute before, every instance had its IO
      for (const id of [...onX1, onX2]) expect(round((await h.minutes(key, id, failedAt - MINUTE, 1))[0].iopsDelivered)).toBe(1000);

      const [failure] = await h.adminEvents({ hostId: x1, type: 'host.driver-domain-failed' });
      expect(failure).toEqual({ time: iso(failedAt), type: 'host.driver-domain-failed', hostId: x1, detail: { instances: 2, networkBypassed: false } });
      for (const id of onX1) {
        expect((await h.tenantEvents(key, id)).find((e) => e.type === 'vm.impaired')).toEqual({ time: iso(failedAt), type: 'vm.impaired', instanceId: id, detail: { cause: 'driver-domain-failure' } });
      }
    });

    it('is no host failure: no auto-recovery moves the instances, however long', async () => {
      await t.advance(10 * 60);
      expect(await h.placement([x1, x2])).toEqual({ [onX1[0]]: x1, [onX1[1]]: x1, [onX2]: x2 });
      for (const id of onX1) expect(await h.status(key, id)).toBe('running/impaired');
      expect(await h.adminEvents({ type: 'vm.recovery-started' })).toEqual([]);
    });

    it('repair restores the IO and the status checks', async () => {
      const repairedAt = await h.align();
      const res = await t.admin().post(`/v1/admin/hosts/${x1}/repair`).expect(200);
      expect(res.body).toMatchObject({ state: 'available', driverDomain: 'ok' });
      for (const id of onX1) expect(await h.status(key, id)).toBe('running/ok');
      await t.advance(60);
      for (const id of onX1) {
        const [p] = await h.minutes(key, id, repairedAt, 1);
        expect([p.iopsDelivered, p.iopsThrottled, p.networkOutMbps, p.impaired].map(round)).toEqual([1000, 0, 100, 0]);
      }
      expect(await h.adminEvents({ hostId: x1, type: 'host.driver-domain-repaired' })).toHaveLength(1);
    });

    it('the driver domain\'s state survives a restart', async () => {
      await t.admin().post(`/v1/admin/hosts/${x2}/fail`, { component: 'driver-domain' }).expect(200);
      t = await t.restart();
      expect((await h.host(x2)).driverDomain).toBe('failed');
      expect(await h.status(key, onX2)).toBe('running/impaired');
      const at = await h.align();
      await t.advance(60);
      expect(round((await h.minutes(key, onX2, at, 1))[0].iopsDelivered)).toBe(0);
      await t.admin().post(`/v1/admin/hosts/${x2}/repair`).expect(200);
      expect(await h.status(key, onX2)).toBe('running/ok');
    });
  });

  describe('validation', () => {
    let t: TestApp;
    let host: string;
    beforeAll(async () => {
      t = await startApp();
      [host] = await t.hosts('m5-host', 'us-east-1a', 1);
    });
    afterAll(() => t.close());

    it('an unknown host is 404 InvalidHostID.NotFound', async () => {
      for (const action of ['fail', 'repair', 'drain']) expectError(await t.admin().post(`/v1/admin/hosts/${MISSING_HOST}/${action}`), 404, 'InvalidHostID.NotFound');
      expectError(await t.admin().get(`/v1/admin/hosts/${MISSING_HOST}`), 404, 'InvalidHostID.NotFound');
    });

    it.each([
      ['an unknown component', { component: 'disk' }],
      ['a component that is not a string', { component: 1 }],
      ['an unknown field', { component: 'host', force: true }],
      ['only an unknown field', { reason: 'test' }],
    ])('a bad body (%s) is 400 InvalidParameterValue, and fails nothing', async (_, body) => {
      expectError(await t.admin().post(`/v1/admin/hosts/${host}/fail`, body), 400, 'InvalidParameterValue');
      const detail = (await t.admin().get(`/v1/admin/hosts/${host}`).expect(200)).body;
      expect([detail.state, detail.driverDomain]).toEqual(['available', 'ok']);
    });
  });
});
