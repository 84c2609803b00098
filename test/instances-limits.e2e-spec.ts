import { LINUX_AMI, startApp, TestApp } from './support/app';

interface InstanceView {
  instanceId: string;
  instanceType: string;
  state: { name: string };
  tags: Record<string, string>;
}

const HOLDS_HOST = ['pending', 'running', 'stopping', 'shutting-down'];
const FIFTY_TAGS = Object.fromEntries(Array.from({ length: 50 }, (_, n) => [`key-${n}`, `value-${n}`]));

/**
 * RunInstances at the largest request the API accepts (maxCount 1000, 50 tags), and the
 * control plane's consistency after a request that fails: what the quota and the hosts count is
 * what exists. Twenty m5 hosts: room for 2,240 t3.nano (112 each, bounded by the CPU limit ratio).
 */
describe('RunInstances at its limits', () => {
  let t: TestApp;
  let thousandKey: string;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 20);
  });
  afterAll(() => t.close());

  const listAll = async (key: string): Promise<InstanceView[]> => {
    const out: InstanceView[] = [];
    let nextToken: string | undefined;
    do {
      const page = (await t.as(key).get('/v1/instances').query({ maxResults: 1000, ...(nextToken ? { nextToken } : {}) }).expect(200)).body;
      out.push(...page.instances);
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  };
  const vcpusOf: Record<string, number> = { 't3.nano': 2, 'm5.large': 2 };

  it('maxCount 1000 launches 1000 instances in one reservation, listed on one page of 1000', async () => {
    const { key } = await t.tenant('thousand', { onDemandVcpus: 2000 });
    thousandKey = key;
    const res = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.nano', minCount: 1000, maxCount: 1000 }).expect(201);
    expect(res.body.instances).toHaveLength(1000);
    expect(new Set(res.body.instances.map((i: InstanceView) => i.instanceId)).size).toBe(1000);
    const page = (await t.as(key).get('/v1/instances').query({ maxResults: 1000 }).expect(200)).body;
    expect(page.instances).toHaveLength(1000);
    expect(page.nextToken).toBeUndefined();
    expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(2000);
  });

  describe('maxCount 1000 with 50 tags each (both within the documented limits)', () => {
    let key: string;
    let status: number;
    let terminating: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('tagged-thousand', { onDemandVcpus: 2100 }));
      // Also in flight: a stopped instance being terminated (it holds no host while it shuts down).
      terminating = (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' }).expect(201)).body.instances[0].instanceId;
      await t.advance(15);
      await t.as(key).post(`/v1/instances/${terminating}/stop`).expect(200);
      await t.advance(10);
      await t.as(key).delete(`/v1/instances/${terminating}`).expect(200);
      const res = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't3.nano', minCount: 1000, maxCount: 1000, tags: FIFTY_TAGS });
      status = res.status;
    });

    it('answers 201 with every instance tagged', async () => {
      expect(status).toBe(201);
      const tagged = (await t.as(key).get('/v1/instances').query({ 'tag:key-49': 'value-49', maxResults: 1000 }).expect(200)).body.instances;
      expect(tagged).toHaveLength(1000);
      expect(tagged[0].tags).toEqual(FIFTY_TAGS);
    });

    it('whatever it answered, the quota and the hosts count exactly the instances that exist', async () => {
      const mine = await listAll(key);
      const holding = mine.filter((i) => HOLDS_HOST.includes(i.state.name));
      const used = (await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used;
      // the terminating instance holds no host, so it counts for nothing
      const expectedUsed = holding.filter((i) => i.instanceId !== terminating).reduce((s, i) => s + vcpusOf[i.instanceType], 0);
      expect({ status, used }).toEqual({ status, used: expectedUsed });

      const hosts = (await t.admin().get('/v1/admin/hosts').expect(200)).body.hosts as { allocated: { instances: number } }[];
      const allocated = hosts.reduce((s, h) => s + h.allocated.instances, 0);
      const others = (await listAll(thousandKey)).filter((i) => HOLDS_HOST.includes(i.state.name)).length;
      const placedHere = holding.filter((i) => i.instanceId !== terminating).length;
      expect({ status, allocated }).toEqual({ status, allocated: others + placedHere });
    });
  });
});
