/**
 * EC2 instance types as AWS sells them (us-east-1, Nitro generation). Figures from the AWS EC2
 * instance-type pages: vCPUs, memory, burstable baseline per vCPU, network bandwidth (baseline and
 * "up to" burst) and the dedicated EBS bandwidth (baseline / burst, Mbps and IOPS).
 */
export type InstanceFamily = 't3' | 'm5' | 'c5' | 'r5';

export interface InstanceType {
  readonly name: string;
  readonly family: InstanceFamily;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** Burstable types only: the baseline fraction of each vCPU (t3.micro: 0.10). */
  readonly baselinePerVcpu?: number;
  readonly network: { readonly baselineGbps: number; readonly burstGbps: number };
  readonly ebs: { readonly baselineMbps: number; readonly burstMbps: number; readonly baselineIops: number; readonly burstIops: number };
}

const GiB = 1024;
type Row = [string, number, number, number, number, number, number, number, number, number?];
// name, vcpus, memory GiB, net baseline Gbps, net burst Gbps, EBS Mbps base, burst, IOPS base, burst, baseline/vCPU
const rows: Row[] = [
  ['t3.nano', 2, 0.5, 0.032, 5, 43, 2085, 250, 11800, 0.05],
  ['t3.micro', 2, 1, 0.064, 5, 87, 2085, 500, 11800, 0.1],
  ['t3.small', 2, 2, 0.128, 5, 174, 2085, 1000, 11800, 0.2],
  ['t3.medium', 2, 4, 0.256, 5, 347, 2085, 2000, 11800, 0.2],
  ['t3.large', 2, 8, 0.512, 5, 695, 2780, 4000, 15700, 0.3],
  ['t3.xlarge', 4, 16, 1.024, 5, 695, 2780, 4000, 15700, 0.4],
  ['t3.2xlarge', 8, 32, 2.048, 5, 695, 2780, 4000, 15700, 0.4],
  ['m5.large', 2, 8, 0.75, 10, 650, 4750, 3600, 18750],
  ['m5.xlarge', 4, 16, 1.25, 10, 1150, 4750, 6000, 18750],
  ['m5.2xlarge', 8, 32, 2.5, 10, 2300, 4750, 12000, 18750],
  ['m5.4xlarge', 16, 64, 5, 10, 4750, 4750, 18750, 18750],
  ['m5.8xlarge', 32, 128, 10, 10, 6800, 6800, 30000, 30000],
  ['m5.12xlarge', 48, 192, 12, 12, 9500, 9500, 40000, 40000],
  ['m5.16xlarge', 64, 256, 20, 20, 13600, 13600, 60000, 60000],
  ['m5.24xlarge', 96, 384, 25, 25, 19000, 19000, 80000, 80000],
  ['c5.large', 2, 4, 0.75, 10, 650, 4750, 4000, 20000],
  ['c5.xlarge', 4, 8, 1.25, 10, 1150, 4750, 6000, 20000],
  ['c5.2xlarge', 8, 16, 2.5, 10, 2300, 4750, 10000, 20000],
  ['c5.4xlarge', 16, 32, 5, 10, 4750, 4750, 20000, 20000],
  ['c5.9xlarge', 36, 72, 12, 12, 9500, 9500, 40000, 40000],
  ['c5.12xlarge', 48, 96, 12, 12, 9500, 9500, 40000, 40000],
  ['c5.18xlarge', 72, 144, 25, 25, 19000, 19000, 80000, 80000],
  ['c5.24xlarge', 96, 192, 25, 25, 19000, 19000, 80000, 80000],
  ['r5.large', 2, 16, 0.75, 10, 650, 4750, 3600, 18750],
  ['r5.xlarge', 4, 32, 1.25, 10, 1150, 4750, 6000, 18750],
  ['r5.2xlarge', 8, 64, 2.5, 10, 2300, 4750, 12000, 18750],
  ['r5.4xlarge', 16, 128, 5, 10, 4750, 4750, 18750, 18750],
  ['r5.8xlarge', 32, 256, 10, 10, 6800, 6800, 30000, 30000],
  ['r5.12xlarge', 48, 384, 12, 12, 9500, 9500, 40000, 40000],
  ['r5.16xlarge', 64, 512, 20, 20, 13600, 13600, 60000, 60000],
  ['r5.24xlarge', 96, 768, 25, 25, 19000, 19000, 80000, 80000],
];

export const INSTANCE_TYPES: readonly InstanceType[] = rows.map(([name, vcpus, gib, nb, nx, eb, ex, ib, ix, base]) => ({
  name,
  family: name.split('.')[0] as InstanceFamily,
  vcpus,
  memoryMiB: gib * GiB,
  ...(base !== undefined ? { baselinePerVcpu: base } : {}),
  network: { baselineGbps: nb, burstGbps: nx },
  ebs: { baselineMbps: eb, burstMbps: ex, baselineIops: ib, burstIops: ix },
}));

const byName = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

export function findInstanceType(name: string): InstanceType | undefined {
  return byName.get(name);
}

export function isBurstable(t: InstanceType): boolean {
  return t.baselinePerVcpu !== undefined;
}
