import { ApiKeyEntity } from './api-key.entity';
import { HostEntity } from './host.entity';
import { InstanceTagEntity } from './instance-tag.entity';
import { InstanceEntity } from './instance.entity';
import { MetricBucketEntity } from './metric-bucket.entity';
import { ReservationEntity } from './reservation.entity';
import { SettingEntity } from './setting.entity';
import { SimEventEntity } from './sim-event.entity';
import { TenantEntity } from './tenant.entity';
import { VolumeEntity } from './volume.entity';

export {
  ApiKeyEntity, HostEntity, InstanceEntity, InstanceTagEntity, MetricBucketEntity, ReservationEntity, SettingEntity, SimEventEntity, TenantEntity,
  VolumeEntity,
};
export const ENTITIES = [TenantEntity, ApiKeyEntity, HostEntity, ReservationEntity, InstanceEntity, InstanceTagEntity, SettingEntity,
  VolumeEntity, MetricBucketEntity, SimEventEntity];

// Issue 4 (scheduler): placement groups, Dedicated Hosts, license configurations.
export { PlacementGroupEntity } from './placement-group.entity';
export { DedicatedHostEntity } from './dedicated-host.entity';
export { LicenseConfigurationEntity } from './license-configuration.entity';
import { PlacementGroupEntity } from './placement-group.entity';
import { DedicatedHostEntity } from './dedicated-host.entity';
import { LicenseConfigurationEntity } from './license-configuration.entity';
(ENTITIES as unknown[]).push(PlacementGroupEntity, DedicatedHostEntity, LicenseConfigurationEntity);
