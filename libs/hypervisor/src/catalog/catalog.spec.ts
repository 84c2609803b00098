import { Catalog } from './catalog';
import { findHostType, HOST_TYPES, hardwareThreads } from './host-types';
import { findImage, imageBlockDevices, IMAGES, isRootDeviceName, rootDeviceOf } from './images';
import { findInstanceType, INSTANCE_TYPES, isBurstable } from './instance-types';

const type = (name: string) => {
  const t = findInstanceType(name);
  if (!t) throw new Error(`${name} is not in the catalog`);
  return t;
};

describe('the instance-type catalog (AWS us-east-1, published figures)', () => {
  it('has the types tutorials launch, with AWS’s vCPUs, memory, baseline and price', () => {
    // t2.micro: 1 vCPU, 1 GiB, 10 % baseline, $0.0116/h.
    expect(type('t2.micro')).toMatchObject({ family: 't2', vcpus: 1, memoryMiB: 1024, baselinePerVcpu: 0.1, onDemandLinuxHourlyUsd: '0.0116' });
    // m4.large: 2 vCPUs, 8 GiB, $0.10/h, 450 Mbps dedicated EBS.
    expect(type('m4.large')).toMatchObject({ family: 'm4', vcpus: 2, memoryMiB: 8192, onDemandLinuxHourlyUsd: '0.1', currentGeneration: false });
    expect(type('m4.large').ebs.baselineMbps).toBe(450);
    // c4.xlarge: 4 vCPUs, 7.5 GiB, $0.199/h.
    expect(type('c4.xlarge')).toMatchObject({ vcpus: 4, memoryMiB: 7.5 * 1024, onDemandLinuxHourlyUsd: '0.199' });
    // m1.small: 1 vCPU, 1.7 GiB (1,740 MiB as EC2 reports it), 32- and 64-bit, $0.044/h.
    expect(type('m1.small')).toMatchObject({ vcpus: 1, memoryMiB: 1740, architectures: ['i386', 'x86_64'], onDemandLinuxHourlyUsd: '0.044' });
    // t1.micro: 1 vCPU, 0.613 GiB (627 MiB), $0.02/h.
    expect(type('t1.micro')).toMatchObject({ vcpus: 1, memoryMiB: 627, onDemandLinuxHourlyUsd: '0.02' });
    expect(Math.floor(0.613 * 1024)).toBe(type('t1.micro').memoryMiB);
  });

  it('keeps the t3, m5, c5 and r5 figures as before', () => {
    expect(type('t3.micro')).toMatchObject({ vcpus: 2, memoryMiB: 1024, baselinePerVcpu: 0.1, network: { baselineGbps: 0.064, burstGbps: 5 } });
    expect(type('m5.large')).toMatchObject({ vcpus: 2, memoryMiB: 8192, onDemandLinuxHourlyUsd: '0.096', ebs: { baselineMbps: 650, burstMbps: 4750, baselineIops: 3600, burstIops: 18750 } });
    expect(type('c5.9xlarge')).toMatchObject({ vcpus: 36, memoryMiB: 73728, onDemandLinuxHourlyUsd: '1.53' });
    expect(type('r5.24xlarge')).toMatchObject({ vcpus: 96, memoryMiB: 786432, onDemandLinuxHourlyUsd: '6.048' });
  });

  it('gives the T2 credit table’s baselines (t2.xlarge 90 % over 4 vCPUs, t2.2xlarge 135 % over 8)', () => {
    expect(type('t2.nano').baselinePerVcpu).toBe(0.05);
    expect(type('t2.large').baselinePerVcpu).toBe(0.3);
    expect(type('t2.xlarge').baselinePerVcpu! * 4).toBeCloseTo(0.9, 10);
    expect(type('t2.2xlarge').baselinePerVcpu! * 8).toBeCloseTo(1.35, 10);
    expect(type('t4g.micro')).toMatchObject({ baselinePerVcpu: 0.1, architectures: ['arm64'] });
    expect(type('t3a.large').baselinePerVcpu).toBe(0.3);
  });

  it('covers every family the tools expect, previous generations included', () => {
    const families = new Set(INSTANCE_TYPES.map((t) => t.family));
    for (const f of [
      't1', 't2', 't3', 't3a', 't4g', 'm1', 'm2', 'm3', 'm4', 'm5', 'm5a', 'm5zn', 'm6i', 'm6g', 'm7i-flex', 'm7g', 'm8g', 'c1', 'c3', 'c4', 'c5n', 'c6gn', 'c7i',
      'r3', 'r4', 'r5b', 'r7iz', 'x1', 'x1e', 'x2iezn', 'z1d', 'u-6tb1', 'i2', 'i3', 'i3en', 'i4g', 'im4gn', 'is4gen', 'd2', 'd3', 'd3en', 'h1', 'p2', 'p3',
      'p3dn', 'p4d', 'p5', 'g3', 'g4dn', 'g4ad', 'g5', 'g5g', 'g6', 'inf1', 'inf2', 'trn1', 'dl1', 'f1', 'vt1', 'hpc7g', 'mac1', 'mac2',
    ])
      expect(families).toContain(f);
    expect(new Set(INSTANCE_TYPES.map((t) => t.name)).size).toBe(INSTANCE_TYPES.length);
  });

  it('has consistent figures for every type', () => {
    for (const t of INSTANCE_TYPES) {
      expect(t.name.startsWith(`${t.family}.`)).toBe(true);
      expect(t.vcpus).toBe(t.defaultCores! * t.threadsPerCore!);
      expect(t.memoryMiB).toBeGreaterThan(0);
      expect(t.network.baselineGbps).toBeGreaterThan(0);
      expect(t.network.baselineGbps).toBeLessThanOrEqual(t.network.burstGbps);
      expect(t.ebs.baselineMbps).toBeLessThanOrEqual(t.ebs.burstMbps);
      expect(t.ebs.baselineIops).toBeLessThanOrEqual(t.ebs.burstIops);
      expect(t.onDemandLinuxHourlyUsd).toMatch(/^\d+(\.\d+)?$/);
      expect(isBurstable(t)).toBe(['t1', 't2', 't3', 't3a', 't4g'].includes(t.family));
    }
  });
});

