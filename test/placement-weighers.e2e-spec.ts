import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

/**
 * The weighers through `PUT /v1/admin/scheduler` (docs/model.md §4): `balance` (CPU against RAM) is a
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

  it('balance keeps each host\'s CPU and memory shares close, where pack would take the fullest host', async () => {
    const run = (instanceType: string, count = 1) =>
      t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType, availabilityZone: 'us-east-1a', minCount: count, maxCount: count }).expect(201);
    await t.admin().put('/v1/admin/scheduler', { weigher: 'pack', cpuAllocationRatio: 1 }).expect(200);
    const nano = (await run('t3.nano', 20)).body.instances[0].instanceId; // 2 vCPUs, 0.5 GiB each: CPU 36 % of the limits, memory 2 %
    const cpuHeavy = (await onHost(hosts[0])).includes(nano) ? hosts[0] : hosts[1];
    const balanced = cpuHeavy === hosts[0] ? hosts[1] : hosts[0];
    expect((await onHost(cpuHeavy)).length).toBe(20);
    await t.admin().put('/v1/admin/scheduler', { weigher: 'spread' }).expect(200);
    const big = (await run('m5.8xlarge')).body.instances[0].instanceId; // 29 % CPU, 25 % memory
    expect(await onHost(balanced)).toEqual([big]);
    // An m5.large takes 2 of 112 cores and 8 GiB. Slots left for it: 36 on the CPU-heavy host
    // (limits bind), 38 on the other (reservations bind): pack takes the CPU-heavy one, balance
    // the one whose shares (29 % CPU, 25 % memory) stay close.
    const res = await t.admin().put('/v1/admin/scheduler', { weigher: 'balance', avoidViolationsWithinMs: 600_000 }).expect(200);
    expect(res.body).toMatchObject({ weigher: 'balance', avoidViolationsWithinMs: 600_000 });
    const byBalance = (await run('m5.large')).body.instances[0].instanceId;
    expect(await onHost(balanced)).toContain(byBalance);
    await t.admin().put('/v1/admin/scheduler', { weigher: 'pack' }).expect(200);
    const byPack = (await run('m5.large')).body.instances[0].instanceId;
    expect(await onHost(cpuHeavy)).toContain(byPack);
    await t.admin().put('/v1/admin/scheduler', { weigher: 'balance', cpuAllocationRatio: 2 }).expect(200);
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
