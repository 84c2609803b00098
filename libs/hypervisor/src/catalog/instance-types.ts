import { ArchitectureCode, INSTANCE_TYPE_ROWS } from './data/instance-types.data';

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
}

const ARCH: Readonly<Record<ArchitectureCode, readonly Architecture[]>> = {
  x: ['x86_64'], a: ['arm64'], i: ['i386', 'x86_64'], xm: ['x86_64_mac'], am: ['arm64_mac'],
};

export const INSTANCE_TYPES: readonly InstanceType[] = INSTANCE_TYPE_ROWS.map(([name, vcpus, memoryMiB, cores, threads, arch, current, base, nb, nx, eb, ex, ib, ix, price]) => ({
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
