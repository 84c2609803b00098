import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { InstanceEntity, SpotInstanceRequestEntity, SpotInstanceRequestTagEntity, TenantEntity, UsageRecordEntity } from './entities';
import { Tx } from './tx';

/** Spot Instance requests and their tags (entities/spot.entity.ts), each its tenant's only. */
@Injectable()
export class SpotRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  get reader(): Tx {
    return this.db.manager;
  }

  async find(m: Tx, tenantId: string, id: string): Promise<SpotInstanceRequestEntity | null> {
    return m.findOneBy(SpotInstanceRequestEntity, { id, tenantId });
  }

  /** Whether any tenant's request has this id (a new id must not be one). */
  async exists(m: Tx, id: string): Promise<boolean> {
    return (await m.countBy(SpotInstanceRequestEntity, { id })) > 0;
  }

  /** The tenant's requests made by RequestSpotInstances with this client token. */
  byClientToken(m: Tx, tenantId: string, clientToken: string): Promise<SpotInstanceRequestEntity[]> {
    return m.find(SpotInstanceRequestEntity, { where: { tenantId, clientToken }, order: { id: 'ASC' } });
  }

  /** A request's row as it is now (its instance, zone, state and status). */
  async update(tx: Tx, r: SpotInstanceRequestEntity): Promise<void> {
    const { id, tenantId: _t, ...rest } = r;
    await tx.update(SpotInstanceRequestEntity, { id }, rest);
  }

  /** A request's tenant (a persistent request launching again launches as it). */
  tenant(m: Tx, tenantId: string): Promise<TenantEntity | null> {
    return m.findOneBy(TenantEntity, { id: tenantId });
  }

  /** The tenant's requests, by id. */
  of(m: Tx, tenantId: string): Promise<SpotInstanceRequestEntity[]> {
    return m.find(SpotInstanceRequestEntity, { where: { tenantId }, order: { id: 'ASC' } });
  }

  /** The requests of these instances (any tenant's: the engine's termination names instances only). */
  ofInstances(m: Tx, instanceIds: readonly string[]): Promise<SpotInstanceRequestEntity[]> {
    if (instanceIds.length === 0) return Promise.resolve([]);
    return m.find(SpotInstanceRequestEntity, { where: { instanceId: In([...instanceIds]) } });
  }

  /** Every tenant's requests in these states (the interruptions' watch list, read when the world is built). */
  inStates(m: Tx, states: readonly string[]): Promise<SpotInstanceRequestEntity[]> {
    return m.find(SpotInstanceRequestEntity, { where: { state: In([...states]) } });
  }

  /** An interrupted instance's reason (EC2's stateReason code). */
  async setInstanceStateReason(tx: Tx, instanceId: string, stateReason: string): Promise<void> {
    await tx.update(InstanceEntity, { id: instanceId }, { stateReason });
  }

  /**
   * An interrupted instance's last `instance-usage` interval (closed by the termination, in this
   * commit) is marked `interrupted`: the rater's first-hour rule reads it (docs/model.md).
   */
  async markUsageInterrupted(tx: Tx, instanceId: string): Promise<void> {
    const last = await tx.findOne(UsageRecordEntity, { where: { resourceId: instanceId, kind: 'instance-usage' }, order: { startMs: 'DESC' } });
    if (!last) return;
    await tx.update(UsageRecordEntity, { recordId: last.recordId }, { attrs: JSON.stringify({ ...JSON.parse(last.attrs), interrupted: true }) });
  }

  async insert(tx: Tx, rows: readonly SpotInstanceRequestEntity[], tags: Readonly<Record<string, string>> = {}): Promise<void> {
    if (rows.length === 0) return;
    await tx.insert(SpotInstanceRequestEntity, rows.map((r) => ({ ...r })));
    const tagRows = rows.flatMap((r) => Object.entries(tags).map(([key, value]) => ({ resourceId: r.id, tenantId: r.tenantId, key, value })));
    if (tagRows.length > 0) await tx.insert(SpotInstanceRequestTagEntity, tagRows);
  }

  async setStatus(tx: Tx, ids: readonly string[], change: Pick<SpotInstanceRequestEntity, 'statusCode' | 'statusUpdatedAt'> & Partial<Pick<SpotInstanceRequestEntity, 'state' | 'interruptionReason'>>): Promise<void> {
    if (ids.length === 0) return;
    await tx.update(SpotInstanceRequestEntity, { id: In([...ids]) }, change);
  }

  /** Replaces a request's tags with these. */
  async setTags(tx: Tx, tenantId: string, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.delete(SpotInstanceRequestTagEntity, { resourceId: id });
    const rows = Object.entries(tags).map(([key, value]) => ({ resourceId: id, tenantId, key, value }));
    if (rows.length > 0) await tx.insert(SpotInstanceRequestTagEntity, rows);
  }

  /** The tags on each request, keys in order. */
  async tagsOf(m: Tx, ids: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    if (ids.length === 0) return out;
    const rows = await m.find(SpotInstanceRequestTagEntity, { where: { resourceId: In([...ids]) }, order: { key: 'ASC' } });
    for (const t of rows) out.set(t.resourceId, { ...(out.get(t.resourceId) ?? {}), [t.key]: t.value });
    return out;
  }
}
