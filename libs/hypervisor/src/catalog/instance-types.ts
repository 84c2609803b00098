import { ArchitectureCode, CAPABILITY_CODES, CapabilityCode, INSTANCE_TYPE_ROWS } from './data/instance-types.data';

/**
 * EC2 instance types as AWS sells them in us-east-1: every family, previous generations included.
 * The figures (vCPUs, memory, burstable baseline per vCPU, network bandwidth baseline and "up to"
 * peak, the dedicated EBS bandwidth baseline / burst in Mbps and IOPS, architectures, the Linux
 * On-Demand price) are in `data/instance-types.data.ts`, whose header cites their sources.
 */
/** The family: the part of the name before the dot (`t2`, `m7i-flex`, `u-6tb1`). */
export type InstanceFamily = string;

/** EC2's `ArchitectureType` values. */
export type Architecture = 'i386' | 'x86_64' | 'arm64' | 'x86_64_mac' | 'arm64_mac';
export const ARCHITECTURES: readonly Architecture[] = ['i386', 'x86_64', 'arm64', 'x86_64_mac', 'arm64_mac'];

export interface InstanceType {
  readonly name: string;
  readonly family: InstanceFamily;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Burstable types only: the baseline fraction of each vCPU (t3.micro: 0.10). */
  readonly baselinePerVcpu?: number;
  readonly network: { readonly baselineGbps: number; readonly burstGbps: number };
  readonly ebs: { readonly baselineMbps: number; readonly burstMbps: number; readonly baselineIops: number; readonly burstIops: number };
  /** The architectures its processors run (EC2's `SupportedArchitectures`); default x86_64. */
  readonly architectures?: readonly Architecture[];
  /** EC2's `CurrentGeneration`; default true. */
  readonly currentGeneration?: boolean;
  /** EC2's `VCpuInfo`: physical cores and threads per core (vcpus = cores × threads). */
  readonly defaultCores?: number;
  readonly threadsPerCore?: number;
  /** Linux On-Demand list price, USD per hour (a decimal string): what the price book is seeded from. */
  readonly onDemandLinuxHourlyUsd?: string;
  /** The full Windows price, where it is listed as such (custom types); otherwise the price book derives it. */
  readonly onDemandWindowsHourlyUsd?: string;
  /** Hypervisor, network interfaces, ENA, NVMe, EBS optimization…; absent (a custom type of before): DEFAULT_CAPABILITIES. */
  readonly capabilities?: InstanceTypeCapabilities;
}

export type Hypervisor = 'nitro' | 'xen';
/** EC2's `EnaSupport` and `NvmeSupport` values. */
export type SupportLevel = 'unsupported' | 'supported' | 'required';
export type EbsOptimizedSupport = 'unsupported' | 'supported' | 'default';
export type VirtualizationType = 'hvm' | 'paravirtual';

/** What EC2's DescribeInstanceTypes says a type's hardware can do (data/instance-types.data.ts cites the sources). */
export interface InstanceTypeCapabilities {
  /** Absent on bare metal: EC2 describes a `.metal` type without a hypervisor. */
  readonly hypervisor?: Hypervisor;
  readonly bareMetal: boolean;
  /** Network interfaces an instance may have attached, over all its network cards (EC2's `MaximumNetworkInterfaces`). */
  readonly maxNetworkInterfaces: number;
  /** Private IPv4 addresses an interface may have, its primary included. */
  readonly ipv4AddressesPerInterface: number;
  /** 0: the type has no IPv6. */
  readonly ipv6AddressesPerInterface: number;
  readonly enaSupport: SupportLevel;
  readonly nvmeSupport: SupportLevel;
  readonly ebsOptimizedSupport: EbsOptimizedSupport;
  readonly virtualizationTypes: readonly VirtualizationType[];
  /** Whether it has instance store volumes (d2, i3, c5d, …). */
  readonly instanceStorageSupported: boolean;
}

/** A custom type's capabilities unless its operator says otherwise: a virtualized Nitro type with m5.large's interfaces. */
export const DEFAULT_CAPABILITIES: InstanceTypeCapabilities = {
  hypervisor: 'nitro', bareMetal: false, maxNetworkInterfaces: 3, ipv4AddressesPerInterface: 10, ipv6AddressesPerInterface: 10,
  enaSupport: 'required', nvmeSupport: 'required', ebsOptimizedSupport: 'default', virtualizationTypes: ['hvm'], instanceStorageSupported: false,
};

export function capabilitiesOf(t: InstanceType): InstanceTypeCapabilities {
  return t.capabilities ?? DEFAULT_CAPABILITIES;
}

const HVM: readonly VirtualizationType[] = ['hvm'];
const HVM_AND_PARAVIRTUAL: readonly VirtualizationType[] = ['hvm', 'paravirtual'];

