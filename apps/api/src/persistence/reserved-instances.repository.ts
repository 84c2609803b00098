import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { reservedInstanceRecordId } from '@nimbus/metering';
import { RESERVED_USAGE_KIND } from '@nimbus/simulation';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { ReservedInstanceEntity, ReservedInstanceTagEntity, UsageRecordEntity } from './entities';
import { Tx } from './tx';

/** Reserved Instances, their tags, and the usage record that bills each one. */
@Injectable()
export class ReservedInstancesRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  find(m: Tx, tenantId: string, id: string): Promise<ReservedInstanceEntity | null> {
    return m.findOneBy(ReservedInstanceEntity, { id, tenantId });
  }

  of(m: Tx, tenantId: string): Promise<ReservedInstanceEntity[]> {
    return m.find(ReservedInstanceEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  /**
   * The purchase: the RI and its usage record (kind `reserved`: its term, count and prices, which
   * the rater bills; usage-store reads it back as libs/metering's `reserved-instance` record).
   */
  async insert(tx: Tx, ri: ReservedInstanceEntity, endMs: number, offering: string): Promise<void> {
    await tx.insert(ReservedInstanceEntity, { ...ri });
    await tx.insert(UsageRecordEntity, {
      recordId: reservedInstanceRecordId(ri.id), tenantId: ri.tenantId, kind: RESERVED_USAGE_KIND, resourceId: ri.id.replace(/-/g, ''),
      startMs: ri.startMs, endMs, periodStartMs: null, quantity: ri.instanceCount,
      attrs: JSON.stringify({
        reservedInstancesId: ri.id, instanceType: ri.instanceType, scope: ri.scope, ...(ri.availabilityZone ? { availabilityZone: ri.availabilityZone } : {}),
        offering, fixedPrice: ri.fixedPrice, usagePrice: ri.hourlyPrice,
      }),
    });
  }

  async setTags(tx: Tx, tenantId: string, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.delete(ReservedInstanceTagEntity, { resourceId: id });
    const rows = Object.entries(tags).map(([key, value]) => ({ resourceId: id, tenantId, key, value }));
    if (rows.length > 0) await tx.insert(ReservedInstanceTagEntity, rows);
  }

  async tagsOf(m: Tx, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await m.find(ReservedInstanceTagEntity, { where: { resourceId: In([...ids]) }, order: { key: 'ASC' } });
    for (const t of rows) out.set(t.resourceId, { ...(out.get(t.resourceId) ?? {}), [t.key]: t.value });
    return out;
  }
}
