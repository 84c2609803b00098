import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { VolumeEntity } from '../apps/api/src/persistence/entities';
import { VolumesService } from '../apps/api/src/application/volumes/volumes.service';
import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const VOLUME_ID = /^vol-[0-9a-f]{17}$/;
const MISSING_VOLUME = 'vol-0123456789abcdef0';
const MISSING_INSTANCE = 'i-0123456789abcdef0';

interface Attachment {
  instanceId: string;
  device: string;
  state: string;
  attachTime: string;
  deleteOnTermination: boolean;
}

interface Volume {
  volumeId: string;
  volumeType: string;
  sizeGiB: number;
  iops: number;
  throughputMiBps: number;
  availabilityZone: string;
  state: string;
  createTime: string;
  attachments: Attachment[];
}

interface InstanceView {
  instanceId: string;
  availabilityZone: string;
  state: { name: string };
  volumes: { volumeId: string; device: string; deleteOnTermination: boolean }[];
  [k: string]: unknown;
}

/**
 * EBS-like volumes through the REST API: CreateVolume per type with defaults and provisioned
 * values, validation, the tenant's provisioned-IOPS quota, attach/detach/delete (EC2's rules and
 * codes), devices and the attachment limit, tenant isolation, launching with volumes (and its
 * idempotent retry), termination, pagination, and persistence across a restart.
 *
 * Fleet: two m5 hosts in us-east-1a and one in us-east-1b.
 */
