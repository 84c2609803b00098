import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const WINDOWS_BYOL = 'ami-0f2d0c00000002f22';

interface DedicatedHost {
  hostId: string;
  availabilityZone: string;
  autoPlacement: string;
  hostProperties: { instanceFamily?: string; instanceType?: string; sockets: number; cores: number; totalVCpus: number };
  instances: { instanceId: string; instanceType: string }[];
  availableCapacity: { availableVCpus: number };
}

/**
 * `POST/GET /v1/dedicated-hosts`, `DELETE /v1/dedicated-hosts/{id}` and tenancy (docs/model.md §4): a
 * Dedicated Host is a fleet host allocated whole to one tenant; it shows its sockets and physical
 * cores, takes its owner's `host` tenancy instances (by hostId, or by auto-placement when on) and
 * no one else's; dedicated-tenancy instances never share a host with another tenant. Ownership,
 * placement and host affinity survive a restart.
 */
describe('Dedicated Hosts and tenancy', () => {
  let t: TestApp;
  let acme: string;
  let globex: string;
  let hostIds: string[];

  const run = (key: string, body: object) => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', ...body });
  const hostOf = async (id: string) => {
    for (const h of hostIds) if ((await t.admin().get(`/v1/admin/hosts/${h}`).expect(200)).body.instanceIds.includes(id)) return h;
    return undefined;
  };
  const tenantsOn = async (h: string, owners: Map<string, string>) =>
    new Set(((await t.admin().get(`/v1/admin/hosts/${h}`).expect(200)).body.instanceIds as string[]).map((id) => owners.get(id)));

  beforeAll(async () => {
    t = await startApp();
    hostIds = [...(await t.hosts('m5-host', 'us-east-1a', 5)), ...(await t.hosts('c5-host', 'us-east-1a', 1))];
    ({ key: acme } = await t.tenant('acme', { onDemandVcpus: 10_000 }));
    ({ key: globex } = await t.tenant('globex', { onDemandVcpus: 10_000 }));
  });
  afterAll(() => t.close());

  let dh: DedicatedHost;
  let manual: DedicatedHost;

  it('allocates a free host of a type that runs the family, showing its sockets and physical cores', async () => {
    const res = await t.as(acme).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', autoPlacement: 'on' }).expect(201);
    expect(res.body.hosts).toHaveLength(1);
    dh = res.body.hosts[0];
    expect(dh).toEqual({
      hostId: expect.stringMatching(/^h-[0-9a-f]{17}$/), availabilityZone: 'us-east-1a', state: 'available', autoPlacement: 'on',
      hostProperties: { instanceFamily: 'm5', sockets: 2, cores: 56, totalVCpus: 112, memoryMiB: 516_096 },
      availableCapacity: { availableVCpus: 112 }, instances: [], allocationTime: expect.any(String),
    });
    manual = (await t.as(acme).post('/v1/dedicated-hosts', { instanceType: 'm5.xlarge', availabilityZone: 'us-east-1a' }).expect(201)).body.hosts[0];
    expect(manual).toMatchObject({ autoPlacement: 'off', hostProperties: { instanceType: 'm5.xlarge' } });
    expect((await t.as(acme).get('/v1/dedicated-hosts').expect(200)).body.hosts.map((h: DedicatedHost) => h.hostId).sort()).toEqual([dh.hostId, manual.hostId].sort());
  });

  it('refuses allocations it cannot honour, all or nothing', async () => {
    const err = expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', quantity: 4 }), 503, 'InsufficientHostCapacity');
    expect(err.message).toContain('us-east-1a');
    expect((await t.as(globex).get('/v1/dedicated-hosts').expect(200)).body.hosts).toEqual([]);
    expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'x9', availabilityZone: 'us-east-1a' }), 400, 'UnsupportedHostConfiguration');
    expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', instanceType: 'm5.large', availabilityZone: 'us-east-1a' }), 400, 'InvalidParameterCombination');
    expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1z' }), 400, 'InvalidParameterValue');
    expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', autoPlacement: 'maybe' }), 400, 'ValidationError');
  });

  it('tenancy host: by hostId, or auto-placement only onto hosts with it on; the instance shows its host', async () => {
    const byId = await run(acme, { tenancy: 'host', hostId: manual.hostId, instanceType: 'm5.xlarge' }).expect(201);
    expect(byId.body.instances[0]).toMatchObject({ tenancy: 'host', hostId: manual.hostId });
    const auto = await run(acme, { tenancy: 'host', minCount: 3, maxCount: 3 }).expect(201);
    expect(auto.body.instances.map((i: { hostId: string }) => i.hostId)).toEqual([dh.hostId, dh.hostId, dh.hostId]);
    // hostId alone implies tenancy host
    expect((await run(acme, { hostId: dh.hostId }).expect(201)).body.instances[0].tenancy).toBe('host');
    // the m5.xlarge host takes only m5.xlarge
    expectError(await run(acme, { hostId: manual.hostId }), 503, 'InsufficientCapacityOnHost');
    expectError(await run(acme, { tenancy: 'default', hostId: dh.hostId }), 400, 'InvalidParameterCombination');
    const listed = (await t.as(acme).get(`/v1/dedicated-hosts/${dh.hostId}`).expect(200)).body;
    expect(listed.instances).toHaveLength(4);
    expect(listed.availableCapacity.availableVCpus).toBe(112 - 8);
  });

  it('another tenant\'s Dedicated Host answers exactly as a missing one, and takes none of its instances', async () => {
    const missingId = 'h-0123456789abcdef0';
    const foreign = expectError(await run(globex, { hostId: dh.hostId }), 404, 'InvalidHostID.NotFound');
    const missing = expectError(await run(globex, { hostId: missingId }), 404, 'InvalidHostID.NotFound');
    expect(foreign.message.replace(dh.hostId, '<id>')).toBe(missing.message.replace(missingId, '<id>'));
    expectError(await t.as(globex).get(`/v1/dedicated-hosts/${dh.hostId}`), 404, 'InvalidHostID.NotFound');
    expectError(await t.as(globex).delete(`/v1/dedicated-hosts/${dh.hostId}`), 404, 'InvalidHostID.NotFound');
    // a plain fleet host is not a Dedicated Host of anyone's
    expectError(await t.as(acme).get(`/v1/dedicated-hosts/${hostIds[5]}`), 404, 'InvalidHostID.NotFound');
    // m5.24xlarge: one per host, so every shared m5 host gets one (the c5 host runs no m5)
    const many = await run(globex, { instanceType: 'm5.24xlarge', maxCount: 10 }).expect(201);
    expect(many.body.instances).toHaveLength(3);
    for (const i of many.body.instances) expect([dh.hostId, manual.hostId]).not.toContain(await hostOf(i.instanceId));
    // acme's own default instances do not land on its Dedicated Hosts either
    const own = await run(acme, { maxCount: 5 }).expect(201);
    for (const i of own.body.instances) expect([dh.hostId, manual.hostId]).not.toContain(await hostOf(i.instanceId));
  });

  it('tenancy dedicated: never on a host holding another tenant\'s instances, nor on a Dedicated Host', async () => {
    // every m5 host now holds globex's instances or is a Dedicated Host: no room for acme's dedicated instance
    const err = expectError(await run(acme, { tenancy: 'dedicated', availabilityZone: 'us-east-1a' }), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('tenancy');
    // terminate globex's instances: their host empties and becomes acme's dedicated host
    const globexIds = (await t.as(globex).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId);
    const acmeDefault = (await t.as(acme).get('/v1/instances').expect(200)).body.instances.filter((i: { tenancy: string }) => i.tenancy === 'default');
    for (const id of globexIds) await t.as(globex).delete(`/v1/instances/${id}`).expect(200);
    for (const i of acmeDefault) await t.as(acme).delete(`/v1/instances/${i.instanceId}`).expect(200);
    await t.advance(120);
    const ded = await run(acme, { tenancy: 'dedicated', instanceType: 'm5.xlarge' }).expect(201);
    expect(ded.body.instances[0].tenancy).toBe('dedicated');
    const dedHost = (await hostOf(ded.body.instances[0].instanceId))!;
    expect([dh.hostId, manual.hostId]).not.toContain(dedHost);
    // globex's default instances now avoid that host
    const after = await run(globex, { instanceType: 'm5.24xlarge', maxCount: 10 }).expect(201);
    expect(after.body.instances).toHaveLength(2);
    const owners = new Map<string, string>();
    for (const i of after.body.instances) owners.set(i.instanceId, 'globex');
    owners.set(ded.body.instances[0].instanceId, 'acme');
    expect(await tenantsOn(dedHost, owners)).toEqual(new Set(['acme']));
  });

  it('release is refused while the host holds instances, stopped ones included', async () => {
    const mine = (await t.as(acme).get('/v1/instances').expect(200)).body.instances.filter((i: { hostId?: string }) => i.hostId === manual.hostId);
    await t.advance(20);
    await t.as(acme).post(`/v1/instances/${mine[0].instanceId}/stop`).expect(200);
    await t.advance(70);
    const err = expectError(await t.as(acme).delete(`/v1/dedicated-hosts/${manual.hostId}`), 409, 'IncorrectHostState');
    expect(err.message).toContain(mine[0].instanceId);
    // an operator cannot remove an allocated host from the fleet either
    expectError(await t.admin().delete(`/v1/admin/hosts/${manual.hostId}`), 409, 'IncorrectHostState');
  });

  it('a restart keeps ownership and host affinity: a stopped instance starts on its own host', async () => {
    t = await t.restart();
    const hosts = (await t.as(acme).get('/v1/dedicated-hosts').expect(200)).body.hosts as DedicatedHost[];
    expect(hosts.map((h) => [h.hostId, h.autoPlacement]).sort()).toEqual([[dh.hostId, 'on'], [manual.hostId, 'off']].sort());
    expectError(await run(globex, { hostId: dh.hostId }), 404, 'InvalidHostID.NotFound');
    const [stopped] = (await t.as(acme).get('/v1/instances?state=stopped').expect(200)).body.instances;
    await t.as(acme).post(`/v1/instances/${stopped.instanceId}/start`).expect(200);
    expect(await hostOf(stopped.instanceId)).toBe(manual.hostId);
    expect((await run(acme, { tenancy: 'host' }).expect(201)).body.instances[0].hostId).toBe(dh.hostId);
  });

  it('BYOL Windows needs a Dedicated Host', async () => {
    const err = expectError(await t.as(acme).post('/v1/instances', { imageId: WINDOWS_BYOL, instanceType: 'm5.large' }), 400, 'InvalidParameterCombination');
    expect(err.message).toContain('Dedicated Host');
    expectError(await t.as(acme).post('/v1/instances', { imageId: WINDOWS_BYOL, instanceType: 'm5.large', tenancy: 'dedicated' }), 400, 'InvalidParameterCombination');
    await t.as(acme).post('/v1/instances', { imageId: WINDOWS_BYOL, instanceType: 'm5.large', hostId: dh.hostId }).expect(201);
  });

  it('once its instances are terminated the host is released and free for anyone', async () => {
    for (const key of [acme, globex]) {
      const all = (await t.as(key).get('/v1/instances').expect(200)).body.instances;
      for (const i of all) await t.as(key).delete(`/v1/instances/${i.instanceId}`).expect(200);
    }
    await t.advance(120);
    await t.as(acme).delete(`/v1/dedicated-hosts/${manual.hostId}`).expect(204);
    expectError(await t.as(acme).delete(`/v1/dedicated-hosts/${manual.hostId}`), 404, 'InvalidHostID.NotFound');
    // four m5 hosts are free now (acme still holds one): the released one among them
    expectError(await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', quantity: 5 }), 503, 'InsufficientHostCapacity');
    const got = (await t.as(globex).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', quantity: 4 }).expect(201)).body.hosts;
    expect(got.map((h: DedicatedHost) => h.hostId)).toContain(manual.hostId);
  });
});
