import { expectError, startApp, TestApp } from './support/app';

/**
 * Elastic Volumes through REST (`POST /v1/volumes/{id}/modify`, `GET /v1/volumes/{id}/modification`):
 * the new configuration is delivered and billed from the request; the modification is modifying,
 * optimizing, then completed on the simulated clock; EC2's rules (no shrinking, one at a time,
 * the IOPS quota); isolation; and persistence across a restart.
 */
describe('volume modifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 1);
  });
  afterAll(() => t.close());

  const nowMs = async () => Date.parse((await t.admin().get('/v1/admin/clock').expect(200)).body.now);
  const createVolume = async (key: string, body: object) => (await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', ...body }).expect(201)).body;

  /** Units × the share of each month's length that [from, to) covers: usage in unit-months, as AWS bills storage. */
  const unitMonths = (units: number, from: number, to: number) => {
    let sum = 0;
    for (let a = from; a < to;) {
      const d = new Date(a);
      const monthStart = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      const monthEnd = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      const b = Math.min(to, monthEnd);
      sum += (units * (b - a)) / (monthEnd - monthStart);
      a = b;
    }
    return sum;
  };

  it('changes a gp2 volume to gp3 in place, billed at each configuration for its own time, and moves through modifying, optimizing and completed', async () => {
    const { key } = await t.tenant('elastic');
    const vol = await createVolume(key, { type: 'gp2', sizeGiB: 100 });
    const created = await nowMs();
    await t.advance(3600);
    expectError(await t.as(key).get(`/v1/volumes/${vol.volumeId}/modification`), 404, 'InvalidVolumeModification.NotFound');

    const modified = await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { type: 'gp3', sizeGiB: 200, iops: 4000 }).expect(200);
    const at = await nowMs();
    expect(modified.body).toEqual({
      volumeId: vol.volumeId, state: 'modifying', progress: 0, startTime: new Date(at).toISOString(),
      // gp2 100 GiB: 3 IOPS per GiB and 128 MiB/s; gp3 keeps the asked IOPS and its 125 MiB/s default.
      original: { type: 'gp2', sizeGiB: 100, iops: 300, throughputMiBps: 128 },
      target: { type: 'gp3', sizeGiB: 200, iops: 4000, throughputMiBps: 125 },
    });
    expect((await t.as(key).get(`/v1/volumes/${vol.volumeId}`).expect(200)).body).toMatchObject({ volumeType: 'gp3', sizeGiB: 200, iops: 4000, throughputMiBps: 125 });

    // One at a time: 409 while it runs; and a volume never shrinks (400) — neither changes anything.
    expectError(await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { sizeGiB: 300 }), 409, 'IncorrectModificationState');
    // Modifying for 60 s, then optimizing for 300 s + 1 s per GiB (200): 560 s in all.
    await t.advance(60);
    expect((await t.as(key).get(`/v1/volumes/${vol.volumeId}/modification`).expect(200)).body).toMatchObject({ state: 'optimizing', progress: 10 }); // 60/560
    await t.advance(500);
    const done = (await t.as(key).get(`/v1/volumes/${vol.volumeId}/modification`).expect(200)).body;
    expect(done).toMatchObject({ state: 'completed', progress: 100, endTime: new Date(at + 560_000).toISOString() });
    expectError(await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { sizeGiB: 150 }), 400, 'InvalidParameterValue');
    expectError(await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, {}), 400, 'MissingParameter');
    await t.advance(3600 - 560);
    const end = await nowMs();

    // Usage: gp2 100 GiB for the first hour; gp3 200 GiB with 1,000 IOPS above its 3,000 free for the second.
    const usage = (await t.as(key).get('/v1/usage').query({ from: new Date(created).toISOString(), to: new Date(end).toISOString() }).expect(200)).body;
    const qty = (type: string) => Number(usage.usage.find((u: { usageType: string }) => u.usageType === type)?.quantity ?? NaN);
    expect(qty('EBS:VolumeUsage.gp2')).toBeCloseTo(unitMonths(100, created, at), 6);
    expect(qty('EBS:VolumeUsage.gp3')).toBeCloseTo(unitMonths(200, at, end), 6);
    expect(qty('EBS:VolumeP-IOPS.gp3')).toBeCloseTo(unitMonths(1000, at, end), 6);
    expect(usage.usage.find((u: { usageType: string }) => u.usageType === 'EBS:VolumeP-Throughput.gp3')?.quantity ?? '0').toMatch(/^0(\.0*)?$/);
  });

  it('counts provisioned IOPS against the quota (MaxIOPSLimitExceeded), and another tenant\'s volume is a missing one', async () => {
    const { key } = await t.tenant('iops-capped', { provisionedIops: 5000 });
    const vol = await createVolume(key, { type: 'gp3', sizeGiB: 100 }); // 3,000 IOPS
    expectError(await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { iops: 6000 }), 400, 'MaxIOPSLimitExceeded');
    expect((await t.as(key).get(`/v1/volumes/${vol.volumeId}`).expect(200)).body).toMatchObject({ iops: 3000 });
    await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { iops: 5000 }).expect(200);

    const other = await t.tenant('stranger');
    const missing = 'vol-0123456789abcdef0';
    for (const id of [vol.volumeId, missing]) {
      const e = expectError(await t.as(other.key).post(`/v1/volumes/${id}/modify`, { sizeGiB: 500 }), 404, 'InvalidVolume.NotFound');
      expect(e.message).toBe(`The volume '${id}' does not exist.`);
      expectError(await t.as(other.key).get(`/v1/volumes/${id}/modification`), 404, 'InvalidVolume.NotFound');
    }
    expectError(await t.as(key).post('/v1/volumes/vol-bad/modify', { sizeGiB: 500 }), 400, 'InvalidVolumeID.Malformed');
    expectError(await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { sizeGiB: 'big' }), 400, 'ValidationError');
  });

  it('the new configuration and the modification survive a restart', async () => {
    const { key } = await t.tenant('durable-mod');
    const vol = await createVolume(key, { type: 'gp2', sizeGiB: 50 });
    await t.advance(10);
    await t.as(key).post(`/v1/volumes/${vol.volumeId}/modify`, { sizeGiB: 80 }).expect(200);
    const before = (await t.as(key).get(`/v1/volumes/${vol.volumeId}/modification`).expect(200)).body;
    t = await t.restart();
    expect((await t.as(key).get(`/v1/volumes/${vol.volumeId}/modification`).expect(200)).body).toEqual(before);
    expect((await t.as(key).get(`/v1/volumes/${vol.volumeId}`).expect(200)).body).toMatchObject({ volumeType: 'gp2', sizeGiB: 80, iops: 240 });
  });
});
