import { Injectable } from '@nestjs/common';
import { AVAILABILITY_ZONES, bootModesOf, capabilitiesOf, cpuOptionsOf, InstanceType, REGION } from '@nimbus/hypervisor';
import { ApiError, invalidParameter } from '../../../application/common/api-errors';
import { CatalogService } from '../../../application/catalog/catalog.service';
import { Ec2Actions, items } from '../ec2-action';
import { Ec2ActionSource } from '../ec2-action-source';
import { filterMatcher } from '../ec2-filters';
import { pageOf } from '../ec2-pages';
import { ZONE_IDS } from '../availability-zones';

/** The catalog's published figures (EC2's CurrentGeneration and SupportedArchitectures); a custom type without them is a current x86_64 one. */
const currentGeneration = (t: InstanceType): boolean => t.currentGeneration ?? true;
const architectures = (t: InstanceType): readonly string[] => t.architectures ?? ['x86_64'];

const gbps = (g: number) => (g >= 1 ? `${Number(g.toFixed(2))} Gigabit` : `${Math.round(g * 1000)} Megabit`);

/** What DescribeInstanceTypes shows and its filters read, each from one place. */
const freeTierEligible = (t: InstanceType): boolean => t.name === 't2.micro' || t.name === 't3.micro';
const networkPerformance = (t: InstanceType): string =>
  (t.network.burstGbps > t.network.baselineGbps ? `Up to ${gbps(t.network.burstGbps)}` : gbps(t.network.baselineGbps));
/** A type that cannot be EBS-optimized has no EBS-optimized figures (EC2 omits them: t2, m1.small…). */
function ebsOptimizedInfo(t: InstanceType) {
  if (capabilitiesOf(t).ebsOptimizedSupport === 'unsupported') return undefined;
  return {
    baselineBandwidthInMbps: t.ebs.baselineMbps, baselineThroughputInMBps: t.ebs.baselineMbps / 8, baselineIops: t.ebs.baselineIops,
    maximumBandwidthInMbps: t.ebs.burstMbps, maximumThroughputInMBps: t.ebs.burstMbps / 8, maximumIops: t.ebs.burstIops,
  };
}
const ebsFigure = (key: keyof NonNullable<ReturnType<typeof ebsOptimizedInfo>>) => (t: InstanceType) => {
  const info = ebsOptimizedInfo(t);
  return info === undefined ? undefined : String(info[key]);
};

/** One type as DescribeInstanceTypes answers it, from the catalog's figures. */
function typeXml(t: InstanceType) {
  const cpu = cpuOptionsOf(t);
  const burstable = t.baselinePerVcpu !== undefined;
  const c = capabilitiesOf(t);
  const ebsOptimized = ebsOptimizedInfo(t);
  return {
    instanceType: t.name,
    currentGeneration: currentGeneration(t),
    freeTierEligible: freeTierEligible(t),
    supportedUsageClasses: items(['on-demand']),
    supportedRootDeviceTypes: items(['ebs']),
    supportedVirtualizationTypes: items(c.virtualizationTypes),
    bareMetal: c.bareMetal,
    // EC2 gives a bare metal type no hypervisor.
    ...(c.hypervisor !== undefined ? { hypervisor: c.hypervisor } : {}),
    processorInfo: { supportedArchitectures: items(architectures(t)) },
    vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: cpu.coreCount, defaultThreadsPerCore: cpu.threadsPerCore },
    memoryInfo: { sizeInMiB: t.memoryMiB },
    instanceStorageSupported: c.instanceStorageSupported,
    ebsInfo: {
      ebsOptimizedSupport: c.ebsOptimizedSupport,
      encryptionSupport: 'supported',
      ...(ebsOptimized !== undefined ? { ebsOptimizedInfo: ebsOptimized } : {}),
      nvmeSupport: c.nvmeSupport,
    },
    networkInfo: {
      networkPerformance: networkPerformance(t), maximumNetworkInterfaces: c.maxNetworkInterfaces, ipv4AddressesPerInterface: c.ipv4AddressesPerInterface,
      ipv6AddressesPerInterface: c.ipv6AddressesPerInterface, ipv6Supported: c.ipv6AddressesPerInterface > 0, enaSupport: c.enaSupport,
    },
    placementGroupInfo: { supportedStrategies: items(['cluster', 'partition', 'spread']) },
    hibernationSupported: false,
    burstablePerformanceSupported: burstable,
    dedicatedHostsSupported: true,
    autoRecoverySupported: true,
    supportedBootModes: items(bootModesOf(t)),
  };
}

const LOCATION_TYPES = ['region', 'availability-zone', 'availability-zone-id'];

/** DescribeInstanceTypes and DescribeInstanceTypeOfferings, from the catalog (CatalogService, the hypervisor's catalog through its functions). */
@Injectable()
export class CatalogEc2Actions implements Ec2ActionSource {
  constructor(private readonly catalog: CatalogService) {}

