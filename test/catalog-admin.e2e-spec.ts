import { expectError, LINUX_AMI, startApp, TestApp, WINDOWS_AMI } from './support/app';
import { billingHarness, HOUR_MS } from './support/billing';

/**
 * The broad catalog through REST: the types tutorials launch, an operator's images with chosen ids
 * and custom instance types (validated, stored, seen by launch, the catalog and billing, kept
 * across a restart), and a tenant's own images and snapshots (pending → available in simulated
 * time; another tenant's are NotFound exactly like a missing one).
 */
describe('catalog: admin images and instance types, tenant images and snapshots', () => {
  let t: TestApp;
  const h = billingHarness(() => t);
  beforeAll(async () => {
    t = await startApp();
    for (const type of ['t2-host', 'm4-host', 'c4-host', 'm1-host', 't1-host', 'm5-host']) await t.hosts(type, 'us-east-1a', 2);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    const now = await h.nowMs();
    const d = new Date(now);
    if (Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - now < 3 * 24 * HOUR_MS) await h.nextMonth();
  });
  const month = async () => new Date(await h.nowMs()).toISOString().slice(0, 7);

  it('launches the types tutorials use: t2.micro, m4.large, c4.xlarge, m1.small, t1.micro', async () => {
    const { key } = await h.tenant('tutorials');
    const ids: string[] = [];
    for (const instanceType of ['t2.micro', 'm4.large', 'c4.xlarge', 'm1.small', 't1.micro']) {
      const res = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType, availabilityZone: 'us-east-1a' });
      expect({ instanceType, status: res.status }).toEqual({ instanceType, status: 201 });
      ids.push(res.body.instances[0].instanceId);
    }
    await t.advance(30);
    for (const id of ids) expect(await h.state(key, id)).toBe('running');
    // An arm64 type does not boot an x86_64 image, as EC2 refuses it.
    const arm = await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 't4g.micro' });
    expect(expectError(arm, 400, 'InvalidParameterValue').message).toMatch(/architecture/);
  });

  it('bills m4.large at its published $0.10 an hour', async () => {
    const { key } = await h.tenant('m4-bill');
    const types = (await t.as(key).get('/v1/instance-types').expect(200)).body.instanceTypes as { name: string; hourlyPriceUsd: Record<string, string> }[];
    expect(types.find((x) => x.name === 'm4.large')!.hourlyPriceUsd).toMatchObject({ linux: '0.10', windows: '0.192' });
    // Graviton: no Windows price, as AWS sells none.
    expect(types.find((x) => x.name === 'm6g.large')!.hourlyPriceUsd).not.toHaveProperty('windows');
    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm4.large' });
    await t.advance(15 + 3600);
    await h.op(key, id, 'stop');
    await t.advance(10);
    expect(h.line(await h.invoice(key, await month()), 'ec2-instance/m4.large/linux')).toMatchObject({ quantity: '1', unitPrice: '0.10', amount: '0.10' });
  });

  it('adds an operator image with a chosen id: tenants see and launch it; deleted, it is gone for new launches', async () => {
    const { key } = await h.tenant('team-scripts');
    const created = await t.admin().post('/v1/admin/images', { imageId: 'ami-0abcdef1234567890', name: 'team base', platform: 'windows', bootSeconds: 90 }).expect(201);
    expect(created.body).toMatchObject({ imageId: 'ami-0abcdef1234567890', platform: 'windows', architecture: 'x86_64', public: true, ownerAlias: 'amazon', state: 'available', bootSeconds: 90 });
    expectError(await t.admin().post('/v1/admin/images', { imageId: 'ami-0abcdef1234567890', name: 'again', platform: 'linux' }), 409, 'InvalidAMIID.Duplicate');
    expectError(await t.admin().post('/v1/admin/images', { imageId: 'ami-xyz', name: 'bad id', platform: 'linux' }), 400, 'InvalidAMIID.Malformed');
    expectError(await t.admin().post('/v1/admin/images', { name: 'no platform' }), 400, 'MissingParameter');
    expectError(await t.as(key).post('/v1/admin/images', { name: 'tenant', platform: 'linux' }), 403, 'UnauthorizedOperation');
    expect((await t.admin().get('/v1/admin/images').expect(200)).body.images.map((i: { imageId: string }) => i.imageId)).toContain('ami-0abcdef1234567890');
    expect((await t.as(key).get('/v1/images').expect(200)).body.images.map((i: { imageId: string }) => i.imageId)).toContain('ami-0abcdef1234567890');

    const launched = await t.as(key).post('/v1/instances', { imageId: 'ami-0abcdef1234567890', instanceType: 'm5.large' }).expect(201);
    expect(launched.body.instances[0].platform).toBe('windows');
    await t.advance(60);
    expect(await h.state(key, launched.body.instances[0].instanceId)).toBe('pending'); // boots in 90 s, its own figure
    await t.advance(30);
    expect(await h.state(key, launched.body.instances[0].instanceId)).toBe('running');

    await t.admin().delete('/v1/admin/images/ami-0abcdef1234567890').expect(204);
    expectError(await t.admin().delete('/v1/admin/images/ami-0abcdef1234567890'), 404, 'InvalidAMIID.NotFound');
    expectError(await t.admin().delete(`/v1/admin/images/${LINUX_AMI}`), 400, 'InvalidParameterValue');
    expectError(await t.as(key).post('/v1/instances', { imageId: 'ami-0abcdef1234567890', instanceType: 'm5.large' }), 404, 'InvalidAMIID.NotFound');
    // The instance launched from it runs on.
    expect(await h.state(key, launched.body.instances[0].instanceId)).toBe('running');
  });

  it('adds a custom instance type: validated, on sale, launched, billed at its price; kept across a restart; deleted, off sale', async () => {
    const { key } = await h.tenant('custom-type');
    const body = { name: 'm5.custom', vcpus: 2, memoryMiB: 6144, hourlyPrices: { linux: '0.25' } };
    expect((await t.admin().post('/v1/admin/instance-types', body).expect(201)).body).toMatchObject({ name: 'm5.custom', family: 'm5', vcpus: 2, hourlyPrices: { linux: '0.25' } });
    expectError(await t.admin().post('/v1/admin/instance-types', body), 409, 'InvalidInstanceType.Duplicate');
    expectError(await t.admin().post('/v1/admin/instance-types', { ...body, name: 'zz9.large' }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/instance-types', { ...body, name: 'm5.other', hourlyPrices: { linux: 0.25 } }), 400, /ValidationError|InvalidParameterValue/);
    expectError(await t.admin().post('/v1/admin/instance-types', { ...body, name: 'm5.other', vcpus: 0 }), 400, /ValidationError|InvalidParameterValue/);
    const types = (await t.as(key).get('/v1/instance-types').expect(200)).body.instanceTypes as { name: string; hourlyPriceUsd: Record<string, string> }[];
    // Windows by the rule: 0.25 + 2 × $0.046.
    expect(types.find((x) => x.name === 'm5.custom')!.hourlyPriceUsd).toMatchObject({ linux: '0.25', windows: '0.342' });

    const id = await h.launch(key, { imageId: LINUX_AMI, instanceType: 'm5.custom' });
    t = await t.restart();
    expect((await t.admin().get('/v1/admin/instance-types').expect(200)).body.instanceTypes.map((x: { name: string }) => x.name)).toEqual(['m5.custom']);
    await t.advance(15 + 3600);
    expect(await h.state(key, id)).toBe('running');
    await h.op(key, id, 'stop');
    await t.advance(10);
    expect(h.line(await h.invoice(key, await month()), 'ec2-instance/m5.custom/linux')).toMatchObject({ quantity: '1', unitPrice: '0.25', amount: '0.25' });

    await t.admin().delete('/v1/admin/instance-types/m5.custom').expect(204);
    expectError(await t.admin().delete('/v1/admin/instance-types/m5.large'), 400, 'InvalidParameterValue');
    expectError(await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.custom' }), 400, 'InvalidParameterValue');
    // Still known to the instance that runs it: it starts again after another restart.
    t = await t.restart();
    await h.op(key, id, 'start');
  });

  it('a custom type takes its capabilities (hypervisor, interfaces, ENA, …), validated; omitted ones are a virtualized Nitro type\'s', async () => {
    const base = { vcpus: 2, memoryMiB: 4096, hourlyPrices: { linux: '0.1' } };
    const plain = (await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.plaincaps' }).expect(201)).body;
    expect(plain.capabilities).toEqual({
      hypervisor: 'nitro', bareMetal: false, maxNetworkInterfaces: 3, ipv4AddressesPerInterface: 10, ipv6AddressesPerInterface: 10,
      enaSupport: 'required', nvmeSupport: 'required', ebsOptimizedSupport: 'default', virtualizationTypes: ['hvm'], instanceStorageSupported: false,
    });
    const metal = await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.metalcaps', capabilities: { bareMetal: true, maxNetworkInterfaces: 4, ipv4AddressesPerInterface: 6, ipv6AddressesPerInterface: 0, instanceStorageSupported: true } }).expect(201);
    expect(metal.body.capabilities).toEqual({
      bareMetal: true, maxNetworkInterfaces: 4, ipv4AddressesPerInterface: 6, ipv6AddressesPerInterface: 0,
      enaSupport: 'required', nvmeSupport: 'required', ebsOptimizedSupport: 'default', virtualizationTypes: ['hvm'], instanceStorageSupported: true,
    });
    expect((await t.admin().get('/v1/admin/instance-types').expect(200)).body.instanceTypes.find((x: { name: string }) => x.name === 'm5.metalcaps').capabilities).toEqual(metal.body.capabilities);
    expectError(await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.bad1', capabilities: { bareMetal: true, hypervisor: 'nitro' } }), 400, 'InvalidParameterValue');
    expectError(await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.bad2', capabilities: { maxNetworkInterfaces: 0 } }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.bad3', capabilities: { enaSupport: 'maybe' } }), 400, 'ValidationError');
    expectError(await t.admin().post('/v1/admin/instance-types', { ...base, name: 'm5.bad4', capabilities: { colour: 'red' } }), 400, 'ValidationError');
    await t.admin().delete('/v1/admin/instance-types/m5.plaincaps').expect(204);
    await t.admin().delete('/v1/admin/instance-types/m5.metalcaps').expect(204);
  });

  it("makes a tenant's image from its instance: pending, then available, launched with its source's platform; private to its tenant", async () => {
    const { key } = await h.tenant('image-maker');
    const other = await h.tenant('neighbour');
    const source = await h.launch(key, { imageId: WINDOWS_AMI, instanceType: 'm5.large', volumes: [{ sizeGiB: 8, type: 'gp3' }] });
    await t.advance(180);
    const image = (await t.as(key).post('/v1/images', { instanceId: source, name: 'my windows', noReboot: true, tags: { team: 'web' } }).expect(201)).body;
    expect(image).toMatchObject({ platform: 'windows', public: false, state: 'pending', tags: { team: 'web' }, sourceInstanceId: source });
    expect(image.blockDevices).toHaveLength(1);
    expect(image.blockDevices[0]).toMatchObject({ volumeSizeGiB: 8, volumeType: 'gp3', snapshotId: expect.stringMatching(/^snap-/) });
    expectError(await t.as(key).post('/v1/images', { instanceId: source, name: 'my windows' }), 409, 'InvalidAMIName.Duplicate');
    expectError(await t.as(key).post('/v1/images', { instanceId: source, name: 'x' }), 400, 'InvalidAMIName.Malformed');
    expectError(await t.as(key).post('/v1/instances', { imageId: image.imageId, instanceType: 'm5.large' }), 400, 'InvalidAMIID.Unavailable');
    // A snapshot of 8 GiB takes 38 s, then the image registers (10 s).
    await t.advance(47);
    expect((await t.as(key).get(`/v1/images/${image.imageId}`).expect(200)).body.state).toBe('pending');
    await t.advance(1);
    expect((await t.as(key).get(`/v1/images/${image.imageId}`).expect(200)).body.state).toBe('available');
    const copy = (await t.as(key).post('/v1/instances', { imageId: image.imageId, instanceType: 'm5.large' }).expect(201)).body.instances[0];
    expect(copy.platform).toBe('windows');

    // Another tenant: as missing, everywhere.
    const missing = 'ami-00000000000000000';
    for (const id of [image.imageId, missing]) {
      expectError(await t.as(other.key).get(`/v1/images/${id}`), 404, 'InvalidAMIID.NotFound');
      expectError(await t.as(other.key).delete(`/v1/images/${id}`), 404, 'InvalidAMIID.NotFound');
      expectError(await t.as(other.key).post('/v1/instances', { imageId: id, instanceType: 'm5.large' }), 404, 'InvalidAMIID.NotFound');
    }
    expect((await t.as(other.key).get('/v1/images').expect(200)).body.images.map((i: { imageId: string }) => i.imageId)).not.toContain(image.imageId);
    expectError(await t.as(key).delete(`/v1/images/${LINUX_AMI}`), 403, 'UnauthorizedOperation');

    // Its snapshot is in use until the image is deregistered.
    const snapshotId = image.blockDevices[0].snapshotId;
    expectError(await t.as(key).delete(`/v1/snapshots/${snapshotId}`), 409, 'InvalidSnapshot.InUse');
    expectError(await t.as(other.key).delete(`/v1/snapshots/${snapshotId}`), 404, 'InvalidSnapshot.NotFound');
    t = await t.restart();
    expect((await t.as(key).get(`/v1/images/${image.imageId}`).expect(200)).body).toMatchObject({ state: 'available', name: 'my windows' });
    await t.as(key).delete(`/v1/images/${image.imageId}`).expect(204);
    expectError(await t.as(key).post('/v1/instances', { imageId: image.imageId, instanceType: 'm5.large' }), 404, 'InvalidAMIID.NotFound');
    await t.as(key).delete(`/v1/snapshots/${snapshotId}`).expect(204);
    // The instance launched from the deregistered image (Windows: 180 s to boot) survives a restart: its image stays known.
    await t.advance(180);
    t = await t.restart();
    expect(await h.state(key, copy.instanceId)).toBe('running');
  });

  it('snapshots a volume: pending with progress, then completed; private to its tenant', async () => {
    const { key } = await h.tenant('snapper');
    const other = await h.tenant('snooper');
    const volumeId = (await t.as(key).post('/v1/volumes', { availabilityZone: 'us-east-1a', sizeGiB: 100, type: 'gp3' }).expect(201)).body.volumeId;
    const snap = (await t.as(key).post('/v1/snapshots', { volumeId, description: 'nightly' }).expect(201)).body;
    expect(snap).toMatchObject({ volumeId, volumeSizeGiB: 100, state: 'pending', progress: '0%', description: 'nightly' });
    await t.advance(65); // 30 s + 100 s in all: half way
    expect((await t.as(key).get(`/v1/snapshots/${snap.snapshotId}`).expect(200)).body).toMatchObject({ state: 'pending', progress: '50%' });
    await t.advance(65);
    expect((await t.as(key).get(`/v1/snapshots/${snap.snapshotId}`).expect(200)).body).toMatchObject({ state: 'completed', progress: '100%' });
    expectError(await t.as(other.key).get(`/v1/snapshots/${snap.snapshotId}`), 404, 'InvalidSnapshot.NotFound');
    expectError(await t.as(other.key).post('/v1/snapshots', { volumeId }), 404, 'InvalidVolume.NotFound');
    expectError(await t.as(key).get('/v1/snapshots/snap-nope'), 400, 'InvalidSnapshotID.Malformed');
    expect((await t.as(other.key).get('/v1/snapshots').expect(200)).body.snapshots).toEqual([]);
    await t.as(key).delete(`/v1/snapshots/${snap.snapshotId}`).expect(204);
    expectError(await t.as(key).get(`/v1/snapshots/${snap.snapshotId}`), 404, 'InvalidSnapshot.NotFound');
  });
});
