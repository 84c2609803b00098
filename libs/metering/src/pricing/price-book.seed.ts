import { SimTimeMs } from '../calendar/billing-month';
import { Money } from '../money/money';
import { InstanceTypePrice, PriceBookVersion } from './price-book';

/*
 * The seed: AWS us-east-1 On-Demand list prices (USD), as published on the EC2, EBS and data
 * transfer pricing pages. Linux prices are the published ones verbatim; other platforms are
 * derived by the license rules below. Where a rule is an approximation it says so.
 */

// name, vCPUs, Linux $/h, burstable baseline fraction per vCPU (t3 only: from the T3 credit table).
// The vCPU and baseline columns repeat the hypervisor's catalogue on purpose: metering may not
// import it (the dependency rule), and they are needed here only to derive the Windows prices.
type Row = readonly [string, number, string, number?];
const LINUX: readonly Row[] = [
  ['t3.nano', 2, '0.0052', 0.05], ['t3.micro', 2, '0.0104', 0.1], ['t3.small', 2, '0.0208', 0.2], ['t3.medium', 2, '0.0416', 0.2],
  ['t3.large', 2, '0.0832', 0.3], ['t3.xlarge', 4, '0.1664', 0.4], ['t3.2xlarge', 8, '0.3328', 0.4],
  ['m5.large', 2, '0.096'], ['m5.xlarge', 4, '0.192'], ['m5.2xlarge', 8, '0.384'], ['m5.4xlarge', 16, '0.768'],
  ['m5.8xlarge', 32, '1.536'], ['m5.12xlarge', 48, '2.304'], ['m5.16xlarge', 64, '3.072'], ['m5.24xlarge', 96, '4.608'],
  ['c5.large', 2, '0.085'], ['c5.xlarge', 4, '0.17'], ['c5.2xlarge', 8, '0.34'], ['c5.4xlarge', 16, '0.68'],
  ['c5.9xlarge', 36, '1.53'], ['c5.12xlarge', 48, '2.04'], ['c5.18xlarge', 72, '3.06'], ['c5.24xlarge', 96, '4.08'],
  ['r5.large', 2, '0.126'], ['r5.xlarge', 4, '0.252'], ['r5.2xlarge', 8, '0.504'], ['r5.4xlarge', 16, '1.008'],
  ['r5.8xlarge', 32, '2.016'], ['r5.12xlarge', 48, '3.024'], ['r5.16xlarge', 64, '4.032'], ['r5.24xlarge', 96, '6.048'],
];

/**
 * Windows Server license-included: AWS's Windows price is the Linux price plus $0.046 per
 * vCPU-hour (m5.large: 0.096 + 2 × 0.046 = $0.188, as listed). Burstable types pay it only on
 * their baseline share (t3.micro: 2 × 0.10 × 0.046 = 0.0092, listed $0.0196; t3.2xlarge: $0.48),
 * which reproduces AWS's published T3 Windows prices. Folded into the hourly price, as AWS lists it.
 */
export const WINDOWS_PER_VCPU_HOUR = '0.046';

function windowsHourly(linux: string, vcpus: number, baseline?: number): string {
  const licensedVcpus = new Money(vcpus).times(baseline ?? 1);
  return new Money(linux).plus(licensedVcpus.times(WINDOWS_PER_VCPU_HOUR)).toFixed();
}

/**
 * @param effectiveFromMs when this book takes effect; the default, the epoch, covers any simulated time.
 */
