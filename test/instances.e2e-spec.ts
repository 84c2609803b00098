import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const INSTANCE_ID = /^i-[0-9a-f]{17}$/;
const RESERVATION_ID = /^r-[0-9a-f]{17}$/;
const MISSING_ID = 'i-0123456789abcdef0';

interface InstanceView {
  instanceId: string;
  reservationId: string;
  instanceType: string;
  availabilityZone: string;
  state: { name: string; code: number };
  tags: Record<string, string>;
  [k: string]: unknown;
}

/**
 * RunInstances and the instance routes: validation, placement (all-or-nothing, zones, capacity),
 * the vCPU quota, list filters and pagination, the EC2 lifecycle in right and wrong states, tags.
 *
 * Fleet: m5 hosts in us-east-1a and us-east-1b (room for everything m5/t3 here), three r5 hosts in
 * us-east-1c (one r5.24xlarge each) and one c5 host in us-east-1b (one c5.24xlarge).
 */
describe('instances', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 2);
    await t.hosts('r5-host', 'us-east-1c', 3);
    await t.hosts('c5-host', 'us-east-1b', 1);
  });
  afterAll(() => t.close());

  const run = (key: string, body: object) => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', ...body });
  const launch = async (key: string, body: object = {}): Promise<InstanceView[]> => (await run(key, body).expect(201)).body.instances;
  const launchOne = async (key: string, body: object = {}): Promise<string> => (await launch(key, body))[0].instanceId;
  const get = async (key: string, id: string): Promise<InstanceView> => (await t.as(key).get(`/v1/instances/${id}`).expect(200)).body;
  const stateOf = async (key: string, id: string) => (await get(key, id)).state.name;
  const list = async (key: string, query: Record<string, string | number> = {}): Promise<{ instances: InstanceView[]; nextToken?: string }> =>
    (await t.as(key).get('/v1/instances').query(query).expect(200)).body;
  const listIds = async (key: string, query: Record<string, string | number> = {}) => (await list(key, query)).instances.map((i) => i.instanceId).sort();
  const clockNow = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body.now as string;
  const hostsIn = async (query: Record<string, string>) => (await t.admin().get('/v1/admin/hosts').query(query).expect(200)).body.hosts;
  const action = (key: string, id: string, verb: 'start' | 'stop' | 'reboot' | 'terminate') =>
    verb === 'terminate' ? t.as(key).delete(`/v1/instances/${id}`) : t.as(key).post(`/v1/instances/${id}/${verb}`);
  const transition = (id: string, previous: string, current: string) => {
    const codes: Record<string, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };
    return { instanceId: id, previousState: { name: previous, code: codes[previous] }, currentState: { name: current, code: codes[current] } };
  };

  describe('POST /v1/instances', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('runner'));
    });

    it('answers 201 with a reservation of pending instances in the EC2 shape', async () => {
      const now = await clockNow();
      const res = await run(key, { availabilityZone: 'us-east-1a', tags: { Name: 'web-1' } }).expect(201);
      expect(Object.keys(res.body).sort()).toEqual(['instances', 'reservationId']);
      expect(res.body.reservationId).toMatch(RESERVATION_ID);
      expect(res.body.instances).toEqual([
        {
          instanceId: expect.stringMatching(INSTANCE_ID),
          reservationId: res.body.reservationId,
          imageId: LINUX_AMI,
          instanceType: 'm5.large',
          state: { name: 'pending', code: 0 },
          availabilityZone: 'us-east-1a',
          launchTime: now,
          platform: 'linux',
          tenancy: 'default',
          cpu: { reservation: 2, limit: 2, weight: 2048 },
          maintenanceOptions: { autoRecovery: 'default' },
          disableApiTermination: false, disableApiStop: false, instanceInitiatedShutdownBehavior: 'stop', ebsOptimized: false,
          statusCheck: 'ok',
          volumes: [],
          // Its network: the tenant's default VPC and us-east-1a's default subnet (172.31.0.0/20), whose first free address it takes.
          vpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
          subnetId: expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
          privateIpAddress: '172.31.0.4',
          privateDnsName: 'ip-172-31-0-4.ec2.internal',
          publicIpAddress: expect.stringMatching(/^3\.\d+\.\d+\.\d+$/),
          publicDnsName: expect.stringMatching(/^ec2-3-\d+-\d+-\d+\.compute-1\.amazonaws\.com$/),
          securityGroups: [{ groupId: expect.stringMatching(/^sg-[0-9a-f]{17}$/), groupName: 'default' }],
          sourceDestCheck: true,
          networkInterfaces: [expect.objectContaining({ deviceIndex: 0, privateIpAddress: '172.31.0.4', deleteOnTermination: true })],
          tags: { Name: 'web-1' },
        },
      ]);
      const id = res.body.instances[0].instanceId;
      expect(await get(key, id)).toEqual(res.body.instances[0]);
    });

    it('gives burstable types a credit specification (unlimited by default, as EC2 launches T3) and their baseline reservation', async () => {
      const [byDefault] = await launch(key, { instanceType: 't3.micro' });
      expect(byDefault).toMatchObject({ instanceType: 't3.micro', creditSpecification: 'unlimited', cpu: { reservation: 0.2, limit: 2, weight: 2048 } });
      const [standard] = await launch(key, { instanceType: 't3.micro', creditSpecification: 'standard' });
      expect(standard.creditSpecification).toBe('standard');
      const [m5] = await launch(key);
      expect(m5).not.toHaveProperty('creditSpecification');
    });

    it('takes cpu options within what the type sells', async () => {
      const [i] = await launch(key, { instanceType: 'm5.xlarge', cpu: { reservation: 1.5, limit: 3, weight: 8192 } });
      expect(i.cpu).toEqual({ reservation: 1.5, limit: 3, weight: 8192 });
    });

    it('places in the requested zone, and puts all instances of one request in one zone', async () => {
      const inB = await launch(key, { availabilityZone: 'us-east-1b', minCount: 3, maxCount: 3 });
      expect(inB.map((i) => i.availabilityZone)).toEqual(['us-east-1b', 'us-east-1b', 'us-east-1b']);
      const anywhere = await launch(key, { minCount: 4, maxCount: 4 });
      expect(new Set(anywhere.map((i) => i.availabilityZone)).size).toBe(1);
      // Only us-east-1a and us-east-1b have hosts that run m5.
      expect(['us-east-1a', 'us-east-1b']).toContain(anywhere[0].availabilityZone);
      expect(new Set(anywhere.map((i) => i.reservationId)).size).toBe(1);
      expect(new Set(anywhere.map((i) => i.instanceId)).size).toBe(4);
    });

    it('chooses the only zone that has hosts for the family when none is requested', async () => {
      const { key: big } = await t.tenant('r5-zone', { onDemandVcpus: 1000 });
      const [i] = await launch(big, { instanceType: 'r5.large' });
      expect(i.availabilityZone).toBe('us-east-1c');
      await action(big, i.instanceId, 'terminate').expect(200);
      await t.advance(10);
    });

    it('answers 503 InsufficientInstanceCapacity naming the zone when the requested zone has no host for the family', async () => {
      const err = expectError(await run(key, { availabilityZone: 'us-east-1c' }), 503, 'InsufficientInstanceCapacity');
      expect(err.message).toContain('us-east-1c');
      expect(err.message).toContain('m5.large');
    });

    it('applies tags given at launch to every instance', async () => {
      const instances = await launch(key, { minCount: 2, maxCount: 2, tags: { env: 'prod', 'cost center': '42', empty: '' } });
      for (const i of instances) {
        expect(i.tags).toEqual({ env: 'prod', 'cost center': '42', empty: '' });
        expect((await get(key, i.instanceId)).tags).toEqual({ env: 'prod', 'cost center': '42', empty: '' });
      }
    });

    it('answers the same reservation id and the same instances in the list', async () => {
      const res = (await run(key, { minCount: 2, maxCount: 2, tags: { batch: 'listed' } }).expect(201)).body;
      const listed = (await list(key, { 'tag:batch': 'listed' })).instances;
      expect(listed.map((i) => i.instanceId).sort()).toEqual(res.instances.map((i: InstanceView) => i.instanceId).sort());
      for (const i of listed) expect(i.reservationId).toBe(res.reservationId);
    });
  });

  describe('all-or-nothing capacity (three r5 hosts in us-east-1c, one r5.24xlarge each)', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('capacity', { onDemandVcpus: 2000 }));
    });

    const r5Allocations = async () => (await hostsIn({ hostType: 'r5-host' })).map((h: { allocated: { instances: number } }) => h.allocated.instances);

    it('min 4 with room for 3: 503 naming the zone, and nothing is created', async () => {
      const inZone = expectError(await run(key, { instanceType: 'r5.24xlarge', minCount: 4, maxCount: 4, availabilityZone: 'us-east-1c' }), 503, 'InsufficientInstanceCapacity');
      expect(inZone.message).toContain('us-east-1c');
      expect(inZone.message).toContain('r5.24xlarge');
      const anywhere = expectError(await run(key, { instanceType: 'r5.24xlarge', minCount: 4, maxCount: 6 }), 503, 'InsufficientInstanceCapacity');
      expect(anywhere.message).toContain('us-east-1c');
      expect(await listIds(key)).toEqual([]);
      expect(await r5Allocations()).toEqual([0, 0, 0]);
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(0);
    });

    it('min 2 max 5 with room for 3: exactly 3, one per host; then the zone is full', async () => {
      const instances = await launch(key, { instanceType: 'r5.24xlarge', minCount: 2, maxCount: 5 });
      expect(instances).toHaveLength(3);
      expect(instances.map((i) => i.availabilityZone)).toEqual(['us-east-1c', 'us-east-1c', 'us-east-1c']);
      expect(await listIds(key)).toEqual(instances.map((i) => i.instanceId).sort());
      expect(await r5Allocations()).toEqual([1, 1, 1]);
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(288);
      const full = expectError(await run(key, { instanceType: 'r5.24xlarge' }), 503, 'InsufficientInstanceCapacity');
      expect(full.message).toContain('us-east-1c');
      expect(await listIds(key)).toHaveLength(3);
      for (const i of instances) await action(key, i.instanceId, 'terminate').expect(200);
      await t.advance(10);
      expect(await r5Allocations()).toEqual([0, 0, 0]);
    });
  });

  describe('invalid requests: 400/404 and nothing is created', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('invalid'));
    });
    afterAll(async () => {
      expect(await listIds(key)).toEqual([]);
    });

    it('an unknown instanceType is 400 InvalidParameterValue naming it', async () => {
      expect(expectError(await run(key, { instanceType: 'x9.huge' }), 400, 'InvalidParameterValue').message).toContain('x9.huge');
    });

    it('an unknown imageId is 404 InvalidAMIID.NotFound naming it', async () => {
      expect(expectError(await run(key, { imageId: 'ami-0000000000000dead' }), 404, 'InvalidAMIID.NotFound').message).toContain('ami-0000000000000dead');
    });

    it('minCount above maxCount is 400', async () => {
      expectError(await run(key, { minCount: 3, maxCount: 2 }), 400, 'InvalidParameterValue');
    });

    it('an unknown availability zone is 400 naming it', async () => {
      expect(expectError(await run(key, { availabilityZone: 'us-west-2a' }), 400, 'InvalidParameterValue').message).toContain('us-west-2a');
    });

    it('an unknown field is 400 ValidationError naming it', async () => {
      expect(expectError(await run(key, { instanceCount: 2 }), 400, 'ValidationError').message).toContain('instanceCount');
      expectError(await run(key, { cpu: { cores: 2 } }), 400, 'ValidationError');
    });

    it.each([
      ['minCount as a string', { minCount: '2' }],
      ['maxCount fractional', { maxCount: 1.5 }],
      ['maxCount 0', { maxCount: 0 }],
      ['minCount 0', { minCount: 0 }],
      ['maxCount above 1000', { maxCount: 1001 }],
      ['imageId as a number', { imageId: 42 }],
      ['instanceType as null', { instanceType: null }],
      ['tags as a string', { tags: 'env=prod' }],
      ['tags as an array', { tags: [{ key: 'env', value: 'prod' }] }],
      ['cpu as a number', { cpu: 2 }],
      ['availabilityZone as a number', { availabilityZone: 1 }],
      ['an unknown creditSpecification', { instanceType: 't3.micro', creditSpecification: 'turbo' }],
      ['an unsupported tenancy value', { tenancy: 'shared' }],
    ])('wrong type: %s is 400 ValidationError', async (_, body) => {
      expectError(await run(key, body), 400, 'ValidationError');
    });

    it('a missing imageId or instanceType is 400 MissingParameter naming it', async () => {
      const noImage = await t.as(key).post('/v1/instances', { instanceType: 'm5.large' });
      expect(expectError(noImage, 400, 'MissingParameter').message).toContain('imageId');
      const noType = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI });
      expect(expectError(noType, 400, 'MissingParameter').message).toContain('instanceType');
      expectError(await t.as(key).post('/v1/instances', {}), 400, 'MissingParameter');
    });

    it('creditSpecification on a fixed-performance type is 400 InvalidParameterCombination', async () => {
      expectError(await run(key, { instanceType: 'm5.large', creditSpecification: 'unlimited' }), 400, 'InvalidParameterCombination');
    });

    it.each([
      ['cpu.limit above the vCPUs', { cpu: { limit: 3 } }],
      ['cpu.reservation above what the type reserves', { cpu: { reservation: 2.5 } }],
      ['cpu.limit below cpu.reservation', { cpu: { reservation: 1.5, limit: 1 } }],
      ['cpu.weight below the type\'s default', { cpu: { weight: 1024 } }],
      ['a t3 reservation above its baseline', { instanceType: 't3.micro', cpu: { reservation: 1 } }],
    ])('%s is 400 InvalidParameterValue', async (_, body) => {
      expect(expectError(await run(key, body), 400, 'InvalidParameterValue').message).toMatch(/cpu\./);
    });

    it.each([
      ['a key with the aws: prefix', { 'aws:cloudformation:stack': 'x' }],
      ['a key with the AWS: prefix in upper case', { 'AWS:owner': 'x' }],
      ['a key of 129 characters', { ['k'.repeat(129)]: 'v' }],
      ['a value of 257 characters', { k: 'v'.repeat(257) }],
      ['a numeric value', { k: 1 }],
    ])('tags with %s are 400 InvalidParameterValue', async (_, tags) => {
      expectError(await run(key, { tags }), 400, 'InvalidParameterValue');
    });

    it('51 tags are 400 TagLimitExceeded (EC2: at most 50 a resource), and launch nothing', async () => {
      const { key: many } = await t.tenant('fifty-one-tags');
      expectError(await run(many, { tags: Object.fromEntries(Array.from({ length: 51 }, (_, n) => [`k${n}`, 'v'])) }), 400, 'TagLimitExceeded');
      expect(await listIds(many)).toEqual([]);
    });

    it('a NUL character in a tag is 400 InvalidParameterValue, and launches nothing', async () => {
      const { key: nul } = await t.tenant('nul-tag');
      // No parameter accepts a NUL (PostgreSQL could not store it): refused before any controller.
      expectError(await run(nul, { tags: { note: 'a\u0000b' } }), 400, 'InvalidParameterValue');
      expect(await listIds(nul)).toEqual([]);
      expect((await t.as(nul).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(0);
    });

    it('50 tags, a 128-character key and a 256-character value are accepted', async () => {
      const tags = Object.fromEntries(Array.from({ length: 48 }, (_, n) => [`k${n}`, 'v']));
      tags['k'.repeat(128)] = 'v';
      tags.long = 'v'.repeat(256);
      const { key: ok } = await t.tenant('fifty-tags');
      const [i] = await launch(ok, { tags });
      expect(Object.keys(i.tags)).toHaveLength(50);
      expect((await get(ok, i.instanceId)).tags).toEqual(tags);
    });
  });

  describe('the vCPU quota', () => {
    it('quota 4: two m5.large fit, a third is 400 VcpuLimitExceeded naming the limit; a stop frees it once stopped', async () => {
      const { key } = await t.tenant('quota-4', { onDemandVcpus: 4 });
      const a = await launchOne(key);
      await launchOne(key);
      const err = expectError(await run(key, {}), 400, 'VcpuLimitExceeded');
      expect(err.message).toMatch(/limit/i);
      expect(err.message).toMatch(/\b4\b/);
      expect(await listIds(key)).toHaveLength(2);

      await t.advance(15);
      await action(key, a, 'stop').expect(200);
      // stopping still holds the host and the vCPUs
      expectError(await run(key, {}), 400, 'VcpuLimitExceeded');
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 4, used: 4 });
      await t.advance(10);
      expect(await stateOf(key, a)).toBe('stopped');
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 4, used: 2 });
      await launchOne(key);
      // now the stopped one cannot start: the quota is used up again
      expectError(await action(key, a, 'start'), 400, 'VcpuLimitExceeded');
      expect(await stateOf(key, a)).toBe('stopped');
    });

    it('maxCount is trimmed to what the quota allows, never below minCount', async () => {
      const { key } = await t.tenant('quota-trim', { onDemandVcpus: 6 });
      expect(await launch(key, { minCount: 1, maxCount: 10 })).toHaveLength(3);
      const { key: k2 } = await t.tenant('quota-min', { onDemandVcpus: 6 });
      expectError(await run(k2, { minCount: 4, maxCount: 10 }), 400, 'VcpuLimitExceeded');
      expect(await listIds(k2)).toEqual([]);
    });

    it('a quota lowered below use refuses new launches; a zero quota refuses everything', async () => {
      const { tenantId, key } = await t.tenant('quota-lowered');
      await launch(key, { instanceType: 'm5.xlarge' });
      await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { onDemandVcpus: 2 } }).expect(200);
      expectError(await run(key, { instanceType: 't3.nano' }), 400, 'VcpuLimitExceeded');
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus).toEqual({ limit: 2, used: 4 });
      const { key: zero } = await t.tenant('quota-zero', { onDemandVcpus: 0 });
      expectError(await run(zero, { instanceType: 't3.nano' }), 400, 'VcpuLimitExceeded');
    });
  });

  describe('GET /v1/quotas', () => {
    it('used follows launches, stops, starts and terminations; limit follows the tenant', async () => {
      const { tenantId, key } = await t.tenant('quota-view');
      const used = async () => (await t.as(key).get('/v1/quotas').expect(200)).body;
      expect(await used()).toEqual({ onDemandVcpus: { limit: 64, used: 0 }, provisionedIops: { limit: 100000, used: 0 } });
      const big = await launchOne(key, { instanceType: 'm5.xlarge' });
      expect((await used()).onDemandVcpus).toEqual({ limit: 64, used: 4 });
      const small = await launchOne(key, { instanceType: 't3.micro' });
      expect((await used()).onDemandVcpus.used).toBe(6);
      await t.advance(15);
      await action(key, big, 'stop').expect(200);
      expect((await used()).onDemandVcpus.used).toBe(6);
      await t.advance(10);
      expect((await used()).onDemandVcpus.used).toBe(2);
      await action(key, big, 'start').expect(200);
      expect((await used()).onDemandVcpus.used).toBe(6);
      await action(key, small, 'terminate').expect(200);
      expect((await used()).onDemandVcpus.used).toBe(6); // shutting-down still holds its host
      await t.advance(10);
      expect((await used()).onDemandVcpus.used).toBe(4);
      await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { onDemandVcpus: 32 } }).expect(200);
      expect((await used()).onDemandVcpus).toEqual({ limit: 32, used: 4 });
    });
  });

  describe('GET /v1/instances filters', () => {
    let key: string;
    let a: string;
    let b: string;
    let c: string;
    let d: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('filters'));
      a = await launchOne(key, { availabilityZone: 'us-east-1a', tags: { env: 'prod', team: 'web', Name: 'web 1' } });
      b = await launchOne(key, { instanceType: 'm5.xlarge', availabilityZone: 'us-east-1b', tags: { env: 'prod' } });
      c = await launchOne(key, { availabilityZone: 'us-east-1b', tags: { env: 'dev', team: 'web' } });
      d = await launchOne(key, { instanceType: 't3.micro', availabilityZone: 'us-east-1a' });
      await t.advance(15);
      await action(key, c, 'stop').expect(200);
      await t.advance(10);
    });
    const sorted = (...ids: string[]) => [...ids].sort();

    it('without filters lists every instance, ordered by id', async () => {
      const all = (await list(key)).instances.map((i) => i.instanceId);
      expect(all).toEqual(sorted(a, b, c, d));
      expect((await list(key)).nextToken).toBeUndefined();
    });

    it('by state', async () => {
      expect(await listIds(key, { state: 'running' })).toEqual(sorted(a, b, d));
      expect(await listIds(key, { state: 'stopped' })).toEqual([c]);
      expect(await listIds(key, { state: 'pending' })).toEqual([]);
    });

    it('by instanceType and availabilityZone', async () => {
      expect(await listIds(key, { instanceType: 'm5.large' })).toEqual(sorted(a, c));
      expect(await listIds(key, { instanceType: 'r5.large' })).toEqual([]);
      expect(await listIds(key, { availabilityZone: 'us-east-1b' })).toEqual(sorted(b, c));
      expect(await listIds(key, { availabilityZone: 'us-east-1c' })).toEqual([]);
    });

    it('by tag:<key>=<value>, with spaces in the value, and never by key alone', async () => {
      expect(await listIds(key, { 'tag:env': 'prod' })).toEqual(sorted(a, b));
      expect(await listIds(key, { 'tag:team': 'web' })).toEqual(sorted(a, c));
      expect(await listIds(key, { 'tag:Name': 'web 1' })).toEqual([a]);
      expect(await listIds(key, { 'tag:env': 'staging' })).toEqual([]);
      expect(await listIds(key, { 'tag:nope': 'prod' })).toEqual([]);
    });

    it('combined: every filter must match', async () => {
      expect(await listIds(key, { state: 'running', availabilityZone: 'us-east-1b' })).toEqual([b]);
      expect(await listIds(key, { instanceType: 'm5.large', 'tag:env': 'prod' })).toEqual([a]);
      expect(await listIds(key, { 'tag:env': 'prod', 'tag:team': 'web' })).toEqual([a]);
      expect(await listIds(key, { 'tag:team': 'web', state: 'stopped', availabilityZone: 'us-east-1b', instanceType: 'm5.large' })).toEqual([c]);
      expect(await listIds(key, { 'tag:env': 'dev', state: 'running' })).toEqual([]);
    });

    it('the listed instances carry their tags and states', async () => {
      const byId = new Map((await list(key)).instances.map((i) => [i.instanceId, i]));
      expect(byId.get(a)!.tags).toEqual({ env: 'prod', team: 'web', Name: 'web 1' });
      expect(byId.get(d)!.tags).toEqual({});
      expect(byId.get(c)!.state).toEqual({ name: 'stopped', code: 80 });
      expect(byId.get(b)!.state).toEqual({ name: 'running', code: 16 });
    });

    it('a filter value with a NUL character matches nothing (or is 400), never a 500', async () => {
      for (const query of [{ instanceType: 'm5\u0000large' }, { availabilityZone: '\u0000' }, { 'tag:env': 'prod\u0000' }]) {
        const res = await t.as(key).get('/v1/instances').query(query);
        expect({ query, status: res.status }).toEqual({ query, status: res.status === 400 ? 400 : 200 });
        if (res.status === 200) expect(res.body.instances).toEqual([]);
      }
    });

    it('an unknown state or an unknown query parameter is 400', async () => {
      expectError(await t.as(key).get('/v1/instances').query({ state: 'sleeping' }), 400, 'ValidationError');
      expectError(await t.as(key).get('/v1/instances').query({ owner: 'me' }), 400, 'ValidationError');
    });
  });

  describe('GET /v1/instances pagination', () => {
    let key: string;
    let all: string[];
    beforeAll(async () => {
      ({ key } = await t.tenant('pages'));
      const first = await launch(key, { minCount: 6, maxCount: 6, tags: { half: 'a' } });
      const second = await launch(key, { minCount: 6, maxCount: 6, tags: { half: 'b' } });
      all = [...first, ...second].map((i) => i.instanceId).sort();
      for (const id of all.slice(0, 5)) await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { five: 'yes' } }).expect(200);
    });

    it('maxResults 5 over 12: pages of 5, 5 and 2, chained by nextToken, no duplicates and no gaps', async () => {
      const p1 = await list(key, { maxResults: 5 });
      expect(p1.instances).toHaveLength(5);
      expect(typeof p1.nextToken).toBe('string');
      const p2 = await list(key, { maxResults: 5, nextToken: p1.nextToken! });
      expect(p2.instances).toHaveLength(5);
      expect(typeof p2.nextToken).toBe('string');
      const p3 = await list(key, { maxResults: 5, nextToken: p2.nextToken! });
      expect(p3.instances).toHaveLength(2);
      expect(p3).not.toHaveProperty('nextToken');
      const seen = [...p1.instances, ...p2.instances, ...p3.instances].map((i) => i.instanceId);
      expect(seen).toEqual(all);
    });

    it('pages keep the filters, and a last page exactly full has no nextToken', async () => {
      const p1 = await list(key, { maxResults: 5, 'tag:half': 'b' });
      expect(p1.instances).toHaveLength(5);
      const p2 = await list(key, { maxResults: 5, 'tag:half': 'b', nextToken: p1.nextToken! });
      expect(p2.instances).toHaveLength(1);
      expect(p2.nextToken).toBeUndefined();
      expect([...p1.instances, ...p2.instances].every((i) => i.tags.half === 'b')).toBe(true);
      const exact = await list(key, { maxResults: 5, 'tag:five': 'yes' });
      expect(exact.instances.map((i) => i.instanceId)).toEqual(all.slice(0, 5));
      expect(exact.nextToken).toBeUndefined();
    });

    it('an instance launched between pages appears on a later page only if its id sorts after the token', async () => {
      const p1 = await list(key, { maxResults: 5 });
      const extra = await launchOne(key, { tags: { late: 'yes' } });
      const rest: string[] = [];
      let token = p1.nextToken;
      while (token) {
        const page = await list(key, { maxResults: 5, nextToken: token });
        rest.push(...page.instances.map((i) => i.instanceId));
        token = page.nextToken;
      }
      const seen = [...p1.instances.map((i) => i.instanceId), ...rest];
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.filter((id) => id !== extra)).toEqual(all);
      await action(key, extra, 'terminate').expect(200);
    });

    it('maxResults below 5, above 1000 or not a number is 400; a garbage nextToken is 400', async () => {
      for (const maxResults of ['4', '1001', '0', '-5', 'ten', '5.5']) {
        expectError(await t.as(key).get('/v1/instances').query({ maxResults }), 400, 'ValidationError');
      }
      for (const nextToken of ['garbage', 'eyJhZnRlciI6MX0', Buffer.from(JSON.stringify({ after: "i-0' OR 1=1" })).toString('base64url')]) {
        expectError(await t.as(key).get('/v1/instances').query({ nextToken }), 400, 'InvalidPaginationToken');
      }
      // the bounds themselves are fine
      expect((await list(key, { maxResults: 1000 })).instances.length).toBeGreaterThanOrEqual(12);
    });
  });

  describe('GET /v1/instances/{id}', () => {
    it('a malformed id is 400 InvalidInstanceID.Malformed on every instance route', async () => {
      const { key } = await t.tenant('malformed');
      for (const id of ['i-123', 'i-0123456789ABCDEF0', 'i-0123456789abcdef', 'i-0123456789abcdef01', 'vol-0123456789abcdef0', 'web-1']) {
        const err = expectError(await t.as(key).get(`/v1/instances/${id}`), 400, 'InvalidInstanceID.Malformed');
        expect(err.message).toContain(id);
      }
      const bad = 'i-xyz';
      expectError(await t.as(key).post(`/v1/instances/${bad}/start`), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(key).post(`/v1/instances/${bad}/stop`), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(key).post(`/v1/instances/${bad}/reboot`), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(key).delete(`/v1/instances/${bad}`), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(key).put(`/v1/instances/${bad}/tags`, { tags: { a: 'b' } }), 400, 'InvalidInstanceID.Malformed');
      expectError(await t.as(key).delete(`/v1/instances/${bad}/tags/a`), 400, 'InvalidInstanceID.Malformed');
    });

    it('an unknown well-formed id is 404 InvalidInstanceID.NotFound naming it, on every instance route', async () => {
      const { key } = await t.tenant('missing');
      expect(expectError(await t.as(key).get(`/v1/instances/${MISSING_ID}`), 404, 'InvalidInstanceID.NotFound').message).toContain(MISSING_ID);
      for (const verb of ['start', 'stop', 'reboot', 'terminate'] as const) expectError(await action(key, MISSING_ID, verb), 404, 'InvalidInstanceID.NotFound');
      expectError(await t.as(key).put(`/v1/instances/${MISSING_ID}/tags`, { tags: { a: 'b' } }), 404, 'InvalidInstanceID.NotFound');
      expectError(await t.as(key).delete(`/v1/instances/${MISSING_ID}/tags/a`), 404, 'InvalidInstanceID.NotFound');
    });
  });

  describe('lifecycle actions in right and wrong states', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('states'));
    });

    const expectWrongState = async (id: string, verb: 'start' | 'stop' | 'reboot', state: string) => {
      const err = expectError(await action(key, id, verb), 409, 'IncorrectInstanceState');
      expect(err.message).toContain(id);
      expect(err.message).toContain(state);
      expect(await stateOf(key, id)).toBe(state);
    };

    it('pending: stop and reboot are 409; start is a 200 no-op', async () => {
      const id = await launchOne(key);
      await expectWrongState(id, 'stop', 'pending');
      await expectWrongState(id, 'reboot', 'pending');
      expect((await action(key, id, 'start').expect(200)).body).toEqual(transition(id, 'pending', 'pending'));
      await t.advance(15);
      expect(await stateOf(key, id)).toBe('running');
    });

    it('running: start is a 200 no-op, reboot keeps it running, stop moves it to stopping', async () => {
      const id = await launchOne(key);
      await t.advance(15);
      expect((await action(key, id, 'start').expect(200)).body).toEqual(transition(id, 'running', 'running'));
      expect((await action(key, id, 'reboot').expect(200)).body).toEqual(transition(id, 'running', 'running'));
      expect(await stateOf(key, id)).toBe('running');
      expect((await action(key, id, 'stop').expect(200)).body).toEqual(transition(id, 'running', 'stopping'));
    });

    it('stopping: start and reboot are 409; stop again is a 200 no-op', async () => {
      const id = await launchOne(key);
      await t.advance(15);
      await action(key, id, 'stop').expect(200);
      await expectWrongState(id, 'start', 'stopping');
      await expectWrongState(id, 'reboot', 'stopping');
      expect((await action(key, id, 'stop').expect(200)).body).toEqual(transition(id, 'stopping', 'stopping'));
    });

    it('stopped: reboot is 409, stop is a no-op, start boots it again with a new launch time', async () => {
      const id = await launchOne(key);
      await t.advance(15);
      await action(key, id, 'stop').expect(200);
      await t.advance(9);
      expect(await stateOf(key, id)).toBe('stopping');
      await t.advance(1);
      const stopped = await get(key, id);
      expect(stopped.state).toEqual({ name: 'stopped', code: 80 });
      expect(stopped.stateReason).toEqual({ code: 'Client.UserInitiatedShutdown', message: expect.any(String) });
      await expectWrongState(id, 'reboot', 'stopped');
      expect((await action(key, id, 'stop').expect(200)).body).toEqual(transition(id, 'stopped', 'stopped'));
      await t.advance(60);
      const startedAt = await clockNow();
      expect((await action(key, id, 'start').expect(200)).body).toEqual(transition(id, 'stopped', 'pending'));
      const pending = await get(key, id);
      expect(pending.launchTime).toBe(startedAt);
      expect(pending).not.toHaveProperty('stateReason');
      await t.advance(15);
      expect(await stateOf(key, id)).toBe('running');
    });

    it('terminate twice is 200 both times; shutting-down and terminated refuse start, stop and reboot with 409', async () => {
      const id = await launchOne(key);
      await t.advance(15);
      expect((await action(key, id, 'terminate').expect(200)).body).toEqual(transition(id, 'running', 'shutting-down'));
      expect((await action(key, id, 'terminate').expect(200)).body).toEqual(transition(id, 'shutting-down', 'shutting-down'));
      for (const verb of ['start', 'stop', 'reboot'] as const) await expectWrongState(id, verb, 'shutting-down');
      await t.advance(10);
      const gone = await get(key, id);
      expect(gone.state).toEqual({ name: 'terminated', code: 48 });
      expect(gone.stateReason).toEqual({ code: 'Client.UserInitiatedShutdown', message: expect.any(String) });
      for (const verb of ['start', 'stop', 'reboot'] as const) await expectWrongState(id, verb, 'terminated');
      expect((await action(key, id, 'terminate').expect(200)).body).toEqual(transition(id, 'terminated', 'terminated'));
      expect(await listIds(key, { state: 'terminated' })).toContain(id);
    });

    it('a pending or a stopped instance can be terminated', async () => {
      const pending = await launchOne(key);
      expect((await action(key, pending, 'terminate').expect(200)).body).toEqual(transition(pending, 'pending', 'shutting-down'));
      const stopped = await launchOne(key);
      await t.advance(15);
      await action(key, stopped, 'stop').expect(200);
      await t.advance(10);
      expect((await action(key, stopped, 'terminate').expect(200)).body).toEqual(transition(stopped, 'stopped', 'shutting-down'));
      await t.advance(10);
      expect(await stateOf(key, pending)).toBe('terminated');
      expect(await stateOf(key, stopped)).toBe('terminated');
    });

    it('a terminated instance stays visible for one simulated hour, then is gone from get and list', async () => {
      const id = await launchOne(key);
      await action(key, id, 'terminate').expect(200);
      await t.advance(10);
      await t.advance(3599);
      expect(await listIds(key)).toContain(id);
      await t.advance(1);
      expectError(await t.as(key).get(`/v1/instances/${id}`), 404, 'InvalidInstanceID.NotFound');
      expectError(await action(key, id, 'terminate'), 404, 'InvalidInstanceID.NotFound');
      expect(await listIds(key)).not.toContain(id);
    });
  });

  describe('starting a stopped instance needs capacity in its zone', () => {
    it('503 InsufficientInstanceCapacity naming the zone when another instance took its host; it stays stopped', async () => {
      const { key } = await t.tenant('restart-capacity', { onDemandVcpus: 1000 });
      const x = await launchOne(key, { instanceType: 'c5.24xlarge' });
      expect((await get(key, x)).availabilityZone).toBe('us-east-1b');
      await t.advance(15);
      await action(key, x, 'stop').expect(200);
      await t.advance(10);
      const y = await launchOne(key, { instanceType: 'c5.24xlarge' });
      const err = expectError(await action(key, x, 'start'), 503, 'InsufficientInstanceCapacity');
      expect(err.message).toContain('us-east-1b');
      expect(await stateOf(key, x)).toBe('stopped');
      expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(96);

      await action(key, y, 'terminate').expect(200);
      await t.advance(10);
      expect((await action(key, x, 'start').expect(200)).body).toEqual(transition(x, 'stopped', 'pending'));
      expect((await get(key, x)).availabilityZone).toBe('us-east-1b');
      await action(key, x, 'terminate').expect(200);
      await t.advance(10);
    });
  });

  describe('tags', () => {
    let key: string;
    let id: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('tags'));
      id = await launchOne(key, { tags: { Name: 'web-1', env: 'prod' } });
    });

    it('PUT merges: new keys are added, existing keys overwritten, others kept', async () => {
      const res = await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { env: 'dev', team: 'infra' } }).expect(200);
      expect(res.body).toEqual({ tags: { Name: 'web-1', env: 'dev', team: 'infra' } });
      expect((await get(key, id)).tags).toEqual({ Name: 'web-1', env: 'dev', team: 'infra' });
      const empty = await t.as(key).put(`/v1/instances/${id}/tags`, { tags: {} }).expect(200);
      expect(empty.body.tags).toEqual({ Name: 'web-1', env: 'dev', team: 'infra' });
    });

    it('DELETE removes one key (204); deleting an absent key is 204 too; keys with spaces and slashes work', async () => {
      await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { 'cost center': '7', 'app/tier': 'front' } }).expect(200);
      const del = await t.as(key).delete(`/v1/instances/${id}/tags/team`).expect(204);
      expect(del.text).toBe('');
      await t.as(key).delete(`/v1/instances/${id}/tags/${encodeURIComponent('cost center')}`).expect(204);
      await t.as(key).delete(`/v1/instances/${id}/tags/${encodeURIComponent('app/tier')}`).expect(204);
      await t.as(key).delete(`/v1/instances/${id}/tags/never-set`).expect(204);
      expect((await get(key, id)).tags).toEqual({ Name: 'web-1', env: 'dev' });
      expect(await listIds(key, { 'tag:env': 'dev' })).toEqual([id]);
      expect(await listIds(key, { 'tag:team': 'infra' })).toEqual([]);
    });

    it('tags are per instance', async () => {
      const other = await launchOne(key, { tags: { Name: 'web-2' } });
      await t.as(key).put(`/v1/instances/${other}/tags`, { tags: { only: 'here' } }).expect(200);
      await t.as(key).delete(`/v1/instances/${other}/tags/Name`).expect(204);
      expect((await get(key, other)).tags).toEqual({ only: 'here' });
      expect((await get(key, id)).tags).toEqual({ Name: 'web-1', env: 'dev' });
    });

    it('PUT refuses invalid tags with 400 and changes nothing', async () => {
      const before = (await get(key, id)).tags;
      expectError(await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { 'aws:x': 'y' } }), 400, 'InvalidParameterValue');
      expectError(await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { ok: 'y', bad: 3 } }), 400, 'InvalidParameterValue');
      expectError(await t.as(key).put(`/v1/instances/${id}/tags`, { tags: 'Name=x' }), 400, 'ValidationError');
      expectError(await t.as(key).put(`/v1/instances/${id}/tags`, { tags: { a: 'b' }, extra: 1 }), 400, 'ValidationError');
      expectError(await t.as(key).put(`/v1/instances/${id}/tags`, {}), 400, 'MissingParameter');
      expect((await get(key, id)).tags).toEqual(before);
    });

    it('PUT that would take an instance above 50 tags is 400 TagLimitExceeded (as EC2 CreateTags), and changes nothing', async () => {
      const target = await launchOne(key, { tags: Object.fromEntries(Array.from({ length: 45 }, (_, n) => [`k${n}`, 'v'])) });
      const extra = Object.fromEntries(Array.from({ length: 6 }, (_, n) => [`new${n}`, 'v']));
      expect(expectError(await t.as(key).put(`/v1/instances/${target}/tags`, { tags: extra }), 400, 'TagLimitExceeded').message).toContain(target);
      expect(Object.keys((await get(key, target)).tags)).toHaveLength(45);
      // overwriting existing keys does not count twice
      const overwrite = Object.fromEntries(Array.from({ length: 45 }, (_, n) => [`k${n}`, 'w']));
      const res = await t.as(key).put(`/v1/instances/${target}/tags`, { tags: { ...overwrite, new0: 'v', new1: 'v', new2: 'v', new3: 'v', new4: 'v' } }).expect(200);
      expect(Object.keys(res.body.tags)).toHaveLength(50);
      expect(res.body.tags.k0).toBe('w');
    });
  });
});
