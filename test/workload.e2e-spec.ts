import request from 'supertest';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const MISSING_INSTANCE = 'i-0123456789abcdef0';
const MISSING_VOLUME = 'vol-0123456789abcdef0';

interface WorkloadView {
  instanceId: string;
  workload: Record<string, unknown>;
  cpuSetAt?: string;
}

/**
 * `PUT/GET /v1/instances/{id}/workload` (API.md): what the guest does from now on. The API.md
 * example is accepted and takes effect; each part is optional and an omitted part keeps its value;
 * every invalid input is a 400 that changes nothing; another tenant's instance is a 404 exactly as
 * a missing one; a terminated instance is a 409 (then, after the hour it stays visible, a 404); and
 * the workload, with where its CPU model's steps count from, survives a restart.
 *
 * Fleet: one m5 host in us-east-1a. Tenant A has two m5.large instances (`main`, `peer`) and
 * three gp3 volumes (one attached to each instance, one available); tenant B has one instance
 * and one volume attached to it.
 */
describe('instance workload', () => {
  let t: TestApp;
  let a: string;
  let b: string;
  let main: string;
  let peer: string;
  let bInstance: string;
  let mainVolume: string;
  let peerVolume: string;
  let freeVolume: string;
  let bVolume: string;

  const launch = async (key: string, body: object = {}): Promise<string> =>
    (await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', ...body }).expect(201)).body.instances[0].instanceId;
  const volume = async (key: string, attachTo?: string): Promise<string> => {
    const id: string = (await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 100, type: 'gp3', iops: 6000, throughputMiBps: 250 }).expect(201)).body.volumeId;
    if (attachTo) await t.as(key).post(`/v1/volumes/${id}/attach`, { instanceId: attachTo }).expect(200);
    return id;
  };
  const put = (key: string, id: string, body: unknown) => t.as(key).put(`/v1/instances/${id}/workload`, body as object);
  const get = async (key: string, id: string): Promise<WorkloadView> => (await t.as(key).get(`/v1/instances/${id}/workload`).expect(200)).body;
  const clockNow = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body.now as string;
  /** Advances to the next whole simulated minute (metric buckets are minutes). */
  const toNextMinute = async () => {
    const ms = Date.parse(await clockNow()) % 60_000;
    if (ms !== 0) await t.advance((60_000 - ms) / 1000);
    return clockNow();
  };
  /** Per-minute points, each field rounded to 9 decimals (the VMM's shares are floating point). */
  const metrics = async (key: string, id: string, from: string, to: string): Promise<Record<string, number | string>[]> =>
    (await t.as(key).get(`/v1/instances/${id}/metrics`).query({ from, to, period: 60 }).expect(200)).body.points.map((p: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v])),
    );

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
    ({ key: a } = await t.tenant('alpha'));
    ({ key: b } = await t.tenant('bravo'));
    main = await launch(a);
    peer = await launch(a);
    bInstance = await launch(b);
    await t.advance(15); // Amazon Linux boots in 15 s
    mainVolume = await volume(a, main);
    peerVolume = await volume(a, peer);
    freeVolume = await volume(a);
    bVolume = await volume(b, bInstance);
  });
  afterAll(() => t.close());

  it('a new instance is idle: an empty workload, no cpuSetAt', async () => {
    expect(await get(a, main)).toEqual({ instanceId: main, workload: {} });
  });

  describe('PUT', () => {
    let example: Record<string, unknown>;
    let setAt: string;

    it('accepts the API.md example (an attached volume, the internet and a peer of the same tenant) and answers what the guest now does', async () => {
      example = {
        cpu: { model: 'constant', cores: 1.5 },
        io: [{ volumeId: mainVolume, iops: 4000, throughputMiBps: 100 }],
        memory: { workingSetMiB: 3000, dirtyRateMiBps: 50 },
        network: [{ to: 'internet', mbps: 200 }, { to: peer, mbps: 500 }],
      };
      setAt = await toNextMinute();
      const res = await put(a, main, example).expect(200);
      expect(res.body).toEqual({ instanceId: main, workload: example, cpuSetAt: setAt });
      expect(await get(a, main)).toEqual(res.body);
    });

    it('takes effect in the VMM: the next minute shows the demanded CPU, IO and network delivered', async () => {
      await t.advance(60);
      const [p] = await metrics(a, main, setAt, await clockNow());
      expect(p).toMatchObject({ time: setAt, cpuDemandCores: 1.5, cpuCores: 1.5, iopsDemanded: 4000, iopsDelivered: 4000, iopsThrottled: 0, throughputMiBps: 100, networkOutMbps: 700 });
    });

    it('each part is optional: an omitted part keeps its value, and cpuSetAt moves only when cpu is set', async () => {
      await t.advance(30);
      const memory = { workingSetMiB: 5000, dirtyRateMiBps: 0 };
      let res = await put(a, main, { memory }).expect(200);
      expect(res.body).toEqual({ instanceId: main, workload: { ...example, memory }, cpuSetAt: setAt });

      res = await put(a, main, {}).expect(200);
      expect(res.body).toEqual({ instanceId: main, workload: { ...example, memory }, cpuSetAt: setAt });

      const network = [{ to: 'internet', mbps: 50 }];
      res = await put(a, main, { network }).expect(200);
      expect(res.body.workload).toEqual({ ...example, memory, network });

      // an empty list is a value: no IO from now on
      res = await put(a, main, { io: [] }).expect(200);
      expect(res.body.workload).toEqual({ ...example, memory, network, io: [] });

      await t.advance(5);
      const now = await clockNow();
      const cpu = { model: 'trace', periodSeconds: 60, cores: [0.5, 1], repeat: true };
      res = await put(a, main, { cpu }).expect(200);
      expect(res.body).toEqual({ instanceId: main, workload: { ...example, memory, network, io: [], cpu }, cpuSetAt: now });
      expect(await get(a, main)).toEqual(res.body);
    });

    it('fills the defaults of each CPU model', async () => {
      const res = await put(a, peer, { cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 0.5, peakHourUtc: 14 } }).expect(200);
      expect(res.body.workload.cpu).toEqual({ model: 'diurnal', meanCores: 1, amplitudeCores: 0.5, peakHourUtc: 14, stepSeconds: 900 });
      const walk = await put(a, peer, { cpu: { model: 'random-walk', meanCores: 1, volatility: 0.2, seed: 42 } }).expect(200);
      expect(walk.body.workload.cpu).toEqual({ model: 'random-walk', meanCores: 1, volatility: 0.2, seed: 42, stepSeconds: 300 });
      const trace = await put(a, peer, { cpu: { model: 'trace', periodSeconds: 30, cores: [2, 0] } }).expect(200);
      expect(trace.body.workload.cpu).toEqual({ model: 'trace', periodSeconds: 30, cores: [2, 0], repeat: false });
    });
  });

  describe('invalid input: 400 in the error shape, and nothing changes', () => {
    const cases: [string, () => unknown, RegExp?][] = [
      ['an unknown top-level field', () => ({ gpu: { cores: 1 } }), /gpu/],
      ['an unknown field in cpu', () => ({ cpu: { model: 'constant', cores: 1, burst: true } }), /burst/],
      ['an unknown field in memory', () => ({ memory: { workingSetMiB: 100, dirtyRateMiBps: 0, hugePages: true } }), /hugePages/],
      ['an unknown field in an io entry', () => ({ io: [{ volumeId: mainVolume, iops: 1, throughputMiBps: 1, queueDepth: 4 }] }), /queueDepth/],
      ['a body that is not an object', () => [1, 2], /workload/],
      ['cpu cores above the instance\'s vCPUs (m5.large: 2)', () => ({ cpu: { model: 'constant', cores: 2.5 } }), /vCPUs/],
      ['negative cpu cores', () => ({ cpu: { model: 'constant', cores: -1 } }), /cores/],
      ['cpu cores as a string', () => ({ cpu: { model: 'constant', cores: '1' } }), /cores/],
      ['an unknown cpu model', () => ({ cpu: { model: 'sine', cores: 1 } }), /model/],
      ['a cpu model missing', () => ({ cpu: { cores: 1 } }), /model/],
      ['a constant model without cores', () => ({ cpu: { model: 'constant' } }), /cores/],
      ['a diurnal peak hour of 24', () => ({ cpu: { model: 'diurnal', meanCores: 1, amplitudeCores: 0.5, peakHourUtc: 24 } }), /peakHourUtc/],
      ['a random walk with a fractional seed', () => ({ cpu: { model: 'random-walk', meanCores: 1, volatility: 0.1, seed: 1.5 } }), /seed/],
      ['a step below one minute', () => ({ cpu: { model: 'random-walk', meanCores: 1, volatility: 0.1, seed: 1, stepSeconds: 30 } }), /stepSeconds/],
      ['a trace with no points', () => ({ cpu: { model: 'trace', periodSeconds: 60, cores: [] } }), /cores/],
      ['a trace point above the vCPUs', () => ({ cpu: { model: 'trace', periodSeconds: 60, cores: [1, 3] } }), /cores\[1\]/],
      ['a trace period of 0', () => ({ cpu: { model: 'trace', periodSeconds: 0, cores: [1] } }), /periodSeconds/],
      ['a fractional trace period', () => ({ cpu: { model: 'trace', periodSeconds: 1.5, cores: [1] } }), /periodSeconds/],
      ['a trace whose cores is not a list', () => ({ cpu: { model: 'trace', periodSeconds: 60, cores: 1 } }), /cores/],
      ['a trace repeat that is not a boolean', () => ({ cpu: { model: 'trace', periodSeconds: 60, cores: [1], repeat: 'yes' } }), /repeat/],
      ['a working set above the instance\'s memory (8,192 MiB)', () => ({ memory: { workingSetMiB: 8193, dirtyRateMiBps: 0 } }), /workingSetMiB/],
      ['a malformed volume id', () => ({ io: [{ volumeId: 'vol-123', iops: 1, throughputMiBps: 1 }] }), /volumeId/],
      ['the same volume twice', () => ({ io: [{ volumeId: mainVolume, iops: 1, throughputMiBps: 1 }, { volumeId: mainVolume, iops: 2, throughputMiBps: 1 }] }), /more than once/],
      ['io on the tenant\'s volume that is not attached', () => ({ io: [{ volumeId: freeVolume, iops: 1000, throughputMiBps: 10 }] }), /not attached/],
      ['io on the tenant\'s volume attached to its other instance', () => ({ io: [{ volumeId: peerVolume, iops: 1000, throughputMiBps: 10 }] }), /not attached/],
      ['io on another tenant\'s volume', () => ({ io: [{ volumeId: bVolume, iops: 1000, throughputMiBps: 10 }] }), /not attached/],
      ['io on a volume that does not exist', () => ({ io: [{ volumeId: MISSING_VOLUME, iops: 1000, throughputMiBps: 10 }] }), /not attached/],
      ['io iops as a string', () => ({ io: [{ volumeId: mainVolume, iops: '1000', throughputMiBps: 10 }] }), /iops/],
      ['network to a malformed destination', () => ({ network: [{ to: 'i-123', mbps: 10 }] }), /to/],
      ['network to itself', () => ({ network: [{ to: main, mbps: 10 }] }), /itself/],
      ['network to a missing instance', () => ({ network: [{ to: MISSING_INSTANCE, mbps: 10 }] }), new RegExp(MISSING_INSTANCE)],
      ['network with negative mbps', () => ({ network: [{ to: 'internet', mbps: -1 }] }), /mbps/],
    ];

    it.each(cases)('%s', async (_, body, message) => {
      const before = await get(a, main);
      const err = expectError(await put(a, main, body()), 400, 'InvalidParameterValue');
      if (message) expect(err.message).toMatch(message);
      expect(await get(a, main)).toEqual(before);
    });

    it('network to another tenant\'s instance is a 400 naming it, as a missing instance is', async () => {
      const before = await get(a, main);
      const foreign = expectError(await put(a, main, { network: [{ to: bInstance, mbps: 10 }] }), 400, 'InvalidParameterValue');
      expect(foreign.message).toContain(bInstance);
      const missing = expectError(await put(a, main, { network: [{ to: MISSING_INSTANCE, mbps: 10 }] }), 400, 'InvalidParameterValue');
      expect(foreign.message.split(bInstance).join('<id>')).toBe(missing.message.split(MISSING_INSTANCE).join('<id>'));
      expect(await get(a, main)).toEqual(before);
    });

    it('a malformed instance id is 400 InvalidInstanceID.Malformed, on PUT and GET', async () => {
      for (const id of ['i-123', 'i-0123456789ABCDEF0', MISSING_VOLUME, 'x']) {
        expectError(await put(a, id, { cpu: { model: 'constant', cores: 1 } }), 400, 'InvalidInstanceID.Malformed');
        expectError(await t.as(a).get(`/v1/instances/${id}/workload`), 400, 'InvalidInstanceID.Malformed');
      }
    });

    it('requires a tenant key', async () => {
      expectError(await t.anonymous().put(`/v1/instances/${main}/workload`).send({}), 401, 'AuthFailure');
    });
  });

  describe('volumes', () => {
    it('shows a volume’s delivered, demanded and throttled IO: a gp3 of 6,000 IOPS asked for 8,000', async () => {
      const vol = await volume(a, main);
      await put(a, main, { io: [{ volumeId: vol, iops: 8000, throughputMiBps: 50 }] }).expect(200);
      await t.advance(1);
      const { performance } = (await t.as(a).get(`/v1/volumes/${vol}`).expect(200)).body;
      // Throttled IOs move no bytes: throughput falls with the IOPS, 50 × 6,000 / 8,000.
      expect(performance).toEqual({ iopsDemanded: 8000, iopsDelivered: 6000, iopsThrottled: 2000, throughputMiBps: 37.5 });
      await t.as(a).post(`/v1/volumes/${vol}/detach`).expect(200);
      await t.advance(1);
      expect((await t.as(a).get(`/v1/volumes/${vol}`).expect(200)).body.performance).toEqual({ iopsDemanded: 0, iopsDelivered: 0, iopsThrottled: 0, throughputMiBps: 0 });
    });

    it('drops the IO of a detached volume from the stored workload, so it does not come back after a re-attach and a restart', async () => {
      const vol = await volume(a, main);
      await put(a, main, { io: [{ volumeId: vol, iops: 1000, throughputMiBps: 10 }] }).expect(200);
      await t.as(a).post(`/v1/volumes/${vol}/detach`).expect(200);
      expect((await get(a, main)).workload.io ?? []).not.toContainEqual(expect.objectContaining({ volumeId: vol }));
      await t.as(a).post(`/v1/volumes/${vol}/attach`, { instanceId: main }).expect(200);
      t = await t.restart();
      expect((await get(a, main)).workload.io ?? []).not.toContainEqual(expect.objectContaining({ volumeId: vol }));
      await t.as(a).post(`/v1/volumes/${vol}/detach`).expect(200);
    });
  });

  describe('tenant isolation', () => {
    /** A 404 body with the id replaced and the requestId left out, so two answers can be compared whatever the id. */
    const shape = (res: request.Response, id: string) => {
      const err = expectError(res, 404, 'InvalidInstanceID.NotFound');
      return { status: res.status, code: err.code, message: err.message.split(id).join('<id>'), keys: Object.keys(res.body.error).sort() };
    };

    it('another tenant\'s instance answers 404 exactly as a missing one, on PUT and GET, and changes nothing', async () => {
      const before = await get(a, main);
      const body = { cpu: { model: 'constant', cores: 2 } };
      expect(shape(await put(b, main, body), main)).toEqual(shape(await put(b, MISSING_INSTANCE, body), MISSING_INSTANCE));
      expect(shape(await t.as(b).get(`/v1/instances/${main}/workload`), main)).toEqual(shape(await t.as(b).get(`/v1/instances/${MISSING_INSTANCE}/workload`), MISSING_INSTANCE));
      // an invalid body from B still answers 404, not a 400 that would reveal the instance exists
      expect(shape(await put(b, main, { cpu: { model: 'constant', cores: 99 } }), main)).toEqual(shape(await put(b, MISSING_INSTANCE, { cpu: { model: 'constant', cores: 99 } }), MISSING_INSTANCE));
      expect(await get(a, main)).toEqual(before);
    });
  });

  describe('lifecycle', () => {
    it('a stopped instance takes a workload; a terminated one is 409 IncorrectInstanceState, then 404 once it is gone (an hour later)', async () => {
      const id = await launch(a);
      await t.advance(15);
      await t.as(a).post(`/v1/instances/${id}/stop`).expect(200);
      await t.advance(10);
      const cpu = { model: 'constant', cores: 1 };
      await put(a, id, { cpu }).expect(200);
      expect((await get(a, id)).workload).toEqual({ cpu });

      await t.as(a).delete(`/v1/instances/${id}`).expect(200);
      await t.advance(10);
      expect((await t.as(a).get(`/v1/instances/${id}`).expect(200)).body.state.name).toBe('terminated');
      const err = expectError(await put(a, id, { cpu: { model: 'constant', cores: 2 } }), 409, 'IncorrectInstanceState');
      expect(err.message).toContain(id);
      expect((await get(a, id)).workload).toEqual({ cpu });

      await t.advance(3600);
      expectError(await put(a, id, { cpu }), 404, 'InvalidInstanceID.NotFound');
      expectError(await t.as(a).get(`/v1/instances/${id}/workload`), 404, 'InvalidInstanceID.NotFound');
    });

    it('detaching a volume drops the workload\'s IO on it', async () => {
      const vol = await volume(a, peer);
      await put(a, peer, { io: [{ volumeId: vol, iops: 100, throughputMiBps: 1 }, { volumeId: peerVolume, iops: 200, throughputMiBps: 2 }] }).expect(200);
      await t.as(a).post(`/v1/volumes/${vol}/detach`).expect(200);
      const res = await put(a, peer, {}).expect(200);
      expect(res.body.workload.io).toEqual([{ volumeId: peerVolume, iops: 200, throughputMiBps: 2 }]);
    });
  });

  describe('restart', () => {
    it('the workload survives a restart, and its CPU trace keeps counting from when it was set', async () => {
      // A trace of one-minute steps set on a whole minute: minute k demands cores[k mod 4].
      const start = await toNextMinute();
      const cpu = { model: 'trace', periodSeconds: 60, cores: [0.5, 1, 1.5, 2], repeat: true };
      const full = {
        cpu,
        io: [{ volumeId: mainVolume, iops: 1000, throughputMiBps: 10 }],
        memory: { workingSetMiB: 2000, dirtyRateMiBps: 10 },
        network: [{ to: peer, mbps: 100 }],
      };
      await put(a, main, full).expect(200);
      const before = await get(a, main);
      const peerBefore = await get(a, peer);
      expect(before).toEqual({ instanceId: main, workload: full, cpuSetAt: start });

      await t.advance(90);
      t = await t.restart();
      expect(await get(a, main)).toEqual(before);
      expect(await get(a, peer)).toEqual(peerBefore);

      await t.advance(5 * 60 - 90);
      const points = await metrics(a, main, start, await clockNow());
      expect(points.map((p) => p.cpuDemandCores)).toEqual([0.5, 1, 1.5, 2, 0.5]);
      expect(points.map((p) => p.iopsDelivered)).toEqual([1000, 1000, 1000, 1000, 1000]);
      expect(points.map((p) => p.networkOutMbps)).toEqual([100, 100, 100, 100, 100]);
    });
  });
});
