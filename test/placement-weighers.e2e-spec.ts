import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/**
 * The weighers through `PUT /v1/admin/scheduler` (MODEL.md §4): `balance` (CPU against RAM) is a
 * weigher like pack and spread; `avoidViolationsWithinMs` sets how long a host with a guarantee
 * violation goes last (0: off). Both are validated, persisted and kept across a restart.
 */
describe('scheduler weighers', () => {
  let t: TestApp;
  let key: string;
  let hosts: string[];

  beforeAll(async () => {
    t = await startApp();
    hosts = await t.hosts('m5-host', 'us-east-1a', 2);
    ({ key } = await t.tenant('weighed', { onDemandVcpus: 10_000 }));
  });
  afterAll(() => t.close());

  const onHost = async (h: string) => (await t.admin().get(`/v1/admin/hosts/${h}`).expect(200)).body.instanceIds as string[];

  it('balance: a memory-heavy instance goes where CPU is the more used resource', async () => {
    await t.admin().put('/v1/admin/scheduler', { weigher: 'pack' }).expect(200);
    // r5 does not run on m5 hosts: make one host CPU-heavy (c-like) and the other memory-heavy with m5/t3 shapes
    const cpuHeavy = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.8xlarge', availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0].instanceId;
    const cpuHost = (await onHost(hosts[0])).includes(cpuHeavy) ? hosts[0] : hosts[1];
    const memHost = cpuHost === hosts[0] ? hosts[1] : hosts[0];
    // t3.2xlarge reserves 3.2 cores but takes 32 GiB: with spread it lands on the empty host
    await t.admin().put('/v1/admin/scheduler', { weigher: 'spread' }).expect(200);
    for (let i = 0; i < 6; i++) await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.2xlarge', availabilityZone: 'us-east-1a' }).expect(201);
    expect((await onHost(memHost)).length).toBeGreaterThan(0);
    const res = await t.admin().put('/v1/admin/scheduler', { weigher: 'balance', avoidViolationsWithinMs: 600_000 }).expect(200);
    expect(res.body).toMatchObject({ weigher: 'balance', avoidViolationsWithinMs: 600_000 });
    // an m5.large (2 vCPU, 8 GiB): on the memory-heavy host it would widen the gap, on the CPU-heavy one it narrows it
    const placed = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'r5.large'.replace('r5', 'm5'), availabilityZone: 'us-east-1a' }).expect(201)).body.instances[0].instanceId;
    expect(await onHost(cpuHost)).toContain(placed);
  });

  it('refuses an unknown weigher or a negative window, changing nothing', async () => {
    expectError(await t.admin().put('/v1/admin/scheduler', { weigher: 'random' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().put('/v1/admin/scheduler', { avoidViolationsWithinMs: -1 }), 400, 'InvalidParameterValue');
    expectError(await t.admin().put('/v1/admin/scheduler', { avoidViolationsWithinMs: 'soon' }), 400, 'InvalidParameterValue');
    expect((await t.admin().get('/v1/admin/scheduler').expect(200)).body).toMatchObject({ weigher: 'balance', avoidViolationsWithinMs: 600_000 });
  });

  it('keeps the weigher and the window across a restart', async () => {
    t = await t.restart();
    expect((await t.admin().get('/v1/admin/scheduler').expect(200)).body).toMatchObject({ weigher: 'balance', avoidViolationsWithinMs: 600_000 });
  });
});
