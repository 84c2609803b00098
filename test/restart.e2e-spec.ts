import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from './support/app';

interface InstanceView {
  instanceId: string;
  instanceType: string;
  availabilityZone: string;
  state: { name: string; code: number };
  tags: Record<string, string>;
}
interface HostView {
  hostId: string;
  hostType: string;
  availabilityZone: string;
  state: string;
  capacity: unknown;
  allocated: { reservedCores: number; limitCores: number; memoryMiB: number; vcpus: number; instances: number };
}

const HOLDS_HOST = ['pending', 'running', 'stopping', 'shutting-down'];
/** Per-VM memory the hardware-assisted VMM keeps on the host. */
const VMM_MIB = 64;

/**
 * A clean restart on the same database: the clock, tenants, keys, hosts, instances and tags come
 * back as they were; host allocations are rebuilt from the live instances; transitions in flight
 * finish at the simulated time they were due.
 */
describe('restart on the same database', () => {
  let t: TestApp;
  let a: { tenantId: string; key: string };
  let b: { tenantId: string; key: string };
  let secondKey: string;
  let revokedKey: string;
  const ids: Record<'running' | 'stopped' | 'stopping' | 'pending' | 'terminated' | 'shuttingDown' | 'bRunning', string> = {} as never;
  let bReservation: string;
  let pendingLaunchedAt: number;
  let types: Map<string, { vcpus: number; memoryMiB: number }>;

  const clock = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body;
  const nowMs = async () => Date.parse((await clock()).now);
  const listAll = async (key: string): Promise<InstanceView[]> => (await t.as(key).get('/v1/instances').expect(200)).body.instances;
  const get = async (key: string, id: string): Promise<InstanceView> => (await t.as(key).get(`/v1/instances/${id}`).expect(200)).body;
  const stateOf = async (key: string, id: string) => (await get(key, id)).state.name;
  const hosts = async (): Promise<HostView[]> => (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts;
  const hostsComparable = async () =>
    (await hosts()).map(({ hostId, hostType, availabilityZone, state, capacity, allocated }) => ({ hostId, hostType, availabilityZone, state, capacity, allocated }));
  const run = async (key: string, body: object) =>
    (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', ...body }).expect(201)).body;
  const runOne = async (key: string, body: object = {}): Promise<string> => (await run(key, body)).instances[0].instanceId;

  /** Σ over each zone's hosts equals Σ over the live instances placed in that zone. */
  async function expectAllocationsMatchInstances() {
    const instances = [...(await listAll(a.key)), ...(await listAll(b.key))].filter((i) => HOLDS_HOST.includes(i.state.name));
    for (const az of ['us-east-1a', 'us-east-1b', 'us-east-1c']) {
      const inZone = instances.filter((i) => i.availabilityZone === az);
      const zoneHosts = (await hosts()).filter((h) => h.availabilityZone === az);
      const sum = (f: (h: HostView) => number) => zoneHosts.reduce((s, h) => s + f(h), 0);
      expect({ az, instances: sum((h) => h.allocated.instances), vcpus: sum((h) => h.allocated.vcpus), memoryMiB: sum((h) => h.allocated.memoryMiB) }).toEqual({
        az,
        instances: inZone.length,
        vcpus: inZone.reduce((s, i) => s + types.get(i.instanceType)!.vcpus, 0),
        memoryMiB: inZone.reduce((s, i) => s + types.get(i.instanceType)!.memoryMiB + VMM_MIB, 0),
      });
    }
  }

  let before: {
    clock: unknown;
    aInstances: InstanceView[];
    bInstances: InstanceView[];
    tenants: unknown;
    hosts: unknown;
    aQuotas: unknown;
    bQuotas: unknown;
  };

  beforeAll(async () => {
    t = await startApp();
    a = await t.tenant('alpha');
    b = await t.tenant('bravo', { onDemandVcpus: 20, provisionedIops: 5000 });
    secondKey = (await t.admin().post(`/v1/admin/tenants/${a.tenantId}/api-keys`).expect(201)).body.apiKey.key;
    const revoked = (await t.admin().post(`/v1/admin/tenants/${a.tenantId}/api-keys`).expect(201)).body.apiKey;
    revokedKey = revoked.key;
    await t.admin().delete(`/v1/admin/tenants/${a.tenantId}/api-keys/${revoked.keyId}`).expect(204);
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 1);
    await t.hosts('c5-host', 'us-east-1c', 1);
    types = new Map(
      (await t.as(a.key).get('/v1/instance-types').expect(200)).body.instanceTypes.map((x: { name: string; vcpus: number; memoryMiB: number }) => [x.name, x]),
    );
    await t.advance(3600);

    ids.running = await runOne(a.key, { availabilityZone: 'us-east-1a', tags: { role: 'web', env: 'prod' } });
    ids.stopped = await runOne(a.key, { instanceType: 'm5.xlarge', availabilityZone: 'us-east-1b', tags: { role: 'batch', temp: 'x' } });
    ids.stopping = await runOne(a.key, { availabilityZone: 'us-east-1a' });
    ids.terminated = await runOne(a.key, { instanceType: 't3.micro', availabilityZone: 'us-east-1b' });
    const bRun = await run(b.key, { instanceType: 'c5.large', clientToken: 'b-token', tags: { team: 'bravo' } });
    bReservation = bRun.reservationId;
    ids.bRunning = bRun.instances[0].instanceId;
    await t.advance(15);
    await t.as(a.key).post(`/v1/instances/${ids.stopped}/stop`).expect(200);
    await t.as(a.key).delete(`/v1/instances/${ids.terminated}`).expect(200);
    await t.advance(10);

    pendingLaunchedAt = await nowMs();
    ids.pending = await runOne(a.key, { imageId: WINDOWS_AMI, availabilityZone: 'us-east-1b' }); // boots in 180 s
    ids.shuttingDown = await runOne(a.key, { availabilityZone: 'us-east-1a' });
    await t.advance(60);
    await t.as(a.key).post(`/v1/instances/${ids.stopping}/stop`).expect(200); // 10 s to stopped
    await t.as(a.key).delete(`/v1/instances/${ids.shuttingDown}`).expect(200); // 10 s to terminated
    await t.advance(4);
    await t.as(a.key).put(`/v1/instances/${ids.running}/tags`, { tags: { env: 'staging', owner: 'ops' } }).expect(200);
    await t.as(a.key).delete(`/v1/instances/${ids.stopped}/tags/temp`).expect(204);

    before = {
      clock: await clock(),
      aInstances: await listAll(a.key),
      bInstances: await listAll(b.key),
      tenants: (await t.admin().get('/v1/admin/tenants').expect(200)).body,
      hosts: await hostsComparable(),
      aQuotas: (await t.as(a.key).get('/v1/quotas').expect(200)).body,
      bQuotas: (await t.as(b.key).get('/v1/quotas').expect(200)).body,
    };
    // the scenario is what it should be before the restart
    const states = Object.fromEntries(before.aInstances.map((i) => [i.instanceId, i.state.name]));
    expect(states).toEqual({
      [ids.running]: 'running', [ids.stopped]: 'stopped', [ids.stopping]: 'stopping', [ids.terminated]: 'terminated',
      [ids.pending]: 'pending', [ids.shuttingDown]: 'shutting-down',
    });

    t = await t.restart();
  });
  afterAll(() => t.close());

  it('the clock resumes where it was, still manual', async () => {
    expect(await clock()).toEqual(before.clock);
    expect(await nowMs()).toBe(pendingLaunchedAt + 64_000);
  });

  it('every instance comes back with its state, fields and tags', async () => {
    expect(await listAll(a.key)).toEqual(before.aInstances);
    expect(await listAll(b.key)).toEqual(before.bInstances);
    expect((await get(a.key, ids.running)).tags).toEqual({ role: 'web', env: 'staging', owner: 'ops' });
    expect((await get(a.key, ids.stopped)).tags).toEqual({ role: 'batch' });
    expect((await get(a.key, ids.terminated)).state.name).toBe('terminated');
  });

  it('tenants, quotas and keys come back: every issued key works, the revoked one does not', async () => {
    expect((await t.admin().get('/v1/admin/tenants').expect(200)).body).toEqual(before.tenants);
    expect((await t.as(a.key).get('/v1/quotas').expect(200)).body).toEqual(before.aQuotas);
    expect((await t.as(b.key).get('/v1/quotas').expect(200)).body).toEqual(before.bQuotas);
    expect((await t.as(b.key).get('/v1/quotas').expect(200)).body.onDemandVcpus.limit).toBe(20);
    await t.as(secondKey).get('/v1/instances').expect(200);
    expectError(await t.as(revokedKey).get('/v1/instances'), 401, 'AuthFailure');
  });

  it('hosts come back with the same allocations, equal to the sum of their live instances', async () => {
    expect(await hostsComparable()).toEqual(before.hosts);
    await expectAllocationsMatchInstances();
  });

  it('a clientToken used before the restart still answers its reservation', async () => {
    const again = await run(b.key, { instanceType: 'c5.large', clientToken: 'b-token', tags: { team: 'bravo' } });
    expect(again.reservationId).toBe(bReservation);
    expect(again.instances.map((i: InstanceView) => i.instanceId)).toEqual([ids.bRunning]);
    expect(await listAll(b.key)).toHaveLength(1);
  });

  it('transitions in flight finish at the simulated time they were due', async () => {
    // stopping and shutting-down had 6 s left, the Windows boot 116 s
    await t.advance(5);
    expect(await stateOf(a.key, ids.stopping)).toBe('stopping');
    expect(await stateOf(a.key, ids.shuttingDown)).toBe('shutting-down');
    await t.advance(1);
    expect(await stateOf(a.key, ids.stopping)).toBe('stopped');
    expect(await stateOf(a.key, ids.shuttingDown)).toBe('terminated');
    await expectAllocationsMatchInstances();

    await t.advance(109);
    expect(await stateOf(a.key, ids.pending)).toBe('pending');
    await t.advance(1);
    expect(await nowMs()).toBe(pendingLaunchedAt + 180_000);
    expect(await stateOf(a.key, ids.pending)).toBe('running');
  });

  it('stop and start work after the restart, on instances running and stopped before it', async () => {
    await t.as(a.key).post(`/v1/instances/${ids.running}/stop`).expect(200);
    await t.advance(10);
    expect(await stateOf(a.key, ids.running)).toBe('stopped');
    await t.as(a.key).post(`/v1/instances/${ids.running}/start`).expect(200);
    const res = await t.as(a.key).post(`/v1/instances/${ids.stopped}/start`).expect(200);
    expect(res.body.currentState).toEqual({ name: 'pending', code: 0 });
    expect((await get(a.key, ids.stopped)).availabilityZone).toBe('us-east-1b');
    await t.advance(15);
    expect(await stateOf(a.key, ids.running)).toBe('running');
    expect(await stateOf(a.key, ids.stopped)).toBe('running');
    await t.as(a.key).post(`/v1/instances/${ids.bRunning}/reboot`).expect(404);
    await t.as(b.key).post(`/v1/instances/${ids.bRunning}/reboot`).expect(200);
    await expectAllocationsMatchInstances();
  });

  it('new launches after the restart see the restored fleet and quota', async () => {
    const quotaBefore = (await t.as(a.key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used;
    const id = await runOne(a.key, { availabilityZone: 'us-east-1a', tags: { after: 'restart' } });
    expect((await t.as(a.key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(quotaBefore + 2);
    expect((await t.as(a.key).get('/v1/instances').query({ 'tag:after': 'restart' }).expect(200)).body.instances.map((i: InstanceView) => i.instanceId)).toEqual([id]);
    // B's quota of 20 still counts the c5.large it had before the restart
    expectError(await t.as(b.key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.4xlarge', minCount: 2, maxCount: 2 }), 400, 'VcpuLimitExceeded');
    await expectAllocationsMatchInstances();
  });

  it('a second restart changes nothing', async () => {
    const snapshot = { clock: await clock(), a: await listAll(a.key), b: await listAll(b.key), hosts: await hostsComparable() };
    t = await t.restart();
    expect({ clock: await clock(), a: await listAll(a.key), b: await listAll(b.key), hosts: await hostsComparable() }).toEqual(snapshot);
    await expectAllocationsMatchInstances();
  });
});

describe('restart while a stopped instance is being terminated', () => {
  let t: TestApp;
  let running = true;
  let key: string;
  let id: string;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
    ({ key } = await t.tenant('terminating'));
    id = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' }).expect(201)).body.instances[0].instanceId;
    await t.advance(15);
    await t.as(key).post(`/v1/instances/${id}/stop`).expect(200);
    await t.advance(10);
    // a stopped instance holds no host; terminating it takes one simulated second
    await t.as(key).delete(`/v1/instances/${id}`).expect(200);
  });
  // If the restart failed, the old app is closed already: only the database is left to drop.
  afterAll(() => (running ? t.close() : t.db.drop()));

  it('the app starts again, and the instance finishes terminating on time', async () => {
    running = false;
    t = await t.restart();
    running = true;
    expect((await t.as(key).get(`/v1/instances/${id}`).expect(200)).body.state.name).toBe('shutting-down');
    await t.advance(1);
    expect((await t.as(key).get(`/v1/instances/${id}`).expect(200)).body.state.name).toBe('terminated');
    expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(0);
  });
});