export function seedPriceBook(effectiveFromMs: SimTimeMs = 0): PriceBookVersion[] {
  const instanceTypes: Record<string, InstanceTypePrice> = {};
  for (const [name, vcpus, linux, baseline] of LINUX) {
    instanceTypes[name] = { hourly: { linux, windows: windowsHourly(linux, vcpus, baseline) } };
  }
  const windows = { licenseProduct: 'windows-server', basis: 'folded', column: 'windows' } as const;
  return [
    {
      version: 'aws-us-east-1-seed',
      effectiveFromMs,
      currency: 'USD',
      region: 'us-east-1',
      instanceTypes,
      licenses: {
        linux: [],
        windows: [windows],
        // SQL Server Standard license-included: per virtual core (= vCPU) with Microsoft's 4-core
        // minimum per VM, on top of Windows. $0.125 per core-hour makes m5.large (2 vCPUs, licensed
        // for 4 cores) $0.188 + $0.50 = $0.688/h, AWS's listed price; for other sizes AWS's table is
        // close to but not exactly per-core, so treat larger sizes as an approximation.
        'windows-sql-standard': [
          windows,
          { licenseProduct: 'sql-server-standard', basis: 'per-core-hour', ratePerUnitHour: '0.125', vcpusPerCore: 1, minUnits: 4 },
        ],
        // RHEL since Red Hat's 2024 per-vCPU model: $0.0144 per vCPU-hour (c5.xlarge: +$0.0576/h).
        // The published c5.4xlarge uplift ($0.1728 = 12 × 0.0144) says the rate flattens above
        // 12 vCPUs; capping at 12 fits both published points. Approximation for other sizes.
        rhel: [{ licenseProduct: 'rhel', basis: 'per-vcpu-hour', ratePerUnitHour: '0.0144', maxUnits: 12 }],
        // SUSE: AWS's long-standing SLES uplift of $0.10 per instance-hour on most sizes.
        // Approximation: AWS's current table is lower on small burstable sizes.
        suse: [{ licenseProduct: 'sles', basis: 'per-instance-hour', ratePerHour: '0.10' }],
        // Ubuntu Pro: about 3.5 % of a general-purpose instance (Canonical); $0.00175 per
        // vCPU-hour (m5.large +$0.0035/h). Approximation.
        'ubuntu-pro': [{ licenseProduct: 'ubuntu-pro', basis: 'per-vcpu-hour', ratePerUnitHour: '0.00175' }],
      },
      // Dedicated Instances: AWS lists them about 10 % above default tenancy (m5.large $0.106 vs
      // $0.096). Approximation. The $2/h per-region Dedicated fee is not modelled.
      dedicatedInstanceMultiplier: '1.1',
      // Dedicated Hosts per hour: the family's largest size × 1.1, as AWS lists them (m5 $5.069,
      // c5 $4.488, r5 $6.653). t3 ($4.992) is an approximation.
      dedicatedHostHourly: { m5: '5.069', c5: '4.488', r5: '6.653', t3: '4.992' },
      // AWS: surplus credits cost $0.05 per vCPU-hour for Linux, RHEL and SLES, and $0.096 for
      // Windows and Windows with SQL Server (T2/T3 Unlimited pricing). Ubuntu Pro is Linux.
      burstableSurplusPerVcpuHour: {
        linux: '0.05', rhel: '0.05', suse: '0.05', 'ubuntu-pro': '0.05', windows: '0.096', 'windows-sql-standard': '0.096',
      },
      ebs: {
        gp2: { perGiBMonth: '0.10' },
        gp3: { perGiBMonth: '0.08', baselineIops: 3000, perIopsMonthAboveBaseline: '0.005', baselineMiBps: 125, perMiBpsMonthAboveBaseline: '0.04' },
        io2: {
          perGiBMonth: '0.125',
          // Per volume: the first 32,000 provisioned IOPS, the next 32,000, and the rest.
          iopsTiers: [{ upTo: 32_000, price: '0.065' }, { upTo: 64_000, price: '0.0455' }, { upTo: null, price: '0.032' }],
        },
      },
      dataTransfer: {
        // GB = 10^9 bytes, the SI unit the pricing page names. (AWS's meters are widely reported
        // to count 2^30; the choice is one number here.)
        bytesPerGB: 1_000_000_000,
        crossAzPerGB: '0.01',
        // Per tenant per month, cumulative: 100 GB free (AWS's always-free allowance), then $0.09
        // up to 10 TB, $0.085 for the next 40 TB, $0.07 for the next 100 TB, $0.05 beyond
        // (TB = 1,024 GB, as AWS's tier table).
        internetOutTiers: [
          { upTo: 100, price: '0' },
          { upTo: 10_240, price: '0.09' },
          { upTo: 51_200, price: '0.085' },
          { upTo: 153_600, price: '0.07' },
          { upTo: null, price: '0.05' },
        ],
      },
    },
  ];
}
