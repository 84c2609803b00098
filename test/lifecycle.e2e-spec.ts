import { LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from './support/app';

describe('instance lifecycle under the manual clock', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    ({ key } = await t.tenant('life'));
  });
  afterAll(() => t.close());

  const state = async (id: string) => (await t.as(key).get(`/v1/instances/${id}`).expect(200)).body.state;

  it('boots, runs, stops, starts and terminates with EC2 states, codes and simulated timings', async () => {
    const run = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large' }).expect(201);
    const id = run.body.instances[0].instanceId;
    expect(run.body.instances[0].state).toEqual({ name: 'pending', code: 0 });
    await t.advance(14);
    expect(await state(id)).toEqual({ name: 'pending', code: 0 });
    await t.advance(1); // Amazon Linux boots in 15 simulated seconds
    expect(await state(id)).toEqual({ name: 'running', code: 16 });

    const stop = await t.as(key).post(`/v1/instances/${id}/stop`).expect(200);
    expect(stop.body).toEqual({ instanceId: id, previousState: { name: 'running', code: 16 }, currentState: { name: 'stopping', code: 64 } });
    await t.advance(10);
    const stopped = (await t.as(key).get(`/v1/instances/${id}`).expect(200)).body;
    expect(stopped.state).toEqual({ name: 'stopped', code: 80 });
    expect(stopped.stateReason.code).toBe('Client.UserInitiatedShutdown');

    await t.as(key).post(`/v1/instances/${id}/start`).expect(200);
    expect(await state(id)).toEqual({ name: 'pending', code: 0 });
    await t.advance(15);
    expect(await state(id)).toEqual({ name: 'running', code: 16 });

    const term = await t.as(key).delete(`/v1/instances/${id}`).expect(200);
    expect(term.body.currentState).toEqual({ name: 'shutting-down', code: 32 });
    await t.advance(10);
    expect(await state(id)).toEqual({ name: 'terminated', code: 48 });
    await t.advance(3600 - 1);
    await t.as(key).get(`/v1/instances/${id}`).expect(200);
    await t.advance(1); // visible for one simulated hour, then gone
    await t.as(key).get(`/v1/instances/${id}`).expect(404);
  });

  it('Windows takes minutes to boot', async () => {
    const run = await t.as(key).post('/v1/instances', { imageId: WINDOWS_AMI, instanceType: 'm5.large' }).expect(201);
    const id = run.body.instances[0].instanceId;
    await t.advance(179);
    expect((await state(id)).name).toBe('pending');
    await t.advance(1);
    expect((await state(id)).name).toBe('running');
  });
});
