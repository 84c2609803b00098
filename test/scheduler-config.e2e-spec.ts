import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const DEFAULTS = { weigher: 'pack', cpuAllocationRatio: 2, ramAllocationRatio: 1 };

/*
 * One m5 host: 512 GiB less an 8 GiB hypervisor reserve = 516,096 MiB for guests; 112 hardware
 * threads (109.76 cores after the VMM's 2 %). A t3.2xlarge is 8 vCPUs and 32 GiB, reserves only its
 * 0.4-per-vCPU baseline (3.2 cores) and takes 32,768 + 64 MiB (the VMM's per-VM overhead):
 * - RAM ratio 1:   ⌊516,096 / 32,832⌋ = 15 fit (memory binds first);
 * - RAM ratio 1.5: ⌊774,144 / 32,832⌋ = 23;
 * - RAM ratio 2:   memory would take 31, but the limits (8 vCPUs each, ≤ 112 threads × CPU ratio 2) stop at 28.
 */
const GUEST_MIB = 512 * 1024 - 8 * 1024;
const FOOTPRINT_MIB = 32 * 1024 + 64;
const fitting = (ramRatio: number) => Math.min(Math.floor((GUEST_MIB * ramRatio) / FOOTPRINT_MIB), Math.floor((112 * 2) / 8));

/**
 * `GET/PUT /v1/admin/scheduler` (docs/model.md §3.2, §4): the allocation ratios, with overrides per host
 * type and per availability zone (a host type's wins over its zone's, which wins over the default).
 * A RAM ratio above 1 lets more memory be placed on the hosts it applies to, and only on them;
 * invalid settings are 400 and change nothing; the settings survive a restart and keep deciding
 * placement after it.
 */
