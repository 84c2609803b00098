import request from 'supertest';
import { ADMIN_KEY, expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const HOST_ID = /^h-[0-9a-f]{17}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EMPTY = { reservedCores: 0, limitCores: 0, memoryMiB: 0, vcpus: 0, instances: 0 };
/** 2 × 28 cores × 2 threads; 2 % to the VMM; 512 GiB less 8 GiB reserved. */
const M5_HOST_CAPACITY = { threads: 112, cpuCores: 109.76, memoryMiB: 516096 };
/** Per-VM memory the hardware-assisted VMM keeps (page tables, device model). */
const VMM_MIB = 64;

interface HostView {
  hostId: string;
  hostType: string;
  availabilityZone: string;
  state: string;
  capacity: { threads: number; cpuCores: number; memoryMiB: number };
  allocated: typeof EMPTY;
}

/** Admin: host types, hosts, the simulated clock; and the unauthenticated surface (health, docs, errors). */
describe('admin: fleet, clock and the HTTP surface', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startApp();
    ({ key } = await t.tenant('fleet', { onDemandVcpus: 1000 }));
  });
  afterAll(() => t.close());

  const server = () => t.app.getHttpServer();
  const host = async (id: string): Promise<HostView> => (await t.admin().get(`/v1/admin/hosts/${id}`).expect(200)).body;
  const hosts = async (query: Record<string, string> = {}): Promise<HostView[]> => (await t.admin().get('/v1/admin/hosts').query(query).expect(200)).body.hosts;
  const run = (body: object) => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, ...body });
  const clock = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body;

  describe('GET /v1/admin/host-types', () => {
    it('lists the host models with their hardware, families and threads', async () => {
      const res = await t.admin().get('/v1/admin/host-types').expect(200);
      const byName = new Map(res.body.hostTypes.map((h: { name: string }) => [h.name, h]));
      expect([...byName.keys()]).toEqual(expect.arrayContaining(['m5-host', 'c5-host', 'r5-host']));
      expect(byName.get('m5-host')).toMatchObject({ sockets: 2, coresPerSocket: 28, threadsPerCore: 2, threads: 112, memoryMiB: 524288, families: expect.arrayContaining(['m5', 't3']) });
      expect(byName.get('c5-host')).toMatchObject({ threads: 112, families: ['c5'] });
      expect(byName.get('r5-host')).toMatchObject({ threads: 112, memoryMiB: 1048576, families: ['r5'] });
    });
  });

  describe('hosts', () => {
    let a: string[];
    let b: string[];
    let c5: string[];
    beforeAll(async () => {
      a = (await t.admin().post('/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 3 }).expect(201)).body.hosts.map((h: HostView) => h.hostId);
      b = (await t.admin().post('/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1b' }).expect(201)).body.hosts.map((h: HostView) => h.hostId);
      c5 = await t.hosts('c5-host', 'us-east-1b', 2);
    });

    it('POST adds count hosts (default 1), available and empty, and answers 201 with them', async () => {
      const res = await t.admin().post('/v1/admin/hosts', { hostType: 'r5-host', availabilityZone: 'us-east-1c', count: 2 }).expect(201);
      expect(res.body.hosts).toHaveLength(2);
      for (const h of res.body.hosts) {
        expect(h).toMatchObject({
          hostId: expect.stringMatching(HOST_ID), hostType: 'r5-host', availabilityZone: 'us-east-1c', state: 'available',
          capacity: { threads: 112, cpuCores: 109.76, memoryMiB: 1032192 }, allocated: EMPTY,
        });
      }
      expect(res.body.hosts[0].hostId).not.toBe(res.body.hosts[1].hostId);
      expect(a).toHaveLength(3);
      expect(b).toHaveLength(1);
      for (const id of [...res.body.hosts.map((h: HostView) => h.hostId)]) await t.admin().delete(`/v1/admin/hosts/${id}`).expect(204);
    });

    it('GET lists every host, and filters by availabilityZone and hostType', async () => {
      const all = await hosts();
      expect(all.map((h) => h.hostId).sort()).toEqual([...a, ...b, ...c5].sort());
      expect((await hosts({ availabilityZone: 'us-east-1a' })).map((h) => h.hostId).sort()).toEqual([...a].sort());
      expect((await hosts({ availabilityZone: 'us-east-1b' })).map((h) => h.hostId).sort()).toEqual([...b, ...c5].sort());
      expect((await hosts({ hostType: 'c5-host' })).map((h) => h.hostId).sort()).toEqual([...c5].sort());
      expect((await hosts({ hostType: 'm5-host', availabilityZone: 'us-east-1b' })).map((h) => h.hostId)).toEqual(b);
      expect(await hosts({ availabilityZone: 'us-east-1c' })).toEqual([]);
      expect(await hosts({ hostType: 'r5-host' })).toEqual([]);
    });

    it('GET one host: its allocation follows launches, stops and terminations', async () => {
      const [id] = b;
      expect(await host(id)).toMatchObject({ hostId: id, hostType: 'm5-host', availabilityZone: 'us-east-1b', state: 'available', capacity: M5_HOST_CAPACITY, allocated: EMPTY });
      // us-east-1b has one m5 host: every m5/t3 launch there lands on it
      const m5 = (await run({ instanceType: 'm5.large', availabilityZone: 'us-east-1b' }).expect(201)).body.instances[0].instanceId;
      expect((await host(id)).allocated).toEqual({ reservedCores: 2, limitCores: 2, memoryMiB: 8192 + VMM_MIB, vcpus: 2, instances: 1 });
      const t3 = (await run({ instanceType: 't3.micro', availabilityZone: 'us-east-1b' }).expect(201)).body.instances[0].instanceId;
      expect((await host(id)).allocated).toEqual({ reservedCores: 2.2, limitCores: 4, memoryMiB: 8192 + 1024 + 2 * VMM_MIB, vcpus: 4, instances: 2 });
      await run({ instanceType: 'm5.xlarge', availabilityZone: 'us-east-1b', cpu: { reservation: 1, limit: 3 } }).expect(201);
      expect((await host(id)).allocated).toEqual({ reservedCores: 3.2, limitCores: 7, memoryMiB: 8192 + 1024 + 16384 + 3 * VMM_MIB, vcpus: 8, instances: 3 });
      // the m5 hosts in us-east-1a and the c5 hosts took nothing
      for (const other of [...a, ...c5]) expect((await host(other)).allocated).toEqual(EMPTY);

      await t.advance(15);
      await t.as(key).post(`/v1/instances/${m5}/stop`).expect(200);
      expect((await host(id)).allocated.instances).toBe(3); // stopping still holds the host
      await t.advance(10);
      expect((await host(id)).allocated).toEqual({ reservedCores: 1.2, limitCores: 5, memoryMiB: 1024 + 16384 + 2 * VMM_MIB, vcpus: 6, instances: 2 });
      await t.as(key).delete(`/v1/instances/${t3}`).expect(200);
      await t.advance(10);
      expect((await host(id)).allocated).toEqual({ reservedCores: 1, limitCores: 3, memoryMiB: 16384 + VMM_MIB, vcpus: 4, instances: 1 });
      // the list shows the same allocation as the single GET
      const listed = (await hosts({ availabilityZone: 'us-east-1b', hostType: 'm5-host' }))[0];
      const single = await host(id);
      expect({ hostId: listed.hostId, capacity: listed.capacity, allocated: listed.allocated }).toEqual({ hostId: id, capacity: single.capacity, allocated: single.allocated });
    });

    it('DELETE of a host with instances is 409 HostInUse, and 204 once they are gone; then the host is 404', async () => {
      const [busy] = await t.hosts('m5-host', 'us-east-1c', 1);
      const id = (await run({ instanceType: 'm5.large', availabilityZone: 'us-east-1c' }).expect(201)).body.instances[0].instanceId;
      const err = expectError(await t.admin().delete(`/v1/admin/hosts/${busy}`), 409, 'HostInUse');
      expect(err.message).toContain(busy);
      expect((await host(busy)).allocated.instances).toBe(1);
      await t.as(key).delete(`/v1/instances/${id}`).expect(200);
      expectError(await t.admin().delete(`/v1/admin/hosts/${busy}`), 409, 'HostInUse'); // shutting-down still holds it
      await t.advance(10);
      const del = await t.admin().delete(`/v1/admin/hosts/${busy}`).expect(204);
      expect(del.text).toBe('');
      expectError(await t.admin().get(`/v1/admin/hosts/${busy}`), 404, 'InvalidHostID.NotFound');
      expectError(await t.admin().delete(`/v1/admin/hosts/${busy}`), 404, 'InvalidHostID.NotFound');
      expect((await hosts()).map((h) => h.hostId)).not.toContain(busy);
    });

    it('DELETE of a host that never had instances is 204', async () => {
      const [empty] = a;
      await t.admin().delete(`/v1/admin/hosts/${empty}`).expect(204);
      expectError(await t.admin().get(`/v1/admin/hosts/${empty}`), 404, 'InvalidHostID.NotFound');
      a = a.slice(1);
    });

    it('a deleted host takes no new instances', async () => {
      const [only] = await t.hosts('m5-host', 'us-east-1c', 1);
      await t.admin().delete(`/v1/admin/hosts/${only}`).expect(204);
      expectError(await run({ instanceType: 'm5.large', availabilityZone: 'us-east-1c' }), 503, 'InsufficientInstanceCapacity');
    });

    it('an unknown host is 404 InvalidHostID.NotFound', async () => {
      expect(expectError(await t.admin().get('/v1/admin/hosts/h-0123456789abcdef0'), 404, 'InvalidHostID.NotFound').message).toContain('h-0123456789abcdef0');
      expectError(await t.admin().delete('/v1/admin/hosts/h-0123456789abcdef0'), 404, 'InvalidHostID.NotFound');
    });

    it.each([
      ['an unknown host type', { hostType: 'z9-host', availabilityZone: 'us-east-1a' }, 'InvalidParameterValue', 'z9-host'],
      ['an unknown availability zone', { hostType: 'm5-host', availabilityZone: 'eu-west-1a' }, 'InvalidParameterValue', 'eu-west-1a'],
      ['count 0', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 0 }, 'ValidationError', 'count'],
      ['count 1001', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 1001 }, 'ValidationError', 'count'],
      ['a fractional count', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 1.5 }, 'ValidationError', 'count'],
      ['a missing hostType', { availabilityZone: 'us-east-1a' }, 'MissingParameter', 'hostType'],
      ['a missing availabilityZone', { hostType: 'm5-host' }, 'MissingParameter', 'availabilityZone'],
      ['an unknown field', { hostType: 'm5-host', availabilityZone: 'us-east-1a', rack: 7 }, 'ValidationError', 'rack'],
    ])('POST with %s is 400 and adds nothing', async (_, body, code, named) => {
      const before = (await hosts()).length;
      expect(expectError(await t.admin().post('/v1/admin/hosts', body), 400, code).message).toContain(named);
      expect(await hosts()).toHaveLength(before);
    });

    it('POST with count 1000, the most one call adds, adds 1000 hosts (was a 500 on SQLite)', async () => {
      const before = (await hosts()).length;
      const res = await t.admin().post('/v1/admin/hosts', { hostType: 'c5-host', availabilityZone: 'us-east-1b', count: 1000 }).expect(201);
      expect(new Set(res.body.hosts.map((h: HostView) => h.hostId)).size).toBe(1000);
      expect(await hosts()).toHaveLength(before + 1000);
    });
  });

  describe('clock', () => {
    it('GET answers {now (ISO 8601), mode, rate}; the manual clock stands still', async () => {
      const c = await clock();
      expect(c).toEqual({ now: expect.stringMatching(ISO), mode: 'manual', rate: 0 });
      await new Promise((r) => setTimeout(r, 50));
      expect((await clock()).now).toBe(c.now);
    });

    it('advance {seconds: 60} moves now by exactly 60 s and answers the new clock', async () => {
      const before = Date.parse((await clock()).now);
      const res = await t.admin().post('/v1/admin/clock/advance', { seconds: 60 }).expect(200);
      expect(res.body).toEqual({ now: new Date(before + 60_000).toISOString(), mode: 'manual', rate: 0 });
      expect((await clock()).now).toBe(res.body.now);
      const ms = await t.admin().post('/v1/admin/clock/advance', { seconds: 0.25 }).expect(200);
      expect(Date.parse(ms.body.now)).toBe(before + 60_250);
    });

    it('advance runs every event due before it answers', async () => {
      const id = (await run({ instanceType: 'm5.large', availabilityZone: 'us-east-1b' }).expect(201)).body.instances[0].instanceId;
      await t.admin().post('/v1/admin/clock/advance', { seconds: 15 }).expect(200);
      expect((await t.as(key).get(`/v1/instances/${id}`).expect(200)).body.state.name).toBe('running');
      await t.as(key).delete(`/v1/instances/${id}`).expect(200);
    });

    it.each([
      ['0', { seconds: 0 }, 'ValidationError'],
      ['a negative number', { seconds: -60 }, 'ValidationError'],
      ['a string', { seconds: '60' }, 'ValidationError'],
      ['more than 400 days', { seconds: 400 * 86400 + 1 }, 'ValidationError'],
      ['sub-millisecond precision', { seconds: 0.0001 }, 'ValidationError'],
      ['nothing', {}, 'MissingParameter'],
      ['an unknown field', { seconds: 1, minutes: 1 }, 'ValidationError'],
    ])('advance with %s is 400 and leaves the clock alone', async (_, body, code) => {
      const before = (await clock()).now;
      expectError(await t.admin().post('/v1/admin/clock/advance', body), 400, code);
      expect((await clock()).now).toBe(before);
    });

    it('PUT {rate: 10} paces the clock in real time; PUT {mode: manual} stops it', async () => {
      const before = Date.parse((await clock()).now);
      const realtime = await t.admin().put('/v1/admin/clock', { rate: 10 }).expect(200);
      expect(realtime.body).toEqual({ now: expect.stringMatching(ISO), mode: 'realtime', rate: 10 });
      await new Promise((r) => setTimeout(r, 300));
      const moved = await clock();
      expect(moved.mode).toBe('realtime');
      expect(moved.rate).toBe(10);
      // ~3 simulated seconds for 300 wall ms; generous bounds for a loaded machine
      expect(Date.parse(moved.now) - before).toBeGreaterThanOrEqual(2_000);
      expect(Date.parse(moved.now) - before).toBeLessThan(60_000);

      const manual = await t.admin().put('/v1/admin/clock', { mode: 'manual' }).expect(200);
      expect(manual.body).toEqual({ now: expect.stringMatching(ISO), mode: 'manual', rate: 0 });
      await new Promise((r) => setTimeout(r, 200));
      expect(await clock()).toEqual(manual.body);
    });

    it.each([
      // Neither or both: EC2's InvalidParameterCombination. A bad value: the validation's ValidationError.
      ['nothing', {}, 'InvalidParameterCombination'],
      ['both rate and mode', { rate: 10, mode: 'manual' }, 'InvalidParameterCombination'],
      ['rate 0', { rate: 0 }, 'ValidationError'],
      ['a negative rate', { rate: -1 }, 'ValidationError'],
      ['a rate as a string', { rate: '10' }, 'ValidationError'],
      ['an unknown mode', { mode: 'realtime' }, 'ValidationError'],
    ])('PUT with %s is 400 and changes nothing', async (_, body, code) => {
      const before = await clock();
      const res = await t.admin().put('/v1/admin/clock', body);
      expectError(res, 400, code);
      expect(await clock()).toEqual(before);
    });
  });

  describe('the unauthenticated surface', () => {
    it('/health answers 200 without auth, with the database and the simulated time', async () => {
      const res = await request(server()).get('/health').expect(200);
      expect(res.body).toMatchObject({ status: 'ok', database: expect.stringMatching(/^(sqlite|postgres)$/), simulatedTime: (await clock()).now });
    });

    it('/docs serves the OpenAPI UI', async () => {
      const ui = await request(server()).get('/docs').redirects(1).expect(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      expect(ui.text.toLowerCase()).toContain('swagger');
    });

    it('/docs-json is an OpenAPI document listing the routes', async () => {
      const doc = await request(server()).get('/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining([
        '/v1/instances', '/v1/instances/{id}', '/v1/admin/tenants', '/v1/admin/hosts', '/v1/admin/clock',
      ]));
      expect(Object.keys(doc.body.paths['/v1/instances'])).toEqual(expect.arrayContaining(['get', 'post']));
    });

    it('/docs-json documents minCount, maxCount and count as numbers (not objects)', async () => {
      const doc = await request(server()).get('/docs-json');
      expect(doc.status).toBe(200);
      const numeric = expect.stringMatching(/^(integer|number)$/);
      const run = doc.body.components.schemas.RunInstancesDto.properties;
      expect(run.minCount).toMatchObject({ type: numeric, default: 1, minimum: 1, maximum: 1000 });
      expect(run.maxCount).toMatchObject({ type: numeric, default: 1, minimum: 1, maximum: 1000 });
      expect(doc.body.components.schemas.AddHostsDto.properties.count).toMatchObject({ type: numeric, default: 1 });
    });

    it('an unknown route is 404 in the error shape', async () => {
      const res = await t.as(key).get('/v1/nothing-here');
      expect(expectError(res, 404, 'NotFound').message).toContain('/v1/nothing-here');
      expect(res.headers['x-request-id']).toBe(res.body.error.requestId);
      expectError(await request(server()).post('/v2/instances').send({}), 404, 'NotFound');
      expectError(await request(server()).delete('/v1/images'), 404, 'NotFound');
    });

    it('a malformed JSON body is 400 in the error shape, never 500', async () => {
      for (const [url, auth] of [['/v1/instances', key], ['/v1/admin/tenants', undefined]] as const) {
        const res = await request(server())
          .post(url)
          .set('Authorization', `Bearer ${auth ?? ADMIN_KEY}`)
          .set('Content-Type', 'application/json')
          .send('{"imageId": "ami-0a1e0c00000000a23", ');
        expectError(res, 400, 'ValidationError');
      }
    });

    it('a malformed JSON body answers with a request id, the caller\'s if given, in the body and the header', async () => {
      const bad = (id?: string) => {
        const r = request(server()).post('/v1/admin/tenants').set('Authorization', `Bearer ${ADMIN_KEY}`).set('Content-Type', 'application/json');
        return (id ? r.set('X-Request-Id', id) : r).send('{"name": ');
      };
      const echoed = await bad('bad-json-1');
      expect({ body: echoed.body.error.requestId, header: echoed.headers['x-request-id'] }).toEqual({ body: 'bad-json-1', header: 'bad-json-1' });
      const generated = await bad();
      expect(generated.body.error.requestId).toMatch(/^[\w.-]+$/);
      expect(generated.headers['x-request-id']).toBe(generated.body.error.requestId);
    });

    it('a body over the size limit (1 MiB) is 413 ValidationError, and launches nothing', async () => {
      const res = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', tags: { big: 'x'.repeat(1024 * 1024) } });
      expectError(res, 413, 'ValidationError');
      expect((await t.as(key).get('/v1/instances').query({ 'tag:big': 'x'.repeat(10) }).expect(200)).body.instances).toEqual([]);
    });

    it('a body that is JSON but not an object is 400, never 500', async () => {
      for (const payload of ['[1,2,3]', '"text"', 'null', '42']) {
        const res = await request(server())
          .post('/v1/instances')
          .set('Authorization', `Bearer ${key}`)
          .set('Content-Type', 'application/json')
          .send(payload);
        expect({ payload, status: res.status }).toEqual({ payload, status: 400 });
        expect(res.body.error).toEqual({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
      }
    });
  });
});
