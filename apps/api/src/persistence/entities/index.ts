import { AccessKeyEntity } from './access-key.entity';
import { CatalogInstanceTypeEntity } from './catalog-instance-type.entity';
import { ImageEntity } from './image.entity';
import { SnapshotEntity } from './snapshot.entity';
import { ApiKeyEntity } from './api-key.entity';
import { BillingMonthEntity } from './billing-month.entity';
import { DedicatedHostEntity } from './dedicated-host.entity';
import { HostEntity } from './host.entity';
import { HostMetricBucketEntity } from './host-metric-bucket.entity';
import { InstanceTagEntity } from './instance-tag.entity';
import { InstanceEntity } from './instance.entity';
import { InvoiceLineEntity } from './invoice-line.entity';
import { InvoiceEntity } from './invoice.entity';
import { LicenseConfigurationEntity } from './license-configuration.entity';
import { MetricBucketEntity } from './metric-bucket.entity';
import { PlacementGroupEntity } from './placement-group.entity';
import { PriceBookVersionEntity } from './price-book-version.entity';
import { ReservationEntity } from './reservation.entity';
import { SettingEntity } from './setting.entity';
import { SimEventEntity } from './sim-event.entity';
import { ExperimentEntity, ExperimentRunEntity } from './experiment.entity';
import { SimulationCellEntity } from './simulation-cell.entity';
import { SimulationReportEntity } from './simulation-report.entity';
import { SimulationRunEntity } from './simulation-run.entity';
import { SlaIntervalEntity } from './sla-interval.entity';
import { TenantEntity } from './tenant.entity';
import { UsageMeterEntity } from './usage-meter.entity';
import { UsageRecordEntity } from './usage-record.entity';
import { EbsEncryptionDefaultsEntity, VolumeEntity, VolumeModificationEntity, VolumeTagEntity } from './volume.entity';
import { NETWORKING_ENTITIES } from './networking.entity';
import { LaunchTemplateEntity, LaunchTemplateVersionEntity } from './launch-template.entity';
import { VPC_PEERING_ENTITIES } from './vpc-peering.entity';
import { DhcpOptionsEntity } from './dhcp-options.entity';
import { SPOT_ENTITIES } from './spot.entity';
import { FleetEntity } from './fleet.entity';
import { RESERVED_INSTANCE_ENTITIES } from './reserved-instance.entity';

export {
  ApiKeyEntity, BillingMonthEntity, DedicatedHostEntity, HostEntity, HostMetricBucketEntity, InstanceEntity, InstanceTagEntity, InvoiceEntity, InvoiceLineEntity,
  LicenseConfigurationEntity, MetricBucketEntity, PlacementGroupEntity, PriceBookVersionEntity, ReservationEntity, SettingEntity, SimEventEntity,
  SlaIntervalEntity, TenantEntity, UsageMeterEntity, UsageRecordEntity, VolumeEntity, VolumeModificationEntity, VolumeTagEntity, EbsEncryptionDefaultsEntity,
};
export { ExperimentEntity, ExperimentRunEntity, SimulationCellEntity, SimulationReportEntity, SimulationRunEntity };
export { AccessKeyEntity };
export * from './networking.entity';
export * from './vpc-peering.entity';
export { DhcpOptionsEntity };
export * from './spot.entity';
export * from './fleet.entity';
export * from './reserved-instance.entity';
export { CatalogInstanceTypeEntity, ImageEntity, SnapshotEntity };
export { LaunchTemplateEntity, LaunchTemplateVersionEntity };

export const ENTITIES = [
  TenantEntity, ApiKeyEntity, HostEntity, ReservationEntity, InstanceEntity, InstanceTagEntity, SettingEntity, VolumeEntity, VolumeModificationEntity, VolumeTagEntity, EbsEncryptionDefaultsEntity, MetricBucketEntity,
  SimEventEntity,
  // The host fields the fleet views read, beside metric_buckets (issue 13).
  HostMetricBucketEntity,
  // The scheduler's (issue 4): placement groups, Dedicated Hosts, license configurations.
  PlacementGroupEntity, DedicatedHostEntity, LicenseConfigurationEntity,
  // Billing's (issue 5).
  UsageRecordEntity, UsageMeterEntity, SlaIntervalEntity, PriceBookVersionEntity, InvoiceEntity, InvoiceLineEntity, BillingMonthEntity,
  // Load-simulation runs (issue 11).
  SimulationRunEntity, SimulationReportEntity, SimulationCellEntity,
  // Experiments (issue 12).
  ExperimentEntity, ExperimentRunEntity,
  // The EC2 Query protocol's access keys (issue 15).
  AccessKeyEntity,
  // Networking (issue 15): VPCs, subnets, security groups, network interfaces, key pairs.
  ...NETWORKING_ENTITIES,
  // The catalog beyond the built-in one: custom types, images, snapshots (issue 15).
  CatalogInstanceTypeEntity, ImageEntity, SnapshotEntity,
  // EC2 launch templates and their versions.
  LaunchTemplateEntity, LaunchTemplateVersionEntity,
  // VPC peering connections and their per-account tags.
  ...VPC_PEERING_ENTITIES,
  // DHCP option sets (their tags: network_tags).
  DhcpOptionsEntity,
  // Spot Instance requests and their tags.
  ...SPOT_ENTITIES,
  // Reserved Instances and their tags.
  ...RESERVED_INSTANCE_ENTITIES,
  // EC2 Fleets (instant).
  FleetEntity,
];