describe('scheduler settings', () => {
  let t: TestApp;
  let key: string;
  let host: string;

  const config = async () => (await t.admin().get('/v1/admin/scheduler').expect(200)).body;
  const put = (body: unknown) => t.admin().put('/v1/admin/scheduler', body as object);
  const launch = (count: number) =>
    t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.2xlarge', availabilityZone: 'us-east-1a', minCount: 1, maxCount: count });
  const onHost = async () => (await t.admin().get(`/v1/admin/hosts/${host}`).expect(200)).body.allocated.instances as number;
  /** Launches as many as fit (up to 100): how many it got. */
  const fill = async () => (await launch(100).expect(201)).body.instances.length as number;

  beforeAll(async () => {
    t = await startApp();
    [host] = await t.hosts('m5-host', 'us-east-1a', 1);
    ({ key } = await t.tenant('memory-hungry', { onDemandVcpus: 10_000 }));
  });
  afterAll(() => t.close());

  it('GET answers the defaults: pack, CPU ratio 2, RAM ratio 1 (no memory oversubscription)', async () => {
    expect(await config()).toEqual(DEFAULTS);
  });

  it('with RAM ratio 1 the host takes what its memory holds, then launches fail with InsufficientInstanceCapacity naming the zone', async () => {
    expect(await fill()).toBe(fitting(1));
    expect(fitting(1)).toBe(15);
    const err = expectError(await launch(1), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('us-east-1a');
    expect(await onHost()).toBe(15);
  });

  it('a RAM ratio for another host type changes nothing here', async () => {
    const res = await put({ overrides: { hostTypes: { 'm5-xen-pv-host': { ramAllocationRatio: 2 } } } }).expect(200);
    expect(res.body).toEqual({ ...DEFAULTS, overrides: { hostTypes: { 'm5-xen-pv-host': { ramAllocationRatio: 2 } } } });
    expectError(await launch(1), 503, 'InsufficientInstanceCapacity');
  });

  it('RAM ratio 1.5 for this host type: 8 more fit; its zone\'s ratio 2 does not override the host type\'s', async () => {
    const overrides = { hostTypes: { 'm5-host': { ramAllocationRatio: 1.5 } }, availabilityZones: { 'us-east-1a': { ramAllocationRatio: 2 } } };
    const res = await put({ overrides }).expect(200);
    expect(res.body).toEqual({ ...DEFAULTS, overrides });
    expect(await config()).toEqual({ ...DEFAULTS, overrides });
    expect(await fill()).toBe(fitting(1.5) - fitting(1));
    expect(await onHost()).toBe(23);
    expectError(await launch(1), 503, 'InsufficientInstanceCapacity');
  });

  it('RAM ratio 2 for this host type: more fit, until the CPU limit ratio binds (28 = 112 threads × 2 / 8 vCPUs)', async () => {
    await put({ overrides: { hostTypes: { 'm5-host': { ramAllocationRatio: 2 } } } }).expect(200);
    expect(await fill()).toBe(fitting(2) - fitting(1.5));
    expect(await onHost()).toBe(28);
    expectError(await launch(1), 503, 'InsufficientInstanceCapacity');
    // the host reports its overcommit (once its VMM has run: the clock is manual)
    await t.advance(1);
    const detail = (await t.admin().get(`/v1/admin/hosts/${host}`).expect(200)).body;
    expect(detail.utilization.memory).toMatchObject({ overcommitRatio: 2, configuredMiB: 28 * 32 * 1024 });
  });

  it('a partial PUT changes only what it names; the overrides are replaced as a whole when given', async () => {
    const before = await config();
    const res = await put({ cpuAllocationRatio: 3 }).expect(200);
    expect(res.body).toEqual({ ...before, cpuAllocationRatio: 3 });
    await put({ weigher: 'spread' }).expect(200);
    expect(await config()).toEqual({ ...before, cpuAllocationRatio: 3, weigher: 'spread' });
    await put({ cpuAllocationRatio: 2, weigher: 'pack' }).expect(200);
    expect(await config()).toEqual(before);
  });

  describe('invalid settings: 400, and nothing changes', () => {
    it.each([
      ['a RAM ratio of 0', { ramAllocationRatio: 0 }],
      ['a RAM ratio above 64', { ramAllocationRatio: 65 }],
      ['a negative CPU ratio', { cpuAllocationRatio: -1 }],
      ['a CPU ratio of 0', { cpuAllocationRatio: 0 }],
      ['a ratio given as a string', { ramAllocationRatio: '2' }],
      ['a ratio of null', { ramAllocationRatio: null }],
      ['an unknown weigher', { weigher: 'random' }],
      ['an unknown setting', { ramOvercommit: 2 }],
      ['an unknown host type', { overrides: { hostTypes: { 'x9-host': { ramAllocationRatio: 2 } } } }],
      ['an unknown zone', { overrides: { availabilityZones: { 'us-west-9z': { ramAllocationRatio: 2 } } } }],
      ['an override above 64', { overrides: { hostTypes: { 'm5-host': { ramAllocationRatio: 65 } } } }],
      ['an override of 0', { overrides: { availabilityZones: { 'us-east-1a': { cpuAllocationRatio: 0 } } } }],
      ['an override as a string', { overrides: { hostTypes: { 'm5-host': { ramAllocationRatio: '1.5' } } } }],
      ['an unknown setting in an override', { overrides: { hostTypes: { 'm5-host': { diskRatio: 2 } } } }],
      ['an unknown override scope', { overrides: { racks: { r1: { ramAllocationRatio: 2 } } } }],
      ['an override that is not an object', { overrides: { hostTypes: { 'm5-host': 2 } } }],
      ['overrides that are a list', { overrides: [] }],
      ['a valid setting beside an invalid one', { cpuAllocationRatio: 4, ramAllocationRatio: 0 }],
    ])('%s', async (_, body) => {
      const before = await config();
      expectError(await put(body), 400, 'InvalidParameterValue');
      expect(await config()).toEqual(before);
    });

    it('a body that is a list', async () => {
      const before = await config();
      expectError(await put([{ ramAllocationRatio: 2 }]), 400, 'InvalidParameterValue');
      expect(await config()).toEqual(before);
    });

    it('the bounds themselves are accepted: just above 0, and 64', async () => {
      const before = await config();
      await put({ cpuAllocationRatio: 64, overrides: { availabilityZones: { 'us-east-1b': { ramAllocationRatio: 0.5 } } } }).expect(200);
      await put({ cpuAllocationRatio: before.cpuAllocationRatio, overrides: before.overrides }).expect(200);
      expect(await config()).toEqual(before);
    });

    it('a tenant key is 403', async () => {
      expectError(await t.as(key).get('/v1/admin/scheduler'), 403, 'UnauthorizedOperation');
      expectError(await t.as(key).put('/v1/admin/scheduler', { ramAllocationRatio: 64 }), 403, 'UnauthorizedOperation');
    });
  });

  it('the settings survive a restart, and keep deciding placement after it', async () => {
    const before = await config();
    expect(before.overrides).toEqual({ hostTypes: { 'm5-host': { ramAllocationRatio: 2 } } });
    t = await t.restart();
    expect(await config()).toEqual(before);
    expect(await onHost()).toBe(28);
    expectError(await launch(1), 503, 'InsufficientInstanceCapacity');

    // one leaves; with the restored ratio of 2 another fits (with ratio 1 none would: 27 > 15)
    const { instances } = (await t.as(key).get('/v1/instances').query({ maxResults: 5 }).expect(200)).body;
    await t.as(key).delete(`/v1/instances/${instances[0].instanceId}`).expect(200);
    await t.advance(10);
    expect(await onHost()).toBe(27);
    expect(await fill()).toBe(1);

    // and back to ratio 1: nothing more fits until enough leave
    await put({ overrides: {} }).expect(200);
    t = await t.restart();
    expect(await config()).toEqual({ ...DEFAULTS, overrides: {} });
    expectError(await launch(1), 503, 'InsufficientInstanceCapacity');
  });
});
