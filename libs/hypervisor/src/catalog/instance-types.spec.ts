import { bootModesOf, capabilitiesOf, cpuOptionsOf, currentBootModeOf, DEFAULT_CAPABILITIES, findInstanceType, INSTANCE_TYPES, InstanceType, InstanceTypeCapabilities } from './instance-types';

const caps = (name: string): InstanceTypeCapabilities => capabilitiesOf(findInstanceType(name)!);

/**
 * Spot checks read by hand from the two sources data/instance-types.data.ts cites:
 * aws/amazon-vpc-cni-k8s pkg/vpc/vpc_ip_resource_limit.go (ENIs as the sum of NetworkCards'
 * MaximumNetworkInterfaces, IPv4Limit, HypervisorType, IsBareMetal) and moto's recording of
 * DescribeInstanceTypes (EnaSupport, NvmeSupport, EbsOptimizedSupport, virtualization types,
 * Ipv6AddressesPerInterface, InstanceStorageSupported).
 */
describe('instance types: boot modes', () => {
  // EC2's DescribeInstanceTypes: Graviton UEFI only, the Xen generation legacy BIOS only, Nitro Intel/AMD both.
  it.each([
    ['m6g.large', ['uefi'], 'uefi'], ['t4g.micro', ['uefi'], 'uefi'], ['a1.medium', ['uefi'], 'uefi'],
    ['t2.micro', ['legacy-bios'], 'legacy-bios'], ['m4.large', ['legacy-bios'], 'legacy-bios'], ['c4.xlarge', ['legacy-bios'], 'legacy-bios'],
    ['m5.large', ['legacy-bios', 'uefi'], 'legacy-bios'], ['t3.micro', ['legacy-bios', 'uefi'], 'legacy-bios'], ['c5.metal', ['legacy-bios', 'uefi'], 'legacy-bios'],
  ])('%s supports %j and boots %s', (name, modes, current) => {
    const t = findInstanceType(name)!;
    expect(bootModesOf(t)).toEqual(modes);
    expect(currentBootModeOf(t)).toBe(current);
  });
});

describe('instance types: cores and threads (cpuOptions, VCpuInfo)', () => {
  const custom = (vcpus: number, architectures: InstanceType['architectures']): InstanceType => ({
    name: 'm6g.custom', family: 'm6g', vcpus, memoryMiB: 1024, network: { baselineGbps: 1, burstGbps: 1 },
    ebs: { baselineMbps: 1, burstMbps: 1, baselineIops: 1, burstIops: 1 }, architectures,
  });
  it("the catalog's published figures: m5.large 1 core of 2 threads, t2.medium and m6g.large 2 of 1", () => {
    expect(['m5.large', 't2.medium', 'm6g.large'].map((n) => cpuOptionsOf(findInstanceType(n)!))).toEqual([
      { coreCount: 1, threadsPerCore: 2 }, { coreCount: 2, threadsPerCore: 1 }, { coreCount: 2, threadsPerCore: 1 },
    ]);
  });
  it("a custom type's: one thread a core on Arm, as on every Graviton; two on x86 where the count is even", () => {
    expect(cpuOptionsOf(custom(6, ['arm64']))).toEqual({ coreCount: 6, threadsPerCore: 1 });
    expect(cpuOptionsOf(custom(6, ['x86_64']))).toEqual({ coreCount: 3, threadsPerCore: 2 });
    expect(cpuOptionsOf(custom(3, ['x86_64']))).toEqual({ coreCount: 3, threadsPerCore: 1 });
  });
});