  readonly actions: Ec2Actions = {
    DescribeInstanceTypes: {
      operation: 'DescribeInstanceTypes',
      params: ['InstanceType', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (_ctx, p) => {
        const names = p.list('InstanceType');
        const types = this.catalog.instanceTypes().map((x) => x.type);
        for (const n of names) if (!types.some((t) => t.name === n)) throw invalidParameter(`The following supplied instance types do not exist: [${n.slice(0, 64)}]`);
        const match = filterMatcher(p.filters(), {
          'instance-type': (t: InstanceType) => t.name,
          'vcpu-info.default-vcpus': (t) => String(t.vcpus),
          'memory-info.size-in-mib': (t) => String(t.memoryMiB),
          'burstable-performance-supported': (t) => String(t.baselinePerVcpu !== undefined),
          'current-generation': (t) => String(currentGeneration(t)),
          'processor-info.supported-architecture': architectures,
          'bare-metal': (t) => String(capabilitiesOf(t).bareMetal),
          hypervisor: (t) => capabilitiesOf(t).hypervisor,
          'instance-storage-supported': (t) => String(capabilitiesOf(t).instanceStorageSupported),
          'network-info.maximum-network-interfaces': (t) => String(capabilitiesOf(t).maxNetworkInterfaces),
          'network-info.ipv4-addresses-per-interface': (t) => String(capabilitiesOf(t).ipv4AddressesPerInterface),
          'network-info.ipv6-addresses-per-interface': (t) => String(capabilitiesOf(t).ipv6AddressesPerInterface),
          'network-info.ipv6-supported': (t) => String(capabilitiesOf(t).ipv6AddressesPerInterface > 0),
          'network-info.ena-support': (t) => capabilitiesOf(t).enaSupport,
          'ebs-info.ebs-optimized-support': (t) => capabilitiesOf(t).ebsOptimizedSupport,
          'ebs-info.nvme-support': (t) => capabilitiesOf(t).nvmeSupport,
          'supported-virtualization-type': (t) => capabilitiesOf(t).virtualizationTypes,
          'supported-usage-class': () => 'on-demand',
          'supported-root-device-type': () => 'ebs',
          'supported-boot-mode': (t) => bootModesOf(t),
          'free-tier-eligible': (t) => String(freeTierEligible(t)),
          'vcpu-info.default-cores': (t) => String(cpuOptionsOf(t).coreCount),
          'vcpu-info.default-threads-per-core': (t) => String(cpuOptionsOf(t).threadsPerCore),
          'network-info.network-performance': networkPerformance,
          'ebs-info.encryption-support': () => 'supported',
          'ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps': ebsFigure('baselineBandwidthInMbps'),
          'ebs-info.ebs-optimized-info.baseline-throughput-in-mbps': ebsFigure('baselineThroughputInMBps'),
          'ebs-info.ebs-optimized-info.baseline-iops': ebsFigure('baselineIops'),
          'ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps': ebsFigure('maximumBandwidthInMbps'),
          'ebs-info.ebs-optimized-info.maximum-throughput-in-mbps': ebsFigure('maximumThroughputInMBps'),
          'ebs-info.ebs-optimized-info.maximum-iops': ebsFigure('maximumIops'),
          'hibernation-supported': () => 'false',
          'dedicated-hosts-supported': () => 'true',
          'auto-recovery-supported': () => 'true',
        });
        const list = types.filter((t) => (names.length === 0 || names.includes(t.name)) && match(t));
        const { page, nextToken } = pageOf(list, p.int('MaxResults', { min: 5, max: 100 }) ?? 100, p.string('NextToken') || undefined);
        return { instanceTypeSet: items(page.map(typeXml)), nextToken };
      },
    },
    DescribeInstanceTypeOfferings: {
      operation: 'DescribeInstanceTypeOfferings',
      params: ['LocationType', 'Filter', 'MaxResults', 'NextToken'],
      handler: async (_ctx, p) => {
        const locationType = p.string('LocationType') ?? 'region';
        if (!LOCATION_TYPES.includes(locationType)) throw invalidParameter(`Value (${locationType}) for parameter LocationType is invalid. It must be one of ${LOCATION_TYPES.join(', ')}.`);
        const locations = locationType === 'region' ? [REGION] : locationType === 'availability-zone' ? [...AVAILABILITY_ZONES] : [...ZONE_IDS.values()];
        const offerings = this.catalog.instanceTypes().flatMap((x) => locations.map((location) => ({ instanceType: x.type.name, locationType, location })));
        const match = filterMatcher(p.filters(), { 'instance-type': (o: (typeof offerings)[number]) => o.instanceType, location: (o) => o.location });
        const { page, nextToken } = pageOf(offerings.filter(match), p.int('MaxResults', { min: 5, max: 1000 }) ?? 1000, p.string('NextToken') || undefined);
        if (page.length === 0 && p.string('NextToken')) throw new ApiError('InvalidPaginationToken', 'The NextToken is not valid');
        return { instanceTypeOfferingSet: items(page), nextToken };
      },
    },
  };
}
