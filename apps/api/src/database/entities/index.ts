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
// Billing (issue 5): appended, so that other issues' entities merge without conflict.
import { BillingMonthEntity } from './billing-month.entity';
import { InvoiceLineEntity } from './invoice-line.entity';
import { InvoiceEntity } from './invoice.entity';
import { PriceBookVersionEntity } from './price-book-version.entity';
import { SlaIntervalEntity } from './sla-interval.entity';
import { UsageMeterEntity } from './usage-meter.entity';
import { UsageRecordEntity } from './usage-record.entity';
export { BillingMonthEntity, InvoiceEntity, InvoiceLineEntity, PriceBookVersionEntity, SlaIntervalEntity, UsageMeterEntity, UsageRecordEntity };
(ENTITIES as (new () => object)[]).push(UsageRecordEntity, UsageMeterEntity, SlaIntervalEntity, PriceBookVersionEntity, InvoiceEntity, InvoiceLineEntity, BillingMonthEntity);
