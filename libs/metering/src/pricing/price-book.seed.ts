import { SimTimeMs } from '../calendar/billing-month';
import { Money } from '../money/money';
import { DetailedMonitoringPrices, EbsPrices, InstanceTypePrice, NatGatewayPrices, PriceBookVersion, PublicIpv4Prices } from './price-book';

/*
 * The seed: AWS us-east-1 On-Demand list prices (USD), as published on the EC2, EBS and data
 * transfer pricing pages. Linux prices are the published ones verbatim; other platforms are
 * derived by the license rules below. Where a rule is an approximation it says so.
 */

/**
 * An instance type as the catalog lists it (libs/hypervisor's catalog, passed in by the caller:
 * metering may not import it): what its prices are derived from. The catalog's data file is the
 * one table of Linux list prices.
 */
export interface ListedInstanceType {
  readonly name: string;
  readonly vcpus: number;
  /** Burstable types: the baseline fraction of each vCPU. */
  readonly baselinePerVcpu?: number;
  /** Linux On-Demand USD per hour (decimal string). */
  readonly linuxHourly: string;
  /** The full Windows price where it is listed as such (custom types); otherwise derived below. */
  readonly windowsHourly?: string;
  /** Whether Windows is sold on it (x86_64 types); default true. */
  readonly windows?: boolean;
}

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
 * A Dedicated Host of a family is priced as AWS lists most of them: the family's largest size's
 * Linux price × 1.1, to the tenth of a cent (m5: 4.608 × 1.1 = $5.069, c5 $4.488, r5 $6.653, as
 * listed). An approximation for families AWS lists otherwise; the seed names those it knows.
 */
const DEDICATED_HOST_UPLIFT = '1.1';

/** What the catalog's list prices give a book: each type's hourly prices, and each family's Dedicated Host. */
export interface ListPrices {
  readonly instanceTypes: Readonly<Record<string, InstanceTypePrice>>;
  readonly dedicatedHostHourly: Readonly<Record<string, string>>;
}

/** The list prices of catalog types: Linux as listed, Windows as listed or by the rule above (where Windows is sold). */
export function listPrices(types: readonly ListedInstanceType[]): ListPrices {
  const instanceTypes: Record<string, InstanceTypePrice> = {};
  const largest = new Map<string, Money>();
  for (const t of types) {
    const windows = t.windowsHourly ?? (t.windows === false ? undefined : windowsHourly(t.linuxHourly, t.vcpus, t.baselinePerVcpu));
    instanceTypes[t.name] = { hourly: { linux: t.linuxHourly, ...(windows !== undefined ? { windows } : {}) } };
    const family = t.name.split('.')[0];
    const linux = new Money(t.linuxHourly);
    const max = largest.get(family);
    if (max === undefined || linux.gt(max)) largest.set(family, linux);
  }
  const dedicatedHostHourly: Record<string, string> = {};
  for (const [family, linux] of largest) dedicatedHostHourly[family] = linux.times(DEDICATED_HOST_UPLIFT).toDecimalPlaces(3, Money.ROUND_HALF_UP).toFixed();
  return { instanceTypes, dedicatedHostHourly };
}

/**
 * EBS list prices, us-east-1 (Amazon EBS pricing page): gp2 $0.10, gp3 $0.08 per GB-month with
 * 3,000 IOPS and 125 MiB/s included ($0.005 per IOPS-month, $0.04 per MiB/s-month above); io1
 * $0.125 per GB-month and $0.065 per provisioned IOPS-month; io2 the same storage with IOPS tiers;
 * st1 $0.045, sc1 $0.015 per GB-month; previous-generation Magnetic (standard) $0.05 per GB-month
 * and $0.05 per million I/O requests. AWS's "GB-month" is billed per GiB provisioned.
 * Snapshots, Standard tier: $0.05 per GB-month of data stored ("EBS Snapshots – Standard" on the
 * same page; the EBS User Guide's "Pricing and billing for archiving Amazon EBS snapshots",
 * docs.aws.amazon.com/ebs/latest/userguide/snapshot-archive-pricing.html, quotes "the standard rate
 * for snapshots of $0.05 per GB-month"). Nimbus bills a snapshot's full volume
 * size (it does not model the blocks stored): see docs/model.md.
 */
export const EBS_LIST_PRICES: Required<EbsPrices> = {
  gp2: { perGiBMonth: '0.10' },
  gp3: { perGiBMonth: '0.08', baselineIops: 3000, perIopsMonthAboveBaseline: '0.005', baselineMiBps: 125, perMiBpsMonthAboveBaseline: '0.04' },
  io1: { perGiBMonth: '0.125', perIopsMonth: '0.065' },
  io2: {
    perGiBMonth: '0.125',
    // Per volume: the first 32,000 provisioned IOPS, the next 32,000, and the rest.
    iopsTiers: [{ upTo: 32_000, price: '0.065' }, { upTo: 64_000, price: '0.0455' }, { upTo: null, price: '0.032' }],
  },
  st1: { perGiBMonth: '0.045' },
  sc1: { perGiBMonth: '0.015' },
  standard: { perGiBMonth: '0.05', perMillionIoRequests: '0.05' },
  snapshot: { perGiBMonth: '0.05' },
};

