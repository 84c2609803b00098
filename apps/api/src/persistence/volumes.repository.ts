import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PROVISIONED_IOPS_TYPES, resolveVolume, VolumeSpec, VolumeType } from '@nimbus/hypervisor';
import { DataSource, In } from 'typeorm';
import { READ_DB } from './data-source';
import { EbsEncryptionDefaultsEntity, VolumeEntity, VolumeModificationEntity, VolumeTagEntity } from './entities';
import { insertRows, placeholders, selectOwned, selectWhere } from './fast-sql';
import { Tx } from './tx';

/** Bound parameters per IN (...) list, well under SQLite's and PostgreSQL's limits. */
const IN_BATCH = 500;

/** Splits ids into lists short enough for one IN (...) each. */
export function inBatches<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += IN_BATCH) out.push(xs.slice(i, i + IN_BATCH));
  return out;
}

/**
 * `(SELECT Σ iops …)` of one tenant's volumes of `typeCount` types that are not deleted, its
 * parameters (the tenant, then the types) after the first `from`. Its conditions imply the partial
 * index `ix_volumes_tenant_provisioned`'s, which covers it: the deleted volumes a tenant leaves
 * behind are not read, nor the table.
 */
export function iopsSum(m: Tx, typeCount: number, from: number): string {
  return `(SELECT COALESCE(SUM("iops"), 0) FROM "volumes" WHERE "tenant_id" = ${placeholders(m, 1, from)}` +
    ` AND "volume_type" IN (${placeholders(m, typeCount, from + 1)}) AND "state" <> 'deleted')`;
}

/** What DescribeVolumes filters by; `afterId` is the last id of the previous page. */
export interface VolumeFilter {
  readonly state?: string;
  readonly instanceId?: string;
  readonly availabilityZone?: string;
  readonly afterId?: string;
}

/** A volume's attachment as stored: all null (and deleteOnTermination false) when it is not attached. */
export type VolumeAttachmentRow = Pick<VolumeEntity, 'state' | 'instanceId' | 'device' | 'attachTime' | 'deleteOnTermination'>;

/** The data plane's spec of a stored volume (for restoring the data plane after a restart). */
export function volumeSpecOf(v: VolumeEntity): VolumeSpec {
  const type = v.volumeType as VolumeType;
  return resolveVolume({
    type,
    sizeGiB: v.sizeGiB,
    iops: PROVISIONED_IOPS_TYPES.includes(type) ? v.iops : undefined,
    throughputMiBps: type === 'gp3' ? v.throughputMiBps : undefined,
  });
}

/** The `volumes` table (and the tenant's provisioned-IOPS limit, which bounds it). */
@Injectable()
export class VolumesRepository {
  constructor(@InjectDataSource(READ_DB) private readonly read: DataSource) {}

  /** A volume by id, whoever's it is, deleted or not. */
  findById(tx: Tx, id: string): Promise<VolumeEntity | null> {
    return tx.findOneBy(VolumeEntity, { id });
  }

  /** The tenant's volume, deleted or not: in the command's transaction, or the committed state. */
  findOwned(tenantId: string, id: string, tx?: Tx): Promise<VolumeEntity | null> {
    return selectOwned(tx ?? this.read.manager, VolumeEntity, id, tenantId);
  }

  /** One page of the tenant's volumes that are not deleted, by id; `take` rows at most. */
  page(tenantId: string, f: VolumeFilter, take: number): Promise<VolumeEntity[]> {
    const qb = this.read
      .getRepository(VolumeEntity)
      .createQueryBuilder('v')
      .where('v.tenantId = :tenantId', { tenantId })
      .andWhere("v.state <> 'deleted'");
    if (f.state) qb.andWhere('v.state = :state', { state: f.state });
    if (f.instanceId) qb.andWhere('v.instanceId = :instanceId', { instanceId: f.instanceId });
    if (f.availabilityZone) qb.andWhere('v.availabilityZone = :az', { az: f.availabilityZone });
    if (f.afterId) qb.andWhere('v.id > :after', { after: f.afterId });
    return qb.orderBy('v.id', 'ASC').take(take).getMany();
  }

  /**
   * Plain statements (fast-sql's insertRows), not TypeORM's insert builder, which renders its SQL
   * anew at every call: every EC2 launch writes its root volume here. (The table has no generated
   * or default columns, so the rows written are the rows given.)
   */
  async insert(tx: Tx, rows: readonly VolumeEntity[]): Promise<void> {
    await insertRows(tx, VolumeEntity, rows);
  }

  async setAttachment(tx: Tx, id: string, attachment: VolumeAttachmentRow): Promise<void> {
    await tx.update(VolumeEntity, { id }, { ...attachment });
  }

  /** The tenant's EBS encryption by default and default key: in the command's transaction, or the committed state; null when never set. */
  encryptionDefaults(tenantId: string, tx?: Tx): Promise<EbsEncryptionDefaultsEntity | null> {
    return (tx ?? this.read.manager).findOneBy(EbsEncryptionDefaultsEntity, { tenantId });
  }

  async saveEncryptionDefaults(tx: Tx, row: EbsEncryptionDefaultsEntity): Promise<void> {
    await tx.upsert(EbsEncryptionDefaultsEntity, { ...row }, ['tenantId']);
  }

  async setAutoEnableIO(tx: Tx, id: string, autoEnableIO: boolean): Promise<void> {
    await tx.update(VolumeEntity, { id }, { autoEnableIO });
  }

