import request from 'supertest';
import { expectError, startApp, TestApp } from './support/app';

interface InstanceTypeView {
  name: string;
  family: string;
  vcpus: number;
  memoryMiB: number;
  burstable?: { baselinePerVcpu: number; creditsPerHour: number };
  network: { baselineGbps: number; burstGbps: number };
  ebs: { baselineMbps: number; burstMbps: number; baselineIops: number; burstIops: number };
  hourlyPriceUsd: Record<string, string>;
}

/** The tenant catalog: instance types, images and zones, with the figures AWS publishes. */
describe('catalog', () => {
  let t: TestApp;
  let key: string;
  let types: InstanceTypeView[];
  beforeAll(async () => {
    t = await startApp();
    ({ key } = await t.tenant('catalog'));
    types = (await t.as(key).get('/v1/instance-types').expect(200)).body.instanceTypes;
  });
  afterAll(() => t.close());

  const type = (name: string) => {
    const found = types.find((x) => x.name === name);
    if (!found) throw new Error(`instance type ${name} is not in the catalog`);
    return found;
  };

  describe('GET /v1/instance-types', () => {
    it('covers the t3, m5, c5 and r5 families, each name once', () => {
      const families = new Set(types.map((x) => x.family));
      expect([...families].sort()).toEqual(expect.arrayContaining(['c5', 'm5', 'r5', 't3']));
      expect(new Set(types.map((x) => x.name)).size).toBe(types.length);
      for (const x of types) expect(x.name.startsWith(`${x.family}.`)).toBe(true);
      for (const size of ['large', 'xlarge', '2xlarge', '4xlarge']) {
        for (const family of ['m5', 'c5', 'r5']) expect(types.map((x) => x.name)).toContain(`${family}.${size}`);
      }
      expect(types.map((x) => x.name)).toEqual(expect.arrayContaining(['t3.nano', 't3.micro', 't3.small', 't3.medium', 't3.large', 't3.xlarge', 't3.2xlarge']));
    });

    it('has AWS\'s vCPU and memory figures', () => {
      expect(type('t3.micro')).toMatchObject({ family: 't3', vcpus: 2, memoryMiB: 1024 });
      expect(type('t3.nano')).toMatchObject({ vcpus: 2, memoryMiB: 512 });
      expect(type('t3.2xlarge')).toMatchObject({ vcpus: 8, memoryMiB: 32768 });
      expect(type('m5.large')).toMatchObject({ family: 'm5', vcpus: 2, memoryMiB: 8192 });
      expect(type('m5.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 16384 });
      expect(type('m5.24xlarge')).toMatchObject({ vcpus: 96, memoryMiB: 393216 });
      expect(type('c5.large')).toMatchObject({ family: 'c5', vcpus: 2, memoryMiB: 4096 });
      expect(type('c5.9xlarge')).toMatchObject({ vcpus: 36, memoryMiB: 73728 });
      expect(type('r5.large')).toMatchObject({ family: 'r5', vcpus: 2, memoryMiB: 16384 });
      expect(type('r5.24xlarge')).toMatchObject({ vcpus: 96, memoryMiB: 786432 });
    });

    it('gives burstable types their baseline and credit rate, and fixed-performance types none', () => {
      expect(type('t3.micro').burstable).toEqual({ baselinePerVcpu: 0.1, creditsPerHour: 12 });
      expect(type('t3.nano').burstable).toEqual({ baselinePerVcpu: 0.05, creditsPerHour: 6 });
      expect(type('t3.large').burstable).toEqual({ baselinePerVcpu: 0.3, creditsPerHour: 36 });
      expect(type('t3.2xlarge').burstable).toEqual({ baselinePerVcpu: 0.4, creditsPerHour: 192 });
      // t2.micro: 1 vCPU at 10 % (AWS's T2 table: 6 credits an hour).
      expect(type('t2.micro').burstable).toEqual({ baselinePerVcpu: 0.1, creditsPerHour: 6 });
      for (const x of types) {
        if (!['t1', 't2', 't3', 't3a', 't4g'].includes(x.family)) {
          expect(x).not.toHaveProperty('burstable');
          continue;
        }
        // Credits: one vCPU at 100 % for one minute; earned at the baseline on every vCPU.
        expect(x.burstable!.baselinePerVcpu).toBeGreaterThan(0);
        expect(x.burstable!.baselinePerVcpu).toBeLessThan(1);
        expect(x.burstable!.creditsPerHour).toBeCloseTo(x.burstable!.baselinePerVcpu * x.vcpus * 60, 6);
      }
    });

    it('gives network and EBS bandwidth, baseline never above burst', () => {
      expect(type('m5.large').network).toEqual({ baselineGbps: 0.75, burstGbps: 10 });
      expect(type('m5.large').ebs).toEqual({ baselineMbps: 650, burstMbps: 4750, baselineIops: 3600, burstIops: 18750 });
      expect(type('m5.24xlarge').network).toEqual({ baselineGbps: 25, burstGbps: 25 });
      for (const x of types) {
        expect(x.network.baselineGbps).toBeGreaterThan(0);
        expect(x.network.baselineGbps).toBeLessThanOrEqual(x.network.burstGbps);
        expect(x.ebs.baselineMbps).toBeLessThanOrEqual(x.ebs.burstMbps);
        expect(x.ebs.baselineIops).toBeLessThanOrEqual(x.ebs.burstIops);
      }
    });

    it("gives AWS's us-east-1 On-Demand hourly prices by platform, as decimal strings", () => {
      expect(type('m5.large').hourlyPriceUsd).toMatchObject({ linux: '0.096', windows: '0.188', 'windows-sql-standard': '0.688' });
      expect(type('t3.micro').hourlyPriceUsd).toMatchObject({ linux: '0.0104', windows: '0.0196' });
      expect(type('r5.24xlarge').hourlyPriceUsd.linux).toBe('6.048');
      expect(Object.keys(type('c5.large').hourlyPriceUsd).sort()).toEqual(['linux', 'rhel', 'suse', 'ubuntu-pro', 'windows', 'windows-sql-standard']);
    });

    it('keeps each fixed-performance family\'s memory per vCPU: m5 4 GiB, c5 2 GiB, r5 8 GiB', () => {
      const ratio: Record<string, number> = { m5: 4096, c5: 2048, r5: 8192 };
      const fixed = types.filter((x) => x.family in ratio);
      expect(fixed.length).toBeGreaterThanOrEqual(24);
      for (const x of fixed) expect({ name: x.name, miBPerVcpu: x.memoryMiB / x.vcpus }).toEqual({ name: x.name, miBPerVcpu: ratio[x.family] });
    });
  });

  describe('GET /v1/images', () => {
    it('lists ami- ids with name, platform, license model and boot time', async () => {
      const res = await t.as(key).get('/v1/images').expect(200);
      const images: { imageId: string; name: string; platform: string; licenseModel: string; bootSeconds: number }[] = res.body.images;
      expect(images.length).toBeGreaterThanOrEqual(6);
      for (const i of images) {
        expect(i.imageId).toMatch(/^ami-[0-9a-f]{17}$/);
        expect(i.name.length).toBeGreaterThan(0);
        expect(['license-included', 'byol']).toContain(i.licenseModel);
        expect(i.bootSeconds).toBeGreaterThan(0);
      }
      expect(new Set(images.map((i) => i.imageId)).size).toBe(images.length);
      expect([...new Set(images.map((i) => i.platform))]).toEqual(expect.arrayContaining(['linux', 'windows', 'rhel', 'suse', 'ubuntu-pro', 'windows-sql-standard']));
    });

    it('has Amazon Linux booting in 15 s and Windows in minutes', async () => {
      const images = (await t.as(key).get('/v1/images').expect(200)).body.images;
      expect(images).toContainEqual(expect.objectContaining({ imageId: 'ami-0a1e0c00000000a23', name: 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', description: 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1', platform: 'linux', bootSeconds: 15 }));
      expect(images).toContainEqual(expect.objectContaining({ imageId: 'ami-0f0d0c00000000f22', platform: 'windows', licenseModel: 'license-included', bootSeconds: 180 }));
      const windows = images.filter((i: { platform: string }) => i.platform.startsWith('windows'));
      for (const w of windows) expect(w.bootSeconds).toBeGreaterThanOrEqual(60);
      expect(images.some((i: { licenseModel: string }) => i.licenseModel === 'byol')).toBe(true);
    });
  });

  describe('GET /v1/availability-zones', () => {
    it('lists us-east-1a, b and c, available', async () => {
      const res = await t.as(key).get('/v1/availability-zones').expect(200);
      expect(res.body).toEqual({
        availabilityZones: [
          { zoneName: 'us-east-1a', regionName: 'us-east-1', state: 'available' },
          { zoneName: 'us-east-1b', regionName: 'us-east-1', state: 'available' },
          { zoneName: 'us-east-1c', regionName: 'us-east-1', state: 'available' },
        ],
      });
    });
  });

  it.each(['/v1/instance-types', '/v1/images', '/v1/availability-zones'])('%s answers 401 AuthFailure without a key, 403 with the admin key', async (url) => {
    expectError(await request(t.app.getHttpServer()).get(url), 401, 'AuthFailure');
    expectError(await t.as('nmb_unknown').get(url), 401, 'AuthFailure');
    expectError(await t.admin().get(url), 403, 'UnauthorizedOperation');
  });
});
