import { expectError, LINUX_AMI, startApp, TestApp } from './support/app';

const SQL_BYOL = 'ami-0f3d0c00000003f22';
const WINDOWS_BYOL = 'ami-0f2d0c00000002f22';

interface LicenseConfiguration {
  licenseConfigurationId: string;
  name: string;
  countingType: string;
  limit: number;
  hardLimit: boolean;
  consumedLicenses: number;
  limitExceeded: boolean;
  usage: { resourceType: string; resourceId: string; consumedLicenses: number }[];
}

/**
 * License configurations and license-aware admission (docs/model.md §5): `POST/GET
 * /v1/license-configurations`, `GET/DELETE .../{id}`; RunInstances with `licenseConfigurationId`.
 * SQL Server counts per core with a 4-core minimum per VM; Socket and Core on a Dedicated Host
 * count the host's physical sockets or cores once; vCPU counts vCPUs; Instance counts instances.
 * A hard limit refuses the whole request (LicenseLimitExceeded), a soft one admits and reports.
 * Instances consume until terminated (stopped ones too). All of it survives a restart.
 */
describe('license configurations', () => {
  let t: TestApp;
  let key: string;
  let other: string;
  let dhA: string;
  let dhB: string;

  const create = (body: object, k = key) => t.as(k).post('/v1/license-configurations', body);
  const config = async (id: string): Promise<LicenseConfiguration> => (await t.as(key).get(`/v1/license-configurations/${id}`).expect(200)).body;
  const run = (body: object) => t.as(key).post('/v1/instances', { imageId: SQL_BYOL, instanceType: 'm5.large', ...body });
  const count = async () => (await t.as(key).get('/v1/instances').expect(200)).body.instances.length as number;

  beforeAll(async () => {
    t = await startApp();
    await t.hosts('m5-host', 'us-east-1a', 4);
    ({ key } = await t.tenant('licensed', { onDemandVcpus: 10_000 }));
    ({ key: other } = await t.tenant('other'));
    const hosts = (await t.as(key).post('/v1/dedicated-hosts', { instanceFamily: 'm5', availabilityZone: 'us-east-1a', quantity: 2 }).expect(201)).body.hosts;
    [dhA, dhB] = hosts.map((h: { hostId: string }) => h.hostId);
  });
  afterAll(() => t.close());

  let sqlCores: string;
  let vcpuSoft: string;
  let sockets: string;

  it('creates configurations and shows them with their consumption', async () => {
    const res = await create({ name: 'SQL Server Standard', countingType: 'Core', limit: 10, hardLimit: true }).expect(201);
    expect(res.body).toEqual({
      licenseConfigurationId: expect.stringMatching(/^lic-[0-9a-f]{17}$/), name: 'SQL Server Standard', countingType: 'Core', limit: 10, hardLimit: true,
      consumedLicenses: 0, limitExceeded: false, status: 'AVAILABLE', usage: [], createdAt: expect.any(String),
    });
    sqlCores = res.body.licenseConfigurationId;
    vcpuSoft = (await create({ name: 'soft vCPUs', countingType: 'vCPU', limit: 4 }).expect(201)).body.licenseConfigurationId;
    sockets = (await create({ name: 'Windows Datacenter sockets', countingType: 'Socket', limit: 2, hardLimit: true }).expect(201)).body.licenseConfigurationId;
    expect((await config(vcpuSoft)).hardLimit).toBe(false);
    const list = (await t.as(key).get('/v1/license-configurations').expect(200)).body.licenseConfigurations;
    expect(list.map((c: LicenseConfiguration) => c.licenseConfigurationId).sort()).toEqual([sqlCores, vcpuSoft, sockets].sort());
  });

  it('refuses bad configurations with a clear 400', async () => {
    expectError(await create({ name: 'x', countingType: 'Processor', limit: 1 }), 400, 'ValidationError');
    expectError(await create({ name: 'x', countingType: 'vCPU', limit: 0 }), 400, 'ValidationError');
    expectError(await create({ name: 'x', countingType: 'vCPU', limit: 1.5 }), 400, 'ValidationError');
    expectError(await create({ countingType: 'vCPU', limit: 1 }), 400, 'MissingParameter');
    expectError(await create({ name: 'x', countingType: 'vCPU', limit: 1, hardLimit: 'yes' }), 400, 'ValidationError');
  });

  it('SQL Server per core: 4 cores minimum per VM; a hard limit refuses the whole request and launches nothing', async () => {
    await run({ licenseConfigurationId: sqlCores, minCount: 2, maxCount: 2 }).expect(201); // 2 × max(1 core, 4)
    expect(await config(sqlCores)).toMatchObject({ consumedLicenses: 8, limitExceeded: false });
    const before = await count();
    const err = expectError(await run({ licenseConfigurationId: sqlCores }), 400, 'LicenseLimitExceeded');
    expect(err.message).toContain('hard limit of 10');
    expectError(await run({ licenseConfigurationId: sqlCores, minCount: 1, maxCount: 3 }), 400, 'LicenseLimitExceeded');
    expect(await count()).toBe(before);
    expect((await config(sqlCores)).consumedLicenses).toBe(8);
  });

  it('a soft limit admits past it and reports the overage', async () => {
    await run({ licenseConfigurationId: vcpuSoft, instanceType: 'm5.xlarge' }).expect(201);
    await run({ licenseConfigurationId: vcpuSoft, instanceType: 'm5.xlarge' }).expect(201);
    expect(await config(vcpuSoft)).toMatchObject({ limit: 4, consumedLicenses: 8, limitExceeded: true });
  });

  it('sockets are counted on the Dedicated Host, once per host', async () => {
    const win = (hostId: string) => t.as(key).post('/v1/instances', { imageId: WINDOWS_BYOL, instanceType: 'm5.large', hostId, licenseConfigurationId: sockets });
    await win(dhA).expect(201);
    await win(dhA).expect(201); // the same two sockets
    const c = await config(sockets);
    expect(c).toMatchObject({ consumedLicenses: 2, usage: [{ resourceType: 'host', resourceId: dhA, consumedLicenses: 2 }] });
    expectError(await win(dhB), 400, 'LicenseLimitExceeded');
    // socket counting covers only Dedicated Hosts
    const err = expectError(await run({ licenseConfigurationId: sockets }), 400, 'InvalidParameterCombination');
    expect(err.message).toContain('sockets');
  });

  it('physical cores of a Dedicated Host count once for all its SQL Server instances', async () => {
    const cores = (await create({ name: 'SQL on hosts', countingType: 'Core', limit: 200, hardLimit: true }).expect(201)).body.licenseConfigurationId;
    await run({ licenseConfigurationId: cores, hostId: dhB, minCount: 3, maxCount: 3 }).expect(201);
    expect(await config(cores)).toMatchObject({ consumedLicenses: 56, usage: [{ resourceType: 'host', resourceId: dhB, consumedLicenses: 56 }] });
  });

  it('a license configuration applies only to BYOL images', async () => {
    const err = expectError(await t.as(key).post('/v1/instances', { imageId: LINUX_AMI, instanceType: 'm5.large', licenseConfigurationId: vcpuSoft }), 400, 'InvalidParameterCombination');
    expect(err.message).toContain('license-included');
  });

  it('another tenant\'s configuration answers exactly as a missing one', async () => {
    const missingId = 'lic-0123456789abcdef0';
    const a = expectError(await t.as(other).get(`/v1/license-configurations/${sqlCores}`), 404, 'InvalidLicenseConfigurationId.NotFound');
    const b = expectError(await t.as(other).get(`/v1/license-configurations/${missingId}`), 404, 'InvalidLicenseConfigurationId.NotFound');
    expect(a.message.replace(sqlCores, '<id>')).toBe(b.message.replace(missingId, '<id>'));
    expectError(await t.as(other).delete(`/v1/license-configurations/${sqlCores}`), 404, 'InvalidLicenseConfigurationId.NotFound');
    expectError(await t.as(other).post('/v1/instances', { imageId: SQL_BYOL, instanceType: 'm5.large', licenseConfigurationId: sqlCores }), 404, 'InvalidLicenseConfigurationId.NotFound');
    expect((await t.as(other).get('/v1/license-configurations').expect(200)).body.licenseConfigurations).toEqual([]);
  });

  it('stopped instances keep consuming; terminated ones stop once terminated', async () => {
    const mine = (await t.as(key).get('/v1/instances').expect(200)).body.instances.filter((i: { licenseConfigurationId?: string }) => i.licenseConfigurationId === sqlCores);
    expect(mine).toHaveLength(2);
    await t.advance(300);
    await t.as(key).post(`/v1/instances/${mine[0].instanceId}/stop`).expect(200);
    await t.advance(120);
    expect((await t.as(key).get(`/v1/instances/${mine[0].instanceId}`).expect(200)).body.state.name).toBe('stopped');
    expect((await config(sqlCores)).consumedLicenses).toBe(8);
    await t.as(key).delete(`/v1/instances/${mine[1].instanceId}`).expect(200);
    expect((await config(sqlCores)).consumedLicenses).toBe(8); // shutting-down
    await t.advance(120);
    expect((await config(sqlCores)).consumedLicenses).toBe(4);
    await run({ licenseConfigurationId: sqlCores }).expect(201);
    expect((await config(sqlCores)).consumedLicenses).toBe(8);
  });

  it('a restart keeps configurations, consumption and the hard limit', async () => {
    t = await t.restart();
    expect(await config(sqlCores)).toMatchObject({ consumedLicenses: 8, limit: 10, hardLimit: true });
    expect(await config(sockets)).toMatchObject({ consumedLicenses: 2 });
    expectError(await run({ licenseConfigurationId: sqlCores }), 400, 'LicenseLimitExceeded');
    const stopped = (await t.as(key).get('/v1/instances?state=stopped').expect(200)).body.instances[0];
    await t.as(key).post(`/v1/instances/${stopped.instanceId}/start`).expect(200); // consumes already: no new admission
  });

  it('deleting a configuration in use is refused; once its instances are terminated it goes', async () => {
    expectError(await t.as(key).delete(`/v1/license-configurations/${sqlCores}`), 409, 'LicenseConfigurationInUse');
    const users = (await t.as(key).get('/v1/instances').expect(200)).body.instances.filter((i: { licenseConfigurationId?: string }) => i.licenseConfigurationId === sqlCores);
    for (const i of users) await t.as(key).delete(`/v1/instances/${i.instanceId}`).expect(200);
    await t.advance(400);
    await t.as(key).delete(`/v1/license-configurations/${sqlCores}`).expect(204);
    expectError(await t.as(key).get(`/v1/license-configurations/${sqlCores}`), 404, 'InvalidLicenseConfigurationId.NotFound');
  });
});
