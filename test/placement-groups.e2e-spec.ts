import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

interface Instance {
  instanceId: string;
  availabilityZone: string;
  placementGroup?: string;
  partitionNumber?: number;
  tenancy: string;
}

/**
 * `POST/GET /v1/placement-groups`, `DELETE /v1/placement-groups/{name}` and RunInstances with
 * `placementGroup` (docs/model.md §4): spread puts members on distinct hosts, at most seven per zone;
 * cluster keeps them in one zone on few hosts; partition keeps partitions on disjoint hosts. Groups
 * and membership survive a restart and keep deciding placement after it.
 */
describe('placement groups', () => {
  let t: TestApp;
  let key: string;
  let other: string;

  const run = (body: object, k = key) => t.as(k).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', ...body });
  const hostOf = async (id: string) => {
    const hosts = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { hostId: string }[];
    for (const h of hosts) {
      const detail = (await t.admin().get(`/v1/admin/hosts/${h.hostId}`).expect(200)).body;
      if (detail.instanceIds.includes(id)) return h.hostId;
    }
    return undefined;
  };

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 9);
    await t.hosts('m5-host', 'us-east-1b', 2);
    ({ key } = await t.tenant('grouped', { onDemandVcpus: 10_000 }));
    ({ key: other } = await t.tenant('other'));
  });
  afterAll(() => t.close());

  it('creates groups of each strategy and lists them; names are unique per tenant', async () => {
    const spread = await t.as(key).post('/v1/placement-groups', { groupName: 'web', strategy: 'spread' }).expect(201);
    expect(spread.body).toEqual({ groupName: 'web', groupId: expect.stringMatching(/^pg-[0-9a-f]{17}$/), strategy: 'spread', state: 'available', createdAt: expect.any(String) });
    await t.as(key).post('/v1/placement-groups', { groupName: 'hpc', strategy: 'cluster' }).expect(201);
    const part = await t.as(key).post('/v1/placement-groups', { groupName: 'kafka', strategy: 'partition', partitionCount: 3 }).expect(201);
    expect(part.body).toMatchObject({ strategy: 'partition', partitionCount: 3 });
    expectError(await t.as(key).post('/v1/placement-groups', { groupName: 'web', strategy: 'cluster' }), 409, 'InvalidPlacementGroup.Duplicate');
    // another tenant may use the same name
    await t.as(other).post('/v1/placement-groups', { groupName: 'web', strategy: 'cluster' }).expect(201);
    const list = (await t.as(key).get('/v1/placement-groups').expect(200)).body.placementGroups;
    expect(list.map((g: { groupName: string }) => g.groupName)).toEqual(['hpc', 'kafka', 'web']);
  });

  it('refuses bad input with a clear 400', async () => {
    expectError(await t.as(key).post('/v1/placement-groups', { groupName: 'x', strategy: 'ring' }), 400, 'ValidationError');
    expectError(await t.as(key).post('/v1/placement-groups', { strategy: 'spread' }), 400, 'MissingParameter');
    expectError(await t.as(key).post('/v1/placement-groups', { groupName: 'p', strategy: 'partition', partitionCount: 8 }), 400, 'ValidationError');
    const err = expectError(await t.as(key).post('/v1/placement-groups', { groupName: 's', strategy: 'spread', partitionCount: 2 }), 400, 'InvalidParameterCombination');
    expect(err.message).toContain('partition');
  });

  it('spread: seven instances on seven distinct hosts of a zone; the eighth is refused, naming the group rule', async () => {
    const res = await run({ placementGroup: 'web', availabilityZone: 'us-east-1a', minCount: 7, maxCount: 7 }).expect(201);
    const ids: string[] = res.body.instances.map((i: Instance) => i.instanceId);
    expect(res.body.instances.every((i: Instance) => i.placementGroup === 'web')).toBe(true);
    const hosts = await Promise.all(ids.map(hostOf));
    expect(new Set(hosts).size).toBe(7);
    const err = expectError(await run({ placementGroup: 'web', availabilityZone: 'us-east-1a' }), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('placement-group: spread');
    // another zone has its own seven
    await run({ placementGroup: 'web', availabilityZone: 'us-east-1b' }).expect(201);
  });

  it('cluster: one zone, packed; a later launch into another zone is refused', async () => {
    const res = await run({ placementGroup: 'hpc', instanceType: 'm5.4xlarge', availabilityZone: 'us-east-1b', minCount: 3, maxCount: 3 }).expect(201);
    const hosts = await Promise.all(res.body.instances.map((i: Instance) => hostOf(i.instanceId)));
    expect(new Set(hosts).size).toBe(1);
    const more = await run({ placementGroup: 'hpc' }).expect(201);
    expect(more.body.instances[0].availabilityZone).toBe('us-east-1b');
    const err = expectError(await run({ placementGroup: 'hpc', availabilityZone: 'us-east-1a' }), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('placement-group: cluster');
  });

  it('partition: instances spread over the partitions, each partition on hosts of its own', async () => {
    const res = await run({ placementGroup: 'kafka', availabilityZone: 'us-east-1a', minCount: 6, maxCount: 6 }).expect(201);
    const instances: Instance[] = res.body.instances;
    expect(instances.map((i) => i.partitionNumber).sort()).toEqual([1, 1, 2, 2, 3, 3]);
    const named = await run({ placementGroup: 'kafka', availabilityZone: 'us-east-1a', partitionNumber: 2 }).expect(201);
    expect(named.body.instances[0].partitionNumber).toBe(2);
    const byHost = new Map<string, Set<number>>();
    for (const i of [...instances, named.body.instances[0]]) {
      const h = (await hostOf(i.instanceId))!;
      byHost.set(h, (byHost.get(h) ?? new Set()).add(i.partitionNumber!));
    }
    for (const parts of byHost.values()) expect(parts.size).toBe(1);
    expectError(await run({ placementGroup: 'kafka', partitionNumber: 4 }), 400, 'InvalidParameterValue');
    expectError(await run({ placementGroup: 'web', partitionNumber: 1 }), 400, 'InvalidParameterCombination');
    expectError(await run({ partitionNumber: 1 }), 400, 'InvalidParameterCombination');
  });

  it('another tenant\'s group answers exactly as a missing one', async () => {
    const missing = expectError(await run({ placementGroup: 'nope' }, other), 404, 'InvalidPlacementGroup.Unknown');
    const foreign = expectError(await run({ placementGroup: 'kafka' }, other), 404, 'InvalidPlacementGroup.Unknown');
    expect(foreign.message.replace('kafka', '<n>')).toBe(missing.message.replace('nope', '<n>'));
    expectError(await t.as(other).delete('/v1/placement-groups/kafka'), 404, 'InvalidPlacementGroup.Unknown');
    expect((await t.as(other).get('/v1/placement-groups').expect(200)).body.placementGroups.map((g: { groupName: string }) => g.groupName)).toEqual(['web']);
  });

  it('a restart keeps groups and membership: spread still refuses the eighth in its zone, partitions stay apart', async () => {
    t = await t.restart();
    expect((await t.as(key).get('/v1/placement-groups').expect(200)).body.placementGroups).toHaveLength(3);
    const err = expectError(await run({ placementGroup: 'web', availabilityZone: 'us-east-1a' }), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('placement-group: spread');
    const list = (await t.as(key).get('/v1/instances?maxResults=1000').expect(200)).body.instances as Instance[];
    expect(list.filter((i) => i.placementGroup === 'kafka').map((i) => i.partitionNumber).sort()).toEqual([1, 1, 2, 2, 2, 3, 3]);
    const next = await run({ placementGroup: 'kafka', availabilityZone: 'us-east-1a', partitionNumber: 1 }).expect(201);
    const h = await hostOf(next.body.instances[0].instanceId);
    for (const i of list.filter((x) => x.placementGroup === 'kafka' && x.partitionNumber !== 1)) expect(await hostOf(i.instanceId)).not.toBe(h);
  });

  it('a stopped member keeps its group: starting it again follows the group\'s rule', async () => {
    const [stopped] = (await t.as(key).get('/v1/instances?maxResults=1000').expect(200)).body.instances.filter((i: Instance) => i.placementGroup === 'web' && i.availabilityZone === 'us-east-1a');
    await t.advance(20);
    await t.as(key).post(`/v1/instances/${stopped.instanceId}/stop`).expect(200);
    await t.advance(20);
    // its place among the seven is free while it is stopped: another member takes it
    await run({ placementGroup: 'web', availabilityZone: 'us-east-1a' }).expect(201);
    const err = expectError(await t.as(key).post(`/v1/instances/${stopped.instanceId}/start`), 503, 'InsufficientInstanceCapacity');
    expect(err.message).toContain('placement-group: spread');
  });

  it('deleting a group with instances (stopped ones too) is refused; once they are terminated it goes', async () => {
    expectError(await t.as(key).delete('/v1/placement-groups/web'), 409, 'InvalidPlacementGroup.InUse');
    const members = (await t.as(key).get('/v1/instances?maxResults=1000').expect(200)).body.instances.filter((i: Instance) => i.placementGroup === 'web');
    for (const i of members) await t.as(key).delete(`/v1/instances/${i.instanceId}`).expect(200);
    expectError(await t.as(key).delete('/v1/placement-groups/web'), 409, 'InvalidPlacementGroup.InUse'); // shutting-down
    await t.advance(120);
    await t.as(key).delete('/v1/placement-groups/web').expect(204);
    expectError(await t.as(key).delete('/v1/placement-groups/web'), 404, 'InvalidPlacementGroup.Unknown');
    expect((await t.as(key).get('/v1/placement-groups').expect(200)).body.placementGroups.map((g: { groupName: string }) => g.groupName)).toEqual(['hpc', 'kafka']);
  });
});