  async markDeleted(tx: Tx, ids: readonly string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await tx.update(VolumeEntity, { id: In([...ids]) }, { state: 'deleted', instanceId: null, device: null, attachTime: null, deleteOnTermination: false, deletedAt: now });
    // A deleted volume is gone, its tags with it (DescribeTags never lists them).
    for (const batch of inBatches(ids)) await tx.delete(VolumeTagEntity, { volumeId: In(batch) });
  }

  /** These volumes' tags, by volume id, keys in order: in the command's transaction, or the committed state. */
  async tagsOf(volumeIds: readonly string[], tx?: Tx): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    const m = tx ?? this.read.manager;
    for (const batch of inBatches(volumeIds)) {
      const rows = await m.find(VolumeTagEntity, { where: { volumeId: In(batch) }, order: { volumeId: 'ASC', key: 'ASC' } });
      for (const t of rows) out.set(t.volumeId, { ...(out.get(t.volumeId) ?? {}), [t.key]: t.value });
    }
    return out;
  }

  /** Every tag of the tenant's volumes, by volume id then key. */
  tagsOfTenant(tenantId: string): Promise<VolumeTagEntity[]> {
    return this.read.manager.find(VolumeTagEntity, { where: { tenantId }, order: { volumeId: 'ASC', key: 'ASC' } });
  }

  /** Adds or replaces these tags of the volume. */
  async saveTags(tx: Tx, tenantId: string, volumeId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    const rows = Object.entries(tags).map(([key, value]) => ({ volumeId, key, value, tenantId }));
    if (rows.length > 0) await tx.save(VolumeTagEntity, rows);
  }

  async deleteTag(tx: Tx, volumeId: string, key: string): Promise<void> {
    await tx.delete(VolumeTagEntity, { volumeId, key });
  }

  /** Detached and available again. */
  async markAvailable(tx: Tx, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await tx.update(VolumeEntity, { id: In([...ids]) }, { state: 'available', instanceId: null, device: null, attachTime: null, deleteOnTermination: false });
  }

  /** The volumes attached to these instances (one query per 500 ids), in no particular order. */
  async attachedTo(m: Tx, instanceIds: readonly string[]): Promise<VolumeEntity[]> {
    const out: VolumeEntity[] = [];
    for (const ids of inBatches(instanceIds)) out.push(...(await selectWhere(m, VolumeEntity, { state: 'in-use' }, { in: { prop: 'instanceId', values: ids } })));
    return out;
  }

  /** Σ IOPS of the tenant's volumes of these types that are not deleted. */
  async iopsOf(tenantId: string, types: readonly string[], tx?: Tx): Promise<number> {
    const m = tx ?? this.read.manager;
    const [row] = (await m.query(`SELECT ${iopsSum(m, types.length, 0)} AS "used"`, [tenantId, ...types])) as { used: string | number }[];
    return Number(row.used);
  }

  /**
   * The tenant's provisioned-IOPS quota and Σ IOPS of its volumes of these types that are not
   * deleted, as the command's transaction sees them, in one statement: every EC2 launch asks (its
   * root volume is gp3), and the sum reads the partial index `ix_volumes_tenant_provisioned` alone,
   * which holds no deleted volume.
   */
  async iopsQuota(tx: Tx, tenantId: string, types: readonly string[]): Promise<{ limit: number; used: number }> {
    const [row] = (await tx.query(
      `SELECT "quota_provisioned_iops" AS "quota", ${iopsSum(tx, types.length, 0)} AS "used" FROM "tenants" WHERE "id" = ${placeholders(tx, 1, types.length + 1)}`,
      [tenantId, ...types, tenantId],
    )) as { quota: string | number; used: string | number }[];
    if (!row) throw new Error(`No tenant ${tenantId}`);
    return { limit: Number(row.quota), used: Number(row.used) };
  }

  /** A volume's new type, size, IOPS and throughput (ModifyVolume). */
  async setSpec(tx: Tx, id: string, spec: { volumeType: string; sizeGiB: number; iops: number; throughputMiBps: number }): Promise<void> {
    await tx.update(VolumeEntity, { id }, spec);
  }

  async insertModification(tx: Tx, row: VolumeModificationEntity): Promise<void> {
    await tx.insert(VolumeModificationEntity, { ...row });
  }

  /** The volume's modifications, oldest first. */
  modificationsOf(tx: Tx, volumeId: string): Promise<VolumeModificationEntity[]> {
    return tx.find(VolumeModificationEntity, { where: { volumeId }, order: { startMs: 'ASC' } });
  }

  /** The latest modification of each of the tenant's volumes (all of them, or these), by volume id. */
  async latestModifications(tenantId: string, volumeIds?: readonly string[]): Promise<VolumeModificationEntity[]> {
    const qb = this.read.getRepository(VolumeModificationEntity).createQueryBuilder('m').where('m.tenantId = :tenantId', { tenantId });
    if (volumeIds) {
      if (volumeIds.length === 0) return [];
      qb.andWhere('m.volumeId IN (:...ids)', { ids: [...volumeIds] });
    }
    const rows = await qb.orderBy('m.volumeId', 'ASC').addOrderBy('m.startMs', 'DESC').getMany();
    const latest = new Map<string, VolumeModificationEntity>();
    for (const r of rows) if (!latest.has(r.volumeId)) latest.set(r.volumeId, r);
    return [...latest.values()];
  }
}
