import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

interface Reservation {
  reservationId: string;
  instances: { instanceId: string; instanceType: string; tags: Record<string, string>; state: { name: string } }[];
}

/** RunInstances' clientToken: a retry returns the same reservation and launches nothing new. */
describe('idempotent RunInstances (clientToken)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
  });
  afterAll(() => t.close());

  const body = (extra: object = {}) => ({ imageId: LINUX_AMI, instanceType: 'm5.large', ...extra });
  const run = (key: string, b: object) => t.as(key).post('/v1/instances', b);
  const ids = (r: Reservation) => r.instances.map((i) => i.instanceId).sort();
  const listIds = async (key: string) =>
    (await t.as(key).get('/v1/instances').expect(200)).body.instances.map((i: { instanceId: string }) => i.instanceId).sort();

  it('the same token and body answer 201 with the same reservation and instances, and launch nothing more', async () => {
    const { key } = await t.tenant('retry');
    const req = body({ minCount: 2, maxCount: 2, clientToken: 'retry-1', tags: { app: 'web' } });
    const first: Reservation = (await run(key, req).expect(201)).body;
    const second: Reservation = (await run(key, req).expect(201)).body;
    expect(second.reservationId).toBe(first.reservationId);
    expect(ids(second)).toEqual(ids(first));
    expect(second.instances.every((i) => i.tags.app === 'web')).toBe(true);
    expect(await listIds(key)).toEqual(ids(first));
    expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(4);
  });

  it('a retry answers the instances in launch order, as the launch did (not in id order)', async () => {
    const { key } = await t.tenant('ordered');
    const req = body({ minCount: 6, maxCount: 6, clientToken: 'ordered-1' });
    const first: Reservation = (await run(key, req).expect(201)).body;
    const again: Reservation = (await run(key, req).expect(201)).body;
    // Ids are random: six in id order by chance is 1 in 720.
    expect(again.instances.map((i) => i.instanceId)).toEqual(first.instances.map((i) => i.instanceId));
  });

  it('a retry after the instances changed state still answers the same reservation, with their current state', async () => {
    const { key } = await t.tenant('later');
    const req = body({ clientToken: 'later-1' });
    const first: Reservation = (await run(key, req).expect(201)).body;
    await t.advance(15);
    const again: Reservation = (await run(key, req).expect(201)).body;
    expect(again.reservationId).toBe(first.reservationId);
    expect(ids(again)).toEqual(ids(first));
    expect(again.instances[0].state.name).toBe('running');
    expect(await listIds(key)).toEqual(ids(first));
  });

  it('field order and defaults spelled out do not make a request different', async () => {
    const { key } = await t.tenant('order');
    const first: Reservation = (await run(key, { clientToken: 'order-1', instanceType: 'm5.large', imageId: LINUX_AMI, tags: { a: '1', b: '2' } }).expect(201)).body;
    const second: Reservation = (await run(key, { tags: { b: '2', a: '1' }, imageId: LINUX_AMI, instanceType: 'm5.large', minCount: 1, maxCount: 1, clientToken: 'order-1' }).expect(201)).body;
    expect(second.reservationId).toBe(first.reservationId);
    expect(await listIds(key)).toHaveLength(1);
  });

  it.each([
    ['another instance type', { instanceType: 'm5.xlarge' }],
    ['another count', { minCount: 2, maxCount: 2 }],
    ['another zone', { availabilityZone: 'us-east-1a' }],
    ['other tags', { tags: { app: 'db' } }],
    ['another image', { imageId: 'ami-0b0b0c00000000b24' }],
  ])('the same token with %s is 409 IdempotentParameterMismatch and launches nothing', async (_, change) => {
    const { key } = await t.tenant('mismatch');
    const first: Reservation = (await run(key, body({ clientToken: 'tok', tags: { app: 'web' } })).expect(201)).body;
    const err = expectError(await run(key, body({ clientToken: 'tok', tags: { app: 'web' }, ...change })), 409, 'IdempotentParameterMismatch');
    expect(err.message).toContain('tok');
    expect(await listIds(key)).toEqual(ids(first));
  });

  it('tokens are per tenant: another tenant may use the same token for its own launch', async () => {
    const a = await t.tenant('token-a');
    const b = await t.tenant('token-b');
    const ra: Reservation = (await run(a.key, body({ clientToken: 'shared-token' })).expect(201)).body;
    const rb: Reservation = (await run(b.key, body({ clientToken: 'shared-token', instanceType: 'm5.xlarge' })).expect(201)).body;
    expect(rb.reservationId).not.toBe(ra.reservationId);
    expect(rb.instances[0].instanceType).toBe('m5.xlarge');
    expect(await listIds(a.key)).toEqual(ids(ra));
    expect(await listIds(b.key)).toEqual(ids(rb));
    // and each tenant's retry still finds its own reservation
    expect((await run(a.key, body({ clientToken: 'shared-token' })).expect(201)).body.reservationId).toBe(ra.reservationId);
  });

  it('different tokens launch different reservations; no token launches every time', async () => {
    const { key } = await t.tenant('distinct');
    const x: Reservation = (await run(key, body({ clientToken: 'x' })).expect(201)).body;
    const y: Reservation = (await run(key, body({ clientToken: 'y' })).expect(201)).body;
    expect(y.reservationId).not.toBe(x.reservationId);
    await run(key, body()).expect(201);
    await run(key, body()).expect(201);
    expect(await listIds(key)).toHaveLength(4);
  });

  it('a refused request does not use up its token', async () => {
    const { key } = await t.tenant('refused', { onDemandVcpus: 2 });
    expectError(await run(key, body({ clientToken: 'after-refusal', instanceType: 'm5.xlarge' })), 400, 'VcpuLimitExceeded');
    const ok: Reservation = (await run(key, body({ clientToken: 'after-refusal' })).expect(201)).body;
    expect(ok.instances).toHaveLength(1);
  });

  it('20 concurrent identical requests with one token: one reservation, exactly minCount instances', async () => {
    const { key } = await t.tenant('concurrent');
    const req = body({ minCount: 3, maxCount: 3, clientToken: 'storm-1' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => run(key, req)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    const reservations = new Set(answers.map((r) => r.body.reservationId));
    expect(reservations.size).toBe(1);
    const instanceSets = new Set(answers.map((r) => JSON.stringify(ids(r.body))));
    expect(instanceSets.size).toBe(1);
    const listed = await listIds(key);
    expect(listed).toHaveLength(3);
    expect(listed).toEqual(ids(answers[0].body));
    expect((await t.as(key).get('/v1/quotas').expect(200)).body.onDemandVcpus.used).toBe(6);
  });

  it('a clientToken longer than 64 characters, empty, or not printable ASCII is 400', async () => {
    const { key } = await t.tenant('long-token');
    expectError(await run(key, body({ clientToken: 'x'.repeat(65) })), 400, 'ValidationError');
    expectError(await run(key, body({ clientToken: '' })), 400, 'ValidationError');
    expectError(await run(key, body({ clientToken: 'naïve' })), 400, 'ValidationError');
    expectError(await run(key, body({ clientToken: 42 })), 400, 'ValidationError');
    expect(await listIds(key)).toEqual([]);
    await run(key, body({ clientToken: 'x'.repeat(64) })).expect(201);
  });
});
