import { Initial1763701200000 } from './1763701200000-Initial';
import { Vmm1763900000000 } from './1763900000000-Vmm';
import { Scheduler1764000000000 } from './1764000000000-Scheduler';
import { Billing1764100000000 } from './1764100000000-Billing';
import { TenantRequestLimits1764300000000 } from './1764300000000-TenantRequestLimits';
import { Simulations1764400000000 } from './1764400000000-Simulations';
import { SimulationCells1764530000000 } from './1764530000000-SimulationCells';
import { Experiments1764540000000 } from './1764540000000-Experiments';
import { Ec2Credentials1764500000000 } from './1764500000000-Ec2Credentials';
import { Networking1764510000000 } from './1764510000000-Networking';
import { Catalog1764520000000 } from './1764520000000-Catalog';
import { ElasticVolumes1764550000000 } from './1764550000000-ElasticVolumes';
import { PartialInstanceIndexes1764560000000 } from './1764560000000-PartialInstanceIndexes';
import { HostMetricBuckets1764570000000 } from './1764570000000-HostMetricBuckets';
import { VolumeTags1764580000000 } from './1764580000000-VolumeTags';
import { PublicIpOnStart1764590000000 } from './1764590000000-PublicIpOnStart';
import { SecondaryPrivateIps1764600000000 } from './1764600000000-SecondaryPrivateIps';
import { EbsRoot1764610000000 } from './1764610000000-EbsRoot';
import { ElasticIps1764620000000 } from './1764620000000-ElasticIps';
import { InstanceMetadataOptions1764630000000 } from './1764630000000-InstanceMetadataOptions';
import { StopProtection1764640000000 } from './1764640000000-StopProtection';
import { RootDeviceName1764650000000 } from './1764650000000-RootDeviceName';
import { VpcDnsAttributes1764660000000 } from './1764660000000-VpcDnsAttributes';
import { Routing1764670000000 } from './1764670000000-Routing';
import { ProvisionedIopsIndex1764680000000 } from './1764680000000-ProvisionedIopsIndex';
import { OrphanRuleTags1764690000000 } from './1764690000000-OrphanRuleTags';
import { MaskedRuleRanges1764700000000 } from './1764700000000-MaskedRuleRanges';
import { PlacementAndHostTags1764710000000 } from './1764710000000-PlacementAndHostTags';
import { LaunchTemplates1764720000000 } from './1764720000000-LaunchTemplates';
import { InstancePasswordData1764730000000 } from './1764730000000-InstancePasswordData';
import { SnapshotCopiesAndVolumeAttributes1764740000000 } from './1764740000000-SnapshotCopiesAndVolumeAttributes';
import { SnapshotStorageUsage1764750000000 } from './1764750000000-SnapshotStorageUsage';
import { PublicIpv4Usage1764760000000 } from './1764760000000-PublicIpv4Usage';
import { ImageSources1764770000000 } from './1764770000000-ImageSources';
import { NatGateways1764780000000 } from './1764780000000-NatGateways';
import { NetworkAcls1764790000000 } from './1764790000000-NetworkAcls';
import { InstanceMonitoring1764800000000 } from './1764800000000-InstanceMonitoring';
import { VpcPeering1764810000000 } from './1764810000000-VpcPeering';
import { MonitoringUsage1764815000000 } from './1764815000000-MonitoringUsage';
import { SpotInstances1764820000000 } from './1764820000000-SpotInstances';
import { PersistentSpotRequests1764840000000 } from './1764840000000-PersistentSpotRequests';
import { DhcpOptions1764830000000 } from './1764830000000-DhcpOptions';
import { EbsEncryption1764860000000 } from './1764860000000-EbsEncryption';
import { BootsAndVersionNumbers1764850000000 } from './1764850000000-BootsAndVersionNumbers';
import { ReservedInstances1764870000000 } from './1764870000000-ReservedInstances';
import { SpotInterruptionReason1764880000000 } from './1764880000000-SpotInterruptionReason';
import { Fleets1764900000000 } from './1764900000000-Fleets';

/** Every migration, in order. The app runs them at start; `synchronize` is never on. */
export const MIGRATIONS = [
  Initial1763701200000, Vmm1763900000000, Scheduler1764000000000, Billing1764100000000, TenantRequestLimits1764300000000, Simulations1764400000000,
  Ec2Credentials1764500000000, Networking1764510000000, Catalog1764520000000, SimulationCells1764530000000, Experiments1764540000000,
  ElasticVolumes1764550000000, PartialInstanceIndexes1764560000000, HostMetricBuckets1764570000000, VolumeTags1764580000000,
  PublicIpOnStart1764590000000, SecondaryPrivateIps1764600000000, EbsRoot1764610000000, ElasticIps1764620000000,
  InstanceMetadataOptions1764630000000, StopProtection1764640000000, RootDeviceName1764650000000, VpcDnsAttributes1764660000000, Routing1764670000000,
  ProvisionedIopsIndex1764680000000, OrphanRuleTags1764690000000, MaskedRuleRanges1764700000000, PlacementAndHostTags1764710000000,
  LaunchTemplates1764720000000, InstancePasswordData1764730000000, SnapshotCopiesAndVolumeAttributes1764740000000, SnapshotStorageUsage1764750000000,
  PublicIpv4Usage1764760000000, ImageSources1764770000000, NatGateways1764780000000,
  NetworkAcls1764790000000,
  InstanceMonitoring1764800000000,
  VpcPeering1764810000000,
  MonitoringUsage1764815000000,
  SpotInstances1764820000000,
  DhcpOptions1764830000000,
  PersistentSpotRequests1764840000000,
  BootsAndVersionNumbers1764850000000,
  EbsEncryption1764860000000,
  ReservedInstances1764870000000,
  SpotInterruptionReason1764880000000,
  Fleets1764900000000,
];