describe('instance types: network interfaces and capabilities', () => {
  it.each([
    // name, ENIs, IPv4 per ENI, IPv6 per ENI, hypervisor, bare metal
    ['t2.micro', 2, 2, 2, 'xen', false],
    ['t3.nano', 2, 2, 2, 'nitro', false],
    ['m5.large', 3, 10, 10, 'nitro', false],
    ['m4.large', 2, 10, 10, 'xen', false],
    ['m4.16xlarge', 8, 30, 30, 'xen', false],
    ['c5.metal', 15, 50, 50, undefined, true],
    ['mac1.metal', 8, 30, 30, undefined, true],
    ['p4d.24xlarge', 60, 50, 50, 'nitro', false], // 4 network cards × 15
    ['p5.48xlarge', 64, 50, 50, 'nitro', false], // 32 network cards × 2
    ['c1.medium', 2, 6, 0, 'xen', false], // no IPv6
    ['m3.xlarge', 4, 15, 0, 'xen', false],
    ['c3.8xlarge', 8, 30, 30, 'xen', false],
  ])('%s: %i interfaces of %i IPv4 and %i IPv6 addresses, hypervisor %s, bare metal %s', (name, enis, ipv4, ipv6, hypervisor, bareMetal) => {
    const c = caps(name);
    expect([c.maxNetworkInterfaces, c.ipv4AddressesPerInterface, c.ipv6AddressesPerInterface, c.hypervisor, c.bareMetal]).toEqual([enis, ipv4, ipv6, hypervisor, bareMetal]);
  });

  it.each([
    // name, ENA, NVMe, EBS-optimized, virtualization types, instance store
    ['t2.micro', 'unsupported', 'unsupported', 'unsupported', ['hvm'], false],
    ['m5.large', 'required', 'required', 'default', ['hvm'], false],
    ['c5.metal', 'required', 'required', 'default', ['hvm'], false],
    ['m4.large', 'unsupported', 'unsupported', 'default', ['hvm'], false],
    ['m4.16xlarge', 'supported', 'unsupported', 'default', ['hvm'], false],
    ['i3.large', 'supported', 'supported', 'default', ['hvm'], true],
    ['c5d.large', 'required', 'required', 'default', ['hvm'], true],
    ['m3.xlarge', 'unsupported', 'unsupported', 'supported', ['hvm', 'paravirtual'], true],
    ['c1.medium', 'unsupported', 'unsupported', 'unsupported', ['hvm', 'paravirtual'], true],
    ['c3.8xlarge', 'unsupported', 'unsupported', 'unsupported', ['hvm', 'paravirtual'], true],
    ['p4d.24xlarge', 'required', 'required', 'default', ['hvm'], true],
  ])('%s: ENA %s, NVMe %s, EBS-optimized %s, %j, instance store %s', (name, ena, nvme, ebs, virtualization, store) => {
    const c = caps(name);
    expect([c.enaSupport, c.nvmeSupport, c.ebsOptimizedSupport, c.virtualizationTypes, c.instanceStorageSupported]).toEqual([ena, nvme, ebs, virtualization, store]);
  });

  it('every built-in type has them; bare metal exactly when it has no hypervisor, and every .metal type is bare metal', () => {
    for (const t of INSTANCE_TYPES) {
      const c = t.capabilities!;
      expect(c).toBeDefined();
      expect(c.bareMetal).toBe(c.hypervisor === undefined);
      if (t.name.endsWith('.metal') || t.name.includes('.metal-')) expect([t.name, c.bareMetal]).toEqual([t.name, true]);
      expect(c.maxNetworkInterfaces).toBeGreaterThanOrEqual(2);
      expect(c.ipv4AddressesPerInterface).toBeGreaterThanOrEqual(2);
      // The EC2 User Guide: every Nitro type requires ENA and NVMe.
      if (c.hypervisor === 'nitro') expect([t.name, c.enaSupport, c.nvmeSupport]).toEqual([t.name, 'required', 'required']);
    }
  });

  it('a type without them (a custom type of before) has the defaults: a virtualized Nitro type with m5.large\'s interfaces', () => {
    const { capabilities: _, ...bare } = findInstanceType('m5.large')!;
    expect(capabilitiesOf(bare)).toBe(DEFAULT_CAPABILITIES);
    expect(DEFAULT_CAPABILITIES).toMatchObject({ hypervisor: 'nitro', maxNetworkInterfaces: 3, ipv4AddressesPerInterface: 10 });
  });
});
