import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Not } from 'typeorm';
import { READ_DB } from './data-source';
import { InstanceEntity, PlacementGroupEntity } from './entities';
import { Tx } from './tx';

/** Tenants' placement groups (names unique per tenant) and their members. */
@Injectable()
export class PlacementGroupsRepository {
  constructor(@InjectDataSource(READ_DB) private readonly db: DataSource) {}

  /** The tenant's group of that name, in the transaction or (without one) in the committed state. */
  async findByName(tenantId: string, name: string, tx: Tx = this.db.manager): Promise<PlacementGroupEntity | undefined> {
    return (await tx.findOneBy(PlacementGroupEntity, { tenantId, name })) ?? undefined;
  }

  /** The tenant's group with that id (another tenant's is not found). */
  async findById(tenantId: string, id: string, tx: Tx = this.db.manager): Promise<PlacementGroupEntity | undefined> {
    return (await tx.findOneBy(PlacementGroupEntity, { tenantId, id })) ?? undefined;
  }

  async setTags(tx: Tx, id: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await tx.update(PlacementGroupEntity, { id }, { tags: JSON.stringify(tags) });
  }

  async insert(tx: Tx, row: PlacementGroupEntity): Promise<void> {
    await tx.insert(PlacementGroupEntity, { ...row });
  }

  /** A tenant's groups, by name. */
  listOf(tenantId: string): Promise<PlacementGroupEntity[]> {
    return this.db.getRepository(PlacementGroupEntity).find({ where: { tenantId }, order: { name: 'ASC' } });
  }

  /** Members that are not terminated (stopped ones stay members). */
  countActiveMembers(tx: Tx, groupId: string): Promise<number> {
    return tx.countBy(InstanceEntity, { placementGroupId: groupId, state: Not('terminated') });
  }

  /** Deletes it, after taking its (terminated) members out of it. */
  async delete(tx: Tx, groupId: string): Promise<void> {
    await tx.update(InstanceEntity, { placementGroupId: groupId }, { placementGroupId: null, partitionNumber: null });
    await tx.delete(PlacementGroupEntity, { id: groupId });
  }
}
