import { Decimal } from 'decimal.js';
import { ADMIN_KEY, LINUX_AMI } from './support/app';
import { createTestDatabase, TestDatabase } from './support/database';
import { answerHold, callServer, ServerProcess, startServerProcess, toFixedTimeOfMonth } from './support/server-process';

/**
 * ARCHITECTURE.md, State: a crash double-bills nothing. Usage is written in the transaction of the
 * state change it comes from, keyed by its source event, so that work replayed after a kill -9
 * (the engine rebuilt from the database, transitions that fell due completed again, meters read
 * again) writes no record twice. The server is killed in the middle of concurrent stops, right
 * after a group of them committed unanswered (the engine's test hook); every instance must be
 * billed exactly the seconds it ran, once. The clock is first set to a fixed point of a month, far
 * from its ends, so the run never straddles a month boundary whatever the wall clock says.
 */
describe('billing after kill -9', () => {
  let db: TestDatabase;
  let server: ServerProcess | undefined;
  const hold = answerHold();
  afterAll(async () => {
    hold.remove();
    await server?.stop();
    await db?.drop();
  });

  const call = callServer;
  const json = async (res: Promise<Response>): Promise<any> => (await res).json();
  const advance = async (s: ServerProcess, seconds: number) => expect((await call(s, ADMIN_KEY, 'POST', '/v1/admin/clock/advance', { seconds })).status).toBe(200);

  it('bills every instance the seconds it ran, once, whatever was replayed', async () => {
    db = await createTestDatabase();
    server = await startServerProcess(db.url, hold.env);
    const s1 = server;
    const monthStart = await toFixedTimeOfMonth(s1);
    const tenant = await json(call(s1, ADMIN_KEY, 'POST', '/v1/admin/tenants', { name: 'crash-billing', quotas: { onDemandVcpus: 10000 } }));
    const key: string = tenant.apiKey.key;
    expect((await call(s1, ADMIN_KEY, 'POST', '/v1/admin/hosts', { hostType: 'm5-host', availabilityZone: 'us-east-1a', count: 2 })).status).toBe(201);
    const N = 24;
    const run = await json(call(s1, key, 'POST', '/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', minCount: N, maxCount: N }));
    const ids: string[] = run.instances.map((i: { instanceId: string }) => i.instanceId);
    await advance(s1, 15); // all running
    await advance(s1, 100);

    // A third of the instances stopped and answered; a third stopped concurrently while the process
    // is killed: the first group of them to commit is never answered, and the queue stops with it
    // (each stop committed at +100 s, whole, or never); the last third still running at the crash.
    const [answeredFirst, racing] = [ids.slice(0, N / 3), ids.slice(N / 3, (2 * N) / 3)];
    for (const id of answeredFirst) expect((await call(s1, key, 'POST', `/v1/instances/${id}/stop`)).status).toBe(200);
    hold.arm();
    const inFlight = racing.map((id) => call(s1, key, 'POST', `/v1/instances/${id}/stop`).then(() => id, () => undefined));
    const held = await hold.held(s1);
    await s1.kill9();
    expect(await Promise.all(inFlight)).toEqual(racing.map(() => undefined)); // none answered
    expect(held).toBeGreaterThanOrEqual(1);

    server = await startServerProcess(db.url);
    const s2 = server;
    const states = new Map<string, string>();
    for (const id of ids) states.set(id, (await json(call(s2, key, 'GET', `/v1/instances/${id}`))).state.name);
    const stoppedFirst = ids.filter((id) => states.get(id) !== 'running');
    expect(stoppedFirst).toEqual(expect.arrayContaining(answeredFirst));
    // Exactly the held group's stops committed, though none was answered.
    const committedUnanswered = stoppedFirst.filter((id) => racing.includes(id));
    expect(committedUnanswered).toHaveLength(held);
    expect(stoppedFirst).toHaveLength(answeredFirst.length + held);
    // The client retries the stops it never heard back: the committed ones change nothing.
    for (const id of committedUnanswered) {
      const res = await call(s2, key, 'POST', `/v1/instances/${id}/stop`);
      expect(res.status).toBe(200);
      const { previousState, currentState } = (await res.json()) as { previousState: { name: string }; currentState: { name: string } };
      expect([previousState.name, currentState.name]).toEqual([states.get(id), states.get(id)]);
    }
    await advance(s2, 10);
    for (const id of ids.filter((x) => states.get(x) === 'running')) expect((await call(s2, key, 'POST', `/v1/instances/${id}/stop`)).status).toBe(200);
    await advance(s2, 10);
    // A second crash right after the last commit, and a third start: the rebuild replays again.
    await server.kill9();
    server = await startServerProcess(db.url);
    const s3 = server;
    await advance(s3, 60);

    // Stopped at +100 s (committed before the kill) or at +110 s (after the restart): exact seconds, each once.
    const expectedSeconds = stoppedFirst.length * 100 + (N - stoppedFirst.length) * 110;
    const usage = await json(call(s3, key, 'GET', '/v1/usage?groupBy=type'));
    // Instance-hours (its public IPv4 address is billed too: billing-public-ipv4.e2e-spec.ts).
    expect(usage.usage.filter((u: { product: string }) => u.product === 'ec2-instance')).toEqual([{ usageType: 'BoxUsage:m5.large', product: 'ec2-instance', unit: 'instance-hour', quantity: new Decimal(expectedSeconds).div(3600).toDecimalPlaces(8).toFixed() }]);
    const list = await json(call(s3, key, 'GET', '/v1/invoices'));
    expect(list.invoices.map((i: { month: string }) => i.month)).toEqual([new Date(monthStart).toISOString().slice(0, 7)]);
    const estimate = await json(call(s3, key, 'GET', `/v1/invoices/${list.invoices[0].invoiceId}`));
    // Every run is over the 60 s minimum: billed = ran; × $0.096 per hour, rounded once.
    const line = estimate.lines.find((l: { product: string }) => l.product === 'ec2-instance');
    expect(line.quantity).toBe(new Decimal(expectedSeconds).div(3600).toDecimalPlaces(8).toFixed());
    expect(line.amount).toBe(new Decimal(expectedSeconds).div(3600).times('0.096').toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
  });
});
