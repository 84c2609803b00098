import { ADMIN_KEY, LINUX_AMI } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { callServer, ServerProcess, startServerProcess } from './support/server-process';

/**
 * ARCHITECTURE.md, State: a crash loses no acknowledged request, leaks no capacity, and leaves
 * nothing half-made. The server runs as its own process and is killed with SIGKILL in the middle
 * of concurrent provisioning; a new process on the same database must agree with every answer.
 */
describe('kill -9 during concurrent provisioning', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const call = callServer;

  const body = async (res: Promise<Response>): Promise<any> => (await res).json();

  it('keeps every acknowledged instance, no partial reservation, and exact host accounting', async () => {
    db = await createTestDatabase();
    server = await startServerProcess(db.url);
    const s1 = server;
    const tenant = await body(call(s1, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'crash', quotas: { onDemandVcpus: 100000 } }));
    const key: string = tenant.apiKey.key;
    // 120 launches in a few seconds are past EC2's RunInstances bucket (5 at 2/s): raised, as EC2 would for such an account.
    expect((await call(s1, ADMIN_KEY, 'PATCH', `/v1/admin/tenants/${tenant.tenant.tenantId}`, { requestLimits: { multiplier: 100 } })).status).toBe(200);
    expect((await call(s1, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 20 })).status).toBe(201);

    // 120 requests of 1-3 instances each, 8 in flight at a time; the process is killed after 40 answers.
    const REQUESTS = 120;
    const acknowledged = new Map<number, string[]>();
    let answered = 0;
    let killed: Promise<void> | undefined;
    const sizeOf = (n: number) => 1 + (n % 3);
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const n = next++;
        try {
          const res = await call(s1, key, 'POST', '/v1/instances', {
            imageId: LINUX_AMI, instanceType: 'm5.large', minCount: sizeOf(n), maxCount: sizeOf(n), tags: { req: String(n) },
          });
          if (res.status === 201) acknowledged.set(n, (await body(Promise.resolve(res))).instances.map((i: { instanceId: string }) => i.instanceId));
        } catch {
          // connection reset by the kill: not acknowledged
        }
        if (++answered === 40) killed = s1.kill9();
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    await killed;
    expect(acknowledged.size).toBeGreaterThanOrEqual(40);
    expect(acknowledged.size).toBeLessThan(REQUESTS);

    server = await startServerProcess(db.url);
    const s2 = server;
    const listed: { instanceId: string; tags: Record<string, string> }[] = [];
    for (let token: string | undefined; ; ) {
      const page = await body(call(s2, key, 'GET', `/v1/instances?maxResults=1000${token ? `&nextToken=${token}` : ''}`));
      listed.push(...page.instances);
      if (!(token = page.nextToken)) break;
    }
    const byRequest = new Map<number, string[]>();
    for (const i of listed) byRequest.set(Number(i.tags.req), [...(byRequest.get(Number(i.tags.req)) ?? []), i.instanceId]);

    // Every acknowledged instance exists, exactly as answered.
    for (const [n, ids] of acknowledged) expect((byRequest.get(n) ?? []).sort()).toEqual([...ids].sort());
    // A request that was never answered either committed whole or left nothing.
    for (const [n, ids] of byRequest) expect(ids.length).toBe(sizeOf(n));

    // Each host accounts exactly for the live instances it holds.
    const hosts = (await body(call(s2, ADMIN_KEY, 'GET', '/v1/admin/hosts'))).hosts;
    const live = new Set(listed.map((i) => i.instanceId));
    let placed = 0;
    for (const h of hosts) {
      const detail = await body(call(s2, ADMIN_KEY, 'GET', `/v1/admin/hosts/${h.hostId}`));
      expect(detail.instanceIds.every((id: string) => live.has(id))).toBe(true);
      expect(detail.allocated).toEqual({
        reservedCores: 2 * detail.instanceIds.length, limitCores: 2 * detail.instanceIds.length,
        memoryMiB: (8192 + 64) * detail.instanceIds.length, vcpus: 2 * detail.instanceIds.length, instances: detail.instanceIds.length,
      });
      placed += detail.instanceIds.length;
    }
    expect(placed).toBe(listed.length);
    const quota = await body(call(s2, key, 'GET', '/v1/quotas'));
    expect(quota.onDemandVcpus.used).toBe(2 * listed.length);
  });
});
