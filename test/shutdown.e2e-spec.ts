import { refuseNewRequests } from '../apps/api/src/http/server';
import { ADMIN_KEY, expectError, LINUX_AMI, startApp } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { callServer, ServerProcess, startServerProcess } from './support/server-process';

/**
 * A graceful stop (SIGTERM): Nimbus stops accepting connections, finishes the requests in flight
 * and the commit in progress, and exits 0 within 10 s; nothing it acknowledged is lost. The server
 * runs as its own process, under concurrent launches, and is stopped in the middle of them.
 */
describe('SIGTERM during concurrent provisioning', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const body = async (res: Promise<Response>): Promise<any> => (await res).json();

  it('answers or refuses every request (503 in the error shape, or a closed connection), exits 0 within 10 s, and keeps every acknowledged instance', async () => {
    db = await createTestDatabase();
    const s1 = await startServerProcess(db.url);
    const tenant = await body(callServer(s1, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'stop', quotas: { onDemandVcpus: 100000 } }));
    const key: string = tenant.apiKey.key;
    expect((await callServer(s1, ADMIN_KEY, 'PATCH', `/v1/admin/tenants/${tenant.tenant.tenantId}`, { requestLimits: { multiplier: 100 } })).status).toBe(200);
    expect((await callServer(s1, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 10 })).status).toBe(201);

    // 8 clients launch one instance at a time; after 40 answers the server is told to stop.
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    let refused = 0;
    let stopped: Promise<{ code: number | null; ms: number }> | undefined;
    const client = async () => {
      for (let i = 0; i < 200 && refused === 0; i++) {
        let res: Response;
        try {
          res = await callServer(s1, key, 'POST', '/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' });
        } catch {
          refused++; // the server no longer accepts connections: it is stopping
          break;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acknowledged.push(...(await body(Promise.resolve(res))).instances.map((x: { instanceId: string }) => x.instanceId));
        else {
          // Refused because the server is stopping: in the error shape, with when to retry.
          const b = await body(Promise.resolve(res));
          expect({ status: res.status, code: b.error?.code, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, code: 'ServiceUnavailable', retryAfter: '5' });
          refused++;
          break;
        }
        if (acknowledged.length === 40 && !stopped) {
          const t0 = Date.now();
          stopped = new Promise((resolve) => s1.child.once('exit', (code) => resolve({ code, ms: Date.now() - t0 })));
          s1.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    const { code, ms } = await stopped!;

    expect({ code, withinDeadline: ms < 10_000 }).toEqual({ code: 0, withinDeadline: true });
    // Every request was answered 201, or refused: 503 ServiceUnavailable (stopping) or a closed connection.
    expect([...statuses.keys()].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    expect(refused).toBeGreaterThan(0);

    // A new process on the same database has every acknowledged instance.
    server = await startServerProcess(db.url);
    const listed = await body(callServer(server, key, 'GET', '/v1/instances'));
    const ids = new Set(listed.instances.map((x: { instanceId: string }) => x.instanceId));
    expect(acknowledged.filter((id) => !ids.has(id))).toEqual([]);
    expect(ids.size).toBe(acknowledged.length);
  });

  it('once stopping, a new request on an open connection is 503 ServiceUnavailable in the error shape, with Connection: close', async () => {
    const t = await startApp();
    try {
      await t.admin().get('/v1/admin/clock').expect(200);
      refuseNewRequests();
      const res = await t.admin().get('/v1/admin/clock');
      expect(expectError(res, 503, 'ServiceUnavailable').message).toBe('Nimbus is stopping; retry shortly.');
      expect({ retryAfter: res.headers['retry-after'], connection: res.headers.connection }).toEqual({ retryAfter: '5', connection: 'close' });
    } finally {
      await t.close();
    }
  });
});
