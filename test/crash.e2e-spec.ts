import { ADMIN_KEY, LINUX_AMI } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { answerHold, callServer, ServerProcess, startServerProcess } from './support/server-process';

/**
 * ARCHITECTURE.md, State: a crash loses no acknowledged request, leaks no capacity, and leaves
 * nothing half-made. The server runs as its own process and is killed with SIGKILL in the middle
 * of concurrent provisioning; a new process on the same database must agree with every answer.
 * The kill comes at the worst moment, made certain by the engine's test hook
 * (NIMBUS_TEST_HOLD_ANSWERS_FILE): a group of launches has committed and none of it was answered.
 */
describe('kill -9 during concurrent provisioning', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  const hold = answerHold();
  afterAll(async () => {
    hold.remove();
    await server?.stop();
    await db?.drop();
  });

  const call = callServer;

  const body = async (res: Promise<Response>): Promise<any> => (await res).json();

  it('keeps every acknowledged instance, no partial reservation, and exact host accounting', async () => {
    db = await createTestDatabase();
    server = await startServerProcess(db.url, hold.env);
    const s1 = server;
    const tenant = await body(call(s1, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'crash', quotas: { onDemandVcpus: 100000 } }));
    const key: string = tenant.apiKey.key;
    // 120 launches in a few seconds are past EC2's RunInstances bucket (5 at 2/s): raised, as EC2 would for such an account.
    expect((await call(s1, ADMIN_KEY, 'PATCH', `/v1/admin/tenants/${tenant.tenant.tenantId}`, { requestLimits: { multiplier: 100 } })).status).toBe(200);
    expect((await call(s1, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 20 })).status).toBe(201);

    // 120 requests of 1-3 instances each, 8 in flight at a time. After 40 answers the hook is armed:
    // the next group commits and is never answered; once the server says so, it is killed.
    const REQUESTS = 120;
    const acknowledged = new Map<number, string[]>();
    const unanswered = new Set<number>();
    let answered = 0;
    let killed: Promise<number> | undefined;
    const sizeOf = (n: number) => 1 + (n % 3);
    const launch = (s: ServerProcess, n: number) => call(s, key, 'POST', '/v1/instances', {
      imageId: LINUX_AMI, instanceType: 'm5.large', minCount: sizeOf(n), maxCount: sizeOf(n), tags: { req: String(n) }, clientToken: `req-${n}`,
    });
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        const n = next++;
        let res: Response;
        try {
          res = await launch(s1, n);
        } catch {
          unanswered.add(n); // connection reset by the kill (or refused after it): not acknowledged
          continue;
        }
        expect(res.status).toBe(201);
        acknowledged.set(n, (await body(Promise.resolve(res))).instances.map((i: { instanceId: string }) => i.instanceId));
        if (++answered === 40) {
          hold.arm();
          killed = hold.held(s1).then(async (held) => (await s1.kill9(), held));
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    const held = await killed!;
    expect(acknowledged.size).toBeGreaterThanOrEqual(40);
    expect(held).toBeGreaterThanOrEqual(1);
    expect(unanswered.size).toBeGreaterThanOrEqual(held);

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
    // A request that was never answered either committed whole or left nothing; exactly the held
    // group's requests committed (the queue stopped with it).
    for (const [n, ids] of byRequest) expect(ids.length).toBe(sizeOf(n));
    const committedUnanswered = [...unanswered].filter((n) => byRequest.has(n));
    expect(committedUnanswered).toHaveLength(held);
    expect([...byRequest.keys()].sort((a, b) => a - b)).toEqual([...acknowledged.keys(), ...committedUnanswered].sort((a, b) => a - b));
    // The client retries what it never heard back, with the same token: the committed ones answer
    // the instances they made (their effect is there once), the others launch now.
    for (const n of unanswered) {
      const res = await launch(s2, n);
      expect(res.status).toBe(201);
      const ids = (await body(Promise.resolve(res))).instances.map((i: { instanceId: string }) => i.instanceId).sort();
      if (committedUnanswered.includes(n)) expect(ids).toEqual([...byRequest.get(n)!].sort());
      else listed.push(...ids.map((instanceId: string) => ({ instanceId, tags: { req: String(n) } })));
    }
    const relisted: { tags: Record<string, string> }[] = [];
    for (let token: string | undefined; ; ) {
      const page = await body(call(s2, key, 'GET', `/v1/instances?maxResults=1000${token ? `&nextToken=${token}` : ''}`));
      relisted.push(...page.instances);
      if (!(token = page.nextToken)) break;
    }
    expect(relisted).toHaveLength(listed.length);
    for (const n of committedUnanswered) expect(relisted.filter((i) => i.tags.req === String(n))).toHaveLength(sizeOf(n));

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