describe('host types', () => {
  it('keeps the hand-made ones, and sizes a family’s host for its largest size', () => {
    expect(findHostType('m5-host')).toMatchObject({ sockets: 2, coresPerSocket: 28, families: ['m5', 't3'] });
    // m4's largest is m4.16xlarge (64 vCPUs, 256 GiB): 33 cores over 2 sockets at 2 threads, room for the VMM's 2 %.
    const m4 = findHostType('m4-host')!;
    expect(m4).toMatchObject({ sockets: 2, threadsPerCore: 2, families: ['m4'], virtualization: 'hardware-assisted' });
    expect(hardwareThreads(m4) * 0.98).toBeGreaterThanOrEqual(64);
    expect(m4.memoryMiB - m4.hypervisorReserveMiB).toBeGreaterThanOrEqual(256 * 1024);
    // The Xen PV era runs paravirtual; Graviton hosts are single-socket, one thread per core.
    expect(findHostType('m1-host')!.virtualization).toBe('paravirtual');
    expect(findHostType('m6g-host')).toMatchObject({ sockets: 1, threadsPerCore: 1 });
  });

  it('runs every catalog family on some host type', () => {
    const run = new Set(HOST_TYPES.flatMap((h) => h.families));
    for (const t of INSTANCE_TYPES) expect(run).toContain(t.family);
  });
});

describe('Catalog', () => {
  const custom = { ...type('m5.large'), name: 'm5.custom', onDemandLinuxHourlyUsd: '0.2' };
  const image = { ...IMAGES[0], imageId: 'ami-0123456789abcdef0', name: 'team image' };

  it('has the built-in catalog as its base, and sees additions everywhere at once', () => {
    const sut = new Catalog();
    expect(sut.instanceType('t2.micro')).toBe(findInstanceType('t2.micro'));
    expect(sut.image(IMAGES[0].imageId)).toBe(IMAGES[0]);
    sut.addInstanceType(custom);
    sut.addImage(image);
    expect(sut.instanceType('m5.custom')).toBe(custom);
    expect(sut.launchableImage(image.imageId)).toBe(image);
    expect(sut.instanceTypes().at(-1)).toBe(custom);
    expect(sut.version).toBe(2);
    // The built-in lookups are not changed: the additions belong to this catalog only.
    expect(findInstanceType('m5.custom')).toBeUndefined();
    expect(findImage(image.imageId)).toBeUndefined();
  });

  it('refuses a name it knows, and retires only what was added, keeping it known for running instances', () => {
    const sut = new Catalog({ instanceTypes: [custom], images: [image] });
    expect(() => sut.addInstanceType(type('t2.micro'))).toThrow(RangeError);
    expect(sut.retireInstanceType('t2.micro')).toBe(false);
    expect(sut.retireInstanceType('m5.custom')).toBe(true);
    expect(sut.retireImage(image.imageId)).toBe(true);
    expect(sut.instanceType('m5.custom')).toBe(custom);
    expect(sut.launchableInstanceType('m5.custom')).toBeUndefined();
    expect(sut.launchableImage(image.imageId)).toBeUndefined();
    expect(sut.instanceTypes().map((t) => t.name)).not.toContain('m5.custom');
    expect(sut.allInstanceTypes().map((t) => t.name)).toContain('m5.custom');
  });

  it('changes an added image in place (its launches see the change), never a built-in one', () => {
    const sut = new Catalog({ images: [image] });
    const changed = { ...image, imdsSupport: 'v2.0' as const };
    sut.replaceImage(changed);
    expect(sut.launchableImage(image.imageId)).toBe(changed);
    expect(() => sut.replaceImage({ ...IMAGES[1], imdsSupport: 'v2.0' })).toThrow(RangeError);
    expect(sut.image(IMAGES[1].imageId)).toBe(IMAGES[1]);
  });
});