function capabilitiesFromRow(code: CapabilityCode, enis: number, ipv4: number, store: 0 | 1): InstanceTypeCapabilities {
  const [hypervisor, ena, nvme, ebsOptimized, paravirtual, ipv6] = CAPABILITY_CODES[code];
  return {
    ...(hypervisor !== null ? { hypervisor } : {}), bareMetal: hypervisor === null,
    maxNetworkInterfaces: enis, ipv4AddressesPerInterface: ipv4, ipv6AddressesPerInterface: ipv6 ? ipv4 : 0,
    enaSupport: ena, nvmeSupport: nvme, ebsOptimizedSupport: ebsOptimized, virtualizationTypes: paravirtual ? HVM_AND_PARAVIRTUAL : HVM,
    instanceStorageSupported: store === 1,
  };
}

const ARCH: Readonly<Record<ArchitectureCode, readonly Architecture[]>> = {
  x: ['x86_64'], a: ['arm64'], i: ['i386', 'x86_64'], xm: ['x86_64_mac'], am: ['arm64_mac'],
};

export const INSTANCE_TYPES: readonly InstanceType[] = INSTANCE_TYPE_ROWS.map(([name, vcpus, memoryMiB, cores, threads, arch, current, base, nb, nx, eb, ex, ib, ix, price, enis, ipv4, code, store]) => ({
  name,
  family: familyOf(name),
  vcpus,
  memoryMiB,
  ...(base !== null ? { baselinePerVcpu: base } : {}),
  network: { baselineGbps: nb, burstGbps: nx },
  ebs: { baselineMbps: eb, burstMbps: ex, baselineIops: ib, burstIops: ix },
  architectures: ARCH[arch],
  currentGeneration: current === 1,
  defaultCores: cores,
  threadsPerCore: threads,
  onDemandLinuxHourlyUsd: price,
  capabilities: capabilitiesFromRow(code, enis, ipv4, store),
}));

const byName = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

/** A type of the built-in catalog. The live world's catalog (custom types too) is `Catalog`. */
export function findInstanceType(name: string): InstanceType | undefined {
  return byName.get(name);
}

export function familyOf(instanceTypeName: string): InstanceFamily {
  const dot = instanceTypeName.indexOf('.');
  return dot < 0 ? instanceTypeName : instanceTypeName.slice(0, dot);
}

export function isBurstable(t: InstanceType): boolean {
  return t.baselinePerVcpu !== undefined;
}

export function architecturesOf(t: InstanceType): readonly Architecture[] {
  return t.architectures ?? ['x86_64'];
}

/**
 * An instance's `cpuOptions` and DescribeInstanceTypes' `VCpuInfo`: vCPUs as cores × threads, the
 * catalog's published default cores and threads per core (t2.medium is 2 cores of 1 thread, m6g.large
 * too); for a type without them (an operator's custom type), one thread per core on Arm (every
 * Graviton type has one), else two threads per core where the count is even, one where it is odd.
 */
export function cpuOptionsOf(t: InstanceType): { readonly coreCount: number; readonly threadsPerCore: number } {
  if (t.defaultCores !== undefined && t.threadsPerCore !== undefined) return { coreCount: t.defaultCores, threadsPerCore: t.threadsPerCore };
  const arm = architecturesOf(t).some((a) => a === 'arm64' || a === 'arm64_mac');
  return !arm && t.vcpus >= 2 && t.vcpus % 2 === 0 ? { coreCount: t.vcpus / 2, threadsPerCore: 2 } : { coreCount: t.vcpus, threadsPerCore: 1 };
}

/** EC2's boot modes (DescribeInstanceTypes' `SupportedBootModes`, DescribeInstances' `CurrentInstanceBootMode`). */
export type BootMode = 'legacy-bios' | 'uefi';

/**
 * The boot modes a type supports, as DescribeInstanceTypes lists them (after the EC2 User Guide's
 * "Boot modes" page): Graviton (arm64) boots UEFI only; the Xen generation (t2, m4, c4, …) legacy
 * BIOS only; the Nitro Intel and AMD types, bare metal included, both.
 */
export function bootModesOf(t: InstanceType): readonly BootMode[] {
  const arch = architecturesOf(t);
  if (arch.includes('arm64') || arch.includes('arm64_mac')) return ['uefi'];
  if (capabilitiesOf(t).hypervisor === 'xen') return ['legacy-bios'];
  return ['legacy-bios', 'uefi'];
}

/**
 * The mode an instance of this type boots in. Nimbus's images set no boot mode, and EC2 then boots
 * in the type's default: legacy BIOS on Intel and AMD types, UEFI on Graviton.
 */
export function currentBootModeOf(t: InstanceType): BootMode {
  return bootModesOf(t).includes('legacy-bios') ? 'legacy-bios' : 'uefi';
}
