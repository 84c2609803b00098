import { ListedInstanceType } from '../pricing/price-book.seed';

/**
 * Test fixture: the t3, m5, c5 and r5 types as the catalog lists them (vCPUs, T3 baselines, AWS's
 * published us-east-1 Linux On-Demand prices). The catalog itself (libs/hypervisor's data file)
 * is the one table the app seeds from; metering may not import it, so its tests carry these.
 */
const rows: readonly (readonly [string, number, string, number?])[] = [
  ['t3.nano', 2, '0.0052', 0.05], ['t3.micro', 2, '0.0104', 0.1], ['t3.small', 2, '0.0208', 0.2], ['t3.medium', 2, '0.0416', 0.2],
  ['t3.large', 2, '0.0832', 0.3], ['t3.xlarge', 4, '0.1664', 0.4], ['t3.2xlarge', 8, '0.3328', 0.4],
  ['m5.large', 2, '0.096'], ['m5.xlarge', 4, '0.192'], ['m5.2xlarge', 8, '0.384'], ['m5.4xlarge', 16, '0.768'],
  ['m5.8xlarge', 32, '1.536'], ['m5.12xlarge', 48, '2.304'], ['m5.16xlarge', 64, '3.072'], ['m5.24xlarge', 96, '4.608'],
  ['c5.large', 2, '0.085'], ['c5.xlarge', 4, '0.17'], ['c5.2xlarge', 8, '0.34'], ['c5.4xlarge', 16, '0.68'],
  ['c5.9xlarge', 36, '1.53'], ['c5.12xlarge', 48, '2.04'], ['c5.18xlarge', 72, '3.06'], ['c5.24xlarge', 96, '4.08'],
  ['r5.large', 2, '0.126'], ['r5.xlarge', 4, '0.252'], ['r5.2xlarge', 8, '0.504'], ['r5.4xlarge', 16, '1.008'],
  ['r5.8xlarge', 32, '2.016'], ['r5.12xlarge', 48, '3.024'], ['r5.16xlarge', 64, '4.032'], ['r5.24xlarge', 96, '6.048'],
];

export const LISTED_TYPES: readonly ListedInstanceType[] = rows.map(([name, vcpus, linuxHourly, baselinePerVcpu]) => ({
  name, vcpus, linuxHourly, ...(baselinePerVcpu !== undefined ? { baselinePerVcpu } : {}),
}));
