import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CatalogAdditions, Image, ImageBlockDevice, InstanceType } from '@nimbus/hypervisor';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { READ_DB } from './data-source';
import { CatalogInstanceTypeEntity, ImageEntity, SnapshotEntity } from './entities';
import { Tx } from './tx';

/**
 * A stored image as the world's catalog holds it: its body, with its block device mapping from
 * `block_devices` (kept there once: the column DescribeImages shows).
 */
export function imageOf(row: ImageEntity): Image {
  const body = JSON.parse(row.body) as Image;
  const blockDevices = JSON.parse(row.blockDevices) as ImageBlockDevice[];
  return blockDevices.length > 0 ? { ...body, blockDevices } : body;
}

/** The catalog's stored additions (custom types, images) and the tenants' snapshots. */
@Injectable()
export class CatalogRepository {
  constructor(@InjectDataSource(READ_DB) private readonly read: DataSource) {}

  /** What the world's catalog adds to the built-in one, retired entries included (for restore). */
  static async loadAdditions(m: EntityManager): Promise<CatalogAdditions> {
    const types = await m.find(CatalogInstanceTypeEntity, { order: { createdAt: 'ASC', name: 'ASC' } });
    const images = await m.find(ImageEntity, { order: { createdAt: 'ASC', id: 'ASC' } });
    return {
      instanceTypes: types.map((t) => JSON.parse(t.body) as InstanceType),
      retiredInstanceTypes: types.filter((t) => t.deletedAt !== null).map((t) => t.name),
      images: images.map(imageOf),
      retiredImages: images.filter((i) => i.state === 'deregistered').map((i) => i.id),
    };
  }

  // ---- custom instance types ----

  instanceTypeRow(tx: Tx, name: string): Promise<CatalogInstanceTypeEntity | null> {
    return tx.findOneBy(CatalogInstanceTypeEntity, { name });
  }

  async insertInstanceType(tx: Tx, t: InstanceType, now: number): Promise<void> {
    await tx.insert(CatalogInstanceTypeEntity, { name: t.name, family: t.family, body: JSON.stringify(t), createdAt: now, deletedAt: null });
  }

  async retireInstanceType(tx: Tx, name: string, now: number): Promise<void> {
    await tx.update(CatalogInstanceTypeEntity, { name, deletedAt: IsNull() }, { deletedAt: now });
  }

  // ---- images ----

  imageRow(m: Tx | undefined, id: string): Promise<ImageEntity | null> {
    return (m ?? this.read.manager).findOneBy(ImageEntity, { id });
  }

  /** Images not deregistered: the operator's (public) and this tenant's own. */
  visibleImages(tenantId: string): Promise<ImageEntity[]> {
    return this.read
      .getRepository(ImageEntity)
      .createQueryBuilder('i')
      .where('i.state <> :gone', { gone: 'deregistered' })
      .andWhere('(i.tenant_id IS NULL OR i.tenant_id = :tenantId)', { tenantId })
      .orderBy('i.id', 'ASC')
      .getMany();
  }

  /** The operator's images (no tenant), deregistered ones left out. */
  operatorImages(): Promise<ImageEntity[]> {
    return this.read.getRepository(ImageEntity).find({ where: { tenantId: IsNull(), state: 'available' }, order: { id: 'ASC' } });
  }

  ownImageNamed(tx: Tx | undefined, tenantId: string | null, name: string): Promise<ImageEntity | null> {
    return (tx ?? this.read.manager).findOneBy(ImageEntity, { tenantId: tenantId ?? IsNull(), name, state: 'available' });
  }

  async insertImage(tx: Tx, row: ImageEntity): Promise<void> {
    await tx.insert(ImageEntity, row);
  }

  async deregisterImage(tx: Tx, id: string, now: number): Promise<void> {
    await tx.update(ImageEntity, { id }, { state: 'deregistered', deregisteredAt: now });
  }

  async setImageTags(tx: Tx, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.update(ImageEntity, { id }, { tags: JSON.stringify(tags) });
  }

  // ---- snapshots ----

  snapshotRow(m: Tx | undefined, id: string): Promise<SnapshotEntity | null> {
    return (m ?? this.read.manager).findOneBy(SnapshotEntity, { id });
  }

  snapshotsOf(tenantId: string): Promise<SnapshotEntity[]> {
    return this.read.getRepository(SnapshotEntity).find({ where: { tenantId }, order: { id: 'ASC' } });
  }

  async insertSnapshots(tx: Tx, rows: readonly SnapshotEntity[]): Promise<void> {
    if (rows.length > 0) await tx.insert(SnapshotEntity, [...rows]);
  }

  async deleteSnapshot(tx: Tx, id: string): Promise<void> {
    await tx.delete(SnapshotEntity, { id });
  }

  async setSnapshotTags(tx: Tx, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.update(SnapshotEntity, { id }, { tags: JSON.stringify(tags) });
  }

  /**
   * An image of the snapshot's tenant, not deregistered, whose block device mapping uses the
   * snapshot: the one CreateImage or CopyImage made it for, or any RegisterImage registered from it
   * (a snapshot may back several).
   */
  async imageUsing(tx: Tx, snapshot: SnapshotEntity): Promise<string | undefined> {
    const images = await tx.find(ImageEntity, { where: { tenantId: snapshot.tenantId, state: 'available' }, select: { id: true, blockDevices: true }, order: { id: 'ASC' } });
    return images.find((i) => (JSON.parse(i.blockDevices) as ImageBlockDevice[]).some((b) => b.snapshotId === snapshot.id))?.id;
  }

  /** The tenant's images' descriptions and bodies change (ModifyImageAttribute); the rest of a row stays as made. */
  async updateImage(tx: Tx, id: string, change: Partial<Pick<ImageEntity, 'description' | 'body'>>): Promise<void> {
    await tx.update(ImageEntity, { id }, change);
  }
}
