import { ApiKeyEntity } from './api-key.entity';
import { HostEntity } from './host.entity';
import { InstanceTagEntity } from './instance-tag.entity';
import { InstanceEntity } from './instance.entity';
import { ReservationEntity } from './reservation.entity';
import { SettingEntity } from './setting.entity';
import { TenantEntity } from './tenant.entity';

export { ApiKeyEntity, HostEntity, InstanceEntity, InstanceTagEntity, ReservationEntity, SettingEntity, TenantEntity };
export const ENTITIES = [TenantEntity, ApiKeyEntity, HostEntity, ReservationEntity, InstanceEntity, InstanceTagEntity, SettingEntity];