/**
 * Public IPv4 addresses, us-east-1: $0.005 per IP per hour since 1 February 2024, in use or idle
 * alike (Amazon VPC pricing, "Public IPv4 address"; AWS News Blog, "New – AWS Public IPv4 Address
 * Charge + Public IP Insights", July 2023). The bill shows them as PublicIPv4:InUseAddress and
 * PublicIPv4:IdleAddress.
 */
export const PUBLIC_IPV4_LIST_PRICES: PublicIpv4Prices = { inUsePerHour: '0.005', idlePerHour: '0.005' };

/**
 * NAT gateways, us-east-1: $0.045 per NAT gateway-hour, "Each partial NAT Gateway-hour consumed
 * is billed as a full hour", and $0.045 per GB of data processed (Amazon VPC pricing, "NAT Gateway
 * pricing"; its "Data Processing charge"). The bill shows them as NatGateway-Hours and
 * NatGateway-Bytes.
 */
export const NAT_GATEWAY_LIST_PRICES: Required<NatGatewayPrices> = { perHour: '0.045', perGbProcessed: '0.045' };

/**
 * EC2 detailed monitoring, us-east-1: charged as CloudWatch custom metrics, $0.30 per metric-month
 * for the first 10,000 metrics; "All custom metrics charges are prorated by the hour and metered only
 * when you send metrics to CloudWatch" (Amazon CloudWatch pricing, https://aws.amazon.com/cloudwatch/pricing/).
 * The page's Example 1 counts 7 metrics per instance (the number depends on the instance type):
 * 10 instances monitored all of a 30-day month = 70 metrics × $0.30 = $21. The cheaper tiers above
 * 10,000 metrics and the free tier's 10 metrics are not modelled (docs/model.md §5).
 */
export const DETAILED_MONITORING_LIST_PRICES: DetailedMonitoringPrices = { perMetricMonth: '0.30', metricsPerInstance: 7 };

/**
 * Every version with the list prices of what it does not name (a type added to the catalog after
 * the version was written, an EBS volume type, snapshot storage, public IPv4 addresses, NAT
 * gateways or their processed bytes, or detailed monitoring added after it): a version's own prices always win,
 * so nothing billed re-rates (nothing of a type could be billed before the type existed).
 */
export function withListPrices(versions: readonly PriceBookVersion[], listed: ListPrices): PriceBookVersion[] {
  return versions.map((v) => ({
    ...v,
    instanceTypes: { ...listed.instanceTypes, ...v.instanceTypes },
    dedicatedHostHourly: { ...listed.dedicatedHostHourly, ...v.dedicatedHostHourly },
    detailedMonitoring: v.detailedMonitoring ?? DETAILED_MONITORING_LIST_PRICES,
    ebs: { ...EBS_LIST_PRICES, ...v.ebs },
    publicIpv4: v.publicIpv4 ?? PUBLIC_IPV4_LIST_PRICES,
    natGateway: { ...NAT_GATEWAY_LIST_PRICES, ...v.natGateway },
  }));
}

/**
 * @param effectiveFromMs when this book takes effect; the epoch covers any simulated time.
 * @param types the catalog's instance types with their list prices.
 */
export function seedPriceBook(effectiveFromMs: SimTimeMs, types: readonly ListedInstanceType[]): PriceBookVersion[] {
  const listed = listPrices(types);
  const instanceTypes = listed.instanceTypes;
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
      // Dedicated Hosts per hour: the family's largest size × 1.1 (listPrices), as AWS lists them
      // (m5 $5.069, c5 $4.488, r5 $6.653). t3 ($4.992) is an approximation.
      dedicatedHostHourly: { ...listed.dedicatedHostHourly, m5: '5.069', c5: '4.488', r5: '6.653', t3: '4.992' },
      // AWS: surplus credits cost $0.05 per vCPU-hour for Linux, RHEL and SLES, and $0.096 for
      // Windows and Windows with SQL Server (T2/T3 Unlimited pricing). Ubuntu Pro is Linux.
      burstableSurplusPerVcpuHour: {
        linux: '0.05', rhel: '0.05', suse: '0.05', 'ubuntu-pro': '0.05', windows: '0.096', 'windows-sql-standard': '0.096',
      },
      detailedMonitoring: DETAILED_MONITORING_LIST_PRICES,
      ebs: EBS_LIST_PRICES,
      publicIpv4: PUBLIC_IPV4_LIST_PRICES,
      natGateway: NAT_GATEWAY_LIST_PRICES,
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