describe("an image's block device mapping (DescribeImages, RunInstances)", () => {
  it("is an AMI's root for the catalog's images: at its root device, its AMI's type and size (gp2, 8 GiB, Windows 30, by default), from snap- and the image's hex digits", () => {
    // Amazon Linux 2023's AMIs map a gp3 root of 8 GiB at its baseline, 3,000 IOPS and 125 MiB/s; Red Hat's a gp3 of 10 GiB.
    expect(imageBlockDevices(findImage('ami-0a1e0c00000000a23')!)).toEqual([
      { deviceName: '/dev/xvda', snapshotId: 'snap-0a1e0c00000000a23', volumeSizeGiB: 8, volumeType: 'gp3', iops: 3000, throughputMiBps: 125, deleteOnTermination: true },
    ]);
    expect(imageBlockDevices(findImage('ami-0d0e0c00000000d09')!)[0]).toMatchObject({ deviceName: '/dev/sda1', volumeSizeGiB: 10, volumeType: 'gp3' });
    expect(imageBlockDevices(findImage('ami-0e0e0c00000000e15')!)[0]).toEqual({ deviceName: '/dev/sda1', snapshotId: 'snap-0e0e0c00000000e15', volumeSizeGiB: 8, volumeType: 'gp2', deleteOnTermination: true });
    expect(imageBlockDevices(findImage('ami-0f0d0c00000000f22')!)[0]).toMatchObject({ deviceName: '/dev/sda1', snapshotId: 'snap-0f0d0c00000000f22', volumeSizeGiB: 30 });
    // An operator's 8-digit id is zero-padded to a snapshot id's 17.
    expect(imageBlockDevices({ ...findImage('ami-0a1e0c00000000a23')!, imageId: 'ami-1234abcd' })[0].snapshotId).toBe('snap-0000000001234abcd');
  });

  it("is a CreateImage image's own, root first, with the default root only where it maps none", () => {
    const base = findImage('ami-0a1e0c00000000a23')!;
    const root = { deviceName: '/dev/xvda', snapshotId: 'snap-0000000000000000a', volumeSizeGiB: 16, volumeType: 'gp3' as const, deleteOnTermination: true };
    const data = { deviceName: '/dev/sdf', snapshotId: 'snap-0000000000000000b', volumeSizeGiB: 500, volumeType: 'st1' as const, deleteOnTermination: false };
    expect(imageBlockDevices({ ...base, blockDevices: [data, root] })).toEqual([root, data]);
    expect(imageBlockDevices({ ...base, blockDevices: [data] })).toEqual([
      { deviceName: '/dev/xvda', snapshotId: 'snap-0a1e0c00000000a23', volumeSizeGiB: 8, volumeType: 'gp3', iops: 3000, throughputMiBps: 125, deleteOnTermination: true }, data,
    ]);
    // An image of an instance whose root device was /dev/sda1 (an Ubuntu one): its root is there, named or not.
    const ubuntu = findImage('ami-0b0b0c00000000b24')!;
    const sdaRoot = { ...root, deviceName: '/dev/sda1' };
    expect(imageBlockDevices({ ...ubuntu, blockDevices: [data, sdaRoot] })).toEqual([sdaRoot, data]);
    expect(imageBlockDevices({ ...ubuntu, rootDeviceName: undefined, blockDevices: [data, sdaRoot] })).toEqual([sdaRoot, data]);
  });
});