describe('volumes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 2);
    await t.hosts('m5-host', 'us-east-1b', 1);
  });
  afterAll(() => t.close());

  const create = (key: string, body: object) => t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 100, ...body });
  const createOk = async (key: string, body: object = {}): Promise<Volume> => (await create(key, body).expect(201)).body;
  /** The volume as DescribeVolumes shows it (without the live `performance` block, which has its own test). */
  const getVolume = async (key: string, id: string): Promise<Volume> => {
    const { performance, ...volume } = (await t.as(key).get(`/v1/volumes/${id}`).expect(200)).body;
    expect(performance).toEqual(expect.objectContaining({ iopsDelivered: expect.any(Number), iopsThrottled: expect.any(Number) }));
    return volume;
  };
  const listVolumes = async (key: string, query: Record<string, string | number> = {}): Promise<{ volumes: Volume[]; nextToken?: string }> =>
    (await t.as(key).get('/v1/volumes').query(query).expect(200)).body;
  const volumeIds = async (key: string, query: Record<string, string | number> = {}) => (await listVolumes(key, query)).volumes.map((v) => v.volumeId).sort();
  const attach = (key: string, id: string, body: object) => t.as(key).post(`/v1/volumes/${id}/attach`, body);
  const detach = (key: string, id: string) => t.as(key).post(`/v1/volumes/${id}/detach`);
  const run = (key: string, body: object) => t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', availabilityZone: 'us-east-1a', ...body });
  const launch = async (key: string, body: object = {}): Promise<InstanceView[]> => (await run(key, body).expect(201)).body.instances;
  const launchOne = async (key: string, body: object = {}): Promise<string> => (await launch(key, body))[0].instanceId;
  const getInstance = async (key: string, id: string): Promise<InstanceView> => (await t.as(key).get(`/v1/instances/${id}`).expect(200)).body;
  const quotas = async (key: string) => (await t.as(key).get('/v1/quotas').expect(200)).body;
  const clockNow = async () => (await t.admin().get('/v1/admin/clock').expect(200)).body.now as string;

  describe('POST /v1/volumes', () => {
    let key: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('creator'));
    });

    it('creates a gp2 volume by default (as EC2), available at once, in the EC2 shape', async () => {
      const now = await clockNow();
      const res = await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 100 }).expect(201);
      expect(res.body).toEqual({
        volumeId: expect.stringMatching(VOLUME_ID),
        volumeType: 'gp2',
        sizeGiB: 100,
        iops: 300,
        throughputMiBps: 128,
        availabilityZone: 'us-east-1a',
        state: 'available',
        createTime: now,
        attachments: [],
        encrypted: false,
      });
      expect(await getVolume(key, res.body.volumeId)).toEqual(res.body);
    });

    it('creates an encrypted volume (EC2\'s Encrypted and KmsKeyId, the one rule both adapters call): the AWS managed key, or the key named as a key ARN', async () => {
      const managed = await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 1, encrypted: true }).expect(201);
      expect(managed.body).toMatchObject({ encrypted: true, kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-east-1:\d{12}:key\/[0-9a-f-]{36}$/) });
      const aliased = await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 1, encrypted: true, kmsKeyId: 'alias/aws/ebs' }).expect(201);
      expect(aliased.body.kmsKeyId).toBe(managed.body.kmsKeyId);
      const keyed = await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 1, encrypted: true, kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' }).expect(201);
      expect(keyed.body.kmsKeyId).toMatch(/^arn:aws:kms:us-east-1:\d{12}:key\/1234abcd-12ab-34cd-56ef-1234567890ab$/);
      expect(await getVolume(key, keyed.body.volumeId)).toEqual(keyed.body);
    });

    it.each([
      ['gp2, small (baseline at least 100 IOPS)', { type: 'gp2', sizeGiB: 10 }, { iops: 100, throughputMiBps: 128 }],
      ['gp2, large (3 IOPS per GiB, 250 MiB/s)', { type: 'gp2', sizeGiB: 2000 }, { iops: 6000, throughputMiBps: 250 }],
      ['gp3 with its defaults', { type: 'gp3', sizeGiB: 50 }, { iops: 3000, throughputMiBps: 125 }],
      ['gp3 provisioned', { type: 'gp3', sizeGiB: 100, iops: 6000, throughputMiBps: 500 }, { iops: 6000, throughputMiBps: 500 }],
      ['io2 provisioned (throughput 0.25 MiB/s per IOPS)', { type: 'io2', sizeGiB: 10, iops: 1000 }, { iops: 1000, throughputMiBps: 250 }],
      ['io2 at 500 IOPS per GiB', { type: 'io2', sizeGiB: 20, iops: 10000 }, { iops: 10000, throughputMiBps: 1000 }],
    ])('creates %s', async (_, body, expected) => {
      const v = await createOk(key, body);
      expect(v).toMatchObject({ volumeType: body.type, sizeGiB: body.sizeGiB, state: 'available', attachments: [], ...expected });
      expect(await getVolume(key, v.volumeId)).toEqual(v);
    });

    it.each([
      ['an unknown type', { type: 'gp4' }, 400, 'ValidationError'],
      ['a size of 0', { sizeGiB: 0 }, 400, 'InvalidParameterValue'],
      ['a size above 16 TiB', { sizeGiB: 16_385 }, 400, 'InvalidParameterValue'],
      ['a fractional size', { sizeGiB: 1.5 }, 400, 'ValidationError'],
      ['a size given as a string', { sizeGiB: '10' }, 400, 'ValidationError'],
      ['no size', { sizeGiB: undefined }, 400, 'MissingParameter'],
      ['no availability zone', { availabilityZone: undefined }, 400, 'MissingParameter'],
      ['an unknown availability zone', { availabilityZone: 'us-west-2a' }, 400, 'InvalidParameterValue'],
      ['io2 without iops', { type: 'io2', sizeGiB: 10 }, 400, 'InvalidParameterValue'],
      ['io2 below 4 GiB', { type: 'io2', sizeGiB: 3, iops: 100 }, 400, 'InvalidParameterValue'],
      ['io2 above 500 IOPS per GiB', { type: 'io2', sizeGiB: 10, iops: 5001 }, 400, 'InvalidParameterValue'],
      ['io2 with throughput', { type: 'io2', sizeGiB: 10, iops: 1000, throughputMiBps: 250 }, 400, 'InvalidParameterValue'],
      ['gp2 with iops', { type: 'gp2', iops: 3000 }, 400, 'InvalidParameterValue'],
      ['gp2 with throughput', { type: 'gp2', throughputMiBps: 250 }, 400, 'InvalidParameterValue'],
      ['gp3 below its 3,000 IOPS', { type: 'gp3', iops: 2000 }, 400, 'InvalidParameterValue'],
      ['gp3 above 16,000 IOPS', { type: 'gp3', iops: 16_001 }, 400, 'InvalidParameterValue'],
      ['gp3 above 1,000 MiB/s', { type: 'gp3', iops: 16_000, throughputMiBps: 1001 }, 400, 'InvalidParameterValue'],
      ['gp3 with fractional iops', { type: 'gp3', iops: 3000.5 }, 400, 'ValidationError'],
      ['an unknown field', { multiAttachEnabled: true }, 400, 'ValidationError'],
      ['a KMS key without encrypted', { kmsKeyId: 'alias/aws/ebs' }, 400, 'InvalidParameterDependency'],
      ['an empty client token', { clientToken: '' }, 400, 'ValidationError'],
    ])('refuses %s: %i %s, and creates nothing', async (_, body, status, code) => {
      const { key: k } = await t.tenant('invalid');
      expectError(await create(k, body), status, code);
      expect(await volumeIds(k)).toEqual([]);
    });
  });

  describe('provisioned-IOPS quota', () => {
    it('counts the IOPS of gp3 and io2 volumes (not gp2), refuses past the limit with MaxIOPSLimitExceeded, and frees on delete', async () => {
      const { key } = await t.tenant('quota', { provisionedIops: 10_000 });
      expect((await quotas(key)).provisionedIops).toEqual({ limit: 10_000, used: 0 });
      await createOk(key, { type: 'gp3', sizeGiB: 10 });
      const io2 = await createOk(key, { type: 'io2', sizeGiB: 20, iops: 5000 });
      await createOk(key, { type: 'gp2', sizeGiB: 2000 }); // 6,000 IOPS baseline, not provisioned
      expect((await quotas(key)).provisionedIops).toEqual({ limit: 10_000, used: 8000 });

      const err = expectError(await create(key, { type: 'gp3', sizeGiB: 10 }), 400, 'MaxIOPSLimitExceeded');
      expect(err.message).toContain('10000');
      expect(err.message).toContain('8000');
      expect(err.message).toContain('3000');
      expect((await listVolumes(key)).volumes).toHaveLength(3);

      await createOk(key, { type: 'io2', sizeGiB: 10, iops: 2000 }); // exactly the limit
      expect((await quotas(key)).provisionedIops).toEqual({ limit: 10_000, used: 10_000 });
      await createOk(key, { type: 'gp2', sizeGiB: 10 }); // gp2 still fits
      expectError(await create(key, { type: 'io2', sizeGiB: 10, iops: 100 }), 400, 'MaxIOPSLimitExceeded');

      await t.as(key).delete(`/v1/volumes/${io2.volumeId}`).expect(204);
      expect((await quotas(key)).provisionedIops).toEqual({ limit: 10_000, used: 5000 });
    });

    it('a launch counts every volume of every instance: fewer than minCount fit is 400 and launches nothing; otherwise as many as fit', async () => {
      const { key } = await t.tenant('launch-quota', { provisionedIops: 10_000 });
      const volumes = [{ type: 'gp3', sizeGiB: 10 }, { type: 'io2', sizeGiB: 10, iops: 1000 }]; // 4,000 per instance
      const err = expectError(await run(key, { volumes, minCount: 3, maxCount: 3 }), 400, 'MaxIOPSLimitExceeded');
      expect(err.message).toContain('12000');
      expect((await t.as(key).get('/v1/instances').expect(200)).body.instances).toEqual([]);
      expect(await volumeIds(key)).toEqual([]);
      expect(await quotas(key)).toEqual({ onDemandVcpus: { limit: 64, used: 0 }, provisionedIops: { limit: 10_000, used: 0 } });

      const launched = await launch(key, { volumes, minCount: 1, maxCount: 5 });
      expect(launched).toHaveLength(2);
      expect((await quotas(key)).provisionedIops.used).toBe(8000);
      expectError(await run(key, { volumes }), 400, 'MaxIOPSLimitExceeded');
      // gp2 volumes are not provisioned, so they still launch
      await launch(key, { volumes: [{ type: 'gp2', sizeGiB: 8 }] });
    });

    it('follows a quota changed by the admin', async () => {
      const { key, tenantId } = await t.tenant('quota-change', { provisionedIops: 3000 });
      await createOk(key, { type: 'gp3', sizeGiB: 10 });
      expectError(await create(key, { type: 'gp3', sizeGiB: 10 }), 400, 'MaxIOPSLimitExceeded');
      await t.admin().patch(`/v1/admin/tenants/${tenantId}`, { quotas: { provisionedIops: 6000 } }).expect(200);
      await createOk(key, { type: 'gp3', sizeGiB: 10 });
      expect((await quotas(key)).provisionedIops).toEqual({ limit: 6000, used: 6000 });
    });
  });

  describe('attach, detach, delete', () => {
    let key: string;
    let instanceId: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('attacher'));
      instanceId = await launchOne(key);
    });

    it('attaches at the first free device from /dev/sdf, and the volume and the instance show it', async () => {
      const v = await createOk(key);
      const now = await clockNow();
      const res = await attach(key, v.volumeId, { instanceId }).expect(200);
      expect(res.body).toEqual({ volumeId: v.volumeId, instanceId, device: '/dev/sdf', state: 'attached', attachTime: now, deleteOnTermination: false });
      expect(await getVolume(key, v.volumeId)).toEqual({
        ...v,
        state: 'in-use',
        attachments: [{ instanceId, device: '/dev/sdf', state: 'attached', attachTime: now, deleteOnTermination: false }],
      });
      expect((await getInstance(key, instanceId)).volumes).toEqual([{ volumeId: v.volumeId, device: '/dev/sdf', deleteOnTermination: false }]);

      const second = await createOk(key);
      expect((await attach(key, second.volumeId, { instanceId }).expect(200)).body.device).toBe('/dev/sdg');
      const third = await createOk(key);
      expect((await attach(key, third.volumeId, { instanceId, device: '/dev/sdz' }).expect(200)).body.device).toBe('/dev/sdz');
      expect((await getInstance(key, instanceId)).volumes.map((x) => x.device)).toEqual(['/dev/sdf', '/dev/sdg', '/dev/sdz']);
      expect(await volumeIds(key, { instanceId })).toEqual([v.volumeId, second.volumeId, third.volumeId].sort());
    });

    it('refuses a device in use or not a device name (400 InvalidParameterValue), leaving the volume available', async () => {
      const v = await createOk(key);
      const taken = expectError(await attach(key, v.volumeId, { instanceId, device: '/dev/sdf' }), 400, 'InvalidParameterValue');
      expect(taken.message).toContain('/dev/sdf');
      for (const device of ['/dev/hda', 'sdf', '/dev/sda', '/dev/sdf1', '']) expectError(await attach(key, v.volumeId, { instanceId, device }), 400, 'InvalidParameterValue');
      expect((await getVolume(key, v.volumeId)).state).toBe('available');
    });

    it('refuses a volume already attached (409 VolumeInUse), to the same instance or another', async () => {
      const [v] = (await listVolumes(key, { instanceId })).volumes;
      const other = await launchOne(key);
      expectError(await attach(key, v.volumeId, { instanceId }), 409, 'VolumeInUse');
      expectError(await attach(key, v.volumeId, { instanceId: other }), 409, 'VolumeInUse');
      expect((await getVolume(key, v.volumeId)).attachments[0].instanceId).toBe(instanceId);
    });

    it('refuses to delete an attached volume (409 VolumeInUse)', async () => {
      const [v] = (await listVolumes(key, { instanceId })).volumes;
      expectError(await t.as(key).delete(`/v1/volumes/${v.volumeId}`), 409, 'VolumeInUse');
      expect((await getVolume(key, v.volumeId)).state).toBe('in-use');
    });

    it('detaches: 200 with the attachment detached; the volume is available, the device free again; detaching again is 400 IncorrectState', async () => {
      const v = (await listVolumes(key, { instanceId })).volumes.find((x) => x.attachments[0].device === '/dev/sdf')!;
      const res = await detach(key, v.volumeId).expect(200);
      expect(res.body).toEqual({ volumeId: v.volumeId, instanceId, device: '/dev/sdf', state: 'detached', attachTime: v.attachments[0].attachTime, deleteOnTermination: false });
      expect(await getVolume(key, v.volumeId)).toEqual({ ...v, state: 'available', attachments: [] });
      expect((await getInstance(key, instanceId)).volumes.map((x) => x.device)).toEqual(['/dev/sdg', '/dev/sdz']);
      expectError(await detach(key, v.volumeId), 400, 'IncorrectState');
      // /dev/sdf is free again
      const again = await createOk(key);
      expect((await attach(key, again.volumeId, { instanceId }).expect(200)).body.device).toBe('/dev/sdf');
    });

    it('deletes an available volume: 204, then it is gone (404, not listed) though its row stays, marked deleted', async () => {
      const v = await createOk(key);
      await t.as(key).delete(`/v1/volumes/${v.volumeId}`).expect(204).expect((res) => expect(res.text).toBe(''));
      expectError(await t.as(key).get(`/v1/volumes/${v.volumeId}`), 404, 'InvalidVolume.NotFound');
      expectError(await t.as(key).delete(`/v1/volumes/${v.volumeId}`), 404, 'InvalidVolume.NotFound');
      expectError(await attach(key, v.volumeId, { instanceId }), 404, 'InvalidVolume.NotFound');
      expectError(await detach(key, v.volumeId), 404, 'InvalidVolume.NotFound');
      expect(await volumeIds(key)).not.toContain(v.volumeId);
      const row = await t.app.get<DataSource>(getDataSourceToken()).getRepository(VolumeEntity).findOneByOrFail({ id: v.volumeId });
      expect(row).toMatchObject({ state: 'deleted', deletedAt: Date.parse(await clockNow()) });
    });

    it('answers malformed ids with 400 and missing ones with 404', async () => {
      const v = await createOk(key);
      expectError(await t.as(key).get('/v1/volumes/vol-123'), 400, 'InvalidVolumeID.Malformed');
      expectError(await t.as(key).delete('/v1/volumes/i-0123456789abcdef0'), 400, 'InvalidVolumeID.Malformed');
      expectError(await attach(key, 'vol-XYZ', { instanceId }), 400, 'InvalidVolumeID.Malformed');
      expectError(await t.as(key).get(`/v1/volumes/${MISSING_VOLUME}`), 404, 'InvalidVolume.NotFound');
      expectError(await attach(key, v.volumeId, { instanceId: 'i-123' }), 400, 'InvalidInstanceID.Malformed');
      expectError(await attach(key, v.volumeId, { instanceId: MISSING_INSTANCE }), 404, 'InvalidInstanceID.NotFound');
      expectError(await attach(key, v.volumeId, {}), 400, 'MissingParameter');
      expectError(await attach(key, v.volumeId, { instanceId, force: true }), 400, 'ValidationError');
    });

    it('attaches to a stopped instance, but not to one shutting down or terminated (409 IncorrectInstanceState)', async () => {
      const id = await launchOne(key);
      await t.advance(15);
      await t.as(key).post(`/v1/instances/${id}/stop`).expect(200);
      await t.advance(10);
      expect((await getInstance(key, id)).state.name).toBe('stopped');
      const v = await createOk(key);
      await attach(key, v.volumeId, { instanceId: id }).expect(200);
      await detach(key, v.volumeId).expect(200);

      await t.as(key).delete(`/v1/instances/${id}`).expect(200);
      expect((await getInstance(key, id)).state.name).toBe('shutting-down');
      expectError(await attach(key, v.volumeId, { instanceId: id }), 409, 'IncorrectInstanceState');
      await t.advance(10);
      expect((await getInstance(key, id)).state.name).toBe('terminated');
      expectError(await attach(key, v.volumeId, { instanceId: id }), 409, 'IncorrectInstanceState');
      expect((await getVolume(key, v.volumeId)).state).toBe('available');
    });

    it('refuses a volume in another zone than the instance (400 InvalidVolume.ZoneMismatch)', async () => {
      const v = await createOk(key, { availabilityZone: 'us-east-1b' });
      const err = expectError(await attach(key, v.volumeId, { instanceId }), 400, 'InvalidVolume.ZoneMismatch');
      expect(err.message).toContain('us-east-1b');
      expect((await getVolume(key, v.volumeId)).state).toBe('available');
      const inB = await launchOne(key, { availabilityZone: 'us-east-1b' });
      await attach(key, v.volumeId, { instanceId: inB }).expect(200);
    });
  });

  describe('devices and the attachment limit', () => {
    it('defaults run /dev/sdf to /dev/sdp, then a device must be named; at most 28 volumes (400 AttachmentLimitExceeded)', async () => {
      const { key } = await t.tenant('devices');
      const instanceId = await launchOne(key);
      const vols = [];
      for (let i = 0; i < 29; i++) vols.push((await createOk(key, { sizeGiB: 1 })).volumeId);
      const devices = [];
      for (let i = 0; i < 11; i++) devices.push((await attach(key, vols[i], { instanceId }).expect(200)).body.device);
      expect(devices).toEqual(['f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'].map((c) => `/dev/sd${c}`));
      const none = expectError(await attach(key, vols[11], { instanceId }), 400, 'InvalidParameterValue');
      expect(none.message).toContain('device');
      const named = ['q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'b', 'c', 'd', 'e'].map((c) => `/dev/sd${c}`).concat(['/dev/xvdf', '/dev/xvdg', '/dev/xvdba']);
      for (let i = 0; i < named.length; i++) await attach(key, vols[11 + i], { instanceId, device: named[i] }).expect(200);
      expect((await getInstance(key, instanceId)).volumes).toHaveLength(28);
      const err = expectError(await attach(key, vols[28], { instanceId, device: '/dev/xvdh' }), 400, 'AttachmentLimitExceeded');
      expect(err.message).toContain('28');
      // detaching one makes room again
      await detach(key, vols[0]).expect(200);
      expect((await attach(key, vols[28], { instanceId }).expect(200)).body.device).toBe('/dev/sdf');
    });
  });

  describe('tenant isolation', () => {
    let a: string;
    let b: string;
    let aVolume: string;
    let aAttached: string;
    let aInstance: string;
    let bVolume: string;
    let bInstance: string;
    beforeAll(async () => {
      ({ key: a } = await t.tenant('alpha'));
      ({ key: b } = await t.tenant('bravo'));
      aInstance = await launchOne(a);
      aVolume = (await createOk(a, { type: 'io2', sizeGiB: 10, iops: 1000 })).volumeId;
      aAttached = (await createOk(a)).volumeId;
      await attach(a, aAttached, { instanceId: aInstance }).expect(200);
      bInstance = await launchOne(b);
      bVolume = (await createOk(b)).volumeId;
    });

    /** A 404 body with the id replaced and the requestId left out, so two answers can be compared whatever the id. */
    const shape = (res: request.Response, code: string, id: string) => {
      const err = expectError(res, 404, code);
      return { status: res.status, code: err.code, message: err.message.split(id).join('<id>'), keys: Object.keys(res.body.error).sort() };
    };

    const routes: [string, (key: string, id: string) => request.Test][] = [
      ['GET /v1/volumes/{id}', (key, id) => t.as(key).get(`/v1/volumes/${id}`)],
      ['DELETE /v1/volumes/{id}', (key, id) => t.as(key).delete(`/v1/volumes/${id}`)],
      ['POST /v1/volumes/{id}/attach', (key, id) => attach(key, id, { instanceId: bInstance })],
      ['POST /v1/volumes/{id}/detach', (key, id) => detach(key, id)],
    ];

    it.each(routes)('%s on A\'s volume answers B exactly as a missing id does', async (_, call) => {
      for (const target of [aVolume, aAttached]) {
        expect(shape(await call(b, target), 'InvalidVolume.NotFound', target)).toEqual(shape(await call(b, MISSING_VOLUME), 'InvalidVolume.NotFound', MISSING_VOLUME));
      }
    });

    it('attaching B\'s volume to A\'s instance answers as a missing instance does', async () => {
      const foreign = shape(await attach(b, bVolume, { instanceId: aInstance }), 'InvalidInstanceID.NotFound', aInstance);
      const missing = shape(await attach(b, bVolume, { instanceId: MISSING_INSTANCE }), 'InvalidInstanceID.NotFound', MISSING_INSTANCE);
      expect(foreign).toEqual(missing);
    });

    it('B\'s attempts changed nothing, B never lists A\'s volumes, and quotas are per tenant', async () => {
      expect((await getVolume(a, aVolume)).state).toBe('available');
      expect((await getVolume(a, aAttached)).attachments).toEqual([expect.objectContaining({ instanceId: aInstance, state: 'attached' })]);
      expect((await getVolume(b, bVolume)).state).toBe('available');
      const queries: Record<string, string | number>[] = [{}, { instanceId: aInstance }, { state: 'in-use' }, { availabilityZone: 'us-east-1a' }, { maxResults: 5 }];
      for (const query of queries) {
        expect(await volumeIds(b, query)).not.toEqual(expect.arrayContaining([aVolume]));
        expect(await volumeIds(b, query)).not.toEqual(expect.arrayContaining([aAttached]));
      }
      expect(await volumeIds(b)).toEqual([bVolume]);
      expect(await volumeIds(a)).toEqual([aVolume, aAttached].sort());
      const token = Buffer.from(JSON.stringify({ after: 'vol-00000000000000000' })).toString('base64url');
      expect(await volumeIds(b, { nextToken: token, maxResults: 5 })).toEqual([bVolume]);
      expect((await quotas(a)).provisionedIops.used).toBe(1000);
      expect((await quotas(b)).provisionedIops.used).toBe(0);
    });
  });

  describe('launching with volumes', () => {
    let key: string;
    const volumes = [{ type: 'gp3', sizeGiB: 20 }, { type: 'io2', sizeGiB: 10, iops: 1000 }, { type: 'gp2', sizeGiB: 100 }];
    beforeAll(async () => {
      ({ key } = await t.tenant('launcher'));
    });

    it('creates each instance\'s volumes in its zone, attached as /dev/xvda, /dev/sdf, /dev/sdg, deleted on termination', async () => {
      const now = await clockNow();
      const instances = await launch(key, { volumes, minCount: 2, maxCount: 2, availabilityZone: 'us-east-1b' });
      expect(instances).toHaveLength(2);
      const seen = new Set<string>();
      for (const i of instances) {
        expect(i.volumes).toEqual([
          { volumeId: expect.stringMatching(VOLUME_ID), device: '/dev/xvda', deleteOnTermination: true },
          { volumeId: expect.stringMatching(VOLUME_ID), device: '/dev/sdf', deleteOnTermination: true },
          { volumeId: expect.stringMatching(VOLUME_ID), device: '/dev/sdg', deleteOnTermination: true },
        ]);
        i.volumes.forEach((v) => seen.add(v.volumeId));
        expect((await getInstance(key, i.instanceId)).volumes).toEqual(i.volumes);
        const [root, data, logs] = await Promise.all(i.volumes.map((v) => getVolume(key, v.volumeId)));
        const attachment = (device: string) => [{ instanceId: i.instanceId, device, state: 'attached', attachTime: now, deleteOnTermination: true }];
        expect(root).toEqual({ volumeId: i.volumes[0].volumeId, volumeType: 'gp3', sizeGiB: 20, iops: 3000, throughputMiBps: 125, availabilityZone: 'us-east-1b', state: 'in-use', createTime: now, attachments: attachment('/dev/xvda'), encrypted: false });
        expect(data).toMatchObject({ volumeType: 'io2', sizeGiB: 10, iops: 1000, availabilityZone: 'us-east-1b', state: 'in-use', attachments: attachment('/dev/sdf') });
        expect(logs).toMatchObject({ volumeType: 'gp2', sizeGiB: 100, iops: 300, availabilityZone: 'us-east-1b', state: 'in-use', attachments: attachment('/dev/sdg') });
        expect(await volumeIds(key, { instanceId: i.instanceId })).toEqual(i.volumes.map((v) => v.volumeId).sort());
      }
      expect(seen.size).toBe(6);
      expect((await quotas(key)).provisionedIops.used).toBe(2 * (3000 + 1000));
      // the list shows them too (one query for the page's volumes)
      const listed: InstanceView[] = (await t.as(key).get('/v1/instances').expect(200)).body.instances;
      for (const i of instances) expect(listed.find((x) => x.instanceId === i.instanceId)!.volumes).toEqual(i.volumes);
    });

    it('an idempotent retry returns the same instances with the same volumes, and creates none', async () => {
      const { key: k } = await t.tenant('launch-retry');
      const req = { volumes, clientToken: 'with-volumes-1' };
      const first = (await run(k, req).expect(201)).body;
      const before = await volumeIds(k);
      expect(before).toHaveLength(3);
      const again = (await run(k, req).expect(201)).body;
      expect(again.reservationId).toBe(first.reservationId);
      expect(again.instances.map((i: InstanceView) => i.volumes)).toEqual(first.instances.map((i: InstanceView) => i.volumes));
      expect(await volumeIds(k)).toEqual(before);
      expectError(await run(k, { ...req, volumes: [{ type: 'gp2', sizeGiB: 8 }] }), 409, 'IdempotentParameterMismatch');
      expect(await volumeIds(k)).toEqual(before);
      expect((await quotas(k)).provisionedIops.used).toBe(4000);
    });

    it.each([
      ['io2 without iops', [{ type: 'io2', sizeGiB: 10 }], 'InvalidParameterValue'],
      ['gp2 with iops', [{ type: 'gp2', sizeGiB: 10, iops: 3000 }], 'InvalidParameterValue'],
      ['a size out of range', [{ type: 'gp3', sizeGiB: 0 }], 'InvalidParameterValue'],
      ['no type', [{ sizeGiB: 10 }], 'MissingParameter'],
      ['an unknown type', [{ type: 'gp4', sizeGiB: 500 }], 'ValidationError'],
      ['an unknown field', [{ type: 'gp3', sizeGiB: 10, multiAttachEnabled: true }], 'ValidationError'],
      ['not an array', { type: 'gp3', sizeGiB: 10 }, 'ValidationError'],
      ['29 volumes', Array.from({ length: 29 }, () => ({ type: 'gp2', sizeGiB: 1 })), 'AttachmentLimitExceeded'],
    ])('refuses %s with 400 and launches nothing', async (_, vols, code) => {
      const { key: k } = await t.tenant('launch-invalid');
      expectError(await run(k, { volumes: vols }), 400, code);
      expect((await t.as(k).get('/v1/instances').expect(200)).body.instances).toEqual([]);
      expect(await volumeIds(k)).toEqual([]);
      expect((await quotas(k)).onDemandVcpus.used).toBe(0);
    });

    it('takes 28 volumes; the instance then has no room for another', async () => {
      const { key: k } = await t.tenant('launch-28');
      const [i] = await launch(k, { volumes: Array.from({ length: 28 }, () => ({ type: 'gp2', sizeGiB: 1 })) });
      expect(i.volumes).toHaveLength(28);
      expect(new Set(i.volumes.map((v) => v.device)).size).toBe(28);
      expect(i.volumes[0].device).toBe('/dev/xvda');
      const extra = await createOk(k, { sizeGiB: 1 });
      expectError(await attach(k, extra.volumeId, { instanceId: i.instanceId, device: '/dev/xvdz' }), 400, 'AttachmentLimitExceeded');
    });

    it('a launch volume may be detached (it is then kept on termination) and attached elsewhere', async () => {
      const [i] = await launch(key, { volumes: [{ type: 'gp2', sizeGiB: 8 }, { type: 'gp2', sizeGiB: 8 }] });
      const data = i.volumes[1].volumeId;
      await detach(key, data).expect(200);
      expect((await getInstance(key, i.instanceId)).volumes.map((v) => v.device)).toEqual(['/dev/xvda']);
      const other = await launchOne(key);
      const res = await attach(key, data, { instanceId: other }).expect(200);
      expect(res.body).toMatchObject({ device: '/dev/sdf', deleteOnTermination: false });
    });
  });

  describe('when instances terminate (VolumesService.onInstancesTerminated, for the engine)', () => {
    it('deletes the volumes marked deleteOnTermination, detaches the others, and is idempotent', async () => {
      const { key } = await t.tenant('terminator', { provisionedIops: 20_000 });
      const [i] = await launch(key, { volumes: [{ type: 'gp3', sizeGiB: 8 }, { type: 'io2', sizeGiB: 10, iops: 2000 }] });
      const extra = await createOk(key, { type: 'gp3', sizeGiB: 8 });
      await attach(key, extra.volumeId, { instanceId: i.instanceId }).expect(200);
      const bystander = await launchOne(key, { volumes: [{ type: 'gp2', sizeGiB: 8 }] });
      expect((await quotas(key)).provisionedIops.used).toBe(3000 + 2000 + 3000);
      await t.advance(15);
      await t.as(key).delete(`/v1/instances/${i.instanceId}`).expect(200);

      const calls: string[] = [];
      const plane = { detachVolume: (id: string) => calls.push(`detach ${id}`), removeVolume: (id: string) => calls.push(`remove ${id}`) };
      const service = t.app.get(VolumesService);
      const db = t.app.get<DataSource>(getDataSourceToken());
      const now = Date.parse(await clockNow());
      await db.transaction((tx) => service.onInstancesTerminated(tx, [i.instanceId], () => now, plane));

      const [root, data] = i.volumes.map((v) => v.volumeId);
      expect(calls.sort()).toEqual([`detach ${data}`, `detach ${extra.volumeId}`, `detach ${root}`, `remove ${data}`, `remove ${root}`].sort());
      expectError(await t.as(key).get(`/v1/volumes/${root}`), 404, 'InvalidVolume.NotFound');
      expectError(await t.as(key).get(`/v1/volumes/${data}`), 404, 'InvalidVolume.NotFound');
      expect(await getVolume(key, extra.volumeId)).toMatchObject({ state: 'available', attachments: [] });
      expect((await getInstance(key, i.instanceId)).volumes).toEqual([]);
      expect((await getInstance(key, bystander)).volumes).toHaveLength(1);
      expect((await quotas(key)).provisionedIops.used).toBe(3000);

      await t.advance(10);
      expect((await getInstance(key, i.instanceId)).state.name).toBe('terminated');
      calls.length = 0;
      await db.transaction((tx) => service.onInstancesTerminated(tx, [i.instanceId], () => now, plane));
      expect(calls).toEqual([]);
      expect(await volumeIds(key)).toEqual(expect.arrayContaining([extra.volumeId]));
      expect(await volumeIds(key)).not.toEqual(expect.arrayContaining([root]));
    });
  });

  describe('GET /v1/volumes', () => {
    let key: string;
    let all: string[];
    let attached: string[];
    let instanceId: string;
    beforeAll(async () => {
      ({ key } = await t.tenant('pager'));
      instanceId = await launchOne(key);
      const made = [];
      for (let n = 0; n < 9; n++) made.push((await createOk(key, { sizeGiB: 1 + n })).volumeId);
      for (let n = 0; n < 3; n++) made.push((await createOk(key, { sizeGiB: 1, availabilityZone: 'us-east-1b' })).volumeId);
      attached = made.slice(0, 2);
      for (const v of attached) await attach(key, v, { instanceId }).expect(200);
      const gone = (await createOk(key)).volumeId;
      await t.as(key).delete(`/v1/volumes/${gone}`).expect(204);
      all = made.sort();
    });

    it('pages by id with maxResults and nextToken, every volume once, deleted ones never', async () => {
      const seen: string[] = [];
      let nextToken: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await listVolumes(key, { maxResults: 5, ...(nextToken ? { nextToken } : {}) });
        sizes.push(page.volumes.length);
        seen.push(...page.volumes.map((v) => v.volumeId));
        nextToken = page.nextToken;
      } while (nextToken);
      expect(sizes).toEqual([5, 5, 2]);
      expect(seen).toEqual(all);
      expect(await volumeIds(key)).toEqual(all);
      expect((await listVolumes(key)).nextToken).toBeUndefined();
    });

    it('filters by state, instance and zone', async () => {
      expect(await volumeIds(key, { state: 'in-use' })).toEqual([...attached].sort());
      expect(await volumeIds(key, { state: 'available' })).toEqual(all.filter((v) => !attached.includes(v)));
      expect(await volumeIds(key, { instanceId })).toEqual([...attached].sort());
      expect(await volumeIds(key, { instanceId: MISSING_INSTANCE })).toEqual([]);
      expect(await volumeIds(key, { availabilityZone: 'us-east-1b' })).toHaveLength(3);
      expect(await volumeIds(key, { availabilityZone: 'us-east-1a', state: 'available' })).toHaveLength(7);
    });

    it.each([
      [{ maxResults: 4 }, 'ValidationError'],
      [{ maxResults: 1001 }, 'ValidationError'],
      [{ maxResults: 'ten' }, 'ValidationError'],
      [{ state: 'deleted' }, 'ValidationError'],
      [{ volumeType: 'gp2' }, 'ValidationError'],
      [{ nextToken: 'garbage' }, 'InvalidPaginationToken'],
      [{ nextToken: Buffer.from(JSON.stringify({ after: 'i-00000000000000000' })).toString('base64url') }, 'InvalidPaginationToken'],
    ])('refuses %j with 400 %s', async (query, code) => {
      expectError(await t.as(key).get('/v1/volumes').query(query), 400, code);
    });
  });

  describe('client token', () => {
    it('the same token and request return the same volume; another request is 409; tokens are per tenant', async () => {
      const { key } = await t.tenant('token');
      const req = { type: 'gp3', sizeGiB: 50, clientToken: 'vol-token-1' };
      const first = await createOk(key, req);
      const again = await createOk(key, { ...req, iops: 3000, throughputMiBps: 125 }); // defaults spelled out: the same request
      expect(again).toEqual(first);
      expect(await volumeIds(key)).toEqual([first.volumeId]);
      expect((await quotas(key)).provisionedIops.used).toBe(3000);
      for (const change of [{ sizeGiB: 51 }, { type: 'gp2' }, { iops: 4000 }, { availabilityZone: 'us-east-1b' }]) {
        const err = expectError(await create(key, { ...req, ...change }), 409, 'IdempotentParameterMismatch');
        expect(err.message).toContain('vol-token-1');
      }
      expect(await volumeIds(key)).toEqual([first.volumeId]);

      // a retry after the volume changed answers its current state
      const instanceId = await launchOne(key);
      await attach(key, first.volumeId, { instanceId }).expect(200);
      expect((await createOk(key, req)).state).toBe('in-use');

      const other = await t.tenant('token-other');
      const theirs = await createOk(other.key, req);
      expect(theirs.volumeId).not.toBe(first.volumeId);
      expect(await volumeIds(other.key)).toEqual([theirs.volumeId]);
      // without a token, every call creates a volume
      const { key: k } = await t.tenant('no-token');
      await createOk(k, { sizeGiB: 5 });
      await createOk(k, { sizeGiB: 5 });
      expect(await volumeIds(k)).toHaveLength(2);
    });
  });

  describe('persistence', () => {
    it('volumes, attachments, instance volumes and the quota survive a restart', async () => {
      const { key } = await t.tenant('durable');
      const instances = await launch(key, { volumes: [{ type: 'io2', sizeGiB: 10, iops: 1500 }] });
      const standalone = await createOk(key, { type: 'gp3', sizeGiB: 30, iops: 4000, throughputMiBps: 200 });
      const attachedOne = await createOk(key, { sizeGiB: 40 });
      await attach(key, attachedOne.volumeId, { instanceId: instances[0].instanceId }).expect(200);
      const gone = await createOk(key, { type: 'gp3', sizeGiB: 8 });
      await t.as(key).delete(`/v1/volumes/${gone.volumeId}`).expect(204);
      const before = await listVolumes(key);
      const instanceBefore = await getInstance(key, instances[0].instanceId);
      const quotaBefore = (await quotas(key)).provisionedIops;
      expect(quotaBefore.used).toBe(1500 + 4000);

      t = await t.restart();

      expect(await listVolumes(key)).toEqual(before);
      expect(await getVolume(key, standalone.volumeId)).toEqual(standalone);
      expect((await getInstance(key, instances[0].instanceId)).volumes).toEqual(instanceBefore.volumes);
      expect(instanceBefore.volumes.map((v) => v.device)).toEqual(['/dev/xvda', '/dev/sdf']);
      expect((await quotas(key)).provisionedIops).toEqual(quotaBefore);
      expectError(await t.as(key).get(`/v1/volumes/${gone.volumeId}`), 404, 'InvalidVolume.NotFound');
      // and it all still works
      await detach(key, attachedOne.volumeId).expect(200);
      await t.as(key).delete(`/v1/volumes/${attachedOne.volumeId}`).expect(204);
    });
  });
});