describe('root devices (EC2: "Device names for volumes on Amazon EC2 instances")', () => {
  it("is /dev/xvda for Amazon Linux's AMIs, /dev/sda1 for Ubuntu's, Red Hat's, SUSE's, Windows' and macOS's", () => {
    const roots = Object.fromEntries(IMAGES.map((i) => [i.name.replace(/[-_/].*$/, ''), rootDeviceOf(i)]));
    expect(roots).toEqual({ al2023: '/dev/xvda', ubuntu: '/dev/sda1', RHEL: '/dev/sda1', suse: '/dev/sda1', Windows: '/dev/sda1', nimbus: '/dev/sda1', amzn: '/dev/sda1' });
    // An image that names none (an operator's) has /dev/xvda; one whose mapping holds a root has that one.
    expect(rootDeviceOf({})).toBe('/dev/xvda');
    expect(rootDeviceOf({ blockDevices: [{ deviceName: '/dev/sdf', snapshotId: 's', volumeSizeGiB: 1, volumeType: 'gp2', deleteOnTermination: true }] })).toBe('/dev/xvda');
    expect(rootDeviceOf({ blockDevices: [{ deviceName: '/dev/sda1', snapshotId: 's', volumeSizeGiB: 1, volumeType: 'gp2', deleteOnTermination: true }] })).toBe('/dev/sda1');
    expect(['/dev/xvda', '/dev/sda1', '/dev/sda', '/dev/sdf'].map(isRootDeviceName)).toEqual([true, true, false, false]);
  });
});

describe("the built-in images' names and owners (as EC2 publishes its public AMIs)", () => {
  // The publishers' AMI naming schemes, as scripts and Terraform's aws_ami filter on them.
  const SCHEMES: readonly [RegExp, string, string | undefined][] = [
    [/^al2023-ami-2023\.\d+\.\d{8}\.\d+-kernel-6\.1-(x86_64|arm64)$/, '137112412989', 'amazon'],
    [/^ubuntu\/images\/hvm-ssd-gp3\/ubuntu-noble-24\.04-(amd64|arm64)-server-\d{8}$/, '099720109477', undefined],
    [/^ubuntu-pro-server\/images\/hvm-ssd-gp3\/ubuntu-noble-24\.04-amd64-pro-server-\d{8}$/, '099720109477', undefined],
    [/^RHEL-9\.\d+\.\d+_HVM-\d{8}-x86_64-\d+-Hourly2-GP3$/, '309956199498', undefined],
    [/^suse-sles-15-sp6-v\d{8}-hvm-ssd-x86_64$/, '013907871322', 'amazon'],
    [/^Windows_Server-2022-English-Full-(Base|SQL_2022_Standard)-\d{4}\.\d{2}\.\d{2}$/, '801119661308', 'amazon'],
    [/^amzn-ec2-macos-1[45]\.\d+(\.\d+)?-\d{8}-\d{6}(-arm64)?$/, '634519214787', 'amazon'],
  ];

  it("gives each published image its publisher's name scheme, account and alias, and its architecture in its name", () => {
    const published = IMAGES.filter((i) => i.publisher);
    expect(published).toHaveLength(IMAGES.length - 2);
    for (const image of published) {
      const scheme = SCHEMES.find(([re]) => re.test(image.name));
      expect([image.imageId, scheme && scheme.slice(1)]).toEqual([image.imageId, [image.publisher!.accountId, image.publisher!.alias]]);
      const arm = /arm64/.test(image.name);
      expect([image.imageId, arm]).toEqual([image.imageId, image.architecture === 'arm64' || image.architecture === 'arm64_mac']);
      expect(image.description?.length).toBeGreaterThan(0);
    }
    expect(new Set(IMAGES.map((i) => i.name)).size).toBe(IMAGES.length);
  });

  it("keeps the BYOL images, which EC2 does not publish, out of the publishers' name patterns", () => {
    const byol = IMAGES.filter((i) => !i.publisher);
    expect(byol.map((i) => i.byolProduct).sort()).toEqual(['sql-server-standard', 'windows-server']);
    for (const image of byol) expect(SCHEMES.some(([re]) => re.test(image.name))).toBe(false);
    // Terraform's `Windows_Server-2022-English-Full-Base-*` finds the licence-included image only.
    const base = IMAGES.filter((i) => i.name.startsWith('Windows_Server-2022-English-Full-Base-'));
    expect(base.map((i) => [i.licenseModel, i.byolProduct])).toEqual([['license-included', undefined]]);
  });
});
